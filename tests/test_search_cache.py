"""The search cache: results through it are the in-memory index's, whatever path built it.

Every comparison is against :class:`journal.search.index.SearchIndex` over the freshly loaded file — the
index whose results tests/test_search.py checks against brute force — for every filter kind,
after full builds, incremental refreshes (added, edited, deleted entries; renamed contacts and
organisations) and non-canonical files.
"""

from __future__ import annotations

import copy
import os
import stat
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from journal.errors import StorageError
from journal.reports.render import render_json
from journal.reports.summary import build_period_report, next_period
from journal.search.cache.build import build_sections, canonical_bytes
from journal.search.cache.format import Sections
from journal.search.cache.reader import cache_paths, open_journal, read_note
from journal.search.cache.refresh import refresh
from journal.search.index import SearchIndex
from journal.storage import dump_canonical, load_file
from tests.corpus import ANCHOR, generate_tables
from tests.helpers import settle
from tests.test_search import ATOMS

TABLES = generate_tables(3000, 300, seed=7)
QUERIES = [text for text, _ in ATOMS] + [
    "", "visit 拜访", "org:工商银行 拜访", 'contact:"张伟 (工商银行)" status:done', "tag:loan -visit",
    "contact:oynn", "contact:ouyangnana", "contact:zgl", "contact:alice", "project:授信",
    "from:2026-01 to:2026-06 loan -tag:vip", "status:planned from:today", "on:上周 客户",
    '"term sheet" -org:acme', "kyc -cancelled", "a", "-visit", "status:plan", "客户:工商 跟进"]


def write(path: Path, tables: dict[str, Any]) -> bytes:
    raw = canonical_bytes(tables)
    path.write_bytes(raw)
    return raw


def outcome(fn: Any, *args: Any, **kw: Any) -> tuple[str, Any]:
    """The result, or the error (type and message) when there is one: those must agree too."""
    try:
        return "ok", fn(*args, **kw)
    except Exception as exc:  # noqa: BLE001 - the error itself is what is compared
        if type(exc).__name__ == "CacheCorrupt":
            raise
        return type(exc).__name__, str(exc)


def same_results(path: Path, queries: list[str] = QUERIES) -> None:
    """Every query gives the same ids (and limits) through the cache as through a fresh index."""
    cached = open_journal(path)
    fresh = SearchIndex(load_file(path))
    for query in queries:
        for limit in (None, 5):
            assert outcome(cached.index.search, query, today=ANCHOR, limit=limit) == \
                outcome(fresh.search, query, today=ANCHOR, limit=limit), query
    ids = fresh.search("", today=ANCHOR)
    docs = cached.documents(cached.index.search_positions("", today=ANCHOR)[:300])
    assert list(docs) == ids[:300]
    assert docs == {i: load_file(path)["entries"][i] for i in ids[:300]}


