"""Helpers shared by the reliability tests (not collected: the name does not start with ``test``).

Everything here drives the real program: the in-process CLI (``journal.cli.main``), the real
``journal`` executable in a subprocess, the service, and real files in temporary folders.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journal.cli import main
from journal.storage import JournalStore

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
JOURNAL_EXE = VENV_BIN / "journal"
DAY = "2026-11-23"
#: A line a traceback always prints; must never reach a user.
TRACEBACK_RE = re.compile(r"Traceback \(most recent call last\)|^\s+File \"", re.M)
#: Control characters other than tab must never reach a terminal through our messages.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]")


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(path: Path | str | None, *args: str) -> Result:
    """Run the CLI in-process (``main(argv)``), as the ``journal`` script would, but with arguments
    a real argv cannot carry (NUL, lone surrogates, megabyte strings). Only ``SystemExit`` (argparse)
    is caught: any other exception escaping ``main`` is a traceback the user would see."""
    out, err = io.StringIO(), io.StringIO()
    argv = (["--file", str(path)] if path is not None else []) + list(args)
    # argparse prints usage errors and --help to sys.stderr / sys.stdout itself: capture those too.
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv, stdout=out, stderr=err)
        except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())


def run_exe(path: Path | str, *args: str | bytes, env: dict[str, str] | None = None,
            timeout: float = 120) -> Result:
    """Run the real ``journal`` executable (what a user types) and capture its output."""
    proc = subprocess.run([str(JOURNAL_EXE), "--file", str(path), *args], capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def assert_clean_failure(result: Result, *, context: Any = "") -> None:
    """A failure as users must see it: non-zero exit, exactly one ``journal: …`` line on stderr,
    no traceback, no raw control characters."""
    assert result.code != 0, (context, result)
    assert result.code in (1, 2), (context, result)
    lines = result.err.splitlines()
    assert len(lines) == 1, (context, result.err)
    assert lines[0].startswith("journal: "), (context, result.err)
    assert not TRACEBACK_RE.search(result.err), (context, result.err)
    assert not CONTROL_RE.search(result.err), (context, result.err)


def assert_no_traceback(result: Result, *, context: Any = "") -> None:
    """Any outcome is fine as long as it is a proper one: exit 0/1/2, no traceback, and a failure
    explained on one line."""
    assert result.code in (0, 1, 2), (context, result)
    assert not TRACEBACK_RE.search(result.err), (context, result.err)
    if result.code != 0:
        assert_clean_failure(result, context=context)


@dataclass(frozen=True)
class Snapshot:
    """What "byte-for-byte unchanged" means for the data file."""

    raw: bytes | None
    mtime_ns: int
    inode: int
    mode: int

    @classmethod
    def of(cls, path: Path) -> Snapshot:
        st = os.stat(path)
        raw = path.read_bytes() if path.is_file() and os.access(path, os.R_OK) else None
        return cls(raw, st.st_mtime_ns, st.st_ino, st.st_mode)


def stored_form(data: dict[str, Any]) -> bytes:
    """The bytes another journal (another machine) writes for ``data``: canonical, empty tables
    left out — as the store writes them."""
    from journal.storage import dump_canonical

    return dump_canonical({name: table for name, table in data.items() if table or name == "meta"})


def temp_leftovers(path: Path) -> list[Path]:
    """Temporary files of interrupted writes next to ``path``."""
    return sorted(path.parent.glob(f"{path.name}.tmp-*"))


def seed(path: Path, entries: int, *, contacts: int = 5) -> list[str]:
    """A populated journal written in ONE transaction (fast); returns the entry ids."""
    from journal.models import Contact, Entry, utc_now
    from journal.storage import new_id

    store = JournalStore(path)
    now = utc_now()
    contact_ids = [new_id() for _ in range(contacts)]
    entry_ids = [new_id() for _ in range(entries)]
    with store.transaction() as tx:
        tx.insert_many("contacts", [
            (cid, Contact(name=f"联系人 {i}", created_at=now, updated_at=now).to_doc())
            for i, cid in enumerate(contact_ids)])
        tx.insert_many("entries", [
            (eid, Entry(date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", event=f"seeded visit {i}",
                        summary=f"客户拜访 {i}\nsecond line", contact_ids=[contact_ids[i % contacts]],
                        tags=["seed"], created_at=now, updated_at=now).to_doc())
            for i, eid in enumerate(entry_ids)])
    return entry_ids


def record_stats(**counts: int) -> None:
    """Add to the run's counters (kills survived, writes checked, inputs tried); the reliability
    conftest prints the totals at the end of a run. Safe across xdist workers (one O_APPEND write)."""
    target = os.environ.get("JOURNAL_RELIABILITY_STATS")
    if not target:
        return
    line = (json.dumps(counts) + "\n").encode()
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def run_hypothesis(budget: int, *strategies: object):  # noqa: ANN201
    """Decorator: run the body ``budget`` times under hypothesis, deterministically (same inputs
    every run, no example database), so a failure in CI reproduces locally."""
    from hypothesis import HealthCheck, given, settings

    def decorate(body):  # noqa: ANN001, ANN202
        settings(max_examples=budget, deadline=None, derandomize=True, database=None,
                 suppress_health_check=list(HealthCheck))(given(*strategies)(body))()
    return decorate
