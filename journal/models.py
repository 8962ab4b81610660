"""The data model: entries, contacts, projects, organisations and day notes.

Documents are stored *lean* (empty values omitted, see docs/data-format.md), so ``to_doc`` drops
empty fields and ``from_doc`` restores the defaults. Validation lives here, next to the fields, so the
CLI, the TUI, the importer and ``journal doctor`` all reject the same things with the same words.
No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from journal.errors import NotFoundError, ValidationError
from journal.text import fold

SCHEMA_VERSION = 1
ENTRY_STATUSES = ("done", "planned", "cancelled")
PROJECT_STATUSES = ("active", "paused", "done", "cancelled")
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z")  # ASCII digits, no "\n" after
_MONTH_DAY_RE = re.compile(r"^--(\d\d)-(\d\d)$")
MAX_NAME = 200
MAX_EVENT = 500


def utc_now() -> str:
    """The current instant as a lexically sortable UTC timestamp (microseconds, ``Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _short(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def check_date(value: object, what: str = "date") -> str:
    """Return ``value`` if it is a real ISO date (``2026-02-30`` is not), else raise."""
    if not isinstance(value, str):
        raise ValidationError(f"invalid {what} {_short(value)}: expected YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(f"invalid {what} {_short(value)}: {exc}") from None
    if len(value) != 10 or parsed.isoformat() != value:
        raise ValidationError(f"invalid {what} {_short(value)}: expected YYYY-MM-DD")
    return value


def check_time(value: object, what: str = "time") -> str | None:
    """Return ``value`` if it is a 24-hour ``HH:MM`` time (or None), else raise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise ValidationError(f"invalid {what} {_short(value)}: expected HH:MM between 00:00 and 23:59")
    return value


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


def check_text(value: object, what: str, *, required: bool = False, one_line: bool = False,
               limit: int | None = None) -> str:
    """Validate a text field: a string, non-empty when required, without NUL, within ``limit``."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"invalid {what}: expected text, got {type(value).__name__}")
    if "\x00" in value:
        raise ValidationError(f"invalid {what}: contains a NUL character")
    if one_line:
        value = " ".join(value.split()) if ("\n" in value or "\r" in value) else value.strip()
    if required and not value.strip():
        raise ValidationError(f"{what} must not be empty")
    if limit is not None and len(value) > limit:
        raise ValidationError(f"{what} is too long ({len(value)} characters, at most {limit})")
    return value


def check_str_list(value: object, what: str) -> list[str]:
    """A list of non-empty strings, returned sorted and without duplicates (lists are sets)."""
    if value is None or value == []:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"invalid {what}: expected a list of text")
    return sorted({check_text(v, what, one_line=True).strip() for v in value} - {""})


def tag_set(tags: Iterable[str], what: str) -> set[str]:
    """Tags as stored (one line, trimmed; see models.check_str_list), refusing empty ones."""
    result = set()
    for tag in tags:
        clean = check_text(tag, what, one_line=True).strip()
        if not clean:
            raise ValidationError(f"empty {what}")
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
            raise NotFoundError(f"entry has no tag {tag!r}")
        tags -= hits
    return sorted(tags)


def check_ids(value: object, what: str) -> list[str]:
    """A list of ULIDs, sorted and unique."""
    ids = check_str_list(value, what)
    for doc_id in ids:
        if not ULID_RE.match(doc_id):
            raise ValidationError(f"invalid {what}: {_short(doc_id)} is not an id")
    return ids


def check_optional_id(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ULID_RE.match(value):
        raise ValidationError(f"invalid {what}: {_short(value)} is not an id")
    return value


def check_timestamp(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) < 20:
        raise ValidationError(f"invalid {what}: {_short(value)} is not a timestamp")
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"invalid {what}: {_short(value)} is not a timestamp") from None
    return value


def _check_conflicts(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(c, dict) and isinstance(c.get("field"), str)
                                              for c in value):
        raise ValidationError("invalid conflicts: expected a list of {field, value, ...} records")
    return [dict(c) for c in value]


def _check_expenses(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError("invalid expenses: expected a list")
    result = []
    for item in value:
        if not isinstance(item, dict):
            raise ValidationError("invalid expenses: each expense is {amount, currency, note}")
        amount = item.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise ValidationError(f"invalid expense amount {_short(amount)}: expected a number")
        result.append({"amount": amount,
                       "currency": check_text(item.get("currency"), "expense currency", one_line=True),
                       "note": check_text(item.get("note"), "expense note", one_line=True)})
    return result


def lean(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values (None, "", []) — the stored form omits them."""
    return {k: v for k, v in doc.items() if v is not None and v != "" and v != []}


_STORED: dict[type, tuple[str, ...]] = {}


def _stored_fields(cls: type) -> tuple[str, ...]:
    """The names of a model's stored fields (all but ``id``), looked up once per class:
    ``dataclasses.fields`` costs more than the rest of ``to_doc`` (an import makes 100k docs)."""
    names = _STORED.get(cls)
    if names is None:
        names = _STORED[cls] = tuple(f.name for f in fields(cls) if f.name != "id")
    return names


@dataclass
class Document:
    """Fields every document shares. ``id`` is not stored inside the document (it is the key)."""

    TABLE: ClassVar[str] = ""
    id: str = ""
    created_at: str = ""
    updated_at: str = ""
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def validate(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_doc(self) -> dict[str, Any]:
        """The lean stored form (validated)."""
        self.validate()
        doc = {name: getattr(self, name) for name in _stored_fields(type(self))}
        return lean(doc)

    @classmethod
    def from_doc(cls, doc_id: str, doc: Mapping[str, Any]) -> Any:
        """Build from a stored document, applying the defaults of omitted fields, and validate."""
        if not isinstance(doc, Mapping):
            raise ValidationError(f"{cls.TABLE} {doc_id}: expected an object")
        known = set(_stored_fields(cls))
        kwargs = {k: v for k, v in doc.items() if k in known and v is not None}
        obj = cls(id=doc_id, **kwargs)
        try:
            obj.validate()
        except ValidationError as exc:
            raise ValidationError(f"{cls.TABLE} {doc_id}: {exc}") from None
        return obj

    def _validate_common(self) -> None:
        self.created_at = check_timestamp(self.created_at, "created_at")
        self.updated_at = check_timestamp(self.updated_at, "updated_at")
        self.conflicts = _check_conflicts(self.conflicts)


@dataclass
class Entry(Document):
    """One event of the day: a visit, a call, a meeting, a task."""

    TABLE: ClassVar[str] = "entries"
    date: str = ""
    time: str | None = None
    end_time: str | None = None
    event: str = ""
    summary: str = ""
    project_ids: list[str] = field(default_factory=list)
    contact_ids: list[str] = field(default_factory=list)
    organisation_ids: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    status: str = "done"
    expenses: list[dict[str, Any]] = field(default_factory=list)
    remind_at: str | None = None
    recurrence: str | None = None

    def validate(self) -> None:
        self.date = check_date(self.date)
        self.time = check_time(self.time)
        self.end_time = check_time(self.end_time, "end time")
        self.event = check_text(self.event, "event", required=True, one_line=True, limit=MAX_EVENT)
        self.summary = check_text(self.summary, "summary", limit=100_000)
        self.project_ids = check_ids(self.project_ids, "project_ids")
        self.contact_ids = check_ids(self.contact_ids, "contact_ids")
        self.organisation_ids = check_ids(self.organisation_ids, "organisation_ids")
        self.tags = check_str_list(self.tags, "tags")
        if self.status not in ENTRY_STATUSES:
            raise ValidationError(f"invalid status {_short(self.status)}: use one of "
                                  + ", ".join(ENTRY_STATUSES))
        self.expenses = _check_expenses(self.expenses)
        if self.remind_at is not None and not isinstance(self.remind_at, str):
            raise ValidationError("invalid remind_at: expected YYYY-MM-DDTHH:MM")
        if self.recurrence is not None and not isinstance(self.recurrence, str):
            raise ValidationError("invalid recurrence: expected an RRULE string")
        self._validate_common()


@dataclass
class Contact(Document):
    """A person the user deals with; may belong to an organisation."""

    TABLE: ClassVar[str] = "contacts"
    name: str = ""
    organisation_id: str | None = None
    title: str = ""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    birthday: str | None = None
    tier: str = ""
    cadence_days: int | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)

    def validate(self) -> None:
        self.name = check_text(self.name, "name", required=True, one_line=True, limit=MAX_NAME)
        self.organisation_id = check_optional_id(self.organisation_id, "organisation_id")
        self.title = check_text(self.title, "title", one_line=True, limit=MAX_NAME)
        self.phones = check_str_list(self.phones, "phones")
        self.emails = check_str_list(self.emails, "emails")
        self.birthday = check_birthday(self.birthday)
        self.tier = check_text(self.tier, "tier", one_line=True, limit=40)
        if self.cadence_days is not None and (isinstance(self.cadence_days, bool)
                                              or not isinstance(self.cadence_days, int)
                                              or not 0 < self.cadence_days <= 3660):
            raise ValidationError(f"invalid cadence_days {_short(self.cadence_days)}: "
                                  "expected a whole number of days from 1 to 3660")
        self.notes = check_text(self.notes, "notes", limit=100_000)
        self.tags = check_str_list(self.tags, "tags")
        self._validate_common()


@dataclass
class Project(Document):
    """A piece of work entries serve (a loan application, a product launch)."""

    TABLE: ClassVar[str] = "projects"
    name: str = ""
    organisation_id: str | None = None
    status: str = "active"
    notes: str = ""
    tags: list[str] = field(default_factory=list)

    def validate(self) -> None:
        self.name = check_text(self.name, "name", required=True, one_line=True, limit=MAX_NAME)
        self.organisation_id = check_optional_id(self.organisation_id, "organisation_id")
        if self.status not in PROJECT_STATUSES:
            raise ValidationError(f"invalid project status {_short(self.status)}: use one of "
                                  + ", ".join(PROJECT_STATUSES))
        self.notes = check_text(self.notes, "notes", limit=100_000)
        self.tags = check_str_list(self.tags, "tags")
        self._validate_common()

@dataclass
class Organisation(Document):
    """A client firm, a branch, a partner."""

    TABLE: ClassVar[str] = "organisations"
    name: str = ""
    industry: str = ""
    address: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)

    def validate(self) -> None:
        self.name = check_text(self.name, "name", required=True, one_line=True, limit=MAX_NAME)
        self.industry = check_text(self.industry, "industry", one_line=True, limit=MAX_NAME)
        self.address = check_text(self.address, "address", limit=2000)
        self.notes = check_text(self.notes, "notes", limit=100_000)
        self.tags = check_str_list(self.tags, "tags")
        self._validate_common()


@dataclass
class DayNote(Document):
    """Free notes for one day; the document id is the ISO date itself."""

    TABLE: ClassVar[str] = "days"
    note: str = ""

    def validate(self) -> None:
        check_date(self.id, "day")
        self.note = check_text(self.note, "note", limit=100_000)
        self._validate_common()


MODEL_BY_TABLE: dict[str, type[Document]] = {
    cls.TABLE: cls for cls in (Entry, Contact, Project, Organisation, DayNote)
}
#: The kinds of linkable documents, as users name them, and their tables.
KIND_TABLE = {"contact": "contacts", "project": "projects", "organisation": "organisations"}
#: The entry field that links each kind.
KIND_LINK_FIELD = {"contact": "contact_ids", "project": "project_ids",
                   "organisation": "organisation_ids"}
