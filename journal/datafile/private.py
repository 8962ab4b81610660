"""Private files: the one atomic writer, and the side folders and notes kept beside the data file.

Why a module of its own: the journal is client data, and its folder may be shared (a team drive, a
multi-user machine, ``/tmp``). Everything this program leaves next to the data file — the derived
notes and search cache in ``.journal-cache/``, the copies in ``.journal-backups/``, the lock, the
temp files of atomic writes — must neither leak that data nor let another local user steer our
writes. So:

* every private file is written by :func:`write_private`: a temp file in the same folder, named by
  :func:`temp_path` alone, created ``O_EXCL | O_NOFOLLOW`` with mode 0600 (a link or file planted
  under that name is never opened, let alone truncated), then ``os.replace``; on any failure the temp
  file is removed, never left behind holding a copy of the data;
* a side folder is used only when it is a real folder (not a link) owned by us, and is made 0700
  (:func:`private_folder`); one made by someone else is refused (backups, which are not optional)
  or ignored (the cache, which only saves time);
* a side file is read only when it is a regular file owned by us and not larger than its bound
  (:func:`read_side`): it is opened ``O_NONBLOCK | O_NOFOLLOW`` and checked with ``fstat`` on the
  open descriptor, so a FIFO, a link to ``/dev/zero`` or a device put in its place is ignored at
  once instead of hanging a command (and the lock it holds) or filling memory.

Windows has neither owners in this sense nor ``O_NOFOLLOW``: there only the file-type and size
checks apply.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from journal.datafile.canonical import Buffer
from journal.errors import StorageError
from journal.i18n import _

CACHE_DIR = ".journal-cache"
BACKUP_DIR = ".journal-backups"
#: Every temp file of :func:`write_private` is ``<name>.tmp-<pid>-<random>`` (git-ignored as *.tmp-*).
TEMP_MARK = ".tmp-"
#: Bounds for side files read back in full: small notes (stat keys, layouts) and the change
#: history, whose up to 1000 documents may each carry a long summary.
NOTE_LIMIT = 4 * 2**20
CHANGES_LIMIT = 256 * 2**20

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_POSIX_OWNERS = hasattr(os, "getuid")


def _mine(uid: int) -> bool:
    return not _POSIX_OWNERS or uid == os.getuid()


# -- writing ----------------------------------------------------------------------------------------
def temp_path(path: Path) -> Path:
    """The temp file a write of ``path`` goes through: same folder (so the rename is atomic), the
    process id (debris can be told apart) and 40 random bits (a name nobody can plant in advance)."""
    return path.with_name(f"{path.name}{TEMP_MARK}{os.getpid()}-{os.urandom(5).hex()}")


def write_private(path: Path, data: Buffer | Iterable[Buffer], *, durable: bool = True,
                  stamp_after_ns: int | None = None) -> None:
    """Replace ``path`` with ``data`` (bytes, or pieces written one after the other) atomically,
    mode 0600 whatever the umask: a crash leaves the old file or the new one, never half of one.

    ``durable`` fsyncs the file and its folder (the journal, settings, exports; a derived cache
    that is rebuilt when torn skips it). ``stamp_after_ns`` gives the new file an mtime later than
    that, so change detection by stat can never mistake two writes for one. Raises ``OSError``; the
    temp file is gone whatever happened."""
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        try:
            if _POSIX_OWNERS:
                os.fchmod(fd, 0o600)  # a umask cannot add bits, but an odd one may take ours away
            for piece in [data] if isinstance(data, bytes | bytearray | memoryview) else data:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
            if stamp_after_ns is not None:
                stamp = max(time.time_ns(), stamp_after_ns + 1)
                os.utime(fd, ns=(stamp, stamp))
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sweep_temp_files(path: Path, *, older_than_s: float = 0.0) -> None:
    """Delete temp files of ``path`` that writers killed mid-write left behind (each holds private
    data). ``older_than_s`` spares younger ones, for files written without a lock, where a young
    temp file may be another process's write in progress."""
    prefix = path.name + TEMP_MARK
    limit = time.time() - older_than_s
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if entry.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    if not older_than_s or entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)


def sweep_folder_temps(folder: Path, *, older_than_s: float) -> None:
    """:func:`sweep_temp_files` for every file of ``folder`` (backups: each has its own name)."""
    limit = time.time() - older_than_s
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if TEMP_MARK in entry.name:
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)


