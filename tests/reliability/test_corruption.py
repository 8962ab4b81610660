"""A damaged journal file is an error with the path and the reason — one line, no traceback — and is
never written: every command leaves it byte-for-byte unchanged (content and mtime).

Damage covered: truncated, invalid JSON, valid JSON of the wrong shape, wrong types inside a document,
a schema from a newer program, git conflict markers, an empty file, a directory / FIFO / symlink loop
in its place, no read permission, and a full disk while writing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from journal.service import Journal
from journal.storage import load_file

from ._support import (
    Result,
    Snapshot,
    assert_clean_failure,
    assert_no_traceback,
    record_stats,
    run_cli,
    run_exe,
    temp_leftovers,
)

ENTRY = "01KQ8E7V3Y6Q9R5T2W4X6Z8A0B"
CONTACT = "01KQ8E7V3Y6Q9R5T2W4X6Z8A0C"
T = "2026-11-20T09:00:00.000000Z"


def _good() -> dict:
    return {
        "contacts": {CONTACT: {"name": "张伟", "created_at": T, "updated_at": T}},
        "entries": {ENTRY: {"date": "2026-11-20", "event": "Visit", "status": "done",
                            "contact_ids": [CONTACT], "created_at": T, "updated_at": T}},
        "meta": {"schema": {"schema_version": 1}},
    }


def _dumps(data: object) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _with(path: tuple[str, ...], value: object) -> bytes:
    """The good file with one value replaced (``None`` path parts are dict keys to go through)."""
    data = _good()
    target: dict = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return _dumps(data)


GOOD = _dumps(_good())
CONFLICTED = GOOD.replace(b'      "event": "Visit",\n', b'<<<<<<< HEAD\n      "event": "Visit",\n'
                          b'=======\n      "event": "Visit to ACME",\n>>>>>>> laptop\n')

#: Files every command must refuse, untouched.
DAMAGED: dict[str, bytes] = {
    "truncated": GOOD[: len(GOOD) // 2],
    "truncated-one-byte": GOOD[:-3],
    "invalid-json": GOOD.replace(b'"Visit"', b"'Visit'"),
    "trailing-comma": GOOD.replace(b'"done"', b'"done",'),
    "nul-bytes": GOOD[:40] + b"\x00" * 64 + GOOD[40:],
    "binary-garbage": bytes(range(256)) * 4,
    "invalid-utf8": GOOD.replace(b"\xe5\xbc\xa0", b"\xff\xfe"),
    "utf16": GOOD.decode().encode("utf-16"),
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "top-level-list": b"[]\n",
    "top-level-string": b'"journal"\n',
    "top-level-null": b"null\n",
    "table-is-list": _with(("entries",), []),
    "meta-not-object": _with(("meta",), "v1"),
    "document-is-list": _with(("entries", ENTRY), ["Visit"]),
    "document-is-null": _with(("entries", ENTRY), None),
    "bad-id": _dumps({**_good(), "entries": {"1": _good()["entries"][ENTRY]}}),
    "event-number": _with(("entries", ENTRY, "event"), 5),
    "date-null": _with(("entries", ENTRY, "date"), None),
    "date-invalid": _with(("entries", ENTRY, "date"), "2026-02-30"),
    "status-null": _with(("entries", ENTRY, "status"), None),
    "status-unknown": _with(("entries", ENTRY, "status"), "maybe"),
    "time-invalid": _with(("entries", ENTRY, "time"), "25:61"),
    "tags-not-strings": _with(("entries", ENTRY, "tags"), [1, 2]),
    "links-a-string": _with(("entries", ENTRY, "contact_ids"), CONTACT),
    "expenses-not-objects": _with(("entries", ENTRY, "expenses"), [12.5]),
    "created-at-number": _with(("entries", ENTRY, "created_at"), 20261120),
    "contact-name-null": _with(("contacts", CONTACT, "name"), None),
    "contact-name-missing": _dumps({**_good(), "contacts": {CONTACT: {"created_at": T}}}),
    "cadence-text": _with(("contacts", CONTACT, "cadence_days"), "7"),
    "schema-version-text": _with(("meta", "schema", "schema_version"), "1"),
    "schema-version-bool": _with(("meta", "schema", "schema_version"), True),
    "future-schema": _with(("meta", "schema", "schema_version"), 99),
    "conflict-markers": CONFLICTED,
    "empty": b"",
    "blank": b"\n  \n",
}

BACKUP_NOTE = "a backup of the damaged file is fine; the file itself must stay as it is"
#: Every command that opens the journal, with arguments that would succeed on a good file.
COMMANDS: dict[str, tuple[str, ...]] = {
    "list": ("list",),
    "list-json": ("list", "--format", "json"),
    "add": ("add", "New visit", "-c", "李娜"),
    "show": ("show", ENTRY),
    "edit": ("edit", ENTRY, "--event", "Changed"),
    "delete": ("delete", ENTRY, "--yes"),
    "contact-add": ("contact", "add", "王芳"),
    "contact-list": ("contact", "list"),
    "contact-show": ("contact", "show", "张伟"),
    "org-add": ("org", "add", "工商银行"),
    "project-list": ("project", "list"),
    "import": ("import", "@CSV@"),
    "doctor": ("doctor",),
    "backups": ("backups",),
}
WRITING = {"add", "edit", "delete", "contact-add", "org-add", "import"}


def _argv(name: str, csv: Path) -> tuple[str, ...]:
    return tuple(str(csv) if a == "@CSV@" else a for a in COMMANDS[name])


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("date,event,contacts\n2026-11-21,Imported visit,张伟\n", encoding="utf-8")
    return path


def test_the_good_file_is_good(jpath: Path, csv_file: Path) -> None:
    """The baseline: on the undamaged file every command works (so failures below are the damage)."""
    for name in COMMANDS:
        jpath.write_bytes(GOOD)
        result = run_cli(jpath, *_argv(name, csv_file))
        assert result.code == 0, (name, result)


def _check_refused(path: Path, name: str, args: tuple[str, ...], before: Snapshot,
                   result: Result, damage: str) -> None:
    context = (damage, name)
    if name == "backups":  # lists backup files; it need not read the journal at all
        assert_no_traceback(result, context=context)
    else:
        assert_clean_failure(result, context=context)
    assert Snapshot.of(path) == before, f"{context}: the damaged file was changed"
    assert temp_leftovers(path) == [], context


@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_every_command_refuses_a_damaged_file(jpath: Path, csv_file: Path, damage: str) -> None:
    jpath.write_bytes(DAMAGED[damage])
    before = Snapshot.of(jpath)
    for name in COMMANDS:
        args = _argv(name, csv_file)
        _check_refused(jpath, name, args, before, run_cli(jpath, *args), damage)
    # The message names the file, so the user knows which one to look at.
    assert str(jpath) in run_cli(jpath, "list").err
    record_stats(corruption_cases_checked=len(COMMANDS))


def test_damaged_file_through_the_real_executable(jpath: Path, csv_file: Path) -> None:
    """The same through the installed ``journal`` script (real stderr, real exit code)."""
    for damage in ("truncated", "date-null", "future-schema", "conflict-markers", "empty"):
        jpath.write_bytes(DAMAGED[damage])
        before = Snapshot.of(jpath)
        for name in ("add", "list"):
            args = _argv(name, csv_file)
            _check_refused(jpath, name, args, before, run_exe(jpath, *args), damage)


@pytest.mark.slow
@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_every_command_refuses_a_damaged_file_real_executable(jpath: Path, csv_file: Path,
                                                              damage: str) -> None:
    jpath.write_bytes(DAMAGED[damage])
    before = Snapshot.of(jpath)
    for name in COMMANDS:
        args = _argv(name, csv_file)
        _check_refused(jpath, name, args, before, run_exe(jpath, *args), damage)


def test_service_refuses_a_damaged_file_and_recovers_when_it_is_fixed(jpath: Path) -> None:
    """The TUI's view: a file that goes bad under it raises a JournalError (no write), and it works
    again once the file is repaired."""
    from journal.errors import JournalError

    journal = Journal(jpath)
    entry, _ = journal.add_entry(event="before", date="2026-11-20")
    good = jpath.read_bytes()
    jpath.write_bytes(CONFLICTED)
    before = Snapshot.of(jpath)
    with pytest.raises(JournalError):
        journal.add_entry(event="during", date="2026-11-21")
    with pytest.raises(JournalError):
        _ = journal.tables
    assert Snapshot.of(jpath) == before
    jpath.write_bytes(good)
    journal.add_entry(event="after", date="2026-11-22")
    events = sorted(d["event"] for d in load_file(jpath)["entries"].values())
    assert events == ["after", "before"] and entry.id in load_file(jpath)["entries"]


# -- not a regular file ------------------------------------------------------------------------


def _not_a_file(kind: str, path: Path) -> None:
    if kind == "directory":
        path.mkdir()
        (path / "keep").write_text("x")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink-loop":
        path.symlink_to(path.with_name("other.json"))
        path.with_name("other.json").symlink_to(path)


@pytest.mark.parametrize("kind", ["directory", "fifo", "symlink-loop"])
def test_every_command_refuses_something_else_in_its_place(jpath: Path, csv_file: Path,
                                                           kind: str) -> None:
    _not_a_file(kind, jpath)
    before = os.lstat(jpath)
    for name in COMMANDS:
        result = run_cli(jpath, *_argv(name, csv_file))
        if name == "backups":
            assert_no_traceback(result, context=(kind, name))
        else:
            assert_clean_failure(result, context=(kind, name))
        after = os.lstat(jpath)
        assert (after.st_ino, after.st_mode, after.st_mtime_ns) == \
            (before.st_ino, before.st_mode, before.st_mtime_ns), (kind, name)
    if kind == "directory":
        assert [p.name for p in jpath.iterdir()] == ["keep"]


# -- no read permission ------------------------------------------------------------------------


@contextlib.contextmanager
def _as_user(uid: int) -> Iterator[None]:
    """Run the body with effective uid ``uid`` (root only; permission checks then apply)."""
    try:
        os.seteuid(uid)
    except PermissionError:
        pytest.skip("cannot change the effective uid here (no CAP_SETUID)")
    try:
        yield
    finally:
        os.seteuid(0)


def test_every_command_refuses_an_unreadable_file(csv_file: Path) -> None:
    """A file the user may not read. Root reads anything, so as root the commands run with the
    effective uid of ``nobody`` on a file that ``nobody`` owns but may only write (mode 0200)."""
    nobody = 65534
    folder = Path(tempfile.mkdtemp(prefix="journal-perm-"))
    try:
        path = folder / "journal.json"
        path.write_bytes(GOOD)
        csv_copy = folder / "in.csv"
        csv_copy.write_bytes(csv_file.read_bytes())
        for name in COMMANDS:  # warm up: import every lazily imported module while still root
            run_cli(folder / "warm.json", *_argv(name, csv_copy))
        os.chmod(path, 0o200)
        os.chmod(csv_copy, 0o644)
        if os.geteuid() == 0:
            for item in (folder, path, csv_copy):
                os.chown(item, nobody, nobody)
            os.chmod(folder, 0o700)
            context = _as_user(nobody)
        else:
            context = contextlib.nullcontext()
        before = Snapshot.of(path)
        results: dict[str, Result] = {}
        with context:
            assert not os.access(path, os.R_OK, effective_ids=True)
            for name in COMMANDS:
                results[name] = run_cli(path, *_argv(name, csv_copy))
        for name, result in results.items():
            _check_refused(path, name, (), before, result, "unreadable")
        assert "Permission denied" in results["list"].err
    finally:
        for root, dirs, files in os.walk(folder, topdown=False):
            for item in files:
                os.unlink(os.path.join(root, item))
            for item in dirs:
                os.rmdir(os.path.join(root, item))
        os.rmdir(folder)


# -- a full disk -------------------------------------------------------------------------------


def _failing(real: Callable, code: int, *, after_bytes: int = 0) -> Callable:
    """A stand-in for an os function that fails with ``code``; for os.write it first lets
    ``after_bytes`` through, as a disk filling up mid-file does."""
    state = {"left": after_bytes}

    def fake(*args: object, **kwargs: object) -> object:
        if real is os.write and state["left"] > 0:
            fd, data = args[0], memoryview(args[1])  # type: ignore[arg-type]
            chunk = data[: state["left"]]
            state["left"] -= len(chunk)
            return real(fd, chunk)
        raise OSError(code, os.strerror(code))

    return fake


FAILURES = {
    "write-enospc": ("write", errno.ENOSPC, 0),
    "write-enospc-midway": ("write", errno.ENOSPC, 300),
    "write-edquot": ("write", errno.EDQUOT, 0),
    "fsync-eio": ("fsync", errno.EIO, 0),
    "replace-enospc": ("replace", errno.ENOSPC, 0),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_full_disk_fails_cleanly_and_leaves_the_file(jpath: Path, csv_file: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     failure: str) -> None:
    jpath.write_bytes(GOOD)
    journal = Journal(jpath)
    for i in range(20):
        journal.add_entry(event=f"visit {i}", date="2026-11-21", summary="x" * 50)
    entry = ENTRY
    name, code, after = FAILURES[failure]
    real = getattr(os, name)
    before = Snapshot.of(jpath)
    for command in COMMANDS:
        args = tuple(entry if a == ENTRY else a for a in _argv(command, csv_file))
        with monkeypatch.context() as patch:
            patch.setattr(os, name, _failing(real, code, after_bytes=after))
            result = run_cli(jpath, *args)
        if command in WRITING:
            assert_clean_failure(result, context=(failure, command))
            assert os.strerror(code) in result.err, result.err
        else:
            assert result.code == 0, (failure, command, result)
        assert Snapshot.of(jpath) == before, (failure, command)
        assert temp_leftovers(jpath) == [], (failure, command)
    if name == "fsync":  # the import's backup failed too: no half-written backup is left
        assert Journal(jpath).store.list_backups() == []
    # Space is back: the next change works and nothing of the failed attempts shows up.
    assert run_cli(jpath, "add", "after the disk was freed").code == 0
    events = [d["event"] for d in load_file(jpath)["entries"].values()]
    assert "New visit" not in events and "after the disk was freed" in events


def test_full_disk_in_a_long_running_service(jpath: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI's Journal object after a failed write: its view is the file's, not the lost change."""
    from journal.errors import StorageError

    journal = Journal(jpath)
    kept, _ = journal.add_entry(event="kept", date="2026-11-20")
    with monkeypatch.context() as patch:
        patch.setattr(os, "write", _failing(os.write, errno.ENOSPC))
        with pytest.raises(StorageError, match="No space left"):
            journal.add_entry(event="lost", date="2026-11-21")
        with pytest.raises(StorageError):
            journal.edit_entry(kept.id, {"summary": "lost too"})
    assert [e.event for e in journal.entries_between()] == ["kept"]
    assert journal.get_entry(kept.id).summary == ""
    journal.add_entry(event="later", date="2026-11-22")
    assert sorted(d["event"] for d in load_file(jpath)["entries"].values()) == ["kept", "later"]


def test_restore_repairs_a_damaged_file(jpath: Path) -> None:
    """The way out the error messages point to: restore a backup over the damaged file (the damaged
    one is kept as a backup too)."""
    journal = Journal(jpath)
    journal.add_entry(event="precious", date="2026-11-20")
    backup = journal.store.backup("manual")
    assert backup is not None
    jpath.write_bytes(DAMAGED["truncated"])
    result = run_cli(jpath, "restore", str(backup), "--yes")
    assert result.code == 0, result
    assert [d["event"] for d in load_file(jpath)["entries"].values()] == ["precious"]
    kept = [p for p in journal.store.list_backups() if p.read_bytes() == DAMAGED["truncated"]]
    assert len(kept) == 1
