"""The written part of a review: which period it belongs to, and the headings it starts from.

A review is keyed by its period: ``2026-W47`` (ISO week), ``2026-11`` (month) or ``2026-Q4``
(quarter), the same labels ``journal week/month/quarter`` print and ``on:`` reads. A new one
starts from three headings: 本周工作 / 问题与风险 / 下周计划 (and the month's and quarter's
equivalents) when the journal or the locale is Chinese, their English equivalents otherwise. A
text that still holds only those headings was not written and is not saved.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Literal

from journal.errors import ValidationError
from journal.i18n import _
from journal.models import check_review_id

Kind = Literal["week", "month", "quarter"]
KINDS: tuple[Kind, ...] = ("week", "month", "quarter")
HEADINGS: dict[str, dict[Kind, tuple[str, str, str]]] = {
    "zh": {"week": ("本周工作", "问题与风险", "下周计划"),
           "month": ("本月工作", "问题与风险", "下月计划"),
           "quarter": ("本季度工作", "问题与风险", "下季度计划")},
    "en": {"week": ("Work this week", "Problems and risks", "Plans for next week"),
           "month": ("Work this month", "Problems and risks", "Plans for next month"),
           "quarter": ("Work this quarter", "Problems and risks", "Plans for next quarter")},
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HEADING_LINE = re.compile(r"#{1,6} .*")
#: Share of recent entries written with Chinese characters from which the journal "is Chinese".
CHINESE_SHARE = 0.3


def review_id(kind: Kind, day: date) -> str:
    """The id of the ``kind`` period holding ``day``: ``2026-W47``, ``2026-11``, ``2026-Q4``."""
    if kind == "week":
        iso = day.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    raise ValidationError(_("unknown review kind {kind!r}: use week, month or quarter").format(kind=kind))


def review_period(period_id: str) -> tuple[Kind, date, date]:
    """``(kind, first day, last day)`` of a review id (the inverse of :func:`review_id`)."""
    check_review_id(period_id)
    year = int(period_id[:4])
    rest = period_id[5:]
    if rest.startswith("W"):
        monday = date.fromisocalendar(year, int(rest[1:]), 1)
        return "week", monday, monday + timedelta(days=6)
    if rest.startswith("Q"):
        first = date(year, 3 * (int(rest[1:]) - 1) + 1, 1)
        kind: Kind = "quarter"
        months = 3
    else:
        first = date(year, int(rest), 1)
        kind, months = "month", 1
    following = date(year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1)
    return kind, first, following - timedelta(days=1)


def is_chinese(texts: Iterable[str], environ: Mapping[str, str] | None = None) -> bool:
    """Whether reviews should start with Chinese headings: when at least
    :data:`CHINESE_SHARE` of ``texts`` (recent entries' events) hold Chinese characters, or when
    the locale is Chinese (``LC_ALL`` / ``LC_MESSAGES`` / ``LANG`` = ``zh_…``)."""
    texts = list(texts)
    if texts and sum(1 for t in texts if _CJK.search(t)) >= CHINESE_SHARE * len(texts):
        return True
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return value.lower().startswith("zh")
    return False


def template(kind: Kind, chinese: bool) -> str:
    """A review's starting text: three Markdown headings, each followed by an empty line to
    write on."""
    headings = HEADINGS["zh" if chinese else "en"][kind]
    return "\n\n".join(f"## {h}\n" for h in headings)


def is_unwritten(text: str) -> bool:
    """True when ``text`` holds nothing but headings and blank lines (a template left as it
    was): saving it would only add noise to the report and the file."""
    return all(not line.strip() or _HEADING_LINE.fullmatch(line.strip())
               for line in text.splitlines())