# -- side folders -----------------------------------------------------------------------------------
def private_folder(folder: Path, *, create: bool, purpose: str) -> bool:
    """Make sure ``folder`` is a real folder of ours that nobody else can enter (mode 0700): create it
    so when missing and ``create``; tighten one of ours that is open to others. False when it does
    not exist (and ``create`` is false). Raises :class:`StorageError` (one line, naming ``purpose``)
    when it is a link, not a folder, or someone else's: nothing is written into such a folder."""
    flags = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
    try:
        try:
            fd = os.open(folder, flags)
        except FileNotFoundError:
            if not create:
                return False
            with contextlib.suppress(FileExistsError):  # made meanwhile: checked just below
                os.mkdir(folder, 0o700)
            fd = os.open(folder, flags)
    except OSError as exc:  # ELOOP (a link), ENOTDIR (a file), EACCES ...
        raise StorageError(_("{folder}: cannot use it for {purpose} ({value}); move it aside "
                             "and try again").format(folder=folder, purpose=purpose, value='a link or a file, not a folder' if _not_a_folder(exc) else exc.strerror or exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISDIR(st.st_mode):  # Windows: no O_DIRECTORY
            raise StorageError(_("{folder}: is not a folder, so {purpose} cannot be kept "
                                 "there; move it aside and try again").format(folder=folder, purpose=purpose))
        if not _mine(st.st_uid):
            raise StorageError(_("{folder}: belongs to another user (uid {st_uid}), so "
                                 "{purpose} cannot be kept there privately; move it aside and "
                                 "try again").format(folder=folder, st_uid=st.st_uid, purpose=purpose))
        if _POSIX_OWNERS and stat.S_IMODE(st.st_mode) != 0o700:
            os.fchmod(fd, 0o700)  # ours: only its mode let others in (their files are ignored)
    except OSError as exc:
        raise StorageError(_("{folder}: cannot use it for {purpose} ({value})").format(folder=folder, purpose=purpose, value=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    return True


def _not_a_folder(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK)


def trusted_folder(folder: Path) -> bool:
    """Whether ``folder`` is a real folder of ours closed to others (one ``lstat``): only then is
    what it holds worth reading."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _mine(st.st_uid) and (
        not _POSIX_OWNERS or not stat.S_IMODE(st.st_mode) & 0o077)


def cache_folder(data_path: Path, *, create: bool) -> Path | None:
    """``.journal-cache/`` beside the (resolved) data file, or None when it cannot be ours."""
    folder = data_path.parent / CACHE_DIR
    return folder if usable_cache_folder(folder, create=create) else None


def usable_cache_folder(folder: Path, *, create: bool = True) -> bool:
    """Whether the cache folder ``folder`` is ours and private (made so when ``create``). The cache
    only saves time, so a folder someone else made means working without it, silently."""
    if trusted_folder(folder):
        return True
    try:
        return private_folder(folder, create=create, purpose="the cache")
    except StorageError:
        return False


def backup_folder(data_path: Path, *, create: bool) -> Path | None:
    """``.journal-backups/`` beside the (resolved) data file (None: none yet and not ``create``).
    Raises :class:`StorageError` when it is not ours: backups are not optional, so a change that
    needs one is refused rather than made without it."""
    folder = data_path.parent / BACKUP_DIR
    if trusted_folder(folder) or private_folder(folder, create=create, purpose="backups"):
        return folder
    return None


# -- reading ----------------------------------------------------------------------------------------
def open_side(path: Path) -> int | None:
    """A read-only descriptor of ``path`` when it is a regular file of ours (never following a
    link, never blocking on a FIFO); None otherwise. The caller closes it."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _NOFOLLOW | _CLOEXEC)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    if not stat.S_ISREG(st.st_mode) or not _mine(st.st_uid):
        os.close(fd)
        return None
    return fd


def read_side(path: Path, limit: int = NOTE_LIMIT) -> bytes | None:
    """The bytes of the side file ``path`` if it is a regular file of ours in a folder of ours and
    at most ``limit`` bytes long; else None (the caller does without it)."""
    if not trusted_folder(path.parent):
        return None
    fd = open_side(path)
    if fd is None:
        return None
    try:
        if os.fstat(fd).st_size > limit:
            return None
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, limit + 1 - total)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
        return None  # grew past the bound while we read
    except OSError:
        return None
    finally:
        os.close(fd)


def write_side(data_path: Path, name: str, data: Buffer | Iterable[Buffer]) -> bool:
    """Replace the derived file ``name`` in the cache folder of ``data_path``; False when there is
    no usable cache folder or the write failed (a cache only saves time). Not fsynced: a derived
    file torn by a crash fails its checks and is rebuilt."""
    folder = cache_folder(data_path, create=True)
    if folder is None:
        return False
    try:
        write_private(folder / name, data, durable=False)
    except OSError:
        return False
    return True


__all__ = ["BACKUP_DIR", "CACHE_DIR", "CHANGES_LIMIT", "NOTE_LIMIT", "TEMP_MARK", "backup_folder",
           "cache_folder", "fsync_dir", "open_side", "private_folder", "read_side",
           "sweep_folder_temps", "sweep_temp_files", "temp_path", "trusted_folder", "usable_cache_folder", "write_private", "write_side"]
