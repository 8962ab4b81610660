"""Three-way merge of whole journal data files.

Two machines edit the same journal offline; git (through ``journal merge-driver %O %A %B``) or the
storage layer (when the file changed on disk under a running process) must combine both versions
without losing anybody's work and without asking the user. A line-based merge cannot do that for a
JSON file, so this module merges the parsed data per (table, id) and, for documents edited on both
sides, field by field. The rules (see docs/data-format.md and DESIGN.md, "Git sync and merging"):

* added on one side → kept; added on both sides with different content → merged against an empty doc;
* deleted on one side and unchanged on the other → deleted; deleted on one side and edited on the
  other → kept with the edit (edits win over deletes: nothing is lost); deleted on one side while
  the other linked a document to it → kept (the link wins too: nothing points at nothing);
* a contact, project or organisation merged into another on one side (a ``merged`` record): the
  other side's links to it move to the kept one, and its edits are folded in
  (:func:`journal.clients.merging.follow_merges`);
* edited on both → field by field: a one-sided change wins; link/set fields merge additions and
  removals of both sides; ``created_at`` is the earliest, ``updated_at`` the latest,
  ``schema_version`` the highest; any other field changed differently on both sides takes the value
  changed later — by the field's own time in ``edited_at`` (journal.field_times), or the
  document's ``updated_at`` in files written before fields had times — and keeps the losing value
  in ``conflicts``; ``edited_at`` itself records, per field, the time of the value kept.

Everything here is pure (no I/O): the result depends only on the arguments, never on dict order, and
swapping ours/theirs gives the same result, so two machines merging the same histories agree byte for
byte. Both inputs must already be in the same schema version (storage migrates before merging).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from journal.errors import StorageError
from journal.i18n import _, ngettext
from journal.storage import EDITED_AT, field_stamp, merged_times

__all__ = ["MergeStats", "is_set_field", "merge_data", "merge_data_with_stats", "merge_docs", "utc_now"]

Doc = dict[str, Any]
Data = dict[str, dict[str, Doc]]

#: Fields that are sets of values although they are not links (whose names end in ``_ids``).
#: ``carried_from`` (the days an entry was carried away from) grows on both machines alike.
SET_FIELDS = frozenset({"tags", "phones", "emails", "carried_from"})
#: Fields holding one object per key, merged key by key: a series' ``exceptions`` (one per
#: occurrence day), so ticking one occurrence here and another there keeps both ticks.
KEYED_FIELDS = frozenset({"exceptions"})
#: Fields with their own rule; never subject to "later updated_at wins".
_STAMP_FIELDS = frozenset({"created_at", "updated_at", "schema_version"})


def is_set_field(name: str) -> bool:
    """Whether ``name`` holds an unordered set (links, tags, phones, emails): such fields merge the
    additions and removals of both sides instead of one side winning."""
    return name in SET_FIELDS or name.endswith("_ids")


@dataclass(slots=True)
class MergeStats:
    """What a merge brought into *ours* (the local file or the in-memory state), for messages such as
    ``merged: 12 added, 3 edited on both sides, 1 conflict``. Counts are documents."""

    #: In the result but not in ours (added by theirs, or a delete by ours overridden by their edit).
    added: int = 0
    #: In ours but not in the result (theirs deleted a document ours left unchanged).
    deleted: int = 0
    #: In both, taken from theirs because only theirs edited it.
    updated: int = 0
    #: Edited (or added) on both sides differently, merged field by field.
    merged: int = 0
    #: Of the merged documents, those where a field lost and was recorded in ``conflicts``.
    conflicted: int = 0
    #: Deleted on one side but kept because the other side edited it.
    revived: int = 0
    #: Documents changed to follow a contact/project/organisation merge (links moved to the kept
    #: document, edits of the merged-away one folded into it): see journal.clients.merging.
    followed: int = 0

    def describe(self) -> str:
        """One human line; ``"no changes"`` when the merge brought nothing new."""
        parts = [
            _("{n} added").format(n=self.added) if self.added else "",
            _("{n} updated").format(n=self.updated) if self.updated else "",
            _("{n} deleted").format(n=self.deleted) if self.deleted else "",
            _("{merged} edited on both sides").format(merged=self.merged) if self.merged else "",
            ngettext("{n} conflict", "{n} conflicts", self.conflicted).format(n=self.conflicted)
            if self.conflicted else "",
            _("{revived} kept despite a deletion").format(revived=self.revived) if self.revived else "",
            _("{followed} moved to a merged contact/project/organisation").format(followed=self.followed) if self.followed else "",
        ]
        return _(", ").join(p for p in parts if p) or _("no changes")

    def __str__(self) -> str:
        return self.describe()


def utc_now() -> str:
    """The current time in the data file's timestamp format (``YYYY-MM-DDTHH:MM:SS.ffffffZ``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def merge_data(
    base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any], *, now: str | None = None
) -> Data:
    """Merge two parsed data files ``{table: {id: doc}}`` against their common ancestor ``base``
    (``None`` when there is none, e.g. two independently started journals). Returns a new dict; the
    inputs are not modified. ``now`` is written into ``recorded_at`` of new conflict records."""
    return merge_data_with_stats(base, ours, theirs, now=now)[0]


