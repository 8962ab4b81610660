"""A derived, git-ignored cache that lets ``journal search`` / ``week`` / ``month`` answer in a
fraction of a second at 100k entries, where parsing the JSON file alone takes half a second and
building the :class:`~journal.search.SearchIndex` another second.

What is stored (``.journal-cache/<file>.search``, mode 0600): the index's columns — ids, dates,
times, statuses, the haystack blob and its offsets, the posting lists — plus the contacts,
projects, organisations and day notes, and for every entry where its document lies. It is JSON
and UTF-8 sections with a CRC each behind a one-line JSON header — plain data, no serialisation
format that can run code, so a planted cache file can at worst be rejected. A query runs the very
same :class:`SearchIndex` code over columns decoded on first use, so results are identical by
construction; a query decodes only the columns it touches.

Entry documents are not copied when the data file is canonical (what this program writes): the
cache records where each entry lies in the data file (:mod:`journal.search_cache_layout`) and
parses just the entries a command prints. Otherwise the cache holds them itself.

Validity (the JSON file stays the only source of truth):

* ``<file>.search-key`` binds the data file's (inode, size, mtime_ns) to the SHA-256 of its bytes;
  the cache header names the SHA-256 it was built from. A matching stat costs no read at all.
* A file changed less than two seconds before it was read may be rewritten in place within one
  timestamp tick without a visible stat change (git's "racy clean" problem): such a key is marked
  ``racy`` and the next use hashes the file once more before trusting it.
* A different stat with the same content (``touch``, a checkout of the same version) only
  rewrites the key; different content rebuilds — incrementally when the file is canonical
  (:mod:`journal.search_cache_build`), else in full from a validated load.
* Anything unreadable, foreign, truncated or failing a CRC is ignored and rebuilt silently; a
  cache that cannot be written (read-only folder) is skipped and the answer computed in memory.
"""

from __future__ import annotations

import os
import stat
import time
import zlib
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from journal.errors import StorageError
from journal.search import STATUSES, SearchIndex
from journal.search_cache_format import (
    FORMAT,
    NO_TIME,
    STATUS_NAME,
    WIDTHS,
    CacheCorrupt,
    Column,
    FileBytes,
    Sections,
    int_array,
)
from journal.search_names import NameMatcher
from journal.storage import (
    CACHE_DIR,
    StatKey,
    Tables,
    derived_note,
    key_of,
    remember_validated,
    resolve_data_path,
)
from journal.storage_private import read_side, sweep_temp_files, usable_cache_folder, write_private

__all__ = ["CacheCorrupt", "CachedJournal", "open_journal"]

RACY_NS = 2_000_000_000  # coarse file systems stamp mtimes in 1-2 s ticks
RACY_FINE_NS = 50_000_000  # finer ones with the kernel's clock tick: 1-16 ms
SMALL_TABLES = ("contacts", "days", "meta", "organisations", "projects")
_STALE_TMP_S = 3600


def cache_paths(path: Path) -> tuple[Path, Path]:
    """(cache file, key note) for the resolved data file ``path``."""
    folder = path.parent / CACHE_DIR
    return folder / f"{path.name}.search", folder / f"{path.name}.search-key"


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

    def matcher(self, kind: str) -> NameMatcher:
        kind = "organisation" if kind == "org" else kind
        if kind not in self._matchers:
            parts = self._sections.json(f"matchers.{kind}", dict)
            try:
                self._matchers[kind] = NameMatcher.restore(kind, self.tables, parts)
            except (KeyError, TypeError, IndexError) as exc:
                raise CacheCorrupt(f"name tables for {kind}: {exc}") from None
        return self._matchers[kind]


# -- the key note -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyNote:
    stat: StatKey
    digest: str
    racy: bool


def read_note(path: Path) -> KeyNote | None:
    try:
        data = orjson.loads(read_side(path) or b"null")
        key = tuple(int(x) for x in data["stat"])
        if data.get("format") != FORMAT or len(key) != 4:
            return None
        return KeyNote((key[0], key[1], key[2], key[3]), str(data["digest"]), bool(data["racy"]))
    except (ValueError, KeyError, TypeError):
        return None


def _write_private(path: Path, data: bytes | Iterable[bytes]) -> bool:
    """Write ``data`` to ``path`` atomically, mode 0600; False when that is impossible (a
    read-only folder, a cache folder that is not ours): the cache is only a speed-up. No fsync:
    a torn or zeroed file after a crash fails its CRCs and is rebuilt."""
    if not usable_cache_folder(path.parent):
        return False
    try:
        write_private(path, data, durable=False)
    except OSError:
        return False
    # Writers of the cache take no lock, so only old temp files are surely debris.
    sweep_temp_files(path, older_than_s=_STALE_TMP_S)
    return True


def racy(mtime_ns: int, read_ns: int) -> bool:
    """Whether a file with this mtime, read at ``read_ns``, could still change within the same
    timestamp (git's "racy clean" case), so that its stat key does not prove its content.

    A file system that keeps sub-millisecond digits stamps with the kernel's clock, which ticks
    every few milliseconds; one without them may tick in seconds (FAT: two)."""
    return read_ns - mtime_ns < (RACY_FINE_NS if mtime_ns % 1_000_000 else RACY_NS)


def changed_ns(key: StatKey) -> int:
    """When the file last changed by its stamps: the later of mtime and ctime (an in-place
    rewrite whose mtime was put back shows only in the ctime)."""
    return max(key[2], key[3])


def write_note(path: Path, key: StatKey, digest: str, read_ns: int) -> None:
    _write_private(path, orjson.dumps({"format": FORMAT, "stat": list(key), "digest": digest,
                                       "racy": racy(changed_ns(key), read_ns)}))


