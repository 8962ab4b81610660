"""journal.datafile.validate: the whole-file check run on every file this program did not write itself.

``check_tables`` answers "good?" with a fast single pass per table and words the first problem with
the straightforward per-document check (``check_tables_reference``). The two must agree on every
input: same verdict, same message. Checked here on each kind of bad document, on a bad document
hidden deep in a big table, and on random and hostile documents (hypothesis).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.datafile import validate
from journal.datafile.validate import check_tables, check_tables_reference
from journal.models import SCHEMA_VERSION

ENTRY = "01KQ8E7V3Y6Q9R5T2W4X6Z8A0B"
CONTACT = "01KQ8E7V3Y6Q9R5T2W4X6Z8A0C"
PROJECT = "01KQ8E7V3Y6Q9R5T2W4X6Z8A0D"
ORG = "01KQ8E7V3Y6Q9R5T2W4X6Z8A0E"
GONE = "01KQ8E7V3Y6Q9R5T2W4X6Z8A0F"
T = "2026-11-20T09:00:00.000000Z"


def _good() -> dict[str, Any]:
    return {
        "contacts": {CONTACT: {"name": "张伟", "organisation_id": ORG, "phones": ["+86 139"],
                               "cadence_days": 14, "created_at": T, "updated_at": T}},
        "days": {"2026-11-20": {"note": "WFH", "created_at": T, "updated_at": T}},
        "entries": {ENTRY: {"date": "2026-11-20", "time": "09:30", "end_time": "10:00",
                            "event": "Visit", "status": "done", "summary": "",
                            "contact_ids": [CONTACT], "project_ids": [PROJECT], "tags": ["vip"],
                            "expenses": [{"amount": 12.5}], "complaint": True,
                            "resolved_on": "2026-11-21", "priority": "high",
                            "origin": "planned", "carried_from": ["2026-11-19"],
                            "created_at": T, "updated_at": T}},
        "merged": {GONE: {"kind": "contact", "into": CONTACT, "name": "张 伟", "created_at": T,
                          "updated_at": T}},
        "meta": {"schema": {"schema_version": SCHEMA_VERSION}},
        "organisations": {ORG: {"name": "ACME", "tags": [], "tier": "VIP", "cadence_days": 7,
                                "created_at": T, "updated_at": T}},
        "projects": {PROJECT: {"name": "Loan", "status": "active", "created_at": T,
                               "updated_at": T}},
        "reviews": {"2026-W47": {"text": "## 本周工作\n拜访 3 家", "created_at": T,
                                 "updated_at": T}},
    }


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data = _good()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def _without(path: tuple[str, ...]) -> dict[str, Any]:
    data = _good()
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


def _renamed(table: str, old: str, new: str) -> dict[str, Any]:
    data = _good()
    data[table][new] = data[table].pop(old)
    return data


#: Each kind of bad document and the message it must be refused with.
BAD: dict[str, tuple[Any, str]] = {
    "top-level list": ([], "not a journal file (the top level is list, expected an object)"),
    "table a list": (_with(("entries",), []),
                     "table 'entries' must be an object of documents, found list"),
    "schema version text": (_with(("meta", "schema", "schema_version"), "1"),
                            "meta.schema.schema_version is missing or not a number"),
    "schema version bool": (_with(("meta", "schema", "schema_version"), True),
                            "meta.schema.schema_version is missing or not a number"),
    "newer schema": (_with(("meta", "schema", "schema_version"), 99),
                     "written by a newer journal (schema 99; this program knows "
                     f"{SCHEMA_VERSION}): upgrade journal to open it"),
    "short id": (_renamed("entries", ENTRY, "01KQ8E"), "entries: '01KQ8E' is not a valid id"),
    "lower-case id": (_renamed("contacts", CONTACT, CONTACT.lower()),
                      f"contacts: {CONTACT.lower()!r} is not a valid id"),
    "id with a letter Crockford leaves out": (_renamed("projects", PROJECT, "U" + PROJECT[1:]),
                                              f"projects: {'U' + PROJECT[1:]!r} is not a valid id"),
    "id of two ids joined by a newline": (
        _renamed("entries", ENTRY, ENTRY + "\n" + CONTACT),
        f"entries: {(ENTRY + chr(10) + CONTACT)[:30]!r} is not a valid id"),
    "id with a trailing newline": (_renamed("entries", ENTRY, ENTRY[:25] + "\n"),
                                   f"entries: {ENTRY[:25] + chr(10)!r} is not a valid id"),
    "document a list": (_with(("entries", ENTRY), ["Visit"]),
                        f"entries {ENTRY!r}: expected an object, found list"),
    "document null": (_with(("organisations", ORG), None),
                      f"organisations {ORG!r}: expected an object, found NoneType"),
    "date missing": (_without(("entries", ENTRY, "date")), f"entries {ENTRY}: missing field 'date'"),
    "date null": (_with(("entries", ENTRY, "date"), None), f"entries {ENTRY}: missing field 'date'"),
    "event missing": (_without(("entries", ENTRY, "event")),
                      f"entries {ENTRY}: missing field 'event'"),
    "event null": (_with(("entries", ENTRY, "event"), None),
                   f"entries {ENTRY}: missing field 'event'"),
    "project name null": (_with(("projects", PROJECT, "name"), None),
                          f"projects {PROJECT}: missing field 'name'"),
    "status null": (_with(("entries", ENTRY, "status"), None),
                    f"entries {ENTRY}: missing field 'status'"),
    "contact name missing": (_without(("contacts", CONTACT, "name")),
                             f"contacts {CONTACT}: missing field 'name'"),
    "links null": (_with(("entries", ENTRY, "contact_ids"), None),
                   f"entries {ENTRY}: field 'contact_ids' is null, expected a list (or no field)"),
    "tags null": (_with(("organisations", ORG, "tags"), None),
                  f"organisations {ORG}: field 'tags' is null, expected a list (or no field)"),
    "expenses null": (_with(("entries", ENTRY, "expenses"), None),
                      f"entries {ENTRY}: field 'expenses' is null, expected a list (or no field)"),
    "expense empty": (_with(("entries", ENTRY, "expenses"), [{}]),
                      f"entries {ENTRY}: field 'expenses': an expense's amount is missing, "
                      "expected a number"),
    "expense amount text": (_with(("entries", ENTRY, "expenses"), [{"amount": "12"}]),
                            f"entries {ENTRY}: field 'expenses': an expense's amount is a str, "
                            "expected a number"),
    "expense amount a bool": (_with(("entries", ENTRY, "expenses"), [{"amount": True}]),
                              f"entries {ENTRY}: field 'expenses': an expense's amount is a bool, "
                              "expected a number"),
    "expense currency a number": (
        _with(("entries", ENTRY, "expenses"), [{"amount": 1}, {"amount": 2, "currency": 5}]),
        f"entries {ENTRY}: field 'expenses': an expense's currency is a int, expected text"),
    "conflict without field": (_with(("contacts", CONTACT, "conflicts"), [{"value": "x"}]),
                               f"contacts {CONTACT}: field 'conflicts': a conflict record's field "
                               "is missing, expected text"),
    "contact name empty": (_with(("contacts", CONTACT, "name"), ""),
                           f"contacts {CONTACT}: field 'name' is empty"),
    "event empty": (_with(("entries", ENTRY, "event"), ""), f"entries {ENTRY}: field 'event' is empty"),
    "edited_at a list": (_with(("entries", ENTRY, "edited_at"), ["summary"]),
                         f"entries {ENTRY}: field 'edited_at' has the wrong type (list)"),
    "edited_at a number inside": (_with(("contacts", CONTACT, "edited_at"), {"name": 5}),
                                  f"contacts {CONTACT}: field 'edited_at' holds a int, expected str"),
    "event a number": (_with(("entries", ENTRY, "event"), 5),
                       f"entries {ENTRY}: field 'event' has the wrong type (int)"),
    "links a string": (_with(("entries", ENTRY, "contact_ids"), CONTACT),
                       f"entries {ENTRY}: field 'contact_ids' has the wrong type (str)"),
    "tags not text": (_with(("entries", ENTRY, "tags"), ["vip", 2]),
                      f"entries {ENTRY}: field 'tags' holds a int, expected str"),
    "expenses not objects": (_with(("entries", ENTRY, "expenses"), [12.5]),
                             f"entries {ENTRY}: field 'expenses' holds a float, expected dict"),
    "conflicts not objects": (_with(("projects", PROJECT, "conflicts"), ["x"]),
                              f"projects {PROJECT}: field 'conflicts' holds a str, expected dict"),
    "created_at a number": (_with(("days", "2026-11-20", "created_at"), 20261120),
                            "days 2026-11-20: field 'created_at' has the wrong type (int)"),
    "cadence text": (_with(("contacts", CONTACT, "cadence_days"), "7"),
                     f"contacts {CONTACT}: field 'cadence_days' has the wrong type (str)"),
    "cadence a bool": (_with(("contacts", CONTACT, "cadence_days"), True),
                       f"contacts {CONTACT}: field 'cadence_days' has the wrong type (bool)"),
    "name an object": (_with(("organisations", ORG, "name"), {"zh": "ACME"}),
                       f"organisations {ORG}: field 'name' has the wrong type (dict)"),
    "date impossible": (_with(("entries", ENTRY, "date"), "2026-02-30"),
                        f"entries {ENTRY}: invalid date '2026-02-30'"),
    "date without dashes": (_with(("entries", ENTRY, "date"), "20261120"),
                            f"entries {ENTRY}: invalid date '20261120'"),
    "date with a time": (_with(("entries", ENTRY, "date"), "2026-11-20T09:00"),
                         f"entries {ENTRY}: invalid date '2026-11-20T09:00'"),
    "time out of range": (_with(("entries", ENTRY, "time"), "25:61"),
                          f"entries {ENTRY}: invalid time '25:61'"),
    "end time without colon": (_with(("entries", ENTRY, "end_time"), "1000"),
                               f"entries {ENTRY}: invalid end_time '1000'"),
    "status unknown": (_with(("entries", ENTRY, "status"), "maybe"),
                       f"entries {ENTRY}: invalid status 'maybe'"),
    "day key not a date": (_renamed("days", "2026-11-20", "2026-13-01"),
                           "days: key '2026-13-01' is not a date"),
    "priority unknown": (_with(("entries", ENTRY, "priority"), "urgent"),
                         f"entries {ENTRY}: invalid priority 'urgent'"),
    "priority normal is stored as nothing": (_with(("entries", ENTRY, "priority"), "normal"),
                                             f"entries {ENTRY}: invalid priority 'normal'"),
    "origin unknown": (_with(("entries", ENTRY, "origin"), "maybe"),
                       f"entries {ENTRY}: invalid origin 'maybe'"),
    "carried from a non-date": (_with(("entries", ENTRY, "carried_from"), ["yesterday"]),
                                f"entries {ENTRY}: invalid carried_from date 'yesterday'"),
    "carried from not a list": (_with(("entries", ENTRY, "carried_from"), "2026-11-19"),
                                f"entries {ENTRY}: field 'carried_from' has the wrong type (str)"),
    "review key not a period": (_renamed("reviews", "2026-W47", "2026-W54"),
                                "reviews: key '2026-W54' is not a period (2026-W47, 2026-11, "
                                "2026-Q4)"),
    "review text a list": (_with(("reviews", "2026-W47", "text"), ["x"]),
                           "reviews 2026-W47: field 'text' has the wrong type (list)"),
}


def test_the_good_journal_is_good() -> None:
    assert check_tables(_good(), SCHEMA_VERSION) is None
    assert check_tables_reference(_good(), SCHEMA_VERSION) is None


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_kind_of_bad_document_is_refused_with_a_clear_message(kind: str) -> None:
    data, message = BAD[kind]
    assert check_tables(data, SCHEMA_VERSION) == message
    assert check_tables_reference(data, SCHEMA_VERSION) == message


@pytest.mark.parametrize("keys", [
    [ENTRY[:25], CONTACT + "0"],  # 25 + 27 characters: as many as two good ids
    [ENTRY, CONTACT[:25] + "\n", PROJECT],
    [ENTRY + "\n" + CONTACT, "", ORG[:25]],
    [ENTRY, "Ｐ" + PROJECT[1:]],
])
def test_ids_that_only_add_up_to_good_ones_are_refused(keys: list[str]) -> None:
    data = _good()
    doc = data["entries"].pop(ENTRY)
    data["entries"] = {key: dict(doc) for key in keys}
    bad = next(k for k in keys if len(k) != 26 or not validate._ID_RE.match(k))
    assert not validate._ids_ok(data["entries"])
    assert check_tables(data, SCHEMA_VERSION) == f"entries: {bad[:30]!r} is not a valid id"
    assert check_tables_reference(data, SCHEMA_VERSION) == f"entries: {bad[:30]!r} is not a valid id"


def test_fields_it_does_not_know_and_nulls_in_optional_text_fields_are_accepted() -> None:
    data = _good()
    data["entries"][ENTRY].update({"mood": ["x", 1], "rating": 4, "time": None, "summary": None,
                                   "end_time": "", "expenses": [{"amount": 3, "extra": [1]}]})
    data["contacts"][CONTACT]["cadence_days"] = None
    data["contacts"][CONTACT]["edited_at"] = {"name": T, "unknown field": T}
    data["contacts"][CONTACT]["extra"] = {"a": 1}
    data["other"] = {"anything": 1}
    assert check_tables(data, SCHEMA_VERSION) is None
    assert check_tables_reference(data, SCHEMA_VERSION) is None


def _big(n: int) -> dict[str, Any]:
    data = _good()
    doc = data["entries"].pop(ENTRY)
    for i in range(n):
        entry_id = ENTRY[:20] + f"{i:06d}"
        data["entries"][entry_id] = {**doc, "date": f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                                     "tags": [f"t{i % 7}"], "time": f"{i % 24:02d}:{i % 60:02d}"}
    return data


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tags", ["a", None], "field 'tags' holds a NoneType, expected str"),
    ("date", "2026-02-29", "invalid date '2026-02-29'"),
    ("time", "12:60", "invalid time '12:60'"),
    ("status", "Done", "invalid status 'Done'"),
    ("summary", ["x"], "field 'summary' has the wrong type (list)"),
])
def test_the_first_bad_document_deep_in_a_big_table_is_named(field: str, value: Any,
                                                             message: str) -> None:
    data = _big(3000)
    ids = list(data["entries"])
    data["entries"][ids[2500]][field] = value
    data["entries"][ids[2700]]["event"] = None  # a later problem is not the one reported
    assert check_tables(data, SCHEMA_VERSION) == f"entries {ids[2500]}: {message}"
    assert check_tables_reference(data, SCHEMA_VERSION) == f"entries {ids[2500]}: {message}"


def test_a_big_good_table_takes_the_fast_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-document check (the slow one) runs only for a table found bad."""
    data = _big(2000)
    worded: list[str] = []
    original = validate._table_problem
    monkeypatch.setattr(validate, "_table_problem",
                        lambda table, docs: worded.append(table) or original(table, docs))
    assert check_tables(data, SCHEMA_VERSION) is None
    assert worded == []
    data["contacts"][CONTACT]["phones"] = [1]
    assert "field 'phones' holds a int" in (check_tables(data, SCHEMA_VERSION) or "")
    assert worded == ["contacts"]


