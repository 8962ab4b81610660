"""Concurrent writers: CLI processes and a long-lived in-process service (the TUI's stand-in) add and
edit at the same time; nothing acknowledged is lost, nothing is created twice, the file stays valid.

The storage promise under test: every change is lock → reload if the file changed → apply → one
atomic write, so a writer never bases its change on a stale copy.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from journal.service import Journal, LinkRequest
from journal.storage import load_file
from journal.text import fold

from ._support import HERE, JOURNAL_EXE, record_stats, run_cli, temp_leftovers

LOOP = HERE / "_cli_loop.py"
TIMEOUT_S = 600  # hang guard only


class Children:
    """CLI loop processes started together (they wait for a byte on stdin)."""

    def __init__(self, path: Path, specs: list[tuple[str, int, str, list[str]]]) -> None:
        self.procs = [subprocess.Popen(
            [sys.executable, str(LOOP), str(path), tag, str(count), mode, *shared],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for tag, count, mode, shared in specs]
        for proc in self.procs:
            assert proc.stdout is not None
            assert proc.stdout.readline() == b"READY\n", proc.stderr.read() if proc.stderr else ""

    def go(self) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(b"g")
            proc.stdin.close()
            proc.stdin = None  # communicate() must not flush it again

    def finish(self) -> list[str]:
        """Wait for all; return every acknowledgement line; fail if any command failed."""
        lines: list[str] = []
        for proc in self.procs:
            out, err = proc.communicate(timeout=TIMEOUT_S)
            text = out.decode()
            assert proc.returncode == 0 and text.endswith("DONE\n"), err.decode()
            lines.extend(line for line in text.splitlines() if line not in ("READY", "DONE"))
        return lines


def _ids_named(tables: dict, table: str, name: str) -> list[str]:
    return [i for i, d in tables.get(table, {}).items() if fold(d["name"]) == fold(name)]


def _check(path: Path, acks: list[str], expected_entries: int) -> dict:
    data = load_file(path)  # parses and validates
    entries = data.get("entries", {})
    for line in acks:
        kind, doc_id, rest = line.split(" ", 2)
        assert doc_id in entries, f"acknowledged change lost: {line}"
        if kind == "A":
            assert entries[doc_id]["event"] == rest
        elif kind == "L":
            contact = _ids_named(data, "contacts", rest)
            assert len(contact) == 1, (rest, contact)
            assert contact[0] in entries[doc_id].get("contact_ids", []), f"link lost: {line}"
        elif kind == "T":
            assert rest in entries[doc_id].get("tags", []), f"tag lost: {line}"
    assert len(entries) == expected_entries
    # Names created concurrently by several writers exist once (each writer re-read before creating).
    names = Counter(fold(d["name"]) for t in ("contacts", "projects", "organisations")
                    for d in data.get(t, {}).values())
    assert [n for n, c in names.items() if c > 1] == []
    assert run_cli(path, "doctor").code == 0
    assert temp_leftovers(path) == []
    return data


def _mixed_run(path: Path, per_writer: int) -> None:
    tui = Journal(path)  # opened before anything else and kept open: the long-lived TUI
    shared = [tui.add_entry(event=f"shared {i}", date="2026-11-20")[0].id for i in range(3)]
    assert tui.tables["entries"]  # loaded now; every later change must notice the others' writes
    children = Children(path, [(f"cli{k}", per_writer, "mixed", shared) for k in range(3)])
    children.go()
    acks: list[str] = []
    for i in range(per_writer):
        if i % 4 == 3:
            target = shared[i % len(shared)]
            tui.edit_entry(target, {"summary": f"tui edit {i}"},
                           add=LinkRequest(contacts=[f"tui contact {i}"], projects=["共享项目"]))
            acks.append(f"L {target} tui contact {i}")
        else:
            entry, _ = tui.add_entry(event=f"tui entry {i}", date="2026-11-23",
                                     links=LinkRequest(contacts=["共享联系人"],
                                                       organisations=["共享银行"]))
            acks.append(f"A {entry.id} {entry.event}")
    acks += children.finish()
    adds = sum(line.startswith("A ") for line in acks)
    data = _check(path, acks, expected_entries=len(shared) + adds)
    # The TUI's own view caught up with everybody's writes.
    assert set(tui.tables["entries"]) == set(data["entries"])
    record_stats(concurrent_writes_checked=len(acks))


def test_three_cli_loops_and_the_tui_fast(jpath: Path) -> None:
    _mixed_run(jpath, per_writer=40)


@pytest.mark.slow
def test_three_cli_loops_and_the_tui_slow(jpath: Path) -> None:
    _mixed_run(jpath, per_writer=300)


def _two_adders(path: Path, each: int) -> None:
    children = Children(path, [(f"p{k}", each, "add", []) for k in range(2)])
    children.go()
    acks = children.finish()
    assert len(acks) == 2 * each
    _check(path, acks, expected_entries=2 * each)
    record_stats(concurrent_writes_checked=len(acks))


def test_core_two_processes_add_concurrently_fast(jpath: Path) -> None:
    """Core acceptance, small: two processes adding 60 entries each end with 120."""
    _two_adders(jpath, 60)


@pytest.mark.slow
def test_core_two_processes_add_200_each(jpath: Path) -> None:
    """Core acceptance: two processes adding 200 entries each concurrently end with 400 entries."""
    _two_adders(jpath, 200)


def _two_shell_loops(path: Path, each: int) -> None:
    """The same with the real ``journal`` executable, one process per entry, as users run it."""
    script = ('for i in $(seq 1 "$2"); do "$3" --file "$4" add "$1 shell $i" -c 张伟 -o 工商银行 '
              '>/dev/null || exit 3; done')
    procs = [subprocess.Popen(["bash", "-c", script, "loop", tag, str(each), str(JOURNAL_EXE),
                               str(path)], stderr=subprocess.PIPE) for tag in ("s1", "s2")]
    for proc in procs:
        _, err = proc.communicate(timeout=TIMEOUT_S)
        assert proc.returncode == 0, err.decode()
    data = _check(path, [], expected_entries=2 * each)
    events = {d["event"] for d in data["entries"].values()}
    assert events == {f"{t} shell {i}" for t in ("s1", "s2") for i in range(1, each + 1)}
    assert len(data["contacts"]) == 1 and len(data["organisations"]) == 1
    record_stats(concurrent_writes_checked=2 * each)


def test_two_real_journal_add_loops_fast(jpath: Path) -> None:
    _two_shell_loops(jpath, 4)


@pytest.mark.slow
def test_two_real_journal_add_loops_200_each(jpath: Path) -> None:
    """Core acceptance with real processes: `journal add` run 2 x 200 times at once -> 400."""
    _two_shell_loops(jpath, 200)


def _tag_race(path: Path, each: int) -> None:
    journal = Journal(path)
    shared = [journal.add_entry(event=f"tagged {i}", date="2026-11-20")[0].id for i in range(2)]
    children = Children(path, [(f"t{k}", each, "tag", shared) for k in range(2)])
    children.go()
    acks = children.finish()
    _check(path, acks, expected_entries=len(shared))
    record_stats(concurrent_writes_checked=len(acks))


def test_concurrent_edit_tag_keeps_every_tag(jpath: Path) -> None:
    """`journal edit ID --tag X` from two terminals at once: every acknowledged tag is kept.

    Was a defect: cmd_edit computed the new tag list from a read outside the transaction, so a tag
    added meanwhile by the other process was lost; tags are now added under the lock."""
    _tag_race(jpath, 25)
