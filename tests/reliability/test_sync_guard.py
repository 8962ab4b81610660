"""A hostile or careless repository around the journal: git attributes that switch the merge driver
off or alter the file, and config or hooks other users can change (issue 19, items 4 and 7).

Real git, a bare remote and clones, the real ``journal`` executable. We run as root, so "another
user" is simulated with modes (group- or world-writable) and with ``os.chown`` to a uid nobody has.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import orjson
import pytest

from journal.storage import load_file

from ._support import JOURNAL_EXE
from ._sync_support import Clones, add, git, git_env, journal, make_clones

OTHER_UID = 54321  # no such user here


@pytest.fixture
def clones(tmp_path: Path) -> Clones:
    return make_clones(tmp_path, entries=20)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: "), done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def _head(repo: Path, env: dict[str, str]) -> str:
    return git(repo, env, "rev-parse", "HEAD").strip()


def _valid_everywhere(clones: Clones, tmp_path: Path) -> None:
    for path in (clones.a, clones.b):
        load_file(path)  # parses and validates, or raises
    remote = git(tmp_path, clones.env, "--git-dir", str(clones.remote), "show", "main:journal.json")
    orjson.loads(remote)


# -- item 4: attributes ------------------------------------------------------------------------------


def test_a_union_line_after_ours_is_refused_and_nothing_broken_spreads(clones: Clones,
                                                                       tmp_path: Path) -> None:
    """The issue's repro: `journal.json merge=union` appended in one clone, then syncs and offline
    adds on both. The override is seen in the attribute git applies (our own line is still there),
    that clone's sync refuses in one line, and no file anywhere becomes invalid."""
    attributes = clones.a.parent / ".gitattributes"
    attributes.write_text(attributes.read_text() + "journal.json merge=union\n")
    head = _head(clones.a.parent, clones.env)
    add(clones.a, clones.env, "offline on A")
    _refused(journal(clones.a, clones.env, "sync"), "merge=union", "git check-attr merge")
    assert _head(clones.a.parent, clones.env) == head  # nothing committed
    add(clones.b, clones.env, "offline on B")
    assert journal(clones.b, clones.env, "sync").returncode == 0
    _refused(journal(clones.a, clones.env, "sync"), "merge=union")
    _refused(journal(clones.a, clones.env, "sync", "--setup"), "merge=union")
    _valid_everywhere(clones, tmp_path)

    attributes.write_text(attributes.read_text().replace("journal.json merge=union\n", ""))
    assert journal(clones.a, clones.env, "sync").returncode == 0
    assert journal(clones.b, clones.env, "sync").returncode == 0
    _valid_everywhere(clones, tmp_path)
    events = {e["event"] for e in load_file(clones.b)["entries"].values()}
    assert {"offline on A", "offline on B"} <= events


@pytest.mark.parametrize("line", ["journal.json -merge", "journal.json binary", "*.json merge=text"])
def test_an_override_in_info_attributes_is_refused(clones: Clones, line: str) -> None:
    info = clones.b.parent / ".git" / "info"
    info.mkdir(exist_ok=True)
    (info / "attributes").write_text(line + "\n")
    _refused(journal(clones.b, clones.env, "sync"), "not with the journal merge driver")


def test_an_attribute_that_would_alter_the_committed_file_is_refused(clones: Clones) -> None:
    """`ident` makes git store "$Id$" where the file says "$Id: … $": the commit would not hold
    what the user wrote (and what was checked). Refused; nothing staged or committed."""
    attributes = clones.a.parent / ".gitattributes"
    attributes.write_text(attributes.read_text() + "journal.json ident\n")
    git(clones.a.parent, clones.env, "commit", "-qam", "ident by hand")
    head = _head(clones.a.parent, clones.env)
    add(clones.a, clones.env, "price list $Id: v7 $")
    _refused(journal(clones.a, clones.env, "sync"), "changed by its attributes")
    assert _head(clones.a.parent, clones.env) == head
    assert git(clones.a.parent, clones.env, "diff", "--cached", "--name-only") == ""


def test_a_fast_forward_to_a_broken_file_is_refused(clones: Clones) -> None:
    """Another tool committed and pushed an invalid journal; a clone with nothing of its own to
    merge would fast-forward to it. Refused; its journal untouched and still readable."""
    clones.b.write_text('{"entries": {"broken"')
    git(clones.b.parent, clones.env, "commit", "-qam", "broken by another tool")
    git(clones.b.parent, clones.env, "push", "-q")
    before = clones.a.read_bytes()
    done = journal(clones.a, clones.env, "sync")
    _refused(done, "the incoming version of journal.json", "your journal is unchanged")
    assert clones.a.read_bytes() == before
    assert journal(clones.a, clones.env, "list").returncode == 0


# -- item 7: a private repository, refused when others can steer git ---------------------------------


