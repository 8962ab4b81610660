"""Without a cache, search / week / month answer from the parsed file (journal.search.cache.cold)
exactly as the cache answers them later; the `journal` program builds that cache in a detached
child after printing, and a command that needs it meanwhile waits for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from journal.cli import main
from journal.search.cache.background import hold_build_lock, wait_for_build
from journal.search.cache.cold import ColdJournal, candidates
from journal.search.cache.reader import cache_paths, open_journal, read_note
from journal.search.index import SearchIndex
from journal.search.query import parse_query
from journal.storage import load_file
from tests.corpus import ANCHOR
from tests.test_search_cache import QUERIES, TABLES, outcome, write

TODAY = ANCHOR.isoformat()
MORE = ["contact:nobody", "contact:zw", "org:工商银行", "tag:#loan", "tag:nosuch", "on:2026-11-20",
        "from:2026-11 -visit", "status:planned", "status:bogus", "on:someday", "visit status:done",
        "project:授信 拜访", "-visit -call", "工商 contact:张伟", "tier:VIP", "tier:A visit",
        "-tier:VIP visit", "tier:nosuch"]


@pytest.fixture(scope="module")
def journal_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cold") / "journal.json"
    write(path, TABLES)
    return path


def _cold(path: Path) -> ColdJournal:
    for name in cache_paths(path):
        name.unlink(missing_ok=True)
    cold = open_journal(path, defer=True)
    assert isinstance(cold, ColdJournal)
    return cold


def _answer(journal: object, query: str, limit: int | None) -> tuple[str, object]:
    def run() -> dict[str, object]:
        positions = journal.index.search_positions(query, today=ANCHOR, limit=limit)  # type: ignore[attr-defined]
        return journal.documents(positions)  # type: ignore[attr-defined]

    return outcome(run)


@pytest.mark.parametrize("query", QUERIES + MORE)
def test_candidates_hold_every_result(query: str) -> None:
    expected = SearchIndex(TABLES)
    try:
        found = expected.search(query, today=ANCHOR)
    except Exception:  # noqa: BLE001 - an error: the candidates need not hold anything
        return
    ids = candidates(TABLES, parse_query(query), ANCHOR, {})
    assert ids is None or set(found) <= set(ids)
    assert ids is None or len(ids) == len(set(ids))


def test_cold_answers_are_the_cache_answers(journal_file: Path) -> None:
    cold = _cold(journal_file)
    answers = {(q, n): _answer(cold, q, n) for q in QUERIES + MORE for n in (None, 5)}
    assert not cache_paths(journal_file)[0].exists()  # nothing built yet
    cold.build_cache()
    warm = open_journal(journal_file)
    assert not getattr(warm, "cold", False)
    for (query, limit), answer in answers.items():
        assert answer == _answer(warm, query, limit), query


@pytest.mark.parametrize("argv", [["week", "--today", TODAY], ["week", "last week", "--today", TODAY],
                                  ["month", "--today", TODAY, "--format", "json"],
                                  ["month", "2026-10", "--today", TODAY],
                                  ["search", "visit", "--format", "json"],
                                  ["search", "contact:zw"], ["search", "--limit", "3", "客户"]])
def test_commands_print_the_same_without_and_with_a_cache(journal_file: Path, argv: list[str],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    _cold(journal_file)
    first = main(["--file", str(journal_file), *argv]), capsys.readouterr()
    assert cache_paths(journal_file)[0].exists()  # in-process: built right after the answer
    second = main(["--file", str(journal_file), *argv]), capsys.readouterr()
    assert first == second


def test_the_configured_tiers_apply_without_a_cache(journal_file: Path, private_config: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """``tier:`` reads the configuration's tier table (here a label only it knows) whether the
    answer comes from the parsed file or from the cache."""
    private_config.parent.mkdir(parents=True, exist_ok=True)
    private_config.write_text("[[tiers]]\nname = 'VIP'\nlabels = ['贵宾']\ncadence_days = 7\n"
                              "[[tiers]]\nname = 'A'\n", encoding="utf-8")
    argv = ["--file", str(journal_file), "search", "tier:贵宾", "--format", "json"]
    _cold(journal_file)
    first = main(argv), capsys.readouterr()
    assert first[0] == 0 and json.loads(first[1].out)
    assert cache_paths(journal_file)[0].exists()
    assert (main(argv), capsys.readouterr()) == first
    month = ["--file", str(journal_file), "month", "--today", TODAY, "--format", "json"]
    _cold(journal_file)
    cold_month = main(month), capsys.readouterr()
    assert (main(month), capsys.readouterr()) == cold_month


@pytest.mark.parametrize("argv", [["due", "--today", TODAY, "--format", "json"],
                                  ["export", "--format", "json", "visit"],
                                  ["export", "--format", "csv", "--org", "工商银行"]])
def test_commands_that_need_the_index_build_the_cache_first(
        journal_file: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """``due`` and ``export`` read the cache's posting lists: without a cache they build it
    before they answer (they never get the parsed file's stand-in)."""
    _cold(journal_file)
    first = main(["--file", str(journal_file), *argv]), capsys.readouterr()
    assert first[0] == 0 and first[1].out and not first[1].err
    assert cache_paths(journal_file)[0].exists()
    assert (main(["--file", str(journal_file), *argv]), capsys.readouterr()) == first


def test_a_failed_query_still_leaves_the_cache(journal_file: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _cold(journal_file)
    assert main(["--file", str(journal_file), "search", "contact:nobody"]) == 1
    assert "no contact matches 'nobody'" in capsys.readouterr().err
    assert cache_paths(journal_file)[0].exists()


def _program(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOURNAL_FILE": str(path)}
    return subprocess.run([sys.executable, "-m", "journal", *args], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


def test_the_program_builds_the_cache_in_a_child(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    expected = SearchIndex(load_file(path)).search("visit", today=ANCHOR)
    done = _program(path, "search", "visit", "--format", "json", "--today", TODAY)
    assert done.returncode == 0 and done.stderr == ""
    assert [e["id"] for e in json.loads(done.stdout)] == expected
    wait_for_build(path)  # the child holds the lock until the cache is written
    note = read_note(cache_paths(path)[1])
    st = path.stat()
    assert note is not None and note.stat == (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    assert not getattr(open_journal(path), "cold", False)
    again = _program(path, "search", "visit", "--format", "json", "--today", TODAY)
    assert again.stdout == done.stdout
    other = path.with_name("other.json")
    write(other, TABLES)
    failed = _program(other, "search", "contact:nobody")
    assert failed.returncode == 1 and failed.stderr == "journal: no contact matches 'nobody'\n"
    wait_for_build(other)
    assert read_note(cache_paths(other)[1]) is not None  # built even so, for the next try


def test_a_command_waits_for_a_build_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    lock = hold_build_lock(path)  # as if a child were building
    assert lock is not None and hold_build_lock(path) is None
    assert wait_for_build(path, timeout=0.1)  # held: waited, then gave up
    os.close(lock)
    assert not wait_for_build(path)  # free: no wait
    assert cache_paths(path)[0].parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("plant", ["symlink", "fifo", "folder"])
def test_a_planted_build_lock_is_ignored(tmp_path: Path, plant: str) -> None:
    path = tmp_path / "journal.json"
    write(path, TABLES)
    folder = cache_paths(path)[0].parent
    folder.mkdir(mode=0o700)
    lock = folder / "journal.json.search-build"
    if plant == "symlink":
        lock.symlink_to(tmp_path / "elsewhere")
    elif plant == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    assert hold_build_lock(path) is None and not wait_for_build(path)
    assert not (tmp_path / "elsewhere").exists()
    done = _program(path, "week", "--today", TODAY)  # answers; the cache is simply not built
    assert done.returncode == 0 and "# Week" in done.stdout
