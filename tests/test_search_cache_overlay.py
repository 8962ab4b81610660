"""Changes laid over the search cache (journal.search.cache.overlay) read exactly like a cache
built from scratch over the changed file, and are used only when the storage layer's change
history (journal.datafile.changes) proves what changed.

Changes are made through the real service and storage layers, so the history is the one
``journal add`` leaves; every check compares, section by section, with a full build of the file
as it is on disk, plus query results and documents against a fresh in-memory index.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from journal.datafile.changes import MAX_DOCS, changes_between, next_note
from journal.names.resolve import LinkRequest
from journal.search.cache import reader as search_cache
from journal.search.cache.build import build_sections, canonical_bytes
from journal.search.cache.overlay import OVERLAY_MAX, OverlayJournal
from journal.search.cache.reader import cache_paths, open_journal
from journal.service import Journal
from journal.storage import JournalStore, derived_note, key_of, load_file
from tests.corpus import generate_tables
from tests.helpers import settle
from tests.test_search_cache import same_results

TABLES = generate_tables(1500, 150, seed=11)
COLUMNS = ("ids", "dates", "times", "status", "starts", "blob")
JSON_SECTIONS = ("postings.contact", "postings.project", "postings.org", "postings.tag",
                 "postings.status", "names", "tables", "matchers.contact", "matchers.project",
                 "matchers.organisation")


def fresh_journal(tmp_path: Path) -> tuple[Path, Journal]:
    """A journal written by someone else (no history), with its search cache built."""
    path = tmp_path / "journal.json"
    path.write_bytes(canonical_bytes(TABLES))
    settle(path)  # written a while ago: its stat key is settled
    open_journal(path)
    return path, Journal(path)


def cache_stamp(path: Path) -> tuple[int, int]:
    cache, note = cache_paths(path)
    return cache.stat().st_mtime_ns, note.stat().st_mtime_ns


def check_overlay(path: Path, *, expect_overlay: bool = True) -> None:
    """Open the cache as a command would, and compare everything it serves with a full build."""
    before = cache_stamp(path)
    cached = open_journal(path)
    assert isinstance(cached, OverlayJournal) is expect_overlay
    if not expect_overlay:
        return
    assert cache_stamp(path) == before  # laid over in memory: nothing rewritten
    raw = path.read_bytes()
    tables = load_file(path)
    full, _ = build_sections(tables, digest="", canonical=True, raw=raw)
    sections = cached.sections
    assert sections.n == full.n == len(tables["entries"])
    for name in COLUMNS:
        assert sections.raw(name) == full.raw(name), name
    for name in JSON_SECTIONS:
        assert sections.json(name, dict) == full.json(name, dict), name
    docs = cached.documents(range(sections.n))
    assert list(docs) == cached.index.ids_at(range(sections.n))
    assert docs == {i: tables["entries"][i] for i in docs}
    same_results(path, ["visit", "contact:zw", "org:银行 拜访", "tag:loan -visit", "status:planned",
                        "from:2026-01 to:2026-06", "新", "overlay", "contact:欧阳"])


def test_an_added_entry_is_laid_over_without_rewriting_the_cache(tmp_path: Path) -> None:
    path, journal = fresh_journal(tmp_path)
    contact = next(iter(TABLES["contacts"]))
    journal.add_entry(event="Overlay visit 新拜访", date="2026-11-20", tags=["overlay"],
                      links=LinkRequest(contacts=[contact]))
    check_overlay(path)
    cached = open_journal(path)
    hit = cached.index.search("overlay")
    assert len(hit) == 1 and cached.documents(cached.index.search_positions("overlay"))[hit[0]]["event"] \
        == "Overlay visit 新拜访"


def test_new_contacts_and_organisations_are_found_by_name_and_pinyin(tmp_path: Path) -> None:
    path, journal = fresh_journal(tmp_path)
    journal.add_entry(event="Lunch 午餐", date="2024-02-29", time="12:00",
                      links=LinkRequest(contacts=["欧阳修"], organisations=["新希望集团"]))
    check_overlay(path)
    cached = open_journal(path)
    assert len(cached.index.search("contact:oyx")) == 1
    assert len(cached.index.search("org:新希望")) == 1
    assert cached.tables["contacts"][cached.index.resolve("contact", "ouyangxiu")]["name"] == "欧阳修"


@pytest.mark.parametrize("seed", range(4))
def test_random_edit_scripts_read_like_a_full_build(tmp_path: Path, seed: int) -> None:
    """Adds, edits (date, time, status, text, links, tags), deletes, new contacts, contact fields
    that are not names, day notes — checked after every step."""
    path, journal = fresh_journal(tmp_path)
    rng = random.Random(seed)
    contacts = list(TABLES["contacts"])
    projects = list(TABLES["projects"])
    for step in range(14):
        entries = list(load_file(path)["entries"])
        op = rng.choice(["add", "add", "edit", "delete", "contact", "contact_field", "day"])
        if op == "add":
            journal.add_entry(
                event=rng.choice(["Visit", "Call 电话", "overlay check"]) + f" {step}",
                date=f"{rng.randint(2019, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                time=rng.choice([None, "09:00", "18:30"]), status=rng.choice(["done", "planned"]),
                tags=rng.sample(["loan", "visit", "新", "overlay"], rng.randint(0, 2)),
                links=LinkRequest(contacts=rng.sample(contacts, rng.randint(0, 2)),
                                  projects=rng.sample(projects, rng.randint(0, 1))))
        elif op == "edit":
            changes: dict[str, Any] = rng.choice([
                {"date": "2026-11-23"}, {"time": "07:15"}, {"status": "cancelled"},
                {"summary": "改了 overlay"}, {"event": "Renamed event"}])
            journal.edit_entry(rng.choice(entries), changes,
                               add=LinkRequest(contacts=[rng.choice(contacts)]) if rng.random() < 0.3 else None,
                               add_tags=["overlay"] if rng.random() < 0.3 else ())
        elif op == "delete":
            journal.delete_entry(rng.choice(entries))
        elif op == "contact":
            created, _ = journal.add_document("contact", f"欧阳{step}号", organisation=None)
            contacts.append(created.id)
        elif op == "contact_field":
            journal.edit_document("contact", rng.choice(contacts), {"notes": f"note {step}"})
        else:
            journal.set_day_note(f"2026-11-{rng.randint(1, 28):02d}", f"day {step} 小结")
        check_overlay(path)


def test_a_renamed_contact_with_entries_is_refreshed_instead(tmp_path: Path) -> None:
    path, journal = fresh_journal(tmp_path)
    linked = next(c for c in TABLES["contacts"]
                  if any(c in e.get("contact_ids", ()) for e in TABLES["entries"].values()))
    journal.edit_document("contact", linked, {"name": "Renamed 改名"})
    check_overlay(path, expect_overlay=False)
    same_results(path, [f"contact:{linked}", "renamed", "改名"])
    check_overlay(path, expect_overlay=False)  # refreshed: now the plain warm cache


def test_many_changes_refresh_the_cache_file(tmp_path: Path) -> None:
    path, journal = fresh_journal(tmp_path)
    store = JournalStore(path)
    with store.transaction() as tx:
        for k in range(OVERLAY_MAX + 1):
            tx.insert("entries", {"date": "2026-01-02", "event": f"bulk {k}", "status": "done",
                                  "created_at": "2026-01-02T00:00:00.000000Z",
                                  "updated_at": "2026-01-02T00:00:00.000000Z"})
    before = cache_stamp(path)
    cached = open_journal(path)
    assert not isinstance(cached, OverlayJournal) and cache_stamp(path) != before
    same_results(path, ["bulk", "bulk 7"])


def test_a_change_by_another_program_breaks_the_chain(tmp_path: Path) -> None:
    path, journal = fresh_journal(tmp_path)
    journal.add_entry(event="Mine 我的", date="2026-11-20")
    tables = load_file(path)
    tables["entries"][next(iter(tables["entries"]))]["event"] = "Edited by hand 手改"
    path.write_bytes(canonical_bytes(tables))  # e.g. a git pull or an editor
    check_overlay(path, expect_overlay=False)
    same_results(path, ["hand", "mine", "手改"])


def test_bytes_that_do_not_match_the_history_are_not_trusted(tmp_path: Path, monkeypatch: Any) -> None:
    """A same-size in-place change that kept the stat key (only possible within one timestamp
    tick): a fresh file's bytes are checked against the crc32 the writer recorded."""
    path, journal = fresh_journal(tmp_path)
    journal.add_entry(event="Honest entry", date="2026-11-20")
    st = path.stat()
    raw = path.read_bytes()
    forged = raw.replace(b"Honest entry", b"Forged entry")
    with open(path, "r+b") as f:
        f.write(forged)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    monkeypatch.setattr(search_cache, "racy", lambda mtime, now: True)
    cached = open_journal(path)
    assert not isinstance(cached, OverlayJournal)
    assert cached.index.search("forged") and not cached.index.search("honest")


