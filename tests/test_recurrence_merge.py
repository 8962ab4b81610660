"""A series changed on two machines merges occurrence by occurrence: the three-way merge of the
``exceptions`` field, then the real thing — two clones and `journal sync`."""

from __future__ import annotations

from datetime import date

from journal.recurrence.rules import parse_repeat
from journal.service import Journal
from journal.storage import load_file
from journal.sync.merge import merge_data
from tests import test_sync
from tests.test_sync import Pair, assert_settled, journal, synced

# the two clones of tests/test_sync.py
git_env = test_sync.git_env
pair = test_sync.pair

T0, T1, T2 = "2026-12-01T08:00:00.000000Z", "2026-12-02T08:00:00.000000Z", "2026-12-03T08:00:00.000000Z"
SID = "01KB0000000000000000000000"


def series(**extra: object) -> dict[str, object]:
    return {"date": "2026-12-07", "event": "Team meeting", "status": "planned",
            "recurrence": "FREQ=WEEKLY;BYDAY=MO", "created_at": T0, "updated_at": T0, **extra}


def merged(base: dict, ours: dict, theirs: dict) -> dict:
    out = merge_data({"entries": {SID: base}}, {"entries": {SID: ours}}, {"entries": {SID: theirs}},
                     now=T2)
    return out["entries"][SID]


def test_series_edited_here_and_an_occurrence_ticked_there() -> None:
    base = series()
    ours = series(event="Weekly team meeting", updated_at=T1, edited_at={"event": T1})
    theirs = series(exceptions={"2026-12-14": {"status": "done", "updated_at": T1}}, updated_at=T1,
                    edited_at={"exceptions": T1})
    out = merged(base, ours, theirs)
    assert out["event"] == "Weekly team meeting"
    assert out["exceptions"] == {"2026-12-14": {"status": "done", "updated_at": T1}}
    assert "conflicts" not in out
    assert merged(base, theirs, ours) == out  # symmetric


def test_different_occurrences_on_two_machines_keep_both() -> None:
    base = series(exceptions={"2026-12-07": {"status": "done", "updated_at": T0}})
    ours = series(exceptions={"2026-12-07": {"status": "done", "updated_at": T0},
                              "2026-12-14": {"status": "done", "updated_at": T1}}, updated_at=T1)
    theirs = series(exceptions={"2026-12-21": {"date": "2026-12-22", "updated_at": T2}},
                    updated_at=T2)  # theirs also unticked the 7th
    out = merged(base, ours, theirs)
    assert out["exceptions"] == {"2026-12-14": {"status": "done", "updated_at": T1},
                                 "2026-12-21": {"date": "2026-12-22", "updated_at": T2}}
    assert "conflicts" not in out


def test_one_occurrence_changed_on_both_merges_field_by_field() -> None:
    base = series()
    ours = series(exceptions={"2026-12-14": {"status": "done", "summary": "ours", "updated_at": T1}},
                  updated_at=T1)
    theirs = series(exceptions={"2026-12-14": {"time": "10:00", "summary": "theirs", "updated_at": T2}},
                    updated_at=T2)
    out = merged(base, ours, theirs)
    assert out["exceptions"]["2026-12-14"] == {"status": "done", "time": "10:00", "summary": "theirs",
                                               "updated_at": T2}
    assert out["conflicts"] == [{"field": "exceptions", "value": {"2026-12-14": {"summary": "ours"}},
                                 "recorded_at": T2, "updated_at": T1}]
    assert merged(base, theirs, ours) == out


def test_deleted_occurrence_here_edited_there_keeps_the_edit() -> None:
    base = series(exceptions={"2026-12-14": {"status": "done", "updated_at": T0}})
    ours = series(updated_at=T1)  # unticked: the exception is gone
    theirs = series(exceptions={"2026-12-14": {"status": "done", "summary": "notes", "updated_at": T1}},
                    updated_at=T1)
    assert merged(base, ours, theirs)["exceptions"] == theirs["exceptions"]


def test_two_clones_sync_a_series_edit_and_occurrence_ticks(pair: Pair) -> None:
    a, b = Journal(pair.a), Journal(pair.b)
    sid = a.add_entry(event="Team meeting", date="2026-12-07", time="09:00",
                      recurrence=parse_repeat("每周一", start=date(2026, 12, 7)))[0].id
    synced(pair.a)
    synced(pair.b)
    a.edit_entry(sid, {"event": "Weekly team meeting", "time": "09:30"})
    a.set_occurrence_status(f"{sid}@2026-12-07", "done")
    b.set_occurrence_status(f"{sid}@2026-12-14", "done")
    b.edit_entry(f"{sid}@2026-12-21", {"date": "2026-12-22", "summary": "moved for the audit"})
    synced(pair.a)
    synced(pair.b)
    synced(pair.a)
    assert_settled(pair)
    doc = load_file(pair.a)["entries"][sid]
    assert "conflicts" not in doc
    listed = [(e.date, e.time, e.event, e.status) for e in
              Journal(pair.a).entries_between("2026-12-07", "2026-12-28")]
    assert listed == [("2026-12-07", "09:30", "Weekly team meeting", "done"),
                      ("2026-12-14", "09:30", "Weekly team meeting", "done"),
                      ("2026-12-22", "09:30", "Weekly team meeting", "planned"),
                      ("2026-12-28", "09:30", "Weekly team meeting", "planned")]
    assert journal(pair.b, "show", f"{sid}@2026-12-21").stdout.count("moved for the audit") == 1


