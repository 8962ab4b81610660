"""The data model: entries, contacts, projects, organisations, day notes and written reviews.

Documents are stored *lean* (empty values omitted, see docs/data-format.md), so ``to_doc`` drops
empty fields and ``from_doc`` restores the defaults. Each document validates its fields with the
rules of :mod:`journal.fields` (re-exported here), so the CLI, the TUI, the importer and
``journal doctor`` all reject the same things with the same words. No I/O here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from journal.errors import ValidationError
from journal.fields import (  # noqa: F401 - the field rules are part of the model's interface
    ENTRY_STATUSES,
    MAX_EVENT,
    MAX_NAME,
    ORIGINS,
    PRIORITIES,
    PROJECT_STATUSES,
    REVIEW_ID_RE,
    ULID_RE,
    check_birthday,
    check_cadence,
    check_date,
    check_email,
    check_ids,
    check_optional_id,
    check_origin,
    check_phone,
    check_priority,
    check_review_id,
    check_str_list,
    check_text,
    check_time,
    check_timestamp,
    edit_tags,
    effective_origin,
    short_value,
    tag_set,
    utc_now,
)
from journal.i18n import _

#: The journal's content: table name -> document id -> lean document (see Document.to_doc).
Tables = dict[str, dict[str, dict[str, Any]]]

SCHEMA_VERSION = 1


def _check_conflicts(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(c, dict) and isinstance(c.get("field"), str)
                                              for c in value):
        raise ValidationError(_("invalid conflicts: expected a list of {field, value, ...} records"))
    return [dict(c) for c in value]


def _check_edited_at(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in value.items()):
        raise ValidationError(_("invalid edited_at: expected {field: timestamp}"))
    for name, stamp in value.items():
        check_timestamp(stamp, f"edited_at of {name}")
    return dict(value)


def _check_expenses(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(_("invalid expenses: expected a list"))
    result = []
    for item in value:
        if not isinstance(item, dict):
            raise ValidationError(_("invalid expenses: each expense is {amount, currency, note}"))
        amount = item.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) \
                or not math.isfinite(amount):
            raise ValidationError(_("invalid expense amount {short}: expected a number").format(short=short_value(amount)))
        result.append({"amount": amount,
                       "currency": check_text(item.get("currency"), "expense currency", one_line=True),
                       "note": check_text(item.get("note"), "expense note", one_line=True)})
    return result


#: What one occurrence of a repeating entry may change (journal.recurrence.series.OVERRIDABLE).
_EXCEPTION_FIELDS = frozenset({"date", "time", "end_time", "event", "summary", "status",
                               "priority", "tags", "expenses", "remind_at", "reminded", "skip",
                               "carried_from", "updated_at"})
_OCCURRENCE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}@[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def check_exceptions(value: object) -> dict[str, dict[str, Any]]:
    """A series' per-occurrence changes: ``{day: {field: value, "updated_at": stamp}}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(_("invalid exceptions: expected {day: {field: value}}"))
    out: dict[str, dict[str, Any]] = {}
    for day, change in value.items():
        check_date(day, "occurrence day")
        if not isinstance(change, dict):
            raise ValidationError(_("invalid exception of {day}: expected an object").format(day=day))
        unknown = sorted(set(change) - _EXCEPTION_FIELDS)
        if unknown:
            raise ValidationError(_("invalid exception of {day}: unknown field {unknown!r}").format(day=day, unknown=unknown[0][:30]))
        item = dict(change)
        if "date" in item:
            check_date(item["date"], f"date of the occurrence of {day}")
        for name in ("time", "end_time"):
            if name in item:
                item[name] = check_time(item[name], f"{name.replace('_', ' ')} of {day}")
        if "event" in item:
            item["event"] = check_text(item["event"], "event", required=True, one_line=True,
                                       limit=MAX_EVENT)
        if "summary" in item:
            item["summary"] = check_text(item["summary"], "summary", limit=100_000)
        if "status" in item and item["status"] not in ENTRY_STATUSES:
            raise ValidationError(_("invalid status {short} of {day}").format(short=short_value(item['status']), day=day))
        if "tags" in item:
            item["tags"] = check_str_list(item["tags"], "tags")
        if "carried_from" in item:
            item["carried_from"] = [check_date(x, "carried-from date")
                                    for x in check_str_list(item["carried_from"], "carried_from")]
        if "expenses" in item:
            item["expenses"] = _check_expenses(item["expenses"])
        for name in ("remind_at", "reminded", "priority"):
            if name in item and not isinstance(item[name], str):
                raise ValidationError(_("invalid {name} of the occurrence of {day}: expected "
                                        "text").format(name=name, day=day))
        if "skip" in item and item["skip"] is not True:
            raise ValidationError(_("invalid skip of {day}: expected true").format(day=day))
        if "updated_at" in item:
            check_timestamp(item["updated_at"], f"updated_at of the occurrence of {day}")
        out[day] = item
    return dict(sorted(out.items()))


