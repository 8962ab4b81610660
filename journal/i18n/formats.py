"""Dates, weeks, months, quarters, numbers and money as a reader of the interface language writes
them: ``Sat 5 Dec 2026`` / ``2026年12月5日 星期六``, ``Week 49`` / ``第49周``, ``Q4 2026`` /
``2026年第四季度``, ``1,234.50 CNY`` / ``1,234.50元``.

Names come from tables here, never from ``strftime`` (whose words follow the process locale, which
need not be the interface language). Stored values never pass through here: the journal keeps ISO
dates and plain numbers whatever the language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from journal.i18n import chinese

_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_ZH_SHORT_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_ZH_QUARTERS = ("一", "二", "三", "四")
#: How Chinese text names a currency after the amount; others keep their ISO code.
_ZH_CURRENCIES = {"CNY": "元", "RMB": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元",
                  "GBP": "英镑", "JPY": "日元", "SGD": "新加坡元", "MOP": "澳门元",
                  "TWD": "新台币", "AUD": "澳元", "CAD": "加元", "CHF": "瑞士法郎", "KRW": "韩元"}


def weekday_name(d: date, *, short: bool = False) -> str:
    """``Saturday`` / ``Sat``; ``星期六`` / ``周六``."""
    if chinese():
        return (_ZH_SHORT_WEEKDAYS if short else _ZH_WEEKDAYS)[d.weekday()]
    name = _EN_WEEKDAYS[d.weekday()]
    return name[:3] if short else name


def month_name(month: int, *, short: bool = False) -> str:
    """``December`` / ``Dec``; ``12月``."""
    if chinese():
        return f"{month}月"
    name = _EN_MONTHS[month - 1]
    return name[:3] if short else name


def day_month(d: date) -> str:
    """``5 Dec``; ``12月5日``."""
    return f"{d.month}月{d.day}日" if chinese() else f"{d.day} {month_name(d.month, short=True)}"


def day_month_weekday(d: date) -> str:
    """``Sat 5 Dec``; ``12月5日 周六`` (a day inside a week or month report)."""
    if chinese():
        return f"{day_month(d)} {weekday_name(d, short=True)}"
    return f"{weekday_name(d, short=True)} {day_month(d)}"


def full_date(d: date, *, weekday: bool = True) -> str:
    """``Sat 5 Dec 2026``; ``2026年12月5日 星期六``."""
    if chinese():
        text = f"{d.year}年{d.month}月{d.day}日"
        return f"{text} {weekday_name(d)}" if weekday else text
    text = f"{d.day} {month_name(d.month, short=True)} {d.year:04d}"
    return f"{weekday_name(d, short=True)} {text}" if weekday else text


def date_range(start: date, end: date) -> str:
    """``30 Nov – 6 Dec 2026``; ``2026年11月30日至12月6日`` (the year once when it is one)."""
    if chinese():
        if start.year != end.year:
            return f"{full_date(start, weekday=False)}至{full_date(end, weekday=False)}"
        tail = f"{end.day}日" if start.month == end.month else day_month(end)
        return f"{start.year}年{day_month(start)}至{tail}"
    if start.year != end.year:
        return f"{full_date(start, weekday=False)} – {full_date(end, weekday=False)}"
    if start.month != end.month:
        return f"{day_month(start)} – {full_date(end, weekday=False)}"
    return f"{start.day}–{full_date(end, weekday=False)}"


def week_label(week: int, year: int | None = None) -> str:
    """``Week 49`` / ``Week 49, 2026``; ``第49周`` / ``2026年第49周`` (ISO weeks)."""
    if chinese():
        return f"{year}年第{week}周" if year is not None else f"第{week}周"
    return f"Week {week}, {year}" if year is not None else f"Week {week}"


def week_title(year: int, week: int) -> str:
    """A week report's name: ``Week 2026-W49``; ``2026年第49周``."""
    return week_label(week, year) if chinese() else f"Week {year}-W{week:02d}"


def quarter_title(year: int, quarter: int) -> str:
    """A quarter report's name: ``Quarter 2026-Q4``; ``2026年第四季度``."""
    return quarter_label(year, quarter) if chinese() else f"Quarter {year}-Q{quarter}"


def period_name(kind: str, start: date) -> str:
    """The week (``2026-W49`` / ``2026年第49周``), month (``December 2026`` / ``2026年12月``) or
    quarter (``2026-Q4`` / ``2026年第四季度``) that begins on ``start``, as a short label."""
    if kind == "week":
        iso = start.isocalendar()
        return week_label(iso.week, iso.year) if chinese() else f"{iso.year}-W{iso.week:02d}"
    if kind == "quarter":
        q = (start.month - 1) // 3 + 1
        return quarter_label(start.year, q) if chinese() else f"{start.year}-Q{q}"
    return month_label(start.year, start.month)


def month_label(year: int, month: int, *, short: bool = False) -> str:
    """``December 2026`` (``short``: ``Dec 2026``); ``2026年12月``."""
    return f"{year}年{month}月" if chinese() else f"{month_name(month, short=short)} {year}"


def quarter_label(year: int, quarter: int) -> str:
    """``Q4 2026``; ``2026年第四季度``."""
    return f"{year}年第{_ZH_QUARTERS[quarter - 1]}季度" if chinese() else f"Q{quarter} {year}"


def number(value: int | float | Decimal, decimals: int = 0) -> str:
    """Thousands grouped with commas (``12,345``), as bank statements in both languages write."""
    return f"{value:,.{decimals}f}"


def money(amount: int | float | Decimal | str, currency: str = "") -> str:
    """``1,234.50 CNY``; ``1,234.50元`` / ``1,234.50美元``: two decimals, thousands grouped; a
    currency Chinese has no word for keeps its code (``1,234.50 THB``)."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return f"{amount} {currency}".strip()
    text = number(value, 2)
    code = currency.strip().upper()
    if chinese():
        if not code:
            return text
        word = _ZH_CURRENCIES.get(code)
        return f"{text}{word}" if word else f"{text} {code}"
    return f"{text} {code}" if code else text
