"""A read-only view of one version of the journal served from the search cache: the index's
columns decoded on first use, the entries' documents read where the cache says they lie.

Shared by the plain reader (:mod:`journal.search.cache.reader`) and the view with the writer's
changes laid over it (:mod:`journal.search.cache.overlay`).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from journal.errors import JournalError
from journal.names.matching import NameMatcher
from journal.search.cache.format import (
    NO_TIME,
    NOTE_TABLES,
    SMALL_TABLES,
    STATUS_NAME,
    WIDTHS,
    CacheCorrupt,
    Column,
    FileBytes,
    Sections,
    int_array,
)
from journal.search.index import STATUSES, SearchIndex
from journal.storage import Tables

#: The derived note that keeps the repeating entries found in the data file's bytes.
SERIES_NOTE = "series"


def _status_postings(s: Sections) -> dict[str, list[int]]:
    return {st: [] for st in STATUSES} | s.json("postings.status", dict)


def _column(name: str, decode: Mapping[str, str] | None = None) -> Callable[[Sections], Column]:
    return lambda s: Column(s.raw(name), WIDTHS[name], s.n, decode)


_LOADERS: dict[str, Callable[[Sections], Any]] = {
    "_ids": _column("ids"), "_dates": _column("dates"),
    "_times": _column("times", {NO_TIME: ""}),
    "_status": _column("status", STATUS_NAME),
    "_starts": lambda s: int_array(s, "starts", s.n + 1), "_blob": lambda s: s.raw("blob"),
    "_by_contact": lambda s: s.json("postings.contact", dict),
    "_by_project": lambda s: s.json("postings.project", dict),
    "_by_org": lambda s: s.json("postings.org", dict),
    "_by_tag": lambda s: s.json("postings.tag", dict),
    "_by_status": _status_postings,
    "tables": lambda s: s.json("names", dict),
}


class LazyIndex(SearchIndex):
    """A :class:`SearchIndex` whose columns are decoded from the cache on first use: a
    ``contact:`` query never decodes the 12 MB haystack blob, a word query never the postings.
    Name matchers come with their tables precomputed (labels, pinyin keys)."""

    def __init__(self, sections: Sections) -> None:  # no super().__init__: nothing to build
        self._sections = sections
        self._matchers = {}

    def __getattr__(self, name: str) -> Any:  # only called for attributes not set yet
        loader = _LOADERS.get(name)
        if loader is None or name == "_sections":
            raise AttributeError(name)
        value = loader(self._sections)
        setattr(self, name, value)
        return value

    def client_tables(self) -> Mapping[str, Mapping[str, dict[str, Any]]]:
        """The cache's copy of the small tables (``tables`` here holds names only)."""
        if "_clients" not in self.__dict__:
            self._clients = self._sections.json("tables", dict)
        return self._clients

    def matcher(self, kind: str) -> NameMatcher:
        kind = "organisation" if kind == "org" else kind
        if kind not in self._matchers:
            parts = self._sections.json(f"matchers.{kind}", dict)
            try:
                self._matchers[kind] = NameMatcher.restore(kind, self.tables, parts)
            except (KeyError, TypeError, IndexError) as exc:
                raise CacheCorrupt(f"name tables for {kind}: {exc}") from None
        return self._matchers[kind]


