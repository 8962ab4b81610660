"""Reminders: what people type, what is due, acknowledged, snoozed — single entries and
occurrences of a series."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from journal.errors import ValidationError
from journal.recurrence.rules import parse_repeat
from journal.reminders.timing import parse_duration, parse_remind
from journal.service import Journal


@pytest.mark.parametrize(("typed", "at"), [
    ("15m", "2026-12-07T09:45"), ("15 min", "2026-12-07T09:45"), ("1h", "2026-12-07T09:00"),
    ("2 hours", "2026-12-07T08:00"), ("1h30m", "2026-12-07T08:30"), ("1d", "2026-12-06T10:00"),
    ("1w", "2026-11-30T10:00"), ("30分钟", "2026-12-07T09:30"), ("半小时", "2026-12-07T09:30"),
    ("1小时", "2026-12-07T09:00"), ("提前1天", "2026-12-06T10:00"), ("0", "2026-12-07T10:00"),
    ("09:00", "2026-12-07T09:00"), ("上午8点", "2026-12-07T08:00"),
    ("2026-12-06 18:00", "2026-12-06T18:00"), ("2026-12-06T18:00", "2026-12-06T18:00"),
    ("tomorrow 8:30", "2026-12-06T08:30"), ("明天9点", "2026-12-06T09:00"), ("none", None),
])
def test_reminder_times_relative_to_the_start(typed: str, at: str | None) -> None:
    assert parse_remind(typed, day="2026-12-07", time="10:00", today=date(2026, 12, 5)) == at


def test_an_untimed_entry_starts_at_nine_for_its_reminders() -> None:
    assert parse_remind("1d", day="2026-12-07", time=None) == "2026-12-06T09:00"
    assert parse_remind("15m", day="2026-12-07", time=None) == "2026-12-07T08:45"


@pytest.mark.parametrize("typed", ["", "soon", "15 parsecs", "-1h", "25:00", "2026-13-01 10:00",
                                   "400d"])
def test_bad_reminders_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_remind(typed, day="2026-12-07", time="10:00")


def test_durations() -> None:
    assert parse_duration("10 minutes") == timedelta(minutes=10)
    assert parse_duration("in 2h") == timedelta(hours=2)
    assert parse_duration("lunch") is None


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.json")


NOW = datetime(2026, 12, 7, 9, 50)


def add(journal: Journal, event: str, day: str, time: str | None, remind: str,
        status: str = "planned") -> str:
    at = parse_remind(remind, day=day, time=time)
    return journal.add_entry(event=event, date=day, time=time, status=status, remind_at=at)[0].id


def test_due_now_not_acknowledged_still_planned(journal: Journal) -> None:
    due = add(journal, "Call Li", "2026-12-07", "10:00", "15m")  # 09:45: due
    add(journal, "Lunch", "2026-12-07", "12:00", "15m")  # 11:45: not yet
    add(journal, "Done already", "2026-12-07", "10:00", "1h", status="done")
    journal.add_entry(event="No reminder", date="2026-12-07", status="planned")
    old = add(journal, "Missed last week", "2026-11-30", "10:00", "1h")  # missed: still due
    assert [r.id for r in journal.due_reminders(NOW)] == [old, due]
    first = journal.due_reminders(NOW)[1]
    assert (first.event, first.remind_at, first.time) == ("Call Li", "2026-12-07T09:45", "10:00")


def test_acknowledge_and_due_again_when_moved(journal: Journal) -> None:
    rid = add(journal, "Call Li", "2026-12-07", "10:00", "15m")
    journal.acknowledge([rid[-6:]])  # a short id works as everywhere
    assert journal.due_reminders(NOW) == []
    assert journal.get_entry(rid).reminded == "2026-12-07T09:45"
    journal.set_reminder(rid, "2026-12-07T09:48")
    assert [r.id for r in journal.due_reminders(NOW)] == [rid]


def test_snooze_moves_the_reminder_later(journal: Journal) -> None:
    rid = add(journal, "Call Li", "2026-12-07", "10:00", "15m")
    journal.snooze(rid, delay=timedelta(minutes=10), now=NOW)
    assert journal.due_reminders(NOW) == []
    assert [r.id for r in journal.due_reminders(NOW + timedelta(minutes=10))] == [rid]
    journal.snooze(rid, until=datetime(2026, 12, 8, 8, 0))
    assert journal.get_entry(rid).remind_at == "2026-12-08T08:00"


def test_ack_needs_a_reminder(journal: Journal) -> None:
    plain = journal.add_entry(event="Plain", date="2026-12-07")[0].id
    with pytest.raises(ValidationError, match="no reminder"):
        journal.acknowledge([plain])


def test_each_occurrence_reminds_and_is_acknowledged_alone(journal: Journal) -> None:
    start = date(2026, 12, 7)
    sid = journal.add_entry(event="Team meeting", date="2026-12-07", time="10:00",
                            recurrence=parse_repeat("每周一", start=start),
                            remind_at=parse_remind("15m", day="2026-12-07", time="10:00"))[0].id
    assert [r.id for r in journal.due_reminders(NOW)] == [f"{sid}@2026-12-07"]
    journal.acknowledge([f"{sid}@2026-12-07"])
    assert journal.due_reminders(NOW) == []
    next_week = NOW + timedelta(days=7)
    assert [(r.id, r.remind_at) for r in journal.due_reminders(next_week)] == [
        (f"{sid}@2026-12-14", "2026-12-14T09:45")]
    journal.snooze(f"{sid}@2026-12-14", delay=timedelta(minutes=30), now=next_week)
    assert journal.due_reminders(next_week) == []
    assert [r.remind_at for r in journal.due_reminders(next_week + timedelta(minutes=30))] == [
        "2026-12-14T10:20"]
    # ticking the occurrence silences it
    journal.set_occurrence_status(f"{sid}@2026-12-14", "done")
    assert journal.due_reminders(next_week + timedelta(hours=1)) == []
