"""Human dates and times -> ``date`` / ``"HH:MM"``.

The one parser behind ``--date``, ``--on``, ``--from/--to``, the search words ``on: from: to:``,
the week/month reports and the TUI's "go to date" box, so every surface reads the same words. It is
an explicit grammar, not ``dateutil.parser``: a journal must never file an entry under a day the
user did not mean, and a fuzzy parser turns "5/11", "may" or "meeting at 3" into *some* date.
Anything not spelled out here is a :class:`DateError` quoting the input. Rules users ask about:

* A bare weekday (``friday``, ``fri``, ``周五``, ``星期五``, ``礼拜五``) is the most recent such day
  on or before today: journals are written after the fact, so "friday" typed on a Friday is today.
  Planning is the other way round: for a planned entry (``parse_date(prefer="future")``) it is the
  next such day on or after today (``周二`` typed on a Saturday is the coming Tuesday), and a date
  without a year is the nearer of this year's and next year's (``1月5日`` typed in December is
  next January, ``11-20`` typed on 28 November still this year's).
  ``last friday`` is the most recent Friday strictly before today, ``next friday`` the first one
  strictly after today, ``this friday`` the Friday of the current (Monday-first, ISO) week.
* ``上周五`` / ``下周一`` / ``本周三`` are days of the previous / next / current ISO week, as Chinese
  speakers mean them; so on a Sunday ``上周五`` is nine days back while ``last friday`` is two.
* Week words (``this week``, ``上周``, ``2026-W47``) cover Monday..Sunday, month words the month,
  ``2026`` the year. :func:`parse_date` maps *relative* period words (``next week``, ``上个月``) to
  their first day but refuses numbered ones (``2026-11``, ``2026-W47``, ``11月``): typos, mostly.
* No year (``11-23``, ``11月23日``, ``23 nov``) means today's year; ``W47``/``第47周`` today's ISO year.
* Numeric dates are year-first only (``2026/11/23``): ``23/11`` vs ``11/23`` is ambiguous.
* Periods join into a range with ``..``, ``~``, `` to ``, ``至`` or ``到``.
* Quarters: ``2026-Q4``, ``Q4 2026``, ``Q4`` (this year), ``2026年第四季度``, ``四季度``, ``this
  quarter``, ``上季度``; January..March is Q1.
* Times of day: ``09:30``, ``9.30``, ``2:15pm``, ``下午2点``, ``9点半``. A *time range* joins two with
  ``-``, ``–``, ``—`` (what a Chinese IME types for a dash), ``~``, ``至``, ``到`` or `` to ``
  (:func:`parse_time_range`): ``9:00—10:00``, ``9点-10点半``, ``下午2点到4点`` (the end takes the
  start's 下午), ``2-4pm`` (the start takes the end's pm). An end before the start crosses midnight
  when that makes at most twelve hours (``22:00-01:00``); otherwise it is a typo and refused.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple, TypeVar

from dateutil.relativedelta import relativedelta

from journal.errors import ValidationError
from journal.i18n import N_, _
from journal.i18n.formats import weekday_name

__all__ = ["DateError", "shifted", "duration_minutes", "format_date_human", "iso_week_bounds", "month_bounds", "parse_date",
           "parse_month", "parse_period", "parse_quarter", "parse_time", "parse_time_range",
           "parse_week", "quarter_bounds", "quarter_label"]


class DateError(ValidationError):
    """A date, time or period the user typed cannot be understood; the message is one line."""


_T = TypeVar("_T")
#: Set by ``parse_date(prefer="future")`` for the rules that read a date forwards then.
_PREFER_FUTURE: ContextVar[bool] = ContextVar("prefer_future", default=False)
_MAX_LEN = 200  # longer input is never a date; refusing early keeps the regexes cheap
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WD_NAMES = {n: i for i, full in enumerate(_WEEKDAYS) for n in (full, full[:3])} | {
    "tues": 1, "thur": 3, "thurs": 3}
_MON_NAMES = {n: i + 1 for i, full in enumerate(_MONTHS) for n in (full, full[:3])} | {"sept": 9}
_CN_WD = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | {str(i + 1): i for i in range(7)}
_CN_DIGITS = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
# Traditional forms typed by Taiwan / Hong Kong colleagues; NFKC leaves them alone.
_TRAD = str.maketrans("後週禮個這號點時兩鐘", "后周礼个这号点时两钟")
_NUM = "[0-9〇零一二两三四五六七八九十]+"
_CN_YEAR = "[0-9]{4}|[〇零一二三四五六七八九]{4}"
_YEAR_TAIL = "(?:,? (?P<y>[0-9]{4}))?"  # "nov 23, 2026", "23 nov 2026"
# word -> (unit, how many units from today); the result is that whole day / week / month / year
_WORDS = {w: ("day", n) for w, n in {
    "today": 0, "now": 0, "yesterday": -1, "tomorrow": 1, "day before yesterday": -2,
    "day after tomorrow": 2, "今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "明天": 1, "明日": 1,
    "前天": -2, "后天": 2, "大前天": -3, "大后天": 3}.items()} | {
    w: ("year", n) for w, n in {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}.items()} | {
    f"{q} {u}": (u, n) for q, n in (("last", -1), ("this", 0), ("next", 1))
    for u in ("week", "month", "quarter", "year")} | {
    w: ("quarter", n) for w, n in {"本季度": 0, "这季度": 0, "这个季度": 0, "本季": 0, "上季度": -1,
                                   "上个季度": -1, "下季度": 1, "下个季度": 1}.items()}
_UNITS = {"天": "day", "日": "day", "星期": "week", "礼拜": "week", "周": "week", "月": "month",
          "年": "year"}
_EXAMPLES = {"date": "2026-11-23, today, last fri, 3 days ago, 上周五", "week": "2026-W47, last week, 上周",
             "period": "2026-11, this week, 上个月, 2026-11-01..2026-11-15", "time": "09:30, 2:15pm, 下午2点",
             "month": "2026-11, last month, nov 2026, 上个月",
             "quarter": "2026-Q4, Q4, this quarter, 上季度, 2026年第四季度",
             "time range": "9:00-10:00, 9:00—10:00, 9点-10点半, 下午2点到4点"}


def _alt(names: Iterable[str]) -> str:
    """A regex alternation, longest first so a prefix never shadows a longer word."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_WD = _alt(_WD_NAMES)
