"""What a new user meets on the first day with the CLI: global options after the command, the
output of `show`, counts and articles, a planned entry's weekday, an organisation that exists."""

from __future__ import annotations

import io
import json
import shlex
from datetime import date
from pathlib import Path

import pytest

from journal.cli import main
from journal.storage import load_file


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(list(args), stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("place", ["before", "after", "after="])
def test_file_option_before_or_after_the_command(tmp_path: Path, place: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The README: every command takes --file. After the command it was "unrecognized"."""
    monkeypatch.delenv("JOURNAL_FILE", raising=False)
    path = tmp_path / "j.json"

    def cmd(*args: str) -> tuple[int, str, str]:
        if place == "before":
            return run("--file", str(path), *args)
        if place == "after":
            return run(*args, "--file", str(path))
        return run(*args, f"--file={path}")

    code, out, err = cmd("add", "Visit", "ACME", "-c", "Li Na")
    assert code == 0, err
    entry_id = out.strip()
    assert entry_id in load_file(path)["entries"]
    code, out, _ = cmd("list", "--format", "json")
    assert [e["event"] for e in json.loads(out)] == ["Visit ACME"]
    assert cmd("contact", "show", "Li Na")[0] == 0  # a sub-sub-command too
    assert "Visit ACME" in cmd("search", "visit")[1]
    assert cmd("show", entry_id[:8])[0] == 0


def test_file_after_the_command_wins_and_the_tui_takes_it(tmp_path: Path) -> None:
    from journal.cli import build_parser

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    args = build_parser().parse_args(["--file", str(first), "list", "--file", str(second)])
    assert args.file == second
    args = build_parser().parse_args(["--file", str(first), "list"])
    assert args.file == first  # not overwritten by the sub-command's absent option
    args = build_parser().parse_args(["tui", "--file", str(second)])
    assert args.file == second and args.command == "tui"


def test_contact_emails_and_phones_are_checked_like_birthdays(cli, jfile: Path) -> None:
    """The same checks the contact form makes (journal.models check_email / check_phone)."""
    bad = cli("contact", "add", "Foo", "--email", "12-08")
    assert bad.code == 1 and bad.err.startswith("journal: invalid e-mail '12-08'")
    bad = cli("contact", "add", "Foo", "--phone", "12-08")
    assert bad.code == 1 and "invalid phone" in bad.err
    assert not jfile.exists() or not load_file(jfile)["contacts"]
    good = cli("contact", "add", "Foo", "--email", " foo@example.cn ", "--phone", "１３８ 0000 1111",
               "--phone", "010-8888 转 8001")
    assert good.code == 0, good.err
    contact = load_file(jfile)["contacts"][good.out.strip()]
    assert contact["emails"] == ["foo@example.cn"]
    assert contact["phones"] == ["010-8888 转 8001", "138 0000 1111"]
    assert cli("contact", "edit", "Foo", "--email", "nope").code == 1


def test_a_planned_entry_takes_the_coming_weekday(cli, jfile: Path) -> None:
    from datetime import timedelta

    today = date.today()
    result = cli("add", "Board meeting", "-d", "friday", "--status", "planned")
    assert result.code == 0, result.err
    planned = date.fromisoformat(load_file(jfile)["entries"][result.out.strip()]["date"])
    assert planned.weekday() == 4 and today <= planned < today + timedelta(days=7)
    result = cli("add", "Lunch", "-d", "friday")  # a log: the last Friday (or today)
    logged = date.fromisoformat(load_file(jfile)["entries"][result.out.strip()]["date"])
    assert logged.weekday() == 4 and today - timedelta(days=7) < logged <= today
    moved = cli("edit", result.out.strip(), "--status", "planned", "-d", "friday")
    assert moved.code == 0, moved.err
    assert load_file(jfile)["entries"][result.out.strip()]["date"] == planned.isoformat()


def test_show_aligns_every_field_and_words_read_right(cli) -> None:
    entry = cli("add", "Visit", "-o", "Northwind", "-c", "Li", "-p", "Loan", "--tag", "x").out
    shown = cli("show", entry.strip()).out.splitlines()
    fields = {line.split(":", 1)[0]: line for line in shown[1:] if ":" in line}
    assert fields["organisations"] == "organisations: Northwind"
    starts = {line.index(line.split(":", 1)[1].strip()) for line in fields.values()}
    assert len(starts) == 1  # every value in one column
    assert "add an organisation" in cli("org", "--help").out + cli("org", "add", "--help").out
    assert "link an organisation" in cli("add", "--help").out


def test_adding_an_organisation_that_exists_says_to_edit_it(cli, jfile: Path) -> None:
    """The README's order: `add -o 工商银行` creates it, so `org add 工商银行 --industry …`
    next is refused — with the command that changes it."""
    assert cli("add", "拜访", "-o", "工商银行").code == 0
    before = jfile.read_bytes()
    result = cli("org", "add", "工商银行", "--industry", "Banking")
    assert result.code == 1
    assert result.err.startswith("journal: an organisation named '工商银行' already exists [")
    org_id = next(iter(load_file(jfile)["organisations"]))
    assert f"journal org edit {org_id} with the same options" in result.err
    assert jfile.read_bytes() == before
    assert cli("org", "edit", "工商银行", "--industry", "Banking").code == 0
    assert load_file(jfile)["organisations"][org_id]["industry"] == "Banking"


def _readme_block(after: str) -> list[str]:
    """The commands of the first ``sh`` block after the heading ``after`` in the README, one per
    command (continuation lines joined, comments dropped)."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = text[text.index(after):].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def test_the_readme_runs_top_to_bottom(cli) -> None:
    """Following the README: the quick-capture `add` creates 工商银行, 张伟 and 贷款续期; the
    contacts section then fills them in (it used `org add 工商银行` there, which is refused)."""
    first = shlex.split(_readme_block("## Quick capture")[0], comments=True)
    assert first[:2] == ["journal", "add"]
    assert cli(*first[1:]).code == 0
    for line in _readme_block("### Contacts, projects, organisations"):
        args = shlex.split(line, comments=True)
        result = cli(*args[1:])
        expected = 1 if "refused" in line else 0
        assert result.code == expected, (line, result.err)


def test_readme_search_example_works_on_the_sample(cli, jfile: Path) -> None:
    """`journal search contact:zw tag:loan` on the built-in sample (two 张伟): tag:loan leaves
    the one at 华辰精密."""
    from journal.interchange.sample import load_sample
    from journal.service import Journal

    load_sample(Journal(jfile), date.today())
    line = next(line for line in _readme_block("## Search and summaries")
                if "contact:zw tag:loan" in line)
    result = cli(*shlex.split(line, comments=True)[1:], "--format", "json")
    assert result.code == 0, result.err
    found = json.loads(result.out)
    assert len(found) == 4
    assert all("张伟 (华辰精密机械有限公司)" in e["contacts"] for e in found)
