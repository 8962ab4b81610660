"""The daily routine's rules and use cases: time ranges, ticking, the planned origin, carry-over,
the day's note, reviews, expenses and the settings they read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.dates import DateError, duration_minutes, parse_period, parse_quarter, parse_time_range
from journal.errors import JournalError, NotFoundError, ValidationError
from journal.models import Entry, effective_origin
from journal.routine.config import RoutineConfig, check_currency, parse_weekend, routine_config_from
from journal.routine.expenses import format_expense, parse_expense, parse_expenses, sum_by_currency
from journal.routine.reviews import is_chinese, is_unwritten, review_id, review_period, template
from journal.routine.status import FutureEntryError
from journal.routine.workdays import carry_target, next_working_day
from journal.service import Journal

MON = date(2026, 11, 23)
FRI = date(2026, 11, 27)
SAT_SUN = frozenset({5, 6})


# -- time ranges -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("9:00-10:00", ("09:00", "10:00")),
    ("9:00—10:00", ("09:00", "10:00")),  # em dash, what a Chinese IME types
    ("9:00–10:00", ("09:00", "10:00")),  # en dash
    ("9:00－10:00", ("09:00", "10:00")),  # full-width hyphen
    ("９：００－１０：００", ("09:00", "10:00")),  # all full width
    ("9:00~10:00", ("09:00", "10:00")),
    ("9:00～10:00", ("09:00", "10:00")),  # full-width tilde
    ("9:00〜10:00", ("09:00", "10:00")),  # wave dash
    ("9:00 - 10:00", ("09:00", "10:00")),
    ("9:00 to 10:00", ("09:00", "10:00")),
    ("14:00-15:30", ("14:00", "15:30")),
    ("9点-10点半", ("09:00", "10:30")),
    ("9点到10点半", ("09:00", "10:30")),
    ("九点至十点一刻", ("09:00", "10:15")),
    ("下午2点到4点", ("14:00", "16:00")),  # the end takes the start's 下午
    ("晚上8点-10点", ("20:00", "22:00")),
    ("2-4pm", ("14:00", "16:00")),  # the start takes the end's pm
    ("11am-1pm", ("11:00", "13:00")),
    ("22:00-01:00", ("22:00", "01:00")),  # across midnight
    ("9:30", ("09:30", None)),
])
def test_time_ranges(text: str, expected: tuple[str, str | None]) -> None:
    assert parse_time_range(text) == expected


@pytest.mark.parametrize(("text", "why"), [
    ("9:00-8:00", "ends before it starts"), ("9:00-9:00", "starts and ends at 09:00"),
    ("9:00-", "not a time range"), ("-9:00", "not a time range"), ("9-10-11", "not a time range"),
    ("25:00-26:00", "hour must be"), ("lunch", "not a time range"),
])
def test_bad_time_ranges_are_one_line_errors(text: str, why: str) -> None:
    with pytest.raises(DateError, match=why) as caught:
        parse_time_range(text)
    assert "\n" not in str(caught.value) and repr(text) in str(caught.value)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=30))
def test_time_ranges_never_raise_anything_else(text: str) -> None:
    try:
        start, end = parse_time_range(text)
    except DateError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(start) == 5 and (end is None or len(end) == 5)


def test_durations_cross_midnight() -> None:
    assert duration_minutes("09:00", "10:30") == 90
    assert duration_minutes("22:00", "01:00") == 180
    assert duration_minutes("09:00", None) is None


def test_quarters() -> None:
    q4 = (date(2026, 10, 1), date(2026, 12, 31))
    for text in ("2026-Q4", "2026Q4", "Q4 2026", "q4", "2026年第四季度", "四季度", "this quarter",
                 "本季度"):
        assert parse_period(text, today=MON) == q4, text
    assert parse_period("上季度", today=MON) == (date(2026, 7, 1), date(2026, 9, 30))
    assert parse_period("next quarter", today=MON) == (date(2027, 1, 1), date(2027, 3, 31))
    assert parse_quarter(None, today=date(2027, 2, 1)) == (date(2027, 1, 1), date(2027, 3, 31))
    assert parse_quarter("2026-05-17") == (date(2026, 4, 1), date(2026, 6, 30))
    with pytest.raises(DateError, match="quarter, not a single day"):
        from journal.dates import parse_date

        parse_date("2026-Q4")


# -- ticking and the planned origin ------------------------------------------------------------------
@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.json")


def test_planned_origin_survives_done_and_undone(journal: Journal) -> None:
    plan, _ = journal.add_entry(event="Visit ACME", date="2026-11-23", status="planned")
    came_up, _ = journal.add_entry(event="Call from Li", date="2026-11-23")
    assert (plan.origin, came_up.origin) == ("planned", "")
    for status in ("done", "planned", "done", "cancelled", "done"):
        journal.set_status([plan.id, came_up.id], status, today=MON)
        assert journal.get_entry(plan.id).origin == "planned"
        assert journal.get_entry(came_up.id).origin == ""  # unticking does not make it a plan
    doc = journal.tables["entries"][plan.id]
    assert doc["status"] == "done" and effective_origin(doc) == "planned"
    assert effective_origin(journal.tables["entries"][came_up.id]) == "unplanned"


def test_replanning_in_an_edit_sets_the_origin(journal: Journal) -> None:
    entry, _ = journal.add_entry(event="Call", date="2026-11-23")
    journal.edit_entry(entry.id, {"status": "planned"})
    assert journal.get_entry(entry.id).origin == "planned"
    journal.edit_entry(entry.id, {"origin": "unplanned"})  # said explicitly: as told
    assert journal.get_entry(entry.id).origin == ""
    with pytest.raises(ValidationError, match="invalid origin"):
        journal.edit_entry(entry.id, {"origin": "maybe"})


def test_legacy_entries_without_origin() -> None:
    assert effective_origin({"status": "planned"}) == "planned"
    assert effective_origin({"status": "cancelled"}) == "planned"
    assert effective_origin({"status": "done"}) == "unplanned"
    assert effective_origin({"status": "done", "origin": "planned"}) == "planned"


def test_tick_toggles_and_reports_unchanged(journal: Journal) -> None:
    entry, _ = journal.add_entry(event="Visit", date="2026-11-23", status="planned")
    assert journal.toggle_done(entry.id, today=MON).entry.status == "done"
    assert journal.toggle_done(entry.id, today=MON).entry.status == "planned"
    journal.set_status([entry.id], "cancelled", today=MON)
    assert journal.toggle_done(entry.id, today=MON).entry.status == "done"  # happened after all
    again = journal.set_status([entry.id], "done", today=MON)
    assert not again[0].changed


def test_a_future_entry_needs_force_and_nothing_changes_without_it(journal: Journal) -> None:
    today, _ = journal.add_entry(event="Today", date="2026-11-23", status="planned")
    later, _ = journal.add_entry(event="Friday", date="2026-11-27", status="planned")
    before = journal.path.read_bytes()
    with pytest.raises(FutureEntryError, match="dated after today.*--force"):
        journal.set_status([today.id, later.id], "done", today=MON)
    assert journal.path.read_bytes() == before  # all or nothing
    with pytest.raises(NotFoundError):
        journal.set_status([today.id, "01ZZZZZZZZZZZZZZZZZZZZZZZZ"], "done", today=MON)
    assert journal.path.read_bytes() == before
    done = journal.set_status([today.id, later.id], "done", today=MON, force=True)
    assert [c.entry.status for c in done] == ["done", "done"]
    # unticking a future entry needs nothing
    assert journal.set_status([later.id], "planned", today=MON)[0].entry.status == "planned"


# -- carry-over ----------------------------------------------------------------------------------------
def test_next_working_day_and_where_carried_work_goes() -> None:
    assert next_working_day(FRI, SAT_SUN) == date(2026, 11, 30)  # over the weekend
    assert next_working_day(date(2026, 11, 30), SAT_SUN) == date(2026, 12, 1)  # over a month end
    assert next_working_day(date(2026, 12, 31), SAT_SUN) == date(2027, 1, 1)  # and a year end
    assert next_working_day(date(2026, 11, 26), frozenset({4, 5})) == date(2026, 11, 29)  # Fri/Sat off
    assert carry_target(date(2026, 11, 10), MON, SAT_SUN) == MON  # from long ago: to today
    assert carry_target(date(2026, 11, 10), date(2026, 11, 28), SAT_SUN) == date(2026, 11, 30)
    with pytest.raises(ValueError):
        next_working_day(MON, range(7))


def test_carry_over_a_weekend_keeps_times_and_says_where_from(journal: Journal) -> None:
    open_, _ = journal.add_entry(event="Visit", date="2026-11-27", time="09:00", end_time="10:00",
                                 status="planned", priority="high")
    done, _ = journal.add_entry(event="Call", date="2026-11-27", status="planned")
    journal.set_status([done.id], "done", today=FRI)
    cancelled, _ = journal.add_entry(event="Dinner", date="2026-11-27", status="cancelled")
    result = journal.carry_over(FRI, today=FRI, weekend=SAT_SUN)
    assert result.target == date(2026, 11, 30)
    assert [e.id for e in result.moved] == [open_.id]
    moved = journal.get_entry(open_.id)
    assert (moved.date, moved.time, moved.end_time, moved.carried_from, moved.origin, moved.priority,
            moved.status) == ("2026-11-30", "09:00", "10:00", ["2026-11-27"], "planned", "high",
                              "planned")
    assert journal.get_entry(done.id).date == journal.get_entry(cancelled.id).date == "2026-11-27"
    # carried again, across a month end: it remembers every day it left
    again = journal.carry_over(date(2026, 11, 30), today=date(2026, 11, 30), weekend=SAT_SUN)
    assert again.target == date(2026, 12, 1)
    assert journal.get_entry(open_.id).carried_from == ["2026-11-27", "2026-11-30"]
    assert journal.carry_over(FRI, today=FRI).moved == []  # nothing left: nothing happens


def test_carry_to_a_named_day_and_not_backwards(journal: Journal) -> None:
    entry, _ = journal.add_entry(event="Visit", date="2026-11-23", status="planned")
    with pytest.raises(ValidationError, match="moves work forward"):
        journal.carry_over(MON, date(2026, 11, 20), today=MON)
    result = journal.carry_over(MON, date(2026, 11, 28), today=MON)  # a Saturday, as told
    assert result.target == date(2026, 11, 28) and journal.get_entry(entry.id).date == "2026-11-28"


def test_left_overs_of_the_last_two_weeks(journal: Journal) -> None:
    old, _ = journal.add_entry(event="Ancient", date="2026-11-01", status="planned")
    fri, _ = journal.add_entry(event="Friday's", date="2026-11-20", status="planned")
    journal.add_entry(event="Done", date="2026-11-20")
    journal.add_entry(event="Today's", date="2026-11-23", status="planned")
    assert [e.id for e in journal.unfinished_before(MON)] == [fri.id]
    moved = journal.carry_entries([fri.id, old.id], MON)
    assert {e.id for e in moved} == {fri.id, old.id}
    assert journal.unfinished_before(MON) == []


# -- the day's note and reviews --------------------------------------------------------------------------
def test_day_note_keeps_what_another_process_saved_meanwhile(journal: Journal) -> None:
    journal.set_day_note("2026-11-23", "first")
    Journal(journal.path).set_day_note("2026-11-23", "changed elsewhere")
    journal.set_day_note("2026-11-23", "mine", base="first")
    doc = journal.tables["days"]["2026-11-23"]
    assert doc["note"] == "mine"
    assert [(c["field"], c["value"]) for c in doc["conflicts"]] == [("note", "changed elsewhere")]
    journal.set_day_note("2026-11-23", "", base="first")  # emptying what I did not see: kept
    assert journal.day_note("2026-11-23") == "mine"
    journal.set_day_note("2026-11-23", "", base="mine")
    assert journal.day_note("2026-11-23") == ""


def test_reviews_are_stored_per_period(journal: Journal) -> None:
    assert journal.set_review("2026-W48", "## 本周工作\n拜访 3 家客户") is True
    assert journal.review("2026-W48") == "## 本周工作\n拜访 3 家客户"
    assert journal.set_review("2026-11", template("month", True)) is False  # headings only
    assert "2026-11" not in journal.tables["reviews"]
    assert journal.set_review("2026-W48", "") is False
    assert journal.review("2026-W48") == ""
    for bad in ("2026-W54", "2026-13", "2026-Q5", "W48", "2026-11-23"):
        with pytest.raises(ValidationError, match="review period"):
            journal.set_review(bad, "x")


def test_review_ids_and_periods() -> None:
    assert review_id("week", date(2027, 1, 1)) == "2026-W53"  # the ISO year
    assert review_id("month", MON) == "2026-11" and review_id("quarter", MON) == "2026-Q4"
    assert review_period("2026-W53") == ("week", date(2026, 12, 28), date(2027, 1, 3))
    assert review_period("2026-02") == ("month", date(2026, 2, 1), date(2026, 2, 28))
    assert review_period("2026-Q4") == ("quarter", date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(ValidationError):
        review_period("2025-W53")  # 2025 has 52 ISO weeks


def test_review_headings_follow_the_journal_or_the_locale() -> None:
    assert template("week", True).splitlines()[0] == "## 本周工作"
    assert [line for line in template("week", True).splitlines() if line] == [
        "## 本周工作", "## 问题与风险", "## 下周计划"]
    assert "## Plans for next month" in template("month", False)
    assert is_chinese(["拜访华辰", "Call Li", "团队周会"], environ={})
    assert not is_chinese(["Call Li", "Visit ACME", "Lunch", "拜访"], environ={"LANG": "en_GB.UTF-8"})
    assert is_chinese([], environ={"LANG": "zh_CN.UTF-8"})
    assert is_chinese(["Call"], environ={"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"})
    assert is_unwritten(template("quarter", False)) and not is_unwritten("## x\nwritten")


# -- expenses and settings -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("120 CNY 午餐", (120, "CNY", "午餐")), ("120 午餐", (120, "HKD", "午餐")),
    ("¥35.5 打车", (35.5, "CNY", "打车")), ("￥35 打车", (35, "CNY", "打车")),
    ("HK$300 dinner", (300, "HKD", "dinner")), ("$20 tip", (20, "USD", "tip")),
    ("120元 午餐", (120, "CNY", "午餐")), ("CNY 120 lunch", (120, "CNY", "lunch")),
    ("1,200.50 usd hotel", (1200.5, "USD", "hotel")), ("120 bus fare", (120, "HKD", "bus fare")),
    ("120 CUP", (120, "CUP", "")), ("１２０ ＣＮＹ", (120, "CNY", "")),
])
def test_expenses_as_typed(text: str, expected: tuple) -> None:
    got = parse_expense(text, "HKD")
    assert (got["amount"], got["currency"], got["note"]) == expected
    assert parse_expense(format_expense(got), "EUR") == got  # what is shown reads back


@pytest.mark.parametrize("text", ["lunch 120", "0 CNY", "-5 CNY", "120.12345", "CNY 120 USD",
                                  "", "CNY", "120 CNY " + "x" * 201])
def test_bad_expenses_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="invalid expense"):
        parse_expense(text, "CNY")


def test_expense_totals_per_currency_are_exact() -> None:
    items = parse_expenses("0.1 CNY a; 0.2 CNY b；5 usd c; 7 d", "HKD")
    assert sum_by_currency(items) == {"CNY": 0.3, "HKD": 7, "USD": 5}
    assert sum_by_currency([{"amount": float("nan"), "currency": "CNY"}]) == {}


def test_routine_settings() -> None:
    assert routine_config_from({}) == RoutineConfig("CNY", frozenset({5, 6}))
    config = routine_config_from({"default_currency": "hkd", "weekend_days": ["fri", "周六"]})
    assert config == RoutineConfig("HKD", frozenset({4, 5}))
    assert config.describe_weekend() == "fri, sat"
    assert parse_weekend("sun") == frozenset({6}) and parse_weekend([]) == frozenset()
    assert check_currency("ｕｓｄ") == "USD"
    with pytest.raises(ValidationError, match="default_currency in s.json"):
        routine_config_from({"default_currency": "HK$"}, "s.json")
    with pytest.raises(ValidationError, match="every day of the week"):
        parse_weekend(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    with pytest.raises(ValidationError, match="not a weekday"):
        parse_weekend(["someday"])


def test_entries_validate_the_new_fields() -> None:
    base = {"date": "2026-11-23", "event": "x", "created_at": "2026-11-23T00:00:00.000000Z",
            "updated_at": "2026-11-23T00:00:00.000000Z"}
    assert Entry.from_doc("A", {**base, "priority": "normal"}).to_doc().get("priority") is None
    for field, value in (("priority", "urgent"), ("origin", "sometime"),
                         ("carried_from", ["2026-02-30"]),
                         ("expenses", [{"amount": float("inf"), "currency": "CNY"}])):
        with pytest.raises(JournalError):
            Entry.from_doc("A", {**base, field: value})