_MON = _alt(_MON_NAMES)


class _Bad(ValueError):
    """Input matched a form but names no real day ("2021-W53"); the message is the reason."""


class _NoMatch(Exception):  # input matches no form of the grammar
    pass


class _Span(NamedTuple):
    start: date
    end: date
    kind: str  # "day" | "week" | "month" | "quarter" | "year" | "range"
    relative: bool = False  # built from today ("next week"), not from numbers ("2026-W47")


def _fail(what: str, text: str, reason: str) -> DateError:
    """One line quoting the input: at most ~40 chars, control characters escaped by ``repr``."""
    quoted = repr(text if len(text) <= 40 else text[:40] + "…")
    return DateError(_("invalid {what} {quoted}: {reason}").format(
        what=_(_WHATS.get(what, what)), quoted=quoted, reason=" ".join(reason.split())))


#: The kinds of value a message names ("invalid date '…'").
_WHATS = {"date": N_("date"), "time": N_("time"), "week": N_("week"), "period": N_("period"),
          "month": N_("month")}


def _norm(text: object, what: str) -> str:
    """Fold width/case/space (``２０２６－１１－２３`` from a Chinese IME is ISO), or refuse."""
    if not isinstance(text, str):
        raise DateError(_("invalid {what}: expected text, got {name__}").format(what=_(_WHATS.get(what, what)), name__=type(text).__name__))
    if len(text) > _MAX_LEN:
        raise _fail(what, text, _("too long ({n} characters)").format(n=len(text)))
    s = " ".join(unicodedata.normalize("NFKC", text).translate(_TRAD).casefold().split())
    if not s:
        raise _fail(what, text, _("empty"))
    if not s.isprintable():
        raise _fail(what, text, _("contains control or invisible characters"))
    return s


def _today(today: date | None) -> date:
    d = date.today() if today is None else today
    return d.date() if isinstance(d, datetime) else d


