"""The home screen: one day of the journal.

A header with the date (and the day's note), the day's entries in time order, and the selected
entry in full beside them (below them in a narrow terminal). Days are browsed with the arrow keys or
``[``/``]``; ``t`` comes back to today and ``g`` jumps to a date typed the way people say it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.content import Content
from textual.widgets import Footer, Static

from journal.dates import format_date_human, parse_date
from journal.errors import JournalError
from journal.screens.base import EntryDefaults, JournalScreen
from journal.screens.dialogs import PromptScreen
from journal.widgets.entry_detail import EntryDetail
from journal.widgets.entry_list import EntryList
from journal.widgets.navbar import NavBar
from journal.widgets.render import plain


class DayScreen(JournalScreen):
    """The journal, one day at a time."""

    MODE = "journal"
    AUTO_FOCUS = "#day-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the table would otherwise take left/right to scroll sideways.
        Binding("left,left_square_bracket", "day(-1)", "Prev", key_display="←",
                tooltip="Previous day",
                priority=True),
        Binding("right,right_square_bracket", "day(1)", "Next", key_display="→",
                tooltip="Next day",
                priority=True),
        Binding("t", "today", "Today", show=False),
        Binding("g", "goto", "Go to", tooltip="Go to a date (ISO, yesterday, last friday…)"),
        Binding("e", "edit", "Edit", tooltip="Edit the selected entry (or enter)"),
        Binding("F", "follow_up", "Follow up", show=False, key_display="F",
                tooltip="Plan a follow-up of the selected entry (same people, linked back)"),
        # not in the footer (80 columns are full; ? and ctrl+p list it): deleting is rare
        Binding("d", "delete", "Delete", show=False, tooltip="Delete the selected entry"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date = self.japp.today
        #: The entry to select once the screen is composed (asked for before it was).
        self._select_later: str | None = None

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield Static(id="day-header")
        yield Static(id="day-note")
        with Container(id="day-body"):
            with Container(id="day-list"):
                yield EntryList(self.japp.entry_tables, id="day-table")
                yield Static(Content.styled("No entries on this day. Press n to write one.",
                                            "$text-muted"), id="day-empty")
            yield EntryDetail(self.japp.entry_tables, lambda: self.japp.generation,
                              follow_ups=self.japp.follow_ups_of,
                              id="day-detail")
        yield Footer(compact=True)

    @property
    def table(self) -> EntryList:
        return self.query_one("#day-table", EntryList)

    # -- data -----------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        select, self._select_later = select or self._select_later, None
        day = self.day.isoformat()
        ids = self.japp.entry_ids_on(day)
        docs = self.japp.entry_tables().get("entries", {})
        today = self.japp.today
        relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get((self.day - today).days, "")
        count = f"{len(ids)} entr{'y' if len(ids) == 1 else 'ies'}" if ids else "no entries"
        planned = sum(1 for i in ids if docs[i].get("status") == "planned")
        if planned:
            count += f", {planned} planned"
        self.query_one("#day-header", Static).update(Content.assemble(
            (format_date_human(self.day), "bold"), (f"  {relative}" if relative else "", "$accent"),
            (f"  ·  {count}", "$text-muted")))
        note = self.journal.day_note(day)
        note_widget = self.query_one("#day-note", Static)
        mark = ("⚠ ", "bold $warning") if day in self.japp.conflicted()["days"] else ""
        note_widget.update(Content.assemble(mark, plain(note.replace("\n", " · "))))
        note_widget.display = bool(note)
        self.table.set_entries(ids, select=select)
        self.query_one("#day-empty").display = not ids
        self.table.display = bool(ids)
        self._show_detail()

    def _show_detail(self) -> None:
        self.cancel_soon()
        self.query_one(EntryDetail).show(self.table.selected_id)
        self.update_resolve_binding()

    def conflict_target(self) -> tuple[str, str] | None:
        """The selected entry's conflicts, else the day note's."""
        target = self.entry_conflict(self.table.selected_id)
        day = self.day.isoformat()
        if target is None and day in self.japp.conflicted()["days"]:
            target = ("days", day)
        return target

    def show_day(self, day: date, *, select: str | None = None) -> None:
        self.day = day
        if not self.live:  # shown by the first refresh once composed
            self._select_later = select
            self.shown_generation = -1
            return
        self.shown_generation = self.japp.generation
        with self.japp.guard():
            self.reload(select)

    def show_entry(self, entry_id: str) -> None:
        """Jump to the entry's day with the entry selected (from search, a cross-index, a save)."""
        doc = self.journal.tables.get("entries", {}).get(entry_id)
        if doc is None and "@" in entry_id:  # an occurrence of a repeating entry
            try:
                doc = {"date": self.journal.get_entry(entry_id).date}
            except JournalError:
                doc = None
        if doc is not None:
            self.show_day(date.fromisoformat(doc["date"]), select=entry_id)
            if self.live:
                self.table.focus()

    def selected_entry(self) -> str | None:
        return self.table.selected_id

    def entry_defaults(self) -> EntryDefaults:
        return EntryDefaults(self.day)

    # -- events and actions ---------------------------------------------------------------
    @on(EntryList.Highlighted, "#day-table")
    def _highlighted(self) -> None:
        self.show_soon(self._show_detail)

    @on(EntryList.Selected, "#day-table")
    def _selected(self, event: EntryList.Selected) -> None:
        if event.key:
            self.japp.edit_entry(event.key)

    def action_day(self, delta: int) -> None:
        try:
            day = self.day + timedelta(days=delta)
        except OverflowError:
            edge = "ends on 9999-12-31" if delta > 0 else "starts on 0001-01-01"
            self.notify(f"The calendar {edge}.", severity="warning", markup=False)
            return
        self.show_day(day)

    def action_today(self) -> None:
        self.show_day(self.japp.today)

    def action_goto(self) -> None:
        def check(text: str) -> str | None:
            try:
                parse_date(text, today=self.japp.today)
            except JournalError as exc:
                return str(exc)
            return None

        def chosen(text: str | None) -> None:
            if text:
                self.show_day(parse_date(text, today=self.japp.today))

        self.app.push_screen(PromptScreen(
            "Go to date", placeholder="2026-11-23, yesterday, last friday, 上周五…", check=check,
            hint="ISO date or words: yesterday, last friday, 3 days ago, 昨天"), chosen)

    def action_edit(self) -> None:
        if self.table.selected_id:
            self.japp.edit_entry(self.table.selected_id)

    def action_follow_up(self) -> None:
        if self.table.selected_id:
            self.japp.follow_up(self.table.selected_id)

    def action_delete(self) -> None:
        if self.table.selected_id:
            self.japp.delete_entry(self.table.selected_id)

    def can_act(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "follow_up") and not self.table.selected_id:
            return None  # shown greyed out: there is nothing to act on
        return super().can_act(action, parameters)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Previous day", "Show the day before (← or [)",
                            lambda: self.action_day(-1))
        yield SystemCommand("Next day", "Show the day after (→ or ])", lambda: self.action_day(1))
        yield SystemCommand("Today", "Back to today (t)", self.action_today)
        yield SystemCommand("Go to date…", "Jump to a date: ISO, yesterday, last friday (g)",
                            self.action_goto)
        if self.table.selected_id:
            yield SystemCommand("Edit entry", "Edit the selected entry (e)", self.action_edit)
            yield SystemCommand("Follow up…", "Plan a follow-up of the selected entry (F)",
                                self.action_follow_up)
            yield SystemCommand("Delete entry", "Delete the selected entry (d)",
                                self.action_delete)
        yield from self.conflict_commands()