def test_racy_window_depends_on_the_timestamp_resolution() -> None:
    second = 1_700_000_000 * 10**9
    assert search_cache.racy(second, second + 10**9)  # coarse stamps: two seconds
    assert not search_cache.racy(second, second + 3 * 10**9)
    fine = second + 123_456_789
    assert search_cache.racy(fine, fine + 10**7)  # fine stamps: within a clock tick or so
    assert not search_cache.racy(fine, fine + 10**8)


# -- the change history itself -----------------------------------------------------------------------
def _history(path: Path) -> list[dict[str, Any]]:
    return orjson.loads(derived_note(path, "changes").read_bytes())["steps"]


def test_history_chains_commits_and_is_private(tmp_path: Path) -> None:
    path, journal = fresh_journal(tmp_path)
    start = os.stat(path)
    first, _ = journal.add_entry(event="one", date="2026-11-20")
    second, _ = journal.add_entry(event="two", date="2026-11-21")
    journal.delete_entry(first.id)
    steps = _history(path)
    assert len(steps) == 3 and [s["count"] for s in steps] == [1, 1, 1]
    assert all(a["to"] == b["from"] for a, b in zip(steps, steps[1:], strict=False))
    now = os.stat(path)
    chain = changes_between(derived_note(path, "changes"), key_of(start), key_of(now))
    assert chain is not None and chain.changes["entries"][first.id] is None
    assert chain.changes["entries"][second.id]["event"] == "two"
    assert os.stat(derived_note(path, "changes")).st_mode & 0o777 == 0o600


