"""Tests for journal.dates: the grammar, the weekday rule, week/month/year edges, and the promise
that nothing but a one-line DateError ever escapes, whatever is typed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.dates import (
    DateError,
    format_date_human,
    iso_week_bounds,
    month_bounds,
    parse_date,
    parse_month,
    parse_period,
    parse_time,
    parse_week,
)
from journal.errors import JournalError, ValidationError

MON = date(2026, 11, 23)  # Monday of ISO week 2026-W48
WED = date(2026, 11, 25)
SUN = date(2026, 11, 29)
D = date  # short alias for the tables below


# --------------------------------------------------------------------------- absolute dates


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23", "2026/11/23", "2026.11.23", "20261123", "2026-11-23 ", "  2026-11-23\n",
        "\t2026-11-23\r\n", "2026年11月23日", "2026年11月23号", "2026 年 11 月 23 日",
        "11月23日", "11月23号", "11月23", "11-23", "二〇二六年十一月二十三日", "十一月二十三日",
        "２０２６－１１－２３", "２０２６年１１月２３日", "23 nov", "23 Nov 2026", "nov 23", "Nov 23, 2026",
        "november 23rd 2026", "23rd November", "NOV. 23", "Mon 23 Nov 2026", "monday, 23 nov 2026",
        "mon 2026-11-23", "2026-W48-1", "2026W481", "today", "TODAY", "  Today  ", "ｔｏｄａｙ", "now",
        "今天", "今日", "monday", "mon", "Mon.", "周一", "星期一", "礼拜一", "this monday", "本周一",
        "这周一", "in 0 days", "0 days ago", "this week", "本周", "这周", "这个星期", "0天前",
    ],
)
def test_forms_that_mean_monday_23_nov_2026(text: str) -> None:
    assert parse_date(text, today=MON) == MON


def test_short_numeric_dates_are_year_first() -> None:
    assert parse_date("2026-1-5", today=MON) == D(2026, 1, 5)
    assert parse_date("2026/01/05", today=MON) == D(2026, 1, 5)
    assert parse_date("1-5", today=MON) == D(2026, 1, 5)
    with pytest.raises(DateError):
        parse_date("2026-01/05", today=MON)  # mixed separators are a typo, not a date
    with pytest.raises(DateError):
        parse_date("5/1", today=MON)  # day-first vs month-first: refuse rather than guess
    with pytest.raises(DateError):
        parse_date("23/11/2026", today=MON)


def test_dates_without_a_year_use_todays_year() -> None:
    jan2 = D(2027, 1, 2)
    assert parse_date("11-23", today=jan2) == D(2027, 11, 23)
    assert parse_date("12月31日", today=jan2) == D(2027, 12, 31)
    assert parse_date("dec 31", today=jan2) == D(2027, 12, 31)


def test_leap_days() -> None:
    assert parse_date("2024-02-29") == D(2024, 2, 29)
    assert parse_date("2000-02-29") == D(2000, 2, 29)
    assert parse_date("2月29日", today=D(2028, 6, 1)) == D(2028, 2, 29)
    for bad in ("2026-02-29", "1900-02-29", "20260229"):
        with pytest.raises(DateError, match="day is out of range for month"):
            parse_date(bad)
    with pytest.raises(DateError):
        parse_date("2月29日", today=D(2026, 6, 1))
    assert parse_date("1 year ago", today=D(2024, 2, 29)) == D(2023, 2, 28)


def test_weekday_prefix_must_agree_with_the_date() -> None:
    with pytest.raises(DateError, match="2026-11-24 is a Tuesday"):
        parse_date("Mon 24 Nov 2026")
    with pytest.raises(DateError):
        parse_date("mon next friday", today=MON)


# --------------------------------------------------------------------------- relative dates


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        # bare weekday: most recent on or before today
        (MON, "friday", D(2026, 11, 20)), (MON, "monday", MON), (MON, "sunday", D(2026, 11, 22)),
        (WED, "friday", D(2026, 11, 20)), (WED, "wed", WED), (WED, "monday", MON),
        (SUN, "friday", D(2026, 11, 27)), (SUN, "sun", SUN), (SUN, "monday", MON),
        (SUN, "tues", D(2026, 11, 24)), (SUN, "thurs", D(2026, 11, 26)), (SUN, "thu", D(2026, 11, 26)),
        # last X: strictly before today
        (MON, "last monday", D(2026, 11, 16)), (MON, "last friday", D(2026, 11, 20)),
        (WED, "last wednesday", D(2026, 11, 18)), (WED, "last friday", D(2026, 11, 20)),
        (SUN, "last sunday", D(2026, 11, 22)), (SUN, "last friday", D(2026, 11, 27)),
        # next X: strictly after today
        (MON, "next monday", D(2026, 11, 30)), (MON, "next friday", D(2026, 11, 27)),
        (WED, "next wednesday", D(2026, 12, 2)), (WED, "next tue", D(2026, 12, 1)),
        (SUN, "next sunday", D(2026, 12, 6)), (SUN, "next monday", D(2026, 11, 30)),
        # this X: that day of the current ISO week
        (MON, "this sunday", SUN), (WED, "this monday", MON), (SUN, "this friday", D(2026, 11, 27)),
        # Chinese bare weekday: same rule as English
        (MON, "周五", D(2026, 11, 20)), (SUN, "周五", D(2026, 11, 27)), (SUN, "星期日", SUN),
        (SUN, "星期天", SUN), (WED, "礼拜一", MON), (WED, "礼拜天", D(2026, 11, 22)),
        (WED, "周3", WED), (WED, "週四", D(2026, 11, 19)),
        # 上周X / 下周X / 本周X: calendar weeks
        (MON, "上周五", D(2026, 11, 20)), (SUN, "上周五", D(2026, 11, 20)),
        (WED, "上周一", D(2026, 11, 16)), (SUN, "上个星期天", D(2026, 11, 22)),
        (MON, "下周一", D(2026, 11, 30)), (SUN, "下周一", D(2026, 11, 30)),
        (SUN, "本周三", WED), (MON, "这周日", SUN), (WED, "上週五", D(2026, 11, 20)),
        (WED, "上上周", D(2026, 11, 9)), (WED, "下下周一", D(2026, 12, 7)),
        # week words -> Monday
        (MON, "this week", MON), (SUN, "this week", MON), (SUN, "last week", D(2026, 11, 16)),
        (SUN, "next week", D(2026, 11, 30)), (MON, "上周", D(2026, 11, 16)),
        (WED, "下周", D(2026, 11, 30)), (SUN, "本周", MON), (WED, "这周", MON),
        (WED, "下个礼拜", D(2026, 11, 30)),
        # month / year words -> first day
        (WED, "this month", D(2026, 11, 1)), (WED, "last month", D(2026, 10, 1)),
        (WED, "next month", D(2026, 12, 1)), (WED, "本月", D(2026, 11, 1)),
        (WED, "这个月", D(2026, 11, 1)), (WED, "上个月", D(2026, 10, 1)), (WED, "上月", D(2026, 10, 1)),
        (WED, "下个月", D(2026, 12, 1)), (WED, "下月", D(2026, 12, 1)), (WED, "下個月", D(2026, 12, 1)),
        (WED, "this year", D(2026, 1, 1)), (WED, "去年", D(2025, 1, 1)), (WED, "明年", D(2027, 1, 1)),
        # keywords
        (WED, "yesterday", D(2026, 11, 24)), (WED, "tomorrow", D(2026, 11, 26)),
        (WED, "day before yesterday", D(2026, 11, 23)), (WED, "day after tomorrow", D(2026, 11, 27)),
        (WED, "昨天", D(2026, 11, 24)), (WED, "昨日", D(2026, 11, 24)), (WED, "前天", MON),
        (WED, "明天", D(2026, 11, 26)), (WED, "明日", D(2026, 11, 26)), (WED, "后天", D(2026, 11, 27)),
        (WED, "後天", D(2026, 11, 27)), (WED, "大前天", D(2026, 11, 22)), (WED, "大后天", D(2026, 11, 28)),
        # counts
        (WED, "3 days ago", D(2026, 11, 22)), (WED, "1 day ago", D(2026, 11, 24)),
        (WED, "a day ago", D(2026, 11, 24)), (WED, "in 4 days", SUN), (WED, "in a week", D(2026, 12, 2)),
        (WED, "2 weeks ago", D(2026, 11, 11)), (WED, "in 2 weeks", D(2026, 12, 9)),
        (WED, "4 days from now", SUN), (WED, "4 days later", SUN), (WED, "a month ago", D(2026, 10, 25)),
        (WED, "in 2 years", D(2028, 11, 25)), (WED, "3天前", D(2026, 11, 22)), (WED, "3天后", D(2026, 11, 28)),
        (WED, "３天前", D(2026, 11, 22)), (WED, "3 天 前", D(2026, 11, 22)), (WED, "三天前", D(2026, 11, 22)),
        (WED, "两周后", D(2026, 12, 9)), (WED, "2个星期以前", D(2026, 11, 11)),
        (WED, "三个月前", D(2026, 8, 25)), (WED, "1年后", D(2027, 11, 25)), (WED, "十天之后", D(2026, 12, 5)),
    ],
)
def test_relative_dates(today: date, text: str, expected: date) -> None:
    assert parse_date(text, today=today) == expected


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert parse_date("1 month ago", today=D(2026, 3, 31)) == D(2026, 2, 28)
    assert parse_date("1 month ago", today=D(2024, 3, 31)) == D(2024, 2, 29)
    assert parse_date("last month", today=D(2026, 3, 31)) == D(2026, 2, 1)
    assert parse_date("in 1 month", today=D(2026, 1, 31)) == D(2026, 2, 28)


def test_year_boundaries() -> None:
    new_year = D(2027, 1, 1)  # a Friday
    assert parse_date("yesterday", today=new_year) == D(2026, 12, 31)
    assert parse_date("tomorrow", today=D(2026, 12, 31)) == new_year
    assert parse_date("last week", today=new_year) == D(2026, 12, 21)
    assert parse_date("this week", today=new_year) == D(2026, 12, 28)
    assert parse_date("next week", today=D(2026, 12, 30)) == D(2027, 1, 4)
    assert parse_date("next month", today=D(2026, 12, 15)) == new_year
    assert parse_date("上个月", today=D(2026, 1, 10)) == D(2025, 12, 1)
    assert parse_date("last friday", today=D(2027, 1, 3)) == new_year
    assert parse_date("next monday", today=D(2026, 12, 31)) == D(2027, 1, 4)
    assert parse_date("上周五", today=D(2027, 1, 4)) == new_year


def test_today_defaults_to_the_real_today() -> None:
    before = date.today()
    got = parse_date("today")
    assert got in {before, date.today()}
    assert parse_date("today", today=datetime(2026, 11, 23, 23, 59)) == MON


def test_numbered_periods_are_not_dates() -> None:
    for text, kind in [("2026-11", "month"), ("2026", "year"), ("2026-W47", "week"),
                       ("11月", "month"), ("nov", "month"), ("2026年", "year"),
                       ("2026-11-01..2026-11-03", "range"), ("today..tomorrow", "range")]:
        with pytest.raises(DateError, match=f"that is a {kind}, not a single day"):
            parse_date(text, today=MON)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"), ("   ", "empty"), ("\n\t", "empty"),
        ("2026-02-30", "day is out of range for month"), ("2026-13-01", "month must be in 1..12"),
        ("2026-00-10", "month must be in 1..12"), ("2026-11-00", "day is out of range"),
        ("2026-11-31", "day is out of range"), ("0000-01-01", "year 0 is out of range"),
        ("garbage", "not a date I understand"), ("10000-01-01", "not a date I understand"),
        ("2026-11-23\x00", "control"), ("\x1b[31m2026-11-23", "control"),
        ("2026-11-23\u200b", "invisible"), ("3 days", "'in N days' or 'N days ago'"),
        ("in 3 days ago", "'in N days' or 'N days ago'"), ("100000 days ago", "too far away"),
        ("99999 years ago", "out of range"), ("2021-W53-1", "week must be 1..52 in 2021"),
        ("2026-W00", "week must be 1..53 in 2026"), ("十十月", "cannot read the number"),
        ("tomorrow..yesterday", "the range ends before it starts"), ("13月1日", "month must be"),
        ("may 32", "day is out of range"), ("a" * 1_000_000, "too long"),
    ],
)
def test_invalid_dates_give_one_clear_line(text: str, reason: str) -> None:
    with pytest.raises(DateError) as info:
        parse_period(text, today=MON) if "W00" in text else parse_date(text, today=MON)
    message = str(info.value)
    assert reason in message
    assert message.startswith(("invalid date ", "invalid period "))
    assert "\n" not in message and "\x00" not in message and "\x1b" not in message
    assert len(message) < 200


def test_error_quotes_are_truncated_and_escaped() -> None:
    with pytest.raises(DateError) as info:
        parse_date("x" * 100)
    assert str(info.value).startswith("invalid date '" + "x" * 40 + "…'")
    with pytest.raises(DateError) as info:
        parse_date("2026\x00-11\n-23")
    assert "'2026\\x00-11\\n-23'" in str(info.value)
    assert str(info.value) == str(info.value).strip()


def test_date_error_is_a_validation_error() -> None:
    assert issubclass(DateError, ValidationError)
    assert issubclass(DateError, JournalError)


@pytest.mark.parametrize("value", [None, 20261123, b"2026-11-23", ["2026-11-23"]])
def test_non_text_is_a_date_error(value: object) -> None:
    with pytest.raises(DateError, match="expected text"):
        parse_date(value)  # type: ignore[arg-type]
    with pytest.raises(DateError):
        parse_time(value)  # type: ignore[arg-type]


def test_calendar_edges_are_date_errors() -> None:
    with pytest.raises(DateError, match="out of range"):
        parse_date("yesterday", today=date.min)
    with pytest.raises(DateError, match="out of range"):
        parse_date("next month", today=D(9999, 12, 1))
    with pytest.raises(DateError):
        parse_date("next week", today=date.max)
    assert parse_week("this week", today=date.max) == (D(9999, 12, 27), date.max)
    assert parse_date("9999-12-31") == date.max
    assert parse_date("0001-01-01") == date.min


# --------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:30", "09:30"), ("09:30", "09:30"), ("0930", "09:30"), ("930", "09:30"), ("9.30", "09:30"),
        ("9h30", "09:30"), ("9h", "09:00"), ("14", "14:00"), ("0:00", "00:00"), ("23:59", "23:59"),
        ("9am", "09:00"), ("9 AM", "09:00"), ("9 a.m.", "09:00"), ("2:15pm", "14:15"),
        ("2:15 P.M.", "14:15"), ("12am", "00:00"), ("12:30am", "00:30"), ("12pm", "12:00"),
        ("11:59pm", "23:59"), ("noon", "12:00"), ("midnight", "00:00"), ("１４：３０", "14:30"),
        ("  14:30 ", "14:30"), ("14时30分", "14:30"), ("14点30分", "14:30"), ("14点30", "14:30"),
        ("14点05分", "14:05"), ("9点5分", "09:05"), ("14点半", "14:30"), ("14点", "14:00"),
        ("14点整", "14:00"), ("14时", "14:00"), ("两点半", "02:30"), ("十点", "10:00"),
        ("十二点一刻", "12:15"), ("3点三刻", "03:45"), ("下午2点", "14:00"), ("下午 2点半", "14:30"),
        ("下午2:30", "14:30"), ("下午12点", "12:00"), ("下午14点", "14:00"), ("上午9点", "09:00"),
        ("早上8点", "08:00"), ("上午12点", "12:00"), ("凌晨3点", "03:00"), ("凌晨12点", "00:00"),
        ("中午", "12:00"), ("中午12点", "12:00"), ("中午1点", "13:00"), ("晚上8点", "20:00"),
        ("晚上12点", "00:00"), ("傍晚6点", "18:00"), ("夜里2点", "02:00"), ("夜里11点", "23:00"),
        ("下午兩點", "14:00"), ("下午3點", "15:00"),
    ],
)
def test_parse_time(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25:00", "hour must be 0..23"), ("24:00", "hour must be 0..23"),
        ("12:60", "minute must be 0..59"), ("", "empty"), ("13pm", "hour must be 1..12 with am/pm"),
        ("0am", "hour must be 1..12"), ("9:5", "not a time I understand"),
        ("9:30:00", "not a time I understand"), ("下午2pm", "not both"), ("上午13点", "上午"),
        ("中午5点", "中午"), ("14点61分", "minute must be 0..59"), ("later", "not a time"),
        ("9:30\x00", "control"), ("x" * 500, "too long"),
    ],
)
def test_parse_time_rejects(text: str, reason: str) -> None:
    with pytest.raises(DateError) as info:
        parse_time(text)
    assert reason in str(info.value)
    assert str(info.value).startswith("invalid time ")


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (MON, "today", (MON, MON)), (WED, "yesterday", (D(2026, 11, 24), D(2026, 11, 24))),
        (WED, "2026-11-23", (MON, MON)), (WED, "last friday", (D(2026, 11, 20), D(2026, 11, 20))),
        (MON, "this week", (MON, SUN)), (WED, "this week", (MON, SUN)), (SUN, "this week", (MON, SUN)),
        (SUN, "last week", (D(2026, 11, 16), D(2026, 11, 22))),
        (MON, "next week", (D(2026, 11, 30), D(2026, 12, 6))),
        (WED, "上周", (D(2026, 11, 16), D(2026, 11, 22))), (WED, "本周", (MON, SUN)),
        (WED, "这周", (MON, SUN)), (WED, "下周", (D(2026, 11, 30), D(2026, 12, 6))),
        (WED, "2026-W48", (MON, SUN)), (WED, "2026w48", (MON, SUN)), (WED, "W48", (MON, SUN)),
        (WED, "2026年第48周", (MON, SUN)), (WED, "第48周", (MON, SUN)),
        (WED, "2026-W53", (D(2026, 12, 28), D(2027, 1, 3))),
        (WED, "2020-W53", (D(2020, 12, 28), D(2021, 1, 3))),
        (WED, "2026-W01", (D(2025, 12, 29), D(2026, 1, 4))),
        (WED, "2027-W01", (D(2027, 1, 4), D(2027, 1, 10))),
        (WED, "2026-11", (D(2026, 11, 1), D(2026, 11, 30))), (WED, "2026/2", (D(2026, 2, 1), D(2026, 2, 28))),
        (WED, "2024.02", (D(2024, 2, 1), D(2024, 2, 29))), (WED, "nov 2026", (D(2026, 11, 1), D(2026, 11, 30))),
        (WED, "february", (D(2026, 2, 1), D(2026, 2, 28))), (WED, "11月", (D(2026, 11, 1), D(2026, 11, 30))),
        (WED, "2026年12月", (D(2026, 12, 1), D(2026, 12, 31))),
        (WED, "this month", (D(2026, 11, 1), D(2026, 11, 30))),
        (WED, "last month", (D(2026, 10, 1), D(2026, 10, 31))),
        (WED, "上个月", (D(2026, 10, 1), D(2026, 10, 31))), (WED, "下月", (D(2026, 12, 1), D(2026, 12, 31))),
        (WED, "2026", (D(2026, 1, 1), D(2026, 12, 31))), (WED, "2026年", (D(2026, 1, 1), D(2026, 12, 31))),
        (WED, "last year", (D(2025, 1, 1), D(2025, 12, 31))), (WED, "今年", (D(2026, 1, 1), D(2026, 12, 31))),
        (WED, "2026-11-01..2026-11-15", (D(2026, 11, 1), D(2026, 11, 15))),
        (WED, "2026-11-01 .. 2026-11-15", (D(2026, 11, 1), D(2026, 11, 15))),
        (WED, "2026.11.01..2026.11.15", (D(2026, 11, 1), D(2026, 11, 15))),
        (WED, "2026-10..2026-11", (D(2026, 10, 1), D(2026, 11, 30))),
        (WED, "last week to today", (D(2026, 11, 16), WED)),
        (WED, "11月1日到11月15日", (D(2026, 11, 1), D(2026, 11, 15))),
        (WED, "11月1日至11月15日", (D(2026, 11, 1), D(2026, 11, 15))),
        (WED, "2026-11-01～2026-11-02", (D(2026, 11, 1), D(2026, 11, 2))),
    ],
)
def test_parse_period(today: date, text: str, expected: tuple[date, date]) -> None:
    assert parse_period(text, today=today) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2021-W53", "week must be 1..52 in 2021"), ("2026-W54", "week must be 1..53"),
        ("2026-11-15..2026-11-01", "ends before it starts"), ("a..b..c", "not a period"),
        ("2026..2027..2028", "range cannot contain another range"), ("2026-13", "month must be in 1..12"),
        ("2026-0", "month must be in 1..12"), ("..", "not a period"), ("2026-11-01..", "not a period"),
    ],
)
def test_parse_period_rejects(text: str, reason: str) -> None:
    with pytest.raises(DateError) as info:
        parse_period(text, today=WED)
    assert reason in str(info.value)


# --------------------------------------------------------------------------- weeks and months


def test_iso_week_bounds() -> None:
    for offset in range(7):
        assert iso_week_bounds(MON + timedelta(offset)) == (MON, SUN)
    assert iso_week_bounds(D(2026, 12, 31)) == (D(2026, 12, 28), D(2027, 1, 3))
    assert iso_week_bounds(D(2027, 1, 3)) == (D(2026, 12, 28), D(2027, 1, 3))
    assert iso_week_bounds(datetime(2026, 11, 25, 8, 0)) == (MON, SUN)
    assert iso_week_bounds(date.min) == (date.min, D(1, 1, 7))
    assert iso_week_bounds(date.max) == (D(9999, 12, 27), date.max)


def test_month_bounds() -> None:
    assert month_bounds(D(2026, 2, 14)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert month_bounds(D(2024, 2, 29)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert month_bounds(D(2026, 12, 31)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert month_bounds(D(2026, 4, 1)) == (D(2026, 4, 1), D(2026, 4, 30))
    assert month_bounds(datetime(2026, 11, 25, 8, 0)) == (D(2026, 11, 1), D(2026, 11, 30))
    assert month_bounds(date.max) == (D(9999, 12, 1), date.max)


@pytest.mark.parametrize("today", [MON, WED, SUN])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, (MON, SUN)), ("this week", (MON, SUN)), ("本周", (MON, SUN)), ("这周", (MON, SUN)),
        ("2026-W48", (MON, SUN)), ("2026W48", (MON, SUN)), ("2026-11-25", (MON, SUN)),
        ("last week", (D(2026, 11, 16), D(2026, 11, 22))), ("上周", (D(2026, 11, 16), D(2026, 11, 22))),
        ("next week", (D(2026, 11, 30), D(2026, 12, 6))), ("下周", (D(2026, 11, 30), D(2026, 12, 6))),
        ("2026-W47", (D(2026, 11, 16), D(2026, 11, 22))), ("today", (MON, SUN)),
    ],
)
def test_parse_week(today: date, text: str | None, expected: tuple[date, date]) -> None:
    assert parse_week(text, today=today) == expected


def test_parse_week_edges() -> None:
    assert parse_week("2026-W53") == (D(2026, 12, 28), D(2027, 1, 3))
    assert parse_week("2020-W53") == (D(2020, 12, 28), D(2021, 1, 3))
    assert parse_week("2027-01-01") == (D(2026, 12, 28), D(2027, 1, 3))
    assert parse_week("W1", today=D(2025, 12, 30)) == (D(2025, 12, 29), D(2026, 1, 4))  # ISO year 2026
    with pytest.raises(DateError, match="week must be 1..52 in 2021"):
        parse_week("2021-W53")
    for text, kind in [("2026-11", "month"), ("this month", "month"), ("2026", "year"),
                       ("2026-11-01..2026-11-08", "range")]:
        with pytest.raises(DateError, match=f"invalid week .*that is a {kind}, not a week"):
            parse_week(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, (D(2026, 11, 1), D(2026, 11, 30))), ("2026-11", (D(2026, 11, 1), D(2026, 11, 30))),
        ("2026/11", (D(2026, 11, 1), D(2026, 11, 30))), ("this month", (D(2026, 11, 1), D(2026, 11, 30))),
        ("last month", (D(2026, 10, 1), D(2026, 10, 31))), ("next month", (D(2026, 12, 1), D(2026, 12, 31))),
        ("上个月", (D(2026, 10, 1), D(2026, 10, 31))), ("上月", (D(2026, 10, 1), D(2026, 10, 31))),
        ("本月", (D(2026, 11, 1), D(2026, 11, 30))), ("这个月", (D(2026, 11, 1), D(2026, 11, 30))),
        ("下个月", (D(2026, 12, 1), D(2026, 12, 31))), ("下月", (D(2026, 12, 1), D(2026, 12, 31))),
        ("2026-02-14", (D(2026, 2, 1), D(2026, 2, 28))), ("yesterday", (D(2026, 11, 1), D(2026, 11, 30))),
        ("nov 2026", (D(2026, 11, 1), D(2026, 11, 30))), ("2024年2月", (D(2024, 2, 1), D(2024, 2, 29))),
        ("十二月", (D(2026, 12, 1), D(2026, 12, 31))),
    ],
)
def test_parse_month(text: str | None, expected: tuple[date, date]) -> None:
    assert parse_month(text, today=WED) == expected


def test_parse_month_edges() -> None:
    assert parse_month("last month", today=D(2027, 1, 15)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert parse_month("next month", today=D(2026, 1, 31)) == (D(2026, 2, 1), D(2026, 2, 28))
    for text, kind in [("this week", "week"), ("2026-W48", "week"), ("2026", "year")]:
        with pytest.raises(DateError, match=f"invalid month .*that is a {kind}, not a month"):
            parse_month(text, today=WED)
    with pytest.raises(DateError, match="month must be in 1..12"):
        parse_month("2026-13")


# --------------------------------------------------------------------------- formatting


def test_format_date_human() -> None:
    assert format_date_human(MON) == "Mon 23 Nov 2026"
    assert format_date_human(D(2026, 11, 1), today=MON) == "Sun 1 Nov 2026"
    assert format_date_human(datetime(2026, 11, 25, 9, 0)) == "Wed 25 Nov 2026"
    assert format_date_human(date.min) == "Mon 1 Jan 0001"
    assert format_date_human(MON).isascii()


# --------------------------------------------------------------------------- properties

ALL_PARSERS = [
    lambda s, t: parse_date(s, today=t),
    lambda s, t: parse_period(s, today=t),
    lambda s, t: parse_week(s, today=t),
    lambda s, t: parse_month(s, today=t),
    lambda s, t: parse_time(s),
]
TOKENS = [
    "2026", "11", "23", "-", "/", ".", "..", "~", " to ", "年", "月", "日", "号", "周", "星期", "礼拜",
    "上", "下", "本", "这", "个", "第", "天", "前", "后", "十", "二", "两", "半", "点", "时", "分",
    "today", "last", "next", "this", "week", "month", "year", "mon", "friday", "nov", "ago", "in",
    "days", "a", "w", "53", "0", "9", "99999", "00", ":", "am", "pm", "下午", "凌晨", ",", " ", "st",
    "\x00", "\n", "１", "ｗ", "٣", "\u200b", "𝟚", "ﬀ", "ß", "İ",
]
texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(blacklist_categories=()), max_size=60),  # incl. lone surrogates
    st.lists(st.sampled_from(TOKENS), max_size=8).map("".join),
    st.lists(st.sampled_from(TOKENS), max_size=8).map(" ".join),
)
todays = st.one_of(st.dates(), st.sampled_from([date.min, date.max, MON, WED, SUN]))


@settings(max_examples=400, deadline=None)
@given(text=texts, today=todays, which=st.integers(0, len(ALL_PARSERS) - 1))
def test_any_text_gives_a_result_or_a_one_line_date_error(text: str, today: date, which: int) -> None:
    try:
        ALL_PARSERS[which](text, today)
    except DateError as exc:
        message = str(exc)
        assert message.startswith("invalid ")
        assert message.isprintable()  # one line, no raw control characters
        assert len(message) < 300


@settings(max_examples=200, deadline=None)
@given(d=st.dates(), today=todays)
def test_round_trips(d: date, today: date) -> None:
    assert parse_date(d.isoformat(), today=today) == d
    assert parse_date(d.strftime("%Y%m%d") if d.year >= 1000 else d.isoformat(), today=today) == d
    assert parse_date(format_date_human(d), today=today) == d
    assert parse_date(f"{d.year:04d}年{d.month}月{d.day}日", today=today) == d
    monday, sunday = parse_week(d.isoformat(), today=today)
    assert monday <= d <= sunday and monday.weekday() == 0
    assert sunday == date.max or (sunday - monday).days == 6
    first, last = parse_month(d.isoformat(), today=today)
    assert first.day == 1 and first <= d <= last and (last + timedelta(1)).day == 1 or last == date.max


@given(today=st.dates(min_value=D(2, 1, 1), max_value=D(9998, 12, 1)),
       wd=st.sampled_from(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]))
def test_weekday_rule(today: date, wd: str) -> None:
    bare = parse_date(wd, today=today)
    last = parse_date(f"last {wd}", today=today)
    nxt = parse_date(f"next {wd}", today=today)
    this = parse_date(f"this {wd}", today=today)
    assert bare.weekday() == last.weekday() == nxt.weekday() == this.weekday()
    assert 0 <= (today - bare).days <= 6
    assert 1 <= (today - last).days <= 7
    assert 1 <= (nxt - today).days <= 7
    assert iso_week_bounds(this) == iso_week_bounds(today)


@given(h=st.integers(0, 23), m=st.integers(0, 59))
def test_time_round_trips(h: int, m: int) -> None:
    canonical = f"{h:02d}:{m:02d}"
    assert parse_time(canonical) == canonical
    assert parse_time(f"{h}:{m:02d}") == canonical
    assert parse_time(f"{h:02d}{m:02d}") == canonical
    assert parse_time(f"{h}点{m}分") == canonical
    assert parse_time(f"{h % 12 or 12}:{m:02d}{'pm' if h >= 12 else 'am'}") == canonical


def test_planned_dates_read_forwards() -> None:
    """A planned entry's bare weekday is the next one on or after today; a date without a year
    the nearer of this year's and next year's. Everything else reads as before."""
    saturday = date(2026, 11, 28)
    forwards = {"周二": date(2026, 12, 1), "tuesday": date(2026, 12, 1), "sat": saturday,
                "星期日": date(2026, 11, 29), "last tuesday": date(2026, 11, 24),
                "上周二": date(2026, 11, 17), "yesterday": date(2026, 11, 27),
                "1月5日": date(2027, 1, 5), "11-20": date(2026, 11, 20),
                "2026-01-05": date(2026, 1, 5), "12-01": date(2026, 12, 1)}
    for text, expected in forwards.items():
        assert parse_date(text, today=saturday, prefer="future") == expected, text
    assert parse_date("周二", today=saturday) == date(2026, 11, 24)  # a log: the last one
    assert parse_date("1月5日", today=saturday) == date(2026, 1, 5)
    assert parse_date("02-29", today=date(2028, 3, 1), prefer="future") == date(2028, 2, 29)
