"""The completion scripts in real shells: bash runs its completion function on sample input
(COMP_WORDS / COMP_CWORD, as readline sets them), fish its own completion engine (``complete -C``),
zsh the script's function with the completion system's builtins recorded. The program they call
is this environment's ``journal``. zsh and fish tests are skipped where those shells are missing."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(not (BIN / "journal").exists(),
                                reason="needs the installed `journal` script beside this Python")


@pytest.fixture
def book(cli, jfile: Path) -> Path:
    for args in (("contact", "add", "张伟", "--org", "工商银行"), ("contact", "add", "Li Na"),
                 ("contact", "add", "赵文"), ("contact", "add", "x$(touch PWNED)"),
                 ("project", "add", "贷款续期")):
        assert cli(*args).code == 0
    return jfile


def run_shell(argv: list[str], jfile: Path, cwd: Path, path_first: Path | None = None
              ) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.pathsep.join([*([str(path_first)] if path_first else []), str(BIN),
                                    os.environ.get("PATH", "")]),
           "HOME": str(cwd), "LANG": "C.UTF-8", "JOURNAL_FILE": str(jfile)}
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


# -- bash -----------------------------------------------------------------------------------------
def bash_complete(words: list[str], jfile: Path, cwd: Path, *, path_first: Path | None = None
                  ) -> list[str]:
    """COMPREPLY after running the completion function with ``words`` as COMP_WORDS (raw, as
    bash holds them) and the cursor in the last one."""
    program = f"""
