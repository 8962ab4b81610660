"""Building the search cache after the answer: in a detached child process, under a lock that the
commands needing the cache meanwhile wait on.

A first search (journal.search.cache.cold), an import or a restore has the whole journal parsed in
memory when its answer is ready; indexing it for the cache costs one to two seconds more at 100k
entries. The ``journal`` program leaves that to a forked child — which has the parsed data
already — and ends at once. The child holds an exclusive ``flock`` on
``.journal-cache/<file>.search-build`` until the cache is written; ``open_journal`` waits for it
(up to :data:`BUILD_WAIT_S`) instead of building the same cache again. The lock file is private,
opened without following links, and ignored when it is not a regular file of ours.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

from journal.storage import CACHE_DIR

BUILD_WAIT_S = 20.0


def _build_lock(path: Path, *, create: bool) -> int | None:
    """An open descriptor of the build lock file of the data file ``path`` (created when
    ``create``), or None: missing, not a regular file, or not ours (a planted file is ignored,
    never followed)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    if create:
        flags |= os.O_CREAT
    try:
        if create:
            (path.parent / CACHE_DIR).mkdir(mode=0o700, exist_ok=True)
        fd = os.open(path.parent / CACHE_DIR / f"{path.name}.search-build", flags, 0o600)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and (not hasattr(os, "getuid") or st.st_uid == os.getuid()):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def hold_build_lock(path: Path) -> int | None:
    """Take the build lock of the data file ``path`` (resolved) without waiting: the open
    descriptor holding it (closing every copy of it releases the lock), or None when another
    process is building or locks are unavailable."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no background builds either
        return None
    fd = _build_lock(path, create=True)
    if fd is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def wait_for_build(path: Path, timeout: float = BUILD_WAIT_S) -> bool:
    """Wait (up to ``timeout`` seconds) while another process builds the cache of ``path``;
    True when one was building (the cache may be ready now)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    fd = _build_lock(path, create=False)
    if fd is None:
        return False
    try:
        deadline, waited = time.monotonic() + timeout, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return waited
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return waited
                waited = True
                time.sleep(0.02)
            except OSError:
                return waited
    finally:
        os.close(fd)


def build_detached(path: Path, build: Callable[[], None]) -> bool:
    """Run ``build`` (which writes the cache of the data file ``path``) in a detached child
    process holding the build lock. True when the build is taken care of — by the child, by
    another process building now, or not at all because the cache folder cannot be written:
    the caller should then flush its output and end at once with ``os._exit``, without
    freeing the parsed journal that the child now owns (freeing it would copy every page the
    two share). False when no child can be made (no ``fork``, threads running): build in this
    process instead."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    lock = hold_build_lock(path)
    if lock is None:  # someone else is building, or the cache could not be written anyway
        return True
    try:
        pid = os.fork()
    except OSError:
        os.close(lock)
        return False
    if pid:
        return True
    try:  # the child: off the terminal, its output nowhere, polite, then gone
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, lock)
        os.closerange(lock + 1, 1 << 16)
        with contextlib.suppress(OSError):
            os.nice(10)
        build()
    finally:
        os._exit(0)


__all__ = ["BUILD_WAIT_S", "build_detached", "hold_build_lock", "wait_for_build"]
