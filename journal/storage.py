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
* a file we cannot parse or validate raises :class:`StorageError` and is never written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from journal.errors import StorageError
from journal.models import SCHEMA_VERSION
from journal.validate import check_tables

TABLES = ("contacts", "days", "entries", "meta", "organisations", "projects")
BACKUP_DIR = ".journal-backups"
CACHE_DIR = ".journal-cache"
BACKUPS_KEPT = 10
LOCK_TIMEOUT_S = 20.0
_DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS

Tables = dict[str, dict[str, dict[str, Any]]]
StatKey = tuple[int, int, int]


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """A new ULID: 48 bits of milliseconds + 80 random bits in Crockford base32, so ids sort by
    creation time and two offline machines never mint the same one (no shared counter).

    Ten lines here instead of python-ulid, whose import alone cost ~40 ms of every CLI start."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def empty_tables() -> Tables:
    return _with_all_tables({"meta": {"schema": {"schema_version": SCHEMA_VERSION}}})


def _with_all_tables(data: Tables) -> Tables:
    """Readers may index any known table; empty ones are not stored, so add them back here."""
    for name in TABLES:
        data.setdefault(name, {})
    return data


def dump_canonical(data: Mapping[str, Any]) -> bytes:
    """The one byte form of the data: sorted keys, 2-space indent, UTF-8, trailing newline."""
    try:
        return orjson.dumps(data, option=_DUMP_OPTIONS) + b"\n"
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise StorageError(f"cannot encode the journal data: {exc}") from None


def parse_bytes(raw: bytes, origin: str, *, validated: bool = False) -> Tables:
    """Parse and validate file bytes; raise :class:`StorageError` naming ``origin`` and the reason.

    ``validated`` skips the per-document type check for bytes this program wrote itself (see
    :meth:`JournalStore._trusted`); the JSON is still parsed strictly."""
    if not raw.strip():
        raise StorageError(f"{origin}: the file is empty (expected a journal; restore a backup or "
                           "delete the file to start afresh)")
    if raw.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in raw or b"\n>>>>>>> " in raw:
        raise StorageError(f"{origin}: the file holds git conflict markers from an unfinished merge; "
                           "run `journal sync --setup` then `git checkout --merge` on it, or "
                           "`git merge --abort`")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StorageError(f"{origin}: not valid JSON ({exc})") from None
    if validated and isinstance(data, dict) and all(isinstance(t, dict) for t in data.values()):
        return _with_all_tables(data)
    problem = check_tables(data, SCHEMA_VERSION)
    if problem:
        raise StorageError(f"{origin}: {problem}")
    return _with_all_tables(data)


def load_file(path: Path, *, validated: bool = False) -> Tables:
    """Read, parse and validate a journal file (a missing file is an empty journal)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return empty_tables()
    except IsADirectoryError:
        raise StorageError(f"{path}: is a directory, not a journal file") from None
    except OSError as exc:
        raise StorageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_bytes(raw, str(path), validated=validated)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, raw: bytes, *, previous_mtime_ns: int = 0) -> StatKey:
    """Write ``raw`` to ``path`` so that a crash leaves either the old or the new file.

    The new file gets a fresh nanosecond mtime (> ``previous_mtime_ns``) so that change detection by
    (inode, size, mtime_ns) cannot mistake two different writes for one. Returns the new stat key.
    """
    directory = path.parent
    tmp = directory / f"{path.name}.tmp-{os.getpid()}-{new_id()[-8:]}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(raw)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
            stamp = max(time.time_ns(), previous_mtime_ns + 1)
            os.utime(fd, ns=(stamp, stamp))
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StorageError(f"{path}: cannot write ({exc.strerror or exc}); the file was left "
                           "unchanged") from None
    _fsync_dir(directory)
    return stat_key(path) or (0, 0, 0)


