"""Fixtures of the reliability suite, and the end-of-run tally of what it exercised.

The tally (kills survived, writes checked, hostile inputs tried) is collected from every test, also
across pytest-xdist workers, through one append-only file whose path the controller puts in the
environment before workers start.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import pytest

_STATS_ENV = "JOURNAL_RELIABILITY_STATS"


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or os.environ.get(_STATS_ENV):
        return  # an xdist worker: use the controller's file
    fd, name = tempfile.mkstemp(prefix="journal-reliability-", suffix=".jsonl")
    os.close(fd)
    os.environ[_STATS_ENV] = name
    config._journal_stats_file = name  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # noqa: ANN001
    name = getattr(config, "_journal_stats_file", None)
    if not name or not os.path.exists(name):
        return
    totals: Counter[str] = Counter()
    with open(name, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                totals.update(json.loads(line))
    os.unlink(name)
    if totals:
        terminalreporter.write_sep("-", "journal reliability tally")
        for key in sorted(totals):
            terminalreporter.write_line(f"{key.replace('_', ' ')}: {totals[key]}")


@pytest.fixture
def jpath(tmp_path: Path) -> Path:
    """A journal file path in a private folder (the file itself does not exist yet)."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder / "journal.json"


def pytest_unconfigure(config: pytest.Config) -> None:
    name = getattr(config, "_journal_stats_file", None)
    if name and os.path.exists(name):  # runs without a summary (--collect-only, interrupted)
        os.unlink(name)
