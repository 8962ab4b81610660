"""Weekly, monthly and quarterly summaries: what happened, for whom, and what comes next.

A report is built as plain dataclasses first and rendered afterwards (Markdown for an email, JSON
for scripts, text for the terminal), so every output says the same thing and the TUI can show the
structure directly. Building reads the raw tables (lean documents: a missing key is empty) and
nothing else; "today" is a parameter so a report is reproducible.

Counting rules, chosen so the numbers mean what a manager reporting upwards means by them:

* Hours and expenses count **done** entries only — work that happened and money that was spent;
  a planned meeting's hours are reported apart (``planned_minutes``), a cancelled one's not at all.
* Hours need both ``time`` and ``end_time``; an end before the start is taken to cross midnight.
  Done entries with a start time only are counted (``time_only_entries``) so the reader knows the
  hours are a lower bound.
* An entry belongs to every organisation it concerns: linked directly or through a linked
  contact's or project's organisation (the same rule as search's ``org:``), so one meeting with
  two clients appears under both; one with none under "(no organisation)".
* "Still open" is every planned entry of the period — if it happened, it should be marked done.
* Plan against done (planned, done as planned, carried over, cancelled, came up) follows
  :mod:`journal.reports.plan`, for the period and per organisation and project.
* The written part of the review (``reviews`` table, keyed ``2026-W47`` / ``2026-11`` /
  ``2026-Q4``) comes first; a quarter lists its months instead of its days.
* Overdue contacts (monthly): the clients :func:`journal.clients.cadence.due_list` finds overdue
  on ``today`` — a cadence of their own, their tier's (from the configuration) or their
  organisation's; the last done entry on or before ``today`` linked to them or directly to their
  organisation more than that many days ago, or never met; never-met first, then by how many days
  overdue.
* Complaints (monthly): the complaint entries dated in the period — how many, how many are still
  open, and the median days the resolved ones took, overall and per client
  (:mod:`journal.clients.complaints`).
"""

from __future__ import annotations

import calendar
from collections import ChainMap, defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from journal.errors import ValidationError
from journal.i18n import N_, _
from journal.models import effective_origin
from journal.reports.model import (  # noqa: F401 - the report's parts, re-exported
    Birthday,
    ContactMet,
    Day,
    Group,
    Kind,
    OverdueContact,
    PeriodFigures,
    Ref,
    Report,
    ReportEntry,
    Totals,
)
from journal.reports.plan import CARRY_LOOKAHEAD_DAYS, carried_out, plan_figures
from journal.routine.expenses import sum_by_currency
from journal.search.index import SearchIndex, entry_organisations

if TYPE_CHECKING:
    from journal.config.model import TierTable

Documents = Callable[[list[int]], Mapping[str, dict[str, Any]]]

__all__ = [
    "Birthday", "ContactMet", "Day", "Group", "OverdueContact", "PeriodFigures", "Ref", "Report",
    "ReportEntry", "Totals", "build_period_report", "entries_needed_until",
]

NO_ORGANISATION = N_("(no organisation)")  # stays English in the data; shown through _()
NO_PROJECT = N_("(no project)")
TOP_N = 10
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Tables = Mapping[str, Mapping[str, dict[str, Any]]]


# -- helpers ----------------------------------------------------------------------------------------
def period_label(kind: str, start: date) -> str:
    """``2026-W47`` for a week (ISO year and week of its Monday), ``November 2026`` for a month,
    ``2026-Q4`` for a quarter. English month names from a fixed table: a report must not change
    with the machine's locale."""
    if kind == "week":
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{_MONTHS[start.month - 1]} {start.year}"


def next_period(kind: str, end: date) -> tuple[date, date]:
    """The week, month or quarter after the one ending on ``end``."""
    from journal.dates import iso_week_bounds, month_bounds, quarter_bounds  # lazy: dateutil

    if end >= date.max:  # a report shows what is planned for the next period: there is none
        raise ValidationError(_("no {kind} comes after {isoformat} (the calendar ends there), "
                                "so there is no report for it: choose an earlier {kind}").format(kind=kind, isoformat=end.isoformat()))
    first = end + timedelta(days=1)
    bounds = {"week": iso_week_bounds, "quarter": quarter_bounds}.get(kind, month_bounds)
    return bounds(first)


def entries_needed_until(kind: str, end: date) -> date:
    """The last day whose entries a report of the ``kind`` period ending on ``end`` reads: the
    next period (planned next) and the days entries may have been carried to."""
    from journal.dates import days_after

    return max(next_period(kind, end)[1], days_after(end, CARRY_LOOKAHEAD_DAYS))


