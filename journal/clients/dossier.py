"""The client file (dossier): everything a colleague taking a client over needs, beyond the raw
documents and history that the hand-over bundle holds.

Built from the bundle of ``journal export`` (the same documents and entries, so the Markdown, the
JSON and a spreadsheet all describe exactly the same client) plus what only the whole journal and
the configuration can say: the client's tier and cadence as they apply (own or inherited), when it
was last and is next met and whether it is overdue, who looks after it and who did before (the
hand-over entries, also those made for its organisation), its open follow-ups (planned entries,
also past ones never marked done), its complaints and their state, and what was spent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from journal.clients.cadence import DueItem, client_standings
from journal.clients.complaints import Complaint, complaint_of
from journal.models import KIND_TABLE

if TYPE_CHECKING:
    from journal.clients.usecases import ClientUseCases as Journal  # what a dossier reads of it


@dataclass
class OwnerChange:
    """One hand-over: on ``date`` ``by`` handed the client over to ``to`` (``witness`` watching)."""

    date: str
    by: str
    to: str
    witness: str
    entry_id: str
    client: str  # the name the hand-over entry was made for (the organisation, for a contact)


@dataclass
class Expense:
    entry_id: str
    date: str
    event: str
    amount: int | float
    currency: str
    note: str


@dataclass
class Dossier:
    """The facts of a client file on ``today`` (see the module docstring)."""

    today: date
    kind: str
    id: str
    owner: str
    standing: DueItem
    members: dict[str, DueItem] = field(default_factory=dict)  # contact id -> standing
    owners: list[OwnerChange] = field(default_factory=list)  # oldest first
    planned: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # soonest first
    complaints: list[Complaint] = field(default_factory=list)  # newest first
    expenses: list[Expense] = field(default_factory=list)  # newest first
    totals: dict[str, int | float] = field(default_factory=dict)  # currency -> done spending


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _handovers(journal: Journal, kind: str, doc_id: str,
               subject: Mapping[str, Any]) -> list[OwnerChange]:
    targets = [(kind, doc_id)]
    if kind == "contact" and subject.get("organisation_id"):
        targets.append(("organisation", subject["organisation_id"]))
    out: dict[str, OwnerChange] = {}
    view = journal.view
    for target_kind, target_id in targets:
        name = str(view.get(KIND_TABLE[target_kind], {}).get(target_id, {}).get("name", ""))
        for entry_id, doc in journal.linked_entry_docs(target_kind, target_id).items():
            if doc.get("handover_to") and doc.get("status", "done") == "done":
                out.setdefault(entry_id, OwnerChange(
                    doc["date"], str(doc.get("handover_from", "")), doc["handover_to"],
                    str(doc.get("handover_witness", "")), entry_id, name))
    return sorted(out.values(), key=lambda c: (c.date, c.entry_id))


def build_dossier(journal: Journal, bundle: Mapping[str, Any], today: date) -> Dossier:
    """The dossier of the bundle's subject (``bundle`` from
    :func:`journal.interchange.bundle.build_bundle`)."""
    subject = bundle["subject"]
    kind, doc_id = subject["kind"], subject["id"]
    view = journal.view
    doc = view[KIND_TABLE[kind]][doc_id]
    tiers = journal.config.tiers
    times = journal.client_times(today)
    if kind == "project":
        from journal.clients.cadence import Rhythm, standing

        own = standing("contact", doc_id, doc, "", Rhythm(), times, today)  # no rhythm
        members: dict[str, DueItem] = {}
    else:
        standings = {d.id: d for d in client_standings(view, tiers, times, today, kind)}
        own = standings[doc_id]
        members = {}
        if kind == "organisation":
            members = {d.id: d for d in client_standings(view, tiers, times, today, "contact")
                       if d.id in bundle["contacts"]}
    entries: Mapping[str, dict[str, Any]] = bundle["entries"]
    planned = sorted(((i, d) for i, d in entries.items() if d.get("status") == "planned"),
                     key=lambda item: (item[1]["date"], item[1].get("time") or "", item[0]))
    complaints = sorted((complaint_of(view, i, d, today) for i, d in entries.items()
                         if d.get("complaint")), key=lambda c: (c.date, c.id), reverse=True)
    expenses: list[Expense] = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry_id, entry in entries.items():
        if entry.get("status", "done") != "done":
            continue
        for item in entry.get("expenses") or ():
            currency = str(item.get("currency") or "").strip().upper()
            expenses.append(Expense(entry_id, entry["date"], str(entry.get("event", "")),
                                    item.get("amount", 0), currency, str(item.get("note", ""))))
            try:
                amount = Decimal(str(item.get("amount")))
            except (InvalidOperation, ValueError):
                continue
            if amount.is_finite():
                totals[currency or "?"] += amount
    expenses.sort(key=lambda e: (e.date, e.entry_id), reverse=True)
    owner = journal.owner_of(doc) if kind != "project" else ""
    return Dossier(today, kind, doc_id, owner, own, members,
                   _handovers(journal, kind, doc_id, doc) if kind != "project" else [],
                   planned, complaints, expenses,
                   {c: _number(v) for c, v in sorted(totals.items())})
