"""`journal export --format xlsx`: the journal as an Excel workbook (openpyxl, imported lazily).

Sheets: Entries (real date and time cells, so Excel sorts, filters and pivots them; the summary
wraps), Contacts, Projects, Organisations, Day notes and Reviews — the same columns as the CSV (see
:mod:`.columns`), with readable headings, a frozen, filterable header row and widths fitted to the
content (CJK characters count double). Written in openpyxl's streaming mode: a 100k-entry journal
never sits in memory as a million cell objects.

User text is always a text cell: openpyxl would store a string starting with ``=`` as a formula
(an event named ``=HYPERLINK(…)`` would become a live link), and control characters that the xlsx
format cannot hold are shown as ``\\x1b``-style escapes instead of making the file unreadable. A
text longer than Excel's cell limit (32,767 characters) is cut there, with a note.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from copy import copy
from datetime import date, time
from typing import Any

from journal.interchange.export.columns import (
    Column,
    contact_columns,
    day_columns,
    entry_columns,
    organisation_columns,
    project_columns,
    review_columns,
    text,
)
from journal.interchange.export.scope import Doc, ExportData
from journal.text import SHEET_CELL_LIMIT, sheet_text

MAX_WIDTH = 50
WRAPPED = {"summary": 60, "notes": 50, "note": 60, "address": 40}


def display_width(value: str) -> int:
    """Columns ``value`` takes on screen, approximately: a CJK character (3 bytes in UTF-8) counts
    two, ASCII one. The longest line of a multi-line text."""
    if "\n" in value:
        return max(display_width(line) for line in value.splitlines()) if value.strip() else 0
    return (len(value.encode("utf-8")) + len(value)) // 2


class _Cells:
    """Turns values into write-only cells of one sheet. Styles are set once on template cells and
    their style arrays copied into each new cell: assigning a style object per cell costs
    openpyxl a lookup in the workbook's style tables every time (most of the export's time)."""

    def __init__(self, sheet: Any, notes: list[str]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = sheet
        self.notes = notes
        self.make = WriteOnlyCell
        top, wrap = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
        self.styles: dict[str, Any] = {}
        for kind, alignment, number_format in (("text", top, None), ("wrap", wrap, None),
                                               ("date", top, "yyyy-mm-dd"), ("time", top, "hh:mm")):
            template = WriteOnlyCell(sheet)
            template.alignment = alignment
            if number_format:
                template.number_format = number_format
            self.styles[kind] = template._style
        header = WriteOnlyCell(sheet)
        header.font, header.fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
        self.styles["heading"] = header._style

    def _styled(self, cell: Any, kind: str) -> Any:
        cell._style = copy(self.styles[kind])
        return cell

    def heading(self, value: str) -> Any:
        return self._styled(self.make(self.sheet, value=value), "heading")

    def cell(self, value: Any, *, wrap: bool, where: str) -> Any:
        """A cell object where the value needs a style or protection, else the plain value
        (openpyxl writes plain values through one reused cell: several times faster)."""
        if isinstance(value, str):
            if len(value) > SHEET_CELL_LIMIT:
                self.notes.append(f"{where}: text cut at Excel's limit of {SHEET_CELL_LIMIT:,} "
                                  "characters")
            value = sheet_text(value)
            if not value:
                return None  # no cell at all: smaller and faster than an empty one
            if not wrap and not value.startswith("="):
                return value
            cell = self.make(self.sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            return self._styled(cell, "wrap" if wrap else "text")
        if isinstance(value, date):
            return self._styled(self.make(self.sheet, value=value), "date")
        if isinstance(value, time):
            return self._styled(self.make(self.sheet, value=value), "time")
        return value


def _typed(column: Column, value: Any) -> Any:
    """The cell value: dates and times as real ones, counts as numbers, the rest as text."""
    if column.key in ("date", "birthday") and isinstance(value, str) and len(value) == 10 \
            and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if column.key == "birthday" and isinstance(value, str) and value.startswith("--"):
        return value[2:] + " (no year)"
    if column.key in ("time", "end_time") and isinstance(value, str) and len(value) == 5:
        return time(int(value[:2]), int(value[3:]))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return text(value)


def _sheet(book: Any, title: str, columns: list[Column], docs: Mapping[str, Doc],
           notes: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    rows = [[_typed(c, c.value(doc_id, doc)) for c in columns] for doc_id, doc in docs.items()]
    for i, column in enumerate(columns):
        letter = get_column_letter(i + 1)
        if column.key in WRAPPED:
            width = WRAPPED[column.key]
        elif column.key in ("date", "birthday"):
            width = 12
        elif column.key in ("time", "end_time"):
            width = 7
        else:
            widest = max((display_width(v) for row in rows if isinstance(v := row[i], str)),
                         default=0)
            width = min(MAX_WIDTH, max(display_width(column.heading), widest) + 2)
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    cells = _Cells(sheet, notes)
    sheet.append([cells.heading(c.heading) for c in columns])
    wrap = [c.key in WRAPPED for c in columns]
    for n, row in enumerate(rows, 2):
        sheet.append([cells.cell(v, wrap=wrap[i], where=f"{title} row {n}")
                      for i, v in enumerate(row)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def render_xlsx(data: ExportData, notes: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    notes = notes if notes is not None else []
    book = Workbook(write_only=True)
    sheets: list[tuple[str, Callable[..., list[Column]], Mapping[str, Doc]]] = [
        ("Contacts", contact_columns, _sorted(data.contacts)),
        ("Projects", project_columns, _sorted(data.projects)),
        ("Organisations", organisation_columns, _sorted(data.organisations)),
    ]
    _sheet(book, "Entries", entry_columns(data), data.entries, notes)
    for title, columns, docs in sheets:
        _sheet(book, title, columns(data, docs), docs, notes)
    if data.days:
        _sheet(book, "Day notes", day_columns(data, data.days), data.days, notes)
    if data.reviews:
        _sheet(book, "Reviews", review_columns(data, data.reviews), data.reviews, notes)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sorted(docs: Mapping[str, Doc]) -> dict[str, Doc]:
    from journal.text import fold

    return dict(sorted(docs.items(), key=lambda item: (fold(item[1].get("name", "")), item[0])))
