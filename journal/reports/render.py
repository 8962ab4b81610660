"""Rendering a :class:`journal.reports.summary.Report` as Markdown, plain text or JSON.

Separate from building so each format is a straight walk over the same structure. User text (event
names, summaries, notes, names) is never trusted as markup: in Markdown it is escaped where it
could change the structure (a summary line starting with ``#`` or ``-``, a ``|``, ``*``, ``[``, a
raw ``<tag>``) but not elsewhere, because the result is often pasted into an email where stray
backslashes are noise; in text, control characters are made visible so an entry cannot move the
cursor or recolour the terminal.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from journal.models import time_span
from journal.reports.model import Group, PeriodFigures, Report, ReportEntry
from journal.reports.plan import PlanFigures
from journal.text import clean_line as _clean_line
from journal.text import markdown_literal as md

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WD = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def clean_line(text: str) -> str:
    """:func:`journal.text.clean_line`, skipped for text with nothing to escape (the usual
    case; its per-character walk was a third of a month report's time). Same result."""
    return text if text.isprintable() else _clean_line(text)


# -- shared formatting -----------------------------------------------------------------------------
def _day(d: date, *, year: bool = False) -> str:
    text = f"{_WD[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if year else text


def _span(start: date, end: date) -> str:
    """``16–22 Nov 2026``, ``30 Nov – 6 Dec 2026``, ``29 Dec 2025 – 4 Jan 2026``."""
    if start.year != end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} {start.year} – {end.day} {_MONTHS[end.month - 1]} {end.year}"
    if start.month != end.month:
        return f"{start.day} {_MONTHS[start.month - 1]} – {end.day} {_MONTHS[end.month - 1]} {end.year}"
    return f"{start.day}–{end.day} {_MONTHS[end.month - 1]} {end.year}"


def _title(r: Report) -> str:
    if r.kind == "week":
        return f"Week {r.label} · {_span(r.start, r.end)}"
    if r.kind == "quarter":
        return f"Quarter {r.label} · {_span(r.start, r.end)}"
    return r.label


def _next_name(r: Report) -> str:
    return f"next {r.kind} ({r.next_label})"


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m} min"
    return f"{h} h {m:02d} min" if m else f"{h} h"


def _money(expenses: dict[str, int | float]) -> str:
    return " · ".join(f"{amount:,.2f} {currency}" for currency, amount in expenses.items())


def _clock(e: ReportEntry) -> str:
    return time_span(e.time, e.end_time)


def _status(e: ReportEntry) -> str:
    marks = [] if e.status == "done" else [e.status]
    if e.priority:
        marks.append(f"{e.priority} priority")
    if e.carried_from:
        marks.append(f"carried from {_day(date.fromisoformat(e.carried_from[0]))}")
    return f" ({', '.join(marks)})" if marks else ""


def _plan_line(p: PlanFigures) -> str:
    """``planned 4: 3 done as planned, 1 carried over; came up 2``, or "" without any."""
    return p.sentence() if p.any else ""


def _money_note(expenses: dict[str, int | float]) -> str:
    return f"; {_money(expenses)}" if expenses else ""


def _review_lines(r: Report) -> list[str]:
    """The written part as the user wrote it (their Markdown), or nothing."""
    text = r.review.strip("\n")
    return [*text.splitlines(), ""] if text.strip() else []


def _links(e: ReportEntry, fmt: Callable[[str], str]) -> str:
    """`` — people · organisations · projects`` (each group comma-separated), or ""."""
    parts = [", ".join(fmt(r.name) for r in refs)
             for refs in (e.contacts, e.organisations, e.projects) if refs]
    return " — " + " · ".join(parts) if parts else ""


def _hours_note(r: Report) -> str:
    t = r.totals
    note = _hours(t.minutes)
    p = r.plan
    if p.minutes_as_planned and p.minutes_unplanned:
        note += (f" ({_hours(p.minutes_as_planned)} as planned, "
                 f"{_hours(p.minutes_unplanned)} came up)")
    if t.time_only_entries:
        note += f" (+{t.time_only_entries} with a start time only)"
    return note


_PLAN_HEAD = ("Planned", "Done as planned", "Carried over", "Cancelled", "Still open", "Came up")


def _plan_cells(p: PlanFigures) -> list[str]:
    return [str(n) for n in (p.planned, p.done_as_planned, p.carried_over, p.cancelled,
                             p.still_open, p.unplanned)]


def _group_line(g: Group, fmt: Callable[[str], str]) -> str:
    hours = f", {_hours(g.minutes)}" if g.minutes else ""
    plan = _plan_line(g.plan)
    return (f"{fmt(g.name)}: {g.entries} {'entry' if g.entries == 1 else 'entries'}, "
            f"{g.done} done{hours}" + (f"; {plan}" if plan else "") + _money_note(g.plan.expenses))


_MONTH_HEAD = ("Month", "Hours", "Planned", "As planned", "Carried", "Cancelled", "Open",
               "Came up")


