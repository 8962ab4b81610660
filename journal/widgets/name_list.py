"""The list of contacts, projects or organisations on their screen (all of them, filtered).

A :class:`~journal.widgets.line_list.LineList`: ten thousand contacts are one list of references,
and only the visible names are ever drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.segment import Segment

from journal.names.catalog import NameItem
from journal.text import clean_line
from journal.widgets.line_list import LineList, fit


class NameList(LineList):
    """Names (with the organisation, to tell namesakes apart); the key of a row is its id."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: list[NameItem] = []
        #: id -> (short note shown at the row's end, urgent): when a client is due
        self.notes: Mapping[str, tuple[str, bool]] = {}

    def set_items(self, items: Sequence[NameItem], *, select: str | None = None,
                  notes: Mapping[str, tuple[str, bool]] | None = None) -> None:
        """Show ``items``; the cursor goes to ``select`` if listed, else to the first.
        ``notes``: a few words per id at the end of its row (``12d over``), urgent ones marked
        ``!`` in front and coloured."""
        self.items = list(items)
        self.notes = notes or {}
        index = next((i for i, item in enumerate(self.items) if item.id == select), 0)
        self.reset(len(self.items), index)

    def index_of(self, doc_id: str) -> int | None:
        return next((i for i, item in enumerate(self.items) if item.id == doc_id), None)

    def key_at(self, index: int) -> str | None:
        return self.items[index].id if 0 <= index < len(self.items) else None

    def row_segments(self, index: int, width: int) -> list[Segment]:
        item = self.items[index]
        note, urgent = self.notes.get(item.id, ("", False))
        # the leading cell marks a document that kept another machine's value in a merge, else
        # a client overdue for a visit
        lead = (Segment("⚠", self.style("conflict")) if item.conflicted
                else Segment("!", self.style("planned")) if urgent else Segment(" "))
        tail: list[Segment] = []
        if note and width - 1 - cell_len(note) > 12:  # room for a name first
            width -= cell_len(note) + 1
            tail = [Segment(" "), Segment(note, self.style("planned" if urgent else "muted"))]
        name = clean_line(item.name)
        room = width - 1 - cell_len(name)
        rest = item.label[len(item.name):]
        if room <= 1 or not rest:
            return [lead, Segment(fit(item.label if room > 1 else name, width - 1)), *tail]
        # the organisation, quieter than the name
        return [lead, Segment(name), Segment(fit(rest, room), self.style("muted")), *tail]