def merge_data_with_stats(
    base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any], *, now: str | None = None
) -> tuple[Data, MergeStats]:
    """:func:`merge_data`, plus counts of what changed relative to ``ours`` for the user message.

    Raises :class:`~journal.errors.StorageError` when a table or document is not a JSON object: such
    a file is not ours to guess about, and the driver then leaves git's conflict to the user."""
    stamp = now if now is not None else utc_now()
    base = base if base is not None else {}
    stats = MergeStats()
    out: Data = {}
    for name in sorted(set(base) | set(ours) | set(theirs)):
        if name not in ours and name not in theirs:
            continue  # a table both sides dropped
        out[name] = _merge_table(name, _table(base, name), _table(ours, name), _table(theirs, name), stamp, stats)
    _keep_linked(base, ours, theirs, out, stats)
    if out.get("merged"):  # a document merged on one side: the other side's links follow it
        from journal.clients.merging import follow_merges

        stats.followed += follow_merges(out, stamp)
    return out, stats


def merge_docs(base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any], *, now: str) -> Doc:
    """Merge one document present on both sides (``base`` ``None`` = added on both sides), with the
    same rules :func:`merge_data` applies per id. Returns a new, lean document."""
    return _merge_present(base, _doc(ours, "ours"), _doc(theirs, "theirs"), now)[0]


# -- tables and documents ---------------------------------------------------------------------------


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = data.get(name)
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise StorageError(_("cannot merge: table {name!r} is not a JSON object").format(name=name))
    return table


def _doc(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise StorageError(_("cannot merge: document {where} is not a JSON object").format(where=where))
    return value


def _merge_table(
    name: str, base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any], now: str, stats: MergeStats
) -> dict[str, Doc]:
    """Per-id decision. Ids only in base were deleted on both sides and never looked at; ids whose
    documents are equal on both sides (the vast majority) take the fast path of one ``==``."""
    out: dict[str, Doc] = {}
    for doc_id in sorted(set(ours).union(theirs)):
        o = ours.get(doc_id)
        t = theirs.get(doc_id)
        if o is t or o == t:
            if o is not None:
                out[doc_id] = _lean(_doc(o, f"{name}/{doc_id}"))
            continue
        b = base.get(doc_id)
        b = None if b is None else _doc(b, f"{name}/{doc_id}")
        if o is None or t is None:
            kept = _doc(t if o is None else o, f"{name}/{doc_id}")
            if b is not None and _same(kept, b):
                stats.deleted += o is not None  # deleted on one side, untouched on the other
                continue
            out[doc_id] = _lean(kept)  # added on one side, or an edit that beats a delete
            stats.added += o is None
            stats.revived += b is not None
            continue
        doc, kind, conflicts = _merge_present(b, _doc(o, f"{name}/{doc_id}"), _doc(t, f"{name}/{doc_id}"), now)
        out[doc_id] = doc
        stats.updated += kind == "theirs"
        stats.merged += kind == "merged"
        stats.conflicted += conflicts > 0
    return out


