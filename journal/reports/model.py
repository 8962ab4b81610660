"""What a week, month or quarter summary holds, as plain data: the report the renderers
(:mod:`journal.reports.render`, :mod:`journal.reports.xlsx`) turn into Markdown, text, JSON or a
sheet, and that :func:`journal.reports.summary.build_period_report` fills in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from journal.reports.plan import PlanFigures

if TYPE_CHECKING:
    from journal.clients.complaints import ComplaintSummary

Kind = Literal["week", "month", "quarter"]


@dataclass(frozen=True)
class Ref:
    """A linked document: its id and display name."""

    id: str
    name: str


@dataclass
class ReportEntry:
    """One entry as a report shows it. ``minutes`` is None unless both times are known."""

    id: str
    date: date
    time: str | None
    end_time: str | None
    event: str
    status: str
    summary: str = ""
    contacts: list[Ref] = field(default_factory=list)
    projects: list[Ref] = field(default_factory=list)
    organisations: list[Ref] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    minutes: int | None = None
    expenses: list[dict[str, Any]] = field(default_factory=list)  # {amount, currency, note}
    priority: str = ""  # "high" / "low"; "" is normal
    origin: str = "unplanned"  # or "planned" (journal.models.effective_origin)
    carried_from: list[str] = field(default_factory=list)  # ISO days it was carried away from


@dataclass
class Day:
    """A day of the period that has entries or a note (empty days are left out)."""

    date: date
    weekday: str
    note: str
    entries: list[ReportEntry]


@dataclass
class Totals:
    entries: int = 0
    done: int = 0
    planned: int = 0
    cancelled: int = 0
    minutes: int = 0  # done entries with both times
    timed_entries: int = 0  # done entries with both times
    time_only_entries: int = 0  # done entries with a start time but no end time
    planned_minutes: int = 0
    expenses: dict[str, int | float] = field(default_factory=dict)  # currency -> sum (done)


@dataclass
class Group:
    """The period's work for one organisation or project (``id`` None: the "none" bucket)."""

    id: str | None
    name: str
    entries: int = 0
    done: int = 0
    minutes: int = 0
    entry_ids: list[str] = field(default_factory=list)  # chronological
    plan: PlanFigures = field(default_factory=PlanFigures)  # incl. entries carried out


@dataclass
class PeriodFigures:
    """One month of a quarter: its label, entries, done entries and hours done."""

    label: str
    start: date
    end: date
    entries: int = 0
    done: int = 0
    minutes: int = 0
    plan: PlanFigures = field(default_factory=PlanFigures)


@dataclass
class ContactMet:
    id: str
    name: str
    organisation: str
    meetings: int
    last: date


@dataclass
class OverdueContact:
    id: str
    name: str
    organisation: str
    cadence_days: int
    last_contact: date | None  # None: never met
    days_since: int | None
    overdue_days: int | None


@dataclass
class Birthday:
    id: str
    name: str
    organisation: str
    date: date  # the birthday in the next period
    turns: int | None  # None when the birth year is unknown


@dataclass
class Report:
    kind: Kind
    start: date
    end: date
    label: str  # "2026-W47" / "November 2026"
    today: date
    next_start: date
    next_end: date
    next_label: str
    totals: Totals
    days: list[Day]
    by_organisation: list[Group]
    by_project: list[Group]
    contacts_met: list[ContactMet]
    still_open: list[ReportEntry]
    planned_next: list[ReportEntry]
    birthdays_next: list[Birthday]
    top_organisations: list[Group] = field(default_factory=list)  # months only
    top_projects: list[Group] = field(default_factory=list)  # months only
    overdue_contacts: list[OverdueContact] = field(default_factory=list)  # months only
    complaints: ComplaintSummary | None = None  # months only
    review_id: str = ""  # "2026-W47" / "2026-11" / "2026-Q4"
    review: str = ""  # the written part (Markdown as the user wrote it)
    plan: PlanFigures = field(default_factory=PlanFigures)
    carried: list[ReportEntry] = field(default_factory=list)  # carried out of the period
    months: list[PeriodFigures] = field(default_factory=list)  # quarters only

    def entries(self) -> dict[str, ReportEntry]:
        """The period's entries by id (groups refer to them by id)."""
        return {e.id: e for d in self.days for e in d.entries}
