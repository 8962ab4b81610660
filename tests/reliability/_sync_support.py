"""Helpers for the tests that kill ``journal sync`` (not collected: the name does not start with
``test``): hermetic git, a bare remote with two clones, and the process tree of a running sync.

A sync runs in its own session (``start_new_session``), so its process group holds the sync and
every git process it started, also those that outlive it: after a ``kill -9`` of the sync alone
(what a crash, the OOM killer or a closed app does), the test can wait until the last of them is gone
before it checks the file, so a late write by an orphaned git would be caught.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from journal.storage import load_file

from ._support import JOURNAL_EXE, seed

#: Sync steps, told apart by the git command (or our merge driver) running at the moment of a kill.
PHASES = {"add": "commit", "commit": "commit", "fetch": "fetch", "index-pack": "fetch",
          "upload-pack": "fetch", "fetch-pack": "fetch", "rev-list": "fetch",
          "merge": "merge", "read-tree": "merge", "merge-file": "merge", "commit-tree": "merge",
          "write-tree": "merge", "update-index": "merge", "hash-object": "merge",
          "update-ref": "merge", "merge-base": "merge", "ls-tree": "merge", "cat-file": "merge",
          "ls-files": "commit", "merge-driver": "driver", "push": "push", "send-pack": "push",
          "receive-pack": "push", "pack-objects": "push"}


def git_env(tmp_path: Path) -> dict[str, str]:
    """Environment for hermetic git: a private global config with an identity, no system config,
    no repository discovery above ``tmp_path``."""
    config = tmp_path / "gitconfig"
    if not config.exists():
        config.write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Tester\n"
                          "\temail = tester@example.com\n[advice]\n\tdetachedHead = false\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "JOURNAL_FILE",
                          "GIT_SSH_COMMAND", "GIT_SSH")}
    env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1",
               GIT_CEILING_DIRECTORIES=str(tmp_path))
    return env


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def journal(path: Path, env: dict[str, str], *args: str,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real ``journal`` executable, as a user types it."""
    return subprocess.run([str(JOURNAL_EXE), "--file", str(path), *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


@dataclass
class Clones:
    remote: Path
    a: Path  # A's data file: started the journal with `journal sync --init URL`
    b: Path  # B's data file: a clone set up with `journal sync --setup`
    env: dict[str, str]


def make_clones(tmp_path: Path, entries: int) -> Clones:
    """A bare remote, clone A (``entries`` seeded entries, set up by ``sync --init``) and clone B."""
    env = git_env(tmp_path)
    remote = tmp_path / "remote.git"
    git(tmp_path, env, "init", "-q", "--bare", str(remote))
    a = tmp_path / "A" / "journal.json"
    a.parent.mkdir(mode=0o700)
    seed(a, entries)
    done = journal(a, env, "sync", "--init", str(remote))
    assert done.returncode == 0, done.stderr
    git(tmp_path, env, "clone", "-q", str(remote), "B")
    b = tmp_path / "B" / "journal.json"
    done = journal(b, env, "sync", "--setup")
    assert done.returncode == 0, done.stderr
    return Clones(remote, a, b, env)


def add(path: Path, env: dict[str, str], event: str) -> str:
    """``journal add EVENT`` in a real process; returns the acknowledged id."""
    done = journal(path, env, "add", event, "--date", "2026-11-23")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def entry_ids(path: Path) -> set[str]:
    return set(load_file(path).get("entries", {}))


# -- the process tree ------------------------------------------------------------------------------


def _stat_fields(pid: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    return raw[raw.rfind(")") + 2:].split()  # after "pid (comm) ": state, ppid, pgrp, ...


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group ``pgid``."""
    members = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat_fields(name)
            if fields and fields[0] != "Z" and int(fields[2]) == pgid:
                members.append(int(name))
    return members


def cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def phase_of(argv: list[str]) -> str | None:
    """The sync step a process of the sync's group belongs to, from its command line."""
    if "merge-driver" in argv:
        return "driver"
    words = [w for i, w in enumerate(argv)
             if w and not w.startswith("-") and (i == 0 or argv[i - 1] != "-c")]
    for i, word in enumerate(words):
        base = os.path.basename(word)
        if base in ("git", "git-remote-file") or base.startswith("git-"):
            sub = base[4:] if base.startswith("git-") and base != "git-remote-file" else \
                next((w for w in words[i + 1:] if not w.startswith("-")), "")
            if sub == "hash-object" and "-w" not in argv:
                return "commit"  # checking what `git add` staged, before the commit
            if sub == "update-ref" or (sub == "read-tree" and "-u" in argv):
                return "merge-apply"  # bringing the merge into the working tree and the branch
            return PHASES.get(sub)
    return None


def current_phases(pgid: int) -> set[str]:
    return {p for pid in group_members(pgid) if pid != pgid and (p := phase_of(cmdline(pid)))}


def wait_group_gone(pgid: int, timeout: float = 300) -> None:
    """Wait until every process of the killed sync's group (orphaned git commands) has ended."""
    deadline = time.monotonic() + timeout
    while group_members(pgid):
        assert time.monotonic() < deadline, f"processes of the killed sync still run: " \
            f"{[cmdline(p) for p in group_members(pgid)]}"
        time.sleep(0.01)


def start_sync(path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``journal sync`` in its own session (so its process group is the sync's process tree)."""
    return subprocess.Popen([str(JOURNAL_EXE), "--file", str(path), "sync"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def kill_sync(proc: subprocess.Popen[bytes]) -> bool:
    """``kill -9`` the sync process alone (not its children); False if it had ended already."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    return proc.returncode == -signal.SIGKILL


def kill_sync_at(proc: subprocess.Popen[bytes], phases: set[str], timeout: float = 120) -> str | None:
    """Kill the sync as soon as one of its processes is in one of ``phases``; the phase caught,
    or None when the sync ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        seen = current_phases(proc.pid) & phases
        if seen:
            return sorted(seen)[0] if kill_sync(proc) else None
        time.sleep(0.001)
    return None
