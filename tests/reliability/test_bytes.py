"""Byte-level promises of the file format (the Core issue): one canonical byte form, so rewriting
unchanged data gives identical bytes, and a one-document edit touches only that document's lines in
``git diff`` (checked with a real repository and the real ``git``)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import Entry, utc_now
from journal.service import Journal, LinkRequest
from journal.storage import JournalStore, load_file, new_id

from ._support import record_stats, run_cli, seed, stored_form


def _rich_journal(path: Path) -> Journal:
    journal = Journal(path)
    for i in range(12):
        journal.add_entry(event=f"拜访 {i} «ACME»", date=f"2026-11-{10 + i}", time="09:30",
                          summary=f"第一行\n第二行 {i}\ttab \"quoted\" \\ backslash",
                          tags=["客户", f"t{i % 3}"], status="done" if i % 2 else "planned",
                          links=LinkRequest(contacts=[f"张伟 ({'工商银行' if i % 2 else '建设银行'})"],
                                            projects=["贷款"]))
    journal.add_document("contact", "李娜", {"phones": ["+86 138 0000 0000"], "cadence_days": 30,
                                            "birthday": "--02-29", "notes": "多行\n备注"})
    journal.set_day_note("2026-11-20", "周五\n好天气")
    return journal


def test_rewriting_unchanged_data_gives_identical_bytes(jpath: Path) -> None:
    journal = _rich_journal(jpath)
    raw = jpath.read_bytes()
    assert raw.endswith(b"}\n") and not raw.endswith(b"\n\n")
    assert "张伟".encode() in raw  # UTF-8, not \u escapes
    assert stored_form(load_file(jpath)) == raw  # the canonical form of what it holds
    # A whole-content rewrite of the same data (what restore and merges do) ...
    store = JournalStore(jpath)
    store.replace_all(load_file(jpath))
    assert jpath.read_bytes() == raw
    # ... and a transaction that changes nothing writes nothing at all.
    before = os.stat(jpath)
    with journal.store.transaction():
        pass
    assert os.stat(jpath).st_mtime_ns == before.st_mtime_ns and jpath.read_bytes() == raw
    # Setting a value to what it already is changes only updated_at.
    entry_id = next(iter(load_file(jpath)["entries"]))
    old_doc = load_file(jpath)["entries"][entry_id]
    journal.edit_entry(entry_id, {"summary": old_doc["summary"]})
    new_doc = load_file(jpath)["entries"][entry_id]
    assert {k for k in new_doc if new_doc[k] != old_doc.get(k)} == {"updated_at"}


def test_insertion_order_does_not_matter(tmp_path: Path) -> None:
    """Two machines holding the same documents, built in different orders, write the same bytes."""
    now = utc_now()
    docs = [(new_id(), Entry(date=f"2026-11-{1 + i:02d}", event=f"e{i}", tags=["b", "a"],
                             created_at=now, updated_at=now).to_doc()) for i in range(20)]
    paths = []
    for name, order in (("a", docs), ("b", list(reversed(docs)))):
        path = tmp_path / name / "journal.json"
        store = JournalStore(path)
        with store.transaction() as tx:
            for doc_id, doc in order:
                tx.insert("entries", dict(reversed(list(doc.items()))), doc_id)
        paths.append(path)
    assert paths[0].read_bytes() == paths[1].read_bytes()


_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)


@pytest.mark.parametrize("budget", [pytest.param(25, id="fast"),
                                    pytest.param(300, id="slow", marks=pytest.mark.slow)])
def test_round_trip_is_byte_stable_for_any_text(tmp_path: Path, budget: int) -> None:
    counter = iter(range(10**9))

    @settings(max_examples=budget, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(_text, _text, st.lists(_text, max_size=3)), min_size=1, max_size=5))
    def body(items: list[tuple[str, str, list[str]]]) -> None:
        path = tmp_path / f"{next(counter)}.json"
        journal = Journal(path)
        for event, summary, tags in items:
            try:
                journal.add_entry(event=event, date="2026-11-23", summary=summary, tags=tags)
            except Exception as exc:  # noqa: BLE001 - only validation refusals are expected
                from journal.errors import ValidationError

                assert isinstance(exc, ValidationError), exc
        if not path.exists():
            return
        raw = path.read_bytes()
        JournalStore(path).replace_all(load_file(path))
        assert path.read_bytes() == raw
        assert stored_form(load_file(path)) == raw

    body()
    record_stats(hostile_inputs_tried=budget)


# -- git diff of one edit ------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def _block(raw: str, doc_id: str) -> range:
    """1-based line numbers of a document's block (its id line through its closing brace)."""
    lines = raw.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f'    "{doc_id}": {{'))
    end = next(i for i in range(start, len(lines)) if lines[i] in ("    }", "    },"))
    return range(start + 1, end + 2)


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.M)


