"""Follow-ups: "call back after the credit committee", "send the term sheet by Friday".

A follow-up is a planned entry with ``follows_id`` set to the entry (or occurrence) it follows
up, linked to the same contacts, projects and organisations. The original shows its follow-ups
by looking for entries that point at it (nothing is stored on it, so a follow-up added on one
machine and the original edited on another merge without touching each other); its *open*
follow-ups are those still planned.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from journal.errors import ValidationError
from journal.i18n import _

__all__ = ["follow_up_event", "parse_in"]

_UNITS = {"d": "days", "day": "days", "days": "days", "天": "days", "日": "days",
          "w": "weeks", "wk": "weeks", "week": "weeks", "weeks": "weeks", "周": "weeks",
          "星期": "weeks", "个星期": "weeks", "礼拜": "weeks", "个礼拜": "weeks",
          "m": "months", "mo": "months", "month": "months", "months": "months", "个月": "months",
          "月": "months", "y": "years", "year": "years", "years": "years", "年": "years"}
_CN = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
       "十": 10, "半": 0}


def parse_in(text: str, today: date) -> date:
    """``7d``, ``2w``, ``1 month``, ``3天``, ``两周``, ``1个月``: the day that far from ``today``."""
    import re
    import unicodedata

    s = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    s = s.removeprefix("in").removesuffix("后").removesuffix("later")
    units = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
    m = re.fullmatch(rf"([0-9]+|[一两二三四五六七八九十])({units})", s)
    if m is None:
        quoted = repr(text if len(text) <= 30 else text[:30] + "…")
        raise ValidationError(_("invalid delay {quoted}: try 3d, 2w, 1m (a month), 3天, 两周").format(quoted=quoted))
    n = int(m[1]) if m[1].isdigit() else _CN[m[1]]
    unit = _UNITS[m[2]]
    if not 0 <= n <= 3650:
        raise ValidationError(_("invalid delay {text!r}: too far").format(text=text))
    try:
        if unit == "days":
            return today + timedelta(days=n)
        if unit == "weeks":
            return today + timedelta(weeks=n)
        return today + (relativedelta(months=n) if unit == "months" else relativedelta(years=n))
    except (OverflowError, ValueError):
        raise ValidationError(_("invalid delay {text!r}: past the calendar's end (9999-12-31)").format(text=text)) from None


def follow_up_event(original_event: str) -> str:
    """The default event of a follow-up: what it follows up, marked as such."""
    text = f"Follow up: {original_event}"
    return text if len(text) <= 500 else text[:499] + "…"
