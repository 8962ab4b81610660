"""The reminder dialog: shown when a reminder comes due while the app is open, and at start for
those missed while it was closed. Keys act on the highlighted reminder: enter opens its entry,
``z`` snoozes it ten minutes (``Z`` an hour), ``x`` dismisses it (acknowledged: it is not shown
again), escape closes the dialog and leaves them due (``journal remind`` still lists them; the
app shows them again at its next start).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from journal.i18n import N_, _, ngettext
from journal.widgets.render import plain

if TYPE_CHECKING:
    from journal.reminders.due import Reminder
    from journal.screens.host import JournalHost

SNOOZE_SHORT = timedelta(minutes=10)
SNOOZE_LONG = timedelta(hours=1)


def reminder_line(reminder: Reminder, today: str = "") -> Content:
    """``08:45  周会 Team meeting  2026-12-07 09:00 ↻`` (the reminder's day too when it is not
    today: one missed while the app was closed)."""
    when = f"{reminder.date} {reminder.time}" if reminder.time else reminder.date
    at = reminder.remind_at[11:16] if reminder.remind_at[:10] == today else \
        reminder.remind_at[5:16].replace("T", " ")
    return Content.assemble((at + "  ", "bold $warning"),
                            plain(reminder.event, "bold"), (f"  {when}", "$text-muted"),
                            ("  ↻" if "@" in reminder.id else "", "$text-muted"))


class ReminderScreen(ModalScreen[str | None]):
    """The due reminders; dismissed with the id of the entry to open, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,o", "open", N_("Open"), priority=True),
        Binding("z", "snooze(False)", N_("Snooze 10 min")),
        Binding("Z", "snooze(True)", N_("1 hour"), key_display="Z"),
        Binding("x", "dismiss_one", N_("Dismiss")),
        Binding("escape", "later", N_("Later")),
    ]

    def __init__(self, reminders: list[Reminder]) -> None:
        super().__init__(classes="dialog-screen")
        self.reminders = list(reminders)

    @property
    def japp(self) -> JournalHost:
        return cast("JournalHost", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reminder-dialog"):
            yield Static(id="reminder-title")
            yield OptionList(id="reminder-list")
            yield Static(Content.styled(_("enter open · z snooze 10 min · Z 1 hour · x dismiss · "
                                        "esc later"), "$text-muted"), classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self, keep: int = 0) -> None:
        count = len(self.reminders)
        self.query_one("#reminder-title", Static).update(Content.styled(
            ngettext("Reminder ({count})", "Reminders ({count})", count).format(count=count), "bold"))
        options = self.query_one(OptionList)
        options.clear_options()
        today = self.japp.today.isoformat()
        options.add_options([Option(reminder_line(r, today), id=r.id) for r in self.reminders])
        if self.reminders:
            options.highlighted = min(keep, count - 1)

    def _current(self) -> Reminder | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.reminders):
            return None
        return self.reminders[index]

    def _done_with(self, reminder: Reminder) -> None:
        index = self.reminders.index(reminder)
        self.reminders.remove(reminder)
        if not self.reminders:
            self.dismiss(None)
        else:
            self._fill(index)

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        reminder = self._current()
        if reminder is not None:
            self.dismiss(reminder.id)

    def action_snooze(self, long: bool) -> None:
        reminder = self._current()
        if reminder is None:
            return
        with self.japp.guard():
            entry = self.japp.journal.snooze(reminder.id, delay=SNOOZE_LONG if long else SNOOZE_SHORT,
                                             now=self.japp.now())
            self.notify(_("Snoozed until {remind_at}: {event}").format(remind_at=str(entry.remind_at)[11:16], event=reminder.event),
                        markup=False)
            self._done_with(reminder)

    def action_dismiss_one(self) -> None:
        reminder = self._current()
        if reminder is None:
            return
        with self.japp.guard():
            self.japp.journal.acknowledge([reminder.id])
            self._done_with(reminder)

    def action_later(self) -> None:
        self.dismiss(None)
