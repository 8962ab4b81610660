"""The follow-up and agenda use cases of :class:`journal.service.Journal` (a mixin)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from journal.agenda.build import Agenda
from journal.agenda.followups import follow_up_event
from journal.dates import shifted
from journal.errors import ValidationError
from journal.i18n import _
from journal.models import Entry, utc_now

if TYPE_CHECKING:
    from journal.clients.birthdays import Upcoming
    from journal.clients.cadence import DueItem
    from journal.reminders.due import Reminder
    from journal.storage import JournalStore, TablesView

#: Planned entries of this many days before today count as overdue on the agenda.
OVERDUE_DAYS = 14
#: Birthdays shown on the agenda: the coming week.
BIRTHDAY_DAYS = 7
FOLLOWS_NEEDLE = '"follows_id"'


class AgendaUseCases:
    """Mixed into :class:`journal.service.Journal`."""

    store: JournalStore

    if TYPE_CHECKING:  # provided by Journal and the other mixins
        @property
        def view(self) -> TablesView:
            ...

        def get_entry(self, ref: str) -> Entry:
            ...

        def entries_between(self, start: str | None = None, end: str | None = None) -> list[Entry]:
            ...

        def due_reminders(self, now: datetime) -> list[Reminder]:
            ...

        def due(self, today: date, *, days: int = 0, tier: str | None = None) -> list[DueItem]:
            ...

        def birthdays(self, today: date, days: int = 30) -> list[Upcoming]:
            ...

    # -- follow-ups ---------------------------------------------------------------------------
    def follow_up(self, ref: str, day: date, *, event: str | None = None,
                  time: str | None = None, summary: str = "") -> Entry:
        """Plan a follow-up of an entry (or an occurrence) on ``day``: a planned entry with the
        same contacts, projects and organisations, pointing back at it."""
        original = self.get_entry(ref)
        now = utc_now()
        entry = Entry(date=day.isoformat(), time=time, event=event or follow_up_event(original.event),
                      summary=summary, status="planned", contact_ids=list(original.contact_ids),
                      project_ids=list(original.project_ids),
                      organisation_ids=list(original.organisation_ids),
                      follows_id=original.id, created_at=now, updated_at=now)
        if hasattr(entry, "origin"):
            entry.origin = "planned"  # type: ignore[attr-defined]
        entry.validate()
        with self.store.transaction() as tx:
            for kind, ids in (("contacts", entry.contact_ids), ("projects", entry.project_ids),
                              ("organisations", entry.organisation_ids)):
                gone = [i for i in ids if tx.get(kind, i) is None]
                if gone:
                    raise ValidationError(_("the original links to {kind} {gone}, which no "
                                            "longer exists").format(kind=kind[:-1], gone=gone[0]))
            entry.id = tx.insert("entries", entry.to_doc())
        return entry

    def follow_ups_of(self, ref: str) -> list[Entry]:
        """The entries that follow up this one, by date."""
        target = self.get_entry(ref).id
        docs = self.view.mentioning("entries", [f'"{target}"'])
        found = [Entry.from_doc(i, d) for i, d in docs.items() if d.get("follows_id") == target]
        return sorted(found, key=lambda e: (e.date, e.time or "", e.id))

    def follow_up_index(self) -> dict[str, list[Entry]]:
        """Per followed-up entry id, its follow-ups by date (one search of the file for all)."""
        index: dict[str, list[Entry]] = {}
        for entry in self._follow_up_entries():
            index.setdefault(str(entry.follows_id), []).append(entry)
        for items in index.values():
            items.sort(key=lambda e: (e.date, e.time or "", e.id))
        return index

    def follow_up_counts(self) -> dict[str, tuple[int, int]]:
        """Per followed-up entry id: (follow-ups, of which still planned)."""
        counts: dict[str, tuple[int, int]] = {}
        for doc in self.view.mentioning("entries", [FOLLOWS_NEEDLE]).values():
            target = doc.get("follows_id")
            if target:
                total, open_ = counts.get(target, (0, 0))
                counts[target] = (total + 1, open_ + (doc.get("status") == "planned"))
        return counts

    # -- the agenda ----------------------------------------------------------------------------
    def agenda(self, today: date, *, days: int = 1, now: datetime | None = None,
               clients: bool = True) -> Agenda:
        """Today's (or the next ``days`` days') plan and occurrences, planned work left over from
        the last two weeks (not occurrences of repeating entries: the next one comes anyway),
        reminders due, follow-ups due this week, clients due for a visit and
        birthdays in the coming week."""
        if not 1 <= days <= 366:
            raise ValidationError(_("--days must be from 1 to 366"))
        now = now or datetime.combine(today, datetime.now().time())
        last = shifted(today, days - 1)
        agenda = Agenda(today, days)
        agenda.plan = [e for e in self.entries_between(today.isoformat(), last.isoformat())]
        shown = {e.id for e in agenda.plan}
        earlier = self.entries_between(shifted(today, -OVERDUE_DAYS).isoformat(),
                                       shifted(today, -1).isoformat()) if today > date.min else []
        # a routine occurrence left unticked does not pile up: the next one comes anyway
        agenda.overdue = [e for e in earlier if e.status == "planned" and "@" not in e.id]
        agenda.reminders = self.due_reminders(now)
        agenda.follow_ups = [e for e in self.follow_ups_due(today, last) if e.id not in shown]
        if clients:
            agenda.clients_due = self.due(today)
            try:
                agenda.birthdays = self.birthdays(today, BIRTHDAY_DAYS)
            except OverflowError:  # the week after 9999-12-31 has no birthdays
                agenda.birthdays = []
        return agenda

    def day_counts(self, start: date, end: date) -> dict[str, tuple[int, int]]:
        """Per day from ``start`` to ``end``: (entries, of which planned), occurrences of
        repeating entries included — what the calendar's month grid shows."""
        counts: dict[str, tuple[int, int]] = {}
        for entry in self.entries_between(start.isoformat(), end.isoformat()):
            total, planned = counts.get(entry.date, (0, 0))
            counts[entry.date] = (total + 1, planned + (entry.status == "planned"))
        return counts

    def follow_ups_due(self, today: date, last: date | None = None) -> list[Entry]:
        """Follow-ups still planned from ``today`` to the end of its week (or ``last``, if
        later), by date."""
        week_end = max(last or today, shifted(today, 6 - today.weekday()))
        return sorted((e for e in self._follow_up_entries() if e.status == "planned"
                       and today.isoformat() <= e.date <= week_end.isoformat()),
                      key=lambda e: (e.date, e.time or "", e.id))

    def _follow_up_entries(self) -> list[Entry]:
        docs: dict[str, Any] = self.view.mentioning("entries", [FOLLOWS_NEEDLE])
        return [Entry.from_doc(i, d) for i, d in docs.items() if d.get("follows_id")]
