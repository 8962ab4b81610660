"""The git merge driver (`journal merge-driver BASE OURS THEIRS`) fed hostile files, as git would:
real files on disk, through ``journal.cli.main``.

Inputs: valid journals with conflicting edits (hostile text in every field), the same truncated at
any byte, random bytes, empty files, git conflict markers, the wrong JSON shape, a future schema,
megabyte values, non-canonical but valid JSON, missing files and directories. The promises:

* no traceback; exit 0 or 1 and exactly one ``journal: …`` line on stderr;
* OURS is either left byte-for-byte untouched or is a valid journal in the canonical form;
* a non-zero exit (git then keeps the conflict for the user) leaves OURS untouched;
* when all three inputs are valid journals the merge succeeds, and it keeps every document that
  either side added.

The last two tests pin defects this suite found (deep nesting, a FIFO as a version), now fixed.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from journal.datafile.validate import check_tables
from journal.errors import JournalError
from journal.models import SCHEMA_VERSION
from journal.storage import dump_canonical, parse_bytes

from ._support import CONTROL_RE, TRACEBACK_RE, Result, record_stats, run_cli, run_hypothesis

FAST, SLOW = 40, 400
BUDGETS = [pytest.param(FAST, id="fast"), pytest.param(SLOW, id="slow", marks=pytest.mark.slow)]
IDS = ["01M83XQX7EG7D9HZR5587NPX6N", "01M83XQX7EG7D9HZR5587NPX6P", "01M83XQX7EG7D9HZR5587NPX6Q",
       "01M83XQX7EG7D9HZR5587NPX6R", "01M83XQX7EG7D9HZR5587NPX6S"]
STAMPS = ["2026-11-20T08:00:00.000000Z", "2026-11-21T08:00:00.000000Z", "2026-11-21T08:00:00.000000Z",
          "2026-11-22T09:30:00.123456Z"]
TEXT = st.one_of(
    st.sampled_from(["[/]", "\x1b[31m", "\x00", "\u202e", "e\u0301", "张伟 (工商银行)", "<<<<<<< HEAD",
                     "\n=======\n", ">>>>>>> theirs", "", " ", "x" * 1_000_000, "🙂", "\ufeff"]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20))
tried: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _tally() -> Iterator[None]:
    yield
    record_stats(hostile_inputs_tried=sum(tried.values()))


_run = run_hypothesis


entry = st.fixed_dictionaries(
    {"date": st.sampled_from(["2026-11-20", "2026-11-21"]), "event": TEXT.filter(bool),
     "status": st.sampled_from(["done", "planned", "cancelled"]),
     "created_at": st.sampled_from(STAMPS), "updated_at": st.sampled_from(STAMPS)},
    optional={"summary": TEXT, "time": st.sampled_from(["09:30", "23:59"]),
              "tags": st.lists(TEXT, max_size=3), "contact_ids": st.lists(st.sampled_from(IDS), max_size=2),
              "conflicts": st.lists(st.fixed_dictionaries({"field": TEXT, "value": TEXT}), max_size=1),
              "x-unknown": TEXT})
contact = st.fixed_dictionaries(
    {"name": TEXT.filter(bool), "created_at": st.sampled_from(STAMPS),
     "updated_at": st.sampled_from(STAMPS)},
    optional={"phones": st.lists(TEXT, max_size=2), "notes": TEXT, "cadence_days": st.integers(1, 99)})
journal_data = st.fixed_dictionaries({
    "entries": st.dictionaries(st.sampled_from(IDS), entry, max_size=4),
    "contacts": st.dictionaries(st.sampled_from(IDS), contact, max_size=3),
    "days": st.dictionaries(st.sampled_from(["2026-11-20", "2026-11-21"]),
                            st.fixed_dictionaries({"note": TEXT, "updated_at": st.sampled_from(STAMPS)}),
                            max_size=1),
})
edit = st.tuples(st.sampled_from(["entries", "contacts"]), st.sampled_from(IDS),
                 st.one_of(st.none(), entry, contact))


def _apply(data: dict[str, Any], edits: list[tuple[str, str, Any]]) -> dict[str, Any]:
    out = {t: dict(docs) for t, docs in data.items()}
    for table, doc_id, doc in edits:
        if doc is None:
            out[table].pop(doc_id, None)
        elif (table == "entries") == ("event" in doc):
            out[table][doc_id] = doc
    return out


def _file(data: dict[str, Any], schema: int = SCHEMA_VERSION) -> bytes:
    tables = {t: d for t, d in data.items() if d}
    return dump_canonical({**tables, "meta": {"schema": {"schema_version": schema}}})


GARBAGE = ["empty", "random", "truncate", "markers", "list", "wrong-types", "future", "loose",
           "bom", "nul", "null-table"]


def _spoil(raw: bytes, how: str, data: dict[str, Any], noise: bytes, cut: int) -> bytes:
    """One way a version of the file can be broken (or merely unusual, for "loose")."""
    if how == "empty":
        return b""
    if how == "random":
        return noise
    if how == "truncate":
        return raw[:cut % max(len(raw), 1)]
    if how == "markers":
        lines = raw.split(b"\n")
        at = cut % len(lines)
        return b"\n".join(lines[:at] + [b"<<<<<<< HEAD", b"=======", b">>>>>>> theirs"] + lines[at:])
    if how == "list":
        return b"[" + raw + b"]"
    if how == "wrong-types":
        return raw.replace(b'"date": "2026-11-2', b'"date": 2026, "x": "')
    if how == "future":
        return _file(data, SCHEMA_VERSION + 1)
    if how == "loose":  # valid, just not our layout: ASCII escapes, other indentation
        return json.dumps(json.loads(raw), indent=1, ensure_ascii=True).encode()
    if how == "bom":
        return b"\xef\xbb\xbf" + raw
    if how == "nul":
        return raw.replace(b"\n", b"\x00\n", 1)
    return raw.replace(b'"entries": {', b'"entries": null, "x": {', 1)


def _is_canonical_journal(raw: bytes) -> bool:
    try:
        data = parse_bytes(raw, "merged")
    except JournalError:
        return False
    tables = {t: d for t, d in data.items() if d or t == "meta"}
    return check_tables(data, SCHEMA_VERSION) is None and dump_canonical(tables) == raw


class Folder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = itertools.count()

    def new(self) -> Path:
        folder = self.root / f"m{next(self.count)}"
        folder.mkdir()
        return folder


def _merge(folder: Path, base: bytes | None, ours: bytes | None, theirs: bytes | None) -> Result:
    paths = []
    for name, raw in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = folder / name
        if raw is not None:
            path.write_bytes(raw)
        paths.append(str(path))
    return run_cli(None, "merge-driver", *paths, "journal.json")


def _check(result: Result, what: str) -> None:
    tried[what] += 1
    assert result.code in (0, 1), result
    assert not TRACEBACK_RE.search(result.err), result.err
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: "), result
    assert not CONTROL_RE.search(result.err), result.err


@pytest.mark.parametrize("budget", BUDGETS)
def test_merge_driver_on_conflicting_valid_journals(tmp_path: Path, budget: int) -> None:
    folders = Folder(tmp_path)

    @_run(budget, journal_data, st.lists(edit, max_size=4), st.lists(edit, max_size=4),
          st.booleans())
    def body(base: dict, ours_edits: list, theirs_edits: list, no_base: bool) -> None:
        ours, theirs = _apply(base, ours_edits), _apply(base, theirs_edits)
        folder = folders.new()
        result = _merge(folder, b"" if no_base else _file(base), _file(ours), _file(theirs))
        _check(result, "merge driver: valid")
        assert result.code == 0, result
        merged = (folder / "ours").read_bytes()
        assert _is_canonical_journal(merged)
        data = parse_bytes(merged, "merged")
        origin = {} if no_base else base
        for side in (ours, theirs):  # whatever a side added is kept
            for table, docs in side.items():
                for doc_id in docs.keys() - origin.get(table, {}).keys():
                    assert doc_id in data[table], (table, doc_id)
        swapped = folders.new()  # the other machine merges the same histories the other way
        again = _merge(swapped, b"" if no_base else _file(base), _file(theirs), _file(ours))
        assert again.code == 0 and (swapped / "ours").read_bytes() == merged


@pytest.mark.parametrize("budget", BUDGETS)
def test_merge_driver_on_garbage(tmp_path: Path, budget: int) -> None:
    folders = Folder(tmp_path)
    sides = st.tuples(st.sampled_from(["valid"] * 6 + GARBAGE), st.binary(max_size=300),
                      st.integers(0, 10**6))

    @_run(budget, journal_data, st.lists(edit, max_size=3), st.lists(edit, max_size=3), sides,
          sides, sides)
    def body(data: dict, ours_edits: list, theirs_edits: list, base_how: tuple, ours_how: tuple,
             theirs_how: tuple) -> None:
        versions = [data, _apply(data, ours_edits), _apply(data, theirs_edits)]
        raws = []
        for version, (how, noise, cut) in zip(versions, (base_how, ours_how, theirs_how),
                                              strict=True):
            raw = _file(version)
            raws.append(raw if how == "valid" else _spoil(raw, how, version, noise, cut))
        folder = folders.new()
        result = _merge(folder, *raws)
        _check(result, "merge driver: garbage")
        after = (folder / "ours").read_bytes()
        if result.code != 0:
            assert after == raws[1], "a failed merge touched OURS"
        elif after != raws[1]:
            assert _is_canonical_journal(after), after[:200]
        usable = [how in ("valid", "loose") or (i == 0 and how == "empty")
                  for i, (how, _, _) in enumerate((base_how, ours_how, theirs_how))]
        if all(usable):
            assert result.code == 0, result


def test_merge_driver_on_missing_and_odd_paths(tmp_path: Path) -> None:
    good = _file({"entries": {IDS[0]: {"date": "2026-11-20", "event": "x", "status": "done",
                                       "updated_at": STAMPS[0]}}})
    cases: list[tuple[bytes | None, bytes | None, bytes | None]] = [
        (None, good, good + b" "), (good, None, good), (good, good, None), (None, None, None)]
    for i, (base, ours, theirs) in enumerate(cases):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        result = _merge(folder, base, ours, theirs)
        _check(result, "merge driver: paths")
        assert result.code == 1 and "git leaves the conflict to you" in result.err
        if ours is not None:
            assert (folder / "ours").read_bytes() == ours
    (tmp_path / "dir").mkdir()
    (tmp_path / "b").write_bytes(good)
    result = run_cli(None, "merge-driver", str(tmp_path / "b"), str(tmp_path / "dir"),
                     str(tmp_path / "b"))
    _check(result, "merge driver: paths")
    assert result.code == 1


def _write(path: Path, raw: bytes) -> Path:
    path.write_bytes(raw)
    return path


def test_merge_driver_through_a_real_process(tmp_path: Path) -> None:
    """As git runs it: a separate process, garbage in THEIRS → exit 1, one line, OURS untouched."""
    good = _file({"contacts": {IDS[0]: {"name": "张伟", "updated_at": STAMPS[0]}}})
    paths = [_write(tmp_path / n, raw) for n, raw in
             (("base", good), ("ours", good.replace("张伟".encode(), "张伟 A".encode())),
              ("theirs", b"\x1b[2J{\"contacts\": <<<<<<< HEAD"))]
    done = subprocess.run([sys.executable, "-m", "journal", "merge-driver", *map(str, paths),
                           "journal.json"], capture_output=True, timeout=120)
    tried["merge driver: real process"] += 1
    assert done.returncode == 1, done
    assert done.stderr.count(b"\n") == 1 and b"\x1b" not in done.stderr, done.stderr
    assert paths[1].read_bytes() == good.replace("张伟".encode(), "张伟 A".encode())


# -- defects found (in journal/merge.py and journal/merge_driver.py, owned elsewhere) ------------


def test_merge_driver_on_deeply_nested_values(tmp_path: Path) -> None:
    def version(value: str, stamp: str) -> bytes:
        doc = {"date": "2026-11-20", "event": "x", "status": "done", "created_at": STAMPS[0],
               "updated_at": stamp, "x": "@VALUE@"}
        text = json.dumps({"entries": {IDS[0]: doc}, "meta": {"schema": {"schema_version": 1}}},
                          indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        return text.replace('"@VALUE@"', value).encode()

    # Written as text: json and orjson refuse to *write* this deep, but orjson reads 1024 levels.
    deep = "[" * 990 + "1" + "]" * 990
    paths = [_write(tmp_path / n, raw) for n, raw in (
        ("base", version("0", STAMPS[0])), ("ours", version(deep, STAMPS[1])),
        ("theirs", version("2", STAMPS[3])))]
    result = run_cli(None, "merge-driver", *map(str, paths))
    _check(result, "merge driver: deep nesting")


def test_merge_driver_does_not_hang_on_a_fifo(tmp_path: Path) -> None:
    good = _file({})
    base, ours = _write(tmp_path / "base", good), _write(tmp_path / "ours", good + b" ")
    fifo = tmp_path / "theirs"
    os.mkfifo(fifo)
    try:
        done = subprocess.run([sys.executable, "-m", "journal", "merge-driver", str(base),
                               str(ours), str(fifo)], capture_output=True, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("merge-driver hung on a FIFO")
    assert done.returncode == 1