def _month_rows(months: list[PeriodFigures]) -> list[list[str]]:
    """A quarter's months, narrow enough for 80 columns (done = as planned + came up)."""
    return [[f"{_MONTHS[m.start.month - 1]} {m.start.year}",
             f"{m.minutes // 60}h{m.minutes % 60:02d}" if m.minutes else "—",
             *_plan_cells(m.plan)] for m in months]


# -- Markdown --------------------------------------------------------------------------------------
def _md_entry(e: ReportEntry, *, with_day: bool = False, summary: bool = True) -> list[str]:
    head = " ".join(p for p in (_day(e.date) if with_day else "", _clock(e)) if p)
    event = md(e.event, start=not head)
    if e.status == "cancelled":
        event = f"~~{event}~~"
    line = f"- {head + ' ' if head else ''}{event}{_status(e)}{_links(e, lambda n: md(n, start=False))}"
    out = [line]
    if summary:
        out += [f"  {md(s)}" for s in e.summary.splitlines() if s.strip()]
    return out


def _md_groups(title: str, groups: list[Group], entries: dict[str, ReportEntry], nested: bool) -> list[str]:
    if not groups:
        return []
    out = [f"## {title}", ""]
    for g in groups:
        out.append("- " + _group_line(g, lambda n: f"**{md(n, start=False)}**"))
        if nested:
            for eid in g.entry_ids:
                e = entries[eid]
                out.append(f"  - {_day(e.date)} {md(e.event)}{_status(e)}")
    return [*out, ""]


def _md_list(title: str, items: Iterable[str]) -> list[str]:
    lines = list(items)
    return [f"## {title}", "", *lines, ""] if lines else []


def _md_table(head: Iterable[str], rows: Iterable[list[str]]) -> list[str]:
    head = list(head)
    return ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head),
            *("| " + " | ".join(md(c, start=False) for c in row) + " |" for row in rows), ""]


def render_markdown(r: Report) -> str:
    t = r.totals
    week = r.kind == "week"
    entries = r.entries()
    out = [f"# {_title(r)}", ""]
    review = _review_lines(r)
    if review:
        out += [*review, "---", ""]
    out += ["| Entries | Done | Still planned | Cancelled | Hours (done) | Expenses (done) |",
            "|---:|---:|---:|---:|---:|---|",
            f"| {t.entries} | {t.done} | {t.planned} | {t.cancelled} | {_hours_note(r)} | "
            f"{md(_money(t.expenses), start=False) or '—'} |", ""]
    if r.plan.any:
        out += ["## Plan and done", "", *_md_table(_PLAN_HEAD, [_plan_cells(r.plan)])]
    if r.kind == "quarter":
        out += ["## Month by month", ""]
        out += _md_table(_MONTH_HEAD, _month_rows(r.months))
    else:
        out += ["## Day by day", ""]
    if not r.days and r.kind != "quarter":
        out += ["No entries.", ""]
    for d in r.days:
        out += [f"### {d.weekday} {d.date.day} {_MONTHS[d.date.month - 1]}", ""]
        if d.note:
            out += [f"> {md(line)}" for line in d.note.splitlines() if line.strip()] + [""]
        for e in d.entries:
            out += _md_entry(e, summary=week)
        if d.entries:
            out.append("")
    if week:
        out += _md_groups("By client", r.by_organisation, entries, nested=True)
        out += _md_groups("By project", r.by_project, entries, nested=True)
    else:
        out += _md_groups("Top clients", r.top_organisations, entries, nested=False)
        out += _md_groups("Top projects", r.top_projects, entries, nested=False)
    out += _md_list("People met", (
        f"- {md(m.name)}{' (' + md(m.organisation) + ')' if m.organisation else ''}: "
        f"{m.meetings}×, last {_day(m.last)}" for m in r.contacts_met))
    out += _md_list("Still open", (line for e in r.still_open
                                   for line in _md_entry(e, with_day=True, summary=False)))
    out += _md_list("Carried over", (line for e in r.carried
                                     for line in _md_entry(e, with_day=True, summary=False)))
    out += _md_list(f"Planned for {_next_name(r)}", (
        line for e in r.planned_next for line in _md_entry(e, with_day=True, summary=False)))
    out += _md_list("Overdue contacts", (f"- {md(_overdue(o))}" for o in r.overdue_contacts))
    if r.complaints is not None and r.complaints.total:
        c = r.complaints
        out += ["## Complaints", "", _complaints_line(c), "",
                "| Client | Complaints | Open | Median days to resolve |", "|---|---:|---:|---:|"]
        out += [f"| {md(g.name, start=False)} | {g.count} | {g.open} | {_days(g.median_days)} |"
                for g in c.by_client] + [""]
    out += _md_list(f"Birthdays {_next_name(r)}", (f"- {md(_birthday(b))}" for b in r.birthdays_next))
    return "\n".join(out).rstrip("\n") + "\n"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _complaints_line(c: Any) -> str:
    median = (f"; the resolved ones took {_days(c.median_days)} days (median)"
              if c.median_days is not None else "; none resolved yet")
    return (f"{c.total} complaint{'s' if c.total != 1 else ''} in the period, "
            f"{c.open} still open{median}.")


