"""The files beside the journal: side folders made by someone else are never trusted, and side
files that are not regular files (a FIFO, a link to /dev/zero, a device) never hang or flood a
command, and never keep the lock.

We run as root in the test VM, so "someone else" is simulated by chown-ing to another uid: the
checks compare owners, and root owns everything it creates."""

from __future__ import annotations

import os
import stat
import subprocess
import time
import zlib
from pathlib import Path

import orjson
import pytest

from journal.datafile import private as storage_private
from journal.errors import StorageError
from journal.service import Journal
from journal.settings import Settings, save_settings
from journal.storage import derived_note, load_file

from ._support import JOURNAL_EXE, Snapshot, assert_clean_failure, run_cli, seed

OTHER_UID = 65534  # nobody
NOTE_KINDS = ("changes", "layout", "written", "validated", "search", "search-key")


def _foreign_folder(folder: Path, mode: int = 0o777) -> None:
    folder.mkdir()
    os.chmod(folder, mode)
    os.chown(folder, OTHER_UID, OTHER_UID)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _plant(path: Path, target: Path | None = None, text: bytes = b"planted") -> None:
    """A file or a link made by the other user."""
    if target is not None:
        path.symlink_to(target)
        os.lchown(path, OTHER_UID, OTHER_UID)
    else:
        path.write_bytes(text)
        os.chmod(path, 0o666)
        os.chown(path, OTHER_UID, OTHER_UID)


# -- 2. side folders and files made by someone else --------------------------------------------------
def test_a_foreign_cache_folder_is_neither_written_through_nor_trusted(jpath: Path,
                                                                        tmp_path: Path) -> None:
    """Another user pre-creates a world-writable .journal-cache with links named for our temp
    files and the notes: our writes must not follow them (they would overwrite the link's
    target, here another journal of ours) and must leave no journal data in their folder."""
    victim = tmp_path / "victim.json"
    seed(victim, 3)
    victim_before = victim.read_bytes()
    seed(jpath, 3)
    cache = jpath.parent / ".journal-cache"
    for child in cache.iterdir():
        child.unlink()
    cache.rmdir()
    _foreign_folder(cache)
    for kind in NOTE_KINDS:
        _plant(cache / f"{jpath.name}.{kind}.{os.getpid()}", victim)  # the old temp names
        _plant(cache / f"{jpath.name}.{kind}", victim)
    result = run_cli(jpath, "add", "SECRET visit", "-d", "2026-11-20")
    assert result.code == 0, result
    assert run_cli(jpath, "search", "SECRET").out.count("SECRET") == 1
    assert victim.read_bytes() == victim_before
    for item in cache.iterdir():  # nothing of ours in there: every entry is still the other's
        assert os.lstat(item).st_uid == OTHER_UID, item
        assert not item.is_file() or b"SECRET" not in item.read_bytes(), item


def test_notes_planted_by_someone_else_are_not_believed(jpath: Path) -> None:
    """A "validated" note names the file's stat key and crc32, so that a load skips the check of
    every document. One written by another user (into a folder of ours that was left open) must
    not make us accept a file that fails validation."""
    seed(jpath, 3)
    cache = jpath.parent / ".journal-cache"
    os.chmod(cache, 0o777)
    raw = jpath.read_bytes().replace(b'"date": "2025-', b'"date": "2025-13', 1)
    jpath.write_bytes(raw)
    st = os.stat(jpath)
    note = derived_note(jpath, "validated")
    note.unlink(missing_ok=True)
    _plant(note, text=orjson.dumps({"key": [st.st_ino, st.st_size, st.st_mtime_ns],
                                    "crc32": zlib.crc32(raw)}))
    with pytest.raises(StorageError, match="invalid date"):
        Journal(jpath).tables  # noqa: B018
    result = run_cli(jpath, "add", "more", "-d", "2026-11-20")
    assert_clean_failure(result)
    assert jpath.read_bytes() == raw


def test_an_own_folder_left_open_is_closed_again(jpath: Path) -> None:
    seed(jpath, 2)
    cache = jpath.parent / ".journal-cache"
    os.chmod(cache, 0o777)
    assert run_cli(jpath, "add", "visit", "-d", "2026-11-20").code == 0
    assert _mode(cache) == 0o700


def test_a_linked_cache_folder_is_not_followed(jpath: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o777)
    (jpath.parent / ".journal-cache").symlink_to(elsewhere)
    assert run_cli(jpath, "add", "visit", "-d", "2026-11-20").code == 0
    assert run_cli(jpath, "search", "visit").code == 0
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("how", ["foreign", "link", "file"])
def test_backups_are_refused_rather_than_kept_where_others_can_read_them(
        jpath: Path, tmp_path: Path, how: str) -> None:
    seed(jpath, 2)
    folder = jpath.parent / ".journal-backups"
    if how == "foreign":
        _foreign_folder(folder)
    elif how == "link":
        (tmp_path / "open").mkdir(mode=0o777)
        folder.symlink_to(tmp_path / "open")
    else:
        folder.write_text("not a folder")
    csv = tmp_path / "in.csv"
    csv.write_text("date,event\n2026-11-20,imported\n", encoding="utf-8")
    before = Snapshot.of(jpath)
    result = run_cli(jpath, "import", str(csv))  # keeps a backup first
    assert_clean_failure(result)
    assert ".journal-backups" in result.err and "move it aside" in result.err
    assert Snapshot.of(jpath) == before
    if how == "foreign":
        assert list(folder.iterdir()) == []
        assert_clean_failure(run_cli(jpath, "backups"))