def test_init_makes_the_repository_private_even_with_an_open_umask(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    folder = tmp_path / "journal"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = folder / "journal.json"
    remote = tmp_path / "remote.git"
    git(tmp_path, env, "init", "-q", "--bare", str(remote))
    done = subprocess.run([str(JOURNAL_EXE), "--file", str(path), "sync", "--init", str(remote)],
                          capture_output=True, text=True, env=env, umask=0, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _mode(folder) == 0o700 and _mode(folder / ".git") == 0o700
    assert _mode(folder / ".git" / "config") == 0o600
    assert _mode(path) == 0o600
    # git ran with umask 077: nothing it made under .git is readable by others either
    loose = [p for p in (folder / ".git").rglob("*") if p.is_file() and _mode(p) & 0o077]
    assert loose == []
    shared = subprocess.run(["git", "config", "--get", "core.sharedRepository"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=60)
    assert shared.stdout.strip() in ("", "false")


def test_setup_makes_a_clone_private_and_switches_sharing_off(clones: Clones) -> None:
    """`git clone` with umask 022 leaves the history readable by all; --setup closes it."""
    repo = clones.b.parent
    for path, mode in ((repo, 0o755), (repo / ".git", 0o755), (repo / ".git" / "config", 0o644)):
        os.chmod(path, mode)
    git(repo, clones.env, "config", "core.sharedRepository", "group")
    done = journal(clones.b, clones.env, "sync", "--setup")
    assert done.returncode == 0, done.stderr
    assert (_mode(repo), _mode(repo / ".git"), _mode(repo / ".git" / "config")) == (0o700, 0o700, 0o600)
    assert git(repo, clones.env, "config", "--get", "core.sharedRepository").strip() == "false"


WRITABLE = [(".git/config", 0o666), (".git/config", 0o646), (".git", 0o777), (".git/hooks", 0o777),
            (".", 0o757)]


@pytest.mark.parametrize(("where", "mode"), WRITABLE, ids=[f"{w}-{m:04o}" for w, m in WRITABLE])
def test_config_or_hooks_others_can_write_are_refused(clones: Clones, where: str, mode: int) -> None:
    repo = clones.b.parent
    target = repo / where
    os.chmod(target, mode)
    add(clones.b, clones.env, "not to be synced")
    head = _head(repo, clones.env)
    for argv in (("sync",), ("sync", "--setup"), ("sync", "--init")):
        _refused(journal(clones.b, clones.env, *argv), "can be changed by every user",
                 str(target.resolve()))
    assert _head(repo, clones.env) == head
    os.chmod(target, 0o700 if target.is_dir() else 0o600)
    assert journal(clones.b, clones.env, "sync").returncode == 0


def test_a_hook_others_can_write_is_refused(clones: Clones, tmp_path: Path) -> None:
    repo = clones.b.parent
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\ntouch {tmp_path}/hook-ran\n")
    os.chmod(hook, 0o777)
    add(clones.b, clones.env, "not to be synced")
    _refused(journal(clones.b, clones.env, "sync"), "a git hook", "pre-commit")
    assert not (tmp_path / "hook-ran").exists()
    os.chmod(hook, 0o700)  # the user's own hook, private: it runs
    assert journal(clones.b, clones.env, "sync").returncode == 0
    assert (tmp_path / "hook-ran").exists()


def test_a_hooks_path_others_can_write_is_refused(clones: Clones, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    shared.mkdir()
    os.chmod(shared, 0o777)
    git(clones.b.parent, clones.env, "config", "core.hooksPath", str(shared))
    _refused(journal(clones.b, clones.env, "sync"), str(shared), "hooks folder")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_config_owned_by_another_user_is_refused(clones: Clones) -> None:
    config = clones.b.parent / ".git" / "config"
    os.chown(config, OTHER_UID, OTHER_UID)
    _refused(journal(clones.b, clones.env, "sync"), "belongs to another user", f"uid {OTHER_UID}")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to change a file's group")
def test_group_writable_config_is_refused_unless_the_group_is_the_users_own(clones: Clones) -> None:
    """Debian and Ubuntu give each user a private group and umask 002: their clones are group-
    writable by that group alone, which is fine. Any other group is other users."""
    config = clones.b.parent / ".git" / "config"
    os.chmod(config, 0o664)
    os.chown(config, 0, OTHER_UID)
    _refused(journal(clones.b, clones.env, "sync"), "group", "0664")
    os.chown(config, 0, 0)
    from journal.sync import guard as sync_guard

    if not sync_guard._private_group(0, 0):
        pytest.skip("root's group is not a private group here")
    assert journal(clones.b, clones.env, "sync").returncode == 0


def test_the_uid_compared_is_injectable(clones: Clones) -> None:
    """The owner check compares with the caller's uid (``check_repository(uid=…)``): files owned
    by root count as ours (root can change anything anyway), a uid that is not ours does not."""
    from journal.sync import guard as sync_guard
    from journal.sync.repo import GitPaths

    paths = GitPaths(clones.b.parent, clones.b.parent / ".git", clones.b.parent / ".git",
                     clones.b.parent / ".git" / "hooks")
    sync_guard.check_repository(paths, uid=1000)  # root-owned, 0755/0644: fine for user 1000
    os.chown(paths.config, 2000, 2000)
    with pytest.raises(sync_guard.JournalError, match="uid 2000"):
        sync_guard.check_repository(paths, uid=1000)
    sync_guard.check_repository(paths, uid=2000)