def _overdue(o: Any) -> str:
    who = f"{o.name} ({o.organisation})" if o.organisation else o.name
    if o.last_contact is None:
        return f"{who}: every {o.cadence_days} days, never met"
    return (f"{who}: every {o.cadence_days} days, last met {o.last_contact.isoformat()} "
            f"({o.days_since} days ago, {o.overdue_days} overdue)")


def _birthday(b: Any) -> str:
    who = f"{b.name} ({b.organisation})" if b.organisation else b.name
    turns = f", turns {b.turns}" if b.turns else ""
    return f"{_day(b.date)}: {who}{turns}"


# -- plain text ------------------------------------------------------------------------------------
def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _heading(text: str, char: str) -> list[str]:
    return [text, char * _width(text)]


def _txt_entry(e: ReportEntry, *, with_day: bool = False, summary: bool = True) -> list[str]:
    head = " ".join(p for p in (_day(e.date) if with_day else "", (_clock(e) or "--:--").ljust(11)) if p)
    mark = "! " if e.priority == "high" else ""
    line = f"  {head} {mark}{clean_line(e.event)}{_status(e)}{_links(e, clean_line)}"
    out = [line.rstrip()]
    if summary:
        pad = " " * (3 + len(head))
        out += [pad + clean_line(s.strip()) for s in e.summary.splitlines() if s.strip()]
    return out


def _txt_section(title: str, lines: list[str]) -> list[str]:
    return ["", *_heading(title, "-"), *lines] if lines else []


def render_text(r: Report) -> str:
    t = r.totals
    week = r.kind == "week"
    entries = r.entries()
    out = _heading(_title(r), "=")
    review = [clean_line(line) for line in _review_lines(r)]
    if review:
        out += ["", *review, "-" * 40, ""]
    out.append(f"{t.entries} {'entry' if t.entries == 1 else 'entries'}: {t.done} done, "
               f"{t.planned} still planned, {t.cancelled} cancelled")
    out.append(f"Hours (done): {_hours_note(r)}")
    if t.expenses:
        out.append(f"Expenses (done): {_money(t.expenses)}")
    if r.plan.any:
        out.append(f"Plan: {_plan_line(r.plan)}")
    if r.kind == "quarter":
        rows = [list(_MONTH_HEAD), *_month_rows(r.months)]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        out += _txt_section("Month by month", [
            "  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                             enumerate(zip(row, widths, strict=True))) for row in rows])
    days: list[str] = []
    for d in r.days:
        days.append(f"{d.weekday} {d.date.day} {_MONTHS[d.date.month - 1]}")
        days += [f"  note: {clean_line(line.strip())}" for line in d.note.splitlines() if line.strip()]
        for e in d.entries:
            days += _txt_entry(e, summary=week)
    if r.kind != "quarter":
        out += _txt_section("Day by day", days or ["  No entries."])

    def groups(gs: list[Group], nested: bool) -> list[str]:
        lines = []
        for g in gs:
            lines.append("  " + _group_line(g, clean_line))
            if nested:
                lines += [f"    {_day(entries[i].date)} {clean_line(entries[i].event)}{_status(entries[i])}"
                          for i in g.entry_ids]
        return lines

    if week:
        out += _txt_section("By client", groups(r.by_organisation, True))
        out += _txt_section("By project", groups(r.by_project, True))
    else:
        out += _txt_section("Top clients", groups(r.top_organisations, False))
        out += _txt_section("Top projects", groups(r.top_projects, False))
    out += _txt_section("People met", [
        f"  {clean_line(m.name)}{' (' + clean_line(m.organisation) + ')' if m.organisation else ''}: "
        f"{m.meetings}×, last {_day(m.last)}" for m in r.contacts_met])
    flat: Callable[[list[ReportEntry]], list[str]] = lambda es: [  # noqa: E731
        line for e in es for line in _txt_entry(e, with_day=True, summary=False)]
    out += _txt_section("Still open", flat(r.still_open))
    out += _txt_section("Carried over", flat(r.carried))
    out += _txt_section(f"Planned for {_next_name(r)}", flat(r.planned_next))
    out += _txt_section("Overdue contacts", [f"  {clean_line(_overdue(o))}" for o in r.overdue_contacts])
    if r.complaints is not None and r.complaints.total:
        c = r.complaints
        out += _txt_section("Complaints", [f"  {_complaints_line(c)}"] + [
            f"  {clean_line(g.name)}: {g.count}, {g.open} open, median {_days(g.median_days)} "
            "days to resolve" for g in c.by_client])
    out += _txt_section(f"Birthdays {_next_name(r)}", [f"  {clean_line(_birthday(b))}" for b in r.birthdays_next])
    return "\n".join(out) + "\n"


# -- JSON ------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def render_json(r: Report) -> str:
    """Every field of the report (dates as ISO strings), keys sorted, two-space indent."""
    data = _plain(dataclasses.asdict(r))
    data["title"] = _title(r)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
