"""When each field of a document last changed: what lets a merge decide per field.

Why: a field changed differently on two machines keeps the later of the two changes (the other
value goes to ``conflicts``). Deciding that by the documents' ``updated_at`` alone lets an
unrelated later touch of a document (a tag added on Friday) beat a real edit of another field
(the summary rewritten on Wednesday on the other machine). So a document keeps, in ``edited_at``,
the time of the last change of each field changed since it was created::

    "edited_at": {"summary": "2026-11-25T09:12:03.120000Z", "tags": "2026-11-27T16:40:00.000000Z"}

Lean, like the rest of the file: a document never edited has no ``edited_at``, a field never
edited is not listed (it dates from ``created_at``). Files written before this existed have no
``edited_at`` anywhere; there a field's time is the document's ``updated_at`` (the old rule), and
the first edit of such a document lists every field it holds at that ``updated_at``, an upper
bound, so nothing seems newer than it is.

Every change goes through the storage layer's ``Transaction.replace``, which calls
:func:`stamp_edit`; merges compute the result's ``edited_at`` themselves (:mod:`journal.sync.merge`).
Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELD = "edited_at"
#: Fields that describe the document rather than hold its content: never stamped.
UNSTAMPED = frozenset({"created_at", "updated_at", "schema_version", "conflicts", FIELD})


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _times(doc: Mapping[str, Any]) -> Mapping[str, Any] | None:
    times = doc.get(FIELD)
    return times if isinstance(times, Mapping) else None


def field_stamp(doc: Mapping[str, Any], key: str) -> str:
    """When ``doc``'s field ``key`` last changed (a UTC timestamp; "" when unknown)."""
    times = _times(doc)
    if times is None:  # written before per-field times: the document's last change
        stamp = doc.get("updated_at")
    else:
        stamp = times.get(key)
        if not isinstance(stamp, str):
            stamp = doc.get("created_at")
    return stamp if isinstance(stamp, str) else ""


def stamp_edit(old: Mapping[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """``new`` (replacing ``old``) with ``edited_at`` telling when each field changed: the fields
    that differ from ``old`` at ``new``'s ``updated_at``, the others as ``old`` had them.

    Left as given when there is nothing to compare (a new document), when ``new`` carries no new
    ``updated_at`` (not an edit: a restore, a migration), or when the caller worked the times out
    itself (``new``'s ``edited_at`` differs from ``old``'s: a merge)."""
    if old is None:
        return new
    stamp = new.get("updated_at")
    if not isinstance(stamp, str) or stamp == old.get("updated_at") \
            or new.get(FIELD) != old.get(FIELD):
        return new
    previous = _times(old)
    if previous is not None:
        times = {k: v for k, v in previous.items() if isinstance(v, str)}
    elif isinstance(old.get("updated_at"), str) and old.get("updated_at") != old.get("created_at"):
        # edited before fields were tracked: each field it holds changed at most at updated_at
        times = {k: old["updated_at"] for k, v in old.items() if k not in UNSTAMPED and not _empty(v)}
    else:
        times = {}
    for key in old.keys() | new.keys():
        if key in UNSTAMPED:
            continue
        before, after = old.get(key), new.get(key)
        if before != after and not (_empty(before) and _empty(after)):
            times[key] = stamp
    out = {k: v for k, v in new.items() if k != FIELD}
    if times:
        out[FIELD] = dict(sorted(times.items()))
    return out


def merged_times(ours: Mapping[str, Any], theirs: Mapping[str, Any],
                 stamps: Mapping[str, str], created_at: Any) -> dict[str, str] | None:
    """The ``edited_at`` of a document merged field by field, given each field's time in the
    result (``stamps``, from the side whose value it took): None when neither side tracked its
    fields (the result keeps the old rule), else every field changed after ``created_at``."""
    if _times(ours) is None and _times(theirs) is None:
        return None
    floor = created_at if isinstance(created_at, str) else ""
    return {key: stamp for key, stamp in sorted(stamps.items()) if stamp and stamp > floor}


__all__ = ["FIELD", "UNSTAMPED", "field_stamp", "merged_times", "stamp_edit"]
