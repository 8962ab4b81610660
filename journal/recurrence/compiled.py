"""A stored repeat rule as dateutil reads it: the one place that turns the journal's RRULE text
into a ``dateutil.rrule`` object. The rule language (:mod:`journal.recurrence.rules`) uses it to
check a rule the way the expansion (:mod:`journal.recurrence.expand`) will read it.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from dateutil.rrule import rrulestr


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


@lru_cache(maxsize=4096)
def build_rule(rule: str, anchor: date) -> Any:
    """The dateutil rule (an ``rrule``, or an ``rruleset`` for several lines) of a stored rule
    starting on ``anchor``. Raises ValueError for a rule dateutil cannot read."""
    text = rule.strip()
    if "\n" in text:
        return rrulestr(text, dtstart=midnight(anchor), forceset=True, ignoretz=True)
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return rrulestr(text, dtstart=midnight(anchor), ignoretz=True)
