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

from journal.i18n import N_, NC_, _, ngettext, pgettext
from journal.i18n.formats import (
    date_range,
    day_month_weekday,
    full_date,
    money,
    month_label,
    period_name,
    quarter_title,
    week_title,
)
from journal.i18n.terms import value_name
from journal.models import time_span
from journal.reports.model import Group, PeriodFigures, Report, ReportEntry
from journal.reports.plan import PlanFigures
from journal.reports.summary import NO_ORGANISATION, NO_PROJECT
from journal.text import clean_line as _clean_line
from journal.text import markdown_literal as md


def clean_line(text: str) -> str:
    """:func:`journal.text.clean_line`, skipped for text with nothing to escape (the usual
    case; its per-character walk was a third of a month report's time). Same result."""
    return text if text.isprintable() else _clean_line(text)


# -- shared formatting -----------------------------------------------------------------------------
def _day(d: date, *, year: bool = False) -> str:
    """``Mon 23 Nov`` / ``11月23日 周一`` (``year``: ``Mon 23 Nov 2026`` / ``2026年11月23日 星期一``)."""
    return full_date(d) if year else day_month_weekday(d)


def _span(start: date, end: date) -> str:
    """``16–22 Nov 2026``, ``30 Nov – 6 Dec 2026``; ``2026年11月30日至12月6日``."""
    return date_range(start, end)


def report_title(r: Report) -> str:
    """The report's title in the interface language (Markdown, text, JSON, the workbook)."""
    return _title(r)


def _title(r: Report) -> str:
    """``Week 2026-W49 · 30 Nov – 6 Dec 2026`` / ``2026年第49周 · 2026年11月30日至12月6日``,
    ``December 2026`` / ``2026年12月``, ``Quarter 2026-Q4 · …`` / ``2026年第四季度 · …``."""
    if r.kind == "week":
        iso = r.start.isocalendar()
        return f"{week_title(iso.year, iso.week)} · {_span(r.start, r.end)}"
    if r.kind == "quarter":
        quarter = (r.start.month - 1) // 3 + 1
        return f"{quarter_title(r.start.year, quarter)} · {_span(r.start, r.end)}"
    return month_label(r.start.year, r.start.month)


def next_name(r: Report) -> str:
    """``next week (2026-W50)`` / ``下周（2026年第50周）``."""
    template = {"week": _("next week ({label})"), "month": _("next month ({label})"),
                "quarter": _("next quarter ({label})")}[r.kind]
    return template.format(label=period_name(r.kind, r.next_start))


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if not h:
        return _("{m} min").format(m=m)
    return (_("{h} h {m:02d} min").format(h=h, m=m) if m else _("{h} h").format(h=h))


def _money(expenses: dict[str, int | float]) -> str:
    return " · ".join(money(amount, currency) for currency, amount in expenses.items())


def _clock(e: ReportEntry) -> str:
    return time_span(e.time, e.end_time)


def _status(e: ReportEntry) -> str:
    marks = [] if e.status == "done" else [value_name(e.status)]
    if e.priority:
        marks.append((_("high priority") if e.priority == "high" else _("low priority"))
                     if e.priority in ("high", "low") else e.priority)
    if e.carried_from:
        marks.append(_("carried from {day}").format(
            day=_day(date.fromisoformat(e.carried_from[0]))))
    return _(" ({marks})").format(marks=_(", ").join(marks)) if marks else ""


def _plan_line(p: PlanFigures) -> str:
    """``planned 4: 3 done as planned, 1 carried over; came up 2``, or "" without any."""
    return plan_sentence(p) if p.any else ""


