"""The data file: canonical bytes, atomic writes, lock + reload, refusal to touch bad files."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import time
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
    assert len(changed) == 6, diff  # the summary, updated_at, and when the summary changed
    assert '+      "summary": "new summary",' in changed
    assert sorted(line[0] for line in changed if '"updated_at"' in line) == ["+", "-"]
    assert changed[:3] == ['+      "edited_at": {', f'+        "summary": {changed[-1].split(": ")[1]}',
                           "+      },"]
    hunks = [line for line in diff.splitlines() if line.startswith("@@")]
    assert len(hunks) <= 2  # all within that one entry


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


# -- the splice path: files this program wrote are rewritten as bytes, not re-dumped -------------

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _entry_doc(rng: random.Random, n: int) -> dict:
    doc = {"date": f"2026-11-{rng.randint(10, 28)}", "event": f"事件 {n} \"q\" \\", "status": "done",
           "created_at": "2026-11-23T00:00:00.000000Z", "updated_at": "2026-11-23T00:00:00.000000Z"}
    if rng.random() < 0.5:
        doc["tags"] = sorted({rng.choice("abc"), "标签"})
    if rng.random() < 0.3:
        doc["summary"] = "line one\nline two"
    if rng.random() < 0.5:
        doc["contact_ids"] = sorted(set(rng.sample(_POOL, rng.randint(1, 2))))
    return doc


_POOL = ["01KAAAAAAAAAAAAAAAAAAAAAA" + c for c in "ABC"]


def test_spliced_writes_are_byte_identical_to_a_full_dump(tmp_path: Path) -> None:
    """Random inserts, replacements and removals at the start, middle and end of tables (and
    tables becoming empty or appearing), through fresh stores (raw snapshots from the layout note)
    and long-lived ones (changes piled on a snapshot): the file always equals dump_canonical of
    what it should hold, and the store reads back what was written."""
    rng = random.Random(20261123)
    path = tmp_path / "journal.json"
    model: dict[str, dict] = {"entries": {}, "days": {}, "extra": {}}
    long_lived = JournalStore(path)
    for step in range(150):
        store = long_lived if step % 3 == 0 else JournalStore(path)
        with store.transaction() as tx:
            for _ in range(rng.choice((1, 1, 2, 5))):
                table = rng.choice(("entries", "entries", "days", "extra"))
                docs = model[table]
                op = rng.choice(("insert", "replace", "remove")) if docs else "insert"
                if op == "insert":
                    if table == "entries":
                        key = "".join(rng.choice(_CROCKFORD) for _ in range(26))
                        doc = _entry_doc(rng, step)
                    elif table == "days":
                        key, doc = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", {
                            "note": f"note {step}", "created_at": "x" * 20, "updated_at": "y" * 20}
                    else:  # a table this program does not know, with keys no id looks like
                        key, doc = rng.choice(["a b", "é", "z", "A", "k\"q"]), {"v": [step, {}]}
                    if key in docs:
                        continue
                    tx.insert(table, doc, key)
                    docs[key] = doc
                elif op == "replace":
                    key = rng.choice(sorted(docs))
                    doc = dict(docs[key], event=f"changed {step}") if table == "entries" else \
                        dict(docs[key], note=f"changed {step}")
                    tx.replace(table, key, doc)
                    docs[key] = doc
                else:
                    key = rng.choice(sorted(docs))
                    tx.remove(table, key)
                    del docs[key]
        expected = {name: table for name, table in model.items() if table}
        expected["meta"] = {"schema": {"schema_version": 1}}
        assert path.read_bytes() == dump_canonical(expected), step
        fresh = JournalStore(path)
        view = fresh.view()
        for key, doc in list(model["entries"].items())[:3]:
            assert view.get_doc("entries", key) == doc
            assert view.ids_matching("entries", key[:5]) >= {key}
            assert view.ids_matching("entries", key[-4:]) >= {key}
        low, high = sorted(f"2026-11-{rng.randint(9, 29)}" for _ in range(2))
        dated = view.field_between("entries", "date", low, high)
        assert {i for i, d in dated.items() if low <= d["date"] <= high} == \
            {i for i, d in model["entries"].items() if low <= d["date"] <= high}
        linked = view.mentioning("entries", _POOL[:2])
        assert {i for i, d in linked.items() if set(d.get("contact_ids", ())) & set(_POOL[:2])} == \
            {i for i, d in model["entries"].items() if set(d.get("contact_ids", ())) & set(_POOL[:2])}
        if step % 10 == 0:  # the same questions answered from a long-lived store's snapshot
            view = long_lived.view()
            assert view.field_between("entries", "date", low, high).keys() >= \
                {i for i, d in model["entries"].items() if low <= d["date"] <= high}
        assert fresh.read() == {**{n: {} for n in ("contacts", "days", "entries", "merged",
                                                   "organisations", "projects", "reviews")},
                                **expected}


def test_add_reads_only_the_tables_it_needs(jfile: Path) -> None:
    journal = Journal(jfile)
    _add(journal, 30)
    journal = Journal(jfile)  # a fresh process: the file is ours, with its layout note
    entry, _ = journal.add_entry(event="one more", date="2026-11-24",
                                 links=LinkRequest(contacts=["张伟"]))
    states = journal.store._snap.states  # noqa: SLF001 - what was parsed is the point
    assert states["entries"].parsed is None and states["contacts"].parsed is not None
    raw = jfile.read_bytes()
    assert raw == dump_canonical(orjson.loads(raw))
    listed = Journal(jfile).linked_entry_ids("contact", next(iter(load_file(jfile)["contacts"])))
    assert len(listed) == 31 and entry.id in listed


def test_file_changed_in_place_keeping_size_and_mtime_is_checked_in_full(jfile: Path) -> None:
    """The notes trust a file by (inode, size, mtime_ns); the crc32 in the layout note catches a
    same-size in-place edit whose mtime was put back, so it is validated (and refused) in full."""
    journal = Journal(jfile)
    _add(journal, 3)
    st = jfile.stat()
    raw = jfile.read_bytes()
    with open(jfile, "r+b") as out:
        out.write(raw.replace(b'"date": "2026-11-23"', b'"date": "2026-11-33"', 1))
    os.utime(jfile, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (jfile.stat().st_ino, jfile.stat().st_size, jfile.stat().st_mtime_ns) == \
        (st.st_ino, st.st_size, st.st_mtime_ns)
    with pytest.raises(StorageError, match="invalid date"):
        Journal(jfile).tables  # noqa: B018


def test_trusted_file_of_a_newer_schema_is_still_refused(jfile: Path) -> None:
    journal = Journal(jfile)
    _add(journal, 1)
    with journal.store.transaction() as tx:
        tx.replace("meta", "schema", {"schema_version": 99})
    before = jfile.read_bytes()
    for command in (lambda j: j.tables, lambda j: j.add_entry(event="x", date="2026-11-23")):
        with pytest.raises(StorageError, match="newer journal"):
            command(Journal(jfile))
    assert jfile.read_bytes() == before


@pytest.mark.parametrize("damage", ["garbage", "wrong spans", "missing"])
def test_a_damaged_layout_note_only_costs_speed(jfile: Path, damage: str) -> None:
    """The layout note is derived: when it cannot be believed, the file is parsed (and, without a
    matching note, validated) in full, and writes stay canonical."""
    journal = Journal(jfile)
    ids = _add(journal, 5)
    note = jfile.parent / ".journal-cache" / f"{jfile.name}.layout"
    if damage == "garbage":
        note.write_bytes(b"\x00not json")
    elif damage == "missing":
        note.unlink()
    else:
        layout = orjson.loads(note.read_bytes())
        layout["tables"]["entries"][0] += 7  # key and crc32 still match the file
        note.write_bytes(orjson.dumps(layout))
    fresh = Journal(jfile)
    assert fresh.get_entry(ids[2][-6:]).id == ids[2]
    assert fresh.view["entries"].keys() == set(ids)
    fresh.edit_entry(ids[0], {"summary": "after the damage"})
    raw = jfile.read_bytes()
    assert raw == dump_canonical(orjson.loads(raw))
    assert load_file(jfile)["entries"][ids[0]]["summary"] == "after the damage"


def test_text_orjson_cannot_encode_is_refused_and_nothing_is_written(jfile: Path) -> None:
    """A lone surrogate (possible from the TUI: any str) fails the encoding of the changed
    document: a StorageError, the file untouched, the store still usable."""
    journal = Journal(jfile)
    _add(journal, 2)
    before = jfile.read_bytes()
    journal = Journal(jfile)
    with pytest.raises(StorageError, match="cannot encode"):
        journal.set_day_note("2026-11-20", "bad \ud800 note")
    assert jfile.read_bytes() == before
    journal.set_day_note("2026-11-20", "good note")
    assert Journal(jfile).day_note("2026-11-20") == "good note"


def test_an_open_journal_notices_an_in_place_rewrite_that_put_the_mtime_back(jfile: Path) -> None:
    """A process holding the data in memory (the app) compares the file's stat key with the one it
    loaded: inode, size and mtime can all be kept by an in-place rewrite, the ctime cannot."""
    journal = Journal(jfile)
    _add(journal, 3)
    settled = time.time_ns() - 60 * 10**9
    os.utime(jfile, ns=(settled, settled))
    entry_id = next(iter(journal.tables["entries"]))
    event = journal.tables["entries"][entry_id]["event"]
    st = jfile.stat()
    raw = jfile.read_bytes()
    forged = raw.replace(f'"event": "{event}"'.encode(), f'"event": "{event[::-1]}"'.encode(), 1)
    assert forged != raw and len(forged) == len(raw)
    with open(jfile, "r+b") as out:
        out.write(forged)
    os.utime(jfile, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert journal.tables["entries"][entry_id]["event"] == event[::-1]
