"""Repeat rules as people type them, to RFC 5545 RRULEs and back to words.

Accepted (case, width and spacing do not matter; ``,``/``、``/``and`` separate days):

* ``daily``, ``every day``, ``every 3 days``, ``每天``, ``每3天``, ``每隔一天`` (every other day)
* ``weekly``, ``every week``, ``weekly on mon,thu``, ``every monday``, ``every 2 weeks``,
  ``biweekly``, ``每周``, ``每周一``, ``每周一三``, ``每周一、周三``, ``每两周``, ``隔周``
* ``workdays``, ``weekdays``, ``every working day``, ``工作日``, ``每个工作日`` (Monday to Friday)
* ``monthly``, ``monthly on the 15th``, ``monthly on the last day``, ``monthly on the second
  tuesday``, ``every 2 months``, ``quarterly``, ``每月``, ``每月15号``, ``每月最后一天``,
  ``每月第二个周二``, ``每月最后一个周五``, ``每两个月``, ``每季度``
* ``yearly``, ``annually``, ``every year``, ``每年``, ``每年3月15日``
* an end: ``until 2027-06-30`` / ``直到2027-06-30`` (any date ``journal add -d`` takes), or a
  number of times: ``count 10``, ``10 times``, ``10次``, ``共10次``
* a raw rule: ``FREQ=WEEKLY;BYDAY=MO,TH`` (``RRULE:`` in front is fine)

Rules are about days: the entry's own time is the time of every occurrence, so hourly rules and
BYHOUR/BYMINUTE are refused. ``monthly on the 31st`` is stored as "the last day of the month"
(what is meant); a 29th or 30th is skipped in the months without one, as RFC 5545 says, and a
yearly rule started on 29 February falls on leap years only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from journal.errors import ValidationError
from journal.i18n import _

__all__ = ["RuleError", "check_rule", "describe_rule", "join_parts", "parse_repeat", "rule_parts"]


class RuleError(ValidationError):
    """A repeat rule that cannot be understood; the message is one line quoting it."""


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_WD = {w: i for i, full in enumerate(_WEEKDAY_WORDS)
          for w in (full, full + "s", full[:3], full[:2])} | {
    "tues": 1, "thur": 3, "thurs": 3, "weds": 2}
_CN_WD = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6, "七": 6} | {
    str(i + 1): i for i in range(7)}
_CN_DIGITS = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "fifth": 5, "5th": 5, "last": -1, "second last": -2, "penultimate": -2}
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_ALLOWED_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
                            "BYSETPOS", "BYYEARDAY", "BYWEEKNO", "WKST"})
_MAX_LEN = 300
_NUM = r"[0-9〇零一二两三四五六七八九十]+"
_WORKDAYS = "MO,TU,WE,TH,FR"
#: The order parts are written in, so that the same rule is always the same text.
_ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY",
          "BYSETPOS", "WKST", "COUNT", "UNTIL")


def _fail(text: str, reason: str) -> RuleError:
    quoted = repr(text if len(text) <= 50 else text[:50] + "…")
    return RuleError(_("invalid repeat rule {quoted}: {reason}").format(quoted=quoted, reason=reason))


def _cn_int(s: str) -> int:
    """ASCII digits or a small Chinese numeral (``十五``, ``两``, ``二十``)."""
    if s.isdigit() and s.isascii():
        return int(s)
    if "十" not in s:
        return int("".join(str(_CN_DIGITS.get(c, c)) for c in s))
    tens, _, units = s.partition("十")
    return 10 * (_cn_int(tens) if tens else 1) + (_cn_int(units) if units else 0)


def _count_word(s: str) -> int:
    return {"other": 2, "second": 2, "each": 1}.get(s) or _cn_int(s)


# -- the text of a rule ---------------------------------------------------------------------------
def rule_parts(rule: str) -> dict[str, str]:
    """``FREQ=WEEKLY;BYDAY=MO`` -> {"FREQ": "WEEKLY", "BYDAY": "MO"} (``RRULE:`` dropped,
    names upper-cased). Only the first line (the RRULE) of a multi-line rule is read."""
    line = rule.strip().split("\n", 1)[0].strip()
    if line.upper().startswith("RRULE:"):
        line = line[6:]
    parts: dict[str, str] = {}
    for item in line.split(";"):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(_("{strip!r} is not NAME=VALUE").format(strip=item.strip()[:30]))
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def join_parts(parts: Mapping[str, str]) -> str:
    """The stored text of rule parts, in one fixed order (the same rule is the same text)."""
    ordered = [k for k in _ORDER if k in parts] + sorted(set(parts) - set(_ORDER))
    return ";".join(f"{k}={parts[k]}" for k in ordered)


def check_rule(rule: str) -> str:
    """A raw rule checked for what a journal can repeat (days, weeks, months, years; an end by
    date or count, not both) and dateutil can expand; returned in the stored form (one line,
    ``RRULE:`` dropped, upper case). Raises :class:`RuleError`."""
    text = " ".join(unicodedata.normalize("NFKC", rule).split())
    try:
        parts = rule_parts(text)
    except ValueError as exc:
        raise _fail(rule, str(exc)) from None
    if "FREQ" not in parts:
        raise _fail(rule, "no FREQ (e.g. FREQ=WEEKLY;BYDAY=MO)")
    if parts["FREQ"] not in _FREQS:
        raise _fail(rule, f"FREQ={parts['FREQ'][:12]} is not one of {', '.join(_FREQS)} (an "
                          "entry repeats by days at the most)")
    unknown = sorted(set(parts) - _ALLOWED_PARTS)
    if unknown:
        raise _fail(rule, f"{unknown[0][:12]} is not supported (occurrences take the entry's time)")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _fail(rule, "give an end date or a count, not both")
    for name, low, high in (("INTERVAL", 1, 1000), ("COUNT", 1, 10000)):
        if name in parts and not (parts[name].isdigit() and low <= int(parts[name]) <= high):
            raise _fail(rule, f"{name} must be a whole number from {low} to {high}")
    if "UNTIL" in parts:
        until = parts["UNTIL"]
        if not re.fullmatch(r"[0-9]{8}(T[0-9]{6}Z?)?", until):
            raise _fail(rule, "UNTIL must be a date like 20270630")
        parts["UNTIL"] = until[:8]  # occurrences are days: the end is a day too
    stored = join_parts(parts)
    if never_repeats(parts):
        raise _fail(rule, "no day fits it (e.g. the 30th of February)")
    from journal.recurrence.compiled import build_rule  # dateutil's own check of every part

    try:
        build_rule(stored, date(2000, 1, 1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise _fail(rule, str(exc) or "not a rule dateutil can expand") from None
    return stored


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def never_repeats(parts: Mapping[str, str]) -> bool:
    """Whether a rule's parts rule out every day — the 30th of February, the sixth Monday of a
    month — which dateutil would only find out by walking to the year 9999 (seconds, on every
    view). The usual impossible combinations, not a proof: anything else is expanded."""
    try:
        months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else list(range(1, 13))
        longest = max(_MONTH_DAYS[m - 1] for m in months)
        if "BYMONTHDAY" in parts:
            days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
            if all(abs(d) > longest for d in days):
                return True
        byday = [d for d in parts.get("BYDAY", "").split(",") if d]
        ordinals = [int(d[:-2]) for d in byday if d[:-2] not in ("", "+")]
        if ordinals and parts.get("FREQ") == "MONTHLY" and all(abs(n) > 5 for n in ordinals):
            return True
        if "BYSETPOS" in parts and byday and not ordinals and "BYMONTHDAY" not in parts:
            size = {"WEEKLY": len(byday), "MONTHLY": 5 * len(byday)}.get(parts.get("FREQ", ""), 366)
            if all(abs(int(p)) > size for p in parts["BYSETPOS"].split(",")):
                return True
    except (ValueError, IndexError):
        return False  # dateutil says what is wrong
    return False


# -- what people type ------------------------------------------------------------------------------
_EN_END_UNTIL = re.compile(r"^(?P<core>.*?)[,;]? *\b(?:until|till|through|thru|ending(?: on)?|"
                           r"ends?(?: on)?) +(?P<until>.+)$")
_EN_END_COUNT = re.compile(r"^(?P<core>.*?)[,;]? *(?:\bcount *=? *(?P<a>[0-9]+)|\b(?:for )?"
                           r"(?P<b>[0-9]+) *(?:times|occurrences|x)|\bx *(?P<c>[0-9]+))$")
_CN_END_UNTIL = re.compile(r"^(?P<core>.*?)[,;，；]? *(?:直到|截止到|截止|截至|到)(?P<until>.+?)"
                           r"(?:为止|止|结束)?$")
_CN_END_COUNT = re.compile(rf"^(?P<core>.*?)[,;，；]? *(?:共|一共)?(?P<a>{_NUM}) *次$")


def parse_repeat(text: str, *, start: date, today: date | None = None) -> str:
    """The stored RRULE for a repeat rule typed by a user (see the module docstring); ``start`` is
    the series' first day (an ``until`` before it is refused), ``today`` anchors relative end dates
    (``until next friday``). Raises :class:`RuleError` with the input quoted."""
    if not isinstance(text, str):
        raise RuleError(_("invalid repeat rule: expected text, got {name__}").format(name__=type(text).__name__))
    if len(text) > _MAX_LEN:
        raise _fail(text, f"too long ({len(text)} characters)")
    norm = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    if not norm:
        raise _fail(text, "empty")
    if norm.startswith(("freq=", "rrule:")):
        return _check_start(check_rule(text), start, text)
    core, until, count = _split_end(norm, text, start, today)
    parts = _core(core, text, start)
    if until is not None:
        parts["UNTIL"] = until.strftime("%Y%m%d")
    if count is not None:
        parts["COUNT"] = str(count)
    return _check_start(check_rule(join_parts(parts)), start, text)


def _check_start(rule: str, start: date, text: str) -> str:
    until = rule_parts(rule).get("UNTIL")
    if until and until < start.strftime("%Y%m%d"):
        raise _fail(text, f"it ends before it starts ({start.isoformat()})")
    return rule


def _split_end(norm: str, text: str, start: date,
               today: date | None) -> tuple[str, date | None, int | None]:
    """(the rule without its end, the end date, the count)."""
    from journal.dates import parse_date

    until: date | None = None
    count: int | None = None
    for pattern in (_EN_END_COUNT, _CN_END_COUNT):
        m = pattern.match(norm)
        if m and m["core"].strip():
            norm = m["core"].strip(" ,;，；")
            raw = next(g for g in (m.groupdict().get(k) for k in "abc") if g)
            count = _cn_int(raw)
            if not 1 <= count <= 10000:
                raise _fail(text, "the number of times must be from 1 to 10000")
            break
    for pattern in (_EN_END_UNTIL, _CN_END_UNTIL):
        m = pattern.match(norm)
        if m and m["core"].strip():
            try:
                until = parse_date(m["until"].strip(), today=today or start, prefer="future")
            except ValidationError as exc:
                raise _fail(text, f"the end date: {exc}") from None
            norm = m["core"].strip(" ,;，；")
            break
    if until is not None and count is not None:
        raise _fail(text, "give an end date or a number of times, not both")
    return norm, until, count


def _core(s: str, text: str, start: date) -> dict[str, str]:
    for parse in (_english, _chinese):
        parts = parse(s, start)
        if parts is not None:
            return parts
    raise _fail(text, "try daily, weekly on mon,thu, every 2 weeks, monthly on the 15th, "
                      "monthly on the second tuesday, yearly, workdays, 每周一, 每月15号")


def _days(text: str, cn: bool = False) -> list[int] | None:
    """Weekday names separated by commas/and (``mon,thu``, ``一三``, ``周一、周三``)."""
    if cn:
        chars = re.sub(r"[,、和及与/ ]|周|星期|礼拜", "", text)
        if not chars or any(c not in _CN_WD for c in chars):
            return None
        return sorted({_CN_WD[c] for c in chars})
    words = [w for w in re.split(r"[,/&+ ]+|\band\b", text) if w]
    if not words or any(w not in _EN_WD for w in words):
        return None
    return sorted({_EN_WD[w] for w in words})


def _byday(days: list[int]) -> str:
    return ",".join(WEEKDAY_CODES[d] for d in days)


def _month_parts(start: date) -> dict[str, str]:
    """A plain ``monthly`` keeps the start's day; the 29th–31st are read as "the last day" only for
    the 31st (RFC 5545 would skip the months without one)."""
    return {"BYMONTHDAY": "-1"} if start.day == 31 else {}


_EN_ORD = "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True))
_EN_WDS = "|".join(sorted(_EN_WD, key=len, reverse=True))


def _en_month_spec(spec: str) -> dict[str, str] | None:
    spec = spec.removeprefix("on ").removeprefix("the ").strip()
    spec = re.sub(r" of (?:the|each|every) month$", "", spec)
    if spec in ("last day", "last", "month end", "end of month", "end of the month"):
        return {"BYMONTHDAY": "-1"}
    m = re.fullmatch(r"(?:day )?([0-9]{1,2})(?:st|nd|rd|th)?", spec)
    if m:
        day = int(m[1])
        if not 1 <= day <= 31:
            return None
        return {"BYMONTHDAY": "-1" if day == 31 else str(day)}
    m = re.fullmatch(rf"({_EN_ORD}) ({_EN_WDS})", spec)
    if m:
        return {"BYDAY": f"{_ORDINALS[m[1]]}{WEEKDAY_CODES[_EN_WD[m[2]]]}"}
    return None


def _english(s: str, start: date) -> dict[str, str] | None:
    s = re.sub(r"^(?:repeat(?:s|ing)? |recurring )", "", s)
    if s in ("daily", "every day", "each day", "everyday"):
        return {"FREQ": "DAILY"}
    if s in ("workdays", "weekdays", "every workday", "every weekday", "every working day",
             "working days", "each weekday", "mon-fri", "monday to friday", "business days"):
        return {"FREQ": "WEEKLY", "BYDAY": _WORKDAYS}
    if s in ("biweekly", "fortnightly", "every fortnight"):
        return {"FREQ": "WEEKLY", "INTERVAL": "2"}
    if s in ("quarterly", "every quarter"):
        return {"FREQ": "MONTHLY", "INTERVAL": "3"} | _month_parts(start)
    if s in ("yearly", "annually", "every year", "each year"):
        return {"FREQ": "YEARLY"}
    m = re.fullmatch(r"every ([0-9]+|other|second) (day|week|month|year)s?(?: on (.+))?", s)
    if m:
        n, unit, spec = _count_word(m[1]), m[2], m[3]
        base = {"day": {"FREQ": "DAILY"}, "week": {"FREQ": "WEEKLY"},
                "month": {"FREQ": "MONTHLY"} | _month_parts(start), "year": {"FREQ": "YEARLY"}}[unit]
        if n != 1:
            base["INTERVAL"] = str(n)
        if spec is None:
            return base
        extra = (_weekly_spec(spec) if unit == "week" else _en_month_spec(spec)
                 if unit == "month" else None)
        return None if extra is None else {**{k: v for k, v in base.items() if k != "BYMONTHDAY"},
                                           **extra}
    m = re.fullmatch(r"(?:weekly|every week|each week)(?: on (.+))?", s)
    if m:
        extra = _weekly_spec(m[1]) if m[1] else {}
        return None if extra is None else {"FREQ": "WEEKLY", **extra}
    m = re.fullmatch(r"(?:monthly|every month|each month)(?: (?:on )?(.+))?", s)
    if m:
        extra = _en_month_spec(m[1]) if m[1] else _month_parts(start)
        return None if extra is None else {"FREQ": "MONTHLY", **extra}
    m = re.fullmatch(rf"(?:(?:on )?the )?({_EN_ORD}) ({_EN_WDS}) (?:of )?(?:the|each|every) month", s)
    if m:
        return {"FREQ": "MONTHLY", "BYDAY": f"{_ORDINALS[m[1]]}{WEEKDAY_CODES[_EN_WD[m[2]]]}"}
    m = re.fullmatch(r"(?:every|each|on) (.+)", s)
    if m:
        extra = _weekly_spec(m[1])
        if extra:
            return {"FREQ": "WEEKLY", **extra}
    return None


def _weekly_spec(spec: str) -> dict[str, str] | None:
    spec = spec.strip()
    if spec in ("weekdays", "workdays", "working days"):
        return {"BYDAY": _WORKDAYS}
    days = _days(spec)
    return None if days is None else {"BYDAY": _byday(days)}


_CN_EVERY = r"每(?:个|一)?"
_CN_WEEK = r"(?:周|星期|礼拜)"


def _chinese(s: str, start: date) -> dict[str, str] | None:
    s = s.replace(" ", "").removeprefix("重复").removesuffix("重复")
    if s in ("每天", "每日", "天天", "每一天"):
        return {"FREQ": "DAILY"}
    if s in ("工作日", "每个工作日", "每工作日", "每逢工作日", "周一到周五", "周一至周五", "每周一到周五",
             "每周一至周五"):
        return {"FREQ": "WEEKLY", "BYDAY": _WORKDAYS}
    if s in ("隔周", "每隔一周", "双周"):
        return {"FREQ": "WEEKLY", "INTERVAL": "2"}
    if s in ("每季度", "每季", "每个季度", "每一季度"):
        return {"FREQ": "MONTHLY", "INTERVAL": "3"} | _month_parts(start)
    m = re.fullmatch(rf"每隔({_NUM})(天|日|周|星期|个月|月)", s)
    if m:
        n = _cn_int(m[1]) + 1
        freq = {"天": "DAILY", "日": "DAILY", "周": "WEEKLY", "星期": "WEEKLY"}.get(m[2], "MONTHLY")
        return {"FREQ": freq, "INTERVAL": str(n)} | (_month_parts(start) if freq == "MONTHLY" else {})
    m = re.fullmatch(rf"每({_NUM})(?:天|日)", s)
    if m:
        n = _cn_int(m[1])
        return {"FREQ": "DAILY"} | ({"INTERVAL": str(n)} if n != 1 else {})
    m = re.fullmatch(rf"(?:{_CN_EVERY}|每({_NUM})个?){_CN_WEEK}(.*)", s)
    if m:
        parts = {"FREQ": "WEEKLY"}
        if m[1]:
            n = _cn_int(m[1])
            if n != 1:
                parts["INTERVAL"] = str(n)
        if m[2]:
            days = _days(m[2].removeprefix("的"), cn=True)
            if days is None:
                return None
            parts["BYDAY"] = _byday(days)
        return parts
    m = re.fullmatch(rf"(?:{_CN_EVERY}|每({_NUM})个)月(.*)", s)
    if m:
        parts = {"FREQ": "MONTHLY"}
        if m[1]:
            n = _cn_int(m[1])
            if n != 1:
                parts["INTERVAL"] = str(n)
        spec = _cn_month_spec(m[2].removeprefix("的"))
        if spec is None:
            return None
        return parts | (spec or _month_parts(start))
    m = re.fullmatch(rf"{_CN_EVERY}年(?:({_NUM})月({_NUM})[日号])?", s)
    if m:
        parts = {"FREQ": "YEARLY"}
        if m[1]:
            month, day = _cn_int(m[1]), _cn_int(m[2])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                return None
            parts |= {"BYMONTH": str(month), "BYMONTHDAY": str(day)}
        return parts
    return None


def _cn_month_spec(spec: str) -> dict[str, str] | None:
    """The part after 每月: ``15号``, ``最后一天``, ``第二个周二``, ``最后一个星期五``; {} for nothing."""
    if not spec:
        return {}
    if spec in ("最后一天", "月底", "月末", "底"):
        return {"BYMONTHDAY": "-1"}
    m = re.fullmatch(rf"({_NUM})[日号]?", spec)
    if m:
        day = _cn_int(m[1])
        if not 1 <= day <= 31:
            return None
        return {"BYMONTHDAY": "-1" if day == 31 else str(day)}
    m = re.fullmatch(rf"(?:第({_NUM})|(最后一?|倒数第一))个?{_CN_WEEK}(.)", spec)
    if m and m[3] in _CN_WD:
        n = -1 if m[2] else _cn_int(m[1])
        if not (n == -1 or 1 <= n <= 5):
            return None
        return {"BYDAY": f"{n}{WEEKDAY_CODES[_CN_WD[m[3]]]}"}
    return None


# -- back to words ---------------------------------------------------------------------------------
_UNIT = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last",
                  -2: "second last"}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def _nth(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _day_name(code: str) -> str:
    return _WEEKDAY_WORDS[WEEKDAY_CODES.index(code)].capitalize()


def _list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_rule(rule: str) -> str:
    """A stored rule in plain words: ``every week on Monday and Thursday until 30 Jun 2027``.
    A rule not understood is returned as it is."""
    try:
        parts = rule_parts(rule)
        return _describe(parts)
    except (ValueError, KeyError, IndexError):
        return rule.strip()


def _describe(p: dict[str, str]) -> str:
    freq = p["FREQ"]
    n = int(p.get("INTERVAL", "1"))
    unit = _UNIT[freq]
    byday = [d for d in p.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY" and n == 1 and ",".join(byday) == _WORKDAYS:
        text = "every working day (Mon–Fri)"
    else:
        text = f"every {unit}" if n == 1 else ("every other " + unit if n == 2 else f"every {n} {unit}s")
        if byday and freq == "WEEKLY":
            text += " on " + _list([_day_name(d[-2:]) for d in byday])
        elif byday:
            words = []
            for d in byday:
                ordinal = d[:-2]
                words.append((f"the {_ORDINAL_WORDS[int(ordinal)]} " if ordinal else "every ")
                             + _day_name(d[-2:]))
            text += " on " + _list(words)
        if "BYMONTHDAY" in p:
            days = [int(d) for d in p["BYMONTHDAY"].split(",")]
            text += " on " + _list(["the last day" if d == -1 else f"the {_nth(d)}" for d in days])
        if "BYMONTH" in p:
            text += " in " + _list([_MONTH_NAMES[int(m) - 1] for m in p["BYMONTH"].split(",")])
    if "COUNT" in p:
        text += f", {p['COUNT']} times"
    if "UNTIL" in p:
        until = p["UNTIL"][:8]
        text += f" until {until[:4]}-{until[4:6]}-{until[6:8]}"
    return text