def _minutes(time: str | None, end: str | None) -> int | None:
    if not time or not end:
        return None
    try:
        a = int(time[:2]) * 60 + int(time[3:5])
        b = int(end[:2]) * 60 + int(end[3:5])
    except ValueError:
        return None
    return b - a if b >= a else b - a + 24 * 60


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _Names:
    """Display names and organisations of linked documents, resolved once per report."""

    def __init__(self, tables: Tables) -> None:
        self.contacts = tables.get("contacts") or {}
        self.projects = tables.get("projects") or {}
        self.orgs = tables.get("organisations") or {}

    def ref(self, table: Mapping[str, dict[str, Any]], doc_id: str) -> Ref:
        doc = table.get(doc_id)
        return Ref(doc_id, str(doc.get("name", "")) if doc is not None else f"?{doc_id}")

    def org_of(self, table: Mapping[str, dict[str, Any]], doc_id: str) -> str:
        org_id = table.get(doc_id, {}).get("organisation_id")
        return str(self.orgs.get(org_id, {}).get("name", "")) if org_id else ""

    def entry(self, entry_id: str, doc: Mapping[str, Any]) -> ReportEntry:
        return ReportEntry(
            id=entry_id, date=date.fromisoformat(doc["date"]), time=doc.get("time"),
            end_time=doc.get("end_time"), event=str(doc.get("event", "")),
            status=str(doc.get("status", "")), summary=str(doc.get("summary", "")),
            contacts=[self.ref(self.contacts, c) for c in doc.get("contact_ids") or ()],
            projects=[self.ref(self.projects, p) for p in doc.get("project_ids") or ()],
            organisations=[self.ref(self.orgs, o)
                           for o in entry_organisations(doc, self.contacts, self.projects)],
            tags=list(doc.get("tags") or ()), minutes=_minutes(doc.get("time"), doc.get("end_time")),
            expenses=[dict(x) for x in doc.get("expenses") or () if isinstance(x, Mapping)],
            priority=str(doc.get("priority") or ""), origin=effective_origin(doc),
            carried_from=list(doc.get("carried_from") or ()))


def _sort_key(e: ReportEntry) -> tuple[date, str, str]:
    """Chronological; within a day an untimed entry comes before the timed ones, as in the day
    view, ``journal list`` and the search index (:func:`journal.search.index.sort_key`)."""
    return (e.date, e.time or "", e.id)


def _in_period(tables: Tables, names: _Names, start: date, end: date,
               index: SearchIndex | None) -> list[ReportEntry]:
    """The entries of a period. A repeating entry counts as its occurrences there (virtual
    documents with ``@`` in their ids, which the caller put in ``tables``), never as itself."""
    entries = tables.get("entries") or {}
    lo, hi = start.isoformat(), end.isoformat()
    if index is not None:
        found = [names.entry(i, entries[i]) for i in index.between(start, end)
                 if i in entries and not _is_series(entries[i])]
        # occurrences: all of a small period's table, or the added layer of the app's ChainMap
        layers = entries.maps[1:] if isinstance(entries, ChainMap) else [entries]
        found += [names.entry(i, d) for layer in layers for i, d in layer.items()
                  if "@" in i and lo <= d.get("date", "") <= hi]
    else:
        found = [names.entry(i, d) for i, d in entries.items()
                 if lo <= d.get("date", "") <= hi and not _is_series(d)]
    return sorted(found, key=_sort_key)


def _is_series(doc: Mapping[str, Any]) -> bool:
    if not doc.get("recurrence"):
        return False
    from journal.recurrence.series import is_series

    return is_series(doc)


