"""The data file on disk: paths, locking, atomic durable writes, reads, backups.

Split from :mod:`journal.storage` (which re-exports the public names) so that each stays readable;
together the ``storage*`` modules are the only code that touches the data file and TinyDB.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from journal.datafile.canonical import Buffer
from journal.datafile.private import (
    BACKUP_DIR,
    CACHE_DIR,
    TEMP_MARK,
    backup_folder,
    open_side,
    sweep_folder_temps,
    trusted_folder,
    write_private,
)
from journal.errors import StorageError
from journal.i18n import _

BACKUPS_KEPT = 10
LOCK_TIMEOUT_S = 20.0

#: (inode, size, mtime_ns, ctime_ns): what says, without reading it, that a file is the one we
#: knew. The ctime is there because no program can set it (``os.utime`` sets only atime and
#: mtime, and any write or utime moves the ctime to "now"), so an in-place rewrite that keeps the
#: inode, the size and puts the mtime back still changes the key.
StatKey = tuple[int, int, int, int]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> two characters
_last_ms: tuple[int, str] = (-1, "")


def new_id() -> str:
    """A new ULID: 48 bits of milliseconds + 80 random bits in Crockford base32, so ids sort by
    creation time and two offline machines never mint the same one (no shared counter).

    Ten lines here instead of python-ulid, whose import alone is a visible share of every CLI start."""
    global _last_ms
    ms = time.time_ns() // 1_000_000
    if ms != _last_ms[0]:  # the 10 characters of the time change once a millisecond
        _last_ms = (ms, "".join([_PAIRS[(ms >> shift) & 1023] for shift in (40, 30, 20, 10, 0)]))
    rand = int.from_bytes(os.urandom(10), "big")
    return _last_ms[1] + "".join([_PAIRS[(rand >> shift) & 1023] for shift in (70, 60, 50, 40, 30, 20, 10, 0)])


def read_bytes(path: Path) -> tuple[bytes, StatKey] | None:
    """The file's bytes and the :data:`StatKey` of exactly those bytes (fstat of the open
    file: a replace between a stat and the read cannot pair one version's key with another's
    bytes); None when there is no file. Opened without blocking and checked to be a regular file
    on the open descriptor: a FIFO put in its place would hang the read, a device never end."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StorageError(_("{path}: is a directory, not a journal file").format(path=path)) from None
    except OSError as exc:
        raise StorageError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    try:
        with open(fd, "rb") as handle:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise StorageError(_("{path}: is a directory, not a journal file").format(path=path))
            if not stat.S_ISREG(st.st_mode):
                raise StorageError(_("{path}: is not a regular file").format(path=path))
            raw = handle.read()
    except OSError as exc:
        raise StorageError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    return raw, key_of(st)


def atomic_write(path: Path, raw: bytes | Sequence[Buffer], *, previous_mtime_ns: int = 0) -> StatKey:
    """Write ``raw`` (bytes, or pieces written one after the other: a splice of the old file's
    bytes need not be copied into one new 50 MB object first) to ``path`` so that a crash leaves
    either the old or the new file.

    The new file gets a fresh nanosecond mtime (> ``previous_mtime_ns``) so that change detection by
    (inode, size, mtime_ns) cannot mistake two different writes for one. Returns the new stat key.
    """
    try:
        write_private(path, raw, stamp_after_ns=previous_mtime_ns)
    except OSError as exc:
        raise StorageError(_("{path}: cannot write ({value}); the file was left unchanged").format(path=path, value=exc.strerror or exc)) from None
    return stat_key(path) or (0, 0, 0, 0)


