"""Merging a client recorded twice: `journal contact|project|org merge KEEP OTHER`, and the merge
following to another machine that linked OTHER before it synced (real git, a bare remote and two
clones)."""

from __future__ import annotations

import json
from pathlib import Path

from journal.clients.merging import combine, follow_merges, redirects
from journal.service import Journal, LinkRequest
from journal.storage import dump_canonical, load_file
from journal.sync.driver import merge_bytes
from journal.sync.merge import merge_data_with_stats
from tests.test_sync import Pair, assert_settled, git_env, pair, synced  # noqa: F401 - fixtures

T1 = "2026-11-01T09:00:00.000000Z"
T2 = "2026-11-02T09:00:00.000000Z"
A, B, C, E1, E2, O1, O2 = (f"01KQ8E7V3Y6Q9R5T2W4X6Z8A{n}" for n in ("0A", "0B", "0C", "1A", "1B",
                                                                    "2A", "2B"))


def _two_wangfang(journal: Journal) -> tuple[str, str]:
    """王芳 typed by hand (with a title and a note) and 王芳 imported from a phone (a phone number,
    an e-mail, a different note), each with an entry."""
    kept, _ = journal.add_document("contact", "王芳", {"title": "CFO", "notes": "喜欢喝茶",
                                                       "tags": ["vip"]}, organisation="绿源食品集团")
    other, _ = journal.add_document("contact", "王芳", {"phones": ["138 0000 0000"],
                                                       "emails": ["wf@lvyuan.example"],
                                                       "notes": "imported from phone",
                                                       "tags": ["phone"], "birthday": "--05-17"})
    journal.add_entry(event="拜访", date="2026-11-10", links=LinkRequest(contacts=[kept.id]))
    journal.add_entry(event="电话", date="2026-11-12", links=LinkRequest(contacts=[other.id]))
    journal.add_entry(event="三方会", date="2026-11-13",
                      links=LinkRequest(contacts=[kept.id, other.id]))
    return kept.id, other.id


def test_contact_merge_moves_links_and_keeps_every_value(cli, jfile: Path) -> None:
    kept, other = _two_wangfang(Journal(jfile))
    result = cli("contact", "merge", kept, other)
    assert result.code == 0, result
    assert f"into 王芳 (绿源食品集团) [{kept}]: moved 2 entries" in result.out
    assert "taken from the merged one: birthday, emails, phones, tags" in result.err
    assert "differed: notes: kept '喜欢喝茶', the other had 'imported from phone'" in result.err
    assert "backup kept:" in result.err
    data = load_file(jfile)
    assert other not in data["contacts"]
    doc = data["contacts"][kept]
    assert doc["phones"] == ["138 0000 0000"] and doc["emails"] == ["wf@lvyuan.example"]
    assert doc["tags"] == ["phone", "vip"] and doc["birthday"] == "--05-17"
    assert doc["notes"] == "喜欢喝茶" and doc["title"] == "CFO"
    assert [(r["field"], r["value"]) for r in doc["conflicts"]] == [("notes", "imported from phone")]
    for entry in data["entries"].values():
        assert entry["contact_ids"] == [kept]  # the 三方会 entry links 王芳 once, not twice
    assert data["merged"][other] | {} == {**data["merged"][other], "kind": "contact", "into": kept,
                                          "name": "王芳"}
    assert cli("doctor").code == 0
    # the recorded difference is a conflict like any other: take the phone's note
    assert cli("conflicts", "resolve", kept, "--field", "notes", "--take", "other").code == 0
    assert load_file(jfile)["contacts"][kept]["notes"] == "imported from phone"
    # naming the merged-away id again moves links that still point at it (none left here)
    again = cli("contact", "merge", kept, other)
    assert again.code == 0 and "was merged into" in again.out and "moved 0 entries" in again.out


def test_merge_refusals(cli, jfile: Path) -> None:
    kept, _ = _two_wangfang(Journal(jfile))
    before = jfile.read_bytes()
    same = cli("contact", "merge", kept, kept)
    assert same.code == 1 and "same contact twice" in same.err
    loose = cli("contact", "merge", "wf", kept)  # a merge takes exact names or ids, never pinyin
    assert loose.code == 1
    missing = cli("contact", "merge", kept, "nobody")
    assert missing.code == 1 and missing.err.count("\n") == 1
    assert jfile.read_bytes() == before