def _links(doc: Mapping[str, Any]) -> Iterator[str]:
    """The ids a document links to: its ``*_ids`` lists and ``*_id`` fields."""
    for key, value in doc.items():
        if key.endswith("_ids") and isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))
        elif key.endswith("_id") and isinstance(value, str):
            yield value


def _keep_linked(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any],
                 out: Data, stats: MergeStats) -> None:
    """A document deleted on one side is kept when the other side linked a document to it since
    the common ancestor (a contact deleted with ``--force`` on one machine while the other logged
    a new entry with it): the link wins, as an edit wins over a delete, and nothing is left
    pointing at nothing. A document kept so keeps what it links to as well (its organisation).

    Only documents the two sides disagree on are looked at: a link added on one side makes its
    document differ from the other side's (so the merge driver's fast path, which never parses
    documents equal on both sides, decides the same)."""
    deleted: dict[str, tuple[str, Mapping[str, Any]]] = {}  # id -> (table, side that kept it)
    for name, docs in out.items():
        o, t = _table(ours, name), _table(theirs, name)
        for doc_id in _table(base, name):
            if doc_id not in docs and (doc_id in o) != (doc_id in t):
                deleted[doc_id] = (name, ours if doc_id in o else theirs)
    if not deleted:
        return
    # (merged document, its table and id, or None for a document kept whole from one side)
    pending: list[tuple[Mapping[str, Any], str, str | None]] = [
        (doc, name, doc_id) for name, docs in out.items() for doc_id, doc in docs.items()
        if _table(ours, name).get(doc_id) != _table(theirs, name).get(doc_id)]
    while pending and deleted:
        doc, name, doc_id = pending.pop()
        for target in set(_links(doc)) & deleted.keys():
            table, keeper = deleted[target]
            if doc_id is not None:  # the keeping side must have added this link
                kept_doc = _table(keeper, name).get(doc_id)
                base_doc = _table(base, name).get(doc_id)
                if not isinstance(kept_doc, Mapping) or target not in set(_links(kept_doc)) or \
                        isinstance(base_doc, Mapping) and target in set(_links(base_doc)):
                    continue
            del deleted[target]
            out[table][target] = revived = _lean(_doc(_table(keeper, table)[target],
                                                      f"{table}/{target}"))
            stats.revived += 1
            if keeper is ours:
                stats.deleted -= 1
            else:
                stats.added += 1
            pending.append((revived, table, None))


def _merge_present(
    base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any], now: str
) -> tuple[Doc, str, int]:
    """Merge a document both sides have: ``(doc, kind, new conflict records)`` where kind says
    whether it came from ``ours``, ``theirs`` or was ``merged`` field by field."""
    if _same(ours, theirs):
        return _lean(ours), "ours", 0
    if base is not None and _same(ours, base):
        return _lean(theirs), "theirs", 0
    if base is not None and _same(theirs, base):
        return _lean(ours), "ours", 0
    doc, lost = _merge_fields(base or {}, ours, theirs, now)
    return doc, "merged", lost


