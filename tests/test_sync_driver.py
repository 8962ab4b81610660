"""The merge driver on real files, the start-up driver check, and the conflicts API.

journal.sync.merge's own rules have their property tests in test_merge.py; here hypothesis drives the
*driver* (files in, canonical file out, the fast byte-level path against the general one), because
that is what git runs and what must never lose an id either side still has.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.cli import main
from journal.datafile.canonical import split_documents
from journal.errors import AmbiguousNameError, NotFoundError, ValidationError
from journal.service import Journal
from journal.storage import dump_canonical, load_file
from journal.sync.driver import _config_value, _driver_in_config, _merge_parsed
from journal.sync.git import driver_warning, merge_files

T0 = "2026-11-20T09:00:00.000000Z"
SCHEMA = {"schema": {"schema_version": 1}}


def ulid(n: int) -> str:
    return f"01HZZZZZZZZZZZZZZZZZZZZ{n:03d}"


def entry(n: int, stamp: str = T0, **fields: Any) -> dict[str, Any]:
    doc = {"date": "2026-11-20", "event": f"event {n}", "status": "done", "created_at": T0,
           "updated_at": stamp}
    doc.update(fields)
    return doc


def write(folder: Path, name: str, data: Any, *, compact: bool = False) -> Path:
    path = folder / name
    path.write_bytes(orjson.dumps(data) if compact else dump_canonical(data))
    return path


# -- the driver on files -----------------------------------------------------------------------------


def test_driver_merges_into_ours_and_says_what_it_did(tmp_path: Path) -> None:
    base = {"entries": {ulid(1): entry(1)}, "meta": SCHEMA}
    ours = {"entries": {ulid(1): entry(1), ulid(2): entry(2)}, "meta": SCHEMA}
    theirs = {"entries": {ulid(1): entry(1), ulid(3): entry(3)}, "meta": SCHEMA}
    paths = [write(tmp_path, n, d) for n, d in (("O", base), ("A", ours), ("B", theirs))]
    done = subprocess.run([sys.executable, "-P", "-m", "journal", "merge-driver", *map(str, paths),
                           "journal.json"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr == "journal: merged journal.json: 1 added\n"
    result = paths[1].read_bytes()
    assert result == dump_canonical({"entries": {ulid(i): entry(i) for i in (1, 2, 3)}, "meta": SCHEMA})
    assert list(tmp_path.glob("*.tmp-*")) == []


@pytest.mark.parametrize("broken", [b'{"entries": {', b"<<<<<<< ours\n{}\n=======\n{}\n>>>>>>> b\n",
                                    b'{"entries": {"X": 5}}', b'{"meta": {"schema": {"schema_version": 99}}}'])
def test_unreadable_input_leaves_the_conflict_to_git(tmp_path: Path, broken: bytes) -> None:
    base = write(tmp_path, "O", {"entries": {}, "meta": SCHEMA})
    ours = write(tmp_path, "A", {"entries": {ulid(1): entry(1)}, "meta": SCHEMA})
    theirs = tmp_path / "B"
    theirs.write_bytes(broken)
    before = ours.read_bytes()
    code, message = merge_files(base, ours, theirs, "journal.json")
    assert code == 1 and ours.read_bytes() == before
    assert message.startswith("journal: cannot merge journal.json automatically: the incoming version")
    assert "git leaves the conflict to you" in message and "\n" not in message


def test_no_common_ancestor_merges_both_journals(tmp_path: Path) -> None:
    base = tmp_path / "O"
    base.write_bytes(b"")  # git passes an empty file for an add/add conflict
    ours = write(tmp_path, "A", {"entries": {ulid(1): entry(1)}, "meta": SCHEMA})
    theirs = write(tmp_path, "B", {"entries": {ulid(2): entry(2)}, "meta": SCHEMA})
    assert merge_files(base, ours, theirs)[0] == 0
    assert sorted(load_file(ours)["entries"]) == [ulid(1), ulid(2)]


def test_split_refuses_anything_but_the_canonical_layout() -> None:
    data = {"entries": {ulid(1): entry(1, tags=["a"]), ulid(2): {}}, "days": {}, "meta": SCHEMA}
    raw = dump_canonical(data)
    split = split_documents(raw)
    assert split is not None and split["days"] == {} and sorted(split["entries"]) == [ulid(1), ulid(2)]
    assert orjson.loads(b"{" + split["entries"][ulid(1)] + b"}") == {ulid(1): data["entries"][ulid(1)]}
    odd = [orjson.dumps(data), raw[:-1], raw + b"\n", raw.replace(ulid(2).encode(), b'x\\"y'),
           dump_canonical({"entries": {ulid(1): 5}}), raw.replace(b'"days"', b'"zzz"')]
    assert [split_documents(r) for r in odd] == [None] * len(odd)


# Random edit scripts: each side adds, deletes and edits entries of a shared base.
FIELDS = st.sampled_from(["summary", "time", "tags", "contact_ids", "event"])
VALUES = {
    "summary": st.sampled_from(["", "short", "两行\n文字", "long " * 10]),
    "time": st.sampled_from([None, "09:00", "14:30"]),
    "tags": st.lists(st.sampled_from(["a", "b", "c"]), unique=True).map(sorted),
    "contact_ids": st.lists(st.sampled_from([ulid(900), ulid(901), ulid(902)]), unique=True).map(sorted),
    "event": st.sampled_from(["Visit", "Call", "拜访"]),
}
OPS = st.one_of(
    st.tuples(st.just("add"), st.integers(100, 140)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("edit"), st.integers(0, 9), FIELDS, st.data()),
)


def apply(base: dict[str, Any], script: list[Any], side: str, stamp: str) -> dict[str, Any]:
    data = orjson.loads(orjson.dumps(base))
    entries = data["entries"]
    for op in script:
        if op[0] == "add":
            entries[ulid(op[1] + (50 if side == "B" else 0))] = entry(op[1], stamp, summary=side)
        elif op[0] == "delete":
            entries.pop(ulid(op[1]), None)
        elif ulid(op[1]) in entries:
            doc = entries[ulid(op[1])]
            doc[op[2]] = op[3].draw(VALUES[op[2]])
            doc["updated_at"] = stamp
    return data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, max_size=8), st.lists(OPS, max_size=8), st.booleans(), st.booleans())
def test_driver_never_loses_an_id_and_is_deterministic(ours_ops: list[Any], theirs_ops: list[Any],
                                                       later_b: bool, compact: bool) -> None:
    base = {"entries": {ulid(i): entry(i, tags=["a"]) for i in range(10)}, "meta": SCHEMA}
    stamps = ("2026-11-21T09:00:00.000000Z", "2026-11-22T09:00:00.000000Z")
    ours = apply(base, ours_ops, "A", stamps[0] if later_b else stamps[1])
    theirs = apply(base, theirs_ops, "B", stamps[1] if later_b else stamps[0])
    folder = Path(tempfile.mkdtemp(prefix="driver-"))
    try:
        files = [write(folder, n, d, compact=compact and n == "B")
                 for n, d in (("O", base), ("A", ours), ("B", theirs))]
        shutil.copyfile(files[1], folder / "A2")
        shutil.copyfile(files[2], folder / "B2")
        assert merge_files(files[0], files[1], files[2])[0] == 0
        result = files[1].read_bytes()
        # same inputs, same bytes; and with the sides swapped (the other machine's merge)
        assert merge_files(files[0], folder / "A2", files[2])[0] == 0
        assert merge_files(files[0], folder / "B2", write(folder, "A3", ours))[0] == 0
        assert (folder / "A2").read_bytes() == result == (folder / "B2").read_bytes()
        # the byte-level fast path gives exactly what parsing everything gives
        raws = [dump_canonical(d) for d in (base, ours, theirs)]
        assert _merge_parsed(*raws, "journal.json")[0] == result
    finally:
        shutil.rmtree(folder)
    merged = orjson.loads(result)["entries"]
    assert result == dump_canonical(orjson.loads(result))
    for doc_id in ours["entries"].keys() | theirs["entries"].keys():
        mine, other = ours["entries"].get(doc_id), theirs["entries"].get(doc_id)
        deleted_untouched = (mine is None and other == base["entries"].get(doc_id)) or \
            (other is None and mine == base["entries"].get(doc_id))
        assert doc_id in merged or deleted_untouched, doc_id
        if mine is not None and other is not None:
            assert doc_id in merged


# -- the start-up check ------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(root))
    return root


def test_driver_warning(repo: Path, tmp_path: Path) -> None:
    data = repo / "notes" / "journal.json"
    data.parent.mkdir()
    assert driver_warning(tmp_path / "elsewhere" / "journal.json") is None
    assert driver_warning(data) is None  # a repository that does not use the driver
    (repo / ".gitattributes").write_text("# ours\nnotes/journal.json merge=journal\n")
    warning = driver_warning(data)
    assert warning is not None and "journal sync --setup" in warning and "\n" not in warning
    git(repo, "config", "merge.journal.driver", "journal merge-driver %O %A %B")
    assert driver_warning(data) is None
    git(repo, "config", "merge.journal.driver", "'/no/such/python' -P -m journal merge-driver %O %A %B")
    assert "/no/such/python" in (driver_warning(data) or "")
    git(repo, "config", "--unset", "merge.journal.driver")
    Path(tmp_path / "gitconfig").write_text('[merge "journal"]\n\tdriver = journal merge-driver %O %A %B\n')
    assert driver_warning(data) is None  # registered for the user, not the clone: fine too


def test_driver_warning_in_a_linked_worktree(repo: Path, tmp_path: Path) -> None:
    (repo / ".gitattributes").write_text("journal.json merge=journal\n")
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", ".gitattributes")
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "attrs")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    assert driver_warning(tmp_path / "wt" / "journal.json") is not None
    git(repo, "config", "merge.journal.driver", "journal merge-driver %O %A %B")
    assert driver_warning(tmp_path / "wt" / "journal.json") is None


def test_config_parsing() -> None:
    assert _driver_in_config('[merge "journal"]\n  driver = "a b" %O # note\n') == "a b %O"
    assert _driver_in_config('[merge.journal]\ndriver=x\n[merge "other"]\ndriver=y\n') == "x"
    assert _driver_in_config('[MERGE "journal"] driver = z\n') == "z"
    assert _driver_in_config('[merge "Journal"]\ndriver = z\n') is None
    assert _config_value(r'"C:\\py" -m \"q\"') == 'C:\\py -m "q"'


# -- conflicts: the service API and the CLI ------------------------------------------------------------


@pytest.fixture
def conflicted(tmp_path: Path) -> Path:
    """A journal whose entry X (ulid 1) holds two recorded values for summary, one for time."""
    path = tmp_path / "journal.json"
    records = [{"field": "summary", "value": "other A", "updated_at": T0, "recorded_at": T0},
               {"field": "summary", "value": "other B", "recorded_at": T0},
               {"field": "time", "value": "08:00", "recorded_at": T0}]
    data = {"entries": {ulid(1): entry(1, summary="now", time="10:00", conflicts=records),
                        ulid(2): entry(2, conflicts=[{"field": "event", "value": "old"}])},
            "days": {"2026-11-20": {"note": "mine", "created_at": T0, "updated_at": T0,
                                    "conflicts": [{"field": "note", "value": "theirs"}]}},
            "meta": SCHEMA}
    Journal(path).store.replace_all(data)
    return path


def test_conflicts_listed_and_resolved(conflicted: Path) -> None:
    journal = Journal(conflicted)
    listed = [(c.table, c.id, c.field, c.current, [r["value"] for r in c.records])
              for c in journal.conflicts()]
    assert listed == [("entries", ulid(1), "summary", "now", ["other A", "other B"]),
                      ("entries", ulid(1), "time", "10:00", ["08:00"]),
                      ("entries", ulid(2), "event", "event 2", ["old"]),
                      ("days", "2026-11-20", "note", "mine", ["theirs"])]
    with pytest.raises(ValidationError, match="--field"):
        journal.resolve_conflict(ulid(1), take="other")
    with pytest.raises(ValidationError, match="--take 1..2"):
        journal.resolve_conflict(ulid(1), field="summary", take="other")
    with pytest.raises(NotFoundError, match="it has: summary, time"):
        journal.resolve_conflict(ulid(1), field="event")
    with pytest.raises(NotFoundError):
        journal.resolve_conflict("2026-11-21")
    with pytest.raises(AmbiguousNameError):
        journal.resolve_conflict("01HZZ")

    journal.resolve_conflict(ulid(1)[-5:], field="summary", take=2)
    doc = journal.tables["entries"][ulid(1)]
    assert doc["summary"] == "other B" and doc["updated_at"] > T0
    assert [c["field"] for c in doc["conflicts"]] == ["time"]
    journal.resolve_conflict(ulid(1), take="other")
    assert journal.tables["entries"][ulid(1)]["time"] == "08:00"
    assert "conflicts" not in journal.tables["entries"][ulid(1)]
    journal.resolve_conflict("2026-11-20")  # keep the current note
    assert journal.tables["days"]["2026-11-20"]["note"] == "mine"
    journal.resolve_conflict(ulid(2), take=1)
    assert journal.tables["entries"][ulid(2)]["event"] == "old" and journal.conflicts() == []


def test_conflicts_cli(conflicted: Path, cli: Any) -> None:
    shown = cli("conflicts", file=conflicted)
    assert shown.code == 0
    assert shown.out.splitlines()[:4] == [
        f"entries {ulid(1)}  2026-11-20 event 1  [summary]",
        "    current: 'now'",
        f"    other 1: 'other A'  (edited {T0})",
        "    other 2: 'other B'"]
    assert "3 documents with conflicts" in shown.err
    assert len(orjson.loads(cli("conflicts", "--format", "json", file=conflicted).out)) == 4
    bad = cli("conflicts", "resolve", ulid(1), "--take", "zero", file=conflicted)
    assert bad.code == 2 and "--take is current, other or a number" in bad.err
    done = cli("conflicts", "resolve", ulid(1), "--field", "time", "--take", "other", file=conflicted)
    assert done.code == 0 and "resolved time" in done.out and "took the recorded value" in done.out
    assert cli("conflicts", "resolve", "2026-11-20", file=conflicted).code == 0
    assert main(["--file", str(conflicted), "conflicts", "resolve", ulid(1)]) == 0
    assert cli("conflicts", "resolve", ulid(2), file=conflicted).code == 0
    assert "no recorded conflicts" in cli("conflicts", file=conflicted).out
