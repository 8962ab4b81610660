"""Working days: where carried-over work goes.

The weekend is configurable (:mod:`.config`): Saturday and Sunday by default, Friday and Saturday
in much of the Middle East, only Sunday for a six-day week. Public holidays and China's swapped
working weekends (调休) are not known here; ``--to`` names the day when the rule is wrong.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from journal.i18n import _


def is_working_day(day: date, weekend: Collection[int]) -> bool:
    return day.weekday() not in weekend


def next_working_day(day: date, weekend: Collection[int]) -> date:
    """The first working day after ``day`` (Friday → Monday with a Saturday/Sunday weekend)."""
    if len(set(weekend)) >= 7:
        raise ValueError(_("every day of the week is a day off"))
    following = day + timedelta(days=1)
    while following.weekday() in weekend:
        following += timedelta(days=1)
    return following


def carry_target(source: date, today: date, weekend: Collection[int]) -> date:
    """Where unfinished plans of ``source`` go by default: the next working day after it — but
    never a day already past: work left over from last Tuesday comes to today (or, on a day off,
    to the next working day), not to last Wednesday."""
    target = next_working_day(source, weekend)
    if target < today:
        target = today if is_working_day(today, weekend) else next_working_day(today, weekend)
    return target
