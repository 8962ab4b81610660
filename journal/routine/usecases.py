"""The daily routine's use cases, mixed into :class:`journal.service.Journal`.

Each one is a single storage transaction (lock, reload if changed, apply, one write), like every
other change: ticking five entries, carrying a day's plan or saving a review never loses what
another process wrote meanwhile. They take ``today`` as a parameter so that the CLI, the app (whose
date can be pinned) and tests agree on what "in the future" means.

The rules they apply are imported when first used: every command imports the service, and most
(``add``, ``search``) never tick, carry or review anything.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from journal.errors import NotFoundError, ValidationError
from journal.i18n import _
from journal.models import (
    ENTRY_STATUSES,
    DayNote,
    Entry,
    Review,
    check_date,
    check_review_id,
    utc_now,
)
from journal.recurrence.usecases import SeriesInTransaction

if TYPE_CHECKING:
    from journal.storage import JournalStore, TablesView

#: How far back the home screen looks for plans left unfinished.
LEFTOVER_DAYS = 14
#: Saturday and Sunday (journal.routine.config.DEFAULT_WEEKEND, without importing it).
_WEEKEND = frozenset({5, 6})


@dataclass
class StatusChange:
    """An entry after a status change, and the status it had before."""

    entry: Entry
    before: str

    @property
    def changed(self) -> bool:
        return self.entry.status != self.before


@dataclass
class CarryResult:
    """What a carry-over moved, from which day to which."""

    source: date
    target: date
    moved: list[Entry]


def conflict_records(current: Mapping[str, Any], base: str | None, new: str, field: str,
              now: str) -> list[dict[str, Any]]:
    """Record what someone else saved meanwhile (``current`` differs from what the editor
    started from) when this save replaces it, as edit_entry does for entries."""
    conflicts = list(current.get("conflicts") or ())
    theirs = current.get(field) or ""
    if base is not None and theirs != base and theirs != new and theirs:
        conflicts.append({"field": field, "value": theirs,
                          "updated_at": current.get("updated_at", now), "recorded_at": now})
    return conflicts


class RoutineUseCases:
    """Ticking, carrying over, day notes' and reviews' texts (see the module docstring)."""

    store: JournalStore

    @property
    def view(self) -> TablesView:  # pragma: no cover - provided by Journal
        raise NotImplementedError

    def get_entry(self, ref: str) -> Entry:  # pragma: no cover - provided by Journal
        raise NotImplementedError

    # -- the day's note (小结) ----------------------------------------------------------------
    def day_note(self, day: str) -> str:
        doc = self.view.get_doc("days", day)
        return doc.get("note", "") if doc else ""

    def set_day_note(self, day: str, note: str, *, base: str | None = None) -> None:
        """Save the day's note (its 小结); an empty one removes it. ``base``: the text the
        editor started from — a different note saved meanwhile elsewhere is kept as a conflict
        (and is not removed by saving an empty one)."""
        check_date(day, "day")
        note = note.rstrip()
        now = utc_now()
        with self.store.transaction() as tx:
            current = tx.get("days", day)
            if not note.strip():
                if current is not None and (base is None or current.get("note", "") == base):
                    tx.remove("days", day)
                return
            created = current.get("created_at", now) if current else now
            conflicts = conflict_records(current or {}, base, note, "note", now)
            doc = DayNote(id=day, note=note, created_at=created, updated_at=now,
                          conflicts=conflicts).to_doc()
            tx.replace("days", day, doc)

    # -- ticking ------------------------------------------------------------------------------
    def set_status(self, refs: Iterable[str], status: str, *, today: date,
                   force: bool = False) -> list[StatusChange]:
        """Give every entry ``refs`` designates (ids or unique parts of ids) the status
        ``status``, all or none: an unknown id, or an entry dated after today being marked done
        without ``force``, changes nothing. Entries already in that status are left as they are
        (and reported unchanged). The origin is never touched (see journal.routine.status)."""
        from journal.routine.status import check_not_future

        if status not in ENTRY_STATUSES:
            raise ValidationError(_("invalid status {status!r}: use one of {join}").format(status=status, join=', '.join(ENTRY_STATUSES)))
        ids = list(dict.fromkeys(self.get_entry(ref).id for ref in refs))
        if not ids:
            raise ValidationError(_("no entries given"))
        now = utc_now()
        changes: list[StatusChange] = []
        with self.store.transaction() as tx:
            series = SeriesInTransaction(tx, now)  # occurrences (ID@DAY): exceptions on a series
            entries = []
            for entry_id in ids:
                if "@" in entry_id:
                    entries.append(series.occurrence(entry_id))
                    continue
                current = tx.get("entries", entry_id)
                if current is None:
                    raise NotFoundError(_("entry {entry_id} was deleted meanwhile").format(entry_id=entry_id))
                entries.append(Entry.from_doc(entry_id, current))
            check_not_future(entries, status, today, force)
            for entry in entries:
                before = entry.status
                if before != status:
                    entry.status = status
                    entry.updated_at = now
                    if "@" in entry.id:
                        series.change(entry.id, {"status": status})
                    else:
                        tx.replace("entries", entry.id, entry.to_doc())
                changes.append(StatusChange(entry, before))
            series.write()
        return changes

    def toggle_done(self, ref: str, *, today: date, force: bool = False) -> StatusChange:
        """The tick: planned ↔ done (a cancelled entry becomes done)."""
        from journal.routine.status import toggled

        entry = self.get_entry(ref)
        return self.set_status([entry.id], toggled(entry.status), today=today, force=force)[0]

    # -- carrying over ------------------------------------------------------------------------
    def carry_over(self, source: date, target: date | None = None, *, today: date,
                   weekend: Collection[int] = _WEEKEND) -> CarryResult:
        """Move the still-planned entries of ``source`` to ``target`` (default: the next working
        day, never a day already past; see journal.routine.workdays.carry_target). Each moved
        entry keeps its time and remembers the day it left in ``carried_from``."""
        from journal.routine.workdays import carry_target

        target = target or carry_target(source, today, weekend)
        if target <= source:
            raise ValidationError(_("carry-over moves work forward: {isoformat} is not after "
                                    "{isoformat2}").format(isoformat=target.isoformat(), isoformat2=source.isoformat()))
        day = source.isoformat()
        ids = [i for i, d in self.view.field_between("entries", "date", day, day).items()
               if d["date"] == day and d["status"] == "planned"
               and not d.get("recurrence")]  # a repeating entry's own date is its first day
        return CarryResult(source, target, self.carry_entries(ids, target) if ids else [])

    def carry_entries(self, refs: Iterable[str], target: date) -> list[Entry]:
        """Move the given entries to ``target``, each recording the day it left (entries already
        on ``target`` stay as they are). The building block of :meth:`carry_over`, for callers
        that pick entries themselves (the agenda)."""
        ids = list(dict.fromkeys(self.get_entry(ref).id for ref in refs))
        day = target.isoformat()
        now = utc_now()
        moved: list[Entry] = []
        with self.store.transaction() as tx:
            series = SeriesInTransaction(tx, now)  # an occurrence moves as an exception
            for entry_id in ids:
                if "@" in entry_id:
                    entry = series.occurrence(entry_id)
                else:
                    current = tx.get("entries", entry_id)
                    if current is None:
                        raise NotFoundError(_("entry {entry_id} was deleted meanwhile").format(entry_id=entry_id))
                    entry = Entry.from_doc(entry_id, current)
                if entry.date == day:
                    continue
                entry.carried_from = sorted({*entry.carried_from, entry.date})
                entry.date = day
                entry.updated_at = now
                if "@" in entry_id:
                    series.change(entry_id, {"date": day, "carried_from": entry.carried_from})
                else:
                    tx.replace("entries", entry_id, entry.to_doc())
                moved.append(entry)
            series.write()
        return moved

    def unfinished_before(self, day: date, *, days: int = LEFTOVER_DAYS) -> list[Entry]:
        """Plans of the ``days`` days before ``day`` still marked planned, oldest first: what the
        home screen shows under today as left over."""
        low, high = (day - timedelta(days=days)).isoformat(), (day - timedelta(days=1)).isoformat()
        docs = self.view.field_between("entries", "date", low, high)
        found = [Entry.from_doc(i, d) for i, d in docs.items()
                 if low <= d["date"] <= high and d["status"] == "planned"
                 and not d.get("recurrence")]  # occurrences are not left over
        return sorted(found, key=lambda e: (e.date, e.time or "", e.id))

    # -- reviews ------------------------------------------------------------------------------
    def review(self, period_id: str) -> str:
        """The written part of a week's, month's or quarter's review ("" when none)."""
        check_review_id(period_id)
        doc = self.view.get_doc("reviews", period_id)
        return str(doc.get("text", "")) if doc else ""

    def set_review(self, period_id: str, text: str, *, base: str | None = None) -> bool:
        """Save (or, for an empty or unwritten text, remove) the written review of a period;
        True if something is stored afterwards. ``base``: the text the editor started from —
        if another process saved a different one meanwhile, it is kept as a conflict."""
        from journal.routine.reviews import is_unwritten

        check_review_id(period_id)
        text = text.rstrip()
        keep = bool(text.strip()) and not is_unwritten(text)
        now = utc_now()
        with self.store.transaction() as tx:
            current = tx.get("reviews", period_id)
            if not keep:
                # emptied by the user: removed, unless someone else wrote it meanwhile
                if current is not None and (base is None or current.get("text", "") == base):
                    tx.remove("reviews", period_id)
                    return False
                return current is not None
            created = current.get("created_at", now) if current else now
            conflicts = conflict_records(current or {}, base, text, "text", now)
            doc = Review(id=period_id, text=text, created_at=created, updated_at=now,
                         conflicts=conflicts).to_doc()
            tx.replace("reviews", period_id, doc)
        return True
