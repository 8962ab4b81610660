"""Shared fixtures: a journal file in a temp dir and an in-process CLI runner."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from journal.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test reads its configuration (config.toml) from tmp_path, never the developer's:
    absent unless a test writes it, so the defaults apply."""
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("JOURNAL_CONFIG", str(path))
    return path


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a fixture
    """Tests read the English interface whatever the developer's locale (the CLI and the app
    choose the language from it, and subprocesses inherit it); tests of Chinese ask for it."""
    from journal.i18n import set_language

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def jfile(tmp_path: Path) -> Path:
    return tmp_path / "journal.json"


@pytest.fixture
def cli(jfile: Path):
    """Run the CLI in-process on ``jfile``: cli("add", "Visit", "-c", "Li") -> Result."""

    def run(*args: str, file: Path | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        try:
            code = main(["--file", str(file or jfile), *args], stdout=out, stderr=err)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    return run
