"""Fixtures for the TUI tests: real journal files in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.sample_data import load_sample
from journal.service import Journal

from .support import TODAY


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    """A journal file holding the sample fortnight around TODAY."""
    path = tmp_path / "journal.json"
    load_sample(Journal(path), TODAY)
    return path
