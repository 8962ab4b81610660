"""When to remind, from what people type, relative to the entry's start.

* a lead time before the start: ``15m``, ``15 min``, ``1h``, ``2 hours``, ``1d``, ``1w``,
  ``1h30m``, ``30分钟``, ``1小时``, ``1天``, ``提前1天``; ``0`` / ``at start`` at the start itself
* a time of the entry's day: ``09:00``, ``8am``, ``上午9点``
* a date and time: ``2026-12-06 18:00``, ``2026-12-06T18:00``, ``tomorrow 9:00``, ``明天 9点``
* ``none`` / ``off`` / ``不提醒``: no reminder

An entry without a time starts, for its reminders, at 09:00 of its day (``1d`` before an untimed
entry is 09:00 the day before), so a lead time never lands in the night.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from journal.errors import ValidationError
from journal.i18n import _

__all__ = ["DAY_START", "NO_REMINDER", "parse_duration", "parse_remind", "start_of"]

from journal.recurrence.series import DAY_START

NO_REMINDER = ("none", "off", "no", "不提醒", "无", "取消")
_UNIT_MINUTES = {"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "分": 1, "分钟": 1,
                 "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60, "小时": 60, "个小时": 60,
                 "钟头": 60, "个钟头": 60,
                 "d": 1440, "day": 1440, "days": 1440, "天": 1440, "日": 1440,
                 "w": 10080, "wk": 10080, "week": 10080, "weeks": 10080, "周": 10080,
                 "星期": 10080, "个星期": 10080}
_UNITS = "|".join(sorted(map(re.escape, _UNIT_MINUTES), key=len, reverse=True))
_PART = re.compile(rf"([0-9]+(?:\.[0-9]+)?|半|一|两|二|三|四|五|六|七|八|九|十) *({_UNITS})")
_CN_SMALL = {"半": 0.5, "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def parse_duration(text: str) -> timedelta | None:
    """``15m``, ``1h30m``, ``2 days``, ``30分钟``, ``半小时``: a length of time, or None when
    ``text`` is not one."""
    s = _norm(text).removeprefix("in ").removeprefix("提前").removesuffix("前").removesuffix(
        " before").removesuffix("后").removesuffix(" later").strip()
    if s in ("0", "at start", "on time", "准时"):
        return timedelta(0)
    pos, minutes = 0, 0.0
    s = s.replace(" and ", " ")
    while pos < len(s):
        m = _PART.match(s, pos)
        if m is None:
            return None
        amount = _CN_SMALL.get(m[1]) or float(m[1])
        minutes += amount * _UNIT_MINUTES[m[2]]
        pos = m.end()
        while pos < len(s) and s[pos] in " ,":
            pos += 1
    if minutes <= 0 or minutes > 366 * 1440:
        return None
    return timedelta(minutes=round(minutes))


def start_of(day: str, time: str | None) -> datetime:
    """When an entry starts, for its reminders."""
    return datetime.fromisoformat(f"{day}T{time or DAY_START}")


def parse_remind(text: str, *, day: str, time: str | None, today: date | None = None) -> str | None:
    """The ``remind_at`` for ``text`` on an entry of ``day`` at ``time`` (see the module
    docstring); None for "no reminder". Raises ValidationError quoting the input."""
    from journal.dates import parse_date, parse_time

    s = _norm(text)
    if not s:
        raise ValidationError(_("empty reminder: give 15m, 1h, 1d, 09:00 or a date and time"))
    if s in NO_REMINDER:
        return None
    start = start_of(day, time)
    lead = parse_duration(s)
    if lead is not None:
        return (start - lead).strftime("%Y-%m-%dT%H:%M")
    iso = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[t ]([0-9]{1,2}:[0-9]{2})", s)
    try:
        if iso:
            return f"{parse_date(iso[1])}T{parse_time(iso[2])}"
        try:
            return f"{day}T{parse_time(s)}"
        except ValidationError:
            pass
        head, _sep, tail = s.rpartition(" ")
        if not head:  # 明天9点: a date word glued to a time
            m = re.fullmatch(r"(今天|明天|后天|昨天)(.+)", s)
            head, tail = (m[1], m[2]) if m else ("", "")
        if head:
            when = parse_date(head, today=today, prefer="future")
            return f"{when.isoformat()}T{parse_time(tail)}"
    except ValidationError:
        pass
    quoted = repr(text if len(text) <= 40 else text[:40] + "…")
    raise ValidationError(_("invalid reminder {quoted}: try 15m, 1h, 1d (before the start), "
                            "09:00 (on the entry's day), 2026-12-06 18:00, or none").format(quoted=quoted))


def check_remind_at(value: str) -> datetime:
    """A stored ``remind_at`` as a moment; ValueError when it is not ``YYYY-MM-DDTHH:MM``."""
    return datetime.fromisoformat(value.replace(" ", "T"))
