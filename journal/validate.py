"""Fast structural validation of a whole loaded file.

Every command loads the file, so this must be cheap (a type check per field, no model objects):
it guarantees that code reading documents never meets a wrong type, and that a file of the wrong
shape or from a newer program is refused before anything is written. ``journal doctor`` goes further
(full model validation and dangling links) in :mod:`journal.doctor`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_ID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

STR, INT, NUM, STRLIST, DICTLIST = "text", "whole number", "number", "list of text", "list of objects"

#: field -> expected kind, per table; fields marked required must be present.
FIELDS: dict[str, dict[str, str]] = {
    "entries": {"date": STR, "time": STR, "end_time": STR, "event": STR, "summary": STR,
                "project_ids": STRLIST, "contact_ids": STRLIST, "organisation_ids": STRLIST,
                "tags": STRLIST, "status": STR, "expenses": DICTLIST, "remind_at": STR,
                "recurrence": STR},
    "contacts": {"name": STR, "organisation_id": STR, "title": STR, "phones": STRLIST,
                 "emails": STRLIST, "birthday": STR, "tier": STR, "cadence_days": INT,
                 "notes": STR, "tags": STRLIST},
    "projects": {"name": STR, "organisation_id": STR, "status": STR, "notes": STR, "tags": STRLIST},
    "organisations": {"name": STR, "industry": STR, "address": STR, "notes": STR, "tags": STRLIST},
    "days": {"note": STR},
}
COMMON = {"created_at": STR, "updated_at": STR, "conflicts": DICTLIST}
REQUIRED = {"entries": ("date", "event", "status"), "contacts": ("name",), "projects": ("name",),
            "organisations": ("name",), "days": ()}
ENTRY_STATUSES = frozenset(("done", "planned", "cancelled"))


def _kind_ok(value: Any, kind: str) -> bool:
    if kind == STR:
        return isinstance(value, str)
    if kind == STRLIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUM:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _check_doc(table: str, doc_id: str, doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return f"{table} {doc_id!r}: expected an object, found {type(doc).__name__}"
    spec = FIELDS[table]
    for name in REQUIRED[table]:
        if name not in doc:
            return f"{table} {doc_id}: missing field {name!r}"
    for name, value in doc.items():
        kind = spec.get(name) or COMMON.get(name)
        if kind is not None and value is not None and not _kind_ok(value, kind):
            return f"{table} {doc_id}: field {name!r} must be {kind}, found {type(value).__name__}"
    if table == "entries":
        try:
            date.fromisoformat(doc["date"])
        except ValueError:
            return f"entries {doc_id}: invalid date {doc['date'][:20]!r}"
        for name in ("time", "end_time"):
            if doc.get(name) and not _TIME_RE.match(doc[name]):
                return f"entries {doc_id}: invalid {name} {doc[name][:20]!r}"
        if doc["status"] not in ENTRY_STATUSES:
            return f"entries {doc_id}: invalid status {doc['status'][:20]!r}"
    elif table == "days":
        try:
            date.fromisoformat(doc_id)
        except ValueError:
            return f"days: key {doc_id[:20]!r} is not a date"
    return None


def check_tables(data: Any, schema_version: int) -> str | None:
    """Return why ``data`` is not a journal this program can safely read and write, or None."""
    if not isinstance(data, dict):
        return f"not a journal file (the top level is {type(data).__name__}, expected an object)"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table {name!r} must be an object of documents, found {type(table).__name__}"
    meta = data.get("meta", {}).get("schema")
    if meta is not None:
        version = meta.get("schema_version") if isinstance(meta, dict) else None
        if not isinstance(version, int) or isinstance(version, bool):
            return "meta.schema.schema_version is missing or not a number"
        if version > schema_version:
            return (f"written by a newer journal (schema {version}; this program knows "
                    f"{schema_version}): upgrade journal to open it")
    for table in FIELDS:
        for doc_id, doc in data.get(table, {}).items():
            if table != "days" and not _ID_RE.match(doc_id):
                return f"{table}: {doc_id[:30]!r} is not a valid id"
            problem = _check_doc(table, doc_id, doc)
            if problem:
                return problem
    return None