def check_follows(value: object) -> str | None:
    """What a follow-up follows: an entry id, or an occurrence's ``ID@YYYY-MM-DD``."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not (ULID_RE.match(value) or _OCCURRENCE_RE.match(value)):
        raise ValidationError(_("invalid follows_id {short}: not an entry id").format(short=short_value(value)))
    return value


def lean(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values (None, "", [], {}) — the stored form omits them."""
    return {k: v for k, v in doc.items() if v is not None and v != "" and v != [] and v != {}}


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
    #: When each field last changed, if since creation (journal.field_times; set by storage).
    edited_at: dict[str, str] = field(default_factory=dict)

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
            raise ValidationError(_("{TABLE} {doc_id}: expected an object").format(TABLE=cls.TABLE, doc_id=doc_id))
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
        self.edited_at = _check_edited_at(self.edited_at)


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
    priority: str = ""
    origin: str = ""
    carried_from: list[str] = field(default_factory=list)
    expenses: list[dict[str, Any]] = field(default_factory=list)
    remind_at: str | None = None
    #: The ``remind_at`` the user acknowledged (``journal remind --ack``): due again when it moves.
    reminded: str | None = None
    recurrence: str | None = None
    #: A repeating entry's changed occurrences, by their day (see journal.recurrence.series).
    exceptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The entry (or occurrence, ``ID@YYYY-MM-DD``) this one follows up (``journal follow-up``).
    follows_id: str | None = None
    #: A client's complaint, tracked until ``resolved_on`` (open while that is empty).
    complaint: bool = False
    resolution: str = ""
    resolved_on: str | None = None
    #: A client hand-over (see journal.clients.handover): who handed over, received, witnessed.
    handover_from: str = ""
    handover_to: str = ""
    handover_witness: str = ""

    def to_doc(self) -> dict[str, Any]:
        doc = super().to_doc()
        if not doc.get("complaint"):  # stored only when true, like every other empty value
            doc.pop("complaint", None)
        return doc

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
            raise ValidationError(_("invalid status {status}: use one of {known}").format(
                status=short_value(self.status), known=", ".join(ENTRY_STATUSES)))
        self.priority = check_priority(self.priority)
        self.origin = check_origin(self.origin)
        self.carried_from = [check_date(d, "carried-from date")
                             for d in check_str_list(self.carried_from, "carried_from")]
        self.expenses = _check_expenses(self.expenses)
        if self.remind_at is not None and not isinstance(self.remind_at, str):
            raise ValidationError(_("invalid remind_at: expected YYYY-MM-DDTHH:MM"))
        if self.recurrence is not None and not isinstance(self.recurrence, str):
            raise ValidationError(_("invalid recurrence: expected an RRULE string"))
        if self.reminded is not None and not isinstance(self.reminded, str):
            raise ValidationError(_("invalid reminded: expected YYYY-MM-DDTHH:MM"))
        self.exceptions = check_exceptions(self.exceptions)
        self.follows_id = check_follows(self.follows_id)
        if not isinstance(self.complaint, bool):
            raise ValidationError(_("invalid complaint {short}: expected true or false").format(short=short_value(self.complaint)))
        self.resolution = check_text(self.resolution, "resolution", limit=100_000)
        if self.resolved_on is not None and self.resolved_on != "":
            self.resolved_on = check_date(self.resolved_on, "resolved date")
        else:
            self.resolved_on = None
        for name, what in (("handover_from", "handed over by"), ("handover_to", "received by"),
                           ("handover_witness", "witnessed by")):
            setattr(self, name, check_text(getattr(self, name), what, one_line=True, limit=MAX_NAME))
        self._validate_common()

    @property
    def complaint_state(self) -> str:
        """``open`` or ``resolved`` for a complaint, "" for any other entry."""
        if not self.complaint:
            return ""
        return "resolved" if self.resolved_on else "open"


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
    #: The colleague who looks after this client ("" = the journal's owner, from the config).
    owner: str = ""

    def validate(self) -> None:
        self.name = check_text(self.name, "name", required=True, one_line=True, limit=MAX_NAME)
        self.organisation_id = check_optional_id(self.organisation_id, "organisation_id")
        self.title = check_text(self.title, "title", one_line=True, limit=MAX_NAME)
        self.phones = check_str_list(self.phones, "phones")
        self.emails = check_str_list(self.emails, "emails")
        self.birthday = check_birthday(self.birthday)
        self.tier = check_text(self.tier, "tier", one_line=True, limit=40)
        if self.cadence_days is not None and (isinstance(self.cadence_days, str)
                                              or check_cadence(self.cadence_days) is None):
            raise ValidationError(_("invalid cadence_days {short}: expected a whole number of "
                                    "days from 1 to 3660").format(short=short_value(self.cadence_days)))
        self.owner = check_text(self.owner, "owner", one_line=True, limit=MAX_NAME)
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
            raise ValidationError(_("invalid project status {status}: use one of {known}").format(
                status=short_value(self.status), known=", ".join(PROJECT_STATUSES)))
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
    #: The client's tier and cadence; its contacts without their own inherit them.
    tier: str = ""
    cadence_days: int | None = None
    owner: str = ""

    def validate(self) -> None:
        self.name = check_text(self.name, "name", required=True, one_line=True, limit=MAX_NAME)
        self.tier = check_text(self.tier, "tier", one_line=True, limit=40)
        self.cadence_days = check_cadence(self.cadence_days)
        self.owner = check_text(self.owner, "owner", one_line=True, limit=MAX_NAME)
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