# -- random and hostile documents: the fast pass agrees with the reference -----------------------

_ID_CASES = [ENTRY, CONTACT, PROJECT, ORG, ENTRY.lower(), ENTRY[:25], ENTRY + "0", "", "I" * 26,
             "Ａ" + ENTRY[1:], ENTRY[:25] + "\n", ENTRY + "\n" + CONTACT, "2026-11-20"]
_DAY_CASES = ["2026-11-20", "2024-02-29", "2026-02-29", "2026-W47-5", "20261120", "2026-11-2",
              "2026-11-20 ", "２０２６-11-20", "0000-01-01", "9999-12-31", ""]
_TIME_CASES = ["09:30", "23:59", "24:00", "9:30", "09:60", "0930", "09:30\n", "1٣:05", "",
               " 09:30"]
_STATUS_CASES = ["done", "planned", "cancelled", "Done", "maybe", ""]
_PRIORITY_CASES = ["high", "low", "normal", "High", "", "urgent"]
_ORIGIN_CASES = ["planned", "unplanned", "", "Planned"]
_PERIOD_CASES = ["2026-W47", "2026-W53", "2026-W54", "2026-W00", "2026-11", "2026-13", "2026-Q4",
                 "2026-Q5", "2026-q4", "2026-11-20", "", "2026-W47\n"]
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2),
                     st.text(max_size=4), st.sampled_from(_DAY_CASES + _TIME_CASES))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=2)),
    max_leaves=6)