def _int(s: str) -> int:
    """ASCII digits or a small Chinese numeral (``二十三``, ``两``, ``二〇二六``)."""
    if "十" not in s:
        return int("".join(str(_CN_DIGITS.get(c, c)) for c in s))
    tens, _ten, units = s.partition("十")
    if len(tens) > 1 or len(units) > 1 or units == "十":
        raise _Bad(_("cannot read the number {s!r}").format(s=s))
    return 10 * (_int(tens) if tens else 1) + (_int(units) if units else 0)


def days_after(d: date, days: int) -> date:
    """``d`` plus ``days``, stopping at the calendar's last day (9999-12-31) rather than
    overflowing: a look-ahead window near the end is simply shorter."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max


def shifted(d: date, days: int) -> date:
    """``d`` moved by ``days`` either way, stopping at the calendar's ends (0001-01-01,
    9999-12-31): a window near an end is simply shorter."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def iso_week_bounds(d: date) -> tuple[date, date]:
    """Monday..Sunday of ``d``'s ISO week (reports and ``上周`` agree that weeks start on Monday).
    The last week of 9999 is cut at ``date.max`` rather than raising."""
    d = _today(d)
    monday = d - timedelta(d.weekday())
    return monday, date.max if date.max - monday < timedelta(6) else monday + timedelta(6)


def month_bounds(d: date) -> tuple[date, date]:
    """First..last day of ``d``'s month; relativedelta knows how long February is."""
    d = _today(d)
    first = d.replace(day=1)
    return first, first + relativedelta(day=31)


def quarter_bounds(d: date) -> tuple[date, date]:
    """First..last day of ``d``'s calendar quarter (Q1 is January..March)."""
    d = _today(d)
    first = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return first, first + relativedelta(months=3, days=-1)


def quarter_label(d: date) -> str:
    """``2026-Q4`` for any day of that quarter (what ``journal quarter`` and ``on:`` read back)."""
    d = _today(d)
    return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"


def _span(kind: str, d: date, relative: bool = False) -> _Span:
    """The day, ISO week, month, quarter or year containing ``d``."""
    if kind == "year":
        return _Span(date(d.year, 1, 1), date(d.year, 12, 31), kind, relative)
    bounds = {"week": iso_week_bounds, "month": month_bounds, "quarter": quarter_bounds}.get(kind)
    return _Span(*(bounds(d) if bounds else (d, d)), kind, relative)


def _calendar(today: date, year: str | None, month: int | None, day: str | None) -> _Span:
    """The day, month or year named by numbers; without a year, today's calendar year."""
    first = date(_int(year) if year else today.year, 1 if month is None else month, 1)
    if month is None:
        return _span("year", first)
    if not day:
        return _span("month", first)
    moment = first.replace(day=_int(day))
    if not year and moment < today and _PREFER_FUTURE.get():
        with contextlib.suppress(ValueError):  # 29 Feb has no next-year twin: keep this year's
            later = moment.replace(year=today.year + 1)
            if later - today < today - moment:  # the nearer one: 1月5日 in December is January
                moment = later
    return _span("day", moment)


def _shift(today: date, unit: str, n: int) -> date:
    """``today`` moved by ``n`` days/weeks/months/years; month ends clamp (Mar 31 - 1 month is
    Feb 28), which is what "a month ago" means to people."""
    if abs(n) > 99_999:
        raise _Bad(_("too far away"))
    if unit == "quarter":
        return today + relativedelta(months=3 * n)
    return today + relativedelta(**{unit + "s": n})


def _pick_weekday(today: date, wd: int, which: str | None) -> date:
    """Apply the weekday rule from the module docstring."""
    if which is None and _PREFER_FUTURE.get():
        return today + timedelta((wd - today.weekday()) % 7)
    if which in ("this", "next"):
        ahead = wd - today.weekday()
        return today + timedelta(ahead if which == "this" else ahead % 7 or 7)
    back = (today.weekday() - wd) % 7
    return today - timedelta(back or 7 if which == "last" else back)


_Handler = Callable[[re.Match[str], date], _Span]
_RULES: list[tuple[str, _Handler]] = []
_COMPILED: list[re.Pattern[str]] = []


def _rule(*patterns: str) -> Callable[[_Handler], _Handler]:
    """Register grammar forms; forms are tried in definition order and must match all the input.
    They are compiled when first tried: compiling all of them would tax every command that
    merely imports this module, and most inputs match one of the first forms."""
    def register(fn: _Handler) -> _Handler:
        _RULES.extend((p, fn) for p in patterns)
        return fn
    return register