def test_backups_list_only_our_own_regular_files(jpath: Path) -> None:
    journal = Journal(jpath)
    journal.add_entry(event="visit", date="2026-11-20")
    kept = journal.store.backup("manual")
    assert kept is not None
    folder = kept.parent
    os.mkfifo(folder / f"{jpath.stem}.20990101-000000-000000.fifo.json")
    _plant(folder / f"{jpath.stem}.20990101-000000-000001.planted.json",
           text=b'{"meta": {"schema": {"schema_version": 1}}}')
    (folder / f"{jpath.stem}.20990101-000000-000002.link.json").symlink_to(jpath)
    assert journal.store.list_backups() == [kept]


# -- the one private writer ----------------------------------------------------------------------------
def test_every_private_writer_names_its_temp_file_one_way_and_removes_it_on_failure(
        jpath: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes, the search cache, the data file, backups, settings, reports: one writer, whose temp
    file is gone after a failure (a leftover holds a copy of private data)."""
    journal = Journal(jpath)
    journal.add_entry(event="visit", date="2026-11-20")
    made: list[Path] = []
    real_temp = storage_private.temp_path

    def spy(path: Path) -> Path:
        made.append(real_temp(path))
        return made[-1]

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_private, "temp_path", spy)
    monkeypatch.setattr(os, "replace", fail)
    folder = jpath.parent
    before = {p for p in folder.rglob("*")}
    with pytest.raises(StorageError):
        journal.add_entry(event="second", date="2026-11-21")
    with pytest.raises(StorageError):
        journal.store.backup("manual")
    with pytest.raises(Exception, match="cannot save settings"):
        save_settings(Settings(), folder / "settings.json")
    with pytest.raises(StorageError):
        journal.write_output(tmp_path / "week.md", b"# week")
    from journal.storage import write_note

    write_note(jpath, "layout", b"{}")  # a note: silently skipped
    from journal.search.cache.reader import open_journal

    monkeypatch.undo()
    monkeypatch.setattr(storage_private, "temp_path", spy)
    monkeypatch.setattr(os, "replace", fail)
    assert open_journal(jpath, rebuild=True).index.search("visit")  # answered without a cache
    monkeypatch.undo()
    assert made, "no writer went through storage_private.write_private"
    for temp in made:
        assert temp.name.split(".tmp-")[1].split("-")[0] == str(os.getpid())
        assert not os.path.lexists(temp), temp
    assert {p for p in folder.rglob("*")} - before <= {folder / ".journal-backups"}
    assert not list(tmp_path.glob("week.md*"))


def test_the_writer_never_follows_a_link_at_its_temp_name(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "precious"
    target.write_bytes(b"keep me")
    planted = tmp_path / "note.tmp-planted"
    planted.symlink_to(target)
    monkeypatch.setattr(storage_private, "temp_path", lambda path: planted)
    with pytest.raises(FileExistsError):
        storage_private.write_private(tmp_path / "note", b"secret")
    assert target.read_bytes() == b"keep me" and planted.is_symlink()


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_private_files_are_0600_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        storage_private.write_private(tmp_path / "f", b"x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "f") == 0o600


# -- 3. side files that are not regular files ------------------------------------------------------
def _special(path: Path, kind: str) -> None:
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path, 0o600)
    elif kind == "zero-link":
        path.symlink_to("/dev/zero")
    elif kind == "device":
        try:
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero's numbers
        except PermissionError:
            pytest.skip("cannot make device nodes here")
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(8 * 2**30)  # sparse: 8 GB that take no space
    elif kind == "directory":
        path.mkdir()


def _exe(path: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(JOURNAL_EXE), "--file", str(path), *args], capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("kind", ["fifo", "zero-link", "device", "huge", "directory"])
@pytest.mark.parametrize("note", NOTE_KINDS)
def test_a_side_file_that_is_not_a_regular_file_is_ignored(jpath: Path, note: str,
                                                           kind: str) -> None:
    """`add`, `list`, `search` and `week` run as if the note were missing: no hang (a FIFO), no
    gigabytes read (/dev/zero), the entry acknowledged and the lock released."""
    seed(jpath, 5)
    assert _exe(jpath, "search", "seeded").returncode == 0  # cache and notes exist
    _special(derived_note(jpath, note), kind)
    started = time.monotonic()
    added = _exe(jpath, "add", "ACKED", "-d", "2026-11-20")
    assert added.returncode == 0, added.stderr
    assert load_file(jpath)["entries"][added.stdout.strip()]["event"] == "ACKED"
    for args in (("list", "--from", "2026-11-20"), ("search", "ACKED"), ("week", "2026-11-20")):
        shown = _exe(jpath, *args)
        assert shown.returncode == 0 and "ACKED" in shown.stdout, (args, shown.stderr)
    assert time.monotonic() - started < 25
    other = _exe(jpath, "add", "second writer", "-d", "2026-11-20")  # the lock was released
    assert other.returncode == 0, other.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero-link", "directory", "foreign"])
def test_a_lock_file_that_is_not_ours_is_reported_on_one_line(jpath: Path, kind: str) -> None:
    seed(jpath, 2)
    before = Snapshot.of(jpath)
    lock = jpath.with_name(jpath.name + ".lock")
    if kind == "foreign":
        lock.unlink(missing_ok=True)
        _plant(lock)
    else:
        _special(lock, kind)
    result = run_cli(jpath, "add", "visit", "-d", "2026-11-20")
    assert_clean_failure(result)
    assert "lock" in result.err
    assert Snapshot.of(jpath) == before