def time_span(time: str | None, end_time: str | None, dash: str = "–") -> str:
    """An entry's time as every surface shows it: ``09:30``, ``09:30–10:30``, or ``""`` when
    untimed (an end without a start says nothing on its own). The CLI's plain lines use an ASCII
    ``dash`` so scripts can split them."""
    if not time:
        return ""
    return f"{time}{dash}{end_time}" if end_time else time


@dataclass
class MergeRecord(Document):
    """What is left of a contact, project or organisation merged into another (keyed by the old
    id): where it went. Links made to it on another machine before a sync follow to ``into``
    (journal.sync.merge), and names shown for a stray link say who it is now."""

    TABLE: ClassVar[str] = "merged"
    kind: str = ""
    into: str = ""
    name: str = ""

    def validate(self) -> None:
        if self.kind not in KIND_TABLE:
            raise ValidationError(_("invalid kind {kind}: use one of {known}").format(
                kind=short_value(self.kind), known=", ".join(KIND_TABLE)))
        into = check_optional_id(self.into, "into")
        if into is None:
            raise ValidationError(_("into must name the document it was merged into"))
        self.into = into
        self.name = check_text(self.name, "name", one_line=True, limit=MAX_NAME)
        self._validate_common()


def entry_organisations(entry: Mapping[str, Any], contacts: Mapping[str, Mapping[str, Any]],
                        projects: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Organisation ids an entry concerns: linked directly, or through a linked contact's or
    project's ``organisation_id``. Sorted. Search (``org:``) and the reports' per-client grouping
    both use this so they always agree on what counts as work for a client."""
    found = set(entry.get("organisation_ids") or ())
    for cid in entry.get("contact_ids") or ():
        org = contacts.get(cid, {}).get("organisation_id")
        if org:
            found.add(org)
    for pid in entry.get("project_ids") or ():
        org = projects.get(pid, {}).get("organisation_id")
        if org:
            found.add(org)
    return sorted(found)


@dataclass
class Review(Document):
    """The written part of a week's, month's or quarter's review (工作总结, 月报); the document id
    is the period (``2026-W47``, ``2026-11``, ``2026-Q4``), so two machines writing the same
    week's review merge field by field like any document."""

    TABLE: ClassVar[str] = "reviews"
    text: str = ""

    def validate(self) -> None:
        check_review_id(self.id)
        self.text = check_text(self.text, "review", limit=200_000)
        self._validate_common()


MODEL_BY_TABLE: dict[str, type[Document]] = {
    cls.TABLE: cls for cls in (Entry, Contact, Project, Organisation, DayNote, MergeRecord,
                               Review)
}
#: The kinds of linkable documents, as users name them, and their tables.
KIND_TABLE = {"contact": "contacts", "project": "projects", "organisation": "organisations"}
#: The entry field that links each kind.
KIND_LINK_FIELD = {"contact": "contact_ids", "project": "project_ids",
                   "organisation": "organisation_ids"}
#: The kind each linkable table holds (KIND_TABLE read backwards).
TABLE_KIND = {table: kind for kind, table in KIND_TABLE.items()}
#: The model of each kind.
MODEL_BY_KIND: dict[str, type[Document]] = {kind: MODEL_BY_TABLE[table] for kind, table in KIND_TABLE.items()}