def test_organisation_merge_moves_members_and_names_new_namesakes(cli, jfile: Path) -> None:
    journal = Journal(jfile)
    journal.add_document("organisation", "工商银行", {"industry": "Banking"})
    journal.add_document("organisation", "ICBC", {"address": "Beijing", "tier": "VIP"})
    journal.add_document("contact", "张伟", organisation="工商银行")
    journal.add_document("contact", "张伟", organisation="ICBC")
    journal.add_document("project", "授信", organisation="ICBC")
    journal.add_entry(event="visit", date="2026-11-10", links=LinkRequest(organisations=["ICBC"]))
    result = cli("org", "merge", "工商银行", "ICBC")
    assert result.code == 0, result
    assert "moved 1 entry and 2 contacts and projects" in result.out
    assert "工商银行 now has two contacts named 张伟" in result.err
    data = load_file(jfile)
    (org_id, org), = data["organisations"].items()
    assert org == {**org, "name": "工商银行", "industry": "Banking", "address": "Beijing",
                   "tier": "VIP"}
    assert {d["organisation_id"] for t in ("contacts", "projects") for d in data[t].values()} \
        == {org_id}
    assert next(iter(data["entries"].values()))["organisation_ids"] == [org_id]


def test_project_merge_and_labels_of_stray_links(jfile: Path) -> None:
    journal = Journal(jfile)
    keep, _ = journal.add_document("project", "Loan 2026")
    other, _ = journal.add_document("project", "loan-2026")
    journal.add_entry(event="memo", date="2026-11-10", links=LinkRequest(projects=[other.id]))
    report = journal.merge_documents("project", keep.id, other.id)
    assert report.entries == 1 and report.differed == [("name", "Loan 2026", "loan-2026")]
    from journal.names.resolve import label

    # a link made elsewhere before the merge reached this file shows as the kept project
    assert label(journal.tables, "project", other.id) == "Loan 2026"


# -- the rules, pure -------------------------------------------------------------------------------
def test_combine_fills_unites_and_records() -> None:
    kept = {"name": "王芳", "title": "CFO", "tags": ["a"], "created_at": T2, "updated_at": T2}
    other = {"name": "王芳 ", "title": "", "notes": "n", "tags": ["b"], "created_at": T1,
             "updated_at": T1, "conflicts": [{"field": "title", "value": "x"}]}
    doc, filled, differed = combine(kept, other, "NOW")
    assert doc["notes"] == "n" and doc["tags"] == ["a", "b"] and doc["created_at"] == T1
    assert filled == ["notes", "tags"] and differed == [("name", "王芳", "王芳 ")]
    assert doc["conflicts"] == [{"field": "name", "value": "王芳 ", "recorded_at": "NOW",
                                 "updated_at": T1}, {"field": "title", "value": "x"}]


def _doc(name: str, **fields: object) -> dict:
    return {"name": name, "created_at": T1, "updated_at": T1, **fields}


def test_follow_merges_moves_links_folds_revived_and_shortens_chains() -> None:
    data = {
        "contacts": {A: _doc("王芳"), B: _doc("王芳", phones=["1"], updated_at=T2)},  # B revived
        "organisations": {O1: _doc("ACME")},
        "projects": {},
        "entries": {E1: {"date": "2026-11-10", "event": "x", "status": "done",
                         "contact_ids": [A, B, C], "created_at": T1, "updated_at": T1},
                    E2: {"date": "2026-11-10", "event": "y", "status": "done",
                         "organisation_ids": [O2], "created_at": T1, "updated_at": T1}},
        "merged": {B: {"kind": "contact", "into": A}, C: {"kind": "contact", "into": B},
                   O2: {"kind": "organisation", "into": O1}},
    }
    assert redirects(data) == {B: ("contact", A), C: ("contact", A), O2: ("organisation", O1)}
    assert follow_merges(data, "NOW") == 3  # B folded into A, two entries
    assert set(data["contacts"]) == {A}
    assert data["contacts"][A]["phones"] == ["1"] and data["contacts"][A]["updated_at"] == T2
    assert data["entries"][E1]["contact_ids"] == [A]
    assert data["entries"][E2]["organisation_ids"] == [O1]
    assert data["merged"][C]["into"] == A


def test_a_merge_cycle_or_a_lost_target_is_left_alone() -> None:
    data = {"contacts": {}, "entries": {E1: {"contact_ids": [A]}},
            "merged": {A: {"kind": "contact", "into": B}, B: {"kind": "contact", "into": A}}}
    assert redirects(data) == {} and follow_merges(data, "NOW") == 0
    assert data["entries"][E1]["contact_ids"] == [A]


def _base_with_two() -> dict:
    return {"contacts": {A: _doc("王芳"), B: _doc("王 芳")},
            "entries": {E1: {"date": "2026-11-10", "event": "x", "status": "done",
                             "contact_ids": [B], "created_at": T1, "updated_at": T1}},
            "meta": {"schema": {"schema_version": 1}}}