def plan_sentence(p: PlanFigures) -> str:
    """``8 planned: 6 done as planned, 2 carried over; 3 came up`` (parts that are zero left
    out) / ``计划 8 项：按计划完成 6 项，顺延 2 项；临时新增 3 项``."""
    parts = [text.format(n=n) for n, text in (
        (p.done_as_planned, _("{n} done as planned")), (p.carried_over, _("{n} carried over")),
        (p.cancelled, _("{n} cancelled")), (p.still_open, _("{n} still open"))) if n]
    out = (_("{n} planned: {parts}").format(n=p.planned, parts=_(", ").join(parts)) if parts
           else _("{n} planned").format(n=p.planned))
    if p.unplanned:
        came = _("{n} came up").format(n=p.unplanned)
        out = _("{planned}; {came}").format(planned=out, came=came) if p.planned else came
    return out


def _money_note(expenses: dict[str, int | float]) -> str:
    return _("; {money}").format(money=_money(expenses)) if expenses else ""


def _review_lines(r: Report) -> list[str]:
    """The written part as the user wrote it (their Markdown), or nothing."""
    text = r.review.strip("\n")
    return [*text.splitlines(), ""] if text.strip() else []


def _links(e: ReportEntry, fmt: Callable[[str], str]) -> str:
    """`` — people · organisations · projects`` (each group comma-separated), or ""."""
    parts = [_(", ").join(fmt(r.name) for r in refs)
             for refs in (e.contacts, e.organisations, e.projects) if refs]
    return " — " + " · ".join(parts) if parts else ""


def _hours_note(r: Report) -> str:
    t = r.totals
    note = _hours(t.minutes)
    p = r.plan
    if p.minutes_as_planned and p.minutes_unplanned:
        note += _(" ({planned} as planned, {came} came up)").format(
            planned=_hours(p.minutes_as_planned), came=_hours(p.minutes_unplanned))
    if t.time_only_entries:
        note += _(" (+{n} with a start time only)").format(n=t.time_only_entries)
    return note


_PLAN_HEAD = (NC_("report column", "Planned"), NC_("report column", "Done as planned"), NC_("report column", "Carried over"), NC_("report column", "Cancelled"),
              NC_("report column", "Still open"), NC_("report column", "Came up"))


def _plan_cells(p: PlanFigures) -> list[str]:
    return [str(n) for n in (p.planned, p.done_as_planned, p.carried_over, p.cancelled,
                             p.still_open, p.unplanned)]


def _group_name(name: str) -> str:
    """A group's name; the stand-ins for "none" in the interface language."""
    return _(name) if name in (NO_ORGANISATION, NO_PROJECT) else name


def _group_line(g: Group, fmt: Callable[[str], str]) -> str:
    hours = _(", {hours}").format(hours=_hours(g.minutes)) if g.minutes else ""
    plan = _plan_line(g.plan)
    counts = ngettext("{n} entry, {done} done", "{n} entries, {done} done", g.entries).format(
        n=g.entries, done=g.done)
    return (f"{fmt(_group_name(g.name))}{_(': ')}{counts}{hours}"
            + (_("; {plan}").format(plan=plan) if plan else "") + _money_note(g.plan.expenses))


_MONTH_HEAD = (NC_("report column", "Month"), NC_("report column", "Hours"), NC_("report column", "Planned"), NC_("report column", "As planned"), NC_("report column", "Carried"),
               NC_("report column", "Cancelled"), NC_("report column", "Open"), NC_("report column", "Came up"))