def _hunks(diff: str) -> list[tuple[range, range]]:
    out = []
    for m in _HUNK.finditer(diff):
        old_start, old_len = int(m[1]), int(m[2] if m[2] is not None else 1)
        new_start, new_len = int(m[3]), int(m[4] if m[4] is not None else 1)
        out.append((range(old_start, old_start + old_len), range(new_start, new_start + new_len)))
    return out


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / ".gitignore").write_text("*.lock\n*.tmp-*\n.journal-backups/\n.journal-cache/\n")
    path = folder / "journal.json"
    seed(path, 60, contacts=8)
    _rich_journal(path)
    _git(folder, "add", ".")
    _git(folder, "commit", "-qm", "base")
    return folder


@pytest.mark.parametrize("how", ["cli-summary", "cli-event-and-link", "service-edit", "cli-tag"])
def test_one_entry_edit_touches_only_that_entry_in_git_diff(repo: Path, how: str) -> None:
    path = repo / "journal.json"
    old = path.read_text(encoding="utf-8")
    entries = sorted(load_file(path)["entries"])
    target = entries[len(entries) // 2]
    if how == "cli-summary":
        result = run_cli(path, "edit", target, "--summary", "新的总结\\n第二行")
    elif how == "cli-event-and-link":
        result = run_cli(path, "edit", target, "--event", "Changed", "-c", "联系人 3")
    elif how == "cli-tag":
        result = run_cli(path, "edit", target, "--tag", "new-tag")
    else:
        Journal(path).edit_entry(target, {"summary": "TUI edit", "time": "10:00"},
                                 add=LinkRequest(projects=["贷款"]))
        result = None
    assert result is None or result.code == 0, result
    new = path.read_text(encoding="utf-8")
    diff = _git(repo, "diff", "-U0", "--no-color", "journal.json")
    hunks = _hunks(diff)
    assert hunks, "the edit changed nothing"
    old_block, new_block = _block(old, target), _block(new, target)
    for old_lines, new_lines in hunks:
        assert all(n in old_block for n in old_lines), (how, diff)
        assert all(n in new_block for n in new_lines), (how, diff)
    numstat = _git(repo, "diff", "--numstat", "journal.json").split()
    # a few lines, not a rewrite: the fields, and when each changed field changed (edited_at)
    assert int(numstat[0]) <= 13 and int(numstat[1]) <= 4, (how, diff)
    record_stats(git_diffs_checked=1)


def test_adding_a_contact_touches_only_its_lines(repo: Path) -> None:
    """Adding a document inserts its block; at most one neighbouring closing brace gains a comma."""
    path = repo / "journal.json"
    result = run_cli(path, "contact", "add", "新客户", "--title", "经理")
    assert result.code == 0, result
    new = path.read_text(encoding="utf-8")
    block = _block(new, result.out.strip())
    diff = _git(repo, "diff", "-U0", "--no-color", "journal.json")
    removed = [line for line in diff.splitlines() if line.startswith("-") and line[1:3] != "--"]
    assert removed in ([], ["-    }"]), diff
    for _, new_lines in _hunks(diff):
        assert all(n in block or n == block.start - 1 for n in new_lines), diff