def test_history_is_bounded_and_restarts(tmp_path: Path) -> None:
    note = tmp_path / "note"
    key = (1, 1, 1)
    for k in range(2, 60):
        docs = {f"{k:026d}": {"event": "x"} for _ in range(1)} | {f"{k:025d}{j}": None for j in range(40)}
        note.write_bytes(next_note(note, key, (1, 1, k), 0, {}, {"entries": docs}))
        key = (1, 1, k)
    steps = orjson.loads(note.read_bytes())["steps"]
    assert sum(s["count"] for s in steps) <= MAX_DOCS and steps[-1]["to"] == [1, 1, 59]
    assert changes_between(note, (1, 1, 1), (1, 1, 59)) is None  # fell off the front
    assert changes_between(note, tuple(steps[0]["from"]), (1, 1, 59)) is not None
    note.write_bytes(next_note(note, (9, 9, 9), (9, 9, 10), 0, {}, {"entries": {}}))
    assert [s["from"] for s in orjson.loads(note.read_bytes())["steps"]] == [[9, 9, 9]]  # restarted
    note.write_bytes(next_note(note, (9, 9, 10), (9, 9, 11), 0, {}, None))  # whole tables replaced
    assert orjson.loads(note.read_bytes())["steps"] == []
    note.write_bytes(b"{not json")
    assert changes_between(note, (9, 9, 10), (9, 9, 11)) is None


def test_replacing_all_data_leaves_no_history(tmp_path: Path) -> None:
    path, journal = fresh_journal(tmp_path)
    journal.add_entry(event="one", date="2026-11-20")
    JournalStore(path).replace_all(load_file(path))
    assert _history(path) == []
    check_overlay(path, expect_overlay=False)
