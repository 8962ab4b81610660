"""`journal import journal.txt`: jrnl's own plain-text journal, read as jrnl reads it.

tests/data/jrnl_written_by_jrnl.txt was written by jrnl 4.6 itself (`jrnl 2026-11-16 09:30: …`,
multi-line bodies piped in, its default timeformat `%F %r`), and jrnl_written_by_jrnl.json is
`jrnl --export json` of that file. When jrnl is installed (the test extras install it), one test
writes a fresh journal with the jrnl program and imports it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from journal.interchange.jrnl_text import parse_journal, split_title
from journal.names.resolve import label
from journal.storage import load_file

DATA = Path(__file__).resolve().parent / "data"
WRITTEN = DATA / "jrnl_written_by_jrnl.txt"
EXPORTED = DATA / "jrnl_written_by_jrnl.json"
LI_NA = "Call with Li Na. Follow-up on the FX hedging proposal"
JRNL = shutil.which("jrnl", path=str(Path(sys.executable).parent)) or shutil.which("jrnl")


def entries(path: Path) -> list[tuple]:
    data = load_file(path)
    return sorted((d["date"], d.get("time"), d["event"], d.get("summary", ""), tuple(d.get("tags", ())),
                   tuple(sorted(label(data, "contact", i) for i in d.get("contact_ids", ()))),
                   tuple(sorted(label(data, "project", i) for i in d.get("project_ids", ()))))
                  for d in data["entries"].values())


def test_the_text_file_reads_as_jrnl_exports_it() -> None:
    items, notes = parse_journal(WRITTEN.read_text(encoding="utf-8"))
    exported = json.loads(EXPORTED.read_text(encoding="utf-8"))["entries"]
    assert notes == [] and len(items) == len(exported) == 6
    for mine, theirs in zip(items, exported, strict=True):
        line = mine.pop("line")
        assert WRITTEN.read_text(encoding="utf-8").splitlines()[line - 1].startswith(f"[{mine['date']}")
        assert {**mine, "tags": sorted(t.lower() for t in mine["tags"])} == \
            {**theirs, "tags": sorted(theirs["tags"])}


def test_import_of_the_file_equals_import_of_its_export(cli, tmp_path: Path) -> None:
    from_text, from_json = tmp_path / "a.json", tmp_path / "b.json"
    result = cli("import", str(WRITTEN), file=from_text)
    assert result.code == 0 and "imported 6 entries" in result.out, result
    assert cli("import", str(EXPORTED), file=from_json).code == 0
    assert entries(from_text) == entries(from_json)
    got = {e[2]: e for e in entries(from_text)}
    assert got[LI_NA][3] == ("She wants numbers by Friday. @Li_Na #fx\n\nNext steps:\n"
                                         "- [x] send the deck\n[draft] term sheet attached")
    assert got["拜访工商银行张伟"][4] == ("loan", "工商银行", "张伟")
    assert "starred" in got["和王芳在绿源午餐, 她问了理财产品。 @王芳"][4]
    again = cli("import", str(WRITTEN), file=from_text)
    assert "imported 0 entries" in again.out and "unchanged 6" in again.out


def test_found_by_content_whatever_the_name(cli, tmp_path: Path) -> None:
    bare = tmp_path / "journal"
    bare.write_bytes(WRITTEN.read_bytes())
    result = cli("import", str(bare))
    assert result.code == 0 and "imported 6 entries" in result.out, result


def test_tags_as_contacts_and_projects(cli, tmp_path: Path) -> None:
    target = tmp_path / "j.json"
    result = cli("import", str(WRITTEN), "--tags-as", "contacts", file=target)
    assert result.code == 0, result
    assert "created contact Li Na" in result.err and "created contact Emily Chen" in result.err
    got = {e[2]: e for e in entries(target)}
    assert got["Dinner with Emily Chen and Tom Baker!"][5] == ("Emily Chen", "Tom Baker")
    assert got["拜访工商银行张伟"][5] == ("工商银行", "张伟") and got["拜访工商银行张伟"][4] == ("loan",)
    assert got[LI_NA][4] == ("fx",)  # #tags stay tags
    # the same names from jrnl's JSON (tags lower-cased there) link to the same contacts
    other = tmp_path / "from-json.json"
    assert cli("import", str(EXPORTED), "--tags-as", "contacts", file=other).code == 0
    assert entries(other) == entries(target) and len(load_file(other)["contacts"]) == 7
    projects = tmp_path / "p.json"
    assert cli("import", str(WRITTEN), "--tags-as", "projects", file=projects).code == 0
    assert {d["name"] for d in load_file(projects)["projects"].values()} == {
        "张伟", "工商银行", "Li Na", "王芳", "华辰", "Emily Chen", "Tom Baker"}


def test_other_timeformats(cli, tmp_path: Path) -> None:
    journal = tmp_path / "dm.txt"
    journal.write_text("[03/11/2026 09:30] 拜访客户。\n带材料。\n\n[25/11/2026 14:00] Call. @x\n",
                       encoding="utf-8")
    guessed = cli("import", str(journal), "--dry-run")
    assert guessed.code == 0 and "read month first" in guessed.err and "--jrnl-timeformat" in guessed.err
    target = tmp_path / "j.json"
    told = cli("import", str(journal), "--jrnl-timeformat", "%d/%m/%Y %H:%M", file=target)
    assert told.code == 0 and "read month first" not in told.err, told
    assert [e[:3] for e in entries(target)] == [("2026-11-03", "09:30", "拜访客户"),
                                                 ("2026-11-25", "14:00", "Call. @x")]
    clock = tmp_path / "clock.txt"
    clock.write_text("[2026-11-20 09:30:00 PM] Late call\n", encoding="utf-8")
    assert cli("import", str(clock), file=target).code == 0
    assert ("2026-11-20", "21:30", "Late call") in [e[:3] for e in entries(target)]


def test_what_is_not_a_header_stays_in_the_body() -> None:
    text = ("[2026-11-20 09:30] Visit. @client\n[x] done item\n[todo list] later\n"
            "mid-line [2026-11-21 10:00] is text\n\n[2026-11-21 10:00] Second\n")
    items, _ = parse_journal(text)
    assert [i["title"] for i in items] == ["Visit. @client", "Second"]
    assert items[0]["body"] == "[x] done item\n[todo list] later\nmid-line [2026-11-21 10:00] is text"
    assert split_title("One. Two three.") == ("One.", "Two three.")
    assert split_title("第一句。第二句") == ("第一句。", "第二句")
    assert split_title("Only a title") == ("Only a title", "")


def test_refused_files(cli, tmp_path: Path) -> None:
    encrypted = tmp_path / "journal.txt"
    encrypted.write_bytes(b"gAAAAABlZ3Jh" + b"x" * 200)
    result = cli("import", str(encrypted))
    assert result.code == 1 and "encrypted" in result.err and "jrnl --decrypt" in result.err
    assert result.err.count("\n") == 1
    plain = tmp_path / "notes.txt"
    plain.write_text("[draft] not a jrnl file\n", encoding="utf-8")
    assert "unknown format" in cli("import", str(plain)).err
    nothing = tmp_path / "nothing.txt"
    nothing.write_text("no dates here\n", encoding="utf-8")
    told = cli("import", str(nothing), "--jrnl-timeformat", "%F %r")
    assert told.code == 1 and "no jrnl entries found" in told.err
    bad = tmp_path / "bad.txt"
    bad.write_text("[2026-11-20 09:30] ok\n\n[2026-11-21 10:00] " + "x" * 600 + "\n", encoding="utf-8")
    target = tmp_path / "j.json"
    assert cli("import", str(bad), file=target).code == 0
    assert len(load_file(target)["entries"]) == 2  # a long title moves into the summary


@pytest.mark.skipif(JRNL is None, reason="the jrnl program is not installed")
def test_a_journal_written_by_the_jrnl_program(cli, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config" / "jrnl").mkdir(parents=True)
    journal_txt = home / "journal.txt"
    (home / ".config" / "jrnl" / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\ndefault_hour: 9\n"
        "default_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal_txt}\nlinewrap: 79\ntagsymbols: '#@'\n"
        "template: false\ntimeformat: '%d/%m/%Y %I:%M %p'\nversion: v4.6\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}

    def jrnl(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run([JRNL, *args], env=env, capture_output=True, text=True,
                              input=stdin, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    jrnl("2026-11-03 09:30: 拜访华辰精密。讨论授信方案，张伟希望周五前报价。 @张伟 #loan", stdin="")
    jrnl(stdin="2026-11-04 15:45: Call with Li Na. FX hedging.\n第二行：她要 3 个月远期报价。\n\n"
               "- send the deck\n- 周五回电 @Li_Na *\n")
    jrnl(stdin="2026-11-05 20:00: 客户答谢晚宴 *\n")
    exported = tmp_path / "export.json"
    exported.write_text(jrnl("--export", "json"), encoding="utf-8")
    assert journal_txt.read_text(encoding="utf-8").startswith("[03/11/2026 09:30 AM] ")

    from_text, from_json = tmp_path / "a.json", tmp_path / "b.json"
    result = cli("import", str(journal_txt), "--jrnl-timeformat", "%d/%m/%Y %I:%M %p",
                 file=from_text)
    assert result.code == 0 and "imported 3 entries" in result.out, result
    assert cli("import", str(exported), file=from_json).code == 0
    assert entries(from_text) == entries(from_json)
    got = {e[2]: e for e in entries(from_text)}
    assert got["拜访华辰精密"][:2] == ("2026-11-03", "09:30")
    assert got["拜访华辰精密"][3] == "讨论授信方案，张伟希望周五前报价。 @张伟 #loan"
    assert "第二行：她要 3 个月远期报价。\n\n- send the deck" in got["Call with Li Na. FX hedging"][3]
    assert "starred" in got["客户答谢晚宴"][4]
