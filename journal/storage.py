"""The data file: the only module that touches TinyDB and the file on disk.

Why not TinyDB's own ``JSONStorage`` / ``CachingMiddleware``: the former keeps one handle open and
rewrites in place (a ``git pull`` swaps the inode under it and later writes vanish; a crash mid-write
leaves a torn file), the latter holds writes in memory for 1000 operations. Here instead:

* the file is opened by path on every load, and loaded again only when its (inode, size, mtime_ns)
  changed — every write stamps a fresh nanosecond mtime so two writes never look alike;
* every change is a :meth:`JournalStore.transaction`: take ``<file>.lock``, reload if the file changed
  on disk, apply the change to the fresh data through TinyDB (ULID ids), write once;
* a write is temp file + fsync + ``os.replace`` + directory fsync, mode 0600, canonical bytes
  (sorted keys, 2-space indent, UTF-8) so unchanged data gives identical bytes and git diffs stay small;
* a file we cannot parse or validate raises :class:`StorageError` and is never written;
* a file this program wrote itself (its (inode, size, mtime_ns) and crc32 match the notes kept in
  ``.journal-cache/`` after the write) is not validated again, and its tables are parsed only when
  asked for; a change is written as the untouched bytes with the changed documents spliced in
  (:mod:`journal.datafile.tables`, :mod:`journal.datafile.canonical`): ``journal add`` on a 50 MB journal
  parses the contacts, not the 100k entries.
"""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from journal.datafile.canonical import (  # noqa: F401 - doc_text, split_documents re-exported
    DUMP_OPTIONS,
    RawLayoutError,
    RawTable,
    doc_text,
    loads,
    member_header,
    split_documents,
)
from journal.datafile.field_times import FIELD as EDITED_AT  # noqa: F401 - for the sync merge
from journal.datafile.field_times import field_stamp, merged_times  # noqa: F401
from journal.datafile.files import (  # noqa: F401 - re-exported: the public names of storage
    BACKUP_DIR,
    BACKUPS_KEPT,
    CACHE_DIR,
    LOCK_TIMEOUT_S,
    StatKey,
    acquire_lock,
    atomic_write,
    backup_file,
    check_output_path,
    key_of,
    list_backups,
    new_id,
    read_bytes,
    resolve_data_path,
    stat_key,
)
from journal.datafile.outputs import check_output, write_output  # noqa: F401 - re-exported
from journal.datafile.private import (  # noqa: F401 - re-exported for the derived caches
    open_side,
    read_side,
    sweep_temp_files,
    trusted_folder,
    usable_cache_folder,
    write_private,
    write_side,
)
from journal.datafile.tables import Snapshot, TableState, TablesView, Working, encode
from journal.datafile.transaction import JournalDB, Transaction, UlidTable  # noqa: F401 - re-exported
from journal.datafile.validate import check_tables
from journal.errors import StorageError
from journal.i18n import _
from journal.models import SCHEMA_VERSION, Tables

TABLES = ("contacts", "days", "entries", "merged", "meta", "organisations", "projects",
          "reviews")



def empty_tables() -> Tables:
    return _with_all_tables({"meta": {"schema": {"schema_version": SCHEMA_VERSION}}})


def _with_all_tables(data: Tables) -> Tables:
    """Readers may index any known table; empty ones are not stored, so add them back here."""
    for name in TABLES:
        data.setdefault(name, {})
    return data


def derived_note(path: Path, kind: str) -> Path:
    """Where the derived note ``kind`` about the (resolved) data file ``path`` lives."""
    return path.parent / CACHE_DIR / f"{path.name}.{kind}"


def write_note(path: Path, kind: str, text: bytes) -> None:
    """Replace the derived note ``kind`` about the data file ``path`` (mode 0600, in the private
    cache folder; skipped when there is none: a note only saves time)."""
    write_side(path, f"{path.name}.{kind}", text)


def read_note(path: Path, kind: str, limit: int | None = None) -> bytes | None:
    """The derived note ``kind`` about the data file ``path``, or None when there is no usable one
    (missing, not a regular file of ours, too large, in a folder that is not ours)."""
    if limit is None:
        return read_side(derived_note(path, kind))
    return read_side(derived_note(path, kind), limit)


