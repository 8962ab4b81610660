"""The recurring-entry use cases of :class:`journal.service.Journal` (a mixin): finding series,
listing occurrences as entries, and changing one occurrence, it and the following ones, or the
whole series — each change one storage transaction on the series document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from journal.errors import NotFoundError, ValidationError
from journal.i18n import _
from journal.models import Entry, utc_now
from journal.recurrence.rules import rule_parts
from journal.recurrence.series import (
    OVERRIDABLE,
    is_series,
    occurrence_doc,
    occurrence_id,
    occurrences,
    shift_rule,
    split_id,
    split_series,
    usable_exceptions,
    with_exception,
)

if TYPE_CHECKING:
    from journal.storage import JournalStore, TablesView

Scope = Literal["this", "following", "all"]
SCOPES = ("this", "following", "all")
#: The needle that finds series in the file's bytes (canonical JSON: one key per line).
SERIES_NEEDLE = '"recurrence"'


@dataclass
class OccurrenceChange:
    """What a change to an occurrence did: the occurrence as it is now (or None when deleted),
    and the id of a new series when "this and following" split one off."""

    occurrence: Entry | None
    series_id: str
    new_series_id: str | None = None


class SeriesInTransaction:
    """Occurrences read and changed inside another use case's transaction (ticking several
    entries at once, carrying a day over): each series is read once, its exceptions changed in
    memory, and written back once by :meth:`write` — all or nothing with the rest."""

    def __init__(self, tx: Any, now: str) -> None:
        self._tx = tx
        self._now = now
        self._docs: dict[str, dict[str, Any]] = {}
        self._changed: set[str] = set()

    def _series(self, series_id: str) -> dict[str, Any]:
        if series_id not in self._docs:
            doc = self._tx.get("entries", series_id)
            if doc is None or not is_series(doc):
                raise NotFoundError(_("entry {series_id} was deleted meanwhile, or repeats no "
                                      "more").format(series_id=series_id))
            self._docs[series_id] = dict(doc)
        return self._docs[series_id]

    def occurrence(self, occurrence: str) -> Entry:
        series_id, _at, day = occurrence.partition("@")
        doc = self._series(series_id)
        exception = usable_exceptions(doc).get(day)
        if exception is not None and exception.get("skip"):
            raise NotFoundError(_("the occurrence of {day} was deleted").format(day=day))
        return Entry.from_doc(occurrence, occurrence_doc(series_id, doc, day, exception))

    def change(self, occurrence: str, changes: Mapping[str, Any]) -> None:
        series_id, _, day = occurrence.partition("@")
        doc = with_exception(self._series(series_id), day, changes, self._now)
        doc["updated_at"] = self._now
        self._docs[series_id] = doc
        self._changed.add(series_id)

    def write(self) -> None:
        for series_id in sorted(self._changed):
            self._tx.replace("entries", series_id, _valid(series_id, self._docs[series_id]))
        self._changed.clear()


class RecurrenceUseCases:
    """Mixed into :class:`journal.service.Journal`; uses its ``store`` and ``view``."""

    store: JournalStore

    if TYPE_CHECKING:  # provided by Journal and the other mixins
        @property
        def view(self) -> TablesView:
            ...

        def get_entry(self, ref: str) -> Entry:
            ...

    # -- reading ---------------------------------------------------------------------------
    def series(self) -> dict[str, dict[str, Any]]:
        """Every repeating entry (id -> stored document): a search of the file's bytes for the
        field, so the 100k other entries are not parsed; kept while the data is the same."""
        view = self.view
        generation = self.store.generation
        memo = getattr(self, "_series_memo", None)
        if memo is not None and memo[0] == generation:
            return memo[1]
        docs = view.mentioning("entries", [SERIES_NEEDLE])
        found = {i: d for i, d in docs.items() if d.get("recurrence") and is_series(d)}
        self._series_memo = (generation, found)
        return found

    def occurrence_docs(self, start: date, end: date) -> dict[str, dict[str, Any]]:
        """The virtual documents of every occurrence from ``start`` to ``end`` (id -> document)."""
        out: dict[str, dict[str, Any]] = {}
        for series_id, doc in self.series().items():
            out.update(occurrences(series_id, doc, start, end))
        return out

    def occurrence_docs_in(self, start: str | None, end: str | None) -> dict[str, dict[str, Any]]:
        """:meth:`occurrence_docs` for a period that may be open: from the first series' start,
        to a year after today."""
        series = self.series()
        if not series:
            return {}
        low = date.fromisoformat(start) if start else min(date.fromisoformat(d["date"])
                                                          for d in series.values())
        today = date.today()
        high = date.fromisoformat(end) if end else today + timedelta(days=366)
        return self.occurrence_docs(low, high)

    def occurrences_between(self, start: date, end: date) -> list[Entry]:
        """Occurrences from ``start`` to ``end`` as entries, in time order."""
        docs = self.occurrence_docs(start, end)
        items = sorted(docs.items(), key=lambda kv: (kv[1]["date"], kv[1].get("time") or "", kv[0]))
        return [Entry.from_doc(i, d) for i, d in items]

    def get_occurrence(self, ref: str) -> Entry:
        """The occurrence ``SERIES_ID@YYYY-MM-DD`` (the series id may be shortened as for
        entries): NotFoundError when the series does not repeat on that day."""
        series_id, day, doc = self._series_of(ref)
        exception = (doc.get("exceptions") or {}).get(day)
        if exception and exception.get("skip"):
            raise NotFoundError(_("the occurrence of {day} was deleted").format(day=day))
        if not exception and not _produces(doc, day):
            raise NotFoundError(_("{series_id} does not repeat on {day}").format(series_id=series_id, day=day))
        return Entry.from_doc(occurrence_id(series_id, day), occurrence_doc(series_id, doc, day, exception))

    def _series_of(self, ref: str) -> tuple[str, str, dict[str, Any]]:
        series_ref, sep, day = ref.strip().partition("@")
        if not sep:
            raise NotFoundError(_("{strip!r} is not an occurrence (SERIES_ID@YYYY-MM-DD)").format(strip=ref.strip()))
        series = self.get_entry(series_ref)
        parsed = split_id(f"{series.id}@{day}")
        if parsed is None:
            raise ValidationError(_("invalid occurrence {strip!r}: expected "
                                    "SERIES_ID@YYYY-MM-DD").format(strip=ref.strip()))
        doc = self.view.get_doc("entries", series.id)
        if doc is None or not is_series(doc):
            raise NotFoundError(_("entry {id} does not repeat").format(id=series.id))
        return series.id, parsed[1], doc

    # -- changing -----------------------------------------------------------------------------
    def edit_occurrence(self, ref: str, changes: Mapping[str, Any], *,
                        scope: Scope = "this") -> OccurrenceChange:
        """Change one occurrence (``this``), it and the ones after it (``following``: the series
        is split there), or every occurrence (``all``: the series itself; a moved date moves the
        series by as many days). Fields: see journal.recurrence.series.OVERRIDABLE, and for
        ``following``/``all`` also anything a series has."""
        if scope not in SCOPES:
            raise ValidationError(_("invalid scope {scope!r}: use this, following or all").format(scope=scope))
        series_id, day, _doc = self._series_of(ref)
        self.get_occurrence(ref)  # exists
        now = utc_now()
        new_id: str | None = None
        with self.store.transaction() as tx:
            current = tx.get("entries", series_id)
            if current is None:
                raise NotFoundError(_("entry {series_id} was deleted meanwhile").format(series_id=series_id))
            if scope == "this":
                unknown = sorted(set(changes) - set(OVERRIDABLE))
                if unknown:
                    raise ValidationError(_("one occurrence cannot change {unknown!r}; change "
                                            "the series (scope all) or this and following").format(unknown=unknown[0]))
                doc = with_exception(current, day, _checked(changes, current, day), now)
                doc["updated_at"] = now
                tx.replace("entries", series_id, _valid(series_id, doc))
            elif scope == "all":
                doc = _whole_series(current, day, changes, now)
                tx.replace("entries", series_id, _valid(series_id, doc))
            else:
                old, new = split_series(current, day, changes, now)
                _valid("new", new)
                if old is None:  # from the first occurrence on: that is the whole series
                    new = {**new, "created_at": current["created_at"]}
                    tx.replace("entries", series_id, _valid(series_id, new))
                else:
                    tx.replace("entries", series_id, _valid(series_id, old))
                    new_id = tx.insert("entries", new)
        if scope == "following" and new_id is not None:
            return OccurrenceChange(self._first_of(new_id), series_id, new_id)
        try:
            return OccurrenceChange(self.get_occurrence(occurrence_id(series_id, day)), series_id)
        except NotFoundError:
            return OccurrenceChange(None, series_id)

    def _first_of(self, series_id: str) -> Entry | None:
        doc = self.view.get_doc("entries", series_id)
        if doc is None:
            return None
        first = date.fromisoformat(doc["date"])
        found = occurrences(series_id, doc, first, first + timedelta(days=3660))[:1]
        return Entry.from_doc(*found[0]) if found else None

    def set_occurrence_status(self, ref: str, status: str) -> Entry:
        """Tick (``done``), untick (``planned``) or cancel one occurrence."""
        change = self.edit_occurrence(ref, {"status": status})
        assert change.occurrence is not None
        return change.occurrence

    def delete_occurrence(self, ref: str, *, scope: Scope = "this") -> str:
        """Delete one occurrence (it is skipped from then on), it and the following ones (the
        series ends the day before), or the whole series. Returns what was done, in words."""
        series_id, day, _doc = self._series_of(ref)
        self.get_occurrence(ref)
        now = utc_now()
        with self.store.transaction() as tx:
            current = tx.get("entries", series_id)
            if current is None:
                raise NotFoundError(_("entry {series_id} was deleted meanwhile").format(series_id=series_id))
            if scope == "all" or (scope == "following" and day <= current["date"]):
                tx.remove("entries", series_id)
                return f"deleted the series {series_id}"
            if scope == "this":
                doc = with_exception(current, day, {"skip": True}, now)
                doc["updated_at"] = now
                tx.replace("entries", series_id, _valid(series_id, doc))
                return f"deleted the occurrence of {day}"
            old, _rest = split_series(current, day, {}, now)
            assert old is not None
            tx.replace("entries", series_id, _valid(series_id, old))
            return f"ended the series {series_id} before {day}"


def _produces(doc: Mapping[str, Any], day: str) -> bool:
    from journal.recurrence.series import is_occurrence_day

    return is_occurrence_day(doc, day)


def _checked(changes: Mapping[str, Any], series: Mapping[str, Any], day: str) -> dict[str, Any]:
    """The changes of one occurrence validated as an entry would be."""
    probe = occurrence_doc("", series, day) | {k: v for k, v in changes.items() if v is not None}
    entry = Entry.from_doc("occurrence", {**probe, "created_at": series["created_at"],
                                          "updated_at": series["updated_at"]})
    return {k: getattr(entry, k) if v is not None else None for k, v in changes.items()}


def _valid(doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    return Entry.from_doc(doc_id, doc).to_doc()


def _whole_series(current: Mapping[str, Any], day: str, changes: Mapping[str, Any],
                  now: str) -> dict[str, Any]:
    """The series with ``changes`` made to all its occurrences: a new date for the occurrence of
    ``day`` moves the series (its start, its weekdays, its exceptions' days) by as many days."""
    doc = dict(current)
    for name, value in changes.items():
        if name in ("date", "exceptions", "created_at", "updated_at", "conflicts", "edited_at"):
            continue
        doc[name] = value
    if changes.get("date"):
        shift = (date.fromisoformat(str(changes["date"])) - date.fromisoformat(day)).days
        if shift:
            def moved(d: str) -> str:
                return (date.fromisoformat(d) + timedelta(days=shift)).isoformat()

            doc["date"] = moved(current["date"])
            doc["recurrence"] = shift_rule(current["recurrence"], shift)
            if doc.get("remind_at") and "remind_at" not in changes:
                from datetime import datetime

                moment = datetime.fromisoformat(str(doc["remind_at"])) + timedelta(days=shift)
                doc["remind_at"] = moment.strftime("%Y-%m-%dT%H:%M")
            if current.get("exceptions"):
                doc["exceptions"] = {moved(k): ({**v, "date": moved(v["date"])} if "date" in v else v)
                                     for k, v in current["exceptions"].items()}
            until = rule_parts(doc["recurrence"]).get("UNTIL")
            if until and until < doc["date"].replace("-", ""):
                raise ValidationError(_("moved past its own end: change the end too"))
    doc["updated_at"] = now
    return {k: v for k, v in doc.items() if v is not None and v != "" and v != []}