def _month_rows(months: list[PeriodFigures]) -> list[list[str]]:
    """A quarter's months, narrow enough for 80 columns (done = as planned + came up)."""
    return [[month_label(m.start.year, m.start.month, short=True),
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
    out = [f"## {_(title)}", ""]
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
    head = [_column(h) for h in head]
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
    out += ["| " + " | ".join(_column(h) for h in _TOTALS_HEAD) + " |",
            "|---:|---:|---:|---:|---:|---|",
            f"| {t.entries} | {t.done} | {t.planned} | {t.cancelled} | {_hours_note(r)} | "
            f"{md(_money(t.expenses), start=False) or '—'} |", ""]
    if r.plan.any:
        out += [f"## {_('Plan and done')}", "", *_md_table(_PLAN_HEAD, [_plan_cells(r.plan)])]
    if r.kind == "quarter":
        out += [f"## {_('Month by month')}", ""]
        out += _md_table(_MONTH_HEAD, _month_rows(r.months))
    else:
        out += [f"## {_('Day by day')}", ""]
    if not r.days and r.kind != "quarter":
        out += [_("No entries."), ""]
    for d in r.days:
        out += [f"### {_weekday_heading(d.date)}", ""]
        if d.note:
            out += [f"> {md(line)}" for line in d.note.splitlines() if line.strip()] + [""]
        for e in d.entries:
            out += _md_entry(e, summary=week)
        if d.entries:
            out.append("")
    if week:
        out += _md_groups(N_("By client"), r.by_organisation, entries, nested=True)
        out += _md_groups(N_("By project"), r.by_project, entries, nested=True)
    else:
        out += _md_groups(N_("Top clients"), r.top_organisations, entries, nested=False)
        out += _md_groups(N_("Top projects"), r.top_projects, entries, nested=False)
    out += _md_list(_("People met"), (
        "- " + _met(m, md) for m in r.contacts_met))
    out += _md_list(_("Still open"), (line for e in r.still_open
                                      for line in _md_entry(e, with_day=True, summary=False)))
    out += _md_list(_("Carried over"), (line for e in r.carried
                                        for line in _md_entry(e, with_day=True, summary=False)))
    out += _md_list(_("Planned for {next}").format(next=next_name(r)), (
        line for e in r.planned_next for line in _md_entry(e, with_day=True, summary=False)))
    out += _md_list(_("Overdue contacts"), (f"- {md(_overdue(o))}" for o in r.overdue_contacts))
    if r.complaints is not None and r.complaints.total:
        c = r.complaints
        out += [f"## {_('Complaints')}", "", _complaints_line(c), "",
                "| " + " | ".join(_column(h) for h in _COMPLAINTS_HEAD) + " |", "|---|---:|---:|---:|"]
        out += [f"| {md(g.name, start=False)} | {g.count} | {g.open} | {_days(g.median_days)} |"
                for g in c.by_client] + [""]
    out += _md_list(_("Birthdays {next}").format(next=next_name(r)),
                    (f"- {md(_birthday(b))}" for b in r.birthdays_next))
    return "\n".join(out).rstrip("\n") + "\n"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _complaints_line(c: Any) -> str:
    median = (_("; the resolved ones took {days} days (median)").format(days=_days(c.median_days))
              if c.median_days is not None else _("; none resolved yet"))
    return ngettext("{n} complaint in the period, {open} still open{median}.",
                    "{n} complaints in the period, {open} still open{median}.", c.total).format(
        n=c.total, open=c.open, median=median)


def _overdue(o: Any) -> str:
    who = f"{o.name} ({o.organisation})" if o.organisation else o.name
    if o.last_contact is None:
        return _("{who}: every {days} days, never met").format(who=who, days=o.cadence_days)
    return _("{who}: every {days} days, last met {last} ({since} days ago, {overdue} overdue)"
             ).format(who=who, days=o.cadence_days, last=o.last_contact.isoformat(),
                      since=o.days_since, overdue=o.overdue_days)


def _birthday(b: Any) -> str:
    who = f"{b.name} ({b.organisation})" if b.organisation else b.name
    if b.turns:
        return _("{day}: {who}, turns {age}").format(day=_day(b.date), who=who, age=b.turns)
    return _("{day}: {who}").format(day=_day(b.date), who=who)


def _met(m: Any, fmt: Callable[[str], str]) -> str:
    """``张伟 (工商银行): 3×, last Mon 23 Nov``."""
    who = fmt(m.name) + (f" ({fmt(m.organisation)})" if m.organisation else "")
    return _("{who}: {n}×, last {day}").format(who=who, n=m.meetings, day=_day(m.last))


def _column(head: str) -> str:
    """A table column's heading: short words whose meaning the table gives ("Open" = still
    open, not "open it"), so translated in their own context."""
    return pgettext("report column", head)


def _weekday_heading(d: date) -> str:
    """A day's heading inside a report: ``Monday 23 Nov`` / ``11月23日 星期一``."""
    from journal.i18n import chinese
    from journal.i18n.formats import day_month, weekday_name

    if chinese():
        return f"{day_month(d)} {weekday_name(d)}"
    return f"{weekday_name(d)} {day_month(d)}"


_TOTALS_HEAD = (NC_("report column", "Entries"), NC_("report column", "Done"), NC_("report column", "Still planned"), NC_("report column", "Cancelled"),
                NC_("report column", "Hours (done)"), NC_("report column", "Expenses (done)"))
_COMPLAINTS_HEAD = (NC_("report column", "Client"), NC_("report column", "Complaints"), NC_("report column", "Open"), NC_("report column", "Median days to resolve"))


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
    out.append(ngettext("{n} entry: {done} done, {planned} still planned, {cancelled} cancelled",
                        "{n} entries: {done} done, {planned} still planned, {cancelled} cancelled",
                        t.entries).format(n=t.entries, done=t.done, planned=t.planned,
                                          cancelled=t.cancelled))
    out.append(_("Hours (done): {hours}").format(hours=_hours_note(r)))
    if t.expenses:
        out.append(_("Expenses (done): {money}").format(money=_money(t.expenses)))
    if r.plan.any:
        out.append(_("Plan: {plan}").format(plan=_plan_line(r.plan)))
    if r.kind == "quarter":
        rows = [[_column(h) for h in _MONTH_HEAD], *_month_rows(r.months)]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        out += _txt_section(_("Month by month"), [
            "  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                             enumerate(zip(row, widths, strict=True))) for row in rows])
    days: list[str] = []
    for d in r.days:
        days.append(_weekday_heading(d.date))
        days += ["  " + _("note: {line}").format(line=clean_line(line.strip()))
                 for line in d.note.splitlines() if line.strip()]
        for e in d.entries:
            days += _txt_entry(e, summary=week)
    if r.kind != "quarter":
        out += _txt_section(_("Day by day"), days or ["  " + _("No entries.")])

    def groups(gs: list[Group], nested: bool) -> list[str]:
        lines = []
        for g in gs:
            lines.append("  " + _group_line(g, clean_line))
            if nested:
                lines += [f"    {_day(entries[i].date)} {clean_line(entries[i].event)}{_status(entries[i])}"
                          for i in g.entry_ids]
        return lines

    if week:
        out += _txt_section(_("By client"), groups(r.by_organisation, True))
        out += _txt_section(_("By project"), groups(r.by_project, True))
    else:
        out += _txt_section(_("Top clients"), groups(r.top_organisations, False))
        out += _txt_section(_("Top projects"), groups(r.top_projects, False))
    out += _txt_section(_("People met"), ["  " + _met(m, clean_line) for m in r.contacts_met])
    flat: Callable[[list[ReportEntry]], list[str]] = lambda es: [  # noqa: E731
        line for e in es for line in _txt_entry(e, with_day=True, summary=False)]
    out += _txt_section(_("Still open"), flat(r.still_open))
    out += _txt_section(_("Carried over"), flat(r.carried))
    out += _txt_section(_("Planned for {next}").format(next=next_name(r)), flat(r.planned_next))
    out += _txt_section(_("Overdue contacts"), [f"  {clean_line(_overdue(o))}" for o in r.overdue_contacts])
    if r.complaints is not None and r.complaints.total:
        c = r.complaints
        out += _txt_section(_("Complaints"), [f"  {_complaints_line(c)}"] + [
            "  " + _("{client}: {count}, {open} open, median {days} days to resolve").format(
                client=clean_line(g.name), count=g.count, open=g.open, days=_days(g.median_days))
            for g in c.by_client])
    out += _txt_section(_("Birthdays {next}").format(next=next_name(r)),
                        [f"  {clean_line(_birthday(b))}" for b in r.birthdays_next])
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
