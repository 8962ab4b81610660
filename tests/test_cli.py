"""The CLI as users type it: capture, names, listing, editing, documents, bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import orjson

from journal.storage import load_file

TODAY = date.today()


def _entries(jfile: Path) -> dict:
    return load_file(jfile)["entries"]


def test_add_prints_id_and_creates_new_names(cli, jfile: Path) -> None:
    result = cli("add", "Visit", "ACME", "-s", "Discussed loan\\nsecond line", "-t", "9:30",
                 "-c", "张伟", "-o", "工商银行", "-p", "贷款", "--tag", "visit")
    assert result.code == 0, result.err
    entry_id = result.out.strip()
    doc = _entries(jfile)[entry_id]
    assert doc["event"] == "Visit ACME" and doc["time"] == "09:30"
    assert doc["summary"] == "Discussed loan\nsecond line" and doc["date"] == TODAY.isoformat()
    assert "created contact 张伟 (工商银行)" in result.err
    assert "created organisation 工商银行" in result.err
    # the new contact and project belong to the one organisation given with them
    data = load_file(jfile)
    contact = data["contacts"][doc["contact_ids"][0]]
    assert contact["organisation_id"] == doc["organisation_ids"][0]


def test_existing_name_matches_case_and_width_insensitively(cli, jfile: Path) -> None:
    cli("contact", "add", "Alice Smith")
    result = cli("add", "Call", "-c", "ＡＬＩＣＥ  smith")
    assert result.code == 0 and "created" not in result.err
    assert len(load_file(jfile)["contacts"]) == 1


def test_namesakes_need_an_id_or_organisation(cli, jfile: Path) -> None:
    assert cli("contact", "add", "张伟", "--org", "工商银行").code == 0
    assert cli("contact", "add", "张伟", "--org", "建设银行").code == 0
    ambiguous = cli("add", "Call", "-c", "张伟")
    assert ambiguous.code == 1
    assert "张伟 (工商银行)" in ambiguous.err and "张伟 (建设银行)" in ambiguous.err
    assert len(_entries(jfile)) == 0
    assert cli("add", "Call", "-c", "张伟 (建设银行)").code == 0
    contact_id = next(i for i, d in load_file(jfile)["contacts"].items()
                      if load_file(jfile)["organisations"][d["organisation_id"]]["name"] == "工商银行")
    assert cli("add", "Call 2", "-c", contact_id).code == 0
    shown = cli("contact", "show", "张伟 (工商银行)")
    assert "Call 2" in shown.out and "Call\n" not in shown.out


def test_dates_accept_words(cli, jfile: Path) -> None:
    for word, expected in (("yesterday", TODAY - timedelta(days=1)),
                           ("tomorrow", TODAY + timedelta(days=1)), ("today", TODAY),
                           ("2026-01-05", date(2026, 1, 5))):
        entry_id = cli("add", "x", "-d", word).out.strip()
        assert _entries(jfile)[entry_id]["date"] == expected.isoformat()


def test_bad_input_is_one_line_and_leaves_file_untouched(cli, jfile: Path) -> None:
    cli("add", "seed")
    before = jfile.read_bytes()
    cases = [
        (["add", "x", "-d", "2026-02-30"], "2026-02-30"),
        (["add", "x", "-t", "25:00"], "25:00"),
        (["add", "   "], "event must not be empty"),
        (["show", "01KXXXXXXXXXXXXXXXXXXXXXXX"], "no entry"),
        (["edit", "nope", "-s", "x"], "no entry"),
        (["contact", "show", "Nobody"], "no contact"),
        (["delete", "nope", "--yes"], "no entry"),
        (["list", "--from", "garbage"], "garbage"),
        (["add", "x", "--status", "maybe"], "invalid choice"),
        (["contact", "add", "Li", "--birthday", "2026-13-01"], "birthday"),
        (["contact", "add", "Li", "--cadence", "-3"], "cadence"),
    ]
    for args, needle in cases:
        result = cli(*args)
        assert result.code != 0, args
        assert result.err.startswith("journal: ") and result.err.count("\n") == 1, result.err
        assert needle in result.err, (args, result.err)
    assert jfile.read_bytes() == before


def test_list_filters_and_json_shape(cli, jfile: Path) -> None:
    cli("add", "A", "-d", "2026-11-02", "-c", "Li", "-o", "ACME")
    cli("add", "B", "-d", "2026-11-03", "-t", "10:00", "-p", "Loan")
    cli("add", "C", "-d", "2026-11-03", "-t", "08:00", "-c", "Li")
    cli("add", "D", "-d", "2026-11-10")
    out = cli("list", "--on", "2026-11-03", "--format", "json").out
    items = json.loads(out)
    assert [i["event"] for i in items] == ["C", "B"]
    assert set(items[0]) >= {"id", "date", "time", "event", "summary", "status", "tags",
                             "projects", "contacts", "organisations"}
    assert items[0]["contacts"] == ["Li (ACME)"]
    assert [i["event"] for i in json.loads(cli("list", "--contact", "li", "--format",
                                                "json").out)] == ["A", "C"]
    assert [i["event"] for i in json.loads(cli("list", "--from", "2026-11-03", "--to",
                                                "2026-11-10", "--format", "json").out)] == ["C", "B", "D"]
    assert [i["event"] for i in json.loads(cli("list", "--limit", "2", "--format",
                                                "json").out)] == ["B", "D"]
    # organisation: direct links and through its contacts
    assert [i["event"] for i in json.loads(cli("list", "--org", "acme", "--format",
                                                "json").out)] == ["A", "C"]
    text = cli("list", "--on", "2026-11-03").out.splitlines()
    assert len(text) == 2 and "08:00" in text[0] and "Li (ACME)" in text[0]


def test_show_edit_delete(cli, jfile: Path) -> None:
    entry_id = cli("add", "Visit", "-c", "Li", "-c", "Wang", "-p", "Loan").out.strip()
    assert cli("show", entry_id[-6:]).code == 0  # the random tail works as a handle
    shown = cli("show", entry_id[:12])
    assert shown.code == 0 and "Visit" in shown.out and "Wang" in shown.out
    result = cli("edit", entry_id, "--event", "Visit ACME", "-t", "14:00", "--remove-contact",
                 "wang", "-c", "Zhao", "--status", "planned", "--tag", "q4")
    assert result.code == 0, result.err
    doc = _entries(jfile)[entry_id]
    contacts = {load_file(jfile)["contacts"][i]["name"] for i in doc["contact_ids"]}
    assert contacts == {"Li", "Zhao"} and doc["time"] == "14:00" and doc["status"] == "planned"
    assert doc["tags"] == ["q4"] and doc["updated_at"] > doc["created_at"]
    assert cli("edit", entry_id, "-t", "").code == 0
    assert "time" not in _entries(jfile)[entry_id]
    refused = cli("delete", entry_id)
    assert refused.code == 1 and entry_id in _entries(jfile)
    assert cli("delete", entry_id, "--yes").code == 0
    assert entry_id not in _entries(jfile)


def test_documents_crud_and_cross_index(cli, jfile: Path) -> None:
    assert cli("org", "add", "ACME", "--industry", "Steel", "--address", "1 Road").code == 0
    assert cli("contact", "add", "Li", "--org", "ACME", "--title", "CFO", "--phone", "021 1234 5678",
               "--email", "li@acme.test", "--birthday", "05-17", "--tier", "VIP",
               "--cadence", "14", "--notes", "likes tea").code == 0
    assert cli("project", "add", "Loan", "--org", "ACME", "--status", "active").code == 0
    cli("add", "Met Li", "-d", "2026-11-01", "-c", "Li")
    cli("add", "Loan paperwork", "-d", "2026-11-05", "-p", "Loan")
    cli("add", "Unrelated", "-d", "2026-11-06")
    org = cli("org", "show", "acme")
    assert org.code == 0
    lines = org.out.splitlines()
    assert "industry:" in org.out and "Li (ACME)" in org.out
    hist = [line for line in lines if "2026-11-0" in line]
    assert ["Loan paperwork" in hist[0], "Met Li" in hist[1]] == [True, True] and len(hist) == 2
    contact = json.loads(cli("contact", "show", "Li", "--format", "json").out)[0]
    assert contact["tier"] == "VIP" and contact["cadence_days"] == 14
    assert contact["birthday"] == "--05-17"
    assert contact["organisation"] == "ACME" and len(contact["entries"]) == 1
    listing = cli("contact", "list").out
    assert "Li (ACME)" in listing and "every 14d" in listing and "last 2026-11-01" in listing
    assert cli("contact", "edit", "Li", "--name", "Li Lei", "--tier", "A").code == 0
    assert json.loads(cli("contact", "list", "--format", "json").out)[0]["name"] == "Li Lei"
    # deleting something linked is refused unless --force, which unlinks it everywhere
    refused = cli("org", "delete", "ACME")
    assert refused.code == 1 and "--force" in refused.err
    assert cli("org", "delete", "ACME", "--force").code == 0
    data = load_file(jfile)
    assert not data.get("organisations") and all("organisation_id" not in c
                                                  for c in data["contacts"].values())
    assert cli("contact", "delete", "Li Lei", "--force").code == 0
    assert all("contact_ids" not in e for e in load_file(jfile)["entries"].values())
    assert cli("doctor").code == 0


def test_duplicate_name_in_same_org_is_refused(cli) -> None:
    assert cli("contact", "add", "Li", "--org", "ACME").code == 0
    result = cli("contact", "add", "li", "--org", "acme")
    assert result.code == 1 and "already exists" in result.err


def test_json_output_is_valid_for_empty_journal(cli) -> None:
    assert json.loads(cli("list", "--format", "json").out) == []
    assert json.loads(cli("contact", "list", "--format", "json").out) == []


def test_doctor_reports_dangling_links(cli, jfile: Path) -> None:
    entry_id = cli("add", "x", "-c", "Li").out.strip()
    data = load_file(jfile)
    data["contacts"] = {}
    jfile.write_bytes(orjson.dumps(data))
    result = cli("doctor")
    assert result.code == 1 and "missing contact" in result.out and entry_id in result.out


def test_unknown_command_is_a_usage_error(cli) -> None:
    result = cli("frobnicate")
    assert result.code == 2 and result.err.startswith("journal: ")


def test_list_from_to_accept_periods(cli) -> None:
    cli("add", "Oct", "-d", "2026-10-31")
    cli("add", "Nov", "-d", "2026-11-30")
    cli("add", "Dec", "-d", "2026-12-01")
    events = [i["event"] for i in json.loads(cli("list", "--from", "2026-11", "--to", "2026-11",
                                                  "--format", "json").out)]
    assert events == ["Nov"]


def test_edit_adds_and_removes_tags(cli, jfile: Path) -> None:
    entry_id = cli("add", "Visit", "--tag", "visit", "--tag", "Q4").out.strip()
    result = cli("edit", entry_id, "--tag", "loan", "--tag", "visit", "--remove-tag", "q4")
    assert result.code == 0, result.err
    assert _entries(jfile)[entry_id]["tags"] == ["loan", "visit"]  # q4 removed case-insensitively
    assert cli("edit", entry_id, "--remove-tag", "loan", "--remove-tag", "visit").code == 0
    assert "tags" not in _entries(jfile)[entry_id]  # lean: an empty list is omitted
    before = jfile.read_bytes()
    missing = cli("edit", entry_id, "--remove-tag", "nope")
    assert missing.code == 1 and "no tag 'nope'" in missing.err
    both = cli("edit", entry_id, "--tag", "x", "--remove-tag", "x")
    assert both.code == 1 and "both added and removed" in both.err
    assert jfile.read_bytes() == before
    assert cli("edit", entry_id, "--tag", "  spaced  ").code == 0
    assert _entries(jfile)[entry_id]["tags"] == ["spaced"]
