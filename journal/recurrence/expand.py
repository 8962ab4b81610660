"""The days a repeat rule produces, with ``dateutil.rrule``.

Occurrences are *local days*: the rule is expanded from midnight of the series' first day with
naive datetimes, so there are no time zones and no daylight-saving jumps to get wrong (a weekly
09:00 meeting stays at 09:00 across the change because the time is the entry's, not the rule's).

dateutil walks a rule from its start, so a daily series begun years ago would be walked day by
day for every view of today. Where it gives the same days, the start is moved forward to the
window first (a whole number of intervals, with the day-of-month / month / weekday the original
start implied written into the rule); rules with a COUNT, or several lines (EXDATE/RDATE from an
import), are walked from their start.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any

from dateutil.relativedelta import relativedelta

from journal.recurrence.compiled import build_rule, midnight
from journal.recurrence.rules import WEEKDAY_CODES, join_parts, rule_parts

__all__ = ["MAX_OCCURRENCES", "first_on_or_after", "occurrence_dates"]

#: At most this many occurrences of one series in one window (a daily rule over 30 years is
#: ~11k): a view never needs more, and a hostile rule cannot make a command run for minutes.
MAX_OCCURRENCES = 20_000


def _moved(rule: str, anchor: date, start: date) -> tuple[str, date]:
    """``rule`` and a start as close before ``start`` as give the same days (whole intervals
    on, with what the original start implied — its weekday, day of month, month — written into
    the rule, as dateutil would take it from there), or ``rule`` and ``anchor`` unchanged."""

    if start <= anchor or "\n" in rule.strip():
        return rule, anchor
    try:
        parts = rule_parts(rule)
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return rule, anchor
    freq = parts.get("FREQ")
    if "COUNT" in parts or interval < 1:
        return rule, anchor
    if not any(k in parts for k in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYEASTER")):
        if freq == "YEARLY":  # dateutil's own defaults, taken from the original start
            parts.setdefault("BYMONTH", str(anchor.month))
            parts["BYMONTHDAY"] = str(anchor.day)
        elif freq == "MONTHLY":
            parts["BYMONTHDAY"] = str(anchor.day)
        elif freq == "WEEKLY":
            parts["BYDAY"] = WEEKDAY_CODES[anchor.weekday()]
    if freq == "DAILY":
        new = anchor + timedelta(days=(start - anchor).days // interval * interval)
    elif freq == "WEEKLY":
        new = anchor + timedelta(days=7 * ((start - anchor).days // (7 * interval) * interval))
    elif freq == "MONTHLY":
        months = (start.year - anchor.year) * 12 + start.month - anchor.month
        new = (anchor + relativedelta(months=months // interval * interval)).replace(day=1)
    elif freq == "YEARLY":
        new = date(anchor.year + (start.year - anchor.year) // interval * interval, 1, 1)
    else:  # pragma: no cover - check_rule refuses other frequencies
        return rule, anchor
    if new <= anchor:
        return rule, anchor
    return join_parts(parts), new


def occurrence_dates(rule: str, anchor: date, start: date, end: date,
                     limit: int = MAX_OCCURRENCES) -> list[date]:
    """The days ``rule`` (started on ``anchor``) produces from ``start`` to ``end`` inclusive, at
    most ``limit`` of them. Raises ValueError for a rule dateutil cannot read."""
    if end < start or end < anchor:
        return []
    fast = _simple_days(rule, anchor, max(start, anchor), end, limit)
    if fast is not None:
        return fast
    moved, first = _moved(rule, anchor, max(start, anchor))
    built = build_rule(moved, first)
    low, high = midnight(max(start, anchor)), midnight(end) + timedelta(hours=23, minutes=59)
    found = islice(built.xafter(low, inc=True) if hasattr(built, "xafter")
                   else _after(built, low), limit)
    out: list[date] = []
    for moment in found:
        if moment > high:
            break
        out.append(moment.date())
    return out


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@lru_cache(maxsize=4096)
def _simple(rule: str) -> tuple[str, int, frozenset[int] | None, date | None] | None:
    """(freq, interval, weekdays, until) of a plain daily or weekly rule — the common ones, whose
    days are simple arithmetic — or None for anything else (dateutil walks those)."""
    text = rule.strip()
    if "\n" in text:
        return None
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for item in text.split(";"):
        name, sep, value = item.partition("=")
        if not sep:
            return None
        parts[name.strip().upper()] = value.strip().upper()
    freq = parts.pop("FREQ", "")
    interval = parts.pop("INTERVAL", "1")
    until = parts.pop("UNTIL", None)
    byday = parts.pop("BYDAY", None)
    if parts.pop("WKST", "MO") != "MO" or parts or freq not in ("DAILY", "WEEKLY") \
            or not interval.isdigit() or int(interval) < 1:
        return None
    days = None
    if byday is not None:
        codes = byday.split(",")
        if freq != "WEEKLY" or not all(c in _WEEKDAYS for c in codes):
            return None
        days = frozenset(_WEEKDAYS.index(c) for c in codes)
    end = None
    if until is not None:
        if len(until) < 8 or not until[:8].isdigit():
            return None
        try:
            end = date(int(until[:4]), int(until[4:6]), int(until[6:8]))
        except ValueError:
            return None
    return freq, int(interval), days, end


def _simple_days(rule: str, anchor: date, start: date, end: date, limit: int) -> list[date] | None:
    """:func:`occurrence_dates` by arithmetic for the rules :func:`_simple` reads (the same days
    dateutil gives: tests/test_recurrence_rules.py compares them), else None."""
    plain = _simple(rule)
    if plain is None:
        return None
    freq, interval, weekdays, until = plain
    if until is not None:
        end = min(end, until)
    out: list[date] = []
    if end < start:
        return out
    if freq == "DAILY":
        first = anchor.toordinal() + -(-(start.toordinal() - anchor.toordinal()) // interval) * interval
        for ordinal in range(first, end.toordinal() + 1, interval):
            out.append(date.fromordinal(ordinal))
            if len(out) >= limit:
                break
        return out
    weekdays = weekdays if weekdays is not None else frozenset({anchor.weekday()})
    week0 = anchor.toordinal() - anchor.weekday()  # the Monday of the first week
    ordinal = start.toordinal()
    last = end.toordinal()
    while ordinal <= last:
        monday = ordinal - date.fromordinal(ordinal).weekday()
        weeks = (monday - week0) // 7
        if weeks % interval:
            ordinal = monday + 7 * (interval - weeks % interval)  # the next week that counts
            continue
        day = date.fromordinal(ordinal)
        if day.weekday() in weekdays and day >= anchor:
            out.append(day)
            if len(out) >= limit:
                break
        ordinal += 1
    return out


def _after(rule: Any, low: datetime) -> Any:
    for moment in rule:
        if moment >= low:
            yield moment


def first_on_or_after(rule: str, anchor: date, day: date | None = None) -> date | None:
    """The first day ``rule`` produces on or after ``day`` (default: ``anchor``), or None."""
    day = day or anchor
    found = occurrence_dates(rule, anchor, day, date(9999, 12, 31), limit=1)
    return found[0] if found else None
