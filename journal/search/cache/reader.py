"""A derived, git-ignored cache that lets ``journal search`` / ``week`` / ``month`` answer in a
fraction of a second at 100k entries, where parsing the JSON file alone takes half a second and
building the :class:`~journal.search.index.SearchIndex` another second.

What is stored (``.journal-cache/<file>.search``, mode 0600): the index's columns — ids, dates,
times, statuses, the haystack blob and its offsets, the posting lists — plus the contacts,
projects, organisations and day notes, and for every entry where its document lies. It is JSON
and UTF-8 sections with a CRC each behind a one-line JSON header — plain data, no serialisation
format that can run code, so a planted cache file can at worst be rejected. A query runs the very
same :class:`SearchIndex` code over columns decoded on first use, so results are identical by
construction; a query decodes only the columns it touches.

Entry documents are not copied when the data file is canonical (what this program writes): the
cache records where each entry lies in the data file (:mod:`journal.datafile.pieces`) and
parses just the entries a command prints. Otherwise the cache holds them itself.

Validity (the JSON file stays the only source of truth):

* ``<file>.search-key`` binds the data file's (inode, size, mtime_ns) to the SHA-256 of its bytes;
  the cache header names the SHA-256 it was built from. A matching stat costs no read at all.
* A file changed less than two seconds before it was read may be rewritten in place within one
  timestamp tick without a visible stat change (git's "racy clean" problem): such a key is marked
  ``racy`` and the next use hashes the file once more before trusting it.
* A different stat with the same content (``touch``, a checkout of the same version) only
  rewrites the key; different content rebuilds — incrementally when the file is canonical
  (:mod:`journal.search.cache.build`), else in full from a validated load.
* Anything unreadable, foreign, truncated or failing a CRC is ignored and rebuilt silently; a
  cache that cannot be written (read-only folder) is skipped and the answer computed in memory.
"""

from __future__ import annotations

import os
import stat
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from journal.errors import StorageError
from journal.i18n import _
from journal.search.cache.background import wait_for_build
from journal.search.cache.format import (
    FORMAT,
    SMALL_TABLES,
    CacheCorrupt,
    FileBytes,
    Sections,
)
from journal.search.cache.view import CachedJournal
from journal.storage import (
    CACHE_DIR,
    StatKey,
    Tables,
    derived_note,
    key_of,
    parse_bytes,
    read_side,
    remember_validated,
    resolve_data_path,
    sweep_temp_files,
    usable_cache_folder,
    write_private,
)

__all__ = ["CacheCorrupt", "CachedJournal", "open_journal", "prime"]

RACY_NS = 2_000_000_000  # coarse file systems stamp mtimes in 1-2 s ticks
RACY_FINE_NS = 50_000_000  # finer ones with the kernel's clock tick: 1-16 ms
_STALE_TMP_S = 3600


def cache_paths(path: Path) -> tuple[Path, Path]:
    """(cache file, key note) for the resolved data file ``path``."""
    folder = path.parent / CACHE_DIR
    return folder / f"{path.name}.search", folder / f"{path.name}.search-key"


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


# -- building ---------------------------------------------------------------------------------------
def _refreshed(old: Sections | None, raw: bytes, digest: str) -> tuple[Sections, list[bytes]] | None:
    """The cache ``old`` brought up to ``raw`` (SHA-256 ``digest``) from what changed, or None
    when only a full build will do."""
    if old is None or not old.canonical:
        return None
    from journal.search.cache.refresh import refresh

    try:
        return refresh(old, raw, digest)
    except (CacheCorrupt, ValueError, KeyError, TypeError, IndexError):
        return None


def _build(path: Path, raw: bytes, digest: str, old: Sections | None,
           tables: Callable[[], Tables] | None = None) -> tuple[Sections, list[bytes]]:
    """The cache for ``raw`` (the data file's bytes, SHA-256 ``digest``): refreshed from ``old``
    when possible, else built in full — from ``tables()`` when given (what ``raw`` holds,
    parsed and validated already). Raises StorageError for an invalid file."""
    refreshed = _refreshed(old, raw, digest)
    if refreshed is not None:
        return refreshed
    from journal.search.cache.build import build_sections, is_canonical

    # validated in full: a cold build is rare
    data = parse_bytes(raw, str(path)) if tables is None else tables()
    return build_sections(data, digest, is_canonical(data, raw), raw)


# -- opening ----------------------------------------------------------------------------------------
def _read_all(fd: int, size: int) -> bytes:
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, max(size - total, 0) + 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)


def _sha256(raw: bytes) -> str:
    import hashlib  # only when the file has to be read: a warm start never pays for it

    return hashlib.sha256(raw).hexdigest()


