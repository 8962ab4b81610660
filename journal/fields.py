"""The rule for each value a document holds: dates, times, statuses, priorities, ids, names,
e-mails, phones, tags, timestamps. The models (:mod:`journal.models`) check their fields with these,
and so do the CLI's options, the app's forms, the importers and ``journal doctor`` — one rule,
the same words, wherever a value comes in. No I/O here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from journal.errors import NotFoundError, ValidationError
from journal.i18n import _
from journal.text import fold

ENTRY_STATUSES = ("done", "planned", "cancelled")
#: An entry's importance; "normal" is stored as nothing (most entries), so only two are stored.
PRIORITIES = ("high", "normal", "low")
#: Where an entry came from: "planned" ahead (set when it is created or re-planned as planned, and
#: kept when it is ticked off, carried over or cancelled); nothing stored = it came up on the day.
ORIGINS = ("planned", "unplanned")
#: Review periods: an ISO week, a month or a quarter (the document id of a written review).
REVIEW_ID_RE = re.compile(r"^(?P<y>[0-9]{4})-(?:W(?P<w>[0-9]{2})|(?P<m>[0-9]{2})|Q(?P<q>[1-4]))$")

PROJECT_STATUSES = ("active", "paused", "done", "cancelled")
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z")  # ASCII digits, no "\n" after
_MONTH_DAY_RE = re.compile(r"^--(\d\d)-(\d\d)$")
MAX_NAME = 200
MAX_EVENT = 500


def utc_now() -> str:
    """The current instant as a lexically sortable UTC timestamp (microseconds, ``Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def short_value(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def check_date(value: object, what: str = "date") -> str:
    """Return ``value`` if it is a real ISO date (``2026-02-30`` is not), else raise."""
    if not isinstance(value, str):
        raise ValidationError(_("invalid {what} {short}: expected YYYY-MM-DD").format(what=what, short=short_value(value)))
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(_("invalid {what} {short}: {exc}").format(what=what, short=short_value(value), exc=exc)) from None
    if len(value) != 10 or parsed.isoformat() != value:
        raise ValidationError(_("invalid {what} {short}: expected YYYY-MM-DD").format(what=what, short=short_value(value)))
    return value


def check_time(value: object, what: str = "time") -> str | None:
    """Return ``value`` if it is a 24-hour ``HH:MM`` time (or None), else raise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise ValidationError(_("invalid {what} {short}: expected HH:MM between 00:00 and "
                                "23:59").format(what=what, short=short_value(value)))
    return value


def check_priority(value: object) -> str:
    """The stored form of a priority: ``"high"``, ``"low"``, or ``""`` for normal."""
    if value is None or value in ("", "normal"):
        return ""
    if value not in PRIORITIES:
        raise ValidationError(_("invalid priority {short}: use high, normal or low").format(short=short_value(value)))
    return str(value)


def check_origin(value: object) -> str:
    """The stored form of an origin: ``"planned"``, or ``""`` when it came up on the day."""
    if value is None or value in ("", "unplanned"):
        return ""
    if value != "planned":
        raise ValidationError(_("invalid origin {short}: use planned or unplanned").format(short=short_value(value)))
    return "planned"


def effective_origin(doc: Mapping[str, Any]) -> str:
    """``"planned"`` or ``"unplanned"`` for a stored entry document. Entries written before the
    origin was recorded count as planned while still planned or when cancelled (one cancels what
    was scheduled); a done one without the mark came up on the day."""
    if doc.get("origin") == "planned" or doc.get("status") in ("planned", "cancelled"):
        return "planned"
    return "unplanned"


def check_review_id(value: object) -> str:
    """A review period id: ``2026-W47`` (an ISO week that exists), ``2026-11`` or ``2026-Q4``."""
    match = REVIEW_ID_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValidationError(_("invalid review period {short}: expected 2026-W47, 2026-11 or "
                                "2026-Q4").format(short=short_value(value)))
    year = int(match["y"])
    if match["w"] is not None:
        weeks = date(year, 12, 28).isocalendar().week
        if not 1 <= int(match["w"]) <= weeks:
            raise ValidationError(_("invalid review period {short}: {year} has weeks "
                                    "1..{weeks}").format(short=short_value(value), year=year, weeks=weeks))
    elif match["m"] is not None and not 1 <= int(match["m"]) <= 12:
        raise ValidationError(_("invalid review period {short}: no month {m}").format(short=short_value(value), m=match['m']))
    if year < 1:
        raise ValidationError(_("invalid review period {short}: no year 0").format(short=short_value(value)))
    return str(value)


def check_birthday(value: object) -> str | None:
    """A birthday is ``YYYY-MM-DD`` or ``--MM-DD`` when the year is unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        match = _MONTH_DAY_RE.match(value)
        if match:
            check_date(f"2000-{match[1]}-{match[2]}", "birthday")  # 2000 is a leap year: --02-29 ok
            return value
    return check_date(value, "birthday")


# An address as people write it: something@domain.tld, no spaces, no list separators.
_EMAIL_RE = re.compile(r"[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\".]+(?:\.[^@\s,;<>()\[\]\".]+)+\Z")
# Digits with the punctuation phone numbers are written with, and an optional extension.
_PHONE_RE = re.compile(r"\+?\(?[0-9][0-9 ()./-]*(?:\s*(?:ext\.?|x|#|转|分机)\s*[0-9]+)?\Z",
                       re.IGNORECASE)


def check_email(value: str) -> str:
    """An e-mail address as typed (CLI ``--email``, the contact form); returned trimmed. Only
    for input: stored documents are not held to it (an import keeps what the phone exported)."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not _EMAIL_RE.match(text):
        raise ValidationError(_("invalid e-mail {short}: expected name@example.com").format(short=short_value(value)))
    return text


def check_phone(value: str) -> str:
    """A phone number as typed: at least five digits (full-width ones too), spaces and
    ``+ ( ) - . /``, and an extension (``ext 12``, ``转 8001``); returned trimmed, in half-width
    digits. A date (``12-08``) or a name typed in the wrong field is refused."""
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE_RE.match(text) or not 5 <= digits <= 24:
        raise ValidationError(_("invalid phone {short}: expected at least 5 digits with "
                                "spaces or + ( ) - . /, e.g. +86 138 1234 5678").format(short=short_value(value)))
    return text


def check_cadence(value: object) -> int | None:
    """Visit cadence in days: a whole number from 1 to 3660 (or None)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text:
            return None
        if not text.isdigit():
            raise ValidationError(_("invalid cadence {short}: expected a whole number of days "
                                    "from 1 to 3660").format(short=short_value(value)))
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 3660:
        raise ValidationError(_("invalid cadence_days {short}: expected a whole number of "
                                "days from 1 to 3660").format(short=short_value(value)))
    return value


def check_text(value: object, what: str, *, required: bool = False, one_line: bool = False,
               limit: int | None = None) -> str:
    """Validate a text field: a string, non-empty when required, without NUL, within ``limit``."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("invalid {what}: expected text, got {name__}").format(what=what, name__=type(value).__name__))
    if "\x00" in value:
        raise ValidationError(_("invalid {what}: contains a NUL character").format(what=what))
    if one_line:
        value = " ".join(value.split()) if ("\n" in value or "\r" in value) else value.strip()
    if required and not value.strip():
        raise ValidationError(_("{what} must not be empty").format(what=what))
    if limit is not None and len(value) > limit:
        raise ValidationError(_("{what} is too long ({n_value} characters, at most {limit})").format(what=what, n_value=len(value), limit=limit))
    return value


def check_str_list(value: object, what: str) -> list[str]:
    """A list of non-empty strings, returned sorted and without duplicates (lists are sets)."""
    if value is None or value == []:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("invalid {what}: expected a list of text").format(what=what))
    return sorted({check_text(v, what, one_line=True).strip() for v in value} - {""})


def tag_set(tags: Iterable[str], what: str) -> set[str]:
    """Tags as stored (one line, trimmed; see models.check_str_list), refusing empty ones."""
    result = set()
    for tag in tags:
        clean = check_text(tag, what, one_line=True).strip()
        if not clean:
            raise ValidationError(_("empty {what}").format(what=what))
        result.add(clean)
    return result


def edit_tags(current: Iterable[str], add: set[str], remove: set[str]) -> list[str]:
    """``current`` plus ``add`` minus ``remove``. A tag to remove matches case- and
    width-insensitively (``Q4`` removes ``q4``), as names do; one the entry does not carry is an
    error, like removing a link it does not have, so a typo is not silently ignored."""
    tags = set(current) | add
    for tag in remove:
        hits = {t for t in tags if fold(t) == fold(tag)}
        if not hits:
            raise NotFoundError(_("entry has no tag {tag!r}").format(tag=tag))
        tags -= hits
    return sorted(tags)


def check_ids(value: object, what: str) -> list[str]:
    """A list of ULIDs, sorted and unique."""
    ids = check_str_list(value, what)
    for doc_id in ids:
        if not ULID_RE.match(doc_id):
            raise ValidationError(_("invalid {what}: {short} is not an id").format(what=what, short=short_value(doc_id)))
    return ids


def check_optional_id(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ULID_RE.match(value):
        raise ValidationError(_("invalid {what}: {short} is not an id").format(what=what, short=short_value(value)))
    return value


def check_timestamp(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) < 20:
        raise ValidationError(_("invalid {what}: {short} is not a timestamp").format(what=what, short=short_value(value)))
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(_("invalid {what}: {short} is not a timestamp").format(what=what, short=short_value(value))) from None
    return value
