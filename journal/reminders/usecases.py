"""The reminder use cases of :class:`journal.service.Journal` (a mixin): what is due, acknowledge,
snooze. Changes are one storage transaction each; an occurrence's acknowledgement or snooze is an
exception on its series (journal.recurrence.series)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from journal.dates import shifted
from journal.errors import NotFoundError, ValidationError
from journal.i18n import _
from journal.models import Entry, utc_now
from journal.reminders.due import Reminder, due_reminders
from journal.reminders.timing import DAY_START

if TYPE_CHECKING:
    from journal.recurrence.usecases import OccurrenceChange
    from journal.storage import JournalStore, TablesView

#: Occurrences whose reminders are looked for: those from this many days back (a weekly
#: meeting's reminder missed a month ago is of no use now; a one-off entry's stays until
#: acknowledged).
OCCURRENCE_LOOKBACK_DAYS = 7
#: ... and this far ahead (a reminder set a week before the start).
OCCURRENCE_LOOKAHEAD_DAYS = 31
REMINDER_NEEDLE = '"remind_at"'


class ReminderUseCases:
    """Mixed into :class:`journal.service.Journal`."""

    store: JournalStore

    if TYPE_CHECKING:  # provided by Journal and the other mixins
        @property
        def view(self) -> TablesView:
            ...

        def get_entry(self, ref: str) -> Entry:
            ...

        def occurrence_docs(self, start: Any, end: Any) -> dict[str, dict[str, Any]]:
            ...

        def edit_occurrence(self, ref: str, changes: Any, *, scope: Any = "this") -> OccurrenceChange:
            ...

    def due_reminders(self, now: datetime) -> list[Reminder]:
        """Reminders due at ``now`` and not acknowledged, oldest first: single entries (a search
        of the file's bytes for the field) and occurrences of the last few days and weeks ahead."""
        docs = [(i, d) for i, d in self.view.mentioning("entries", [REMINDER_NEEDLE]).items()
                if d.get("remind_at") and not d.get("recurrence")]
        today = now.date()
        occurrences = self.occurrence_docs(shifted(today, -OCCURRENCE_LOOKBACK_DAYS),
                                           shifted(today, OCCURRENCE_LOOKAHEAD_DAYS))
        docs += [(i, d) for i, d in occurrences.items() if d.get("remind_at")]
        return due_reminders(docs, now)

    def acknowledge(self, refs: Iterable[str]) -> list[Entry]:
        """Mark the reminders of these entries/occurrences as seen (due again only if their time
        changes). Entries without a reminder are refused."""
        done: list[Entry] = []
        for ref in refs:
            entry = self.get_entry(ref)
            if not entry.remind_at:
                raise ValidationError(_("entry {id} has no reminder").format(id=entry.id))
            done.append(self._set_reminder(entry, {"reminded": entry.remind_at}))
        return done

    def snooze(self, ref: str, *, until: datetime | None = None,
               delay: timedelta | None = None, now: datetime | None = None) -> Entry:
        """Remind again at ``until`` or after ``delay`` (default 10 minutes) from ``now``."""
        entry = self.get_entry(ref)
        if until is None:
            until = (now or datetime.now()) + (delay if delay is not None else timedelta(minutes=10))
        if not entry.remind_at:
            raise ValidationError(_("entry {id} has no reminder to snooze").format(id=entry.id))
        return self._set_reminder(entry, {"remind_at": until.strftime("%Y-%m-%dT%H:%M")})

    def set_reminder(self, ref: str, remind_at: str | None) -> Entry:
        """Set (or with None remove) the reminder of an entry or one occurrence."""
        entry = self.get_entry(ref)
        return self._set_reminder(entry, {"remind_at": remind_at})

    def _set_reminder(self, entry: Entry, changes: dict[str, Any]) -> Entry:
        if "@" in entry.id:
            change = self.edit_occurrence(entry.id, changes)
            if change.occurrence is None:  # pragma: no cover - a reminder change deletes nothing
                raise NotFoundError(_("occurrence {id} vanished").format(id=entry.id))
            return change.occurrence
        now = utc_now()
        with self.store.transaction() as tx:
            current = tx.get("entries", entry.id)
            if current is None:
                raise NotFoundError(_("entry {id} was deleted meanwhile").format(id=entry.id))
            updated = Entry.from_doc(entry.id, current)
            for name, value in changes.items():
                setattr(updated, name, value)
            updated.updated_at = now
            tx.replace("entries", entry.id, updated.to_doc())
        return updated


def reminder_start(entry: Entry) -> datetime:
    """When an entry starts, for its reminder."""
    return datetime.fromisoformat(f"{entry.date}T{entry.time or DAY_START}")
