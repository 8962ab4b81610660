"""Repeat rules typed by people -> RRULE -> words, and the days a rule gives (month ends,
29 February, working days, local dates with no daylight-saving effects)."""

from __future__ import annotations

from datetime import date

import pytest

from journal.recurrence.expand import first_on_or_after, occurrence_dates
from journal.recurrence.rules import RuleError, check_rule, describe_rule, parse_repeat

MON = date(2026, 12, 7)  # a Monday


@pytest.mark.parametrize(("typed", "rule"), [
    ("weekly on mon,thu until 2027-06-30", "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630"),
    ("Weekly on Mon and Thu", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
    ("every other week on tue and fri", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR"),
    ("biweekly", "FREQ=WEEKLY;INTERVAL=2"),
    ("daily", "FREQ=DAILY"),
    ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
    ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("monthly on the second tuesday", "FREQ=MONTHLY;BYDAY=2TU"),
    ("the last friday of the month", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("monthly on the 31st", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
    ("yearly", "FREQ=YEARLY"),
    ("annually", "FREQ=YEARLY"),
    ("workdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("every monday", "FREQ=WEEKLY;BYDAY=MO"),
    ("weekly, 10 times", "FREQ=WEEKLY;COUNT=10"),
    ("daily count 5", "FREQ=DAILY;COUNT=5"),
    ("工作日", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("每周一", "FREQ=WEEKLY;BYDAY=MO"),
    ("每周一三", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("每周一、周四", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("每星期五", "FREQ=WEEKLY;BYDAY=FR"),
    ("每两周", "FREQ=WEEKLY;INTERVAL=2"),
    ("每天", "FREQ=DAILY"),
    ("每3天", "FREQ=DAILY;INTERVAL=3"),
    ("每隔一天", "FREQ=DAILY;INTERVAL=2"),
    ("每月15号", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("每月十五日", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("每月第二个周二", "FREQ=MONTHLY;BYDAY=2TU"),
    ("每月最后一个周五", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("每月最后一天", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("每季度", "FREQ=MONTHLY;INTERVAL=3"),
    ("每年", "FREQ=YEARLY"),
    ("每年3月15日", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"),
    ("每周一 10次", "FREQ=WEEKLY;BYDAY=MO;COUNT=10"),
    ("每天 直到2027年1月3日", "FREQ=DAILY;UNTIL=20270103"),
    ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("RRULE:freq=monthly;bymonthday=1", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("FREQ=DAILY;UNTIL=20270101T000000Z", "FREQ=DAILY;UNTIL=20270101"),
    ("ｗｅｅｋｌｙ", "FREQ=WEEKLY"),
])
def test_typed_rules_become_rrules(typed: str, rule: str) -> None:
    assert parse_repeat(typed, start=MON) == rule


@pytest.mark.parametrize("typed", [
    "", "sometimes", "weekly on funday", "FREQ=HOURLY", "FREQ=MINUTELY;INTERVAL=5",
    "FREQ=WEEKLY;BYHOUR=9", "FREQ=DAILY;COUNT=3;UNTIL=20270101", "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;COUNT=99999", "BYDAY=MO", "weekly until someday", "daily until 2026-01-01",
    "monthly on the 32nd", "每月40号", "x" * 400, "weekly until 2027-01-01 10 times",
    "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MONTHLY;BYDAY=6MO",
    "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31",
])
def test_bad_rules_are_refused_with_one_line(typed: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_repeat(typed, start=MON)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("invalid repeat rule")


@pytest.mark.parametrize(("rule", "words"), [
    ("FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630", "every week on Monday and Thursday until 2027-06-30"),
    ("FREQ=WEEKLY;INTERVAL=2", "every other week"),
    ("FREQ=DAILY;INTERVAL=3", "every 3 days"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "every month on the 15th"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "every month on the last day"),
    ("FREQ=MONTHLY;BYDAY=2TU", "every month on the second Tuesday"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every working day (Mon–Fri)"),
    ("FREQ=YEARLY;COUNT=3", "every year, 3 times"),
    ("nonsense", "nonsense"),
])
def test_rules_in_words(rule: str, words: str) -> None:
    assert describe_rule(rule) == words


def test_check_rule_stores_one_canonical_line() -> None:
    assert check_rule("RRULE:byday=MO;freq=weekly") == "FREQ=WEEKLY;BYDAY=MO"


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(rule: str, anchor: str, start: str, end: str) -> list[str]:
    return [x.isoformat() for x in occurrence_dates(rule, d(anchor), d(start), d(end))]


def test_weekly_on_two_days_until_an_end() -> None:
    rule = parse_repeat("weekly on mon,thu until 2026-12-21", start=MON)
    assert days(rule, "2026-12-07", "2026-12-01", "2027-01-31") == [
        "2026-12-07", "2026-12-10", "2026-12-14", "2026-12-17", "2026-12-21"]


def test_month_ends_the_last_day_and_a_31st() -> None:
    rule = parse_repeat("monthly on the 31st", start=d("2027-01-31"))
    assert days(rule, "2027-01-31", "2027-01-01", "2027-05-31") == [
        "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]
    # a plain "monthly" from the 31st means the month's end too
    assert parse_repeat("monthly", start=d("2027-01-31")) == "FREQ=MONTHLY;BYMONTHDAY=-1"
    # the 30th is skipped in February (RFC 5545), never moved to another day
    assert days("FREQ=MONTHLY;BYMONTHDAY=30", "2027-01-30", "2027-01-01", "2027-04-30") == [
        "2027-01-30", "2027-03-30", "2027-04-30"]


def test_29_february_falls_on_leap_years_only() -> None:
    assert days("FREQ=YEARLY", "2024-02-29", "2024-01-01", "2032-12-31") == [
        "2024-02-29", "2028-02-29", "2032-02-29"]
    # the leap day inside a daily rule is simply a day
    assert days("FREQ=DAILY", "2028-02-27", "2028-02-27", "2028-03-01") == [
        "2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01"]


def test_working_days_skip_weekends_across_a_year_end() -> None:
    rule = parse_repeat("工作日", start=d("2026-12-31"))
    assert days(rule, "2026-12-31", "2026-12-31", "2027-01-05") == [
        "2026-12-31", "2027-01-01", "2027-01-04", "2027-01-05"]


def test_local_dates_ignore_daylight_saving() -> None:
    # Europe and the US change clocks on these weekends; occurrences are days, not instants,
    # so a weekly Sunday rule keeps every Sunday, and a daily one every day, with no gap or repeat
    assert days("FREQ=WEEKLY;BYDAY=SU", "2027-03-21", "2027-03-21", "2027-04-04") == [
        "2027-03-21", "2027-03-28", "2027-04-04"]
    out = days("FREQ=DAILY", "2027-10-30", "2027-10-30", "2027-11-08")
    assert len(out) == len(set(out)) == 10


def test_second_tuesday_and_last_friday() -> None:
    assert days("FREQ=MONTHLY;BYDAY=2TU", "2026-12-08", "2026-12-01", "2027-03-31") == [
        "2026-12-08", "2027-01-12", "2027-02-09", "2027-03-09"]
    assert days("FREQ=MONTHLY;BYDAY=-1FR", "2026-12-25", "2026-12-01", "2027-02-28") == [
        "2026-12-25", "2027-01-29", "2027-02-26"]


def test_count_counts_from_the_start_even_for_a_late_window() -> None:
    assert days("FREQ=WEEKLY;COUNT=3", "2026-12-07", "2026-12-15", "2027-12-31") == ["2026-12-21"]


@pytest.mark.parametrize("rule", ["FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
                                  "FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=3", "FREQ=MONTHLY;BYDAY=2TU",
                                  "FREQ=YEARLY", "FREQ=YEARLY;INTERVAL=2", "FREQ=WEEKLY",
                                  "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20400101"])
@pytest.mark.parametrize("anchor", ["2019-01-31", "2020-02-29", "2021-07-15"])
def test_a_window_years_after_the_start_gives_the_same_days_as_walking_from_it(rule: str,
                                                                                anchor: str) -> None:
    from datetime import datetime

    from dateutil.rrule import rrulestr

    walked = [x.date().isoformat() for x in rrulestr(rule, dtstart=datetime.fromisoformat(anchor))
              .between(datetime(2026, 11, 20), datetime(2027, 3, 1, 23, 59), inc=True)]
    assert days(rule, anchor, "2026-11-20", "2027-03-01") == walked


def test_first_day_on_or_after() -> None:
    assert first_on_or_after("FREQ=WEEKLY;BYDAY=MO", d("2026-12-09")) == d("2026-12-14")
    assert first_on_or_after("FREQ=DAILY;COUNT=1", d("2026-12-09"), d("2026-12-10")) is None


@pytest.mark.parametrize("rule", ["FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;INTERVAL=7;UNTIL=20270110",
                                  "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;BYDAY=MO,TH",
                                  "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO", "FREQ=WEEKLY;INTERVAL=3;BYDAY=FR,SA",
                                  "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261231",
                                  "FREQ=WEEKLY;INTERVAL=4;BYDAY=WE;WKST=MO"])
@pytest.mark.parametrize("anchor", ["2019-01-31", "2020-02-29", "2021-07-15", "2026-11-29", "2026-12-01"])
@pytest.mark.parametrize(("start", "end"), [("2026-11-20", "2027-03-01"), ("2019-01-01", "2019-03-01"),
                                            ("2026-12-01", "2026-12-01")])
def test_daily_and_weekly_by_arithmetic_give_dateutils_days(rule: str, anchor: str, start: str,
                                                            end: str) -> None:
    from datetime import datetime, timedelta

    from dateutil.rrule import rrulestr

    walked = [x.date().isoformat() for x in rrulestr(rule, dtstart=datetime.fromisoformat(anchor))
              .between(datetime.fromisoformat(start), datetime.fromisoformat(end) + timedelta(hours=23),
                       inc=True)]
    assert days(rule, anchor, start, end) == walked
