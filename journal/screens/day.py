"""The home screen: one day of the journal, and what to do now.

A header with the date and how the day's plan stands, the day's note (its 小结), the day's entries
in time order (or by priority), and the selected entry in full beside them (below them in a narrow
terminal). On today, the plans of the last two weeks still unticked follow today's entries, with
their date where the time would be: "what do I do now" is today's plan, yesterday's leftovers and
the note, on one screen.

Days are browsed with the arrow keys or ``[``/``]``; ``t`` comes back to today and ``g`` jumps to a
date typed the way people say it. ``x`` (or space) ticks the selected entry (planned ↔ done; an
entry dated after today asks first), ``>`` carries the day's unfinished plans to the next working
day (or, on a left-over row, brings the left-overs to the day shown), ``N`` writes the day's note in
place, ``O`` orders the list by priority or by time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.content import Content
from textual.widgets import Footer, Static

from journal.dates import format_date_human, parse_date
from journal.errors import JournalError
from journal.i18n import N_, _, ngettext
from journal.models import effective_origin
from journal.routine.usecases import LEFTOVER_DAYS
from journal.screens.base import EntryDefaults, JournalScreen
from journal.screens.dialogs import ConfirmScreen, PromptScreen
from journal.widgets.agenda_pane import AgendaPane
from journal.widgets.entry_detail import EntryDetail
from journal.widgets.entry_list import EntryList
from journal.widgets.inline_editor import InlineEditor
from journal.widgets.navbar import NavBar
from journal.widgets.render import plain, sentence

_PRIORITY_RANK = {"high": 0, "": 1, "normal": 1, "low": 2}


def order_ids(ids: list[str], docs: dict[str, dict[str, Any]], by: str) -> list[str]:
    """``ids`` (one day's entries, in time order) in the order asked for: ``"time"`` keeps them,
    ``"priority"`` puts high before normal before low, and still-planned before done within
    each, keeping time order otherwise."""
    if by != "priority":
        return ids
    return sorted(ids, key=lambda i: (_PRIORITY_RANK.get(docs[i].get("priority") or "", 1),
                                      docs[i].get("status") != "planned"))


class DayScreen(JournalScreen):
    """The journal, one day at a time."""

    MODE = "journal"
    AUTO_FOCUS = "#day-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the table would otherwise take left/right to scroll sideways.
        # one footer item for both (80 columns are full): ? lists them apart
        Binding("left,left_square_bracket", "day(-1)", N_("Day"), key_display="←→",
                tooltip=N_("Previous day"), priority=True),
        Binding("right,right_square_bracket", "day(1)", N_("Next"), show=False, key_display="→",
                tooltip=N_("Next day"), priority=True),
        Binding("x,space", "tick", N_("Tick"), key_display="x",
                tooltip=N_("Tick the selected entry off (planned ↔ done)")),
        Binding("greater_than_sign", "carry", N_("Carry"), key_display=">",
                tooltip=N_("Carry the day's unfinished plans to the next working day")),
        Binding("N", "note", N_("Note"), key_display="N", tooltip=N_("Write the day's note (小结)")),
        Binding("t", "today", N_("Today"), show=False),
        Binding("g", "goto", N_("Go to"), show=False,
                tooltip=N_("Go to a date (ISO, yesterday, last friday…)")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the selected entry (or enter)")),
        Binding("O", "order", N_("Order"), show=False, key_display="O",
                tooltip=N_("Order the day by priority or by time")),
        Binding("F", "follow_up", N_("Follow up"), show=False, key_display="F",
                tooltip=N_("Plan a follow-up of the selected entry")),
        # not in the footer (80 columns are full; ? and ctrl+p list it): deleting is rare
        Binding("d", "delete", N_("Delete"), show=False, tooltip=N_("Delete the selected entry")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date = self.japp.today
        #: The entry to select once the screen is composed (asked for before it was).
        self._select_later: str | None = None
        #: "time" or "priority": how the day's entries are ordered.
        self.order = "time"
        #: Ids of the rows that belong to earlier days (left-over plans, on today only).
        self.leftovers: list[str] = []
        #: Whether the agenda pane was filled once (the first time waits for the first frame).
        self._agenda_shown = False

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield Static(id="day-header")
        yield Static(id="day-note")
        yield InlineEditor(id="note-editor")
        with Container(id="day-body"):
            with Container(id="day-list"):
                yield EntryList(self.session.entry_tables, id="day-table")
                yield Static(Content.styled(_("No entries on this day. Press n to write one."),
                                            "$text-muted"), id="day-empty")
                yield AgendaPane(id="day-agenda")
            yield EntryDetail(self.session.entry_tables, lambda: self.japp.generation,
                              follow_ups=self.session.follow_ups_of,
                              id="day-detail")
        yield Footer(compact=True)

    @property
    def table(self) -> EntryList:
        return self.query_one("#day-table", EntryList)

    @property
    def note_editor(self) -> InlineEditor:
        return self.query_one("#note-editor", InlineEditor)

    # -- data -----------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        select, self._select_later = select or self._select_later, None
        day = self.day.isoformat()
        docs = self.session.entry_tables().get("entries", {})  # occurrences too
        ids = order_ids(self.session.entry_ids_on(day), docs, self.order)
        today = self.japp.today
        self.leftovers = self._leftovers(docs) if self.day == today else []
        self._header(ids, docs)
        note = self.journal.day_note(day)
        note_widget = self.query_one("#day-note", Static)
        mark = ("⚠ ", "bold $warning") if day in self.session.conflicted()["days"] else ""
        if note:
            note_widget.update(Content.assemble(mark, ("小结 ", "bold"),
                                                plain(note.replace("\n", " · "))))
        else:
            note_widget.update(Content.styled(_("No 小结 for this day yet: N writes it (lessons, "
                                              "problems, what is open)."), "$text-muted"))
        note_widget.display = not self.note_editor.is_open and (bool(note) or self.day <= today)
        self.table.day = day
        rows = ids + self.leftovers
        self.table.set_entries(rows, select=select)
        self.query_one("#day-empty").display = not rows
        self.table.display = bool(rows)
        if self._agenda_shown:
            self._show_agenda()
        else:  # the first time after the first frame: the day's entries come first
            self.call_after_refresh(self._show_agenda)
        self._show_detail()

    def _show_agenda(self) -> None:
        """The agenda pane: what else needs doing now (on today only)."""
        panes = self.query(AgendaPane)  # none when the app quit before this came round
        if not panes:
            return
        self._agenda_shown = True
        today = self.day == self.japp.today
        with self.japp.guard():
            panes.first().show(self.session.home_agenda(self.japp.now()) if today else None)

    def index_ready(self) -> None:
        """The index makes the clients due quick to find: the agenda pane adds them."""
        self._show_agenda()

    def _leftovers(self, docs: dict[str, dict[str, Any]]) -> list[str]:
        """Plans of the last two weeks still unticked, oldest first (what
        Journal.unfinished_before finds), from the app's per-day lists: no pass over the
        journal on every refresh."""
        found = []
        for back in range(LEFTOVER_DAYS, 0, -1):
            day = (self.day - timedelta(days=back)).isoformat()
            # not an occurrence of a repeating entry: the next one comes anyway
            found += [i for i in self.session.entry_ids_on(day)
                      if "@" not in i and docs[i].get("status") == "planned"]
        return found

    def _header(self, ids: list[str], docs: dict[str, dict[str, Any]]) -> None:
        today = self.japp.today
        relative = {0: _("today"), -1: _("yesterday"), 1: _("tomorrow")}.get(
            (self.day - today).days, "")
        count = (ngettext("{n} entry", "{n} entries", len(ids)).format(n=len(ids)) if ids
                 else _("no entries"))
        plan = [i for i in ids if effective_origin(docs[i]) == "planned"]
        if plan:
            done = sum(1 for i in plan if docs[i].get("status") == "done")
            count += _("  ·  plan {done}/{n_plan} done").format(done=done, n_plan=len(plan))
        if self.leftovers:
            count += _("  ·  {n_leftovers} left over").format(n_leftovers=len(self.leftovers))
        if self.order == "priority":
            count += _("  ·  by priority")
        self.query_one("#day-header", Static).update(Content.assemble(
            (format_date_human(self.day), "bold"), (f"  {relative}" if relative else "", "$accent"),
            (f"  ·  {count}", "$text-muted")))

    def _show_detail(self) -> None:
        self.cancel_soon()
        self.query_one(EntryDetail).show(self.table.selected_id)
        self.update_resolve_binding()

    def conflict_target(self) -> tuple[str, str] | None:
        """The selected entry's conflicts, else the day note's."""
        target = self.entry_conflict(self.table.selected_id)
        day = self.day.isoformat()
        if target is None and day in self.session.conflicted()["days"]:
            target = ("days", day)
        return target

    def show_day(self, day: date, *, select: str | None = None) -> None:
        if self.live and self.note_editor.is_open:
            self.note_editor.remove_class("-open")
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
        if doc is None:
            return
        if entry_id in self.leftovers and entry_id in self.table.entry_ids:
            self.table.select(entry_id)  # shown under today already: stay there
        else:
            self.show_day(date.fromisoformat(doc["date"]), select=entry_id)
            if self.live:
                self.table.focus()

    def selected_entry(self) -> str | None:
        return self.table.selected_id

    def entry_defaults(self) -> EntryDefaults:
        return EntryDefaults(self.day)

    def refresh_after_change(self) -> None:
        """Show a change made here at once (the app's poll would take a moment)."""
        self.shown_generation = self.japp.generation
        with self.japp.guard():
            self.reload(self.table.selected_id)
        self.japp.refresh_visible()

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
            edge = _("ends on 9999-12-31") if delta > 0 else _("starts on 0001-01-01")
            self.notify(_("The calendar {edge}.").format(edge=edge), severity="warning", markup=False)
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
            _("Go to date"), placeholder=_("2026-11-23, yesterday, last friday, 上周五…"), check=check,
            hint=_("ISO date or words: yesterday, last friday, 3 days ago, 昨天")), chosen)

    def action_edit(self) -> None:
        if self.table.selected_id:
            self.japp.edit_entry(self.table.selected_id)

    def action_follow_up(self) -> None:
        if self.table.selected_id:
            self.japp.follow_up(self.table.selected_id)

    def action_delete(self) -> None:
        if self.table.selected_id:
            self.japp.delete_entry(self.table.selected_id)

    def action_tick(self) -> None:
        entry_id = self.table.selected_id
        if entry_id:
            self.japp.tick_entry(entry_id, self.refresh_after_change)

    def action_carry(self) -> None:
        """Carry over: the day's unfinished plans to the next working day; on a left-over row,
        the left-overs to the day shown (today)."""
        selected = self.table.selected_id
        with self.japp.guard():
            if selected in self.leftovers:
                moved = self.journal.carry_entries(self.leftovers, self.day)
                target = self.day
            else:
                from journal.routine.config import load_routine_config

                result = self.journal.carry_over(self.day, today=self.japp.today,
                                                 weekend=load_routine_config().weekend)
                moved, target = result.moved, result.target
            if moved:
                count = len(moved)
                self.notify(ngettext("Carried {count} entry to {day}.",
                                     "Carried {count} entries to {day}.", count).format(
                    count=count, day=format_date_human(target)), markup=False)
            else:
                self.notify(_("Nothing to carry: no plans left open on {format_date_human}.").format(format_date_human=format_date_human(self.day)), markup=False)
            self.refresh_after_change()

    def action_note(self) -> None:
        note = self.journal.day_note(self.day.isoformat())
        self.query_one("#day-note", Static).display = False
        self.note_editor.open(f"小结 · note of {format_date_human(self.day)}", note)

    @on(InlineEditor.Saved, "#note-editor")
    def _note_saved(self, event: InlineEditor.Saved) -> None:
        with self.japp.guard():
            self.journal.set_day_note(self.day.isoformat(), event.text,
                                      base=event.editor.start_text)
            self.notify(_("Note saved.") if event.text.strip() else _("Note deleted."), markup=False)
            event.editor.close()

    @on(InlineEditor.Closed, "#note-editor")
    def _note_closed(self) -> None:
        self.table.focus()
        self.refresh_after_change()

    def action_order(self) -> None:
        self.order = "priority" if self.order == "time" else "time"
        self.refresh_after_change()

    def can_act(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "tick", "follow_up") and not self.table.selected_id:
            return None  # shown greyed out: there is nothing to act on
        if self.live and self.note_editor.is_open and action in (
                "tick", "carry", "note", "edit", "delete", "day", "today", "goto", "order"):
            return False  # typing in the note: keys are text
        return super().can_act(action, parameters)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(_("Previous day"), _("Show the day before (← or [)"),
                            lambda: self.action_day(-1))
        yield SystemCommand(_("Next day"), _("Show the day after (→ or ])"), lambda: self.action_day(1))
        yield SystemCommand(_("Today"), _("Back to today (t)"), self.action_today)
        yield SystemCommand(_("Go to date…"), _("Jump to a date: ISO, yesterday, last friday (g)"),
                            self.action_goto)
        yield SystemCommand(_("Write the day's note (小结)"), _("Lessons, problems, what is still "
                            "open (N)"), self.action_note)
        yield SystemCommand(_("Carry over"), _("Move the day's unfinished plans to the next working "
                            "day (>)"), self.action_carry)
        yield SystemCommand(_("Order by priority / time"), _("Toggle how the day is ordered (O)"),
                            self.action_order)
        if self.table.selected_id:
            yield SystemCommand(_("Tick off"), _("Planned ↔ done for the selected entry (x)"),
                                self.action_tick)
            yield SystemCommand(_("Edit entry"), _("Edit the selected entry (e)"), self.action_edit)
            yield SystemCommand(_("Follow up…"), _("Plan a follow-up of the selected entry (F)"),
                                self.action_follow_up)
            yield SystemCommand(_("Delete entry"), _("Delete the selected entry (d)"),
                                self.action_delete)
        yield from self.conflict_commands()


def confirm_future_tick(event: str, day: str) -> ConfirmScreen:
    """The question asked before marking an entry dated after today done."""
    return ConfirmScreen(Content.assemble(
        sentence(_("Mark {event} done? It is planned for {day}, after today."),
                 event=plain(f"“{event}”", "bold"), day=format_date_human(date.fromisoformat(day)))),
        yes=_("Mark done"), no=_("Cancel"))