def test_cold_and_warm_cache_match_the_index(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    same_results(path)  # cold: builds the cache
    cache, note = cache_paths(path)
    assert cache.exists() and note.exists()
    same_results(path)  # warm


def test_names_resolve_and_fail_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    open_journal(path)
    cached, fresh = open_journal(path).index, SearchIndex(load_file(path))
    for kind, name in [("contact", "张伟"), ("contact", "zw"), ("contact", "zhangwei"), ("contact", "nope"),
                       ("organisation", "银行"), ("project", "zzz"), ("contact", "Alice")]:
        assert outcome(cached.resolve, kind, name) == outcome(fresh.resolve, kind, name), (kind, name)


def test_cache_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    open_journal(path)
    cache, note = cache_paths(path)
    for file in (cache, note):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert cache.read_bytes().startswith(b"journal-search-cache\n{")  # a JSON header, plain data


def _edited(tables: dict[str, Any], *, names: bool) -> dict[str, Any]:
    """Added, edited and deleted entries; with ``names``, renamed / re-homed contacts and orgs."""
    out = copy.deepcopy(tables)
    entries = out["entries"]
    ids = sorted(entries)
    for entry_id in ids[::97]:
        del entries[entry_id]
    for entry_id in ids[5::89]:
        entries[entry_id]["event"] += " 已修改 edited"
        entries[entry_id]["date"] = "2026-11-20"
    contacts, orgs = list(out["contacts"]), list(out["organisations"])
    entries["01ZZZZZZZZZZZZZZZZZZZZZZZ0"] = {
        "date": "2026-11-23", "event": "Brand new visit 新拜访", "status": "done", "tags": ["new"],
        "contact_ids": [contacts[10]], "created_at": "2026-11-23T00:00:00.000000Z",
        "updated_at": "2026-11-23T00:00:00.000000Z"}
    entries["00000000000000000000000000"] = {
        "date": "1999-01-01", "time": "08:00", "event": "Oldest", "status": "cancelled",
        "organisation_ids": [orgs[3]], "created_at": "2026-11-23T00:00:00.000000Z",
        "updated_at": "2026-11-23T00:00:00.000000Z"}
    if names:
        out["contacts"][contacts[3]]["name"] = "Renamed 张三"
        out["contacts"][contacts[9]]["organisation_id"] = orgs[2]
        out["organisations"][orgs[4]]["name"] = "Org renamed 新名"
        out["contacts"]["01ZZZZZZZZZZZZZZZZZZZZZZZ1"] = {"name": "欧阳修", "created_at": "2026-11-23T00:00:00.000000Z",
                                                        "updated_at": "2026-11-23T00:00:00.000000Z"}
    return out


def _blocks_cover(layout: dict[str, Any], sections: Sections, raw: bytes) -> None:
    """Blocks tile the pieces in order and each digest matches the bytes it claims."""
    import hashlib

    from journal.search.cache.format import int_array

    off, length = int_array(sections, "file.off", sections.n), int_array(sections, "file.len", sections.n)
    region, k = layout["region"], 0
    for first, last, start, stop, digest in layout["blocks"]:
        assert first == k and last > first and start == off[first]
        assert stop == off[last - 1] + length[last - 1] + (0 if last == sections.n else 13)
        assert hashlib.blake2b(raw[region + start:region + stop], digest_size=16).hexdigest() == digest
        k = last
    assert k == sections.n


def _sections_equal(a: Sections, b: Sections, raw: bytes | None = None) -> None:
    """Same content; blocks may be cut differently (a refresh keeps the old cuts) but must be
    right for ``raw``."""
    assert a.n == b.n and a.canonical == b.canonical
    assert set(a.header["sections"]) == set(b.header["sections"])
    for name in a.header["sections"]:
        x, y = a.raw(name), b.raw(name)
        if name.startswith(("postings.", "matchers.")):  # same content, key order may differ
            x, y = orjson.loads(x), orjson.loads(y)
        if name == "layout":
            x, y = orjson.loads(x), orjson.loads(y)
            if raw is not None:
                _blocks_cover(x, a, raw)
            x.pop("blocks")
            y.pop("blocks")
        assert x == y, name


@pytest.mark.parametrize("names", [False, True], ids=["entries-only", "names-too"])
def test_incremental_refresh_equals_a_full_build(names: bool) -> None:
    before = canonical_bytes(TABLES)
    old, _ = build_sections(orjson.loads(before), "a", True, before)
    after = canonical_bytes(_edited(TABLES, names=names))
    refreshed = refresh(old, after, "b")
    assert refreshed is not None
    full, _ = build_sections(orjson.loads(after), "b", True, after)
    _sections_equal(refreshed[0], full, after)


@pytest.mark.parametrize("seed", range(6))
def test_random_edit_sequences_refresh_like_full_builds(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small blocks, so edits land at the front, inside and at the back of many blocks; each
    refresh starts from the previous refresh, as successive commands do."""
    import random

    import journal.datafile.pieces as layout

    monkeypatch.setattr(layout, "BLOCK", 7)
    rng = random.Random(seed)
    tables = copy.deepcopy(generate_tables(400, 60, seed=seed))
    raw = canonical_bytes(tables)
    cache, _ = build_sections(orjson.loads(raw), "0", True, raw)
    stamp = "2026-11-23T00:00:00.000000Z"
    for step in range(8):
        entries, ids = tables["entries"], sorted(tables["entries"])
        for _ in range(rng.randint(0, 3)):  # new entries anywhere in id order, and at the end
            new_id = rng.choice([ids[rng.randrange(len(ids))][:-1] + "Z", f"01ZZZZZZZZZZZZZZZZZZZZZZ{step}{_}"])
            entries[new_id] = {"date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                               "event": f"step {step} 新", "status": rng.choice(["done", "planned"]),
                               "contact_ids": [rng.choice(list(tables["contacts"]))],
                               "created_at": stamp, "updated_at": stamp}
        for entry_id in rng.sample(ids, rng.randint(0, 3)):
            entries.pop(entry_id, None)
        for entry_id in rng.sample(sorted(entries), rng.randint(0, 3)):
            entries[entry_id]["summary"] = f"edited {step}"
        if rng.random() < 0.3:
            contact = rng.choice(list(tables["contacts"]))
            tables["contacts"][contact]["name"] = f"改名 {step}"
        raw = canonical_bytes(tables)
        refreshed = refresh(cache, raw, str(step))
        assert refreshed is not None, step
        full, _ = build_sections(orjson.loads(raw), str(step), True, raw)
        _sections_equal(refreshed[0], full, raw)
        cache = refreshed[0]


def test_refresh_declines_what_it_cannot_prove(tmp_path: Path) -> None:
    before = canonical_bytes(TABLES)
    old, _ = build_sections(orjson.loads(before), "a", True, before)
    compact = orjson.dumps(TABLES)
    assert refresh(old, compact, "b") is None  # not canonical
    broken = before.replace(b'"status": "done"', b'"status": "dne"', 1)
    assert refresh(old, broken, "c") is None  # an invalid entry: the full load reports it
    reindented = before.replace(b'\n      "date"', b'\n       "date"', 1)
    assert refresh(old, reindented, "d") is None


def test_outside_changes_are_seen_incrementally_and_in_full(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    open_journal(path)
    write(path, _edited(TABLES, names=True))  # canonical: refreshed
    same_results(path)
    path.write_bytes(orjson.dumps(_edited(TABLES, names=False)))  # compact: a full build
    same_results(path)
    assert not open_journal(path).sections.canonical
    write(path, TABLES)
    same_results(path)


def test_same_bytes_new_stat_keeps_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    raw = write(path, TABLES)
    open_journal(path)
    cache = cache_paths(path)[0]
    before = cache.stat().st_mtime_ns
    os.unlink(path)
    path.write_bytes(raw)  # a checkout of the same version: new inode and mtime
    os.utime(cache, ns=(before - 10**9, before - 10**9))
    open_journal(path)
    assert cache.stat().st_mtime_ns == before - 10**9  # not rebuilt, only the key moved
    same_results(path, QUERIES[:5])


def test_in_place_change_within_one_timestamp_is_caught(tmp_path: Path) -> None:
    """A same-size rewrite that keeps inode and mtime (coarse clocks): the key was marked racy
    because the file was fresh when read, so the next use checks the content."""
    path = tmp_path / "journal.json"
    raw = write(path, TABLES)
    second = time.time_ns() // 10**9 * 10**9  # a file system that stamps whole seconds
    os.utime(path, ns=(second, second))
    open_journal(path)
    st = path.stat()
    changed = raw.replace(b'"event": "', b'"event": "Q', 1).replace(b'"Client visit', b'"Client visi', 1)
    assert len(changed) == len(raw) and changed != raw
    with open(path, "r+b") as f:
        f.write(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns) == \
        (st.st_ino, st.st_size, st.st_mtime_ns)
    same_results(path, ["Q", "client visi", "visit"])


def test_settled_file_rewritten_in_place_with_its_mtime_put_back_is_not_served_stale(
        tmp_path: Path) -> None:
    """Long after the last write (the key is settled, not racy), another program rewrites the file
    in place: same inode, same size, and the nanosecond mtime put back with utime. Only the ctime
    (which utime cannot set) shows the change, and it is part of the key."""
    path = tmp_path / "journal.json"
    raw = write(path, TABLES)
    settle(path)
    open_journal(path)
    assert not read_note(cache_paths(path)[1]).racy
    st = path.stat()
    evil = raw.replace(b'"event": "', b'"event": "EVIL', 1).replace(b'"Client visit', b'"Client v', 1)
    assert len(evil) == len(raw)
    with open(path, "r+b") as handle:
        handle.write(evil)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns) == \
        (st.st_ino, st.st_size, st.st_mtime_ns)
    assert len(open_journal(path).index.search("EVIL")) == 1
    same_results(path, ["EVIL", "client v", "visit"])


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty", "header"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    open_journal(path)
    cache = cache_paths(path)[0]
    data = bytearray(cache.read_bytes())
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    elif damage == "flip":
        data[len(data) // 3] ^= 0xFF
    elif damage == "empty":
        data = bytearray()
    else:
        data = data.replace(b'"format":1', b'"format":9', 1)
    cache.write_bytes(bytes(data))
    try:
        same_results(path, QUERIES[:8])
    except Exception as exc:  # noqa: BLE001
        # damage found lazily (a CRC on first use) surfaces as CacheCorrupt; the CLI retries
        assert type(exc).__name__ == "CacheCorrupt", exc
        open_journal(path, rebuild=True)
        same_results(path, QUERIES[:8])


def test_unwritable_cache_folder_still_answers(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    folder = cache_paths(path)[0].parent
    folder.mkdir(mode=0o700)
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        same_results(path, QUERIES[:5])
    finally:
        folder.chmod(0o700)


def test_missing_file_is_an_empty_journal(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    cached = open_journal(path)
    assert cached.index.search("visit") == [] and cached.documents([]) == {}
    assert not (tmp_path / ".journal-cache").exists()


@pytest.mark.parametrize("kind", ["week", "month"])
def test_reports_through_the_cache_match_the_full_tables(tmp_path: Path, kind: str) -> None:
    from journal.dates import iso_week_bounds, month_bounds

    path = tmp_path / "journal.json"
    path.write_bytes(dump_canonical(TABLES))
    cached = open_journal(path)
    start, end = (iso_week_bounds if kind == "week" else month_bounds)(ANCHOR)
    via_cache = build_period_report(cached.period_tables(start, next_period(kind, end)[1]), start, end,
                                    today=ANCHOR, kind=kind, index=cached.index,
                                    documents=cached.documents)
    direct = build_period_report(load_file(path), start, end, today=ANCHOR, kind=kind)
    assert render_json(via_cache) == render_json(direct)
    assert via_cache.totals.entries > 0 and (kind == "week" or via_cache.overdue_contacts)


def test_a_file_the_cache_validated_is_not_validated_again_by_the_storage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a `git pull` + `journal sync` (which refreshes the cache), the app's first load of the
    pulled file skips the per-document check; any other bytes are checked as always."""
    import journal.storage as storage
    from journal.storage import JournalStore, derived_note

    path = tmp_path / "journal.json"
    write(path, TABLES)
    settle(path)
    settled = path.stat().st_mtime_ns
    open_journal(path)
    assert derived_note(path, "validated").exists()
    checked: list[int] = []
    real = storage.check_tables
    monkeypatch.setattr(storage, "check_tables",
                        lambda data, version: checked.append(len(data)) or real(data, version))
    assert len(JournalStore(path).read()["entries"]) == len(TABLES["entries"])
    assert checked == [1]  # only the meta table's schema
    raw = path.read_bytes()
    tampered = raw.replace(b'"status": "done"', b'"status": "DONE"', 1)
    with open(path, "r+b") as f:  # same size, stat key restored: only the crc32 tells
        f.write(tampered)
    os.utime(path, ns=(settled, settled))
    with pytest.raises(StorageError, match="invalid status"):
        JournalStore(path).read()