def open_journal(path: Path | str, *, rebuild: bool = False, defer: bool = False,
                 _waited: bool = False) -> Any:
    """The journal at ``path`` served from its cache, refreshing the cache first when the file
    changed (see the module docstring). Raises :class:`StorageError` for a file that cannot be
    read or is not a valid journal, exactly as loading it would.

    ``defer``: when the cache has to be built in full, return a
    :class:`~journal.search.cache.cold.ColdJournal` over the parsed file instead, which answers
    a search, week or month at once and builds the cache when asked (``build_cache``)."""
    path = resolve_data_path(Path(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return _empty(path)
    except OSError as exc:
        raise StorageError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StorageError(_("{path}: is not a regular file").format(path=path))
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
        if not _waited and wait_for_build(path):  # another process built it meanwhile?
            return open_journal(path, rebuild=rebuild, defer=defer, _waited=True)
        read_ns = time.time_ns()
        if raw is None:
            raw = _read_all(fd, st.st_size)
        digest = _sha256(raw)
        old = None if rebuild else Sections.open(cache_file)
        if old is not None and old.digest == digest:  # same bytes, new stat: only the key moves
            write_note(note_file, key, digest, read_ns)
            _vouch(path, key, raw, read_ns)
            return CachedJournal(path, old, raw)

        if defer:  # a refresh is quick; a full build is left to the caller (see ColdJournal)
            refreshed = _refreshed(old, raw, digest)
            if refreshed is None:
                return _cold(path, key, raw, digest, read_ns)
            sections, payload = refreshed
        else:
            sections, payload = _build(path, raw, digest, old)
        if payload is not None and _write_private(cache_file, payload):
            write_note(note_file, key, digest, read_ns)
        _vouch(path, key, raw, read_ns)
        return CachedJournal(path, sections, raw)
    finally:
        os.close(fd)


def _cold(path: Path, key: StatKey, raw: bytes, digest: str, read_ns: int) -> Any:
    """The parsed, validated file as a ColdJournal, whose ``build_cache`` builds and writes the
    cache from the same data (no second parse)."""
    from journal.search.cache.cold import ColdJournal

    tables = parse_bytes(raw, str(path))  # validated in full, as a build would
    _vouch(path, key, raw, read_ns)

    def build() -> None:
        from journal.search.cache.build import build_sections, is_canonical

        cache_file, note_file = cache_paths(path)
        _, payload = build_sections(tables, digest, is_canonical(tables, raw), raw)
        if _write_private(cache_file, payload):
            write_note(note_file, key, digest, read_ns)

    return ColdJournal(path, tables, build)


def prime(path: Path | str, raw: bytes, key: StatKey,
          tables: Callable[[], Tables]) -> None:
    """Leave the cache up to date for ``raw``, the data file's bytes at stat ``key``, which
    hold ``tables()`` — a valid journal this process has in memory (it just wrote or loaded it):
    what the next ``journal search`` / ``week`` would otherwise build after an import, a restore
    or a sync, without parsing and validating the file again. Only a speed-up: a cache that
    cannot be written is left alone."""
    path = resolve_data_path(Path(path))
    cache_file, note_file = cache_paths(path)
    read_ns = time.time_ns()
    digest = _sha256(raw)
    note = read_note(note_file)
    if note is not None and note.stat == key and note.digest == digest and not note.racy:
        return
    old = Sections.open(cache_file)
    if old is not None and old.digest == digest:
        write_note(note_file, key, digest, read_ns)
        return
    _, payload = _build(path, raw, digest, old, tables)
    if payload is not None and _write_private(cache_file, payload):
        write_note(note_file, key, digest, read_ns)


def _vouch(path: Path, key: StatKey, raw: bytes, read_ns: int) -> None:
    """Tell the storage layer that these bytes are a valid journal: a build validated them in
    full, a refresh validated what changed since a version that was (and a cache is only ever
    made from a valid file). Not for bytes that may still change under the same stat key."""
    if not racy(changed_ns(key), read_ns):
        remember_validated(path, key, zlib.crc32(raw))


def _overlaid(path: Path, fd: int, key: StatKey, note: KeyNote,
              cache_file: Path) -> tuple[CachedJournal | None, bytes | None]:
    """The cache with the changes this program made since it was built laid over it
    (journal.search.cache.overlay), when the storage layer's change history leads from the
    file the cache describes to this one; else None. Also the file's bytes if they were read."""
    from journal.storage import changes_between

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
    from journal.search.cache.overlay import overlay

    return overlay(path, sections, chain.changes, chain.spans, FileBytes(fd) if raw is None else raw), raw


def _empty(path: Path) -> CachedJournal:
    """No file yet: an empty journal (nothing is created by reading)."""
    from journal.search.cache.build import build_sections

    sections, _ = build_sections({name: {} for name in (*SMALL_TABLES, "entries")},
                                 digest="", canonical=False)
    return CachedJournal(path, sections, None)


def refresh_quietly(path: Path | str) -> None:
    """Bring the search cache up to what ``journal sync`` brought in (or make it, on a fresh
    clone), so that the next ``journal search`` / ``week`` and the app's search are quick: a sync
    waits on the network anyway, while the first search after another machine's changes would
    otherwise pay for the refresh or the whole build. Only a speed-up: any problem is left for
    the next command to meet."""
    try:
        open_journal(path)
    except Exception:  # noqa: BLE001 - a damaged merge result is reported by the next command
        pass
