"""`journal export contact|org|project NAME`: the hand-over, as Markdown and as a bundle that
another journal imports (ids kept, nothing duplicated, a second import changes nothing)."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from journal.interchange.sample import load_sample
from journal.service import Journal, LinkRequest
from journal.storage import load_file
from tests.helpers import run_process

TODAY = date(2026, 11, 23)
HUACHEN = "华辰精密机械有限公司"
XINGHAI = "上海星海物流有限公司"


@pytest.fixture
def sample(jfile: Path) -> Path:
    """The sample fortnight, plus one meeting with both 张伟 (one at 华辰, one at 星海)."""
    journal = Journal(jfile)
    load_sample(journal, TODAY)
    journal.add_entry(event="三方会谈 two 张伟", date="2026-11-18", time="16:00",
                      summary="华辰的张伟和星海的张伟谈物流合作。",
                      links=LinkRequest(contacts=[f"张伟 ({HUACHEN})", f"张伟 ({XINGHAI})"]))
    return jfile


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_markdown_hand_over_of_an_organisation(cli, sample: Path) -> None:
    result = cli("export", "org", HUACHEN)
    assert result.code == 0, result
    md = result.out
    assert md.startswith(f"# Organisation: {HUACHEN}\n")
    assert "- Industry: 制造业" in md and "- Address: 苏州工业园区星湖街 88 号" in md
    assert "## Contacts (2)" in md and "### 张伟\n- Title: 财务总监" in md
    assert "- Birthday: 03-15 (year unknown)" in md  # 李娜
    assert "## Projects (1)" in md and "### 华辰 流动资金贷款 2000万\n- Status: active" in md
    assert "## History (8 entries, newest first)" in md
    headings = [line for line in md.splitlines() if line.startswith("### 2026-")]
    assert len(headings) == 8 and headings == sorted(headings, reverse=True)
    assert f"With: 张伟 ({HUACHEN}), 张伟 ({XINGHAI})" in md  # namesakes told apart
    assert "[planned]" in md and "Review [draft] term sheet" in md  # user text kept literally
    assert "- 预计需要 2000 万授信" in md  # multi-line summaries keep their lines
    assert "星海物流" not in md.split("## History")[0]  # the other firm's 张伟 is not in the file
    assert not any(ch in md for ch in "\x1b\x00\r")


def test_markdown_of_a_contact_and_a_project(cli, sample: Path) -> None:
    ambiguous = cli("export", "contact", "张伟")
    assert ambiguous.code == 1 and "matches 2" in ambiguous.err
    assert ambiguous.err.count("\n") == 1
    contact = cli("export", "contact", f"张伟 ({XINGHAI})")
    assert contact.code == 0, contact
    assert contact.out.startswith(f"# Contact: 张伟 ({XINGHAI})\n")
    assert "和华辰的张伟不是同一个人。" in contact.out  # notes
    assert f"## Organisation: {XINGHAI}" in contact.out
    assert "## History (3 entries, newest first)" in contact.out
    project = cli("export", "project", "Acme FX hedging")
    assert project.code == 0 and "# Project: Acme FX hedging (Acme Robotics)" in project.out
    assert cli("export", "org", "no such client").code == 1


def test_hostile_text_in_the_markdown(cli, jfile: Path) -> None:
    journal = Journal(jfile)
    journal.add_document("organisation", "Evil\x1b[31m Corp", {"notes": "# not a heading\n> nor a quote"})
    journal.add_entry(event="[/] \x1b]0;pwned\x07", date="2026-11-20", summary="---\n1. x",
                      links=LinkRequest(organisations=["Evil\x1b[31m Corp"]))
    md = cli("export", "org", "Evil\x1b[31m Corp").out
    assert "\x1b" not in md and "\x07" not in md
    assert "\\x1b[31m" in md
    assert "  \\# not a heading" in md and "  \\> nor a quote" in md
    assert "\\---" in md and "\\1. x" in md


def test_json_bundle_to_a_private_file(cli, sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "handover" / "huachen.json"
    out.parent.mkdir()
    result = cli("export", "org", HUACHEN, "--format", "json", "-o", str(out))
    assert result.code == 0, result
    assert result.out == "" and f"with 8 entries to {out}" in result.err
    assert _mode(out) == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["huachen.json"]  # no temp file left
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert list(bundle)[:4] == ["format", "version", "exported_at", "subject"]
    assert bundle["subject"]["kind"] == "organisation" and bundle["subject"]["name"] == HUACHEN
    assert len(bundle["contacts"]) == 2 and len(bundle["entries"]) == 8
    other = bundle["references"]["contacts"]
    assert {d["name"] for d in other.values()} == {"张伟", "刘洋"}
    for doc in other.values():  # a mention carries no phone numbers or notes
        assert set(doc) <= {"name", "organisation_id", "created_at", "updated_at"}
    assert {d["name"] for d in bundle["references"]["organisations"].values()} == {XINGHAI}
    md = tmp_path / "huachen.md"
    assert cli("export", "org", HUACHEN, "-o", str(md)).code == 0
    assert _mode(md) == 0o600 and md.read_text(encoding="utf-8").startswith("# Organisation")


def test_export_refuses_to_overwrite_the_journal(cli, sample: Path) -> None:
    before = sample.read_bytes()
    result = cli("export", "org", HUACHEN, "--format", "json", "-o", str(sample))
    assert result.code == 1 and "is the journal file itself" in result.err
    assert sample.read_bytes() == before
    missing = cli("export", "org", HUACHEN, "-o", str(sample.parent / "no" / "dir" / "x.md"))
    assert missing.code == 1 and missing.err.startswith("journal: ")


def _contacts(path: Path) -> dict[str, dict]:
    data = load_file(path)
    orgs = data["organisations"]
    return {f"{d['name']} ({orgs[d['organisation_id']]['name']})" if d.get("organisation_id")
            else d["name"]: d | {"id": i} for i, d in data["contacts"].items()}


def test_hand_over_round_trip_between_two_journals(cli, sample: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "huachen.json"
    assert cli("export", "org", HUACHEN, "--format", "json", "-o", str(bundle)).code == 0
    sender = load_file(sample)
    # The colleague already has the other 张伟 (星海) and created 华辰 themselves.
    theirs = tmp_path / "colleague.json"
    colleague = Journal(theirs)
    colleague.add_document("organisation", "华辰精密机械有限公司", {"industry": "Manufacturing"})
    own_zw, _ = colleague.add_document("contact", "张伟", {"phones": ["021-5555"],
                                                          "notes": "星海采购"},
                                       organisation=XINGHAI)
    colleague.add_entry(event="own entry", date="2026-11-02")

    first = cli("import", str(bundle), file=theirs)
    assert first.code == 0, first
    assert "rejected 0" in first.out
    data = load_file(theirs)
    people = _contacts(theirs)
    assert set(people) == {f"张伟 ({HUACHEN})", f"张伟 ({XINGHAI})", f"李娜 ({HUACHEN})", "刘洋"}
    assert people[f"张伟 ({XINGHAI})"]["id"] == own_zw.id  # their namesake was matched, not doubled
    assert people[f"张伟 ({XINGHAI})"]["notes"] == "星海采购"  # and its notes not touched
    assert people[f"张伟 ({HUACHEN})"]["phones"] == ["+86 138 1234 5678"]
    assert len([o for o in data["organisations"].values() if o["name"] == HUACHEN]) == 1
    handed = {i for i, e in sender["entries"].items() if i in data["entries"]}
    assert len(handed) == 8  # entries keep their ids
    meeting = next(e for e in data["entries"].values() if e["event"] == "三方会谈 two 张伟")
    assert sorted(meeting["contact_ids"]) == sorted([people[f"张伟 ({HUACHEN})"]["id"], own_zw.id])
    assert cli("doctor", file=theirs).code == 0

    before = theirs.read_bytes()
    second = cli("import", str(bundle), file=theirs)
    assert second.code == 0 and "imported 0" in second.out and "merged 0" in second.out, second
    assert theirs.read_bytes() == before  # not one byte changed


def test_an_updated_bundle_brings_the_edits(cli, sample: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.json"
    theirs = tmp_path / "colleague.json"
    assert cli("export", "contact", f"张伟 ({HUACHEN})", "--format", "json", "-o", str(bundle)).code == 0
    assert cli("import", str(bundle), file=theirs).code == 0
    journal = Journal(sample)
    entry = journal.linked_entries("contact", journal.resolve("contact", f"张伟 ({HUACHEN})"))[0]
    journal.edit_entry(entry.id, {"summary": "updated after the hand-over"})
    journal.add_entry(event="new visit", date="2026-11-25",
                      links=LinkRequest(contacts=[f"张伟 ({HUACHEN})"]))
    assert cli("export", "contact", f"张伟 ({HUACHEN})", "--format", "json", "-o", str(bundle)).code == 0
    result = cli("import", str(bundle), file=theirs)
    assert result.code == 0, result
    assert "imported 1 " in result.out and "merged 1," in result.out
    data = load_file(theirs)
    assert data["entries"][entry.id]["summary"] == "updated after the hand-over"
    assert sum(e["event"] == "new visit" for e in data["entries"].values()) == 1


def test_bad_bundles_fail_cleanly(cli, sample: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    assert cli("export", "org", HUACHEN, "--format", "json", "-o", str(good)).code == 0
    bundle = json.loads(good.read_text(encoding="utf-8"))
    target = tmp_path / "t.json"
    Journal(target).add_entry(event="seed", date="2026-11-01")
    before = target.read_bytes()
    broken = dict(bundle, contacts=[1, 2])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = cli("import", str(path), file=target)
    assert result.code == 1 and "contacts must be an object" in result.err
    assert target.read_bytes() == before
    # One bad entry and one bad contact: the rest goes in, the bad ones are named.
    entry_id = sorted(bundle["entries"])[0]
    bundle["entries"][entry_id]["date"] = "2026-02-30"
    bundle["entries"]["NOT-AN-ID"] = {"date": "2026-11-01"}
    zid = next(i for i, c in bundle["contacts"].items() if c["name"] == "李娜")
    bundle["contacts"][zid]["name"] = ""
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = cli("import", str(path), file=target)
    assert result.code == 0, result
    assert f"entries {entry_id}: rejected: " in result.err
    assert "entries NOT-AN-ID: rejected: " in result.err
    assert f"contacts {zid}: rejected: " in result.err
    assert cli("doctor", file=target).code == 0  # entries linking the bad contact were refused


def test_hand_over_through_real_processes(sample: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    done = run_process("--file", str(sample), "export", "org", HUACHEN, "--format", "json",
                       "-o", str(bundle))
    assert done.returncode == 0, done.stderr
    theirs = tmp_path / "theirs.json"
    imported = run_process("--file", str(theirs), "import", str(bundle))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("imported 15 documents and entries")
    shown = run_process("--file", str(theirs), "org", "show", HUACHEN)
    assert "8 entries, newest first" in shown.stdout
    md = run_process("--file", str(theirs), "export", "org", HUACHEN)
    assert md.returncode == 0 and "## History (8 entries, newest first)" in md.stdout