def stat_key(path: Path) -> StatKey | None:
    """(inode, size, mtime_ns) of ``path``, or None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def resolve_data_path(path: Path) -> Path:
    """Follow a symlinked data file only when its target belongs to this user (a link planted by
    someone else must not redirect our writes), and refuse a directory."""
    path = Path(os.path.expanduser(str(path)))
    if path.is_symlink():
        if hasattr(os, "getuid") and path.lstat().st_uid != os.getuid():
            # A dangling link planted in a shared folder would make our first write create the
            # private journal wherever its author chose.
            raise StorageError(f"{path}: is a link made by another user; not following it")
        target = Path(os.path.realpath(path))
        try:
            owner = target.stat().st_uid
        except FileNotFoundError:
            return target
        except OSError as exc:  # a link loop (ELOOP), an unreadable folder on the way ...
            raise StorageError(f"{path}: cannot follow the link ({exc.strerror or exc})") from None
        if hasattr(os, "getuid") and owner != os.getuid():
            raise StorageError(f"{path}: is a link to {target}, which belongs to another user")
        return target
    return path.absolute()


def _acquire_lock(lock_path: Path, data_path: Path) -> Callable[[], None]:
    """Take the exclusive lock on ``<file>.lock`` (not on the data file, whose inode every write
    replaces); return the function that releases it.

    POSIX uses ``fcntl.flock`` directly: the kernel drops the lock when a process dies (even by
    SIGKILL), and importing filelock cost ~35 ms of every ``journal add``. Elsewhere filelock."""
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    busy = (f"{data_path}: another journal process has held the lock for {LOCK_TIMEOUT_S:.0f} s "
            f"({lock_path})")
    try:
        if os.name != "posix":  # pragma: no cover - exercised on Windows only
            from filelock import FileLock, Timeout

            lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT_S, mode=0o600)
            try:
                lock.acquire()
            except Timeout:
                raise StorageError(busy) from None
            return lock.release
        import fcntl

        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        delay = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise StorageError(busy) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
    except OSError as exc:
        raise StorageError(f"{data_path}: cannot lock ({exc.strerror or exc})") from None

    def release() -> None:
        os.close(fd)  # closing the descriptor releases the flock

    return release


class UlidTable(Table):
    """A TinyDB table whose document ids are ULIDs rather than per-file counters, so that two
    machines adding entries offline never mint the same id."""

    document_id_class = str

    def _get_next_id(self) -> str:  # type: ignore[override]
        return new_id()


class _TxStorage(Storage):
    """TinyDB storage that serves the store's working copy and collects writes for one commit."""

    def __init__(self, store: JournalStore) -> None:
        self._store = store

    def read(self) -> dict[str, Any]:
        return self._store._working()

    def write(self, data: dict[str, Any]) -> None:
        self._store._stage(data)


class _JournalDB(TinyDB):
    table_class = UlidTable


class Transaction:
    """The change being made under the lock. Methods mirror the use cases' needs; documents are
    lean dicts (see models.Document.to_doc)."""

    def __init__(self, store: JournalStore) -> None:
        self._db = _JournalDB(storage=lambda: _TxStorage(store))
        self._store = store
        #: tables already copied in this transaction (see insert); TinyDB operations replace
        #: whole tables with fresh dicts, which are private to the transaction as well.
        self._copied: set[str] = set()

    @property
    def tables(self) -> Mapping[str, Mapping[str, dict[str, Any]]]:
        """The fresh data this change applies to (read-only view)."""
        return self._store._working()

    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        return self._store._working().get(table, {}).get(doc_id)

    def insert(self, table: str, doc: Mapping[str, Any], doc_id: str | None = None) -> str:
        """Add one document under a new ULID (or ``doc_id``).

        TinyDB's own ``insert`` copies the whole table twice per call, which made an import that
        creates thousands of contacts quadratic (40 s at 100k entries). Here the table is copied
        once per transaction (copy on first write) and documents are added to that copy; the
        committed snapshot is never touched, so a failed transaction still leaves it intact."""
        docs = self._table_copy(table)
        doc_id = doc_id or new_id()
        if doc_id in docs:
            raise ValueError(f"document {doc_id} already exists in {table}")
        docs[doc_id] = dict(doc)
        return doc_id

    def insert_many(self, table: str, docs: list[tuple[str, dict[str, Any]]]) -> None:
        self._db.table(table).insert_multiple(Document(doc, doc_id=i) for i, doc in docs)

    def _table_copy(self, table: str) -> dict[str, dict[str, Any]]:
        working = self._store._working()
        if table not in self._copied:
            working[table] = dict(working.get(table, {}))
            self._copied.add(table)
        self._store._stage(working)
        return working[table]

    def replace(self, table: str, doc_id: str, doc: Mapping[str, Any]) -> None:
        """Replace a whole document (so omitted, now-empty fields really go away).

        The new document is a new object: documents already handed out (an editor's starting
        point, a search index) never change under their holders, unlike TinyDB's in-place
        ``update``."""
        self._table_copy(table)[doc_id] = dict(doc)

    def remove(self, table: str, doc_id: str) -> None:
        self._table_copy(table).pop(doc_id, None)