_FIELD_NAMES = sorted({name for spec in validate.FIELDS.values() for name in spec}
                      | set(validate.COMMON) | {"mood", ""})
_field_values = {
    "date": st.sampled_from(_DAY_CASES), "time": st.sampled_from(_TIME_CASES),
    "end_time": st.sampled_from(_TIME_CASES), "status": st.sampled_from(_STATUS_CASES),
    "priority": st.sampled_from(_PRIORITY_CASES), "origin": st.sampled_from(_ORIGIN_CASES),
    "carried_from": st.lists(st.sampled_from(_DAY_CASES), max_size=2),
}


@st.composite
def _documents(draw: st.DrawFn, table: str) -> Any:
    """Mostly a good document of ``table`` with a few fields changed, dropped or added; sometimes
    anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(_values)
    good = copy.deepcopy(next(iter(_good()[table].values())))
    own = sorted({*validate.FIELDS[table], *validate.COMMON})
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(own) | st.sampled_from(_FIELD_NAMES))
        action = draw(st.integers(0, 5))
        if action == 0:
            good.pop(name, None)
        elif action == 1 and name in _field_values:
            good[name] = draw(_field_values[name])
        elif action == 2:
            good[name] = None
        elif action == 3:
            good[name] = draw(st.lists(st.one_of(st.text(max_size=3), _values), max_size=3))
        elif action == 4:
            good[name] = draw(st.text(max_size=3))
        else:
            good[name] = draw(_values)
    return good


def _tables(table: str) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from({"days": _DAY_CASES, "reviews": _PERIOD_CASES}.get(table, _ID_CASES))
    # mostly good keys, so that the documents' own checks are reached
    good_key = (st.sampled_from(["2026-11-20", "2026-11-21", "2025-01-01"]) if table == "days"
                else st.sampled_from(["2026-W47", "2026-11", "2026-Q4"]) if table == "reviews"
                else st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=26, max_size=26))
    key = st.integers(0, 4).flatmap(lambda i: keys if i == 0 else good_key)
    return st.dictionaries(key, _documents(table), max_size=5)


_journals = st.fixed_dictionaries({}, optional={table: _tables(table) for table in validate.FIELDS})


@settings(max_examples=600, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(_journals)
def test_fast_check_agrees_with_the_reference(data: dict[str, Any]) -> None:
    data["meta"] = {"schema": {"schema_version": SCHEMA_VERSION}}
    for table in validate.FIELDS:
        docs = data.get(table, {})
        assert validate._table_ok(table, docs) == (validate._table_problem(table, docs) is None)
    assert check_tables(data, SCHEMA_VERSION) == check_tables_reference(data, SCHEMA_VERSION)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(list(validate.FIELDS) + ["meta", "x"]),
                       st.one_of(st.dictionaries(st.text(max_size=27), _values, max_size=3),
                                 _values), max_size=3))
def test_fast_check_agrees_with_the_reference_on_anything(data: Any) -> None:
    try:
        expected: Any = check_tables_reference(data, SCHEMA_VERSION)
    except Exception as exc:  # noqa: BLE001 - then the fast one must fail the same way
        expected = type(exc)
    try:
        got: Any = check_tables(data, SCHEMA_VERSION)
    except Exception as exc:  # noqa: BLE001
        got = type(exc)
    assert got == expected


@pytest.mark.parametrize(("field", "value"), [
    ("date", "2026-W47-5"),  # an ISO week date: Python 3.11 reads it, text comparison would not
    ("date", "20261123"),
    ("time", "1\u0663:05"),  # an Arabic-Indic digit
    ("time", "09:30\n"),
    ("end_time", "０９:３０"),  # full-width digits
])
def test_only_plain_iso_dates_and_ascii_times_pass(field: str, value: str) -> None:
    """Dates and times are compared and sorted as text everywhere (index, reports, merge): any
    other spelling of a valid value would sort wrongly, so it is refused on load and on input."""
    from journal.errors import ValidationError
    from journal.models import check_date, check_time

    doc = {"date": "2026-11-23", "event": "x", "status": "done", field: value}
    data = {"meta": {"schema": {"schema_version": SCHEMA_VERSION}}, "entries": {"0" * 26: doc}}
    problem = check_tables(data, SCHEMA_VERSION)
    assert problem is not None and field in problem
    assert check_tables_reference(data, SCHEMA_VERSION) == problem
    with pytest.raises(ValidationError):
        (check_date if field == "date" else check_time)(value)
