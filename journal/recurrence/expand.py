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
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

__all__ = ["MAX_OCCURRENCES", "build_rule", "first_on_or_after", "occurrence_dates"]

#: At most this many occurrences of one series in one window (a daily rule over 30 years is
#: ~11k): a view never needs more, and a hostile rule cannot make a command run for minutes.
MAX_OCCURRENCES = 20_000


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


@lru_cache(maxsize=4096)
def build_rule(rule: str, anchor: date) -> Any:
    """The dateutil rule (an ``rrule``, or an ``rruleset`` for several lines) of a stored rule
    starting on ``anchor``. Raises ValueError for a rule dateutil cannot read."""
    text = rule.strip()
    if "\n" in text:
        return rrulestr(text, dtstart=_midnight(anchor), forceset=True, ignoretz=True)
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return rrulestr(text, dtstart=_midnight(anchor), ignoretz=True)


def _moved(rule: Any, anchor: date, start: date) -> Any:
    """``rule`` started as close before ``start`` as gives the same days, or ``rule`` itself."""
    if not isinstance(rule, rrule) or rule._count is not None or start <= anchor:  # noqa: SLF001
        return rule
    original = dict(rule._original_rule)  # noqa: SLF001 - the parts as given, for replace()
    freq, interval = rule._freq, rule._interval  # noqa: SLF001
    if freq == DAILY:
        steps = (start - anchor).days // interval
        new = anchor + timedelta(days=steps * interval)
    elif freq == WEEKLY:
        steps = (start - anchor).days // (7 * interval)
        new = anchor + timedelta(days=7 * steps * interval)
        if not original.get("byweekday"):
            original["byweekday"] = (anchor.weekday(),)
    elif freq == MONTHLY:
        months = (start.year - anchor.year) * 12 + start.month - anchor.month
        steps = months // interval
        new = (anchor + relativedelta(months=steps * interval)).replace(day=1)
        if not any(original.get(k) for k in ("bymonthday", "byweekday", "byyearday", "byweekno")):
            original["bymonthday"] = (anchor.day,)
        if new <= anchor:
            return rule
    elif freq == YEARLY:
        steps = (start.year - anchor.year) // interval
        new = date(anchor.year + steps * interval, 1, 1)
        if not any(original.get(k) for k in ("bymonthday", "byweekday", "byyearday", "byweekno",
                                             "bymonth")):
            original["bymonth"] = (anchor.month,)
            original["bymonthday"] = (anchor.day,)
        if new <= anchor:
            return rule
    else:  # pragma: no cover - check_rule refuses other frequencies
        return rule
    if new <= anchor:
        return rule
    return rule.replace(dtstart=_midnight(new), **{k: v for k, v in original.items()
                                                   if k != "dtstart"})


def occurrence_dates(rule: str, anchor: date, start: date, end: date,
                     limit: int = MAX_OCCURRENCES) -> list[date]:
    """The days ``rule`` (started on ``anchor``) produces from ``start`` to ``end`` inclusive, at
    most ``limit`` of them. Raises ValueError for a rule dateutil cannot read."""
    if end < start or end < anchor:
        return []
    built = _moved(build_rule(rule, anchor), anchor, max(start, anchor))
    low, high = _midnight(max(start, anchor)), _midnight(end) + timedelta(hours=23, minutes=59)
    found = islice(built.xafter(low, inc=True) if hasattr(built, "xafter")
                   else _after(built, low), limit)
    out: list[date] = []
    for moment in found:
        if moment > high:
            break
        out.append(moment.date())
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
