"""One-field mutations of a valid journal: whatever a hand edit, a foreign tool or a bad merge can
put into one field of one document, every reader either works or stops with one ``journal:`` line.

The file is either refused when loaded (validation names the document and the field) or it is
read; there is no third way where it loads and then a reader crashes on a shape it cannot take
(``contact_ids: null``, ``"expenses": [{}]``, a contact named ``""``, a cadence of 2**62 days).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from journal.datafile.validate import COMMON, FIELDS
from journal.errors import StorageError
from journal.service import Journal
from journal.storage import load_file

from ._support import TRACEBACK_RE, assert_clean_failure, assert_no_traceback, record_stats, run_cli

HUGE = 2**63 - 1
#: The shapes every run tries in every field: null, empties, a null or an empty object inside a
#: list, a wrong scalar, the largest number the file can hold.
CORE_MUTATIONS: list[Any] = [None, "", [], [None], [{}], 5, HUGE, {}]
#: What one field can be set to (the slow run): nothing, empties, wrong containers, wrong
#: elements, wrong scalars, extreme numbers, strings that look like other things.
MUTATIONS: list[Any] = [
    None, "", " ", [], [None], [{}], [""], [[]], [1], {}, {"a": 1}, 0, -1, 1.5, True, HUGE, -HUGE,
    "x", "2026-02-30", "99:99", "01ARZ3NDEKTSV4RRFFQ69G5FAV", ["01ARZ3NDEKTSV4RRFFQ69G5FAV"],
    [{"amount": None}], [{"amount": "1"}], [{"amount": HUGE, "currency": 5}], [{"field": None}],
    [{"field": "event"}], "\x00", "a" * 300,
]


def _valid_journal(path: Path) -> dict[str, str]:
    """A journal where every table holds a document with every field set; returns their ids."""
    run = lambda *args: run_cli(path, *args)  # noqa: E731
    assert run("org", "add", "华辰银行", "--industry", "bank", "--address", "1 Road",
               "--notes", "n", "--tag", "key").code == 0
    assert run("contact", "add", "张伟", "--org", "华辰银行", "--title", "CFO", "--phone", "13800000000",
               "--email", "z@example.com", "--birthday", "1980-05-06", "--tier", "VIP",
               "--cadence", "30", "--notes", "n", "--tag", "t").code == 0
    assert run("project", "add", "Loan", "--org", "华辰银行", "--status", "active", "--notes", "n",
               "--tag", "p").code == 0
    result = run("add", "Visit", "-d", "2026-11-20", "-t", "09:30", "--end-time", "10:30",
                 "-s", "summary", "--tag", "t", "-c", "张伟", "-p", "Loan", "-o", "华辰银行")
    assert result.code == 0, result
    Journal(path).set_day_note("2026-11-20", "a note")
    Journal(path).set_review("2026-W47", "本周工作 a review")
    data = orjson.loads(path.read_bytes())
    ids = {table: next(iter(data[table])) for table in ("entries", "contacts", "projects",
                                                         "organisations", "days", "reviews")}
    entry = data["entries"][ids["entries"]]
    entry.update(expenses=[{"amount": 12.5, "currency": "CNY", "note": "taxi"}],
                 remind_at="2026-11-20T09:00", recurrence="FREQ=WEEKLY", priority="high",
                 origin="planned", carried_from=["2026-11-19"])
    for table, doc_id in ids.items():
        data[table][doc_id]["conflicts"] = [{"field": "notes", "value": "old",
                                             "recorded_at": "2026-11-20T00:00:00.000000Z"}]
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return ids


def _readers(ids: dict[str, str]) -> list[tuple[str, ...]]:
    contact, project, org = ids["contacts"], ids["projects"], ids["organisations"]
    return [
        ("list",), ("list", "--contact", contact), ("list", "--project", project),
        ("list", "--org", org), ("list", "--format", "json"), ("show", ids["entries"]),
        ("contact", "list"), ("contact", "show", contact), ("project", "list"),
        ("project", "show", project), ("org", "list"), ("org", "show", org),
        ("export", "contact", contact), ("export", "contact", contact, "--format", "json"),
        ("export", "org", org, "--format", "json"),
        ("export", "org", org), ("export", "project", project),
        ("search", "visit"), ("search", f"contact:{contact}"), ("search", "tag:t"),
        ("week", "2026-11-20"), ("month", "2026-11"), ("quarter", "2026-Q4"),
        ("search", "review"), ("conflicts",),
    ]


# every table the sample journal holds a document of (``merged`` records: tests/test_client_merge.py)
CASES = [(table, name) for table, spec in FIELDS.items() if table != "merged"
         for name in (*spec, *COMMON)]


@pytest.mark.parametrize(("table", "field"), CASES, ids=[f"{t}.{f}" for t, f in CASES])
def test_one_field_mutations_never_crash_a_reader(tmp_path: Path, table: str, field: str) -> None:
    _sweep(tmp_path, table, field, CORE_MUTATIONS)


@pytest.mark.slow
@pytest.mark.parametrize(("table", "field"), CASES, ids=[f"{t}.{f}" for t, f in CASES])
def test_many_one_field_mutations_never_crash_a_reader(tmp_path: Path, table: str,
                                                      field: str) -> None:
    _sweep(tmp_path, table, field, MUTATIONS)


def _sweep(tmp_path: Path, table: str, field: str, mutations: list[Any]) -> None:
    """Each mutation: the file is refused on load (then every reader, doctor included, says so on
    one line), or every reader runs to a clean end; a reader that refuses a file that loads (the
    model's finer rules: an empty event, a bad timestamp) is backed by `journal doctor` naming
    the problem."""
    template = tmp_path / "template.json"
    ids = _valid_journal(template)
    clean = orjson.loads(template.read_bytes())
    readers = _readers(ids)
    tried = 0
    for k, value in enumerate(mutations):
        data = orjson.loads(orjson.dumps(clean))
        data[table][ids[table]][field] = value
        path = tmp_path / f"m{k}" / "journal.json"
        path.parent.mkdir(mode=0o700)
        path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
        context = (table, field, value)
        try:
            load_file(path)
        except StorageError:
            for args in REFUSED_READERS:
                assert_clean_failure(run_cli(path, *args), context=(*context, args))
            tried += len(REFUSED_READERS)
            continue
        doctor = run_cli(path, "doctor")
        assert doctor.code in (0, 1) and not TRACEBACK_RE.search(doctor.err), (context, doctor)
        for args in readers:
            result = run_cli(path, *args)
            assert_no_traceback(result, context=(*context, args))
            if result.code:
                assert doctor.code == 1 and "problem: " in doctor.out, (context, args, result)
        tried += len(readers) + 1
    record_stats(hostile_inputs_tried=tried)


#: Readers that go different ways to the data (the store, the search cache, the reports).
REFUSED_READERS = [("doctor",), ("list",), ("search", "visit"), ("week", "2026-11-20"),
                   ("contact", "list"), ("export", "org", "华辰银行")]