def _resolve(s: str, today: date) -> _Span:
    for k, (source, handler) in enumerate(_RULES):
        if k == len(_COMPILED):
            _COMPILED.append(re.compile(source))
        if m := _COMPILED[k].fullmatch(s):
            return handler(m, today)
    raise _NoMatch


@_rule(r"(?P<a>.+?) ?(?:\.\.|[~〜]|至|到| to ) ?(?P<b>.+)")
def _range(m: re.Match[str], today: date) -> _Span:
    a, b = _resolve(m["a"], today), _resolve(m["b"], today)
    if "range" in (a.kind, b.kind):
        raise _Bad(_("a range cannot contain another range"))
    if b.end < a.start:
        raise _Bad(_("the range ends before it starts"))
    return _Span(a.start, b.end, "range", a.relative or b.relative)


@_rule(r"(?:(?P<y>[0-9]{4})[- ]?)?w(?P<w>[0-9]{1,2})(?:-?(?P<d>[1-7]))?",
       rf"(?:(?P<y>{_CN_YEAR}) ?年 ?)?第 ?(?P<w>{_NUM}) ?周")
def _iso(m: re.Match[str], today: date) -> _Span:
    year = _int(m["y"]) if m["y"] else today.isocalendar().year
    weeks = date(year, 12, 28).isocalendar().week  # Dec 28 is always in the year's last week
    if not 1 <= (week := _int(m["w"])) <= weeks:
        raise _Bad(_("week must be 1..{weeks} in {year}").format(weeks=weeks, year=year))
    monday = date.fromisocalendar(year, week, 1)
    weekday = m.groupdict().get("d")
    return _span("day", monday + timedelta(int(weekday) - 1)) if weekday else _span("week", monday)


@_rule(r"(?P<y>[0-9]{4}) ?[-/]? ?q(?P<q>[1-4])",
       r"q(?P<q>[1-4])(?:[ -/]?(?P<y>[0-9]{4}))?",
       rf"(?:(?P<y>{_CN_YEAR}) ?年 ?)?(?:第 ?)?(?P<q>[一二三四1-4]) ?季度?")
def _quarter(m: re.Match[str], today: date) -> _Span:
    year = _int(m["y"]) if m["y"] else today.year
    return _span("quarter", date(year, 3 * (_int(m["q"]) - 1) + 1, 1))


@_rule(r"(?P<y>[0-9]{4})(?P<s>[-/.])(?P<m>[0-9]{1,2})(?P=s)(?P<d>[0-9]{1,2})",
       r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})",
       r"(?P<y>[0-9]{4})(?:[-/.](?P<m>[0-9]{1,2}))?",
       r"(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})",
       rf"(?P<y>{_CN_YEAR}) ?年",
       rf"(?:(?P<y>{_CN_YEAR}) ?年 ?)?(?P<m>{_NUM}) ?月(?: ?(?P<d>{_NUM}) ?[日号]?)?")
def _numeric(m: re.Match[str], today: date) -> _Span:
    g = m.groupdict()
    return _calendar(today, g.get("y"), _int(g["m"]) if g.get("m") else None, g.get("d"))


@_rule(rf"(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)? (?P<mon>{_MON})\.?{_YEAR_TAIL}",
       rf"(?P<mon>{_MON})\.? (?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?{_YEAR_TAIL}",
       rf"(?P<mon>{_MON})\.?{_YEAR_TAIL}")
def _named_month(m: re.Match[str], today: date) -> _Span:
    return _calendar(today, m["y"], _MON_NAMES[m["mon"]], m.groupdict().get("d"))


@_rule(_alt(_WORDS))
def _word(m: re.Match[str], today: date) -> _Span:
    unit, n = _WORDS[m[0]]
    return _span(unit, _shift(today, unit, n), True)


@_rule(r"(?P<in>in )?(?P<n>[0-9]+|an?|one) (?P<u>day|week|month|year)s?"
       r"(?: (?P<dir>ago|from now|later))?",
       rf"(?P<n>{_NUM}) ?(?P<u>天|日|个?星期|个?礼拜|个?周|个月|年) ?(?P<dir>以前|之前|前|以后|之后|后)")
