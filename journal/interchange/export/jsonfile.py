"""`journal export --format json`: the journal (or the selected part) as a bundle that imports back.

The file is a hand-over bundle (:mod:`journal.interchange.bundle`) without a subject: the same
format, so ``journal import`` reads it with the same rules — ids are kept, a document already
present (same id, or the same folded name and organisation) is merged rather than duplicated,
and importing it a second time changes nothing. It holds every field of every document (fields a
newer version added included), the day notes and the written reviews (week, month, quarter); not the merge conflicts recorded in this journal
(answer them with ``journal conflicts`` first: they are questions for this journal, not data).

Deterministic: no export time inside, keys sorted, two-space indentation, UTF-8 (Chinese stays
readable), so exporting the same journal twice gives the same bytes and two exports diff cleanly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from journal.interchange.bundle import FORMAT, VERSION
from journal.interchange.export.scope import Doc, ExportData

TABLES = ("organisations", "contacts", "projects", "entries", "days", "reviews")
_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def _clean(docs: Mapping[str, Doc]) -> dict[str, Doc]:
    return {i: {k: v for k, v in d.items() if k != "conflicts"} if "conflicts" in d else d
            for i, d in docs.items()}


def render_json(data: ExportData) -> bytes:
    """Header fields first (what the file is, where someone opening it looks), then each table
    with sorted keys. Each table is dumped on its own and indented one level by inserting two
    spaces after every line break (JSON strings hold no raw line breaks), which keeps the 100k
    entries in orjson's fast path."""
    head: dict[str, Any] = {"format": FORMAT, "version": VERSION, "scope": data.description}
    parts = [orjson.dumps(head, option=orjson.OPT_INDENT_2)[:-2]]  # without "\n}"
    for table in TABLES:
        body = orjson.dumps(_clean(data.table(table)), option=_OPTIONS).replace(b"\n", b"\n  ")
        parts.append(b',\n  "' + table.encode() + b'": ' + body)
    return b"".join(parts) + b"\n}\n"