class JournalStore:
    """One journal file. Cheap to create; loads lazily; safe to share between threads of one UI
    only through the service layer (one writer at a time is enforced across processes by the lock)."""

    def __init__(self, path: Path | str) -> None:
        self.path = resolve_data_path(Path(path))
        if not self.path.name:  # "/" (or a link to it): no file name to put a lock next to
            raise StorageError(f"{self.path}: is a directory, not a journal file")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._data: Tables | None = None
        self._key: StatKey | None = None
        self._pending: dict[str, Any] | None = None
        self._dirty = False
        self._in_tx = False
        #: Increases whenever the data in memory changes (reload or commit); caches key on it.
        self.generation = 0

    # -- reading ---------------------------------------------------------------------------
    def read(self) -> Tables:
        """The current data, reloaded first if the file changed on disk. Do not mutate it."""
        if self._in_tx:
            return self._working()
        self._refresh()
        assert self._data is not None
        return self._data

    def exists(self) -> bool:
        return self.path.exists()

    def _refresh(self) -> None:
        key = stat_key(self.path)
        if self._data is not None and key == self._key:
            return
        if key is not None and not stat.S_ISREG(os.stat(self.path).st_mode):
            raise StorageError(f"{self.path}: is not a regular file")
        data = load_file(self.path, validated=key is not None and key == self._trusted_key())
        self._data, self._key = data, key
        self.generation += 1

    # A derived, git-ignored note of the (inode, size, mtime_ns) of the last file this program
    # wrote: data we wrote was validated when built, so loading it again need not re-check every
    # document (a third of a command's time at 25k entries). Any other change to the file, by
    # git, an editor or another program, changes the key and brings the full check back.
    def _trusted_path(self) -> Path:
        return self.path.parent / CACHE_DIR / f"{self.path.name}.written"

    def _trusted_key(self) -> StatKey | None:
        try:
            parts = self._trusted_path().read_text().split()
            return (int(parts[0]), int(parts[1]), int(parts[2]))
        except (OSError, ValueError, IndexError):
            return None

    def _remember_written(self, key: StatKey) -> None:
        path = self._trusted_path()
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(" ".join(map(str, key)))
            os.replace(tmp, path)
        except OSError:
            pass  # only a speed-up; without it the next load validates in full

    # -- writing ---------------------------------------------------------------------------
    def _working(self) -> dict[str, Any]:
        if self._pending is None:
            assert self._data is not None
            # A copy of the top level: TinyDB assigns whole tables into it while staging.
            self._pending = dict(self._data)
        return self._pending

    def _stage(self, data: dict[str, Any]) -> None:
        self._pending = data
        self._dirty = True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, reload if changed, yield a :class:`Transaction`, then write once.

        If the body raises, nothing is written and the in-memory copy is dropped (TinyDB edits
        documents in place), so the next read comes fresh from disk.
        """
        if self._in_tx:
            raise RuntimeError("nested journal transaction")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        release = _acquire_lock(self.lock_path, self.path)
        try:
            self._sweep_temp_files()
            self._refresh()
            self._in_tx, self._pending, self._dirty = True, None, False
            try:
                yield Transaction(self)
                if self._dirty and self._pending is not None:
                    self._commit(self._pending)
            except BaseException:
                self._data, self._key = None, None
                raise
            finally:
                self._in_tx, self._pending = False, None
        finally:
            release()

    def _sweep_temp_files(self) -> None:
        """Delete temp files left by writers that died mid-write (SIGKILL, power loss). Only the
        lock holder writes one and we hold the lock, so any that exist are debris; each is a full
        copy of the journal (private data), and they would otherwise pile up with every crash."""
        prefix = f"{self.path.name}.tmp-"
        try:
            names = [e.name for e in os.scandir(self.path.parent) if e.name.startswith(prefix)]
        except OSError:
            return
        for name in names:
            with contextlib.suppress(OSError):
                os.unlink(self.path.parent / name)

    def _commit(self, data: dict[str, Any]) -> None:
        data = {name: table for name, table in data.items() if table or name == "meta"}
        data.setdefault("meta", {}).setdefault("schema", {"schema_version": SCHEMA_VERSION})
        raw = dump_canonical(data)
        previous = self._key[2] if self._key else 0
        self._key = atomic_write(self.path, raw, previous_mtime_ns=previous)
        self._remember_written(self._key)
        self._data = _with_all_tables(data)  # the same shape a load gives (empty tables present)
        self.generation += 1

    def replace_all(self, data: Tables) -> None:
        """Swap the whole content (merge results, restores) in one locked write."""
        problem = check_tables(data, SCHEMA_VERSION)
        if problem:
            raise StorageError(f"refusing to write invalid data: {problem}")
        # Not a transaction: the current content is replaced, not read, so a damaged file (the
        # reason one restores a backup) does not stand in the way. Callers back it up first.
        if self._in_tx:
            raise RuntimeError("replace_all inside a journal transaction")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        release = _acquire_lock(self.lock_path, self.path)
        try:
            if self.path.exists() and not self.path.is_file():
                raise StorageError(f"{self.path}: is not a regular file")
            self._sweep_temp_files()
            self._data, self._key = None, None
            self._commit(dict(data))
        finally:
            release()

    # -- backups ---------------------------------------------------------------------------
    def backup(self, reason: str) -> Path | None:
        """Keep a timestamped copy (0600) next to the data file before risky bulk changes; the
        newest :data:`BACKUPS_KEPT` are kept. Returns the copy's path (None if no file yet)."""
        if not self.path.exists():
            return None
        # Open the source first, without blocking (a FIFO in its place would hang the open) and
        # before creating the copy, so that an unreadable source leaves no empty "backup" behind.
        try:
            src_fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        if not stat.S_ISREG(os.fstat(src_fd).st_mode):
            os.close(src_fd)
            raise StorageError(f"{self.path}: is not a regular file")
        folder = self.path.parent / BACKUP_DIR
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{self.path.stem}.{stamp}.{reason}{self.path.suffix or '.json'}"
        with open(src_fd, "rb") as src:
            fd = -1
            try:
                folder.mkdir(mode=0o700, exist_ok=True)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(src, out)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError as exc:
                if fd >= 0:  # ours, half-written: not a backup anyone should restore
                    with contextlib.suppress(OSError):
                        target.unlink()
                raise StorageError(f"cannot write a backup to {folder} ({exc.strerror or exc}); "
                                   "nothing was changed") from None
        for old in self.list_backups()[BACKUPS_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()
        return target

    def list_backups(self) -> list[Path]:
        """Backups of this file, newest first."""
        folder = self.path.parent / BACKUP_DIR
        if not folder.is_dir():
            return []
        return sorted(folder.glob(f"{self.path.stem}.*"), key=lambda p: p.name, reverse=True)