source <({shlex.quote(str(BIN / "journal"))} completion bash)
COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})
COMP_CWORD={len(words) - 1}
_journal_complete
printf '<%s>\\n' "${{COMPREPLY[@]}}"
"""
    result = run_shell(["bash", "--norc", "--noprofile", "-c", program], jfile, cwd, path_first)
    assert result.returncode == 0, result.stderr
    return [line[1:-1] for line in result.stdout.splitlines() if line != "<>"]


def test_bash_commands_options_and_names(book: Path, tmp_path: Path) -> None:
    assert bash_complete(["journal", "ad"], book, tmp_path) == ["add"]
    assert bash_complete(["journal", "add", "Visit", "--st"], book, tmp_path) == ["--status"]
    assert bash_complete(["journal", "add", "Visit", "-c", "zw"], book, tmp_path) == [
        "张伟", "赵文"]  # readline quotes these itself, as it quotes file names
    assert bash_complete(["journal", "add", "Visit", "--contact", "=", "Li"], book,
                         tmp_path) == ["Li Na"]
    assert bash_complete(["journal", "search", "contact", ":", "zhaow"], book, tmp_path) == ["赵文"]
    assert bash_complete(["journal", "search", "pro"], book, tmp_path) == ["project:"]
    assert bash_complete(["journal-crm", "project", "show", "dk"], book, tmp_path) == ["贷款续期"]
    assert bash_complete(["journal", "add", "Visit", "-s", ""], book, tmp_path) == []


def test_bash_quotes_what_readline_would_not(book: Path, tmp_path: Path) -> None:
    assert bash_complete(["journal", "add", "v", "-c", "x"], book, tmp_path) == [
        "x\\$\\(touch\\ PWNED\\) "]
    assert bash_complete(["journal", "add", "v", "-c", '"x'], book, tmp_path) == [
        "x\\$(touch PWNED)"]
    assert not (tmp_path / "PWNED").exists()


def test_bash_completes_paths_where_a_file_goes(book: Path, tmp_path: Path) -> None:
    (tmp_path / "visits.csv").write_text("")
    (tmp_path / "my contacts.vcf").write_text("")
    assert bash_complete(["journal", "import", "vi"], book, tmp_path) == ["visits.csv"]
    assert bash_complete(["journal", "import", "my"], book, tmp_path) == ["my contacts.vcf"]
    assert bash_complete(["journal", "--file", "=", "vi"], book, tmp_path) == ["visits.csv"]


def test_bash_registers_both_command_names(book: Path, tmp_path: Path) -> None:
    result = run_shell(["bash", "--norc", "--noprofile", "-c",
                        "source <(journal completion bash); complete -p journal journal-crm"],
                       book, tmp_path)
    assert result.stdout.splitlines() == ["complete -F _journal_complete journal",
                                          "complete -F _journal_complete journal-crm"]


def test_another_journal_on_path_is_run_without_arguments(book: Path, tmp_path: Path) -> None:
    """A different program called `journal` first on PATH (PyPI has one that writes its
    arguments into a diary) is never handed the words being typed."""
    impostor = tmp_path / "impostor"
    impostor.mkdir()
    log = tmp_path / "impostor.log"
    (impostor / "journal").write_text(f'#!/bin/sh\necho "args:$#:$*" >> {shlex.quote(str(log))}\n')
    (impostor / "journal").chmod(0o755)
    assert bash_complete(["journal", "add", "Secret", "-c", "Li"], book, tmp_path,
                         path_first=impostor) == []
    assert log.read_text() == "args:0:\n"


# -- fish -----------------------------------------------------------------------------------------
needs_fish = pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")


def fish_complete(line: str, jfile: Path, cwd: Path) -> list[str]:
    program = f"journal completion fish | source; complete -C {shlex.quote(line)}"
    result = run_shell(["fish", "--no-config", "-c", program], jfile, cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@needs_fish
def test_fish(book: Path, tmp_path: Path) -> None:
    assert fish_complete("journal ad", book, tmp_path) == ["add\tlog an entry"]
    assert fish_complete("journal add Visit -c 张", book, tmp_path) == ["张伟\t工商银行"]
    assert fish_complete("journal add Visit -c 'Li", book, tmp_path) == ["Li Na"]
    assert fish_complete("journal search contact:赵", book, tmp_path) == ["contact:赵文"]
    assert fish_complete("journal-crm project show 贷", book, tmp_path) == ["贷款续期"]
    assert fish_complete("journal add Visit -s ", book, tmp_path) == []
    (tmp_path / "visits.csv").write_text("")
    assert fish_complete("journal import vi", book, tmp_path) == ["visits.csv"]


# -- zsh ------------------------------------------------------------------------------------------
needs_zsh = pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")

#: The completion system's builtins, recorded instead of run (they work only inside a widget).
ZSH_STUBS = """
compadd() { print -r -- "compadd ${(j:|:)@}" }
compset() { print -r -- "compset $*" }
_files() { print -r -- "_files" }
compdef() { print -r -- "compdef $*" }
typeset -A compstate
"""


def zsh_complete(words: list[str], prefix: str, jfile: Path, cwd: Path) -> list[str]:
    program = ZSH_STUBS + f"""
eval "$(journal completion zsh)"
words=({' '.join(shlex.quote(w) for w in words)} {shlex.quote(prefix)})
CURRENT=${{#words}}
PREFIX={shlex.quote(prefix)}
_journal
print -r -- "insert=${{compstate[insert]}}"
"""
    result = run_shell(["zsh", "-f", "-c", program], jfile, cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@needs_zsh
def test_zsh(book: Path, tmp_path: Path) -> None:
    assert zsh_complete(["journal"], "ad", book, tmp_path) == [
        "compdef _journal journal journal-crm", "compadd -U|-l|-d|plain_shown|--|add", "insert="]
    # not all start with what was typed (pinyin): cycle through them rather than erase it
    assert zsh_complete(["journal", "add", "Visit", "-c"], "zw", book, tmp_path)[1:] == [
        "compadd -U|-l|-d|plain_shown|--|张伟|赵文", "insert=menu"]
    assert zsh_complete(["journal", "search"], "con", book, tmp_path)[1:] == [
        "compadd -U|-S||-l|-d|open_shown|--|contact:", "insert="]
    assert zsh_complete(["journal", "add", "'Li Na'", "-c"], "'Li", book, tmp_path)[1:] == [
        "compadd -U|-l|-d|plain_shown|--|Li Na", "insert="]
    assert zsh_complete(["journal"], "--file=vi", book, tmp_path)[1:] == [
        "compset -P *=", "_files", "insert="]
