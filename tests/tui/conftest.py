"""Fixtures for the TUI tests: real journal files in tmp_path, private settings and git config."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.interchange.sample import load_sample
from journal.service import Journal

from .support import TODAY


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every app under test reads and writes its per-machine settings in tmp_path, never in the
    developer's own config dir."""
    path = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("JOURNAL_CONFIG", str(path))
    return path


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    """A journal file holding the sample fortnight around TODAY."""
    path = tmp_path / "journal.json"
    load_sample(Journal(path), TODAY)
    return path


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Hermetic git: a private global config with an identity, no system config, no discovery
    above tmp_path, no inherited repository variables."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Tester\n"
                      "\temail = tester@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.delenv("JOURNAL_FILE", raising=False)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_SSH_COMMAND", "GIT_SSH"):
        monkeypatch.delenv(name, raising=False)
    return config