def remember_validated(path: Path, key: StatKey, crc: int) -> None:
    """Note that the file at stat ``key`` with crc32 ``crc`` was found valid in full by another
    reader of this program (the search cache, which ``journal sync`` refreshes after a pull): the
    next load of that very file, the app's first after a sync, need not check every document
    again (a third of a second at 100k entries)."""
    write_note(path, "validated", orjson.dumps({"key": list(key), "crc32": crc}))


def _validated_before(path: Path, raw: bytes, key: StatKey) -> bool:
    try:
        note = orjson.loads(read_note(path, "validated") or b"null")
        return isinstance(note, dict) and note.get("key") == list(key) \
            and note.get("crc32") == zlib.crc32(raw)
    except (OSError, orjson.JSONDecodeError):
        return False


def dump_canonical(data: Mapping[str, Any]) -> bytes:
    """The one byte form of the data: sorted keys, 2-space indent, UTF-8, trailing newline."""
    try:
        return orjson.dumps(data, option=DUMP_OPTIONS) + b"\n"
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise StorageError(_("cannot encode the journal data: {exc}").format(exc=exc)) from None


def parse_bytes(raw: bytes, origin: str, *, validated: bool = False) -> Tables:
    """Parse and validate file bytes; raise :class:`StorageError` naming ``origin`` and the reason.

    ``validated`` skips the per-document type check for bytes this program wrote itself (see
    :meth:`JournalStore._trusted_key`); the JSON is still parsed strictly, and a newer schema is
    still refused. Empty files and git conflict markers are looked for only when the parse fails
    (neither is ever valid JSON): scanning a large file for them first would tax every command."""
    try:
        data = loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StorageError(_unparsable(raw, origin, exc)) from None
    if validated and isinstance(data, dict) and all(isinstance(t, dict) for t in data.values()):
        problem = check_tables({"meta": data.get("meta", {})}, SCHEMA_VERSION)
    else:
        problem = check_tables(data, SCHEMA_VERSION)
    if problem:
        raise StorageError(f"{origin}: {problem}")
    return _with_all_tables(data)


def _unparsable(raw: bytes, origin: str, exc: Exception) -> str:
    if not raw.strip():
        return (f"{origin}: the file is empty (expected a journal; restore a backup or delete the "
                "file to start afresh)")
    if raw.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in raw or b"\n>>>>>>> " in raw:
        return (f"{origin}: the file holds git conflict markers from an unfinished merge; run "
                "`journal sync` (it merges the file again and finishes the merge), or `git merge "
                "--abort`")
    return f"{origin}: not valid JSON ({exc})"


def load_file(path: Path, *, validated: bool = False) -> Tables:
    """Read, parse and validate a journal file (a missing file is an empty journal)."""
    got = read_bytes(path)
    if got is None:
        return empty_tables()
    return parse_bytes(got[0], str(path), validated=validated)


class ReadOnlyStorage(Storage):
    """A TinyDB ``Storage`` over one validated snapshot of a journal file, for scripts: TinyDB's
    ``Query`` works on every table, and any write is refused (changes go through the service,
    which takes the lock, merges outside changes and keeps the canonical bytes)."""

    def __init__(self, path: Path | str) -> None:
        self._data = load_file(resolve_data_path(Path(path)))

    def read(self) -> dict[str, Any]:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        raise StorageError(_("this TinyDB is read-only: change the journal with `journal` or "
                           "journal.service.Journal"))


def open_tinydb(path: Path | str) -> TinyDB:
    """The journal at ``path`` as a read-only TinyDB (tables ``entries``, ``contacts``,
    ``projects``, ``organisations``, ``days``; document ids are the journal's ULIDs)::

        from tinydb import Query
        from journal.storage import open_tinydb

        db = open_tinydb("journal.json")
        visits = db.table("entries").search(Query().tags.any(["loan"]))
        visits[0].doc_id   # '01KB…'
    """
    return JournalDB(path, storage=ReadOnlyStorage)


