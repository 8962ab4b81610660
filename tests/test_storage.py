"""The data file: canonical bytes, atomic writes, lock + reload, refusal to touch bad files."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import orjson
import pytest

from journal.errors import StorageError
from journal.service import Journal, LinkRequest
from journal.storage import JournalStore, dump_canonical, load_file
from tests.helpers import run_process


def _add(journal: Journal, n: int, prefix: str = "Visit") -> list[str]:
    return [journal.add_entry(event=f"{prefix} {i}", date="2026-11-23",
                              links=LinkRequest(contacts=["张伟"]))[0].id for i in range(n)]


def test_new_file_is_canonical_utf8_and_private(jfile: Path) -> None:
    journal = Journal(jfile)
    _add(journal, 2)
    raw = jfile.read_bytes()
    assert "张伟".encode() in raw  # not \u escaped
    assert raw.endswith(b"}\n")
    assert raw == dump_canonical(orjson.loads(raw))
    assert stat.S_IMODE(jfile.stat().st_mode) == 0o600
    assert orjson.loads(raw)["meta"]["schema"]["schema_version"] == 1


def test_rewriting_unchanged_data_gives_identical_bytes(jfile: Path) -> None:
    journal = Journal(jfile)
    _add(journal, 3)
    before = jfile.read_bytes()
    JournalStore(jfile).replace_all(load_file(jfile))
    assert jfile.read_bytes() == before


def test_hand_formatted_file_is_read_and_canonicalised(jfile: Path) -> None:
    journal = Journal(jfile)
    _add(journal, 1)
    data = orjson.loads(jfile.read_bytes())
    jfile.write_text(__import__("json").dumps(data))  # compact, ASCII-escaped
    journal2 = Journal(jfile)
    _add(journal2, 1, "Call")
    assert jfile.read_bytes() == dump_canonical(orjson.loads(jfile.read_bytes()))
    assert len(journal2.tables["entries"]) == 2


def test_one_edit_touches_only_that_entrys_lines_in_git_diff(jfile: Path) -> None:
    journal = Journal(jfile)
    ids = _add(journal, 20)
    subprocess.run(["git", "init", "-q"], cwd=jfile.parent, check=True)
    subprocess.run(["git", "add", jfile.name], cwd=jfile.parent, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
                   cwd=jfile.parent, check=True)
    journal.edit_entry(ids[7], {"summary": "new summary"})
    diff = subprocess.run(["git", "diff", "-U0", "--no-color"], cwd=jfile.parent, check=True,
                          capture_output=True, text=True).stdout
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 3, diff
    assert '+      "summary": "new summary",' in changed
    assert sorted(line[0] for line in changed if '"updated_at"' in line) == ["+", "-"]
    hunks = [line for line in diff.splitlines() if line.startswith("@@")]
    assert len(hunks) <= 2  # the new summary line and the updated_at line of that one entry


def test_outside_change_is_seen_and_kept(jfile: Path) -> None:
    """A `journal add` in another process while this one holds the file open."""
    mine = Journal(jfile)
    _add(mine, 1, "Mine")
    result = run_process("--file", str(jfile), "add", "From another terminal")
    assert result.returncode == 0, result.stderr
    _add(mine, 1, "Mine again")
    events = {d["event"] for d in load_file(jfile)["entries"].values()}
    assert events == {"Mine 0", "From another terminal", "Mine again 0"}
    assert "From another terminal" in {d["event"] for d in mine.tables["entries"].values()}


def test_file_replaced_like_git_pull_is_reloaded(jfile: Path) -> None:
    mine = Journal(jfile)
    _add(mine, 1, "Mine")
    other = jfile.with_name("other.json")
    Journal(other).add_entry(event="Pulled", date="2026-11-20")
    data = load_file(jfile)
    data["entries"].update(load_file(other)["entries"])
    tmp = jfile.with_name("pulled.tmp")
    tmp.write_bytes(dump_canonical(data))
    os.replace(tmp, jfile)  # git checkout swaps the inode
    _add(mine, 1, "After pull")
    events = {d["event"] for d in load_file(jfile)["entries"].values()}
    assert events == {"Mine 0", "Pulled", "After pull 0"}


BAD_FILES = {
    "truncated": None,  # filled in the test from a good file
    "invalid json": b"{\"entries\": {",
    "wrong shape": b"[1, 2, 3]\n",
    "wrong type": (b'{"entries": {"01KAAAAAAAAAAAAAAAAAAAAAAA": {"date": 5, "event": "x", '
                   b'"status": "done"}}}'),
    "future schema": b'{"meta": {"schema": {"schema_version": 99}}}',
    "conflict markers": b'{\n<<<<<<< HEAD\n"a": 1\n=======\n"a": 2\n>>>>>>> other\n}\n',
    "empty": b"",
    "bad date": (b'{"entries": {"01KAAAAAAAAAAAAAAAAAAAAAAA": {"date": "2026-02-30", '
                 b'"event": "x", "status": "done", "created_at": "2026-01-01T00:00:00.000000Z", '
                 b'"updated_at": "2026-01-01T00:00:00.000000Z"}}}'),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_corrupt_file_fails_every_command_cleanly_and_is_untouched(kind: str, jfile: Path, cli) -> None:
    if kind == "truncated":
        Journal(jfile).add_entry(event="x" * 50, date="2026-11-23")
        raw = jfile.read_bytes()[:-40]
    else:
        raw = BAD_FILES[kind]
    jfile.write_bytes(raw)
    before = (jfile.read_bytes(), jfile.stat().st_mtime_ns)
    commands = [["list"], ["add", "Visit"], ["show", "01KAAAAAAAAAAAAAAAAAAAAAAA"],
                ["edit", "01KAAAAAAAAAAAAAAAAAAAAAAA", "--summary", "x"],
                ["delete", "01KAAAAAAAAAAAAAAAAAAAAAAA", "--yes"], ["contact", "add", "Li"],
                ["contact", "list"], ["org", "show", "x"], ["doctor"]]
    for command in commands:
        result = cli(*command)
        assert result.code == 1, (command, result)
        assert result.err.count("\n") == 1 and result.err.startswith("journal: "), result.err
        assert "Traceback" not in result.err
        assert str(jfile) in result.err
    assert (jfile.read_bytes(), jfile.stat().st_mtime_ns) == before


def test_directory_in_place_of_file(tmp_path: Path, cli) -> None:
    target = tmp_path / "journal.json"
    target.mkdir()
    for command in (["list"], ["add", "x"]):
        result = cli(*command, file=target)
        assert result.code == 1 and "directory" in result.err


def test_store_raises_storage_error_not_oserror(tmp_path: Path) -> None:
    target = tmp_path / "journal.json"
    target.mkdir()
    with pytest.raises(StorageError):
        JournalStore(target).read()


def test_failed_change_writes_nothing_and_memory_is_reloaded(jfile: Path) -> None:
    journal = Journal(jfile)
    _add(journal, 1)
    before = jfile.read_bytes()
    with pytest.raises(RuntimeError), journal.store.transaction() as tx:
        tx.insert("entries", {"date": "2026-11-23", "event": "half done", "status": "done",
                              "created_at": "2026-11-23T00:00:00.000000Z",
                              "updated_at": "2026-11-23T00:00:00.000000Z"})
        raise RuntimeError("boom")
    assert jfile.read_bytes() == before
    assert len(journal.tables["entries"]) == 1


def test_two_processes_adding_200_each_concurrently_keep_all_400(jfile: Path) -> None:
    script = (
        "import sys\n"
        "from journal.service import Journal, LinkRequest\n"
        "j = Journal(sys.argv[1])\n"
        "for i in range(200):\n"
        "    j.add_entry(event=f'{sys.argv[2]} {i}', date='2026-11-23',"
        " links=LinkRequest(contacts=['Shared Contact']) if i == 0 and sys.argv[2] == 'A' else None)\n"
    )
    procs = [subprocess.Popen([os.sys.executable, "-c", script, str(jfile), name])
             for name in ("A", "B")]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    entries = load_file(jfile)["entries"]
    assert len(entries) == 400
    assert {d["event"] for d in entries.values()} == {f"{n} {i}" for n in "AB" for i in range(200)}


def test_ids_are_ulids_and_unique(jfile: Path) -> None:
    journal = Journal(jfile)
    ids = _add(journal, 50)
    assert len(set(ids)) == 50 and all(len(i) == 26 for i in ids)
