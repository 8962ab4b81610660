"""The agenda as data: what a manager looks at first thing in the morning, in a terminal (``journal
agenda``), a status bar (``--format json``) or the app's home screen.

Pure: the use case (journal.agenda.usecases) gathers the parts, this module only shapes them
into sections the renderers print in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from journal.models import Entry, time_span

if TYPE_CHECKING:
    from journal.clients.birthdays import Upcoming
    from journal.clients.cadence import DueItem
    from journal.reminders.due import Reminder

__all__ = ["Agenda", "agenda_json", "agenda_text"]


@dataclass
class Agenda:
    """``today`` and the ``days`` shown from it; each list in the order it is shown."""

    today: date
    days: int
    plan: list[Entry] = field(default_factory=list)
    overdue: list[Entry] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    follow_ups: list[Entry] = field(default_factory=list)
    clients_due: list[DueItem] = field(default_factory=list)
    birthdays: list[Upcoming] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.plan or self.overdue or self.reminders or self.follow_ups
                    or self.clients_due or self.birthdays)


_MARK = {"done": "x", "planned": " ", "cancelled": "-"}


def _entry_line(entry: Entry, *, with_date: bool) -> str:
    when = time_span(entry.time, entry.end_time, "-")
    head = f"{entry.date} " if with_date else ""
    mark = "↻ " if "@" in entry.id else ""
    return f"[{_MARK.get(entry.status, ' ')}] {head}{when + ' ' if when else ''}{mark}{entry.event}  ({entry.id})"


def agenda_text(agenda: Agenda) -> str:
    """Plain text, one line per item under a heading per section; empty sections are left out."""
    lines: list[str] = []
    from journal.dates import shifted

    span = agenda.today.isoformat() if agenda.days == 1 else \
        f"{agenda.today.isoformat()} .. {shifted(agenda.today, agenda.days - 1).isoformat()}"
    lines.append(f"Agenda {span}")
    if agenda.reminders:
        lines += ["", "Reminders due"]
        lines += [f"  {r.remind_at.replace('T', ' ')}  {r.event}  ({r.id})" for r in agenda.reminders]
    lines += ["", "Plan" if agenda.days == 1 else "Plan by day"]
    if agenda.plan:
        lines += [f"  {_entry_line(e, with_date=agenda.days > 1)}" for e in agenda.plan]
    else:
        lines.append("  nothing planned")
    if agenda.overdue:
        lines += ["", "Overdue (still planned)"]
        lines += [f"  {_entry_line(e, with_date=True)}" for e in agenda.overdue]
    if agenda.follow_ups:
        lines += ["", "Follow-ups due this week"]
        lines += [f"  {_entry_line(e, with_date=True)}" for e in agenda.follow_ups]
    if agenda.clients_due:
        lines += ["", "Clients due for a visit"]
        for item in agenda.clients_due:
            org = f" ({item.organisation})" if item.organisation and item.kind == "contact" else ""
            when = "never met" if item.last is None else (
                f"{item.days_over} days overdue" if (item.days_over or 0) > 0 else
                "due today" if item.days_over == 0 else f"due in {-(item.days_over or 0)} days")
            lines.append(f"  {item.name}{org}: {when}")
    if agenda.birthdays:
        lines += ["", "Birthdays coming"]
        for b in agenda.birthdays:
            turns = f" (turns {b.turns})" if b.turns else ""
            when = "today" if b.days == 0 else "tomorrow" if b.days == 1 else f"in {b.days} days"
            org = f" ({b.organisation})" if b.organisation else ""
            lines.append(f"  {b.date.isoformat()} {b.name}{org}{turns}: {when}")
    return "\n".join(lines) + "\n"


def _entry_json(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entry.id, "date": entry.date, "time": entry.time,
                           "end_time": entry.end_time, "event": entry.event, "status": entry.status}
    if "@" in entry.id:
        out["series"] = entry.id.split("@")[0]
    if entry.follows_id:
        out["follows"] = entry.follows_id
    return out


def agenda_json(agenda: Agenda) -> dict[str, Any]:
    """The agenda for scripts and status bars: every section, empty ones as []."""
    return {
        "today": agenda.today.isoformat(), "days": agenda.days,
        "reminders": [{"id": r.id, "event": r.event, "date": r.date, "time": r.time,
                       "remind_at": r.remind_at} for r in agenda.reminders],
        "plan": [_entry_json(e) for e in agenda.plan],
        "overdue": [_entry_json(e) for e in agenda.overdue],
        "follow_ups": [_entry_json(e) for e in agenda.follow_ups],
        "clients_due": [{"kind": c.kind, "id": c.id, "name": c.name,
                         "organisation": c.organisation, "state": c.state,
                         "due_on": c.due_on.isoformat() if c.due_on else None,
                         "days_over": c.days_over} for c in agenda.clients_due],
        "birthdays": [{"id": b.id, "name": b.name, "organisation": b.organisation,
                       "date": b.date.isoformat(), "days": b.days, "turns": b.turns}
                      for b in agenda.birthdays],
    }
