"""Merges decided per field, and links that outlive a delete.

* "The later edit wins" compares when each side changed *that field* (``edited_at``, written by
  the storage layer on every edit), so an unrelated later touch of the document (a tag) does not
  make the other machine's earlier summary win. Files written before fields had times keep the
  per-document rule.
* A contact deleted with ``--force`` on one machine while the other linked a new entry to it
  stays: the link wins, as an edit wins over a delete, and no link is left pointing at nothing.

The rules are tested on :func:`journal.sync.merge.merge_data`, then end to end with real git: two
clones of a bare remote, the driver registered as ``journal sync --setup`` does, plain
``git pull``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from journal.datafile.field_times import field_stamp, stamp_edit
from journal.doctor import diagnose
from journal.service import Journal, LinkRequest
from journal.storage import dump_canonical, load_file
from journal.sync.driver import _merge_parsed, driver_command, merge_bytes
from journal.sync.merge import merge_data, merge_data_with_stats

T0, T1, T2, T3 = (f"2026-11-2{d}T09:00:00.000000Z" for d in range(4))
NOW = "2026-11-30T00:00:00.000000Z"
E = "01HZZZZZZZZZZZZZZZZZZZZ001"
C = "01HZZZZZZZZZZZZZZZZZZZZ002"
ORG = "01HZZZZZZZZZZZZZZZZZZZZ003"
E2 = "01HZZZZZZZZZZZZZZZZZZZZ004"
SCHEMA = {"schema": {"schema_version": 1}}


def entry(**fields: Any) -> dict[str, Any]:
    return {"date": "2026-11-20", "event": "Visit", "status": "done", "created_at": T0,
            "updated_at": T0, **fields}


# -- per-field times ---------------------------------------------------------------------------------
def test_an_edit_stamps_the_fields_it_changes() -> None:
    old = entry(summary="a", tags=["x"])
    new = stamp_edit(old, {**old, "summary": "b", "updated_at": T1})
    assert new["edited_at"] == {"summary": T1}
    newer = stamp_edit(new, {**new, "tags": ["x", "y"], "updated_at": T2})
    assert newer["edited_at"] == {"summary": T1, "tags": T2}
    cleared = stamp_edit(newer, {k: v for k, v in newer.items() if k != "summary"} | {"updated_at": T3})
    assert cleared["edited_at"] == {"summary": T3, "tags": T2}  # clearing is an edit too
    assert field_stamp(cleared, "event") == T0  # never edited: as old as the document


def test_a_document_edited_before_fields_had_times_is_bounded_by_its_updated_at() -> None:
    legacy = entry(summary="a", tags=["x"], updated_at=T1)
    assert field_stamp(legacy, "summary") == T1 and field_stamp(legacy, "event") == T1
    edited = stamp_edit(legacy, {**legacy, "tags": ["y"], "updated_at": T2})
    assert edited["edited_at"] == {"date": T1, "event": T1, "status": T1, "summary": T1, "tags": T2}
    untouched = entry()  # never edited: only what this edit changes is listed
    assert stamp_edit(untouched, {**untouched, "summary": "s", "updated_at": T1})["edited_at"] == \
        {"summary": T1}


def test_not_an_edit_or_times_worked_out_by_a_merge_are_left_alone() -> None:
    old = entry(summary="a", edited_at={"summary": T1}, updated_at=T1)
    same_time = {**old, "summary": "b"}
    assert stamp_edit(old, same_time) == same_time
    merged = {**old, "summary": "b", "updated_at": T2, "edited_at": {"summary": T0}}
    assert stamp_edit(old, merged) == merged
    assert stamp_edit(None, entry()) == entry()


def test_the_later_change_of_the_field_wins_not_the_later_touch_of_the_document() -> None:
    base = {"entries": {E: entry(summary="base")}}
    # ours: summary at T1, then (Friday) a tag at T3; theirs: summary at T2
    ours = {"entries": {E: entry(summary="ours", tags=["late"], updated_at=T3,
                                 edited_at={"summary": T1, "tags": T3})}}
    theirs = {"entries": {E: entry(summary="theirs", updated_at=T2, edited_at={"summary": T2})}}
    for a, b in ((ours, theirs), (theirs, ours)):
        merged, stats = merge_data_with_stats(base, a, b, now=NOW)
        doc = merged["entries"][E]
        assert doc["summary"] == "theirs" and doc["tags"] == ["late"]
        assert doc["updated_at"] == T3
        assert doc["edited_at"] == {"summary": T2, "tags": T3}
        assert doc["conflicts"] == [{"field": "summary", "value": "ours", "recorded_at": NOW,
                                     "updated_at": T1}]
        assert stats.conflicted == 1


def test_files_without_field_times_keep_the_per_document_rule() -> None:
    base = {"entries": {E: entry(summary="base")}}
    ours = {"entries": {E: entry(summary="ours", tags=["late"], updated_at=T3)}}
    theirs = {"entries": {E: entry(summary="theirs", updated_at=T2)}}
    doc = merge_data(base, ours, theirs, now=NOW)["entries"][E]
    assert doc["summary"] == "ours" and "edited_at" not in doc
    assert doc["conflicts"][0]["value"] == "theirs"


def test_one_side_with_field_times_and_one_without() -> None:
    """The old side's fields count as changed at its updated_at; the result lists the times of
    what it kept, so the next merge still knows."""
    base = {"entries": {E: entry(summary="base", time="09:00")}}
    old_side = {"entries": {E: entry(summary="old side", time="09:00", updated_at=T1)}}
    new_side = {"entries": {E: entry(summary="new side", time="10:00", updated_at=T2,
                                     edited_at={"summary": T2, "time": T2})}}
    for a, b in ((old_side, new_side), (new_side, old_side)):
        doc = merge_data(base, a, b, now=NOW)["entries"][E]
        assert (doc["summary"], doc["time"]) == ("new side", "10:00")
        assert doc["edited_at"] == {"summary": T2, "time": T2}


# -- a link beats a delete ----------------------------------------------------------------------------
def _crm(**contact: Any) -> dict[str, Any]:
    return {"contacts": {C: {"name": "王芳", "organisation_id": ORG, "created_at": T0,
                             "updated_at": T0, **contact}},
            "organisations": {ORG: {"name": "绿源", "created_at": T0, "updated_at": T0}},
            "entries": {E: entry(contact_ids=[C])}, "meta": SCHEMA}


def _forced_delete(data: dict[str, Any], *, org_too: bool = False) -> dict[str, Any]:
    """What `contact delete --force` leaves: the contact gone, its links removed."""
    out = {name: dict(docs) for name, docs in data.items()}
    del out["contacts"][C]
    out["entries"][E] = {k: v for k, v in data["entries"][E].items() if k != "contact_ids"} | {
        "updated_at": T1}
    if org_too:
        del out["organisations"][ORG]
    return out


def _linked_new_entry(data: dict[str, Any]) -> dict[str, Any]:
    out = {name: dict(docs) for name, docs in data.items()}
    out["entries"][E2] = entry(event="Lunch", contact_ids=[C], created_at=T2, updated_at=T2)
    return out


@pytest.mark.parametrize("org_too", [False, True])
def test_a_contact_deleted_on_one_side_and_linked_on_the_other_is_kept(org_too: bool) -> None:
    base = _crm()
    deleting, linking = _forced_delete(base, org_too=org_too), _linked_new_entry(base)
    for ours, theirs in ((deleting, linking), (linking, deleting)):
        merged, stats = merge_data_with_stats(base, ours, theirs, now=NOW)
        assert merged["contacts"][C]["name"] == "王芳"
        assert merged["organisations"][ORG]["name"] == "绿源"  # the kept contact's firm stays too
        assert merged["entries"][E2]["contact_ids"] == [C]
        assert "contact_ids" not in merged["entries"][E]  # the unlinking on the deleting side stays
        assert diagnose(merged)[0] == []
        assert stats.revived == 1 + org_too
        raw = [dump_canonical(d) for d in (base, ours, theirs)]
        assert merge_bytes(*raw)[0] == _merge_parsed(*raw, "journal.json")[0]  # fast path agrees


def test_a_delete_still_wins_when_nobody_linked_to_it_meanwhile() -> None:
    base = _crm()
    ours = _forced_delete(base)
    theirs = {name: dict(docs) for name, docs in base.items()}
    theirs["entries"][E2] = entry(event="Unrelated")
    for a, b in ((ours, theirs), (theirs, ours)):
        merged, stats = merge_data_with_stats(base, a, b, now=NOW)
        assert C not in merged.get("contacts", {}) and stats.revived == 0


# -- end to end: two clones, real git, the registered driver -----------------------------------------
def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A bare remote and two clones whose journal.json git merges with the journal driver."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = T\n\temail = t@example.com\n"
                      "[pull]\n\trebase = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(tmp_path, "clone", "-q", str(remote), "A")
    a = tmp_path / "A" / "journal.json"
    journal = Journal(a)
    journal.add_document("organisation", "绿源食品")
    journal.add_document("contact", "王芳", organisation="绿源食品")
    journal.add_entry(event="First visit", date="2026-11-20", summary="notes",
                      links=LinkRequest(contacts=["王芳"]))
    (a.parent / ".gitattributes").write_text("journal.json merge=journal\n")
    (a.parent / ".gitignore").write_text("*.lock\n*.tmp-*\n.journal-cache/\n.journal-backups/\n")
    git(a.parent, "add", ".")
    git(a.parent, "commit", "-qm", "start")
    git(a.parent, "push", "-q", "origin", "HEAD:main")
    git(tmp_path, "clone", "-q", str(remote), "B")
    b = tmp_path / "B" / "journal.json"
    for root in (a.parent, b.parent):
        git(root, "config", "merge.journal.driver", driver_command())
    return a, b


def _commit_push(path: Path, message: str) -> None:
    git(path.parent, "commit", "-qam", message)
    git(path.parent, "push", "-q", "origin", "HEAD:main")


def _pull(path: Path) -> str:
    out = git(path.parent, "pull", "--no-edit", "origin", "main")
    assert git(path.parent, "status", "--porcelain") == ""
    return out


def test_git_merge_keeps_a_contact_that_the_other_clone_linked(clones: tuple[Path, Path]) -> None:
    a, b = clones
    contact = next(iter(load_file(a)["contacts"]))
    _, unlinked = Journal(a).delete_document("contact", "王芳", force=True)
    assert unlinked == 1
    _commit_push(a, "A deletes the contact")
    lunch, _ = Journal(b).add_entry(event="Lunch with 王芳", date="2026-11-21",
                                    links=LinkRequest(contacts=["王芳"]))
    git(b.parent, "commit", "-qam", "B links a new entry")
    assert "kept despite a deletion" in _pull(b)
    git(b.parent, "push", "-q", "origin", "HEAD:main")
    _pull(a)
    for side in (a, b):
        data = load_file(side)
        assert data["contacts"][contact]["name"] == "王芳"
        assert data["entries"][lunch.id]["contact_ids"] == [contact]
        problems, _ = diagnose(data)
        assert problems == [], problems
    assert a.read_bytes() == b.read_bytes()


def test_git_merge_decides_each_field_by_its_own_last_change(clones: tuple[Path, Path]) -> None:
    """B rewrites the summary first, A rewrites it later, then B only adds a tag: A's summary
    wins (the per-document rule gave it to B, whose document changed last)."""
    a, b = clones
    entry_id = next(iter(load_file(a)["entries"]))
    Journal(b).edit_entry(entry_id, {"summary": "B's summary, written first"})
    Journal(a).edit_entry(entry_id, {"summary": "A's summary, written later"})
    Journal(b).edit_entry(entry_id, {}, add_tags=["followup"])
    _commit_push(a, "A")
    git(b.parent, "commit", "-qam", "B")
    assert "1 conflict recorded" in _pull(b)
    doc = load_file(b)["entries"][entry_id]
    assert doc["summary"] == "A's summary, written later" and doc["tags"] == ["followup"]
    assert [(c["field"], c["value"]) for c in doc["conflicts"]] == [
        ("summary", "B's summary, written first")]
    assert doc["edited_at"]["summary"] < doc["edited_at"]["tags"] == doc["updated_at"]