def _merge_fields(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any], now: str) -> tuple[Doc, int]:
    """Field-by-field merge of a document edited on both sides; returns it and the number of values
    that lost and went into ``conflicts``.

    "The later change wins" is decided per field, by when each side last changed that field
    (``edited_at``, see journal.field_times): a later edit of another field of the document does
    not make a side win this one. Documents written before fields were tracked fall back to their
    ``updated_at``."""
    out: Doc = {}
    lost: list[Doc] = []
    stamps: dict[str, str] = {}  # when each field of the result last changed
    for key in sorted(set(base) | set(ours) | set(theirs)):
        if key == "conflicts" or key == EDITED_AT:
            continue
        bv, ov, tv = _norm(base.get(key)), _norm(ours.get(key)), _norm(theirs.get(key))
        os_, ts_ = field_stamp(ours, key), field_stamp(theirs, key)
        stamp = max(os_, ts_)
        if ov == tv:  # in place since the earlier of the two (a side without times overstates)
            value, stamp = ov, min(os_, ts_)
        elif key in _STAMP_FIELDS and (special := _stamp_field(key, ov, tv)) is not _NO:
            value = special
        elif ov == bv:
            value, stamp = tv, ts_
        elif tv == bv:
            value, stamp = ov, os_
        elif is_set_field(key) and (merged := _merge_set(bv, ov, tv)) is not None:
            value = merged
        elif key in KEYED_FIELDS and (keyed := _merge_keyed(key, bv, ov, tv, lost, now)) is not _NO:
            value = keyed
        else:
            # the same instant on both machines: any fixed choice will do, as long as it is symmetric
            ours_wins = os_ > ts_ if os_ != ts_ else _canon(ov) > _canon(tv)
            value, loser, loser_stamp = (ov, tv, ts_) if ours_wins else (tv, ov, os_)
            stamp = os_ if ours_wins else ts_
            record: Doc = {"field": key, "value": _copy(loser), "recorded_at": now}
            if loser_stamp:
                record["updated_at"] = loser_stamp
            lost.append(record)
        if key not in _STAMP_FIELDS:
            stamps[key] = stamp
        if not _is_empty(value):
            out[key] = _copy(value)
    conflicts = _merge_conflicts(base.get("conflicts"), ours.get("conflicts"), theirs.get("conflicts"), lost)
    if conflicts:
        out["conflicts"] = conflicts
    times = merged_times(ours, theirs, stamps, out.get("created_at"))
    if times:
        out[EDITED_AT] = times
    return out, len(lost)


_NO = object()  # "no special rule applies" (None is a legitimate merged value)


def _stamp_field(key: str, ov: Any, tv: Any) -> Any:
    """``created_at`` keeps the earliest value, ``updated_at`` and ``schema_version`` the latest/highest:
    these describe the document's history rather than its content, so there is nothing to lose."""
    present = [v for v in (ov, tv) if v is not None]
    try:
        return min(present) if key == "created_at" else max(present)
    except TypeError:  # mixed types in a damaged file: fall back to the generic rule
        return _NO


def _merge_keyed(name: str, bv: Any, ov: Any, tv: Any, lost: list[Doc], now: str) -> Any:
    """A field of objects by key (``exceptions``: day -> change of that occurrence), merged key
    by key with the document rules: a key changed on one side takes that side, added on one side
    is kept, removed on one side and unchanged on the other is removed, removed on one side and
    changed on the other is kept (edits win); a key changed on both is merged field by field,
    the later change (its own ``updated_at``) winning a field both changed, the other value
    recorded in ``conflicts`` as ``{name: {key: the losing object}}``. ``_NO`` when a value is
    not an object of objects (then the field merges like any other)."""
    sides = []
    for value in (bv, ov, tv):
        if value is None:
            value = {}
        if not isinstance(value, Mapping) or not all(isinstance(v, Mapping) for v in value.values()):
            return _NO
        sides.append(value)
    b, o, t = sides
    out: Doc = {}
    for key in sorted(set(b) | set(o) | set(t)):
        bk, ok, tk = b.get(key), o.get(key), t.get(key)
        if ok == tk:
            kept = ok
        elif ok == bk:
            kept = tk
        elif tk == bk:
            kept = ok
        elif ok is None or tk is None:
            kept = ok if tk is None else tk  # removed on one side, changed on the other
        else:
            kept = _merge_keyed_item(name, key, bk or {}, ok, tk, lost, now)
        if kept is not None:
            out[key] = _copy(kept)
    return out or None


