"""`journal import --dry-run`: run an import to the end and keep nothing.

Every importer works in one storage transaction and reports what it added, merged and skipped.
A rehearsal runs that very code — the same checks, the same name resolution, the same merge
rules, so the counts are exactly what a real import would give — inside a transaction that is
then abandoned: nothing is written and no backup is taken. (The journal's lock is still taken
while it runs, so the answer is not spoiled by a change in between.)
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from journal.service import ImportBatch, Journal


class Rehearsal:
    """A :class:`~journal.service.Journal` stand-in for importers: reads see the real journal,
    and :meth:`import_batch` is rehearsed (changes made, then thrown away, no backup)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def import_batch(self) -> AbstractContextManager[ImportBatch]:
        return self._journal.import_batch(rehearse=True)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._journal, name)
