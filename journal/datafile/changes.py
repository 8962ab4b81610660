"""A short history of this program's own writes, so that derived caches can follow a few changed
documents without reading the whole file again.

Why: after ``journal add`` on a 100k-entry journal, the search cache (:mod:`journal.search.cache.reader`)
has to learn that one entry was added. Finding that out from the file alone means reading and
hashing the whole file and comparing it with the cache block by block before any work is done. The
writer knows the answer already, so it leaves it here.

After every commit the storage layer records a *step*: the file's stat key (inode, size,
mtime_ns) before and after, the crc32 of the bytes it wrote, where each table lies in them, and
every document the commit changed (``null`` = removed). A commit that starts from the file the last
step produced extends the history; any other start (a first write, a ``git pull``, an editor)
begins a new one. The history is bounded (:data:`MAX_STEPS`, :data:`MAX_DOCS`): the oldest steps
fall off. A commit that replaced whole tables (a bulk import, a merge, a restore) cannot say which
documents changed and leaves an empty history.

A reader holding something derived from the file at stat key K asks :func:`changes_between` for
the documents changed from K to the current key: it gets them only when an unbroken chain of steps
leads there. The note is derived and git-ignored like the other notes in ``.journal-cache/``: a
missing, damaged or foreign note only means the reader does the slow thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from journal.datafile.private import CHANGES_LIMIT, read_side

FORMAT = 1
MAX_STEPS = 256
MAX_DOCS = 1000  # documents kept over all steps (a few hundred kB of JSON)

Doc = dict[str, Any]
Key = tuple[int, ...]  # storage_io.StatKey
Changes = dict[str, dict[str, Doc | None]]


@dataclass(frozen=True)
class Chain:
    """What changed from one file to a later one: per table, each changed document's final
    version (None: removed); and of the later file, the crc32 of its bytes and each table's
    ``(start, end)`` value span."""

    changes: Changes
    crc32: int
    spans: dict[str, tuple[int, int]]

    @property
    def count(self) -> int:
        return sum(len(docs) for docs in self.changes.values())


def _steps(note: Path) -> list[dict[str, Any]]:
    """The recorded steps, oldest first; [] when there is no usable note."""
    raw = read_side(note, CHANGES_LIMIT)  # a FIFO or a foreign file here is no history at all
    if raw is None:
        return []
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("steps"), list):
        return []
    return [s for s in data["steps"] if isinstance(s, dict)]


def next_note(note: Path, before: Key | None, after: Key, crc32: int,
              spans: Mapping[str, tuple[int, int]], changes: Changes | None) -> bytes:
    """The note's new content after a commit from the file at ``before`` (None: no file, or not
    known) to the file at ``after``. ``changes`` None: the commit cannot say what changed."""
    steps: list[dict[str, Any]] = []
    count = sum(len(docs) for docs in changes.values()) if changes is not None else MAX_DOCS + 1
    if before is not None and count <= MAX_DOCS:
        previous = _steps(note)
        if previous and previous[-1].get("to") == list(before):
            steps = previous[-(MAX_STEPS - 1):]
        steps.append({"from": list(before), "to": list(after), "crc32": crc32,
                      "spans": {name: list(span) for name, span in spans.items()},
                      "changes": changes, "count": count})
        while sum(int(s.get("count", MAX_DOCS)) for s in steps) > MAX_DOCS:
            steps.pop(0)
    return orjson.dumps({"format": FORMAT, "steps": steps})


def changes_between(note: Path, start: Key, end: Key) -> Chain | None:
    """The documents changed from the file at ``start`` to the file at ``end``, or None when the
    note does not hold an unbroken chain of steps between the two."""
    steps = _steps(note)
    first = next((i for i, s in enumerate(steps) if s.get("from") == list(start)), None)
    if first is None:
        return None
    merged: Changes = {}
    previous_to: Any = list(start)
    for step in steps[first:]:
        if step.get("from") != previous_to:
            return None
        changes = step.get("changes")
        if not isinstance(changes, dict):
            return None
        for table, docs in changes.items():
            if not isinstance(table, str) or not isinstance(docs, dict):
                return None
            target = merged.setdefault(table, {})
            for doc_id, doc in docs.items():
                if doc is not None and not isinstance(doc, dict):
                    return None
                target[doc_id] = doc
        previous_to = step.get("to")
        if previous_to == list(end):
            try:
                spans = {str(k): (int(v[0]), int(v[1])) for k, v in step["spans"].items()}
                return Chain(merged, int(step["crc32"]), spans)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                return None
    return None


__all__ = ["MAX_DOCS", "MAX_STEPS", "Chain", "changes_between", "next_note"]