# -- building ---------------------------------------------------------------------------------------
def build_period_report(tables: Tables, start: date, end: date, *, today: date,
                        kind: Kind, index: SearchIndex | None = None,
                        tiers: TierTable | None = None,
                        documents: Documents | None = None,
                        raw_documents: Callable[[list[int]], list[bytes]] | None = None) -> Report:
    """Summarise ``start``..``end`` (inclusive), a week, a month or a quarter, as seen on
    ``today``. ``index``: a :class:`SearchIndex` over the same ``tables``, when the caller has one
    (the TUI, a cached CLI): periods then come from bisects instead of a scan of every entry;
    ``documents`` reads entries by index position when ``tables`` holds only some (the cached
    CLI), and ``raw_documents`` their stored bytes (see
    :func:`journal.clients.cadence.index_times`). ``tables`` must hold the entries up to
    :func:`entries_needed_until` (planned next, carried). ``tiers``: the configuration's tier
    table (default: the default tiers)."""
    if kind not in ("week", "month", "quarter"):
        raise ValidationError(_("unknown report kind {kind!r}: use week, month or quarter").format(kind=kind))
    if start > end:
        raise ValidationError(_("the period starts ({start}) after it ends ({end})").format(start=start, end=end))
    from journal.routine.reviews import review_id  # the id of the written part

    names = _Names(tables)
    items = _in_period(tables, names, start, end, index)
    carried = _carried(tables, names, start, end, index)
    next_start, next_end = next_period(kind, end)
    by_org, by_project = _groups(items, carried)
    rid = review_id(kind, start)
    review = (tables.get("reviews") or {}).get(rid) or {}
    report = Report(
        kind=kind, start=start, end=end, label=period_label(kind, start), today=today,
        next_start=next_start, next_end=next_end, next_label=period_label(kind, next_start),
        totals=_totals(items), days=_days(tables, items, start, end) if kind != "quarter" else [],
        by_organisation=by_org, by_project=by_project,
        contacts_met=_contacts_met(names, items),
        still_open=[e for e in items if e.status == "planned"],
        planned_next=[e for e in _in_period(tables, names, next_start, next_end, index)
                      if e.status == "planned"],
        birthdays_next=_birthdays(names, next_start, next_end),
        review_id=rid, review=str(review.get("text", "")), plan=plan_figures(items, carried),
        carried=carried)
    if kind != "week":
        report.top_organisations = [g for g in by_org if g.id is not None][:TOP_N]
        report.top_projects = [g for g in by_project if g.id is not None][:TOP_N]
        report.overdue_contacts = overdue_contacts(tables, today, index=index, tiers=tiers,
                                                   documents=documents, raw=raw_documents)
        from journal.clients.complaints import complaints, summarise

        report.complaints = summarise(complaints(tables, today, start=start, end=end))
    if kind == "quarter":
        report.months = _months(items, carried, start, end)
    return report


def _carried(tables: Tables, names: _Names, start: date, end: date,
             index: SearchIndex | None) -> list[ReportEntry]:
    """The entries carried out of the period (see journal.reports.plan.carried_out)."""
    entries = tables.get("entries") or {}
    if index is not None:
        later = end + timedelta(days=1)
        from journal.dates import days_after

        limit = days_after(end, CARRY_LOOKAHEAD_DAYS)
        entries = {i: entries[i] for i in index.between(later, limit) if i in entries}
    return sorted((names.entry(i, entries[i]) for i in carried_out(entries, start, end)),
                  key=_sort_key)


def _months(items: list[ReportEntry], carried: list[ReportEntry], start: date,
            end: date) -> list[PeriodFigures]:
    from journal.dates import month_bounds

    out = []
    first = start
    while first <= end:
        a, b = month_bounds(first)
        inside = [e for e in items if a <= e.date <= b]
        left = [e for e in carried
                if any(a.isoformat() <= d <= b.isoformat() for d in e.carried_from)]
        done = [e for e in inside if e.status == "done"]
        out.append(PeriodFigures(period_label("month", a), a, b, len(inside), len(done),
                                 sum(e.minutes or 0 for e in done), plan_figures(inside, left)))
        first = b + timedelta(days=1)
    return out


def _totals(items: list[ReportEntry]) -> Totals:
    t = Totals(entries=len(items))
    money: dict[str, Decimal] = defaultdict(Decimal)
    for e in items:
        if e.status == "done":
            t.done += 1
            if e.minutes is not None:
                t.minutes += e.minutes
                t.timed_entries += 1
            elif e.time:
                t.time_only_entries += 1
            for item in e.expenses:
                try:
                    amount = Decimal(str(item.get("amount")))
                except (InvalidOperation, ValueError):
                    continue
                if amount.is_finite():
                    money[str(item.get("currency") or "").strip().upper() or "?"] += amount
        elif e.status == "planned":
            t.planned += 1
            t.planned_minutes += e.minutes or 0
        elif e.status == "cancelled":
            t.cancelled += 1
    t.expenses = {c: _number(v) for c, v in sorted(money.items())}
    return t


def _days(tables: Tables, items: list[ReportEntry], start: date, end: date) -> list[Day]:
    notes = tables.get("days") or {}
    per_day: dict[date, list[ReportEntry]] = defaultdict(list)
    for e in items:
        per_day[e.date].append(e)
    noted = set()
    for key, doc in notes.items():
        if start.isoformat() <= key <= end.isoformat() and doc.get("note"):
            try:
                noted.add(date.fromisoformat(key))
            except ValueError:
                continue
    days = []
    for d in sorted(set(per_day) | noted):
        note = str(notes.get(d.isoformat(), {}).get("note", ""))
        days.append(Day(date=d, weekday=_WEEKDAYS[d.weekday()], note=note, entries=per_day.get(d, [])))
    return days


