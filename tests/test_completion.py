"""Tab completion: what is offered for the word under the cursor (journal.completion), asked the
way the shell scripts ask — the request in environment variables — and answered in-process.
The scripts themselves run in real shells in tests/test_completion_shells.py."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from journal.cli import build_parser, main
from journal.completion import SHELLS, script
from journal.completion import names as names_module
from journal.completion.names import load_names
from journal.completion.protocol import answer, bash_quote, unquote
from journal.storage import derived_note
from tests.helpers import settle

SEP = "\x1f"
PAST = time.time() - 3600  # a data file stamped well outside the racy window


@pytest.fixture
def book(cli, jfile: Path) -> Path:
    """A journal with namesakes, Chinese and hostile names."""
    for args in (("org", "add", "工商银行", "--industry", "Banking"), ("org", "add", "ACME Corp"),
                 ("contact", "add", "张伟", "--org", "工商银行", "--title", "行长"),
                 ("contact", "add", "张伟", "--org", "ACME Corp"),
                 ("contact", "add", "Li Na", "--org", "ACME Corp"), ("contact", "add", "赵文"),
                 ("contact", "add", "x$(id)"), ("contact", "add", "Wu `id` 'q' \"d\" !"),
                 ("contact", "add", "Esc\x1b[31mape"), ("org", "add", "A/S Nordic"),
                 ("project", "add", "贷款续期", "--org", "工商银行")):
        assert cli(*args).code == 0, args
    settle(jfile)
    return jfile


def ask(shell: str, words: list[str], jfile: Path, *, cword: int | None = None,
        env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """The answer lines to a completion request for ``words`` (the last is the one under the
    cursor unless ``cword`` says otherwise)."""
    out = io.StringIO()
    request = {"_JOURNAL_COMPLETE": shell, "_JOURNAL_COMPLETE_WORDS": SEP.join(words),
               "_JOURNAL_COMPLETE_CWORD": str(len(words) - 1 if cword is None else cword),
               **(env or {})}
    code = answer(request, build_parser(), out, load_names, lambda: jfile)
    return code, out.getvalue().splitlines()


def offered(words: list[str], jfile: Path, shell: str = "zsh") -> list[str]:
    """The candidates' texts (zsh's form: unquoted, descriptions dropped)."""
    code, lines = ask(shell, words, jfile)
    assert code == 0
    if lines[0] != "words":
        return []
    return [line.split("\t")[0] for line in lines[1:] if line != SEP + "open"]


# -- commands, options, choices -----------------------------------------------------------------
def test_commands_and_their_actions(jfile: Path) -> None:
    assert offered(["journal", "co"], jfile) == ["contact", "complaints", "config", "completion",
                                                  "conflicts"]
    everything = offered(["journal", ""], jfile)
    assert {"add", "search", "week", "sync", "org"} <= set(everything)
    assert "merge-driver" not in everything  # git runs it; nobody types it
    assert offered(["journal", "contact", ""], jfile) == ["add", "list", "show", "edit", "delete",
                                                           "merge"]
    assert offered(["journal", "--file", "x.json", "se"], jfile) == ["search"]
    assert offered(["journal", "frobnicate", ""], jfile) == []
    _, lines = ask("zsh", ["journal", "ad"], jfile)
    assert lines == ["words", "add\tlog an entry"]  # with its description for zsh and fish


def test_options_of_the_command_being_typed(jfile: Path) -> None:
    assert offered(["journal", "add", "Visit", "--st"], jfile) == ["--status"]
    assert offered(["journal", "-"], jfile) == ["-h", "--help", "-V", "--version", "--file",
                                                 "--config", "--lang"]
    options = offered(["journal", "add", "Visit", "-"], jfile)
    assert {"-c", "--contact", "-p", "--project", "-o", "--org", "--summary"} <= set(options)
    assert "--today" not in offered(["journal", "search", "--t"], jfile)  # hidden from help too
    # given once already: not again, except the repeatable ones
    assert offered(["journal", "add", "Visit", "--status", "done", "--st"], jfile) == []
    assert offered(["journal", "add", "Visit", "-c", "Li", "--cont"], jfile) == ["--contact"]
    _, lines = ask("fish", ["journal", "add", "Visit", "--sum"], jfile)
    assert lines == ["words", "--summary\twhat happened"]


def test_choices(jfile: Path) -> None:
    assert offered(["journal", "add", "Visit", "--status", ""], jfile) == ["done", "planned",
                                                                            "cancelled"]
    assert offered(["journal", "list", "--format", "j"], jfile) == ["json"]
    assert offered(["journal", "completion", ""], jfile) == list(SHELLS)
    assert offered(["journal", "export", ""], jfile)[:3] == ["contact:", "project:", "org:"]


def test_free_text_gets_nothing(jfile: Path) -> None:
    for words in (["journal", "add", ""], ["journal", "add", "Visit", "-s", ""],
                  ["journal", "show", ""], ["journal", "week", ""], ["journal", "add", "x", "-d", ""]):
        assert ask("bash", words, jfile)[1] == ["none"], words


def test_paths_are_left_to_the_shell(jfile: Path) -> None:
    assert ask("bash", ["journal", "import", "data/vi"], jfile)[1] == ["files", "data/vi"]
    assert ask("zsh", ["journal", "--file=~/jo"], jfile)[1] == ["files", "~/jo"]
    assert ask("bash", ["journal", "--file", "=", "~/jo"], jfile)[1] == ["files", "~/jo"]
    assert ask("fish", ["journal", "week", "-o", ""], jfile)[1] == ["files", ""]
    assert ask("bash", ["journal", "restore", "'my b"], jfile)[1] == ["files", "my b"]


# -- names --------------------------------------------------------------------------------------
def test_names_where_an_argument_takes_them(book: Path) -> None:
    both = ["张伟 (ACME Corp)", "张伟 (工商银行)"]  # namesakes as the commands tell them apart
    assert offered(["journal", "add", "Visit", "-c", "张"], book) == both
    assert offered(["journal", "add", "Visit", "--contact", "li"], book) == ["Li Na"]
    assert offered(["journal", "add", "Visit", "-c", "NA"], book) == ["Li Na"]  # a part of it
    assert offered(["journal", "add", "Visit", "-p", ""], book) == ["贷款续期"]
    assert offered(["journal", "add", "Visit", "-o", ""], book) == ["A/S Nordic", "ACME Corp",
                                                                      "工商银行"]
    assert offered(["journal", "edit", "01X", "--remove-contact", "赵"], book) == ["赵文"]
    assert offered(["journal", "list", "--org", "ac"], book) == ["ACME Corp"]
    assert offered(["journal", "contact", "show", "Li"], book) == ["Li Na"]
    assert offered(["journal", "contact", "add", "Li"], book) == []  # a new name: nothing to offer
    assert offered(["journal", "project", "edit", "贷"], book) == ["贷款续期"]
    assert offered(["journal", "contact", "add", "Ann", "--org", "AC"], book) == ["ACME Corp"]
    assert offered(["journal", "export", "--org", "工"], book) == ["工商银行"]
    assert offered(["journal", "export", "--contact", "li"], book) == ["Li Na"]


def test_names_by_pinyin(book: Path) -> None:
    assert offered(["journal", "add", "x", "-c", "zw"], book) == ["张伟 (ACME Corp)", "张伟 (工商银行)",
                                                                  "赵文"]
    assert offered(["journal", "add", "x", "-c", "zhangw"], book) == ["张伟 (ACME Corp)",
                                                                      "张伟 (工商银行)"]
    assert offered(["journal", "add", "x", "-c", "zhaowen"], book) == ["赵文"]
    assert offered(["journal", "add", "x", "-o", "gs"], book) == ["工商银行"]


def test_descriptions(book: Path) -> None:
    _, lines = ask("fish", ["journal", "contact", "show", "张伟 (工"], book)
    assert lines == ["words", "张伟 (工商银行)\t行长"]  # the organisation is in the label already
    _, lines = ask("zsh", ["journal", "add", "x", "-c", "Li"], book)
    assert lines == ["words", "Li Na\tACME Corp"]
    _, lines = ask("zsh", ["journal", "org", "show", "工"], book)
    assert lines == ["words", "工商银行\tBanking"]


def test_names_with_control_characters_are_never_offered(book: Path) -> None:
    everything = offered(["journal", "add", "x", "-c", ""], book)
    assert not any("\x1b" in name for name in everything)
    assert "x$(id)" in everything and "Wu `id` 'q' \"d\" !" in everything


def test_search_filters_and_their_values(book: Path) -> None:
    assert offered(["journal", "search", ""], book) == ["contact:", "project:", "org:", "tag:",
                                                        "status:", "on:", "from:", "to:"]
    _, lines = ask("zsh", ["journal", "search", "visit", "con"], book)
    assert lines == ["words", SEP + "open", "contact:"]  # no space after it: a name follows
    assert offered(["journal", "search", "contact:zw"], book) == [
        "contact:张伟 (ACME Corp)", "contact:张伟 (工商银行)", "contact:赵文"]
    assert offered(["journal", "search", "-org:ac"], book) == ["-org:ACME Corp"]
    assert offered(["journal", "search", "Project:贷"], book) == ["Project:贷款续期"]
    assert offered(["journal", "search", "status:p"], book) == ["status:planned"]
    assert offered(["journal", "search", "tag:"], book) == []
    assert offered(["journal", "search", "-cancelled", "--li"], book) == ["--limit"]


def test_the_file_on_the_command_line_is_the_one_whose_names_are_offered(
        book: Path, tmp_path: Path, cli) -> None:
    other = tmp_path / "other.json"
    assert cli("contact", "add", "Only Here", file=other).code == 0
    assert offered(["journal", "--file", str(other), "add", "x", "-c", ""], book) == ["Only Here"]
    assert offered(["journal", f"--file={other}", "add", "x", "-c", ""], book) == ["Only Here"]
    assert offered(["journal", "--file", str(tmp_path / "none.json"), "add", "x", "-c", ""],
                   book) == []


# -- bash: pieces, quoting ------------------------------------------------------------------------
def test_bash_words_split_at_equals_and_colon_are_joined_back(book: Path) -> None:
    # bash splits `--contact=Li` into three words; readline replaces only the piece after `=`
    assert ask("bash", ["journal", "add", "x", "--contact", "=", "Li"], book)[1] == ["words",
                                                                                   "Li Na"]
    # (one name readline cannot quote safely has them all quoted here)
    assert "Li\\ Na " in ask("bash", ["journal", "add", "x", "--contact", "="], book)[1]
    assert ask("bash", ["journal", "search", "contact", ":", "zhangw"], book)[1] == [
        "words", "张伟 (ACME Corp)", "张伟 (工商银行)"]
    assert ask("bash", ["journal", "search", "-org", ":", "工"], book)[1] == ["words", "工商银行"]
    assert ask("bash", ["journal", "search", "con"], book)[1] == ["quoted", "contact:"]
    # a word after a joined one is still counted right
    assert ask("bash", ["journal", "--file", "=", str(book), "ad"], book)[1] == ["words", "add"]


def test_bash_gets_names_that_readline_cannot_quote_safely_quoted_already(book: Path) -> None:
    # readline's file-name quoting leaves $ and ` bare: `x$(id)` would run a command
    assert ask("bash", ["journal", "add", "v", "-c", "x"], book)[1] == ["quoted", "x\\$\\(id\\) "]
    assert ask("bash", ["journal", "add", "v", "-c", "'x"], book)[1] == ["quoted", "x$(id)"]
    assert ask("bash", ["journal", "add", "v", "-c", '"x'], book)[1] == ["quoted", 'x\\$(id)']
    _, lines = ask("bash", ["journal", "add", "v", "-c", "Wu"], book)
    assert lines == ["quoted", "Wu\\ \\`id\\`\\ \\'q\\'\\ \\\"d\\\"\\ \\! "]
    _, lines = ask("bash", ["journal", "add", "v", "-c", "'Wu"], book)
    assert lines == ["quoted", "Wu `id` '\\''q'\\'' \"d\" !"]
    # readline would list only what follows a slash, as for a path
    assert ask("bash", ["journal", "add", "v", "-o", "A/"], book)[1] == ["quoted", "A/S\\ Nordic "]


@pytest.mark.parametrize("text", ["x$(id)", "Wu `id` 'q' \"d\" !", "a\\b", "~me #1 *?[] {;&|<>}",
                                  "张伟 (工商银行)", "tab\tand=sign:colon"])
@pytest.mark.parametrize("quote", ["", "'", '"'])
def test_bash_quoting_gives_back_the_text(text: str, quote: str) -> None:
    """What bash_quote produces, typed after ``quote`` (and the quote closed), is ``text`` to the
    shell: checked by bash itself, with a command that would leave a trace if anything ran."""
    typed = quote + bash_quote(text, quote) + quote
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", f"printf '%s' {typed}"],
                            capture_output=True, text=True, env={"PATH": os.environ["PATH"],
                                                                 "LANG": "C.UTF-8"}, timeout=20)
    assert result.returncode == 0 and result.stdout == text, (typed, result.stderr)
    assert unquote(typed) == (text, "")


def test_unquote_keeps_an_open_quote() -> None:
    assert unquote('"Li N') == ("Li N", '"')
    assert unquote("'O") == ("O", "'")
    assert unquote("Li\\ Na") == ("Li Na", "")
    assert unquote('"a\\"b\\$"') == ('a"b$', "")
    assert unquote("trailing\\") == ("trailing", "")


# -- the names list -----------------------------------------------------------------------------
def test_names_list_is_kept_private_and_reused_until_the_journal_changes(
        book: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = derived_note(book, "names")
    assert not listed.exists()
    assert offered(["journal", "add", "x", "-c", "Li"], book) == ["Li Na"]
    assert stat.S_IMODE(listed.stat().st_mode) == 0o600
    builds: list[Path] = []
    real_build = names_module._build
    monkeypatch.setattr(names_module, "_build", lambda p, reuse: builds.append(p) or real_build(p, reuse))
    offered(["journal", "add", "x", "-c", "Li"], book)
    assert builds == []  # served from the list
    assert cli("contact", "add", "Lisa Ray").code == 0
    assert offered(["journal", "add", "x", "-c", "Li"], book) == ["Li Na", "Lisa Ray"]
    assert len(builds) == 1


def test_names_list_keeps_pinyin_of_unchanged_names(book: Path, cli,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    offered(["journal", "add", "x", "-c", ""], book)  # builds the list
    computed: list[str] = []
    from journal.names import matching as search_names

    real = search_names.pinyin_keys
    monkeypatch.setattr(search_names, "pinyin_keys", lambda n: computed.append(n) or real(n))
    assert cli("contact", "add", "王芳").code == 0
    settle(book)
    assert offered(["journal", "add", "x", "-c", "wf"], book) == ["王芳"]
    assert computed == ["王芳"]


def test_names_list_is_not_kept_while_the_file_could_still_change_unseen(book: Path) -> None:
    # stamped now (or, clocks being what they are, later): another write within the same
    # timestamp tick would not show in the file's stat
    soon = time.time_ns() + 10**10
    os.utime(book, ns=(soon, soon))
    assert offered(["journal", "add", "x", "-c", "Li"], book) == ["Li Na"]
    assert not derived_note(book, "names").exists()


@pytest.mark.parametrize("content", [b"", b"garbage", b"[]", b'{"format": 1}',
                                     b'{"format": 1, "program": "0.0.1", "key": [1, 2, 3]}'])
def test_a_damaged_or_foreign_names_list_is_built_again(book: Path, content: bytes) -> None:
    offered(["journal", "add", "x", "-c", ""], book)
    listed = derived_note(book, "names")
    if content.startswith(b'{"format": 1, "program"'):
        real = orjson.loads(listed.read_bytes())
        content = orjson.dumps({**real, "program": "0.0.1", "names": {}})  # another version's
    listed.write_bytes(content)
    assert offered(["journal", "add", "x", "-c", "Li"], book) == ["Li Na"]


def test_a_planted_list_cannot_inject_names_with_control_characters(book: Path) -> None:
    offered(["journal", "add", "x", "-c", ""], book)
    listed = derived_note(book, "names")
    data = orjson.loads(listed.read_bytes())
    data["names"]["contact"]["text"][0] = "evil\nline"
    listed.write_bytes(orjson.dumps(data))
    assert "evil\nline" not in ask("zsh", ["journal", "add", "x", "-c", "ev"], book)[1]
    assert ask("zsh", ["journal", "add", "x", "-c", "ev"], book)[1] == ["none"]


# -- never a traceback, never a hang --------------------------------------------------------------
@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"entries": 5}', b"\xff\xfe"])
def test_a_damaged_journal_offers_no_names_and_no_traceback(jfile: Path, content: bytes) -> None:
    jfile.write_bytes(content)
    assert ask("bash", ["journal", "add", "x", "-c", ""], jfile)[1] == ["none"]
    assert ask("bash", ["journal", "ad"], jfile)[1] == ["words", "add"]
    assert jfile.read_bytes() == content


def test_a_fifo_or_folder_in_place_of_the_journal(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    assert ask("bash", ["journal", "add", "x", "-c", ""], fifo)[1] == ["none"]
    folder = tmp_path / "folder.json"
    folder.mkdir()
    assert ask("bash", ["journal", "add", "x", "-c", ""], folder)[1] == ["none"]


@pytest.mark.parametrize("request_env", [
    {"_JOURNAL_COMPLETE": "tcsh"}, {"_JOURNAL_COMPLETE_CWORD": "x"},
    {"_JOURNAL_COMPLETE_CWORD": "9"}, {"_JOURNAL_COMPLETE_CWORD": "0"},
    {"_JOURNAL_COMPLETE_CWORD": "-1"}])
def test_a_malformed_request_prints_nothing(jfile: Path, request_env: dict[str, str]) -> None:
    out = io.StringIO()
    request = {"_JOURNAL_COMPLETE": "bash", "_JOURNAL_COMPLETE_WORDS": f"journal{SEP}ad",
               "_JOURNAL_COMPLETE_CWORD": "1", **request_env}
    assert answer(request, build_parser(), out, load_names, lambda: jfile) == 2
    assert out.getvalue() == ""


def test_the_program_answers_only_when_run_without_arguments(book: Path) -> None:
    env = {**os.environ, "_JOURNAL_COMPLETE": "bash", "_JOURNAL_COMPLETE_CWORD": "4",
           "_JOURNAL_COMPLETE_WORDS": SEP.join(["journal", "add", "x", "-c", "Li"]),
           "JOURNAL_FILE": str(book), "LANG": "C", "LC_ALL": "C"}
    run = [sys.executable, "-m", "journal"]
    answered = subprocess.run(run, env=env, capture_output=True, timeout=60)
    assert answered.returncode == 0 and answered.stdout == b"words\nLi Na\n"
    assert answered.stderr == b""
    zw = subprocess.run(run, env={**env, "_JOURNAL_COMPLETE_WORDS": SEP.join(
        ["journal", "add", "x", "-c", "zhaow"])}, capture_output=True, timeout=60)
    assert zw.stdout.decode("utf-8") == "words\n赵文\n"  # UTF-8 even in the C locale
    version = subprocess.run([*run, "--version"], env=env, capture_output=True, text=True,
                             timeout=60)
    assert version.stdout.startswith("journal ")  # a command is never taken for a request


def test_completion_command_prints_the_scripts(cli) -> None:
    for shell in SHELLS:
        result = cli("completion", shell)
        assert result.code == 0 and result.out == script(shell).rstrip("\n") + "\n"
        assert "journal-crm" in result.out and "_JOURNAL_COMPLETE" in result.out
    refused = cli("completion", "tcsh")
    assert refused.code == 2 and refused.err.startswith("journal: ")
    help_text = io.StringIO()
    assert main(["completion", "--help"], stdout=help_text) == 0
    assert "~/.config/fish/completions/journal.fish" in help_text.getvalue()
