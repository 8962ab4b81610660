"""The data file on disk: paths, locking, atomic durable writes, reads, backups.

Split from :mod:`journal.storage` (which re-exports the public names) so that each stays readable;
together the ``storage*`` modules are the only code that touches the data file and TinyDB.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from journal.datafile.canonical import Buffer
from journal.errors import StorageError

BACKUP_DIR = ".journal-backups"
BACKUPS_KEPT = 10
LOCK_TIMEOUT_S = 20.0

StatKey = tuple[int, int, int]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> two characters
_last_ms: tuple[int, str] = (-1, "")


def new_id() -> str:
    """A new ULID: 48 bits of milliseconds + 80 random bits in Crockford base32, so ids sort by
    creation time and two offline machines never mint the same one (no shared counter).

    Ten lines here instead of python-ulid, whose import alone cost ~40 ms of every CLI start."""
    global _last_ms
    ms = time.time_ns() // 1_000_000
    if ms != _last_ms[0]:  # the 10 characters of the time change once a millisecond
        _last_ms = (ms, "".join([_PAIRS[(ms >> shift) & 1023] for shift in (40, 30, 20, 10, 0)]))
    rand = int.from_bytes(os.urandom(10), "big")
    return _last_ms[1] + "".join([_PAIRS[(rand >> shift) & 1023] for shift in (70, 60, 50, 40, 30, 20, 10, 0)])


def read_bytes(path: Path) -> tuple[bytes, StatKey] | None:
    """The file's bytes and the (inode, size, mtime_ns) of exactly those bytes (fstat of the open
    file: a replace between a stat and the read cannot pair one version's key with another's
    bytes); None when there is no file."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            raw = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StorageError(f"{path}: is a directory, not a journal file") from None
    except OSError as exc:
        raise StorageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return raw, (st.st_ino, st.st_size, st.st_mtime_ns)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, raw: bytes | Sequence[Buffer], *, previous_mtime_ns: int = 0) -> StatKey:
    """Write ``raw`` (bytes, or pieces written one after the other: a splice of the old file's
    bytes need not be copied into one new 50 MB object first) to ``path`` so that a crash leaves
    either the old or the new file.

    The new file gets a fresh nanosecond mtime (> ``previous_mtime_ns``) so that change detection by
    (inode, size, mtime_ns) cannot mistake two different writes for one. Returns the new stat key.
    """
    directory = path.parent
    tmp = directory / f"{path.name}.tmp-{os.getpid()}-{new_id()[-8:]}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            for piece in [raw] if isinstance(raw, bytes | bytearray | memoryview) else raw:
                view = memoryview(piece)
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


def acquire_lock(lock_path: Path, data_path: Path) -> Callable[[], None]:
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


def backup_file(path: Path, reason: str) -> Path | None:
    """Keep a timestamped copy (0600) next to the data file before risky bulk changes; the
    newest :data:`BACKUPS_KEPT` are kept. Returns the copy's path (None if no file yet)."""
    if not path.exists():
        return None
    # Open the source first, without blocking (a FIFO in its place would hang the open) and
    # before creating the copy, so that an unreadable source leaves no empty "backup" behind.
    try:
        src_fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise StorageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(os.fstat(src_fd).st_mode):
        os.close(src_fd)
        raise StorageError(f"{path}: is not a regular file")
    folder = path.parent / BACKUP_DIR
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}.{stamp}.{reason}{path.suffix or '.json'}"
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
    for old in list_backups(path)[BACKUPS_KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target

def list_backups(path: Path) -> list[Path]:
    """Backups of this file, newest first."""
    folder = path.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{path.stem}.*"), key=lambda p: p.name, reverse=True)
