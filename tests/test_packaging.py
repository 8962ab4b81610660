"""Shipping: the version from one place, --help within 80 columns, the package data and the
project metadata. (The built wheel itself is installed and run by scripts/smoke_wheel.sh.)"""

from __future__ import annotations

import argparse
import fnmatch
import io
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

import journal
from journal.cli import build_parser, main, program_name
from journal.cli.help_layout import display_width, wrap_cells

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_is_written_in_one_place() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", journal.__version__)
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "journal.__version__"}
    assert version("journal-crm") == journal.__version__  # what the installed metadata says


def test_version_option(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--version", "-V"):
        assert main([flag]) == 0
        assert capsys.readouterr().out == f"journal {journal.__version__}\n"
    result = subprocess.run([sys.executable, "-m", "journal", "--version"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == f"journal {journal.__version__}\n"


def test_the_alias_names_itself() -> None:
    assert program_name("/home/me/.local/bin/journal-crm") == "journal-crm"
    assert program_name("/usr/bin/journal") == "journal"
    assert program_name("/x/journal/__main__.py") == "journal"  # python -m journal
    out = io.StringIO()
    parser = build_parser("journal-crm")
    parser.print_usage(out)
    assert out.getvalue().startswith("usage: journal-crm ")


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):  # noqa: ANN202
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _help(path: tuple[str, ...], columns: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = io.StringIO()
    assert main([*path, "--help"], stdout=out) == 0
    return out.getvalue()


@pytest.mark.parametrize("path", [p for p, _ in _parsers(build_parser())], ids=" ".join)
def test_every_help_fits_80_columns(path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    text = _help(path, 80, monkeypatch)
    too_wide = [line for line in text.splitlines() if display_width(line) > 80]
    assert not too_wide, too_wide
    if path:
        assert text.startswith(f"usage: journal {' '.join(path)}")


def test_top_level_help_lists_each_command_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _help((), 80, monkeypatch)
    commands = text.split("COMMAND\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert all(re.match(r"    [a-z-]+ +\S", line) for line in commands), commands
    column = {line.index(line.split()[1], 4 + len(line.split()[0])) for line in commands}
    assert len(column) == 1  # descriptions start in one column, merge-driver's too
    assert "-V, --version" in text and "completion" in text


def test_help_is_never_wider_than_100_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in ((), ("search",), ("add",)):
        lines = _help(path, 200, monkeypatch).splitlines()
        assert max(display_width(line) for line in lines) <= 100


def test_wrapping_counts_chinese_as_two_cells() -> None:
    assert display_width("张伟 ab") == 7
    lines = wrap_cells("拜访客户 讨论贷款续期 下周提交材料 and more words here", 12)
    assert all(display_width(line) <= 12 for line in lines)
    assert " ".join(lines) == "拜访客户 讨论贷款续期 下周提交材料 and more words here"
    assert wrap_cells("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_every_data_file_is_named_in_package_data() -> None:
    """Files the package reads besides Python must be listed, or the wheel lacks them (the
    smoke test would catch it; this says which file at once)."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["journal"]
    package = ROOT / "journal"
    data = [p.relative_to(package).as_posix() for p in package.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert "app/app.tcss" in data
    unlisted = [f for f in data if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert not unlisted
    stale = [pat for pat in patterns if not any(fnmatch.fnmatch(f, pat) for f in data)]
    assert not stale  # a pattern that matches nothing hides a missing file


def test_project_metadata() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == "journal-crm"
    assert project["license"] == "MIT" and (ROOT / "LICENSE").is_file()
    assert project["scripts"] == {"journal": "journal.cli:entry_point",
                                  "journal-crm": "journal.cli:entry_point"}
    assert {"build>=1.0"} <= set(project["optional-dependencies"]["test"])


def test_changelog_has_the_current_version_and_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert re.search(rf"^## \[{re.escape(journal.__version__)}\] - \d{{4}}-\d\d-\d\d$", text,
                     re.MULTILINE)


def test_doctor_says_which_program_checked(cli, jfile: Path) -> None:
    first = cli("doctor").out.splitlines()[0]
    assert first.startswith(f"journal {journal.__version__} (data format 1), Python ")
    cli("add", "x")
    assert cli("doctor").out.startswith(f"journal {journal.__version__} ")
