"""Privacy: years of client records are readable by their owner only, a link planted by someone else
cannot redirect the journal, and the code holds none of the usual injection primitives."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.service import Journal
from journal.storage import JournalStore

from ._support import JOURNAL_EXE, Snapshot, assert_clean_failure, run_cli

SOURCE = Path(__file__).resolve().parents[2] / "journal"
OTHER_UID = 65534  # nobody


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_everything_written_is_private(tmp_path: Path, mask: int) -> None:
    """Data file, lock, backups, cache and any folder the journal creates: 0600 / 0700, whatever
    the umask (a permissive umask must not leak the journal to other local users)."""
    path = tmp_path / "new-folder" / "journal.json"
    csv = tmp_path / "in.csv"
    csv.write_text("date,event\n2026-11-20,imported\n", encoding="utf-8")
    with _umask(mask):
        assert run_cli(path, "add", "Visit", "-c", "张伟").code == 0
        assert run_cli(path, "import", str(csv)).code == 0  # keeps a backup first
        journal = Journal(path)
        backup = journal.store.backup("manual")
    assert backup is not None
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(journal.store.lock_path) == 0o600
    assert _mode(backup) == 0o600 and _mode(backup.parent) == 0o700
    for item in path.parent.rglob("*"):  # backups, cache notes, anything else we left there
        if item.is_dir():
            assert _mode(item) == 0o700, item
        else:
            assert _mode(item) & 0o077 == 0, item


def test_real_process_with_open_umask_writes_private_files(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    subprocess.run(["sh", "-c", 'umask 000; exec "$0" --file "$1" add Visit', str(JOURNAL_EXE),
                    str(path)], check=True, capture_output=True, timeout=120)
    assert _mode(path) == 0o600


def test_temp_files_are_private_before_the_rename(jpath: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real_replace = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append(_mode(Path(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    with _umask(0):
        Journal(jpath).add_entry(event="Visit", date="2026-11-20")
    assert seen and all(mode == 0o600 for mode in seen)


def test_a_file_git_made_world_readable_becomes_private_again(jpath: Path) -> None:
    """`git checkout` recreates the file with the umask's mode (often 0644): the next write fixes it."""
    Journal(jpath).add_entry(event="Visit", date="2026-11-20")
    os.chmod(jpath, 0o644)
    Journal(jpath).add_entry(event="Second", date="2026-11-21")
    assert _mode(jpath) == 0o600


def test_a_backup_of_a_world_readable_file_is_private(jpath: Path) -> None:
    Journal(jpath).add_entry(event="Visit", date="2026-11-20")
    os.chmod(jpath, 0o644)
    backup = JournalStore(jpath).backup("test")
    assert backup is not None and _mode(backup) == 0o600


# -- symlinks ------------------------------------------------------------------------------------


def test_a_symlink_to_our_own_file_is_followed(tmp_path: Path) -> None:
    target = tmp_path / "sync" / "journal.json"
    Journal(target).add_entry(event="Visit", date="2026-11-20")
    link = tmp_path / "journal.json"
    link.symlink_to(target)
    assert run_cli(link, "add", "Through the link").code == 0
    assert link.is_symlink()  # the write replaced the target, not the link
    events = sorted(d["event"] for d in Journal(target).tables["entries"].values())
    assert events == ["Through the link", "Visit"]


def _need_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user (os.chown)")


CSV = Path(__file__).resolve().parent / "_sample.csv"
COMMANDS = (("list",), ("add", "x"), ("contact", "add", "y"), ("doctor",), ("show", "X"),
            ("import", str(CSV)))


def test_a_symlink_to_another_users_file_is_refused(tmp_path: Path) -> None:
    _need_root()
    target = tmp_path / "theirs.json"
    Journal(target).add_entry(event="theirs", date="2026-11-20")
    os.chown(target, OTHER_UID, OTHER_UID)
    link = tmp_path / "journal.json"
    link.symlink_to(target)
    before = Snapshot.of(target)
    files = sorted(tmp_path.iterdir())
    for argv in COMMANDS:
        result = run_cli(link, *argv)
        assert_clean_failure(result, context=argv)
        assert "another user" in result.err, result.err
        assert Snapshot.of(target) == before, argv
    assert sorted(tmp_path.iterdir()) == files, "nothing new (lock, temp, backup) next to theirs"


def test_a_dangling_symlink_planted_by_another_user_is_refused(tmp_path: Path) -> None:
    """In a shared folder someone else may plant ``journal.json -> /somewhere/of/theirs``: the first
    `journal add` must not create our private file where they chose."""
    _need_root()
    planted = tmp_path / "planted-target.json"
    link = tmp_path / "journal.json"
    link.symlink_to(planted)
    os.lchown(link, OTHER_UID, OTHER_UID)
    for argv in COMMANDS:
        result = run_cli(link, *argv)
        assert result.code != 0 or argv[0] in ("list", "doctor", "show"), (argv, result)
        if result.code != 0:
            assert_clean_failure(result, context=argv)
    assert not planted.exists()


def test_a_symlink_loop_is_a_clear_error(tmp_path: Path) -> None:
    link = tmp_path / "journal.json"
    link.symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(link)
    assert_clean_failure(run_cli(link, "list"))


# -- the code itself -----------------------------------------------------------------------------

FORBIDDEN = {
    "pickle": re.compile(r"\b(c?pickle|marshal|shelve)\b"),
    "eval": re.compile(r"(?<![\w.])eval\s*\("),
    "exec": re.compile(r"(?<![\w.])exec\s*\("),
    "shell=True": re.compile(r"shell\s*=\s*True"),
    "os.system/popen": re.compile(r"\bos\.(system|popen)\s*\("),
    "yaml.load": re.compile(r"\byaml\.(unsafe_)?load\s*\("),
    "__import__": re.compile(r"\b__import__\s*\("),
}


def test_no_code_injection_primitives_in_the_source() -> None:
    found = []
    files = sorted(SOURCE.rglob("*.py"))
    assert len(files) > 10, SOURCE
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for name, pattern in FORBIDDEN.items():
                if pattern.search(code):
                    found.append(f"{file.relative_to(SOURCE.parent)}:{number}: {name}: {line.strip()}")
    assert found == []
