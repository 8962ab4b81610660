"""A command builds and imports only what it needs: the parser of its own module, not the whole
service layer (the start-up of every `journal search`, `week`, `add` …)."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from journal.cli import COMMANDS, build_parser, command_word, main


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


@pytest.mark.parametrize("module", sorted(COMMANDS))
def test_the_table_names_what_each_module_registers(module: str) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(f"journal.cli.{module}").register(sub)
    assert _commands(parser) == set(COMMANDS[module])


def test_the_whole_parser_knows_every_command() -> None:
    every = {name for names in COMMANDS.values() for name in names}
    assert _commands(build_parser()) == every | {"tui"}
    assert _commands(build_parser(command="search")) == {"tui", "search", "week", "month",
                                                         "quarter"}


@pytest.mark.parametrize(("argv", "word"), [
    (["search", "visit"], "search"),
    (["--file", "x.json", "add", "Call"], "add"),
    (["--file=x.json", "week"], "week"),
    (["--config", "c.toml", "due"], "due"),
    (["--config=c.toml", "--file", "x.json", "tiers", "show"], "tiers"),
    (["completion", "bash"], "completion"),
    (["--version"], None),
    (["merge-driver", "a", "b", "c"], "merge-driver"),
    (["--help"], None),
    ([], None),
    (["tui"], None),
    (["nonsense"], None),
    (["--file"], None),
    (["-x", "search"], None),
])
def test_command_word(argv: list[str], word: str | None) -> None:
    assert command_word(argv) == word


def test_usage_errors_and_help_are_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nonsense"]) == 2
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err
    assert main(["search", "--format", "xml", "a"]) == 2
    assert "journal search --help" in capsys.readouterr().err
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("search", "import", "contact", "sync", "doctor"))


def test_a_search_does_not_import_the_service_layer(tmp_path: Path) -> None:
    data = tmp_path / "journal.json"
    assert main(["--file", str(data), "add", "Visit ACME", "-d", "2026-11-20"]) == 0
    code = ("import sys\n"
            "from journal.cli import main\n"
            f"assert main(['--file', {str(data)!r}, 'search', 'acme']) == 0\n"
            "print(sorted(m for m in ('journal.service', 'journal.cli.entries',"
            " 'journal.interchange') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Visit ACME" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