def _complete(states: dict[str, TableState]) -> dict[str, TableState]:
    """Readers may index any known table; empty ones are not stored, so add them back here."""
    for name in TABLES:
        if name not in states:
            states[name] = TableState(parsed={})
    return states


class JournalStore:
    """One journal file. Cheap to create; loads lazily; safe to share between threads of one UI
    only through the service layer (one writer at a time is enforced across processes by the lock)."""

    def __init__(self, path: Path | str) -> None:
        self.path = resolve_data_path(Path(path))
        if not self.path.name:  # "/" (or a link to it): no file name to put a lock next to
            raise StorageError(_("{path}: is a directory, not a journal file").format(path=self.path))
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._snap: Snapshot | None = None
        self._key: StatKey | None = None
        self._work: Working | None = None  # while a transaction runs
        #: The stat key and error of the last file version found unreadable: asked again (the
        #: app polls, every key press checks), the same file is not read and parsed again.
        self._bad: tuple[StatKey, str] | None = None
        self._last_good: Snapshot | None = None
        #: Increases whenever the data in memory changes (reload or commit); caches key on it.
        self.generation = 0

    # -- reading ---------------------------------------------------------------------------
    def read(self) -> Tables:
        """The current data, every table parsed, reloaded first if the file changed on disk.
        Do not mutate it."""
        if self._work is not None:
            return {name: self._work.table(name) for name in self._work.states}
        return self._current().full()

    def view(self) -> TablesView:
        """The current data as read-only tables parsed one by one when first used, with ways to
        reach single documents without parsing their table (see TablesView): what a one-shot
        command needs from a 50 MB journal is usually a few documents."""
        if self._work is not None:
            return TablesView(self._work)
        return TablesView(self._current())

    def refresh(self) -> None:
        """Reload if the file changed on disk (then ``generation`` moves on)."""
        if self._work is None:
            self._current()

    def exists(self) -> bool:
        return self.path.exists()

    def last_good(self) -> Snapshot | None:
        """The data as last read successfully (None before the first read), whatever the file holds
        now: what a long-open UI keeps showing while the file cannot be read (a ``git pull``
        without the merge driver left conflict markers in it). Never written back."""
        return self._last_good

    def written(self) -> tuple[bytes, StatKey, Callable[[], Tables]] | None:
        """The file's bytes, their stat key and a function giving every table parsed, as this
        store last wrote or loaded them — when the file still holds exactly that version (else
        None): what a derived cache can be built from without parsing and validating the file
        again (see ``Journal.warm_search_cache``)."""
        if self._work is not None or self._snap is None or self._key is None:
            return None
        got = read_bytes(self.path)
        if got is None or got[1] != self._key:
            return None
        return got[0], got[1], self._snap.full

    def _current(self) -> Snapshot:
        key = stat_key(self.path)
        if self._snap is not None and key == self._key:
            return self._snap
        if self._bad is not None and key == self._bad[0]:
            raise StorageError(self._bad[1])
        try:
            return self._load(key)
        except StorageError as exc:
            if key is not None:
                self._bad = (key, str(exc))
            raise

    def _load(self, key: StatKey | None) -> Snapshot:
        if key is not None and not stat.S_ISREG(os.stat(self.path).st_mode):
            raise StorageError(_("{path}: is not a regular file").format(path=self.path))
        got = read_bytes(self.path) if key is not None else None
        if got is None:
            snap, key = Snapshot.of_tables(empty_tables()), None
        else:
            raw, key = got
            note = self._layout_note(raw, key) if key == self._trusted_key() else None
            known = note is not None or _validated_before(self.path, raw, key)
            snap = (self._raw_snapshot(raw, note) if note else None) or Snapshot.of_tables(
                parse_bytes(raw, str(self.path), validated=known))
        self._snap, self._key, self._bad = snap, key, None
        self._last_good = snap
        self.generation += 1
        return snap

    def _layout_note(self, raw: bytes, key: StatKey) -> dict[str, Any] | None:
        """The layout note written with this very file (same stat key and crc32), or None. Only
        then are the bytes known to be our own canonical, validated output."""
        try:
            note = orjson.loads(read_note(self.path, "layout") or b"null")
            if isinstance(note, dict) and note.get("key") == list(key) \
                    and note.get("crc32") == zlib.crc32(raw):
                return note
        except (OSError, orjson.JSONDecodeError):
            pass
        return None

    def _raw_snapshot(self, raw: bytes, note: dict[str, Any]) -> Snapshot | None:
        """Tables served from the bytes and parsed on demand, where the note says each one is,
        after checking that the bytes agree (member headers in order, nothing else between them);
        None (parse everything) when they do not."""
        try:
            states: dict[str, TableState] = {}
            position = 2  # after "{\n"
            for name, (start, end) in sorted(note["tables"].items()):
                header = (b",\n" if states else b"") + member_header(name)
                if start != position + len(header) or raw[position:start] != header:
                    return None
                states[name] = TableState(RawTable(raw, start, end))
                position = end
            if raw[:2] != b"{\n" or raw[position:] != b"\n}\n" or "meta" not in states:
                return None
            problem = check_tables({"meta": states["meta"].table()}, SCHEMA_VERSION)
        except (ValueError, KeyError, TypeError, RawLayoutError):
            return None
        if problem:
            raise StorageError(f"{self.path}: {problem}")
        return Snapshot(_complete(states))

    # Derived, git-ignored notes about the last file this program wrote: ``<name>.written`` holds
    # its (inode, size, mtime_ns), ``<name>.layout`` the same key, its crc32 and where each table
    # sits in it. Data we wrote was validated when built, so loading it again need not re-check
    # every document (a third of a command's time at 25k entries), and its tables can be read
    # and rewritten as bytes. Any other change to the file, by git, an editor or another program,
    # changes the key and brings the full parse and check back.
    def _note_path(self, kind: str) -> Path:
        return derived_note(self.path, kind)

    def _trusted_key(self) -> StatKey | None:
        try:
            parts = (read_note(self.path, "written") or b"").decode().split()
            return (int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3]))
        except (ValueError, IndexError):
            return None

    def _remember_written(self, key: StatKey, crc: int, spans: dict[str, tuple[int, int]]) -> None:
        layout = orjson.dumps({"key": key, "crc32": crc, "tables": spans})
        self._write_note("layout", layout)
        self._write_note("written", " ".join(map(str, key)).encode())

    def _remember_changes(self, before: StatKey | None, after: StatKey, crc: int,
                          spans: dict[str, tuple[int, int]], changes: dict[str, dict[str, Any]] | None) -> None:
        """Extend the change history (journal.datafile.changes) that lets the search cache follow
        this write without reading the file."""
        from journal.datafile.changes import next_note

        note = self._note_path("changes")
        self._write_note("changes", next_note(note, before, after, crc, spans, changes))

    def _write_note(self, kind: str, text: bytes) -> None:
        write_note(self.path, kind, text)

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, reload if changed, yield a :class:`Transaction`, then write once.

        If the body raises, nothing is written and the in-memory copy is dropped, so the next read
        comes fresh from disk.
        """
        if self._work is not None:
            raise RuntimeError("nested journal transaction")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        release = acquire_lock(self.lock_path, self.path)
        try:
            self._sweep_temp_files()
            work = self._work = Working(self._current())
            try:
                yield Transaction(work)
                if work.dirty:
                    self._commit(work.states, work.changes)
            except BaseException:
                self._snap, self._key = None, None
                raise
            finally:
                self._work = None
        finally:
            release()

    def _sweep_temp_files(self) -> None:
        """Delete temp files left by writers that died mid-write (SIGKILL, power loss). Only the
        lock holder writes one and we hold the lock, so any that exist are debris; each is a full
        copy of the journal (private data), and they would otherwise pile up with every crash."""
        sweep_temp_files(self.path)

    def _commit(self, states: dict[str, TableState],
                changes: dict[str, dict[str, Any]] | None = None) -> None:
        """Write ``states``; ``changes``: the documents changed since the loaded file (None when
        not known), kept in the change history for derived caches."""
        states = dict(states)
        meta = states["meta"].table() if "meta" in states else {}
        if "schema" not in meta:
            states["meta"] = TableState(parsed={**meta, "schema": {"schema_version": SCHEMA_VERSION}})
            changes = None
        pieces, spans = encode(states)
        crc = 0
        for piece in pieces:
            crc = zlib.crc32(piece, crc)
        before = self._key
        self._key = atomic_write(self.path, pieces, previous_mtime_ns=before[2] if before else 0)
        self._remember_written(self._key, crc, spans)
        self._remember_changes(before, self._key, crc, spans, changes)
        self._snap = self._last_good = Snapshot(_complete(states))
        self.generation += 1

    def replace_all(self, data: Tables) -> None:
        """Swap the whole content (merge results, restores) in one locked write."""
        problem = check_tables(data, SCHEMA_VERSION)
        if problem:
            raise StorageError(_("refusing to write invalid data: {problem}").format(problem=problem))
        # Not a transaction: the current content is replaced, not read, so a damaged file (the
        # reason one restores a backup) does not stand in the way. Callers back it up first.
        if self._work is not None:
            raise RuntimeError("replace_all inside a journal transaction")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        release = acquire_lock(self.lock_path, self.path)
        try:
            if self.path.exists() and not self.path.is_file():
                raise StorageError(_("{path}: is not a regular file").format(path=self.path))
            self._sweep_temp_files()
            self._snap, self._key = None, None
            self._commit({name: TableState(parsed=table) for name, table in data.items()})
        finally:
            release()

    @contextlib.contextmanager
    def locked_bytes(self) -> Iterator[LockedBytes]:
        """Hold ``<file>.lock`` while working on the file as bytes, for as long as the caller needs:
        ``journal sync`` applies a merge this way (what is on disk now, merged with what came in,
        written back) and moves git's index and branch before any writer may change the file again."""
        if self._work is not None:
            raise RuntimeError("locked_bytes inside a journal transaction")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        release = acquire_lock(self.lock_path, self.path)
        try:
            self._sweep_temp_files()
            yield LockedBytes(self)
        finally:
            release()

    def _write_validated(self, raw: bytes, origin: str) -> None:
        """Replace the file with ``raw`` after a full parse and check (only while locked)."""
        tables = parse_bytes(raw, origin)
        self._snap, self._key = None, stat_key(self.path)
        self._commit({name: TableState(parsed=table) for name, table in tables.items()})

    # -- backups ---------------------------------------------------------------------------
    def backup(self, reason: str) -> Path | None:
        """Keep a timestamped copy (0600) next to the data file before risky bulk changes; the
        newest :data:`BACKUPS_KEPT` are kept. Returns the copy's path (None if no file yet)."""
        return backup_file(self.path, reason)

    def list_backups(self) -> list[Path]:
        """Backups of this file, newest first."""
        return list_backups(self.path)


class LockedBytes:
    """The data file's bytes while :meth:`JournalStore.locked_bytes` holds the lock."""

    def __init__(self, store: JournalStore) -> None:
        self._store = store

    def read(self) -> bytes | None:
        """What is on disk now (None: no file). Refuses anything but a regular file."""
        path = self._store.path
        if stat_key(path) is not None and not stat.S_ISREG(os.stat(path).st_mode):
            raise StorageError(_("{path}: is not a regular file").format(path=path))
        got = read_bytes(path)
        return got[0] if got is not None else None

    def write(self, raw: bytes, origin: str) -> None:
        """Replace the file with ``raw``: parsed and checked in full first (``origin`` names it in
        the error), then written atomically, privately and in the canonical form."""
        self._store._write_validated(raw, origin)

# The entries' layout in the file and the writer's change history, for the derived search cache,
# which reads the file's bytes through this facade. Loaded on first use (PEP 562): a warm search
# or an add never needs them.
_LAZY = {name: "journal.datafile.pieces" for name in
         ("CLOSE", "HASH", "SEP", "Layout", "diff", "piece_text", "split")}
_LAZY |= {"Changes": "journal.datafile.changes", "changes_between": "journal.datafile.changes"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