def _count(m: re.Match[str], today: date) -> _Span:
    unit, ago = _UNITS.get(m["u"].lstrip("个"), m["u"]), m["dir"] in ("ago", "以前", "之前", "前")
    if m["u"].isascii() and bool(m.groupdict().get("in")) == bool(m["dir"]):
        raise _Bad(_("say 'in N days' or 'N days ago'"))
    n = 1 if m["n"] in ("a", "an", "one") else _int(m["n"])
    return _span("day", _shift(today, unit, -n if ago else n), True)


@_rule(rf"(?:(?P<q>last|next|this) )?(?P<wd>{_WD})\.?",
       r"(?:周|星期|礼拜)(?P<cwd>[一二三四五六日天1-7])")
def _weekday(m: re.Match[str], today: date) -> _Span:
    g = m.groupdict()
    wd = _WD_NAMES[g["wd"]] if g.get("wd") else _CN_WD[g["cwd"]]
    return _span("day", _pick_weekday(today, wd, g.get("q")), True)


@_rule(rf"(?P<wd>{_WD})\.?,? (?P<rest>.+)")
def _dated_weekday(m: re.Match[str], today: date) -> _Span:
    """``Mon 23 Nov 2026`` (what :func:`format_date_human` prints): the weekday must agree."""
    span = _resolve(m["rest"], today)
    if span.kind != "day" or span.relative:
        raise _NoMatch
    if span.start.weekday() != _WD_NAMES[m["wd"]]:
        raise _Bad(_("{isoformat} is a {title}").format(isoformat=span.start.isoformat(), title=weekday_name(span.start)))
    return span


@_rule(r"(?P<rest>.+?[日号0-9]) ?(?:周|星期|礼拜)(?P<cwd>[一二三四五六日天1-7])")
def _dated_cn_weekday(m: re.Match[str], today: date) -> _Span:
    """``2026年11月23日 星期一`` (what :func:`format_date_human` prints in Chinese): the weekday
    must agree."""
    span = _resolve(m["rest"], today)
    if span.kind != "day" or span.relative:
        raise _NoMatch
    if span.start.weekday() != _CN_WD[m["cwd"]]:
        raise _Bad(_("{isoformat} is a {title}").format(isoformat=span.start.isoformat(),
                                                        title=weekday_name(span.start)))
    return span


@_rule(r"(?P<q>上+|下+|本|这)个?(?:(?P<w>周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])?|月)")
def _cn_relative(m: re.Match[str], today: date) -> _Span:
    """``上周五``, ``下下周``, ``上个月``: weeks are calendar (ISO) weeks, not "7 days ago"."""
    q = m["q"]
    step = -len(q) if q[0] == "上" else len(q) if q[0] == "下" else 0
    unit = "week" if m["w"] else "month"
    span = _span(unit, _shift(today, unit, step), True)
    return _span("day", span.start + timedelta(_CN_WD[m["wd"]]), True) if m["wd"] else span


def _parse(text: str, what: str, resolve: Callable[[str], _T]) -> _T:
    """Normalise, resolve, and turn every failure into one :class:`DateError` quoting ``text``."""
    s = _norm(text, what)
    try:
        return resolve(s)
    except _NoMatch:
        raise _fail(what, text, _("not a {what} I understand (try {examples})").format(
            what=_(_WHATS.get(what, what)), examples=_EXAMPLES[what])) from None
    except (ValueError, OverflowError) as exc:
        raise _fail(what, text, str(exc) or _("out of range")) from None


def _parse_span(text: str, today: date | None, what: str) -> _Span:
    return _parse(text, what, lambda s: _resolve(s, _today(today)))


#: ``YYYY-MM-DD`` and ``HH:MM`` in ASCII, as CSV files and scripts give them: read without the
#: grammar (a 100k-row import parses 100k dates and times); anything else, or an impossible
#: day like 2026-02-30, goes through the parser, which also words the errors.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HH_MM = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def parse_date(text: str, *, today: date | None = None,
               prefer: Literal["past", "future"] = "past") -> date:
    """One day, for ``--date``/``--on`` and ``on:``; see the module docstring for the forms.
    ``prefer="future"`` (a planned entry's date) reads a bare weekday and a date without a year
    forwards from today rather than backwards (a full ISO date reads the same either way)."""
    if type(text) is str and len(text) == 10 and _ISO_DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    token = _PREFER_FUTURE.set(prefer == "future")
    try:
        span = _parse_span(text, today, "date")
    finally:
        _PREFER_FUTURE.reset(token)
    if span.kind != "day" and not (span.relative and span.kind != "range"):
        raise _fail("date", text, f"that is a {span.kind}, not a single day")
    return span.start


