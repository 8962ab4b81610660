"""Birthdays (with or without a year, 29 February), complaints tracked to their end, hand-overs,
and entry templates, through the service and the command line."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from journal.cli.entries import fill_template
from journal.clients.birthdays import next_birthday, parse_birthday, upcoming
from journal.clients.complaints import complaints, summarise
from journal.errors import ValidationError
from journal.service import Journal, LinkRequest
from journal.storage import load_file

# -- birthdays -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("05-17", "--05-17"), ("5-7", "--05-07"), ("--05-17", "--05-17"), ("1980-05-17", "1980-05-17"),
    ("5月17日", "--05-17"), ("５月１７号", "--05-17"), ("1980年5月17日", "1980-05-17"),
    ("1980/5/17", "1980-05-17"), ("1980.05.17", "1980-05-17"), (" 02-29 ", "--02-29"),
    ("2000-02-29", "2000-02-29"), ("", None), ("-", None),
])
def test_birthdays_as_people_write_them(typed: str, stored: str | None) -> None:
    assert parse_birthday(typed) == stored


@pytest.mark.parametrize("typed", ["02-30", "13-01", "1981-02-29", "May 17", "17/05", "2026-11",
                                   "1980-05-17-1", "5月32日"])
def test_impossible_birthdays_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="invalid birthday"):
        parse_birthday(typed)


def test_29_february_and_the_turn_of_the_year() -> None:
    assert next_birthday("--02-29", date(2027, 2, 1)) == date(2027, 2, 28)  # no 29th in 2027
    assert next_birthday("--02-29", date(2028, 2, 1)) == date(2028, 2, 29)
    assert next_birthday("1988-02-29", date(2027, 3, 1)) == date(2028, 2, 29)
    assert next_birthday("--01-03", date(2026, 12, 20)) == date(2027, 1, 3)
    assert next_birthday("--12-20", date(2026, 12, 20)) == date(2026, 12, 20)  # today counts
    tables = {"contacts": {
        "A": {"name": "Leap", "birthday": "1988-02-29", "organisation_id": "O"},
        "B": {"name": "No year", "birthday": "--03-01"},
        "C": {"name": "Far", "birthday": "--06-01"},
        "D": {"name": "New year", "birthday": "1990-01-02"}},
        "organisations": {"O": {"name": "ACME"}}}
    soon = upcoming(tables, date(2027, 2, 27), days=5)
    assert [(u.name, u.organisation, u.date, u.days, u.turns) for u in soon] == [
        ("Leap", "ACME", date(2027, 2, 28), 1, 39), ("No year", "", date(2027, 3, 1), 2, None)]
    assert [u.name for u in upcoming(tables, date(2026, 12, 31), days=2)] == ["New year"]
    with pytest.raises(ValidationError):
        upcoming(tables, date(2027, 1, 1), days=-1)


def test_birthdays_command(cli) -> None:
    assert cli("contact", "add", "张伟", "--birthday", "1980年11月25日").code == 0
    assert cli("contact", "add", "李娜", "--birthday", "11月29日").code == 0
    assert cli("contact", "add", "Far", "--birthday", "06-01").code == 0
    bad = cli("contact", "add", "Bad", "--birthday", "02-30")
    assert bad.code == 1 and "no such day" in bad.err
    text = cli("birthdays", "--today", "2026-11-25").out.splitlines()
    assert text == ["today       2026-11-25 Wed  张伟  turns 46",
                    "in 4 days   2026-11-29 Sun  李娜"]
    data = json.loads(cli("birthdays", "--today", "2026-11-26", "--days", "366",
                          "--format", "json").out)
    assert [(d["name"], d["birthday"], d["days"], d["turns"]) for d in data] == [
        ("李娜", "11-29", 3, None), ("Far", "06-01", 187, None), ("张伟", "1980-11-25", 364, 47)]
    assert cli("birthdays", "--days", "-3").code == 1


# -- complaints ------------------------------------------------------------------------------------
def test_complaints_tracked_to_their_end(cli, jfile: Path) -> None:
    one = cli("add", "转账延迟投诉", "--complaint", "-o", "绿源", "-d", "2026-11-02").out.strip()
    two = cli("add", "柜台排队投诉", "--complaint", "-c", "王芳 (绿源)", "-d", "2026-11-10").out.strip()
    three = cli("add", "Fee complaint", "--complaint", "-o", "ACME", "-d", "2026-11-12",
                "--resolved", "2026-11-13", "--resolution", "Fee refunded").out.strip()
    cli("add", "Not a complaint", "-o", "ACME", "-d", "2026-11-12")
    edit = cli("edit", one, "--resolved", "2026-11-06", "--resolution", "退回手续费\\n已致歉")
    assert edit.code == 0 and "(complaint, resolved)" in edit.out
    listing = cli("complaints", "--today", "2026-11-23")
    assert listing.code == 0
    assert [line.split("  ")[0] for line in listing.out.splitlines()] == [three, two, one]
    assert "open 13 days" in listing.out and "resolved 2026-11-06 (4 days)" in listing.out
    assert "3 complaints, 1 open; resolved in 2.5 days (median)" in listing.err
    open_only = json.loads(cli("complaints", "--open", "--format", "json").out)
    assert [(c["event"], c["clients"], c["state"]) for c in open_only] == [
        ("柜台排队投诉", ["绿源"], "open")]
    by_org = json.loads(cli("complaints", "--org", "acme", "--format", "json").out)
    assert [c["resolution"] for c in by_org] == ["Fee refunded"]
    shown = cli("show", one).out
    assert "complaint:     resolved on 2026-11-06" in shown and "  退回手续费\n  已致歉" in shown
    # reopen, and mistakes refused in one line with the file untouched
    assert cli("edit", one, "--reopen").code == 0
    assert load_file(jfile)["entries"][one].get("resolved_on") is None
    before = jfile.read_bytes()
    for args, message in ((("edit", one, "--resolved", "2026-11-01"), "before the complaint"),
                          (("add", "x", "--resolved", "2026-11-01", "-d", "2026-11-05"),
                           "before the complaint"),
                          (("edit", three, "--no-complaint", "--resolution", "x"),
                           "clears the resolution")):
        result = cli(*args)
        assert result.code == 1 and message in result.err and result.err.count("\n") == 1, result
    assert jfile.read_bytes() == before
    assert cli("edit", three, "--no-complaint").code == 0
    assert "resolution" not in load_file(jfile)["entries"][three]
    assert cli("doctor").code == 0


def test_complaint_statistics_per_client() -> None:
    e = {"status": "done", "complaint": True}
    tables = {
        "organisations": {"O1": {"name": "ACME"}, "O2": {"name": "Beta"}},
        "contacts": {"C1": {"name": "Li", "organisation_id": "O2"}, "C2": {"name": "Solo"}},
        "projects": {},
        "entries": {
            "X1": {**e, "date": "2026-11-01", "event": "a", "organisation_ids": ["O1"],
                   "resolved_on": "2026-11-02"},
            "X2": {**e, "date": "2026-11-03", "event": "b", "organisation_ids": ["O1"],
                   "resolved_on": "2026-11-07"},
            "X3": {**e, "date": "2026-11-05", "event": "c", "organisation_ids": ["O1"],
                   "resolved_on": "2026-11-15"},
            "X4": {**e, "date": "2026-11-06", "event": "d", "contact_ids": ["C1"]},
            "X5": {**e, "date": "2026-11-07", "event": "e", "contact_ids": ["C2"],
                   "resolved_on": "2026-11-08"},
            "X6": {**e, "date": "2026-11-08", "event": "both", "organisation_ids": ["O1", "O2"]},
            "X7": {"status": "done", "date": "2026-11-08", "event": "no"},
            "X8": {**e, "date": "2026-10-30", "event": "last month", "organisation_ids": ["O1"]},
        }}
    found = complaints(tables, date(2026, 11, 20), start=date(2026, 11, 1), end=date(2026, 11, 30))
    summary = summarise(found)
    assert (summary.total, summary.open, summary.median_days) == (6, 2, 2.5)  # 1, 4, 10, 1
    assert [(g.name, g.count, g.open, g.median_days) for g in summary.by_client] == [
        ("ACME", 4, 1, 4.0), ("Beta", 2, 2, None), ("Solo", 1, 0, 1.0)]
    assert next(c for c in found if c.id == "X4").days == 14  # open: days so far


def test_month_report_counts_complaints(cli) -> None:
    cli("add", "投诉 A", "--complaint", "-o", "ACME", "-d", "2026-11-02", "--resolved", "2026-11-05")
    cli("add", "投诉 B", "--complaint", "-o", "ACME", "-d", "2026-11-20")
    md = cli("month", "2026-11", "--today", "2026-11-23").out
    assert "## Complaints\n\n2 complaints in the period, 1 still open; the resolved ones took " \
           "3 days (median)." in md
    assert "| ACME | 2 | 1 | 3 |" in md
    data = json.loads(cli("month", "2026-11", "--today", "2026-11-23", "--format", "json").out)
    assert data["complaints"]["by_client"][0]["name"] == "ACME"
    assert "Complaints" not in cli("week", "2026-11-20", "--today", "2026-11-23").out
    assert "## Complaints" not in cli("month", "2026-10", "--today", "2026-11-23").out


# -- hand-over -------------------------------------------------------------------------------------
def _client(jfile: Path) -> Journal:
    journal = Journal(jfile)
    journal.add_document("organisation", "华辰精密", {"tier": "VIP", "industry": "制造业"})
    journal.add_document("contact", "张伟", {"title": "财务总监"}, organisation="华辰精密")
    journal.add_document("contact", "李娜", {"owner": "王强"}, organisation="华辰精密")
    journal.add_entry(event="拜访", date="2026-11-10", links=LinkRequest(organisations=["华辰精密"]))
    journal.add_entry(event="签约", date="2026-12-01", status="planned",
                      links=LinkRequest(contacts=["张伟 (华辰精密)"]))
    return journal


def test_handover_records_sets_the_owner_and_writes_the_file(cli, jfile: Path, tmp_path: Path,
                                                             private_config: Path) -> None:
    _client(jfile)
    nobody = cli("handover", "华辰精密", "--to", "王强")
    assert nobody.code == 1 and "who hands it over?" in nobody.err
    assert cli("config", "init", "--owner", "李明").code == 0
    out = tmp_path / "handover"
    out.mkdir()
    done = cli("handover", "华辰精密", "--to", "王强", "--witness", "张主任", "--date",
               "2026-11-23", "-o", str(out), "--today", "2026-11-23")
    assert done.code == 0, done
    assert "handed 华辰精密 and 1 contact over from 李明 to 王强, witnessed by 张主任 on " \
           "2026-11-23" in done.out
    data = load_file(jfile)
    (org_id, org), = data["organisations"].items()
    assert org["owner"] == "王强"
    assert {c["name"]: c.get("owner") for c in data["contacts"].values()} == {"张伟": "王强",
                                                                            "李娜": "王强"}
    (entry_id, entry), = [(i, e) for i, e in data["entries"].items() if e.get("handover_to")]
    assert (entry["handover_from"], entry["handover_to"], entry["handover_witness"]) == (
        "李明", "王强", "张主任")
    assert entry["organisation_ids"] == [org_id] and entry["tags"] == ["handover"]
    assert "移交人 Handed over by: 李明\n接交人 Received by: 王强\n监交人 Witnessed by: 张主任" \
        in entry["summary"]
    md, bundle = out / "华辰精密-2026-11-23.md", out / "华辰精密-2026-11-23.json"
    assert sorted(p.name for p in out.iterdir()) == [bundle.name, md.name]
    for path in (md, bundle):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = md.read_text(encoding="utf-8")
    assert "## Owner history\n\n- 2026-11-23: 李明 → 王强, witnessed by 张主任\n" in text
    assert "- Owner: 王强" in text and "- Tier: VIP" in text
    assert entry_id in json.loads(bundle.read_text(encoding="utf-8"))["entries"]
    shown = cli("show", entry_id).out
    assert "handover:      李明 → 王强, witnessed by 张主任" in shown
    # again: the files are there; the same colleague cannot receive it twice
    before = jfile.read_bytes()
    again = cli("handover", "华辰精密", "--to", "赵六", "-o", str(out), "--date", "2026-11-23")
    assert again.code == 1 and "exists already" in again.err
    same = cli("handover", "华辰精密", "--to", "王强", "-o", str(out), "--force")
    assert same.code == 1 and "already looked after by 王强" in same.err
    assert jfile.read_bytes() == before
    # a contact's file shows the hand-over made for its organisation
    contact = cli("export", "contact", "张伟", "--today", "2026-11-23").out
    assert "- 2026-11-23: 李明 → 王强, witnessed by 张主任 (with 华辰精密)" in contact


def test_handover_of_a_contact_and_names_shared_by_kinds(cli, jfile: Path, tmp_path: Path) -> None:
    journal = _client(jfile)
    journal.add_document("contact", "华辰精密")  # a person named like the firm
    both = cli("handover", "华辰精密", "--to", "王强", "--from", "李明", "-o", str(tmp_path))
    assert both.code == 1 and "--kind org or --kind contact" in both.err
    done = cli("handover", "张伟", "--to", "赵六", "--from", "王强", "-o", str(tmp_path),
               "--date", "2026-11-20")
    assert done.code == 0, done
    people = {c["name"]: c.get("owner") for c in load_file(jfile)["contacts"].values()}
    assert people == {"张伟": "赵六", "李娜": "王强", "华辰精密": None}
    assert (tmp_path / "张伟-2026-11-20.md").exists()
    missing = cli("handover", "nobody", "--to", "x", "-o", str(tmp_path))
    assert missing.code == 1 and "no organisation or contact named 'nobody'" in missing.err
    nofolder = cli("handover", "张伟", "--to", "x", "-o", str(tmp_path / "no"))
    assert nofolder.code == 1 and "no such folder" in nofolder.err


# -- templates -------------------------------------------------------------------------------------
def test_fill_template() -> None:
    heads = "目的：\n结果：\n下一步："
    assert fill_template(heads, "") == heads
    assert fill_template(heads, "谈续贷\n同意") == "目的：谈续贷\n结果：同意\n下一步："
    assert fill_template("Purpose:\nOutcome:", "a\nb\nc\nd") == "Purpose: a\nOutcome: b\nc\nd"
    assert fill_template("", "free text") == "free text"


def test_add_with_a_template(cli, jfile: Path, private_config: Path) -> None:
    visit = cli("add", "--template", "visit", "-c", "张伟", "-s", "谈续贷\\n同意续贷\\n下周提交材料")
    assert visit.code == 0, visit
    complaint = cli("add", "--template", "complaint", "转账延迟", "-o", "绿源")
    english = cli("add", "--template", "Client visit")
    entries = {e["event"]: e for e in load_file(jfile)["entries"].values()}
    assert entries["拜访记录"]["summary"] == "目的：谈续贷\n结果：同意续贷\n下一步：下周提交材料"
    assert entries["转账延迟"]["complaint"] is True  # the template marks complaints
    assert entries["转账延迟"]["summary"].startswith("投诉内容：\n处理过程：")
    assert entries["Client visit"]["summary"] == "Purpose:\nOutcome:\nNext steps:"
    assert complaint.code == english.code == 0
    unknown = cli("add", "--template", "nope")
    assert unknown.code == 1 and "no template 'nope': the templates are visit, visit-en" in unknown.err
    empty = cli("add")
    assert empty.code == 1 and "event must not be empty" in empty.err
    private_config.parent.mkdir()
    private_config.write_text('[templates.memo]\nevent = "Memo"\nsummary = "Re:\\nAction:"\n',
                              encoding="utf-8")
    assert cli("add", "--template", "memo", "-s", "budget").code == 0
    assert cli("add", "--template", "visit").code == 1  # only the configured templates now
    listed = cli("templates").out
    assert listed == "memo: Memo\n    Re:\n    Action:\n"


def test_hand_over_file_names_stay_in_their_folder() -> None:
    from journal.cli.clients import safe_file_name

    assert safe_file_name("华辰精密 (苏州)") == "华辰精密 (苏州)"
    assert safe_file_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_file_name("a\x1b[31m\nb:c*?") == "a_[31m_b_c__"
    assert safe_file_name("...") == "client" and safe_file_name(".hidden") == "hidden"
    assert len(safe_file_name("名" * 300)) == 80
