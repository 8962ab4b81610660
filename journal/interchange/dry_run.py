"""`journal import --dry-run`: run an import to the end and keep nothing.

Every importer works in one storage transaction and reports what it added, merged and skipped.
A rehearsal runs that very code — the same checks, the same name resolution, the same merge
rules, so the counts are exactly what a real import would give — inside a transaction that is
then abandoned: nothing is written and no backup is taken. (The journal's lock is still taken
while it runs, so the answer is not spoiled by a change in between.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from journal.service import Journal


class _Abandon(Exception):
    """Raised at the end of a rehearsed transaction so that the store drops it unwritten."""


class _RehearsalStore:
    """The journal's store, except that transactions are never committed and backups not taken."""

    def __init__(self, store: Any) -> None:
        self._store = store

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        with contextlib.suppress(_Abandon), self._store.transaction() as tx:
            yield tx
            raise _Abandon

    def backup(self, reason: str) -> Path | None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class Rehearsal:
    """A :class:`~journal.service.Journal` stand-in for importers: reads see the real journal,
    changes are made and then thrown away."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self.store = _RehearsalStore(journal.store)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._journal, name)