class CachedJournal:
    """A read-only view of one version of the journal: the index, the entries' documents and the
    small tables, decoded on demand. Keep it for one command; it does not follow later changes."""

    def __init__(self, path: Path, sections: Sections, data: bytes | FileBytes | None) -> None:
        self.path = path
        self.sections = sections
        self._data = data  # the data file's bytes, when documents are read from it
        self.index: SearchIndex = LazyIndex(sections)
        self._tables: Tables | None = None
        self._series: dict[str, dict[str, Any]] | None = None
        self._where: tuple[array[int], array[int], array[int], int] | None = None

    @property
    def tables(self) -> Tables:
        """Contacts, projects, organisations, day notes and meta (every table but entries)."""
        if self._tables is None:
            self._tables = self.sections.json("tables", dict)
            for name in SMALL_TABLES:
                self._tables.setdefault(name, {})
            self._tables["entries"] = {}
        return self._tables

    def notes(self) -> Tables:
        """Day notes and reviews (``{"days": …, "reviews": …}``), without decoding the other
        small tables: what :func:`journal.search.notes.search_notes` reads."""
        if self._tables is not None:
            return {name: self._tables.get(name, {}) for name in NOTE_TABLES}
        notes = self.sections.json("notes", dict)
        return {name: notes.get(name) or {} for name in NOTE_TABLES}

    def documents(self, positions: Iterable[int]) -> dict[str, dict[str, Any]]:
        """Entry id -> document for the index ``positions``, in their order, parsed in one call.

        A document's span is preceded by its key (``<id>": ``; in the data file, or in the
        cache's own copy of a non-canonical file), so the slices join into one JSON object whose
        keys, read back from the bytes, prove that each span is where the cache says."""
        positions = list(positions)
        if not positions:
            return {}
        ids = self.index._ids
        posfile, off, length, region = self._locations()
        # piece k: '<id>": {...' at region + off[k], its closing line's 6 bytes right after it
        where = [(region + off[k], length[k] + 6) for k in (posfile[p] for p in positions)]
        return self._read_pieces(where, [ids[p] for p in positions])

    def raw_documents(self, positions: Iterable[int]) -> list[bytes]:
        """The stored bytes of the entries at index ``positions`` (each ``<id>": {...}``), not
        parsed: for a quick test of what a document mentions. Unchecked; parse to be sure."""
        positions = list(positions)
        if not positions:
            return []
        posfile, off, length, region = self._locations()
        where = [(region + off[k], length[k] + 6) for k in (posfile[p] for p in positions)]
        return [bytes(chunk) for chunk in self._chunks(where)]

    def _chunks(self, where: list[tuple[int, int]]) -> list[Any]:
        """The bytes at ``where`` ((start, length) each), from the data file or the cache."""
        data: bytes | FileBytes | None = self._data if self.sections.canonical else self.sections.raw("docs")
        if data is None:
            raise CacheCorrupt("no data file to read documents from")
        if isinstance(data, FileBytes):
            if len(where) * 16 < self.sections.n:  # a few: read just those
                return [data.read(start, n) for start, n in where]
            data = data.read(0, data.size)  # many: one read of the whole file is quicker
        source = memoryview(data)
        return [source[start:start + n] for start, n in where]

    def _read_pieces(self, where: list[tuple[int, int]], expected: list[str]) -> dict[str, dict[str, Any]]:
        """The entries whose pieces lie at ``where`` ((start, length) each), checked to be the
        ids ``expected``, in that order."""
        if not where:
            return {}
        chunks = self._chunks(where)
        text = [b',"'] * (2 * len(chunks) + 1)  # '{"' piece ',"' piece ... '}': joined once
        text[0], text[-1], text[1::2] = b'{"', b"}", chunks
        try:
            docs = orjson.loads(b"".join(text))
        except orjson.JSONDecodeError as exc:
            raise CacheCorrupt(f"documents: {exc}") from None
        if list(docs) != expected or not all(type(d) is dict for d in docs.values()):
            raise CacheCorrupt("documents: not where the cache says")
        return docs

    def _locations(self) -> tuple[array[int], array[int], array[int], int]:
        """(position -> piece, piece offsets, piece lengths, where offsets count from)."""
        if self._where is None:
            s, n = self.sections, self.sections.n
            head = s.json("layout", dict)
            region = head.get("region")
            if not isinstance(region, int):
                raise CacheCorrupt("section layout: no region")
            self._where = (int_array(s, "posfile", n), int_array(s, "file.off", n),
                           int_array(s, "file.len", n), region)
        return self._where

    def period_tables(self, start: date, end: date) -> Tables:
        """The small tables plus the entries dated ``start``..``end``: enough for a report. A
        repeating entry is there as its occurrences in the period (journal.search.occurrences)."""
        from journal.search.occurrences import occurrence_docs

        tables = dict(self.tables)
        entries = self.documents(self.index.positions_between(start, end))
        series = self.series()
        if series:
            entries = {i: d for i, d in entries.items() if i not in series}
            entries.update(occurrence_docs(series, start, end))
        tables["entries"] = entries
        return tables

    def series(self) -> dict[str, dict[str, Any]]:
        """The repeating entries (id -> document), found in the data file's bytes by their
        ``recurrence`` lines; every entry is parsed only for a file not in the canonical layout.
        What was found is kept in a derived note bound to the bytes' digest (the cache's own), so
        the next search of the same file reads a few bytes instead of the whole file."""
        if self._series is None:
            self._series = self._noted_series()
        if self._series is None:
            from journal.search.occurrences import series_in_bytes

            data = self._data
            found = None
            if data is not None and self.sections.canonical:
                raw = data.read(0, data.size) if isinstance(data, FileBytes) else data
                found = series_in_bytes(raw)
            if found is None:
                from journal.recurrence.series import series_in

                found = dict(series_in(self.documents(range(self.sections.n)).items()))
            self._series = found
            self._note_series(found)
        return self._series

    def _noted_series(self) -> dict[str, dict[str, Any]] | None:
        """The series of the derived note, when it describes these very bytes; None otherwise
        (missing, of other bytes, damaged: then they are looked for again)."""
        from journal.recurrence.series import is_series
        from journal.storage import read_note

        raw = read_note(self.path, SERIES_NOTE)
        head = (self.sections.digest + "\n").encode()
        if raw is None or not raw.startswith(head):
            return None
        try:
            found = orjson.loads(raw[len(head):])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(found, dict) or not all(
                isinstance(i, str) and isinstance(d, dict) and is_series(d) for i, d in found.items()):
            return None
        return found

    def _note_series(self, found: dict[str, dict[str, Any]]) -> None:
        from journal.storage import write_note

        try:
            write_note(self.path, SERIES_NOTE, (self.sections.digest + "\n").encode()
                       + orjson.dumps(found))
        except (OSError, JournalError):
            pass  # a note only saves time

    def search(self, query: Any, *, today: date, limit: int | None = None) -> dict[str, dict[str, Any]]:
        """The entries ``query`` finds, newest first, id -> document, occurrences of repeating
        entries included (journal.search.occurrences.with_occurrences)."""
        from journal.search.occurrences import with_occurrences

        return with_occurrences(self.index, self.series(), query, today=today, limit=limit,
                                documents=self.documents)
