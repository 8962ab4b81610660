"""The selected entry in full, beside (or below) a list of entries.

Rebuilt only when another entry is selected or the data changed: updating a Static reflows the
screen, which would otherwise be paid on every keystroke of a search that keeps the same top hit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from journal.i18n import _
from journal.search.notes import parse_note_key
from journal.widgets.render import Tables, entry_detail, note_detail


class EntryDetail(VerticalScroll):
    """Summary, links, tags and recorded conflicts of one entry."""

    def __init__(self, tables: Callable[[], Tables], generation: Callable[[], int], *,
                 follow_ups: Callable[[str], list[dict[str, Any]]] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._tables = tables
        self._follow_ups = follow_ups
        self._generation = generation
        self._shown: tuple[str | None, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-text")

    def show(self, entry_id: str | None) -> None:
        key = (entry_id, self._generation())
        if key == self._shown:
            return
        self._shown = key
        tables = self._tables()
        note = parse_note_key(entry_id) if entry_id else None
        if note is not None:
            kind, key = note
            doc = tables.get("days" if kind == "day" else "reviews", {}).get(key) or {}
            text = str(doc.get("note" if kind == "day" else "text") or "")
            self.query_one("#detail-text", Static).update(note_detail(kind, key, text))
            self.scroll_home(animate=False)
            return
        doc = tables.get("entries", {}).get(entry_id) if entry_id else None
        self.query_one("#detail-text", Static).update(
            entry_detail(tables, doc, self._follow_ups(entry_id) if self._follow_ups and entry_id
                         else ()) if doc is not None
            else Content.styled(_("No entry selected."), "$text-muted"))
        self.scroll_home(animate=False)