def test_three_way_merge_follows_a_merge_made_on_one_side() -> None:
    base = _base_with_two()
    ours = json.loads(json.dumps(base))  # merged B into A
    del ours["contacts"][B]
    ours["entries"][E1]["contact_ids"] = [A]
    ours["merged"] = {B: {"kind": "contact", "into": A, "name": "王 芳", "created_at": T2,
                          "updated_at": T2}}
    theirs = json.loads(json.dumps(base))  # meanwhile: a new entry with B, and B edited
    theirs["entries"][E2] = {"date": "2026-11-12", "event": "call", "status": "done",
                             "contact_ids": [B], "created_at": T2, "updated_at": T2}
    theirs["contacts"][B] = _doc("王 芳", emails=["wf@x"], updated_at=T2)
    for one, two in ((ours, theirs), (theirs, ours)):  # the same result on both machines
        merged, stats = merge_data_with_stats(base, one, two, now=T2)
        assert set(merged["contacts"]) == {A} and merged["contacts"][A]["emails"] == ["wf@x"]
        assert merged["entries"][E1]["contact_ids"] == [A]
        assert merged["entries"][E2]["contact_ids"] == [A]
        assert stats.followed == 2
    raw = [dump_canonical(d) for d in (base, ours, theirs)]
    out, stats = merge_bytes(*raw)  # the driver's fast path hands this to the full merge
    assert json.loads(out)["entries"][E2]["contact_ids"] == [A]
    assert merge_bytes(raw[0], raw[2], raw[1])[0] == out


# -- two machines, real git ------------------------------------------------------------------------
def test_links_made_on_another_machine_follow_the_merge_after_a_sync(pair: Pair) -> None:  # noqa: F811
    a, b = Journal(pair.a), Journal(pair.b)
    wrong, _ = a.add_document("contact", "Fang Wang", {"phones": ["+86 1"]})
    synced(pair.a)
    synced(pair.b)  # both machines know the second record
    kept = a.resolve("contact", "Wang Fang")
    # machine A merges the second record into the first …
    a.merge_documents("contact", kept, wrong.id)
    # … while machine B, offline, logs a call with it and edits it
    call, _ = b.add_entry(event="Call", date="2026-11-21", links=LinkRequest(contacts=[wrong.id]))
    b.edit_document("contact", wrong.id, {"emails": ["wf@example.com"]})
    synced(pair.a)
    out = synced(pair.b)
    assert "moved to a merged contact/project/organisation" in out
    synced(pair.a)
    assert_settled(pair)
    data = load_file(pair.a)
    assert wrong.id not in data["contacts"] and data["merged"][wrong.id]["into"] == kept
    assert data["entries"][call.id]["contact_ids"] == [kept]
    assert data["contacts"][kept]["emails"] == ["wf@example.com"]
    assert data["contacts"][kept]["phones"] == ["+86 1"]
    assert Journal(pair.b).linked_entry_ids("contact", kept) >= {call.id, pair.x}


def test_a_link_left_by_a_merge_without_the_driver_is_found_and_moved(cli, jfile: Path) -> None:
    kept, other = _two_wangfang(Journal(jfile))
    assert cli("contact", "merge", kept, other).code == 0
    data = load_file(jfile)  # as a line-based git merge might leave it: an entry linking B
    data["entries"][E1] = {"date": "2026-11-20", "event": "stray", "status": "done",
                           "contact_ids": [other], "created_at": T1, "updated_at": T1}
    jfile.write_bytes(dump_canonical(data))
    doctor = cli("doctor")
    assert doctor.code == 1 and f"merged into {kept}; `journal contact merge {kept} {other}`" \
        in doctor.out
    assert "王芳 (绿源食品集团)" in cli("show", E1).out  # shown as the contact it went into
    again = cli("contact", "merge", kept, other)
    assert again.code == 0 and "moved 1 entry that still linked it" in again.out
    assert load_file(jfile)["entries"][E1]["contact_ids"] == [kept]
    assert cli("doctor").code == 0


def test_a_bundle_naming_a_merged_contact_lands_on_the_kept_one(cli, jfile: Path,
                                                               tmp_path: Path) -> None:
    kept, other = _two_wangfang(Journal(jfile))
    bundle = tmp_path / "b.json"
    assert cli("export", "contact", other, "--format", "json", "-o", str(bundle)).code == 0
    assert cli("contact", "merge", kept, other).code == 0  # merged after the colleague exported
    result = cli("import", str(bundle))
    assert result.code == 0, result
    data = load_file(jfile)
    assert other not in data["contacts"] and len(data["contacts"]) == 1
    assert all(e["contact_ids"] == [kept] for e in data["entries"].values())
    assert cli("doctor").code == 0