# -- the journal as the cache serves it -------------------------------------------------------------
class CachedJournal:
    """A read-only view of one version of the journal: the index, the entries' documents and the
    small tables, decoded on demand. Keep it for one command; it does not follow later changes."""

    def __init__(self, path: Path, sections: Sections, data: bytes | FileBytes | None) -> None:
        self.path = path
        self.sections = sections
        self._data = data  # the data file's bytes, when documents are read from it
        self.index: SearchIndex = LazyIndex(sections)
        self._tables: Tables | None = None
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

    def _read_pieces(self, where: list[tuple[int, int]], expected: list[str]) -> dict[str, dict[str, Any]]:
        """The entries whose pieces lie at ``where`` ((start, length) each), checked to be the
        ids ``expected``, in that order."""
        if not where:
            return {}
        data: bytes | FileBytes | None = self._data if self.sections.canonical else self.sections.raw("docs")
        if data is None:
            raise CacheCorrupt("no data file to read documents from")
        if isinstance(data, FileBytes):
            if len(where) * 16 < self.sections.n:  # a few: read just those
                chunks: list[Any] = [data.read(start, n) for start, n in where]
                data = None
            else:  # many: one read of the whole file is quicker
                data = data.read(0, data.size)
        if data is not None:
            source = memoryview(data)
            chunks = [source[start:start + n] for start, n in where]
        try:
            docs = orjson.loads(b'{"' + b',"'.join(chunks) + b"}")
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
        """The small tables plus the entries dated ``start``..``end``: enough for a report."""
        tables = dict(self.tables)
        tables["entries"] = self.documents(self.index.positions_between(start, end))
        return tables


# -- opening ------------------------------------------------------------------------------------
def _read_all(fd: int, size: int) -> bytes:
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, max(size - total, 0) + 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)


def _sha256(raw: bytes) -> str:
    import hashlib  # only when the file has to be read: 5 ms of every warm start otherwise

    return hashlib.sha256(raw).hexdigest()


def open_journal(path: Path | str, *, rebuild: bool = False) -> CachedJournal:
    """The journal at ``path`` served from its cache, refreshing the cache first when the file
    changed (see the module docstring). Raises :class:`StorageError` for a file that cannot be
    read or is not a valid journal, exactly as loading it would."""
    path = resolve_data_path(Path(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return _empty(path)
    except OSError as exc:
        raise StorageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StorageError(f"{path}: is not a regular file")
        key = key_of(st)
        cache_file, note_file = cache_paths(path)
        note = None if rebuild else read_note(note_file)
        raw: bytes | None = None
        if note is not None and note.stat == key:
            digest = note.digest
            if note.racy:  # verify once by content; a settled file clears the mark
                read_ns = time.time_ns()
                raw = _read_all(fd, st.st_size)
                digest = _sha256(raw)
                if digest == note.digest and not racy(changed_ns(key), read_ns):
                    write_note(note_file, key, digest, read_ns)
                    _vouch(path, key, raw, read_ns)
            sections = Sections.open(cache_file) if digest == note.digest else None
            if sections is not None and sections.digest == digest:
                return CachedJournal(path, sections, FileBytes(fd) if raw is None else raw)
        elif note is not None and not note.racy:
            served, raw = _overlaid(path, fd, key, note, cache_file)
            if served is not None:
                return served
        read_ns = time.time_ns()
        if raw is None:
            raw = _read_all(fd, st.st_size)
        digest = _sha256(raw)
        old = None if rebuild else Sections.open(cache_file)
        if old is not None and old.digest == digest:  # same bytes, new stat: only the key moves
            write_note(note_file, key, digest, read_ns)
            _vouch(path, key, raw, read_ns)
            return CachedJournal(path, old, raw)
        from journal.search_cache_build import build  # the cold path's code, imported on need

        sections, payload = build(path, raw, digest, old)
        if payload is not None and _write_private(cache_file, payload):
            write_note(note_file, key, digest, read_ns)
        _vouch(path, key, raw, read_ns)
        return CachedJournal(path, sections, raw)
    finally:
        os.close(fd)


def _vouch(path: Path, key: StatKey, raw: bytes, read_ns: int) -> None:
    """Tell the storage layer that these bytes are a valid journal: a build validated them in
    full, a refresh validated what changed since a version that was (and a cache is only ever
    made from a valid file). Not for bytes that may still change under the same stat key."""
    if not racy(changed_ns(key), read_ns):
        remember_validated(path, key, zlib.crc32(raw))


def _overlaid(path: Path, fd: int, key: StatKey, note: KeyNote,
              cache_file: Path) -> tuple[CachedJournal | None, bytes | None]:
    """The cache with the changes this program made since it was built laid over it
    (journal.search_cache_overlay), when the storage layer's change history leads from the
    file the cache describes to this one; else None. Also the file's bytes if they were read."""
    from journal.storage_changes import changes_between

    chain = changes_between(derived_note(path, "changes"), note.stat, key)
    if chain is None:
        return None, None
    raw = None
    if racy(changed_ns(key), time.time_ns()):  # the key alone does not prove the bytes: check them
        raw = _read_all(fd, key[1])
        if zlib.crc32(raw) != chain.crc32:
            return None, raw
    sections = Sections.open(cache_file)
    if sections is None or sections.digest != note.digest:
        return None, raw
    from journal.search_cache_overlay import overlay

    return overlay(path, sections, chain.changes, chain.spans, FileBytes(fd) if raw is None else raw), raw


def _empty(path: Path) -> CachedJournal:
    """No file yet: an empty journal (nothing is created by reading)."""
    from journal.search_cache_build import build_sections

    sections, _ = build_sections({name: {} for name in (*SMALL_TABLES, "entries")},
                                 digest="", canonical=False)
    return CachedJournal(path, sections, None)