def parse_period(text: str, *, today: date | None = None) -> tuple[date, date]:
    """An inclusive ``(first, last)`` range: one day, a week, a month, a year or ``A..B``."""
    span = _parse_span(text, today, "period")
    return span.start, span.end


def _containing(text: str | None, today: date | None, what: str,
                bounds: Callable[[date], tuple[date, date]]) -> tuple[date, date]:
    if text is None:
        return bounds(_today(today))
    span = _parse_span(text, today, what)
    if span.kind not in ("day", what):
        raise _fail(what, text, f"that is a {span.kind}, not a {what}")
    return bounds(span.start)


def parse_week(text: str | None = None, *, today: date | None = None) -> tuple[date, date]:
    """Monday..Sunday for ``journal week [WEEK]``: no text is this week, a day means its week."""
    return _containing(text, today, "week", iso_week_bounds)


def parse_month(text: str | None = None, *, today: date | None = None) -> tuple[date, date]:
    """First..last day for ``journal month [MONTH]``: no text is this month, a day its month."""
    return _containing(text, today, "month", month_bounds)


def parse_quarter(text: str | None = None, *, today: date | None = None) -> tuple[date, date]:
    """First..last day for ``journal quarter [QUARTER]``: no text is this quarter, a day its
    quarter."""
    return _containing(text, today, "quarter", quarter_bounds)


_NAMED_TIMES = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0), "中午": (12, 0), "午夜": (0, 0)}
_MORNING = ("凌晨", "早上", "早晨", "清晨", "上午", "早")
_EVENING = ("下午", "傍晚", "晚上", "晚")
_NIGHT = ("夜里", "夜间", "半夜")
_CN_PERIOD = re.compile(rf"(?P<p>{_alt((*_MORNING, '中午', *_EVENING, *_NIGHT))}) ?(?P<rest>.+)")
_EN_CLOCK = re.compile(r"(?P<h>[0-9]{1,2})(?:[:.h](?P<m>[0-9]{2})|(?P<m2>[0-9]{2}))?h?"
                       r"(?: ?(?P<ap>[ap])\.?m\.?)?")
_CN_CLOCK = re.compile(rf"(?P<h>{_NUM}) ?[点时](?: ?(?P<m>{_NUM}) ?分?|"
                       r"(?P<q>一刻|三刻|半)|整)?")


def _apply_period(period: str, h: int) -> int:
    """24-hour clock from ``下午2点`` & co.; ``晚上12点`` is midnight, ``中午1点`` is 13:00."""
    if period in _MORNING and h <= 12:
        return 0 if (period, h) == ("凌晨", 12) else h
    if period in _NIGHT and h <= 23:  # 夜里2点 is 02:00, 夜里11点 23:00
        return h if h < 6 or h > 12 else (h + 12) % 24
    if period == "中午" and (11 <= h <= 13 or 1 <= h <= 2):
        return h + 12 if h <= 2 else h
    if period in _EVENING and 1 <= h <= 23:
        return h + 12 if h < 12 else 0 if h == 12 and period != "下午" else h
    raise _Bad(_("{period} does not go with hour {h}").format(period=period, h=h))


def _clock(s: str) -> tuple[int, int]:
    if s in _NAMED_TIMES:
        return _NAMED_TIMES[s]
    period = None
    if m := _CN_PERIOD.fullmatch(s):
        period, s = m["p"], m["rest"]
    if m := _EN_CLOCK.fullmatch(s):
        hour, minute, ampm = int(m["h"]), int(m["m"] or m["m2"] or 0), m["ap"]
    elif m := _CN_CLOCK.fullmatch(s):
        quarter = {"一刻": 15, "三刻": 45, "半": 30}.get(m["q"] or "")
        minute = quarter or (_int(m["m"]) if m["m"] else 0)
        hour, ampm = _int(m["h"]), None
    else:
        raise _NoMatch
    if not 0 <= minute <= 59:
        raise _Bad(_("minute must be 0..59"))
    if ampm:
        if period:
            raise _Bad(_("give am/pm or 上午/下午, not both"))
        if not 1 <= hour <= 12:
            raise _Bad(_("hour must be 1..12 with am/pm"))
        hour = hour % 12 + (12 if ampm == "p" else 0)
    elif period:
        hour = _apply_period(period, hour)
    if not 0 <= hour <= 23:
        raise _Bad(_("hour must be 0..23"))
    return hour, minute


