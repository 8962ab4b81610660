"""The file replaced under a running program ("git pull" while the TUI is open for hours).

Git swaps the file's inode on checkout; an editor or ``cp`` may rewrite it in place. Either way the
next change made through the same, long-open ``Journal`` object must apply to what is on disk now and
keep both sides: the other machine's work and this one's.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from journal.errors import NotFoundError
from journal.models import Entry, utc_now
from journal.service import Journal, LinkRequest
from journal.storage import load_file, new_id

from ._support import stored_form, temp_leftovers


def _other_machine_entry(event: str) -> tuple[str, dict]:
    now = utc_now()
    return new_id(), Entry(date="2026-11-22", event=event, summary="来自另一台电脑",
                           created_at=now, updated_at=now).to_doc()


def _replace_like_git(path: Path, data: dict) -> None:
    """What ``git pull`` does to a tracked file: a new file, renamed over the old one."""
    tmp = path.with_name(".git-checkout-tmp")
    tmp.write_bytes(stored_form(data))
    os.replace(tmp, path)


def test_pull_replacing_the_file_keeps_both_sides(jpath: Path) -> None:
    tui = Journal(jpath)
    ours_before, _ = tui.add_entry(event="ours before the pull", date="2026-11-21",
                                   links=LinkRequest(contacts=["张伟"]))
    assert ours_before.id in tui.tables["entries"]  # loaded and cached in memory

    pulled = load_file(jpath)
    theirs_id, theirs_doc = _other_machine_entry("theirs, from the laptop")
    pulled["entries"][theirs_id] = theirs_doc
    _replace_like_git(jpath, pulled)

    ours_after, _ = tui.add_entry(event="ours after the pull", date="2026-11-23",
                                  links=LinkRequest(contacts=["张伟"]))
    entries = load_file(jpath)["entries"]
    assert set(entries) == {ours_before.id, theirs_id, ours_after.id}
    assert entries[theirs_id] == theirs_doc
    assert len(load_file(jpath)["contacts"]) == 1  # 张伟 found again, not created twice
    assert set(tui.tables["entries"]) == set(entries)


def test_pull_seen_by_reads_before_any_write(jpath: Path) -> None:
    tui = Journal(jpath)
    tui.add_entry(event="ours", date="2026-11-21")
    pulled = load_file(jpath)
    theirs_id, theirs_doc = _other_machine_entry("theirs")
    pulled["entries"][theirs_id] = theirs_doc
    _replace_like_git(jpath, pulled)
    assert theirs_id in tui.tables["entries"]
    assert tui.get_entry(theirs_id).event == "theirs"


def test_same_size_same_mtime_replacement_is_noticed(jpath: Path) -> None:
    """A pulled file of exactly the same size and mtime is still a different file (new inode)."""
    tui = Journal(jpath)
    entry, _ = tui.add_entry(event="visit", date="2026-11-21", summary="aaaa")
    before = os.stat(jpath)
    pulled = load_file(jpath)
    pulled["entries"][entry.id]["summary"] = "bbbb"  # same length
    _replace_like_git(jpath, pulled)
    os.utime(jpath, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(jpath).st_size == before.st_size
    tui.add_entry(event="next", date="2026-11-23")
    assert load_file(jpath)["entries"][entry.id]["summary"] == "bbbb"


def test_in_place_rewrite_is_noticed(jpath: Path) -> None:
    """``cp other.json journal.json`` writes into the same inode."""
    tui = Journal(jpath)
    tui.add_entry(event="ours", date="2026-11-21")
    pulled = load_file(jpath)
    theirs_id, theirs_doc = _other_machine_entry("copied in place")
    pulled["entries"][theirs_id] = theirs_doc
    inode = os.stat(jpath).st_ino
    with open(jpath, "r+b") as handle:
        handle.write(stored_form(pulled))
        handle.truncate()
    assert os.stat(jpath).st_ino == inode
    tui.add_entry(event="ours again", date="2026-11-23")
    assert theirs_id in load_file(jpath)["entries"]
    assert len(load_file(jpath)["entries"]) == 3


def test_edit_after_pull_changed_the_same_entry_keeps_both_fields(jpath: Path) -> None:
    tui = Journal(jpath)
    entry, _ = tui.add_entry(event="visit", date="2026-11-21", tags=["a"])
    pulled = load_file(jpath)
    pulled["entries"][entry.id]["tags"] = ["a", "from-laptop"]
    _replace_like_git(jpath, pulled)
    tui.edit_entry(entry.id, {"summary": "written in the TUI"},
                   add=LinkRequest(contacts=["李娜"]))
    doc = load_file(jpath)["entries"][entry.id]
    assert doc["tags"] == ["a", "from-laptop"]
    assert doc["summary"] == "written in the TUI"
    assert len(doc["contact_ids"]) == 1


def test_edit_of_an_entry_the_pull_deleted_is_a_clear_error(jpath: Path) -> None:
    tui = Journal(jpath)
    entry, _ = tui.add_entry(event="visit", date="2026-11-21")
    keep, _ = tui.add_entry(event="other", date="2026-11-21")
    pulled = load_file(jpath)
    del pulled["entries"][entry.id]
    _replace_like_git(jpath, pulled)
    with pytest.raises(NotFoundError):
        tui.edit_entry(entry.id, {"summary": "too late"})
    assert set(load_file(jpath)["entries"]) == {keep.id}


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def test_real_git_pull_under_an_open_journal(tmp_path: Path) -> None:
    """Two clones of one journal repo; the laptop pushes; the desktop pulls with its TUI open."""
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "--bare", "-b", "main", str(remote))
    desktop, laptop = tmp_path / "desktop", tmp_path / "laptop"
    _git(tmp_path, "clone", "-q", str(remote), str(desktop))
    (desktop / ".gitignore").write_text("*.lock\n*.tmp-*\n.journal-backups/\n")
    tui = Journal(desktop / "journal.json")
    first, _ = tui.add_entry(event="desktop 1", date="2026-11-20")
    _git(desktop, "add", ".gitignore", "journal.json")
    _git(desktop, "commit", "-qm", "desktop 1")
    _git(desktop, "push", "-q", "origin", "main")

    _git(tmp_path, "clone", "-q", str(remote), str(laptop))
    laptop_entry, _ = Journal(laptop / "journal.json").add_entry(event="laptop 1",
                                                                  date="2026-11-21")
    _git(laptop, "commit", "-qam", "laptop 1")
    _git(laptop, "push", "-q", "origin", "main")

    assert set(tui.tables["entries"]) == {first.id}
    _git(desktop, "pull", "-q", "--ff-only", "origin", "main")
    second, _ = tui.add_entry(event="desktop 2", date="2026-11-23")
    assert set(load_file(desktop / "journal.json")["entries"]) == {first.id, laptop_entry.id,
                                                                   second.id}
    # The working tree differs from the pulled commit by exactly the new entry.
    diff = _git(desktop, "diff", "-U0", "journal.json")
    added = [line for line in diff.splitlines() if line.startswith("+") and line[1:2] != "+"]
    removed = [line for line in diff.splitlines() if line.startswith("-") and line[1:2] != "-"]
    assert any(second.id in line for line in added)
    assert all(line.strip() in ("-    },", "-    }") for line in removed), removed
    assert temp_leftovers(desktop / "journal.json") == []


def test_the_view_after_a_write_has_the_shape_of_a_load(jpath: Path) -> None:
    """Readers (the TUI's screens) index every known table: a write must not leave the in-memory
    copy without the tables it did not store (empty ones are omitted from the file)."""
    journal = Journal(jpath)
    journal.add_document("contact", "张伟")
    after_write = journal.tables
    assert set(after_write) == set(Journal(jpath).tables)
    assert after_write["entries"] == {} and after_write["days"] == {}
