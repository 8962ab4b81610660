"""Crash safety: a writer SIGKILLed at any instant leaves a valid file holding every change it had
acknowledged (the storage writes temp file + fsync + os.replace + directory fsync under a lock).

The child (``_crash_writer.py``) adds and edits entries through ``journal.service.Journal`` and prints
an acknowledgement after each call returns; the parent kills it at random moments — during start-up,
between writes, in the middle of a write — and checks the file after every kill.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journal.service import Journal
from journal.storage import load_file

from ._support import HERE, record_stats, run_cli, seed, temp_leftovers

WRITER = HERE / "_crash_writer.py"
ACK_TIMEOUT_S = 120.0  # generous: the machine may be loaded; this is a hang guard, not a timing test


class Acks:
    """Everything the children acknowledged, to be found in the file after every crash."""

    def __init__(self) -> None:
        self.added: dict[str, str] = {}  # id -> event
        self.version: dict[str, int] = {}  # id -> last acknowledged summary version

    def take(self, raw: bytes) -> int:
        """Record the complete lines of ``raw`` (a torn last line was never acknowledged)."""
        count = 0
        for line in raw.decode().split("\n")[:-1]:
            kind, doc_id, rest = line.split(" ", 2)
            if kind == "A":
                self.added[doc_id] = rest
            else:
                self.version[doc_id] = max(self.version.get(doc_id, 0), int(rest))
            count += 1
        return count

    def check(self, path: Path) -> None:
        entries = load_file(path).get("entries", {})  # parses and validates, or raises
        missing = [i for i in self.added if i not in entries]
        assert not missing, f"{len(missing)} acknowledged entries lost, e.g. {missing[:3]}"
        for doc_id, event in self.added.items():
            assert entries[doc_id]["event"] == event
        for doc_id, version in self.version.items():
            stored = int(entries[doc_id]["summary"].removeprefix("version "))
            assert stored >= version, f"acknowledged edit {version} of {doc_id} lost ({stored})"


def _read_available(fd: int, chunks: list[bytes], wait: float) -> None:
    ready, _, _ = select.select([fd], [], [], wait)
    if ready:
        data = os.read(fd, 65536)
        if data:
            chunks.append(data)


def _spawn_and_kill(path: Path, tag: str, rng: random.Random) -> tuple[bytes, bool]:
    """Start a writer, SIGKILL it at a random moment; return its acknowledgements and whether the
    kill happened before its first acknowledgement (start-up, first load, first write)."""
    proc = subprocess.Popen([sys.executable, str(WRITER), str(path), tag],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    chunks: list[bytes] = []
    early = rng.random() < 0.2
    try:
        if early:
            time.sleep(rng.uniform(0.0, 0.5))
        else:
            deadline = time.monotonic() + ACK_TIMEOUT_S
            while b"\n" not in b"".join(chunks) and proc.poll() is None:
                assert time.monotonic() < deadline, "writer never acknowledged a change"
                _read_available(proc.stdout.fileno(), chunks, 0.05)
            # Now somewhere in the loop: let it run a random while (0..~15 writes), then kill.
            pause = time.monotonic() + rng.uniform(0.0, 0.15)
            while time.monotonic() < pause:
                _read_available(proc.stdout.fileno(), chunks, max(0.0, pause - time.monotonic()))
        crashed_by_itself = proc.poll() is not None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    chunks.append(proc.stdout.read())
    errors = proc.stderr.read().decode("utf-8", "replace")
    proc.stdout.close()
    proc.stderr.close()
    assert not crashed_by_itself, f"the writer failed on its own:\n{errors}"
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, errors)
    return b"".join(chunks), early


def _crash_loop(path: Path, kills: int, seed_entries: int, rng_seed: int) -> None:
    seed(path, seed_entries)
    rng = random.Random(rng_seed)
    acks = Acks()
    survived = mid_write = 0
    for n in range(kills):
        raw, _early = _spawn_and_kill(path, f"k{n}", rng)
        acks.take(raw)
        if temp_leftovers(path):
            mid_write += 1  # killed between creating the temp file and os.replace
        acks.check(path)
        doctor = run_cli(path, "doctor")
        assert doctor.code == 0, doctor
        survived += 1
    # Life goes on after the crashes: the next write works, and leaves no debris of dead writers.
    journal = Journal(path)
    entry, _ = journal.add_entry(event="after the storm", date="2026-11-24")
    acks.added[entry.id] = entry.event
    acks.check(path)
    assert temp_leftovers(path) == [], "temp files of killed writers are never cleaned up"
    record_stats(kills_survived=survived, writes_checked=len(acks.added) + len(acks.version),
                 kills_mid_write=mid_write)
    assert survived == kills


def test_sigkill_fast(jpath: Path) -> None:
    """20 kills of a writer at random moments; every acknowledged change survives."""
    _crash_loop(jpath, kills=20, seed_entries=500, rng_seed=20261123)


@pytest.mark.slow
def test_sigkill_slow(jpath: Path) -> None:
    """200 kills, on a bigger file (longer writes, so more kills land inside one)."""
    _crash_loop(jpath, kills=200, seed_entries=2000, rng_seed=1123)
