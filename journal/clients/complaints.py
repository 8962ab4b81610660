"""Complaints tracked to their end: which are open, how long they took, per client.

A complaint is an entry with ``complaint`` set; it is open until it has a ``resolved_on`` date
(with a ``resolution`` saying how). Days to resolve count from the entry's date to the resolved date.
A complaint belongs to every organisation it concerns (linked directly or through a contact or
project, as in search and the reports); one without an organisation to its contacts; one with
neither to "(no client)".
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from journal.models import entry_organisations

Tables = Mapping[str, Mapping[str, dict[str, Any]]]
NO_CLIENT = "(no client)"


@dataclass
class Complaint:
    """One complaint as listed. ``days`` is the days it took, or has been open so far."""

    id: str
    date: date
    event: str
    summary: str
    clients: list[str]
    organisation_ids: list[str]
    resolved_on: date | None
    resolution: str
    days: int

    @property
    def open(self) -> bool:
        return self.resolved_on is None

    @property
    def state(self) -> str:
        return "open" if self.open else "resolved"


@dataclass
class ClientComplaints:
    """The complaints of one client in a period: how many, how many still open, and the median
    number of days the resolved ones took (None when none is resolved)."""

    name: str
    count: int = 0
    open: int = 0
    median_days: float | None = None
    resolved_days: list[int] = field(default_factory=list, repr=False)


@dataclass
class ComplaintSummary:
    total: int
    open: int
    median_days: float | None
    by_client: list[ClientComplaints]


def _clients(tables: Tables, doc: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    contacts = tables.get("contacts") or {}
    projects = tables.get("projects") or {}
    orgs = tables.get("organisations") or {}
    org_ids = entry_organisations(doc, contacts, projects)
    if org_ids:
        return [str(orgs.get(o, {}).get("name", f"?{o}")) for o in org_ids], org_ids
    names = [str(contacts.get(c, {}).get("name", f"?{c}")) for c in doc.get("contact_ids") or ()]
    return names or [NO_CLIENT], []


def complaint_of(tables: Tables, entry_id: str, doc: Mapping[str, Any], today: date) -> Complaint:
    day = date.fromisoformat(doc["date"])
    resolved = doc.get("resolved_on")
    resolved_on = date.fromisoformat(resolved) if isinstance(resolved, str) and resolved else None
    clients, org_ids = _clients(tables, doc)
    end = resolved_on or today
    return Complaint(entry_id, day, str(doc.get("event", "")), str(doc.get("summary", "")),
                     clients, org_ids, resolved_on, str(doc.get("resolution", "")),
                     max(0, (end - day).days))


def complaints(tables: Tables, today: date, *, open_only: bool = False,
               organisation: str | None = None, start: date | None = None,
               end: date | None = None) -> list[Complaint]:
    """Complaints (of one organisation, in a period, only open ones), newest first."""
    out = []
    for entry_id, doc in (tables.get("entries") or {}).items():
        if not doc.get("complaint"):
            continue
        item = complaint_of(tables, entry_id, doc, today)
        if open_only and not item.open:
            continue
        if organisation is not None and organisation not in item.organisation_ids:
            continue
        if (start is not None and item.date < start) or (end is not None and item.date > end):
            continue
        out.append(item)
    out.sort(key=lambda c: (c.date, c.id), reverse=True)
    return out


def _median(days: list[int]) -> float | None:
    return float(statistics.median(days)) if days else None


def summarise(items: list[Complaint]) -> ComplaintSummary:
    """Totals and per-client figures; clients with the most complaints first."""
    by_client: dict[str, ClientComplaints] = {}
    resolved: list[int] = []
    for item in items:
        if not item.open:
            resolved.append(item.days)
        for name in item.clients:
            group = by_client.setdefault(name, ClientComplaints(name))
            group.count += 1
            if item.open:
                group.open += 1
            else:
                group.resolved_days.append(item.days)
    for group in by_client.values():
        group.median_days = _median(group.resolved_days)
    ranked = sorted(by_client.values(), key=lambda g: (g.name == NO_CLIENT, -g.count, -g.open,
                                                        g.name))
    return ComplaintSummary(len(items), sum(1 for i in items if i.open), _median(resolved), ranked)
