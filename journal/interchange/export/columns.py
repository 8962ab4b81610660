"""The columns of the tabular exports (CSV and Excel), shared so both say the same thing.

Entries use the CSV import's columns (``date,time,end_time,event,summary,projects,contacts,
organisations,status,tags``) so a CSV export imports back as it was, then ``expenses``,
``remind_at``, ``recurrence``, ``priority``, ``origin`` (planned ahead) and ``carried_from``, then any other field some entry carries (a field added by a newer
version, or by another machine, is exported rather than silently dropped), then ``id``. Links are
names — ``Name (Organisation)`` when the name alone could be someone else — because that is what
a person reading a spreadsheet, and the CSV import, understand. Bookkeeping (``created_at``,
``updated_at``, merge ``conflicts``, per-field ``edited_at``) is left out: it is not the user's content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from journal.interchange.export.scope import Doc, ExportData

#: Never exported as columns: the document's bookkeeping, or links shown by name instead.
BOOKKEEPING = frozenset({"created_at", "updated_at", "conflicts", "edited_at"})
_ISO_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Column:
    """One column: its CSV name, its spreadsheet heading and how a document gives its value."""

    key: str
    heading: str
    value: Callable[[str, Doc], Any]


def text(value: Any) -> str:
    """A field as the text of one cell: lists joined with ``; `` (how the CSV import splits
    them), numbers and true/false as written, anything structured as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return orjson.dumps(value).decode()


def expenses_text(expenses: list[dict[str, Any]] | None) -> str:
    """``12.5 CNY taxi; 30 CNY lunch`` — readable, and read back by the CSV import. When an
    expense cannot be written so unambiguously (no three-letter currency, a ``;`` in its note)
    the cell holds the JSON list instead, which the import reads too."""
    if not expenses:
        return ""
    plain = all(_ISO_CURRENCY.fullmatch(str(x.get("currency", ""))) and not
                re.search(r"[;；]", str(x.get("note", ""))) and
                isinstance(x.get("amount"), int | float) and not isinstance(x.get("amount"), bool)
                for x in expenses)
    if not plain:
        return orjson.dumps(expenses).decode()
    return "; ".join(" ".join(p for p in (_number(x["amount"]), x["currency"], x.get("note") or "")
                              if p) for x in expenses)


def _number(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _field(name: str) -> Callable[[str, Doc], Any]:
    return lambda _id, doc: doc.get(name)


def _links(data: ExportData, kind: str, link: str) -> Callable[[str, Doc], Any]:
    return lambda _id, doc: data.labels(kind, doc.get(link) or ())


def _organisation(data: ExportData) -> Callable[[str, Doc], Any]:
    def value(_id: str, doc: Doc) -> str:
        org = data.tables.get("organisations", {}).get(doc.get("organisation_id") or "")
        return org["name"] if org else ""
    return value


def _heading(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _extras(docs: Iterable[Doc], known: set[str]) -> list[str]:
    """Fields some document carries beyond the known columns, sorted (a stable layout)."""
    seen: set[str] = set()
    for doc in docs:
        seen.update(doc)
    return sorted(seen - known - BOOKKEEPING)


def _with_extras(columns: list[Column], docs: Mapping[str, Doc], handled: set[str]) -> list[Column]:
    extra = [Column(k, _heading(k), _field(k)) for k in _extras(docs.values(), handled)]
    return [*columns, *extra, Column("id", "Id", lambda doc_id, _doc: doc_id)]


def entry_columns(data: ExportData) -> list[Column]:
    columns = [
        Column("date", "Date", _field("date")),
        Column("time", "Time", _field("time")),
        Column("end_time", "End", _field("end_time")),
        Column("event", "Event", _field("event")),
        Column("summary", "Summary", _field("summary")),
        Column("projects", "Projects", _links(data, "project", "project_ids")),
        Column("contacts", "Contacts", _links(data, "contact", "contact_ids")),
        Column("organisations", "Organisations", _links(data, "organisation", "organisation_ids")),
        Column("status", "Status", lambda _id, doc: doc.get("status", "done")),
        Column("tags", "Tags", _field("tags")),
        Column("expenses", "Expenses", lambda _id, doc: expenses_text(doc.get("expenses"))),
        Column("remind_at", "Remind at", _field("remind_at")),
        Column("recurrence", "Recurrence", _field("recurrence")),
        Column("priority", "Priority", _field("priority")),
        Column("origin", "Origin", _field("origin")),
        Column("carried_from", "Carried from", _field("carried_from")),
    ]
    handled = {c.key for c in columns} | {"project_ids", "contact_ids", "organisation_ids"}
    return _with_extras(columns, data.entries, handled)


def contact_columns(data: ExportData, docs: Mapping[str, Doc]) -> list[Column]:
    columns = [
        Column("name", "Name", _field("name")),
        Column("organisation", "Organisation", _organisation(data)),
        Column("title", "Title", _field("title")),
        Column("phones", "Phones", _field("phones")),
        Column("emails", "E-mails", _field("emails")),
        Column("birthday", "Birthday", _field("birthday")),
        Column("tier", "Tier", _field("tier")),
        Column("cadence_days", "Visit every (days)", _field("cadence_days")),
        Column("tags", "Tags", _field("tags")),
        Column("notes", "Notes", _field("notes")),
    ]
    return _with_extras(columns, docs, {c.key for c in columns} | {"organisation_id"})


def project_columns(data: ExportData, docs: Mapping[str, Doc]) -> list[Column]:
    columns = [
        Column("name", "Name", _field("name")),
        Column("organisation", "Organisation", _organisation(data)),
        Column("status", "Status", lambda _id, doc: doc.get("status", "active")),
        Column("tags", "Tags", _field("tags")),
        Column("notes", "Notes", _field("notes")),
    ]
    return _with_extras(columns, docs, {c.key for c in columns} | {"organisation_id"})


def organisation_columns(data: ExportData, docs: Mapping[str, Doc]) -> list[Column]:
    columns = [
        Column("name", "Name", _field("name")),
        Column("industry", "Industry", _field("industry")),
        Column("address", "Address", _field("address")),
        Column("tags", "Tags", _field("tags")),
        Column("notes", "Notes", _field("notes")),
    ]
    return _with_extras(columns, docs, {c.key for c in columns})


def review_columns(data: ExportData, docs: Mapping[str, Doc]) -> list[Column]:
    """The written reviews: the period (``2026-W47``, ``2026-11``, ``2026-Q4``) and its text."""
    columns = [Column("period", "Period", lambda period, _doc: period),
               Column("text", "Review", _field("text"))]
    return [*columns, *(Column(k, _heading(k), _field(k))
                        for k in _extras(docs.values(), {"text"}))]


def day_columns(data: ExportData, docs: Mapping[str, Doc]) -> list[Column]:
    columns = [Column("date", "Date", lambda day, _doc: day),
               Column("note", "Note", _field("note"))]
    return [*columns, *(Column(k, _heading(k), _field(k))
                        for k in _extras(docs.values(), {"note"}))]
