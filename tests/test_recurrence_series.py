"""A series and its occurrences through the service: one occurrence ticked, edited, moved,
cancelled or deleted without touching the others; "this and following"; the whole series."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest

from journal.errors import NotFoundError, ValidationError
from journal.names.resolve import LinkRequest
from journal.recurrence.rules import parse_repeat
from journal.service import Journal


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.json")


def weekly(journal: Journal, rule: str = "每周一", start: str = "2026-12-07", **kw) -> str:
    entry, _ = journal.add_entry(event="Team meeting", date=start, time="09:00", end_time="10:00",
                                 recurrence=parse_repeat(rule, start=d(start)),
                                 links=LinkRequest(contacts=["张伟"]), **kw)
    return entry.id


def on(journal: Journal, start: str, end: str) -> list[tuple[str, str, str]]:
    return [(e.id.split("@")[-1], e.date, e.status) for e in journal.entries_between(start, end)]


def test_a_series_lists_as_its_occurrences_with_the_series_fields(journal: Journal) -> None:
    sid = weekly(journal)
    single, _ = journal.add_entry(event="Visit", date="2026-12-08", status="done")
    listed = journal.entries_between("2026-12-01", "2026-12-21")
    assert [e.id for e in listed] == [f"{sid}@2026-12-07", single.id, f"{sid}@2026-12-14",
                                      f"{sid}@2026-12-21"]
    first = listed[0]
    assert (first.event, first.time, first.end_time, first.status) == ("Team meeting", "09:00",
                                                                        "10:00", "planned")
    assert journal.label("contact", first.contact_ids[0]) == "张伟"
    assert journal.get_entry(f"{sid}@2026-12-14").date == "2026-12-14"


def test_a_series_starts_on_its_first_day(journal: Journal) -> None:
    sid = weekly(journal, start="2026-12-09")  # a Wednesday: the first Monday is the 14th
    assert journal.get_entry(sid).date == "2026-12-14"
    assert journal.get_entry(sid).status == "planned"


def test_ticking_one_occurrence_changes_only_it(journal: Journal) -> None:
    sid = weekly(journal)
    journal.set_occurrence_status(f"{sid}@2026-12-14", "done")
    assert on(journal, "2026-12-07", "2026-12-21") == [
        ("2026-12-07", "2026-12-07", "planned"), ("2026-12-14", "2026-12-14", "done"),
        ("2026-12-21", "2026-12-21", "planned")]
    stored = journal.tables["entries"][sid]
    assert set(stored["exceptions"]) == {"2026-12-14"}
    assert stored["exceptions"]["2026-12-14"]["status"] == "done"
    # unticking gives the plain occurrence back: no exception is left
    journal.set_occurrence_status(f"{sid}@2026-12-14", "planned")
    assert "exceptions" not in journal.tables["entries"][sid]


def test_editing_and_moving_one_occurrence(journal: Journal) -> None:
    sid = weekly(journal)
    entry, _ = journal.edit_entry(f"{sid}@2026-12-14", {"date": "2026-12-15", "time": "14:00",
                                                         "summary": "moved: client in town"})
    assert (entry.id, entry.date, entry.time) == (f"{sid}@2026-12-14", "2026-12-15", "14:00")
    listed = on(journal, "2026-12-07", "2026-12-21")
    assert listed == [("2026-12-07", "2026-12-07", "planned"), ("2026-12-14", "2026-12-15", "planned"),
                      ("2026-12-21", "2026-12-21", "planned")]
    others = [e for e in journal.entries_between("2026-12-07", "2026-12-21") if e.date != "2026-12-15"]
    assert {e.time for e in others} == {"09:00"} and {e.summary for e in others} == {""}
    # a day view of the 14th no longer has it, the 15th's has
    assert on(journal, "2026-12-14", "2026-12-14") == []
    assert on(journal, "2026-12-15", "2026-12-15") == [("2026-12-14", "2026-12-15", "planned")]
    # moved into another week: found from that week too
    journal.edit_entry(f"{sid}@2026-12-21", {"date": "2027-01-02"})
    assert ("2026-12-21", "2027-01-02", "planned") in on(journal, "2027-01-01", "2027-01-03")


def test_cancel_and_delete_one_occurrence(journal: Journal) -> None:
    sid = weekly(journal)
    journal.set_occurrence_status(f"{sid}@2026-12-07", "cancelled")
    journal.delete_entry(f"{sid}@2026-12-14")
    assert on(journal, "2026-12-07", "2026-12-21") == [
        ("2026-12-07", "2026-12-07", "cancelled"), ("2026-12-21", "2026-12-21", "planned")]
    with pytest.raises(NotFoundError):
        journal.get_entry(f"{sid}@2026-12-14")


def test_an_occurrence_the_rule_does_not_give_is_not_found(journal: Journal) -> None:
    sid = weekly(journal)
    with pytest.raises(NotFoundError):
        journal.get_entry(f"{sid}@2026-12-08")
    with pytest.raises(NotFoundError):
        journal.set_occurrence_status(f"{sid}@2026-12-08", "done")


def test_links_belong_to_the_series(journal: Journal) -> None:
    sid = weekly(journal)
    with pytest.raises(ValidationError, match="whole series"):
        journal.edit_entry(f"{sid}@2026-12-14", {}, add_tags=["x"])


def test_this_and_following_splits_the_series(journal: Journal) -> None:
    sid = weekly(journal, "weekly on mon until 2027-01-31")
    journal.set_occurrence_status(f"{sid}@2026-12-07", "done")
    journal.set_occurrence_status(f"{sid}@2026-12-28", "done")
    change = journal.edit_occurrence(f"{sid}@2026-12-21", {"time": "10:30", "event": "Team sync"},
                                     scope="following")
    assert change.new_series_id is not None
    old = journal.tables["entries"][sid]
    new = journal.tables["entries"][change.new_series_id]
    assert old["recurrence"] == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261220"
    assert new["recurrence"] == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131"
    assert (new["date"], new["time"], new["event"]) == ("2026-12-21", "10:30", "Team sync")
    assert set(old["exceptions"]) == {"2026-12-07"} and set(new["exceptions"]) == {"2026-12-28"}
    listed = journal.entries_between("2026-12-01", "2027-01-31")
    assert [(e.date, e.time, e.event, e.status) for e in listed][:4] == [
        ("2026-12-07", "09:00", "Team meeting", "done"), ("2026-12-14", "09:00", "Team meeting", "planned"),
        ("2026-12-21", "10:30", "Team sync", "planned"), ("2026-12-28", "10:30", "Team sync", "done")]
    assert len(listed) == 8
    assert new["contact_ids"] == old["contact_ids"]


def test_this_and_following_keeps_the_count(journal: Journal) -> None:
    sid = weekly(journal, "weekly 5 times")
    change = journal.edit_occurrence(f"{sid}@2026-12-21", {"date": "2026-12-22"}, scope="following")
    new = journal.tables["entries"][change.new_series_id]
    assert journal.tables["entries"][sid]["recurrence"] == "FREQ=WEEKLY;COUNT=2"
    assert new["recurrence"] == "FREQ=WEEKLY;COUNT=3"  # its weekday is its first day's
    assert [e.date for e in journal.entries_between("2026-12-01", "2027-03-01")] == [
        "2026-12-07", "2026-12-14", "2026-12-22", "2026-12-29", "2027-01-05"]


def test_this_and_following_from_the_first_is_the_whole_series(journal: Journal) -> None:
    sid = weekly(journal)
    change = journal.edit_occurrence(f"{sid}@2026-12-07", {"event": "Weekly sync"}, scope="following")
    assert change.new_series_id is None
    assert list(journal.tables["entries"]) == [sid]
    assert {e.event for e in journal.entries_between("2026-12-07", "2026-12-31")} == {"Weekly sync"}


def test_the_whole_series_keeps_the_exceptions(journal: Journal) -> None:
    sid = weekly(journal)
    journal.edit_entry(f"{sid}@2026-12-14", {"summary": "budget"})
    journal.edit_occurrence(f"{sid}@2026-12-21", {"event": "Team meeting (all hands)",
                                                  "date": "2026-12-22"}, scope="all")
    listed = journal.entries_between("2026-12-01", "2026-12-31")
    assert [(e.date, e.event) for e in listed] == [
        ("2026-12-08", "Team meeting (all hands)"), ("2026-12-15", "Team meeting (all hands)"),
        ("2026-12-22", "Team meeting (all hands)"), ("2026-12-29", "Team meeting (all hands)")]
    assert listed[1].summary == "budget"
    assert journal.tables["entries"][sid]["recurrence"] == "FREQ=WEEKLY;BYDAY=TU"


def test_deleting_this_and_following_ends_the_series(journal: Journal) -> None:
    sid = weekly(journal)
    journal.delete_occurrence(f"{sid}@2026-12-21", scope="following")
    assert [e.date for e in journal.entries_between("2026-12-01", "2027-03-01")] == [
        "2026-12-07", "2026-12-14"]
    journal.delete_occurrence(f"{sid}@2026-12-14", scope="all")
    assert journal.entries_between("2026-12-01", "2027-03-01") == []


def test_a_ticked_occurrence_outlives_a_rule_that_no_longer_gives_it(journal: Journal) -> None:
    sid = weekly(journal)
    journal.set_occurrence_status(f"{sid}@2026-12-14", "done")
    journal.edit_entry(sid, {"recurrence": "FREQ=WEEKLY;BYDAY=TU"})
    assert [(e.date, e.status) for e in journal.entries_between("2026-12-07", "2026-12-20")] == [
        ("2026-12-08", "planned"), ("2026-12-14", "done"), ("2026-12-15", "planned")]


def test_a_rule_not_understood_stays_one_entry(journal: Journal, tmp_path: Path) -> None:
    entry, _ = journal.add_entry(event="Imported", date="2026-12-07")
    with journal.store.transaction() as tx:  # as an old import left it
        doc = dict(tx.get("entries", entry.id))
        tx.replace("entries", entry.id, doc | {"recurrence": "every blue moon"})
    assert [e.id for e in journal.entries_between("2026-12-01", "2026-12-31")] == [entry.id]


def test_occurrence_exceptions_are_validated(journal: Journal) -> None:
    sid = weekly(journal)
    with pytest.raises(ValidationError):
        journal.edit_entry(f"{sid}@2026-12-14", {"time": "25:00"})
    with pytest.raises(ValidationError):
        journal.edit_entry(f"{sid}@2026-12-14", {"status": "maybe"})
    assert "exceptions" not in journal.tables["entries"][sid]


def test_the_file_holds_one_document_per_series(journal: Journal) -> None:
    sid = weekly(journal)
    for day in ("2026-12-07", "2026-12-14"):
        journal.set_occurrence_status(f"{sid}@{day}", "done")
    data = orjson.loads(journal.path.read_bytes())
    assert list(data["entries"]) == [sid]
    assert data["entries"][sid]["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"


def test_doctor_notes_rules_not_understood_and_lost_originals(journal: Journal) -> None:
    from journal.doctor import diagnose

    entry, _ = journal.add_entry(event="Imported", date="2026-12-07")
    up = journal.follow_up(entry.id, date(2026, 12, 9))
    with journal.store.transaction() as tx:
        tx.replace("entries", entry.id, dict(tx.get("entries", entry.id)) | {"recurrence": "whenever"})
    problems, notes = diagnose(journal.tables)
    assert problems == []
    assert any("'whenever' is not understood" in n for n in notes)
    journal.delete_entry(entry.id)
    problems, notes = diagnose(journal.tables)
    assert any(f"{up.id}: follows up {entry.id}, which is gone" in n for n in notes)


def test_a_damaged_exception_is_left_out_not_fatal(journal: Journal) -> None:
    from journal.search.occurrences import occurrence_docs

    sid = weekly(journal)
    doc = dict(journal.tables["entries"][sid])
    doc["exceptions"] = {"2026-12-14": {"date": 5}, "2026-12-21": {"status": "done"},
                         "not a day": {"status": "done"}}
    found = occurrence_docs({sid: doc}, d("2026-12-07"), d("2026-12-21"))
    assert [(v["date"], v["status"]) for v in found.values()] == [
        ("2026-12-07", "planned"), ("2026-12-14", "planned"), ("2026-12-21", "done")]


def test_done_undone_and_carry_act_on_one_occurrence(journal: Journal) -> None:
    sid = weekly(journal)
    journal.add_entry(event="Plain plan", date="2026-12-07", status="planned")
    changes = journal.set_status([f"{sid}@2026-12-07", f"{sid}@2026-12-14"], "done",
                                 today=d("2026-12-14"))
    assert [(c.entry.id, c.before, c.entry.status) for c in changes] == [
        (f"{sid}@2026-12-07", "planned", "done"), (f"{sid}@2026-12-14", "planned", "done")]
    assert [r for r in on(journal, "2026-12-07", "2026-12-21") if r[0][:2] == "20"] == [
        ("2026-12-07", "2026-12-07", "done"), ("2026-12-14", "2026-12-14", "done"),
        ("2026-12-21", "2026-12-21", "planned")]
    journal.toggle_done(f"{sid}@2026-12-14", today=d("2026-12-14"))
    assert journal.get_entry(f"{sid}@2026-12-14").status == "planned"
    # a future occurrence needs force, like any entry
    from journal.routine.status import FutureEntryError

    with pytest.raises(FutureEntryError):
        journal.set_status([f"{sid}@2026-12-21"], "done", today=d("2026-12-14"))
    # carrying a day moves its plain plans, never the series (whose date is its first day)
    moved = journal.carry_over(d("2026-12-07"), d("2026-12-08"), today=d("2026-12-07"))
    assert [e.event for e in moved.moved] == ["Plain plan"]
    assert journal.tables["entries"][sid]["date"] == "2026-12-07"
    # an occurrence carried on purpose moves as an exception and says where it came from
    journal.carry_entries([f"{sid}@2026-12-21"], d("2026-12-22"))
    carried = journal.get_entry(f"{sid}@2026-12-21")
    assert (carried.date, carried.carried_from) == ("2026-12-22", ["2026-12-21"])
