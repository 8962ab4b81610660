"""A week or month summary as an Excel sheet a supervisor can read (``--format xlsx``).

Managers send their weekly report upwards as a spreadsheet. One sheet, laid out like the Markdown
report (:mod:`journal.reports.render`) and printable on one page width: the title, the totals, the
days with their notes and entries (real date and time cells, links by name, the summary wrapped),
then the same work by client and by project, the people met, what is still open, what is
planned next, and for a month the overdue clients; birthdays coming up last. openpyxl is imported
only here, when such a report is asked for.

User text is always written as a text cell (never a formula, whatever it starts with) and made fit
for the format (:func:`journal.text.sheet_text`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from journal.i18n import _, ngettext
from journal.i18n.formats import money, period_name, quarter_title, week_title
from journal.i18n.terms import value_name
from journal.reports.model import Group, Report, ReportEntry
from journal.reports.summary import NO_ORGANISATION, NO_PROJECT
from journal.text import counted, sheet_text

WIDTHS = {"A": 13, "B": 12, "C": 40, "D": 11, "E": 28, "F": 28, "G": 28, "H": 60}


def _title(r: Report) -> str:
    """The report's title, as the Markdown and text reports write it."""
    from journal.reports.render import report_title

    return report_title(r)


def _names(refs: Iterable[Any]) -> str:
    return ", ".join(r.name for r in refs)


class _Sheet:
    """Rows appended one after the other, with the report's few styles."""

    def __init__(self, sheet: Any) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = sheet
        self.row = 1
        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=14)
        self.section = Font(bold=True, size=12)
        self.fill = PatternFill("solid", fgColor="DDE4EE")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")

    def put(self, values: list[Any], *, font: Any = None, fill: Any = None) -> None:
        for col, value in enumerate(values, 1):
            if value is None or value == "":
                continue
            cell = self.sheet.cell(row=self.row, column=col)
            if isinstance(value, str):
                cell.value = sheet_text(value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
            else:
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = "ddd yyyy-mm-dd"
                elif isinstance(value, float):
                    cell.number_format = "#,##0.00"
            cell.alignment = self.wrap if isinstance(value, str) and len(value) > 30 else self.top
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
        self.row += 1

    def heading(self, text: str) -> None:
        self.row += 1
        self.put([text], font=self.section)

    def columns(self, names: list[str]) -> None:
        self.put(names, font=self.bold, fill=self.fill)


def _entry_row(e: ReportEntry, *, summary: bool) -> list[Any]:
    status = "" if e.status == "done" else value_name(e.status)
    when = f"{e.time}–{e.end_time}" if e.time and e.end_time else e.time or ""
    return [e.date, when, e.event, status,
            _names(e.contacts), _names(e.organisations), _names(e.projects),
            e.summary.strip() if summary else ""]


def _groups(out: _Sheet, title: str, groups: list[Group]) -> None:
    if not groups:
        return
    out.heading(title)
    out.columns(["", "", _("Name"), _("Entries"), _("Done"), _("Hours (done)")])
    for g in groups:
        out.put(["", "", _(g.name) if g.name in (NO_ORGANISATION, NO_PROJECT) else g.name, g.entries, g.done, round(g.minutes / 60, 2) if g.minutes else ""])


def _entries(out: _Sheet, title: str, entries: list[ReportEntry]) -> None:
    if not entries:
        return
    out.heading(title)
    out.columns([_("Date"), _("Time"), _("Event"), _("Status"), _("People"), _("Organisations"), _("Projects")])
    for e in entries:
        out.put(_entry_row(e, summary=False))


def render_xlsx(r: Report) -> bytes:
    """The report as a one-sheet workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(_short_title(r))
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = _Sheet(sheet)
    out.put([_title(r)], font=out.title)
    t = r.totals
    out.row += 1
    out.columns([_("Entries"), _("Done"), _("Planned"), _("Cancelled"), _("Hours (done)"), _("Expenses (done)")])
    out.put([t.entries, t.done, t.planned, t.cancelled, round(t.minutes / 60, 2),
             " · ".join(money(amount, currency) for currency, amount in t.expenses.items())])
    if t.time_only_entries:
        only = counted(t.time_only_entries, _("done entries"), _("done entry"))
        out.put([ngettext("Hours count entries with a start and an end; {only} has a start "
                          "time only.", "Hours count entries with a start and an end; {only} "
                          "have a start time only.", t.time_only_entries).format(only=only)])
    out.heading(_("Day by day"))
    out.columns([_("Date"), _("Time"), _("Event"), _("Status"), _("People"), _("Organisations"), _("Projects"),
                 _("Summary")])
    if not r.days:
        out.put(["", "", _("No entries.")])
    for d in r.days:
        if d.note.strip():
            out.put([d.date, _("Day note"), d.note.strip()])
        for e in d.entries:
            out.put(_entry_row(e, summary=True))
    if r.kind == "week":
        _groups(out, _("By client"), r.by_organisation)
        _groups(out, _("By project"), r.by_project)
    else:
        _groups(out, _("Top clients"), r.top_organisations)
        _groups(out, _("Top projects"), r.top_projects)
    if r.contacts_met:
        out.heading(_("People met"))
        out.columns(["", "", _("Name"), _("Meetings"), _("Organisation"), _("Last met")])
        for m in r.contacts_met:
            out.put(["", "", m.name, m.meetings, m.organisation, m.last])
    _entries(out, _("Still open"), r.still_open)
    _entries(out, _("Planned for {next}").format(next=next_period_name(r)), r.planned_next)
    if r.overdue_contacts:
        out.heading(_("Overdue contacts"))
        out.columns([_("Last met"), "", _("Name"), _("Every (days)"), _("Organisation"), _("Days overdue")])
        for o in r.overdue_contacts:
            out.put([o.last_contact or _("never"), "", o.name, o.cadence_days, o.organisation,
                     o.overdue_days if o.overdue_days is not None else ""])
    if r.birthdays_next:
        out.heading(_("Birthdays {next}").format(next=next_period_name(r)))
        out.columns([_("Date"), "", _("Name"), _("Turns"), _("Organisation")])
        for b in r.birthdays_next:
            out.put([b.date, "", b.name, b.turns or "", b.organisation])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _short_title(r: Report) -> str:
    """``Week 2026-W48`` / ``2026年第48周``, ``November 2026``, ``Quarter 2026-Q4``."""
    if r.kind == "week":
        iso = r.start.isocalendar()
        return week_title(iso.year, iso.week)
    if r.kind == "quarter":
        return quarter_title(r.start.year, (r.start.month - 1) // 3 + 1)
    return period_name(r.kind, r.start)


def sheet_title(text: str) -> str:
    """A worksheet's name: at most 31 characters, none of ``[]:*?/\\`` (Excel refuses them)."""
    return "".join("-" if ch in "[]:*?/\\" else ch for ch in text)[:31] or _("Report")


def next_period_name(r: Report) -> str:
    """``next week (2026-W50)`` / ``下周（2026年第50周）``, as the other formats say it."""
    from journal.reports.render import next_name

    return next_name(r)