def _merge_keyed_item(name: str, key: str, b: Mapping[str, Any], o: Mapping[str, Any],
                      t: Mapping[str, Any], lost: list[Doc], now: str) -> Doc:
    os_, ts_ = str(o.get("updated_at", "")), str(t.get("updated_at", ""))
    ours_later = os_ > ts_ if os_ != ts_ else _canon(o) > _canon(t)
    item: Doc = {}
    loser: Doc = {}
    for field in sorted((set(b) | set(o) | set(t)) - {"updated_at"}):
        bv, ov, tv = b.get(field), o.get(field), t.get(field)
        if ov == tv or tv == bv:
            value = ov
        elif ov == bv:
            value = tv
        else:
            value, other = (ov, tv) if ours_later else (tv, ov)
            if other is not None:
                loser[field] = _copy(other)
        if value is not None:
            item[field] = value
    item["updated_at"] = max(os_, ts_)
    if loser:
        record: Doc = {"field": name, "value": {key: loser}, "recorded_at": now}
        stamp = ts_ if ours_later else os_
        if stamp:
            record["updated_at"] = stamp
        lost.append(record)
    return item


def _merge_set(bv: Any, ov: Any, tv: Any) -> list[Any] | None:
    """(base ∪ both sides' additions) − both sides' removals, sorted; ``None`` if a value is not a
    list of hashable items (then the field merges like any other)."""
    try:
        b, o, t = _as_set(bv), _as_set(ov), _as_set(tv)
    except TypeError:
        return None
    merged = (o | t) - (b - o) - (b - t)
    try:
        return sorted(merged)
    except TypeError:
        return sorted(merged, key=_canon)


def _as_set(value: Any) -> frozenset[Any]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise TypeError("not a list")
    return frozenset(value)


def _merge_conflicts(bv: Any, ov: Any, tv: Any, new: Iterable[Doc]) -> list[Any]:
    """Conflict records of both sides merged as a set: a record one side dismissed (present in base,
    gone on that side) stays dismissed; records added on either side are kept; then the new ones."""
    b, o, t = _records(bv), _records(ov), _records(tv)
    kept = {k: r for k, r in (o | t).items() if k not in b or (k in o and k in t)}
    for record in new:
        kept.setdefault(_canon(record), record)
    return [_copy(kept[k]) for k in sorted(kept, key=lambda k: (_record_key(kept[k]), k))]


def _records(value: Any) -> dict[bytes, Any]:
    if value is None or value == "" or value == []:
        return {}
    return {_canon(r): r for r in (value if isinstance(value, list) else [value])}


def _record_key(record: Any) -> tuple[str, str]:
    if not isinstance(record, Mapping):
        return ("", "")
    return (str(record.get("field", "")), str(record.get("recorded_at", "")))


# -- values -----------------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    """Lean documents omit ``null``, ``""`` and ``[]``: all three mean "not set", so a file written
    before or after normalisation must not look like an edit."""
    return value is None or value == "" or value == []


def _norm(value: Any) -> Any:
    return None if _is_empty(value) else value


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal documents, ignoring empty fields (``{"summary": ""}`` is ``{}``)."""
    if a == b:
        return True
    return {k: v for k, v in a.items() if not _is_empty(v)} == {k: v for k, v in b.items() if not _is_empty(v)}


def _lean(doc: Mapping[str, Any]) -> Doc:
    """A deep copy without empty top-level fields: callers (storage) keep mutating the result, and it
    must never alias the inputs, which storage keeps as the next merge's base."""
    # Written out for speed: this runs for every document of both files (strings are most fields).
    return {
        k: v if type(v) is str else _copy(v)
        for k, v in doc.items()
        if v is not None and v != "" and v != []
    }


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list:
        return [v if type(v) is str else _copy(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value


def _canon(value: Any) -> bytes:
    """Canonical JSON bytes: a total order for ties and a hashable identity for dict records."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
