"""`journal import` and `journal restore` leave the search cache describing the file they wrote,
so the first search after them is a warm one: the cache is used as is, not built again, and it
answers exactly as a fresh index over the file does."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

import journal.search.cache.reader as reader
from journal.search.cache.reader import cache_paths, open_journal, read_note
from journal.search.index import SearchIndex
from journal.storage import load_file
from tests.corpus import ANCHOR

QUERIES = ["visit", "张伟", "contact:zw", "org:工商银行", "tag:loan", "from:2026-01 status:done", "-visit"]


def _csv(path: Path, rows: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["date", "time", "event", "summary", "contacts", "organisations", "tags"])
        for i in range(start, start + rows):
            writer.writerow([f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}", f"{8 + i % 10:02d}:30",
                             f"Client visit #{i} 拜访", "讨论贷款" if i % 3 else "",
                             "张伟 (工商银行)" if i % 4 == 0 else f"Contact {i % 37}",
                             "工商银行" if i % 4 == 0 else "", "loan" if i % 5 == 0 else ""])
    return path


def _warm(path: Path) -> Path:
    """The cache file, after checking it describes ``path`` as it is."""
    cache, note_file = cache_paths(path)
    note = read_note(note_file)
    st = path.stat()
    assert note is not None and note.stat == (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    assert note.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert cache.stat().st_mode & 0o777 == 0o600
    return cache


def _served_without_a_build(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cache was built again")

    cache = _warm(path)
    before = cache.stat().st_ino
    with monkeypatch.context() as patch:
        patch.setattr(reader, "_build", refuse)
        cached = open_journal(path)
        fresh = SearchIndex(load_file(path))
        for query in QUERIES:
            assert cached.index.search(query, today=ANCHOR) == fresh.search(query, today=ANCHOR)
    assert cache.stat().st_ino == before


def test_import_leaves_a_warm_cache(cli, jfile: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("import", str(_csv(tmp_path / "a.csv", 300))).code == 0
    _served_without_a_build(jfile, monkeypatch)
    # a second import into a journal that has a cache: refreshed, again warm
    assert cli("import", str(_csv(tmp_path / "b.csv", 120, start=300))).code == 0
    _served_without_a_build(jfile, monkeypatch)
    found = cli("search", "#310")
    assert found.code == 0 and "Client visit #310" in found.out


def test_an_import_that_changes_nothing_keeps_the_cache(cli, jfile: Path, tmp_path: Path) -> None:
    source = _csv(tmp_path / "a.csv", 50)
    assert cli("import", str(source)).code == 0
    cache = _warm(jfile)
    stamp = cache.stat().st_mtime_ns
    assert cli("import", str(source)).code == 0  # all present already
    assert _warm(jfile).stat().st_mtime_ns == stamp


def test_restore_leaves_a_warm_cache(cli, jfile: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("import", str(_csv(tmp_path / "a.csv", 200))).code == 0
    assert cli("import", str(_csv(tmp_path / "b.csv", 100, start=200))).code == 0
    backup = sorted((jfile.parent / ".journal-backups").iterdir())[-1]  # before the second
    assert cli("restore", str(backup), "--yes").code == 0
    _served_without_a_build(jfile, monkeypatch)
    assert "#250" not in cli("search", "visit").out


def test_a_cache_that_cannot_be_written_does_not_fail_the_import(cli, jfile: Path,
                                                                  tmp_path: Path) -> None:
    (jfile.parent / ".journal-cache").write_text("not a folder")
    result = cli("import", str(_csv(tmp_path / "a.csv", 30)))
    assert result.code == 0 and "imported 30 entries" in result.out
    assert "Client visit #7" in cli("search", "#7").out


def test_the_program_leaves_the_indexing_to_a_child(tmp_path: Path) -> None:
    """`journal import` as a program prints its report and ends; a child indexes the import
    under the build lock, which a search waits on."""
    import os
    import subprocess
    import sys

    from journal.search.cache.background import wait_for_build

    path = tmp_path / "journal.json"
    env = {**os.environ, "JOURNAL_FILE": str(path)}
    done = subprocess.run([sys.executable, "-m", "journal", "import", str(_csv(tmp_path / "a.csv", 200))],
                          capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and "imported 200 entries" in done.stdout
    wait_for_build(path)
    _warm(path)
    found = subprocess.run([sys.executable, "-m", "journal", "search", "#150"], capture_output=True,
                           text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert found.returncode == 0 and "Client visit #150" in found.stdout
