"""`journal export --format csv`: entries in the CSV import's columns, so the file imports back.

Lists inside a cell are separated by ``; `` (the import also splits on the full-width ``；``), links
are names (``Name (Organisation)`` for namesakes), expenses read ``12.5 CNY taxi``. UTF-8 by default;
``--excel`` adds the byte-order mark without which Excel shows UTF-8 Chinese as mojibake, and
neutralises cells that Excel would run as formulas (``=``, ``+``, ``-``, ``@`` first: a client name
like ``=HYPERLINK(…)`` must not become a live link) by putting an apostrophe in front, which the
import takes off again; ``--encoding gb18030`` writes what older Chinese Excel and bank systems
expect.
"""

from __future__ import annotations

import csv
import io

from journal.errors import ValidationError
from journal.i18n import _
from journal.interchange.export.columns import entry_columns, text
from journal.interchange.export.scope import ExportData

ENCODINGS = ("utf-8", "gb18030")
#: What makes Excel read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def render_csv(data: ExportData, *, excel: bool = False, encoding: str = "utf-8") -> bytes:
    if encoding not in ENCODINGS:
        raise ValidationError(_("unknown encoding {encoding!r}: use {join}").format(encoding=encoding, join=' or '.join(ENCODINGS)))
    if excel and encoding != "utf-8":
        raise ValidationError(_("--excel writes UTF-8 with a byte-order mark; GB18030 needs no mark "
                              "(Chinese Excel reads it as is): give one of the two"))
    columns = entry_columns(data)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for entry_id, doc in data.entries.items():
        row = [text(c.value(entry_id, doc)) for c in columns]
        writer.writerow([excel_safe(cell) for cell in row] if excel else row)
    body = out.getvalue()
    return ("\ufeff" + body).encode("utf-8") if excel else body.encode(encoding)
