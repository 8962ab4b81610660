"""What the app does to one entry wherever it is shown: write a new one, edit it, tick it off
(asking first for a future plan), delete it (asking first), make a follow-up of it. Screens call
these through the app (journal.screens.host.JournalHost) and refresh when the change is written.
Mixed into :class:`journal.app.JournalApp`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen

from journal.dates import format_date_human
from journal.errors import JournalError
from journal.i18n import _
from journal.models import KIND_TABLE
from journal.screens.base import EntryDefaults, JournalScreen
from journal.screens.day import DayScreen
from journal.widgets.render import plain, sentence

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from journal.service import Journal
    from journal.session import JournalSession


class EntryActions(App[None]):
    """The entry half of the app's actions."""

    journal: Journal
    session: JournalSession

    if TYPE_CHECKING:  # provided by JournalApp (declared here, so they never shadow it)
        @property
        def today(self) -> date:
            ...

        def now(self) -> datetime:
            ...

        def guard(self) -> AbstractContextManager[None]:
            ...

        def main_screen(self) -> Screen[Any]:
            ...

        def refresh_visible(self) -> None:
            ...

        def file_ok(self) -> bool:
            ...

    def action_new_entry(self) -> None:
        from journal.screens.editor import EditorScreen

        screen = self.main_screen()
        defaults = (screen.entry_defaults() if isinstance(screen, JournalScreen)
                    else EntryDefaults(self.today))
        self.push_screen(EditorScreen(defaults=defaults), self._entry_saved)

    def edit_entry(self, entry_id: str) -> None:
        from journal.screens.editor import EditorScreen

        if not self.file_ok():
            return
        self.push_screen(EditorScreen(entry_id=entry_id), self._entry_saved)

    def _entry_saved(self, entry_id: str | None) -> None:
        self.refresh_visible()
        screen = self.main_screen()
        if entry_id and isinstance(screen, DayScreen):
            screen.show_entry(entry_id)

    def tick_entry(self, entry_id: str, after: Callable[[], None]) -> None:
        """The tick (planned ↔ done), asking first when the entry is dated after today; then
        ``after()`` (the screen shows the change)."""
        doc = self.session.entry_tables().get("entries", {}).get(entry_id)  # occurrences too
        if doc is None:
            return

        def apply(force: bool) -> None:
            with self.guard():
                change = self.journal.toggle_done(entry_id, today=self.today, force=force)
                what = _("Done") if change.entry.status == "done" else _("Planned again")
                self.notify(_("{what}: {event}").format(what=what, event=change.entry.event),
                            markup=False, timeout=3)
            after()

        if doc.get("status") != "done" and doc["date"] > self.today.isoformat():
            from journal.screens.day import confirm_future_tick

            self.push_screen(confirm_future_tick(doc["event"], doc["date"]),
                             lambda yes: apply(True) if yes else None)
        else:
            apply(False)

    async def open_note(self, kind: str, key: str) -> None:
        """A day note in the day view, a review on its week or month screen."""
        if kind == "day":
            await self.switch_mode("journal")
            screen = self.main_screen()
            if isinstance(screen, DayScreen):
                screen.show_day(date.fromisoformat(key))
            return
        from journal.routine.reviews import review_period
        from journal.screens.week import PeriodScreen

        period, first, _last = review_period(key)
        mode = "month" if period == "quarter" else period
        await self.switch_mode(mode)
        screen = self.main_screen()
        if isinstance(screen, PeriodScreen):
            screen.show_period(first, quarter=period == "quarter")

    def delete_entry(self, entry_id: str) -> None:
        """Ask, then delete."""
        if not self.file_ok():
            return
        doc = self.session.entry_tables().get("entries", {}).get(entry_id)  # occurrences too
        if doc is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                with self.guard():
                    self.journal.delete_entry(entry_id)
                    self.notify(_("Entry deleted."), markup=False)
                self.refresh_visible()

        from journal.screens.dialogs import ConfirmScreen

        question = sentence(
            _("Delete {event} on {date}? (only this occurrence: the series goes on)")
            if doc.get("series") else _("Delete {event} on {date}?"),
            event=plain(f"“{doc['event']}”", "bold"),
            date=format_date_human(date.fromisoformat(doc["date"])))
        self.push_screen(ConfirmScreen(question, yes=_("Delete")), answered)

    def follow_up(self, entry_id: str) -> None:
        """Ask when (``7d``, ``2w``, ``friday``, ``2026-12-15``; an event after a comma), then plan
        a follow-up of the entry with its contacts, projects and organisations, linked back."""
        if not self.file_ok():
            return
        from journal.screens.dialogs import PromptScreen

        def when(text: str) -> tuple[date, str | None]:
            from journal.agenda.followups import parse_in
            from journal.dates import parse_date

            head, _sep, event = text.partition(",")
            try:
                day = parse_in(head, self.today)
            except JournalError:
                day = parse_date(head.strip(), today=self.today, prefer="future")
            return day, event.strip() or None

        def check(text: str) -> str | None:
            try:
                when(text)
            except JournalError as exc:
                return str(exc)
            return None

        def chosen(text: str | None) -> None:
            if not text:
                return
            with self.guard():
                day, event = when(text)
                entry = self.journal.follow_up(entry_id, day, event=event)
                self.notify(_("Follow-up planned on {date}: {event}").format(date=entry.date, event=entry.event), markup=False)
                self.refresh_visible()

        self.push_screen(PromptScreen(
            _("Follow up on"), value="7d", placeholder=_("7d, 2w, 1m, friday, 2026-12-15"),
            check=check, hint=_("3d, 2w, 1m, friday, 下周一, 2026-12-15; then “, what to do”")),
            chosen)

    async def show_entry(self, entry_id: str) -> None:
        """Open the day view on the entry's date with the entry selected."""
        if not self.file_ok():
            return
        await self.switch_mode("journal")
        screen = self.main_screen()
        if isinstance(screen, DayScreen):
            screen.show_entry(entry_id)

    async def open_document(self, kind: str, doc_id: str) -> None:
        """Open a contact, project or organisation in its screen."""
        from journal.screens.documents import DocumentsScreen

        if not self.file_ok():
            return
        await self.switch_mode(KIND_TABLE[kind])  # each kind's screen is named for its table
        screen = self.main_screen()
        if isinstance(screen, DocumentsScreen):
            screen.show_document(doc_id)
