"""The settings the daily routine needs: the default currency of expenses and the weekend days.

They live in the per-machine settings file (:mod:`journal.settings`, ``settings.json``) under two
keys of their own, read here and nowhere else, so that they can move into a journal-wide
configuration file without touching the code that uses them::

    {"default_currency": "HKD", "weekend_days": ["fri", "sat"]}

Unlike the app's own toggles, a value that is set but wrong is an error naming the file and the
key, not a silent fallback: expenses booked in the wrong currency or plans carried onto a day off
would be worse than a clear message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journal.errors import ValidationError
from journal.i18n import _

#: The keys this module reads from the settings file.
CURRENCY_KEY = "default_currency"
WEEKEND_KEY = "weekend_days"
DEFAULT_CURRENCY = "CNY"
DEFAULT_WEEKEND = frozenset({5, 6})  # Saturday, Sunday
_CURRENCY_RE = re.compile(r"[A-Z]{3}\Z")
_DAY_NAMES = {name: i for i, names in enumerate((
    ("mon", "monday", "周一", "星期一", "1"), ("tue", "tues", "tuesday", "周二", "星期二", "2"),
    ("wed", "wednesday", "周三", "星期三", "3"), ("thu", "thur", "thurs", "thursday", "周四", "星期四", "4"),
    ("fri", "friday", "周五", "星期五", "5"), ("sat", "saturday", "周六", "星期六", "6"),
    ("sun", "sunday", "周日", "周天", "星期日", "星期天", "7"))) for name in names}
_WEEKDAY_ABBR = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class RoutineConfig:
    """What the routine's rules read from the configuration."""

    default_currency: str = DEFAULT_CURRENCY
    #: Weekdays (Monday = 0) that are not working days; carry-over skips them.
    weekend: frozenset[int] = DEFAULT_WEEKEND

    def describe_weekend(self) -> str:
        return ", ".join(_WEEKDAY_ABBR[d] for d in sorted(self.weekend)) or "none"


def check_currency(value: object, where: str = "currency") -> str:
    """A three-letter ISO 4217 code, upper-cased (``hkd`` → ``HKD``)."""
    text = unicodedata.normalize("NFKC", value).strip().upper() if isinstance(value, str) else ""
    if not _CURRENCY_RE.match(text):
        raise ValidationError(_("invalid {where} {value!r}: expected a three-letter currency "
                                "code such as CNY, HKD, USD").format(where=where, value=str(value)[:20]))
    return text


def parse_weekend(value: object, where: str = WEEKEND_KEY) -> frozenset[int]:
    """Weekend days from a list (``["sat", "sun"]``, ``["周五", "周六"]``, ``[5, 6]`` with
    Monday = 1) or a comma-separated string. Every day of the week off is refused: carrying work
    over would never find a day to put it on."""
    items: Iterable[Any]
    if isinstance(value, str):
        items = [part for part in re.split(r"[,，;； ]+", value) if part]
    elif isinstance(value, list):
        items = value
    else:
        raise ValidationError(_('invalid {where}: expected a list of weekdays such as ["sat", '
                                '"sun"]').format(where=where))
    days = set()
    for item in items:
        key = unicodedata.normalize("NFKC", str(item)).strip().casefold()
        if isinstance(item, bool) or key not in _DAY_NAMES:
            raise ValidationError(_("invalid {where}: {item!r} is not a weekday (mon..sun, "
                                    "周一..周日, or 1..7 with Monday = 1)").format(where=where, item=str(item)[:20]))
        days.add(_DAY_NAMES[key])
    if len(days) == 7:
        raise ValidationError(_("invalid {where}: every day of the week cannot be a day off").format(where=where))
    return frozenset(days)


def routine_config_from(values: Mapping[str, Any], source: Path | str = "settings") -> RoutineConfig:
    """The routine's configuration from a mapping of settings (missing keys: the defaults)."""
    currency, weekend = DEFAULT_CURRENCY, DEFAULT_WEEKEND
    if values.get(CURRENCY_KEY) is not None:
        currency = check_currency(values[CURRENCY_KEY], f"{CURRENCY_KEY} in {source}")
    if values.get(WEEKEND_KEY) is not None:
        weekend = parse_weekend(values[WEEKEND_KEY], f"{WEEKEND_KEY} in {source}")
    return RoutineConfig(currency, weekend)


def load_routine_config() -> RoutineConfig:
    """The routine's configuration from the per-machine settings file (see the module
    docstring); the defaults when the file or the keys are missing."""
    from journal.settings import load_settings, settings_path

    settings = load_settings()
    return routine_config_from(settings.extra, settings_path())