def stat_key(path: Path) -> StatKey | None:
    """The :data:`StatKey` of ``path``, or None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    return key_of(st)


def key_of(st: os.stat_result) -> StatKey:
    """The :data:`StatKey` of a stat result."""
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def resolve_data_path(path: Path) -> Path:
    """Follow a symlinked data file only when its target belongs to this user (a link planted by
    someone else must not redirect our writes), and refuse a directory."""
    path = Path(os.path.expanduser(str(path)))
    if path.is_symlink():
        if hasattr(os, "getuid") and path.lstat().st_uid != os.getuid():
            # A dangling link planted in a shared folder would make our first write create the
            # private journal wherever its author chose.
            raise StorageError(_("{path}: is a link made by another user; not following it").format(path=path))
        target = Path(os.path.realpath(path))
        try:
            owner = target.stat().st_uid
        except FileNotFoundError:
            return target
        except OSError as exc:  # a link loop (ELOOP), an unreadable folder on the way ...
            raise StorageError(_("{path}: cannot follow the link ({value})").format(path=path, value=exc.strerror or exc)) from None
        if hasattr(os, "getuid") and owner != os.getuid():
            raise StorageError(_("{path}: is a link to {target}, which belongs to another user").format(path=path, target=target))
        return target
    return path.absolute()


def check_output_path(path: Path, data_path: Path) -> None:
    """Refuse ``path`` as the target of a report or an export the user asked for when it is a
    folder, the journal file itself (by any name) or one of its own files (lock, cache, backups):
    writing there would replace the journal with a summary."""
    from journal.errors import ValidationError

    if path.is_dir():
        raise ValidationError(_("{path}: is a folder; give a file name").format(path=path))
    try:
        same = os.path.samefile(path, data_path)
    except (OSError, ValueError):
        same = False
    data = resolve_data_path(data_path)
    target = Path(os.path.realpath(path))
    if same or target == data:
        raise ValidationError(_("{path}: is the journal file itself; choose another file").format(path=path))
    if target == data.with_name(data.name + ".lock") or target.parent.name in (CACHE_DIR, BACKUP_DIR) \
            and target.parent.parent == data.parent:
        raise ValidationError(_("{path}: belongs to the journal's own files; choose another "
                                "file").format(path=path))


def acquire_lock(lock_path: Path, data_path: Path) -> Callable[[], None]:
    """Take the exclusive lock on ``<file>.lock`` (not on the data file, whose inode every write
    replaces); return the function that releases it.

    POSIX uses ``fcntl.flock`` directly: the kernel drops the lock when a process dies (even by
    SIGKILL), and importing filelock is a visible share of every ``journal add``. Elsewhere filelock."""
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

        # Never through a link, never blocking on a FIFO; and only a regular file of ours: a lock
        # file planted by another user would let them hold every writer off for good.
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
                     | os.O_CLOEXEC, 0o600)
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            os.close(fd)
            what = "is not a regular file" if not stat.S_ISREG(st.st_mode) else \
                f"belongs to another user (uid {st.st_uid})"
            raise StorageError(_("{lock_path}: {what}; move it aside and try again (nothing "
                                 "was changed)").format(lock_path=lock_path, what=what))
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
        raise StorageError(_("{data_path}: cannot lock ({value})").format(data_path=data_path, value=exc.strerror or exc)) from None

    def release() -> None:
        os.close(fd)  # closing the descriptor releases the flock

    return release


def backup_file(path: Path, reason: str) -> Path | None:
    """Keep a timestamped copy (0600) in the private backups folder before risky bulk changes; the
    newest :data:`BACKUPS_KEPT` are kept. Returns the copy's path (None if no file yet). Raises
    :class:`StorageError` when no backup can be made (the change that wanted it is then refused)."""
    if not path.exists():
        return None
    # Open the source first, without blocking (a FIFO in its place would hang the open) and
    # before creating the copy, so that an unreadable source leaves no empty "backup" behind.
    try:
        src_fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise StorageError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    if not stat.S_ISREG(os.fstat(src_fd).st_mode):
        os.close(src_fd)
        raise StorageError(_("{path}: is not a regular file").format(path=path))
    with open(src_fd, "rb") as src:
        folder = backup_folder(path, create=True)
        assert folder is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{path.stem}.{stamp}.{reason}{path.suffix or '.json'}"
        try:
            # through the one private writer: a copy killed half-way is a temp file, not a
            # truncated "backup" someone might restore
            write_private(target, iter(lambda: src.read(1 << 20), b""))
        except OSError as exc:
            raise StorageError(_("cannot write a backup to {folder} ({value}); nothing was "
                                 "changed").format(folder=folder, value=exc.strerror or exc)) from None
    sweep_folder_temps(folder, older_than_s=3600)
    for old in list_backups(path)[BACKUPS_KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def list_backups(path: Path) -> list[Path]:
    """Backups of this file, newest first: regular files of ours in the private backups folder
    (anything else found there is not a backup of ours). Raises :class:`StorageError` when the
    folder belongs to someone else."""
    folder = path.parent / BACKUP_DIR
    if not trusted_folder(folder) and backup_folder(path, create=False) is None:
        return []
    found = []
    for candidate in folder.glob(f"{path.stem}.*"):
        if TEMP_MARK in candidate.name:
            continue
        fd = open_side(candidate)
        if fd is not None:
            os.close(fd)
            found.append(candidate)
    return sorted(found, key=lambda p: p.name, reverse=True)
