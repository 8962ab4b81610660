"""Fast structural validation of a whole loaded file.

Every command loads the file, so this must be cheap (a type check per field, no model objects):
it guarantees that code reading documents never meets a wrong type, and that a file of the wrong
shape or from a newer program is refused before anything is written. ``journal doctor`` goes further
(full model validation and dangling links) in :mod:`journal.doctor`.

Two implementations of one rule: :func:`_table_ok` answers only "is this table good?" in one tight
pass per table, and only when it says no does the straightforward per-document check
(:func:`_table_problem`) run to find the first problem and word it. A file changed by git or another
program is checked in full on open, so the tight pass is what the app's start pays (about half the
per-document check's cost; bench/bench_tui.py). Both accept exactly the same
tables; tests/test_validate.py checks that on random and hostile documents.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_ID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z")  # ASCII digits, no "\n" after
#: review ids: 2026-W47, 2026-11, 2026-Q4 (models.check_review_id checks that the week exists)
_PERIOD_RE = re.compile(r"[0-9]{4}-(?:W(?:0[1-9]|[1-4][0-9]|5[0-3])|0[1-9]|1[0-2]|Q[1-4])\Z")

STR, INT, NUM, STRLIST, DICTLIST = "text", "whole number", "number", "list of text", "list of objects"
BOOL = "true or false"
STRMAP = "object of text"
OBJMAP = "object of objects"

#: field -> expected kind, per table; fields marked required must be present.
FIELDS: dict[str, dict[str, str]] = {
    "entries": {"date": STR, "time": STR, "end_time": STR, "event": STR, "summary": STR,
                "project_ids": STRLIST, "contact_ids": STRLIST, "organisation_ids": STRLIST,
                "tags": STRLIST, "status": STR, "expenses": DICTLIST, "remind_at": STR,
                "recurrence": STR, "reminded": STR, "exceptions": OBJMAP, "follows_id": STR,
                "complaint": BOOL, "resolution": STR, "resolved_on": STR,
                "handover_from": STR, "handover_to": STR, "handover_witness": STR,
                "priority": STR, "origin": STR, "carried_from": STRLIST},
    "contacts": {"name": STR, "organisation_id": STR, "title": STR, "phones": STRLIST,
                 "emails": STRLIST, "birthday": STR, "tier": STR, "cadence_days": INT,
                 "notes": STR, "tags": STRLIST, "owner": STR},
    "projects": {"name": STR, "organisation_id": STR, "status": STR, "notes": STR, "tags": STRLIST},
    "organisations": {"name": STR, "industry": STR, "address": STR, "notes": STR, "tags": STRLIST,
                      "tier": STR, "cadence_days": INT, "owner": STR},
    "days": {"note": STR},
    "merged": {"kind": STR, "into": STR, "name": STR},
    "reviews": {"text": STR},
}
COMMON = {"created_at": STR, "updated_at": STR, "conflicts": DICTLIST, "edited_at": STRMAP}
REQUIRED = {"entries": ("date", "event", "status"), "contacts": ("name",), "projects": ("name",),
            "organisations": ("name",), "days": (), "merged": ("kind", "into"), "reviews": ()}
ENTRY_STATUSES = frozenset(("done", "planned", "cancelled"))
#: stored values of the optional entry fields (normal priority and an unplanned origin are
#: stored as nothing)
PRIORITIES = frozenset(("high", "low"))
ORIGINS = frozenset(("planned",))
_MARKS = frozenset({"p" + p for p in PRIORITIES} | {"o" + o for o in ORIGINS})
#: tables keyed by something other than a ULID: a day, a review period
_KEYED_BY = {"days": "a date", "reviews": "a period (2026-W47, 2026-11, 2026-Q4)"}


_TYPE_OF_KIND = {STR: str, INT: int, NUM: float, STRLIST: list, DICTLIST: list, BOOL: bool,
                 STRMAP: dict, OBJMAP: dict}
#: dict fields whose values are objects (a series' exceptions), not text (edited_at)
_OBJECT_MAPS = frozenset({"exceptions"})
#: per table: field -> (container type, element type or None); built once from FIELDS.
_SPECS = {
    table: {name: (_TYPE_OF_KIND[kind], str if kind == STRLIST else dict if kind == DICTLIST
                   else None)
            for name, kind in {**spec, **COMMON}.items()}
    for table, spec in FIELDS.items()
}


def _expense_problem(item: dict[str, Any]) -> str | None:
    """What readers need of one expense: a number to add up, and text (if anything) beside it."""
    amount = item.get("amount")
    kind = type(amount)
    if kind is not int and kind is not float:
        return f"an expense's amount is {_kind_name(amount)}, expected a number"
    for name in ("currency", "note"):
        value = item.get(name)
        if value is not None and type(value) is not str:
            return f"an expense's {name} is {_kind_name(value)}, expected text"
    return None


def _conflict_problem(item: dict[str, Any]) -> str | None:
    """A recorded merge conflict must at least name its field (the app lists them by field)."""
    if type(item.get("field")) is not str:
        return f"a conflict record's field is {_kind_name(item.get('field'))}, expected text"
    return None


def _kind_name(value: Any) -> str:
    return "missing" if value is None else f"a {type(value).__name__}"


#: Objects inside list fields that readers take apart: what each must hold.
_ELEMENT_PROBLEM = {"expenses": _expense_problem, "conflicts": _conflict_problem}


def _type_problem(table: str, doc_id: str, doc: dict[str, Any]) -> str | None:
    """The first field of ``doc`` whose type is wrong. Written as a tight loop over exact types
    (``type(v) is str``) because it runs for every document on every load.

    ``null`` stands for "not set" in a text or number field, but not in a list field: readers
    iterate those, and this program never writes a null there (empty lists are left out)."""
    spec = _SPECS[table]
    for name, value in doc.items():
        expected = spec.get(name)
        if expected is None:
            continue
        if value is None:
            if expected[1] is None:
                continue
            return f"{table} {doc_id}: field {name!r} is null, expected a list (or no field)"
        container, element = expected
        kind = type(value)
        if kind is not container:
            if container is float and kind is int:
                continue
            return f"{table} {doc_id}: field {name!r} has the wrong type ({kind.__name__})"
        if container is dict and name in _OBJECT_MAPS:  # exceptions: day -> {field: value}
            for item in value.values():
                if type(item) is not dict:
                    return (f"{table} {doc_id}: field {name!r} holds a {type(item).__name__}, "
                            "expected an object")
        elif container is dict:  # edited_at: field -> timestamp
            for item in value.values():
                if type(item) is not str:
                    return (f"{table} {doc_id}: field {name!r} holds a {type(item).__name__}, "
                            "expected str")
        if element is not None:
            for item in value:
                if type(item) is not element:
                    return (f"{table} {doc_id}: field {name!r} holds a {type(item).__name__}, "
                            f"expected {element.__name__}")
            check = _ELEMENT_PROBLEM.get(name)
            for item in value if check else ():
                problem = check(item)
                if problem:
                    return f"{table} {doc_id}: field {name!r}: {problem}"
    return None


def _check_doc(table: str, doc_id: str, doc: Any) -> str | None:
    if type(doc) is not dict:
        return f"{table} {doc_id!r}: expected an object, found {type(doc).__name__}"
    for name in REQUIRED[table]:
        value = doc.get(name)
        if value is None:  # null is as missing: readers index required fields directly
            return f"{table} {doc_id}: missing field {name!r}"
        if value == "":  # as missing too: lean documents drop "" (a name exported would vanish)
            return f"{table} {doc_id}: field {name!r} is empty"
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
        if doc.get("priority") and doc["priority"] not in PRIORITIES:
            return f"entries {doc_id}: invalid priority {doc['priority'][:20]!r}"
        if doc.get("origin") and doc["origin"] not in ORIGINS:
            return f"entries {doc_id}: invalid origin {doc['origin'][:20]!r}"
        for day in doc.get("carried_from") or ():
            if len(day) != 10 or not _valid_day(day):
                return f"entries {doc_id}: invalid carried_from date {day[:20]!r}"
    elif table in _KEYED_BY and not _valid_key(table, doc_id):
        return f"{table}: key {doc_id[:20]!r} is not {_KEYED_BY[table]}"
    return None


def _valid_key(table: str, key: str) -> bool:
    return _valid_day(key) if table == "days" else bool(_PERIOD_RE.match(key))


_valid_days: set[str] = set()


def _valid_day(text: str) -> bool:
    """date.fromisoformat, memoised: a journal has a few thousand distinct days, not 100k."""
    if text in _valid_days:
        return True
    try:  # Python 3.11 also reads "2026-W47-5" and "20261123": only YYYY-MM-DD compares as text
        valid = date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False
    if valid:
        _valid_days.add(text)
    return valid


def _check_shape(data: Any, schema_version: int) -> str | None:
    """The top level: an object of objects, and a schema this program knows."""
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
    return None


def _table_problem(table: str, docs: dict[str, Any]) -> str | None:
    """The first problem in one table, worded for the user: the reference check, one document at a
    time (run only on tables :func:`_table_ok` found bad, and by the tests)."""
    id_ok = _ID_RE.match
    check_ids = table not in _KEYED_BY
    for doc_id, doc in docs.items():
        if check_ids and (len(doc_id) != 26 or not id_ok(doc_id)):
            return f"{table}: {doc_id[:30]!r} is not a valid id"
        problem = _check_doc(table, doc_id, doc)
        if problem:
            return problem
    return None


def check_tables(data: Any, schema_version: int) -> str | None:
    """Return why ``data`` is not a journal this program can safely read and write, or None."""
    problem = _check_shape(data, schema_version)
    if problem:
        return problem
    for table in FIELDS:
        docs = data.get(table)
        if docs and not _table_ok(table, docs):
            problem = _table_problem(table, docs)
            if problem:
                return problem
    return None


def check_tables_reference(data: Any, schema_version: int) -> str | None:
    """:func:`check_tables` without the fast pass (what the tests compare it with)."""
    problem = _check_shape(data, schema_version)
    if problem:
        return problem
    for table in FIELDS:
        problem = _table_problem(table, data.get(table, {}))
        if problem:
            return problem
    return None


# -- the fast pass ------------------------------------------------------------------------------
# Checking a 100k-entry table is touching a million values scattered over 50 MB: the cost is one
# visit per value, so everything is decided in a single pass over the documents, with no function
# call per document or field. Per-value facts with few distinct values (dates, times, statuses) are
# collected into sets during the pass and checked once per distinct value afterwards.

_NONE = type(None)
_ID_CHARS = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: what _ID_RE allows
#: per table: the fields whose values must not be text, and the list fields' element types
_NOT_TEXT = {table: frozenset(name for name, (container, _) in spec.items() if container is not str)
             for table, spec in _SPECS.items()}
_LIST_OF = {table: {name: element for name, (_, element) in spec.items() if element is not None}
            for table, spec in _SPECS.items()}


def _ids_ok(ids: Any) -> bool:
    """Every key is a valid id (as _ID_RE) — checked all at once in C: join the keys, each
    followed by a newline; the text must be 27 characters per key, a newline every 27th, and
    nothing but id characters besides. (The newlines make each key's length count: a key holding
    a newline of its own cannot pass for two good ones.)"""
    count = len(ids)
    if not count:
        return True
    text = "\n".join(ids) + "\n"
    if len(text) != 27 * count or not text.isascii():
        return False
    raw = text.encode("ascii")
    newlines = b"\n" * count
    return raw[26::27] == newlines and raw.translate(None, _ID_CHARS) == newlines


def _table_ok(table: str, docs: dict[str, Any]) -> bool:
    """Whether :func:`_table_problem` would find nothing in ``docs`` (it is then not run)."""
    try:
        if table in _KEYED_BY:
            if not all(_valid_key(table, key) for key in docs):
                return False
        elif not _ids_ok(docs):
            return False
        return _docs_ok(table, docs.values())
    except (LookupError, TypeError, ValueError, AttributeError):
        return False  # something unexpected (not JSON data?): the reference check words it


def _docs_ok(table: str, docs: Any) -> bool:
    """The documents of one table, in one pass. For the entries, the bulk of a journal, the
    dates, times and statuses are collected on the way and checked once per distinct value."""
    spec = _SPECS[table]
    not_text, list_of, required = _NOT_TEXT[table], _LIST_OF[table], REQUIRED[table]
    entries = table == "entries"
    days: set[str] = set()
    times: set[str] = set()
    statuses: set[str] = set()
    marks: set[str] = set()  # priorities and origins, both rare; checked once per value below
    add_day, add_time, add_status, add_mark = days.add, times.add, statuses.add, marks.add
    for doc in docs:
        if type(doc) is not dict:
            return False
        for name, value in doc.items():
            kind = type(value)
            if kind is str:
                if name in not_text or not value and name in required:
                    return False
            elif kind is list:
                element = list_of.get(name)
                if element is None:
                    if name in spec:
                        return False
                else:
                    for item in value:
                        if type(item) is not element:
                            return False
                    if value and name in _ELEMENT_PROBLEM:
                        check = _ELEMENT_PROBLEM[name]
                        if any(map(check, value)):
                            return False
            elif kind is _NONE:
                if name in required or name in list_of:  # null is as missing; lists never null
                    return False
            elif name in spec:
                container = spec[name][0]
                if kind is not container and (container is not float or kind is not int):
                    return False
                if kind is dict and not all(type(v) is (dict if name in _OBJECT_MAPS else str)
                                            for v in value.values()):
                    return False
        for name in required:
            if name not in doc:
                return False
        if entries:  # the loop above made every value below text (or left it out)
            add_day(doc["date"])
            add_status(doc["status"])
            if "time" in doc:
                add_time(doc["time"])
            if "end_time" in doc:
                add_time(doc["end_time"])
            if "priority" in doc and doc["priority"]:  # null and "" are as missing
                add_mark("p" + doc["priority"])
            if "origin" in doc and doc["origin"]:
                add_mark("o" + doc["origin"])
            if "carried_from" in doc and doc["carried_from"]:
                for day in doc["carried_from"]:
                    add_day(day)
    if not entries:
        return True
    if not statuses <= ENTRY_STATUSES:
        return False
    if not marks <= _MARKS:  # (an empty value was left out above)
        return False
    for day in days:
        if len(day) != 10 or not _valid_day(day):
            return False
    return all(not value or _TIME_RE.match(value) for value in times)
