"""Helpers shared by tests (importable as ``tests.helpers``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_process(*args: str, env: dict[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `journal` program as a separate process (what users and git do)."""
    return subprocess.run([sys.executable, "-m", "journal", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=120)


def settle(path: Path, age_s: float = 10) -> None:
    """Make ``path`` look written a while ago, so that its stat key is settled (not "racy", see
    journal.search.cache.reader.racy): the mtime is moved ``age_s`` back, and since the ctime (which no
    program can set) is part of the key, we wait until it is past the finest racy window."""
    import time

    past = os.stat(path).st_mtime_ns - int(age_s * 10**9)
    os.utime(path, ns=(past, past))
    from journal.search.cache.reader import RACY_FINE_NS

    while time.time_ns() - os.stat(path).st_ctime_ns <= RACY_FINE_NS:
        time.sleep(0.01)
