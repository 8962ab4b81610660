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


_TYPE_OF_KIND = {STR: str, INT: int, NUM: float, STRLIST: list, DICTLIST: list}
#: per table: field -> (container type, element type or None); built once from FIELDS.
_SPECS = {
    table: {name: (_TYPE_OF_KIND[kind], str if kind == STRLIST else dict if kind == DICTLIST
                   else None)
            for name, kind in {**spec, **COMMON}.items()}
    for table, spec in FIELDS.items()
}


def _type_problem(table: str, doc_id: str, doc: dict[str, Any]) -> str | None:
    """The first field of ``doc`` whose type is wrong. Written as a tight loop over exact types
    (``type(v) is str``) because it runs for every document on every load."""
    spec = _SPECS[table]
    for name, value in doc.items():
        expected = spec.get(name)
        if expected is None or value is None:
            continue
        container, element = expected
        kind = type(value)
        if kind is not container:
            if container is float and kind is int:
                continue
            return f"{table} {doc_id}: field {name!r} has the wrong type ({kind.__name__})"
        if element is not None:
            for item in value:
                if type(item) is not element:
                    return (f"{table} {doc_id}: field {name!r} holds a {type(item).__name__}, "
                            f"expected {element.__name__}")
    return None


def _check_doc(table: str, doc_id: str, doc: Any) -> str | None:
    if type(doc) is not dict:
        return f"{table} {doc_id!r}: expected an object, found {type(doc).__name__}"
    for name in REQUIRED[table]:
        if doc.get(name) is None:  # null is as missing: readers index required fields directly
            return f"{table} {doc_id}: missing field {name!r}"
    problem = _type_problem(table, doc_id, doc)
    if problem:
        return problem
    if table == "entries":
        day = doc["date"]
        if len(day) != 10 or not _valid_day(day):
            return f"entries {doc_id}: invalid date {day[:20]!r}"
        for name in ("time", "end_time"):
            if doc.get(name) and not _TIME_RE.match(doc[name]):
                return f"entries {doc_id}: invalid {name} {doc[name][:20]!r}"
        if doc["status"] not in ENTRY_STATUSES:
            return f"entries {doc_id}: invalid status {doc['status'][:20]!r}"
    elif table == "days" and not _valid_day(doc_id):
        return f"days: key {doc_id[:20]!r} is not a date"
    return None


_valid_days: set[str] = set()


def _valid_day(text: str) -> bool:
    """date.fromisoformat, memoised: a journal has a few thousand distinct days, not 100k."""
    if text in _valid_days:
        return True
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    if len(text) == 10:
        _valid_days.add(text)
    return len(text) == 10


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
    id_ok = _ID_RE.match
    for table in FIELDS:
        check_ids = table != "days"
        for doc_id, doc in data.get(table, {}).items():
            if check_ids and (len(doc_id) != 26 or not id_ok(doc_id)):
                return f"{table}: {doc_id[:30]!r} is not a valid id"
            problem = _check_doc(table, doc_id, doc)
            if problem:
                return problem
    return None