def _groups(items: list[ReportEntry],
            carried: Iterable[ReportEntry] = ()) -> tuple[list[Group], list[Group]]:
    orgs: dict[str | None, Group] = {}
    projects: dict[str | None, Group] = {}
    spent: dict[tuple[int, str | None], list[dict[str, Any]]] = defaultdict(list)

    def group(groups: dict[str | None, Group], ref: Ref | None, none_name: str) -> Group:
        key = ref.id if ref else None
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group(id=key, name=ref.name if ref else none_name)
        return g

    def add(groups: dict[str | None, Group], ref: Ref | None, e: ReportEntry, none_name: str) -> None:
        g = group(groups, ref, none_name)
        g.entries += 1
        g.entry_ids.append(e.id)
        g.plan.add(e)
        if e.status == "done":
            g.done += 1
            g.minutes += e.minutes or 0
            spent[(id(groups), g.id)].extend(e.expenses)

    for e in items:
        for ref in e.organisations or [None]:
            add(orgs, ref, e, NO_ORGANISATION)
        for ref in e.projects or [None]:
            add(projects, ref, e, NO_PROJECT)
    for e in carried:  # counted in the plan figures only: they are dated after the period
        for ref in e.organisations or [None]:
            group(orgs, ref, NO_ORGANISATION).plan.add(e, carried=True)
        for ref in e.projects or [None]:
            group(projects, ref, NO_PROJECT).plan.add(e, carried=True)
    for groups in (orgs, projects):
        for g in groups.values():
            g.plan.expenses = sum_by_currency(spent.get((id(groups), g.id), ()))

    def ranked(groups: dict[str | None, Group]) -> list[Group]:
        """Most active first; the "none" bucket last, whatever its size."""
        return sorted(groups.values(), key=lambda g: (g.id is None, -g.entries, -g.done, g.name, g.id or ""))

    return ranked(orgs), ranked(projects)


def _contacts_met(names: _Names, items: list[ReportEntry]) -> list[ContactMet]:
    met: dict[str, ContactMet] = {}
    for e in items:
        if e.status != "done":
            continue
        for ref in e.contacts:
            m = met.get(ref.id)
            if m is None:
                met[ref.id] = ContactMet(ref.id, ref.name, names.org_of(names.contacts, ref.id), 1, e.date)
            else:
                m.meetings += 1
                m.last = max(m.last, e.date)
    return sorted(met.values(), key=lambda m: (-m.meetings, m.name, m.id))


def _birthdays(names: _Names, start: date, end: date) -> list[Birthday]:
    out = []
    for cid, doc in names.contacts.items():
        text = doc.get("birthday")
        if not isinstance(text, str) or len(text) < 7:
            continue
        year = int(text[:4]) if text[:4].isdigit() else None
        try:
            month, day = int(text[-5:-3]), int(text[-2:])
        except ValueError:
            continue
        for y in range(start.year, end.year + 1):
            if not 1 <= month <= 12 or not 1 <= day <= 31:
                break
            d = min(day, calendar.monthrange(y, month)[1])  # 29 Feb -> 28 Feb in other years
            when = date(y, month, d)
            if start <= when <= end:
                out.append(Birthday(cid, str(doc.get("name", "")), names.org_of(names.contacts, cid),
                                    when, y - year if year else None))
    return sorted(out, key=lambda b: (b.date, b.name, b.id))


def overdue_contacts(tables: Tables, today: date, *, index: SearchIndex | None = None,
                     tiers: TierTable | None = None, documents: Documents | None = None,
                     raw: Callable[[list[int]], list[bytes]] | None = None
                     ) -> list[OverdueContact]:
    """Clients overdue on ``today``: see the module docstring. Without an ``index`` this scans
    every entry once (tens of milliseconds at 100k)."""
    from journal.clients.cadence import due_list, due_subjects, index_times, scan_times
    from journal.config.model import DEFAULT_TIERS

    tiers = tiers if tiers is not None else DEFAULT_TIERS
    subjects = due_subjects(tables, tiers)
    if not subjects:
        return []
    if index is not None:
        entries = tables.get("entries") or {}

        def from_tables(positions: list[int]) -> dict[str, dict[str, Any]]:
            ids = [index.entry_at(p)[0] for p in positions]
            return {i: entries[i] for i in ids if i in entries}

        times = index_times(index, tables, today, documents or from_tables, subjects=subjects,
                            events=False, raw=raw)
    else:
        times = scan_times(tables, today)
    out = []
    for item in due_list(tables, tiers, times, today, subjects=subjects):
        if item.days_over is not None and item.days_over <= 0:
            continue
        assert item.rhythm.cadence_days is not None
        out.append(OverdueContact(item.id, item.name, item.organisation, item.rhythm.cadence_days,
                                  date.fromisoformat(item.last.date) if item.last else None,
                                  item.days_since, item.days_over))
    return out
