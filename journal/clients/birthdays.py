"""Birthdays: read as people write them, stored as ``YYYY-MM-DD`` or ``--MM-DD`` (year unknown),
and the ones coming up.

Accepted: ``1980-05-17``, ``05-17`` / ``5-17`` (year unknown), ``--05-17`` (the vCard form),
``1980/5/17``, ``1980.5.17``, ``5月17日`` / ``5月17号``, ``1980年5月17日``, full-width digits too.

A birthday on 29 February is celebrated on 28 February in years without one (the day before: the
month stays the same, which is what people with such birthdays usually do, and a greeting is never
late).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from journal.errors import ValidationError
from journal.i18n import _
from journal.models import check_birthday

_YEAR_FIRST = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(r"(?:--)?(\d{1,2})\s*[-月]\s*(\d{1,2})\s*[日号]?")
CLEAR = ("", "-", "none")


def parse_birthday(text: str | None) -> str | None:
    """The stored form of a birthday as typed (None: no birthday). Raises ValidationError."""
    if text is None:
        return None
    clean = unicodedata.normalize("NFKC", text).strip()
    if clean.lower() in CLEAR:
        return None
    if match := _YEAR_FIRST.fullmatch(clean):
        year, month, day = (int(g) for g in match.groups())
        stored = f"{year:04d}-{month:02d}-{day:02d}"
    elif match := _MONTH_DAY.fullmatch(clean):
        month, day = (int(g) for g in match.groups())
        stored = f"--{month:02d}-{day:02d}"
    else:
        raise ValidationError(_("invalid birthday {strip!r}: use MM-DD (year unknown), "
                                "YYYY-MM-DD or 5月17日").format(strip=text.strip()[:40]))
    try:
        return check_birthday(stored)
    except ValidationError:
        message = (_("invalid birthday {text!r}: there is no such day") if stored.startswith("--")
                   else _("invalid birthday {text!r}: there is no such day in that year"))
        raise ValidationError(message.format(text=text.strip()[:40])) from None


def month_day(stored: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of a stored birthday; None for a value that is not one."""
    try:
        check_birthday(stored)
    except ValidationError:
        return None
    if stored.startswith("--"):
        return int(stored[2:4]), int(stored[5:7]), None
    return int(stored[5:7]), int(stored[8:10]), int(stored[:4])


def occurrence(month: int, day: int, year: int) -> date:
    """The birthday in ``year`` (29 February → 28 February when the year has none)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_birthday(stored: str, on_or_after: date) -> date | None:
    """The first day on or after ``on_or_after`` that is this birthday."""
    parts = month_day(stored)
    if parts is None:
        return None
    month, day, _ = parts
    when = occurrence(month, day, on_or_after.year)
    return when if when >= on_or_after else occurrence(month, day, on_or_after.year + 1)


def display(stored: str) -> str:
    """``05-17`` for a birthday without a year, else the date."""
    return stored[2:] if stored.startswith("--") else stored


@dataclass
class Upcoming:
    """A contact's next birthday within the window; ``turns`` when the year is known."""

    id: str
    name: str
    organisation: str
    birthday: str  # as stored
    date: date
    days: int  # from today: 0 is today
    turns: int | None


def upcoming(tables: Mapping[str, Mapping[str, dict[str, Any]]], today: date,
             days: int = 30) -> list[Upcoming]:
    """Contacts whose birthday falls from today to ``days`` days later, soonest first."""
    if days < 0:
        raise ValidationError(_("--days must be 0 or more"))
    orgs = tables.get("organisations") or {}
    end = today + timedelta(days=days)
    out = []
    for contact_id, doc in (tables.get("contacts") or {}).items():
        stored = doc.get("birthday")
        if not isinstance(stored, str):
            continue
        when = next_birthday(stored, today)
        if when is None or when > end:
            continue
        parts = month_day(stored)
        year = parts[2] if parts else None
        org = orgs.get(doc.get("organisation_id") or "", {})
        out.append(Upcoming(contact_id, str(doc.get("name", "")), str(org.get("name", "")),
                            stored, when, (when - today).days,
                            when.year - year if year is not None else None))
    out.sort(key=lambda u: (u.date, u.name, u.id))
    return out