def parse_time(text: str) -> str:
    """A time of day as canonical ``"HH:MM"`` (the stored form, so times sort as text)."""
    if type(text) is str and len(text) == 5 and _HH_MM.fullmatch(text):
        return text
    hour, minute = _parse(text, "time", _clock)
    return f"{hour:02d}:{minute:02d}"


# Between the two times of a range; NFKC already made "－" a "-" and "～" a "~". No "to" inside
# a word: the clock grammar has none, and "noon to 2pm" needs it.
_TIME_RANGE_SEP = re.compile(r" ?(?:-|–|—|―|‒|~|〜|至|到|\bto\b) ?")
_AMPM_TAIL = re.compile(r" ?([ap])\.?m\.?\Z")
_MAX_OVERNIGHT_MIN = 12 * 60


def _minutes(hm: tuple[int, int]) -> int:
    return hm[0] * 60 + hm[1]


def _time_range(s: str) -> tuple[tuple[int, int], tuple[int, int] | None]:
    parts = _TIME_RANGE_SEP.split(s)
    if len(parts) == 1:
        return _clock(s), None
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise _NoMatch
    first, second = parts
    start, end = _clock(first), _clock(second)
    # "下午2点到4点": the end takes the start's period when it would otherwise come first
    period = _CN_PERIOD.fullmatch(first)
    if period and not _CN_PERIOD.fullmatch(second) and _minutes(end) <= _minutes(start):
        with contextlib.suppress(_Bad, _NoMatch):  # keep the first reading
            end = _clock(period["p"] + second)
    # "2-4pm": the start takes the end's am/pm when it has none of its own
    ampm = _AMPM_TAIL.search(second)
    if ampm and not _AMPM_TAIL.search(first) and not period:
        with contextlib.suppress(_Bad, _NoMatch):  # keep the first reading
            shifted = _clock(f"{first}{ampm[1]}m")
            if _minutes(shifted) < _minutes(end):
                start = shifted
    length = (_minutes(end) - _minutes(start)) % (24 * 60)
    if length == 0:
        raise _Bad(_("it starts and ends at {start:02d}:{start2:02d}").format(start=start[0], start2=start[1]))
    if _minutes(end) < _minutes(start) and length > _MAX_OVERNIGHT_MIN:
        raise _Bad(_("it ends before it starts"))
    return start, end


def parse_time_range(text: str) -> tuple[str, str | None]:
    """``(start, end)`` as ``"HH:MM"`` from ``9:00-10:00``, ``9:00—10:00``, ``9点-10点半``…, or
    ``(time, None)`` for a single time; see the module docstring for the rules."""
    start, end = _parse(text, "time range", _time_range)
    first = f"{start[0]:02d}:{start[1]:02d}"
    return first, None if end is None else f"{end[0]:02d}:{end[1]:02d}"


def duration_minutes(start: str | None, end: str | None) -> int | None:
    """Minutes from ``start`` to ``end`` (``"HH:MM"``), crossing midnight when the end comes
    first; None unless both are given."""
    if not start or not end:
        return None
    try:
        a = int(start[:2]) * 60 + int(start[3:5])
        b = int(end[:2]) * 60 + int(end[3:5])
    except ValueError:
        return None
    return b - a if b >= a else b - a + 24 * 60


def format_date_human(d: date, *, today: date | None = None) -> str:
    """``Mon 23 Nov 2026`` / ``2026年11月23日 星期一`` (the interface language) for headers. Names
    come from our own tables, not ``strftime``, whose output follows the process locale; the text
    does not depend on ``today`` (accepted for symmetry with the parsers) so reports are
    reproducible. :func:`parse_date` reads both back."""
    from journal.i18n.formats import full_date

    return full_date(_today(d))
