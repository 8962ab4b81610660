"""The daily routine from the command line: ranges, priority and expenses on add/edit; done,
undone, cancel; carry; note; week/month/quarter --edit in $EDITOR; expenses; notes in search."""

from __future__ import annotations

import io
import json
import re
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from journal.service import Journal

TODAY = "2026-11-23"  # a Monday


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings (default currency, weekend) from tmp_path, never the developer's own."""
    path = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("JOURNAL_CONFIG", str(path))
    return path


def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    """$EDITOR = a script running ``body`` (Python; ``path`` is the file to edit); what it was
    given is kept in ``seen.txt`` next to it."""
    script = tmp_path / "fake-editor.py"
    seen = tmp_path / "seen.txt"
    script.write_text("import sys\npath = sys.argv[1]\n"
                      f"open({str(seen)!r}, 'w', encoding='utf-8').write("
                      "open(path, encoding='utf-8').read())\n" + body, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    return seen


def ids(cli, *args: str) -> list[str]:  # noqa: ANN001
    out = cli("list", *args, "--format", "json")
    assert out.code == 0, out.err
    return [v["id"] for v in json.loads(out.out)]


def test_add_with_a_time_range_priority_and_expenses(cli, jfile: Path) -> None:  # noqa: ANN001
    done = cli("add", "拜访华辰", "-d", TODAY, "-t", "9:00—10:00", "--priority", "HIGH",
               "--expense", "120 CNY 午餐", "--expense", "¥35 打车", "--status", "planned")
    assert done.code == 0, done.err
    doc = Journal(jfile).tables["entries"][done.out.strip()]
    assert (doc["time"], doc["end_time"], doc["priority"], doc["origin"]) == \
        ("09:00", "10:00", "high", "planned")
    assert doc["expenses"] == [{"amount": 120, "currency": "CNY", "note": "午餐"},
                               {"amount": 35, "currency": "CNY", "note": "打车"}]
    shown = cli("show", done.out.strip())
    assert re.search(r"^priority: +high$", shown.out, re.M)
    assert re.search(r"^expense: +120 CNY 午餐$", shown.out, re.M)
    listed = cli("list", "--on", TODAY)
    assert "09:00-10:00 [planned] [high] 拜访华辰" in listed.out
    view = json.loads(cli("list", "--on", TODAY, "--format", "json").out)[0]
    assert (view["priority"], view["origin"]) == ("high", "planned")


@pytest.mark.parametrize(("args", "message"), [
    (("-t", "9:00-8:00"), "it ends before it starts"),
    (("-t", "9:00-10:00", "--end-time", "11:00"), "range already"),
    (("--expense", "lunch"), "invalid expense"),
    (("--priority", "urgent"), "invalid choice"),
])
def test_bad_input_is_one_line_and_writes_nothing(cli, jfile: Path, args: tuple[str, ...],  # noqa: ANN001
                                                   message: str) -> None:
    cli("add", "first", "-d", TODAY)
    before = jfile.read_bytes()
    done = cli("add", "Visit", "-d", TODAY, *args)
    assert done.code in (1, 2) and message in done.err and done.err.count("\n") == 1
    assert jfile.read_bytes() == before


def test_default_currency_comes_from_the_settings(cli, jfile: Path,  # noqa: ANN001
                                                  private_settings: Path) -> None:
    private_settings.parent.mkdir()
    private_settings.write_text('{"default_currency": "hkd"}')
    entry = cli("add", "Taxi", "-d", TODAY, "--expense", "80 taxi").out.strip()
    assert Journal(jfile).tables["entries"][entry]["expenses"][0]["currency"] == "HKD"
    private_settings.write_text('{"default_currency": "HK$"}')
    bad = cli("add", "Taxi", "-d", TODAY, "--expense", "80 taxi")
    assert bad.code == 1 and "default_currency in" in bad.err and "settings.json" in bad.err


def test_edit_expenses_and_origin(cli, jfile: Path) -> None:  # noqa: ANN001
    entry = cli("add", "Lunch", "-d", TODAY, "--expense", "100 lunch").out.strip()
    assert cli("edit", entry, "--expense", "20 USD tip").code == 0
    assert [x["amount"] for x in Journal(jfile).get_entry(entry).expenses] == [100, 20]
    assert cli("edit", entry, "--clear-expenses", "--expense", "90 lunch").code == 0
    assert [x["amount"] for x in Journal(jfile).get_entry(entry).expenses] == [90]
    assert cli("edit", entry, "--origin", "planned", "-t", "12:00-13:30").code == 0
    got = Journal(jfile).get_entry(entry)
    assert (got.origin, got.time, got.end_time) == ("planned", "12:00", "13:30")
    assert cli("edit", entry, "--priority", "normal").code == 0
    assert "priority" not in Journal(jfile).tables["entries"][entry]


def test_done_undone_cancel(cli, jfile: Path) -> None:  # noqa: ANN001
    a = cli("add", "Visit", "-d", TODAY, "--status", "planned").out.strip()
    b = cli("add", "Call", "-d", TODAY, "--status", "planned").out.strip()
    done = cli("done", a[-6:], b, "--today", TODAY)
    assert done.code == 0 and done.out.count("\n") == 2 and "[planned]" not in done.out
    again = cli("done", a, "--today", TODAY)
    assert again.code == 0 and "already done" in again.err
    assert cli("undone", a, "--today", TODAY).code == 0
    assert cli("cancel", b, "--today", TODAY).code == 0
    entries = Journal(jfile).tables["entries"]
    assert (entries[a]["status"], entries[b]["status"]) == ("planned", "cancelled")
    assert entries[a]["origin"] == entries[b]["origin"] == "planned"
    unknown = cli("done", "01ZZZZZZZZZZZZZZZZZZZZZZZZ")
    assert unknown.code == 1 and "no entry" in unknown.err


def test_done_on_a_future_entry_needs_force(cli, jfile: Path) -> None:  # noqa: ANN001
    later = cli("add", "Signing", "-d", "2026-11-26", "--status", "planned").out.strip()
    before = jfile.read_bytes()
    refused = cli("done", later, "--today", TODAY)
    assert refused.code == 1 and "--force" in refused.err and jfile.read_bytes() == before
    assert cli("done", later, "--force", "--today", TODAY).code == 0
    assert Journal(jfile).get_entry(later).status == "done"


def test_carry_over_a_weekend_and_a_month_end(cli, jfile: Path) -> None:  # noqa: ANN001
    left = cli("add", "KYC pack", "-d", "2026-11-27", "-t", "9-10", "--status", "planned").out.strip()
    cli("add", "Visit", "-d", "2026-11-27")
    moved = cli("carry", "--today", "2026-11-27")
    assert moved.code == 0, moved.err
    assert moved.out.splitlines()[0] == "moved 1 entry from Fri 27 Nov 2026 to Mon 30 Nov 2026:"
    assert "[from 11-27] KYC pack" in moved.out
    again = cli("carry", "--from", "2026-11-30", "--today", "2026-11-30")
    assert "to Tue 1 Dec 2026" in again.out  # over the month end
    entry = Journal(jfile).get_entry(left)
    assert (entry.date, entry.time, entry.carried_from) == ("2026-12-01", "09:00",
                                                             ["2026-11-27", "2026-11-30"])
    nothing = cli("carry", "--from", "2026-11-27", "--today", "2026-11-30")
    assert nothing.code == 0 and nothing.out.startswith("nothing to carry")
    backwards = cli("carry", "--from", "2026-12-01", "--to", "2026-11-30")
    assert backwards.code == 1 and "forward" in backwards.err


def test_carry_follows_the_configured_weekend(cli, jfile: Path,  # noqa: ANN001
                                              private_settings: Path) -> None:
    private_settings.parent.mkdir()
    private_settings.write_text('{"weekend_days": ["fri", "sat"]}')
    cli("add", "Plan", "-d", "2026-11-26", "--status", "planned")  # a Thursday
    moved = cli("carry", "--from", "2026-11-26", "--today", "2026-11-26")
    assert "to Sun 29 Nov 2026" in moved.out


def test_the_days_note(cli, jfile: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                       tmp_path: Path) -> None:
    empty = cli("note", "--today", TODAY)
    assert empty.code == 0 and empty.out == "" and "no note for Mon 23 Nov 2026" in empty.err
    assert cli("note", "拜访了华辰\\n问题：材料不全", "--today", TODAY).code == 0
    assert cli("note", "-a", "明天补材料", "--today", TODAY).code == 0
    assert cli("note", "--today", TODAY).out == "拜访了华辰\n问题：材料不全\n明天补材料\n"
    assert cli("note", "yesterday", "周日休息", "--today", TODAY).code == 0
    assert Journal(jfile).day_note("2026-11-22") == "周日休息"
    assert cli("note", "-d", "2026-11-20", "friday", "--today", TODAY).code == 0  # -d: all text
    assert Journal(jfile).day_note("2026-11-20") == "friday"
    monkeypatch.setattr(sys, "stdin", io.StringIO("from a pipe\nsecond line\n"))
    assert cli("note", "2026-11-19", "-", "--today", TODAY).code == 0
    assert Journal(jfile).day_note("2026-11-19") == "from a pipe\nsecond line"
    seen = editor(tmp_path, monkeypatch, "open(path, 'a', encoding='utf-8').write('\\n编辑过')\n")
    assert cli("note", "--edit", "--today", TODAY).code == 0
    assert seen.read_text(encoding="utf-8") == "拜访了华辰\n问题：材料不全\n明天补材料"
    assert Journal(jfile).day_note(TODAY).endswith("明天补材料\n编辑过")
    cleared = cli("note", "2026-11-19", "--clear", "--today", TODAY)
    assert cleared.code == 0 and Journal(jfile).day_note("2026-11-19") == ""
    both = cli("note", "text", "--clear", "--today", TODAY)
    assert both.code == 1 and "not several" in both.err


def test_an_editor_that_fails_saves_nothing(cli, jfile: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                            tmp_path: Path) -> None:
    cli("note", "kept", "--today", TODAY)
    before = jfile.read_bytes()
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where the text to edit is put
    editor(tmp_path, monkeypatch, "open(path, 'w').write('lost'); sys.exit(3)\n")
    failed = cli("note", "--edit", "--today", TODAY)
    assert failed.code == 1 and "status 3" in failed.err and jfile.read_bytes() == before
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    missing = cli("note", "--edit", "--today", TODAY)
    assert missing.code == 1 and "cannot start the editor" in missing.err
    editor(tmp_path, monkeypatch, "open(path, 'wb').write(b'\\xff\\xfe bad')\n")
    binary = cli("note", "--edit", "--today", TODAY)
    assert binary.code == 1 and "not UTF-8" in binary.err and jfile.read_bytes() == before
    assert list(temp.iterdir()) == []  # the private copies are gone


def test_week_review_in_the_editor_with_chinese_headings(cli, jfile: Path,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    cli("add", "拜访华辰", "-d", TODAY)
    cli("add", "团队周会", "-d", TODAY)
    seen = editor(tmp_path, monkeypatch, (
        "text = open(path, encoding='utf-8').read()\n"
        "text = text.replace('## 本周工作\\n', '## 本周工作\\n拜访华辰，推进授信。\\n')\n"
        "open(path, 'w', encoding='utf-8').write(text)\n"))
    done = cli("week", TODAY, "--edit")
    assert done.code == 0 and "saved the review of 2026-W48" in done.err
    assert [line for line in seen.read_text(encoding="utf-8").splitlines() if line] == [
        "## 本周工作", "## 问题与风险", "## 下周计划"]
    stored = Journal(jfile).review("2026-W48")
    assert stored.startswith("## 本周工作\n拜访华辰，推进授信。")
    report = cli("week", TODAY, "--today", TODAY).out
    assert report.index("拜访华辰，推进授信。") < report.index("| Entries |")
    # editing again starts from what was saved
    editor(tmp_path, monkeypatch, "")
    unchanged = cli("week", TODAY, "--edit")
    assert "unchanged" in unchanged.err
    assert seen.read_text(encoding="utf-8").startswith("## 本周工作\n拜访华辰")


def test_month_review_in_english_and_an_untouched_template(cli, jfile: Path,  # noqa: ANN001
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    cli("add", "Visit ACME", "-d", TODAY)
    seen = editor(tmp_path, monkeypatch, "")
    untouched = cli("month", "2026-11", "--edit")
    assert untouched.code == 0 and "nothing written" in untouched.err
    assert "## Work this month" in seen.read_text(encoding="utf-8")
    assert "reviews" not in json.loads(jfile.read_text())
    editor(tmp_path, monkeypatch, "open(path, 'a').write('Closed the ACME deal.')\n")
    assert cli("quarter", "2026-Q4", "--edit").code == 0
    assert "Closed the ACME deal." in Journal(jfile).review("2026-Q4")
    quarter = cli("quarter", "2026-Q4", "--today", TODAY, "--format", "text")
    assert quarter.code == 0 and "Closed the ACME deal." in quarter.out
    assert "Month by month" in quarter.out
    conflict = cli("week", "--edit", "-o", str(tmp_path / "x.md"))
    assert conflict.code == 1 and "--edit" in conflict.err


def test_expenses_command(cli, jfile: Path) -> None:  # noqa: ANN001
    cli("add", "Lunch", "-d", TODAY, "-o", "华辰", "--expense", "120 CNY 午餐",
        "--expense", "0.1 CNY tip")
    cli("add", "Taxi", "-d", "2026-11-24", "-o", "Northwind", "--expense", "80 HKD taxi",
        "--expense", "0.2 CNY", "-p", "Trade finance")
    cli("add", "Planned dinner", "-d", "2026-11-25", "--status", "planned", "--expense", "999 CNY")
    cli("add", "Old", "-d", "2026-10-01", "--expense", "5 CNY")
    text = cli("expenses", "--today", TODAY)
    assert text.code == 0 and "Total: 120.3 CNY · 80 HKD (4 expenses)" in text.out
    by = cli("expenses", "--on", "2026-11", "--by", "org", "--today", TODAY).out
    assert "华辰: 120.1 CNY" in by and "Northwind: 0.2 CNY · 80 HKD" in by
    data = json.loads(cli("expenses", "--from", "2026-10-01", "--to", "2026-11-30", "--by",
                          "project", "--format", "json").out)
    assert data["totals"] == {"CNY": 125.3, "HKD": 80}
    assert [g["name"] for g in data["groups"]] == ["Trade finance", "(no project)"]
    rows = cli("expenses", "--today", TODAY, "--format", "csv").out.splitlines()
    assert rows[0].startswith("date,event,amount,currency,note") and len(rows) == 5
    bad = cli("expenses", "--on", "2026-11", "--from", "2026-10-01")
    assert bad.code == 1 and "either --on or --from" in bad.err


def test_search_finds_notes_and_reviews(cli, jfile: Path) -> None:  # noqa: ANN001
    cli("add", "风险评估会", "-d", TODAY)
    cli("note", "2026-11-20", "问题：华辰的风险敞口太大", "--today", TODAY)
    Journal(jfile).set_review("2026-W48", "## 问题与风险\n- 风险：材料不全")
    out = cli("search", "风险", "--today", TODAY).out.splitlines()
    assert out[0].startswith("(review)") and "2026-W48" in out[0] and "风险：材料不全" in out[0]
    assert "风险评估会" in out[1]
    assert out[2].startswith("(day note)") and "2026-11-20" in out[2]
    assert len(cli("search", "风险", "on:2026-Q4", "--today", TODAY).out.splitlines()) == 3
    assert len(cli("search", "风险", "on:2026-Q3", "--today", TODAY).out.splitlines()) == 0
    only_entries = cli("search", "风险", "status:done", "--today", TODAY).out.splitlines()
    assert len(only_entries) == 1 and "风险评估会" in only_entries[0]
    entries_only = json.loads(cli("search", "风险", "--format", "json", "--today", TODAY).out)
    assert [v["event"] for v in entries_only] == ["风险评估会"]  # JSON: what `list` shows
    assert len(cli("search", "风险", "--no-notes", "--today", TODAY).out.splitlines()) == 1
    data = json.loads(cli("search", "风险", "--format", "json", "--notes", "--today", TODAY).out)
    assert data[0] == {"kind": "review", "period": "2026-W48", "from": "2026-11-23",
                       "to": "2026-11-29", "text": "## 问题与风险\n- 风险：材料不全"}
    assert data[2] == {"kind": "day-note", "date": "2026-11-20", "note": "问题：华辰的风险敞口太大"}
    md = cli("search", "风险", "--format", "md", "--today", TODAY).out
    assert "- 2026-11-20 **Day note**" in md and "  \\- 风险：材料不全" in md
    assert len(cli("search", "风险", "-n", "2", "--today", TODAY).out.splitlines()) == 2


def test_csv_import_reads_expenses_ranges_and_priority(cli, jfile: Path, tmp_path: Path) -> None:  # noqa: ANN001
    source = tmp_path / "visits.csv"
    source.write_text("date,time,event,expenses,priority,status\n"
                      "2026-11-23,9:00—10:00,拜访华辰,120 CNY 午餐; 35 打车,high,planned\n"
                      "2026-11-24,14:00,Call,,,\n"
                      "2026-11-25,10:00,Bad,lunch money,,\n", encoding="utf-8")
    done = cli("import", str(source))
    assert done.code == 0 and "invalid expense" in done.err
    docs = sorted(Journal(jfile).tables["entries"].values(), key=lambda d: d["date"])
    assert len(docs) == 2
    assert (docs[0]["end_time"], docs[0]["priority"], docs[0]["origin"]) == ("10:00", "high",
                                                                            "planned")
    assert [x["amount"] for x in docs[0]["expenses"]] == [120, 35]


def test_editor_temp_files_are_private(cli, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                       tmp_path: Path) -> None:
    modes = tmp_path / "modes.txt"
    editor(tmp_path, monkeypatch, (
        "import os, stat\n"
        f"open({str(modes)!r}, 'w').write('%o %o' % (stat.S_IMODE(os.stat(path).st_mode), "
        "stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)))\n"))
    cli("note", "--edit", "--today", TODAY)
    assert modes.read_text() == "600 700"
    assert stat.S_IMODE(0o600) == 0o600
