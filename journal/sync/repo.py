"""The repository around the journal file, and running git in it.

Why a module of its own: the sync's parts (the checks in :mod:`journal.sync.guard`, the merge
applied under the lock in :mod:`journal.sync.locked_merge`, the steps of ``journal sync`` in
:mod:`journal.sync.git`) all work on one repository through the few operations of :class:`Repo`;
keeping those here, below all of them, lets each import it without importing the others.

Git runs with argument lists (never a shell), ``GIT_TERMINAL_PROMPT=0``, umask 077 (what it creates
stays private) and a timeout, so a missing credential fails instead of hanging a TUI; its stderr is
summarised into one line (:func:`gist`), not dumped. A :class:`Repo` comes from
:func:`journal.sync.guard.open_repo`, which refuses a repository other users can steer before any
git command beyond :func:`locate` runs in it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import JournalError
from journal.i18n import _

if TYPE_CHECKING:
    import subprocess
    import threading

LOCAL_TIMEOUT_S = 120.0
NETWORK_TIMEOUT_S = 120.0


class NeedsUser(JournalError):
    """A merge stopped for something only the user can decide."""


class SyncStopped(JournalError):
    """The sync was asked to stop (the app quitting): the git command running was ended."""


@dataclass(frozen=True)
class GitPaths:
    """Where a repository keeps what steers git (from ``git rev-parse``)."""

    root: Path  # the work tree
    git_dir: Path  # this work tree's git directory
    common_dir: Path  # config, hooks, objects (differs from git_dir in a linked worktree)
    hooks: Path  # the hooks folder in effect (core.hooksPath or common_dir/hooks)

    @property
    def config(self) -> Path:
        return self.common_dir / "config"


# -- running git -------------------------------------------------------------------------------------


def run_git(cwd: Path, *args: str, timeout: float = LOCAL_TIMEOUT_S,
            extra_env: dict[str, str] | None = None, stdin: bytes | None = None,
            cancel: threading.Event | None = None,
            pass_fds: tuple[int, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run git; text out (undecodable bytes replaced). See :func:`run_git_bytes`."""
    import subprocess

    proc = run_git_bytes(cwd, *args, timeout=timeout, extra_env=extra_env, stdin=stdin,
                         cancel=cancel, pass_fds=pass_fds)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def run_git_bytes(cwd: Path, *args: str, timeout: float = LOCAL_TIMEOUT_S,
                  extra_env: dict[str, str] | None = None, stdin: bytes | None = None,
                  cancel: threading.Event | None = None,
                  pass_fds: tuple[int, ...] = ()) -> subprocess.CompletedProcess[bytes]:
    """Run git with umask 077 and a timeout (status 124 when it ran out). With ``cancel``, git is
    ended (SIGTERM: it removes its own lock files) as soon as the event is set, and
    :class:`SyncStopped` raised. ``pass_fds``: descriptors git inherits (the sync lock)."""
    import subprocess

    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_EDITOR": "true",
           **(extra_env or {})}
    argv = ["git", *args]
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, pass_fds=pass_fds,
                                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                **({"umask": 0o077} if os.name == "posix" else {}))
    except FileNotFoundError:
        raise JournalError(_("git is not installed (or not on PATH): install git to sync")) from None
    deadline = time.monotonic() + timeout
    feed = stdin
    try:
        while True:
            left = deadline - time.monotonic()
            try:
                out, err = proc.communicate(feed, timeout=max(0.0, min(left, 0.1) if cancel else left))
                return subprocess.CompletedProcess(argv, proc.returncode, out, err)
            except subprocess.TimeoutExpired:
                feed = None  # already being written; communicate() carries on with it
                if cancel is not None and cancel.is_set():
                    _end(proc)
                    raise SyncStopped(_("the sync was stopped before it finished; nothing is lost: "
                                      "run `journal sync` to finish it")) from None
                if time.monotonic() >= deadline:
                    _end(proc)
                    return subprocess.CompletedProcess(argv, 124, b"",
                                                       f"fatal: timed out after {timeout:.0f} s".encode())
    except BaseException:
        _end(proc)
        raise


def _end(proc: subprocess.Popen[bytes]) -> None:
    """End git (SIGTERM first, so it removes its lock files) without waiting for its output: a
    child of git (ssh) may hold the pipes open long after."""
    import subprocess

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def gist(proc: subprocess.CompletedProcess[str]) -> str:
    """The line of git's output that says what went wrong, without the ``fatal:`` noise."""
    lines = [line.strip() for line in (proc.stderr + "\n" + proc.stdout).splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line.split(":", 1)[1].strip()[:200]
    return (lines[-1] if lines else _("git exited with status {returncode}").format(returncode=proc.returncode))[:200]


def gist_bytes(proc: subprocess.CompletedProcess[bytes]) -> str:
    """:func:`gist` of a git run whose output was kept as bytes."""
    import subprocess

    return gist(subprocess.CompletedProcess(proc.args, proc.returncode,
                                            proc.stdout.decode("utf-8", "replace")[:2000],
                                            proc.stderr.decode("utf-8", "replace")))


_AUTH = ("terminal prompts disabled", "authentication failed", "permission denied",
         "could not read username", "could not read password", "host key verification failed",
         "returned error: 401", "returned error: 403")
_NETWORK = ("could not resolve", "unable to access", "could not read from remote", "timed out",
            "does not appear to be a git repository", "connection refused", "unreachable",
            "no route to host", "connect to", "name resolution", "connection reset", "connection closed")


def network_problem(proc: subprocess.CompletedProcess[str], remote: str) -> tuple[str, bool]:
    """(one-line message, offline?) for a failed fetch or push: offline means "try later"."""
    text = (proc.stderr + proc.stdout).lower()
    if any(s in text for s in _AUTH):
        return (_("{remote} refused access ({gist}): check your credentials (for ssh, load "
                  "the key into ssh-agent; for https, a credential helper)").format(remote=remote, gist=gist(proc)), False)
    if "repository not found" in text:
        return _("{remote} says the repository does not exist ({gist})").format(remote=remote, gist=gist(proc)), False
    if any(s in text for s in _NETWORK):
        return _("could not reach {remote} (offline?)").format(remote=remote), True
    return _("git could not talk to {remote}: {gist}").format(remote=remote, gist=gist(proc)), False


# -- the repository ----------------------------------------------------------------------------------


def real_path(data_path: Path | str) -> Path:
    """The path with ``~`` expanded and every symlink resolved (git reports resolved paths)."""
    return Path(os.path.realpath(os.path.expanduser(str(data_path))))


class Repo:
    """The repository around the data file, and the few git operations sync needs."""

    def __init__(self, paths: GitPaths, data: Path, cancel: threading.Event | None = None) -> None:
        self.paths = paths
        self.root, self.data = paths.root, data
        self.git_dir, self.common_dir = paths.git_dir, paths.common_dir
        self.rel = data.relative_to(paths.root).as_posix()
        self.cancel = cancel
        #: The sync lock's descriptor while held: local git commands inherit it (see sync.locked_merge).
        self.hold_fd: int | None = None
        self._net_env: dict[str, str] | None = None
        self._steady = 0

    def _options(self) -> dict[str, object]:
        held = self.hold_fd is not None
        return {"cancel": None if self._steady else self.cancel,
                "pass_fds": (self.hold_fd,) if held else ()}

    def _args(self, args: tuple[str, ...]) -> tuple[str, ...]:
        # A git that holds the sync lock must not leave a detached `gc --auto` holding it too.
        return ("-c", "gc.auto=0", "-c", "maintenance.auto=false", *args) \
            if self.hold_fd is not None else args

    def git(self, *args: str, timeout: float = LOCAL_TIMEOUT_S,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_git(self.root, *self._args(args), timeout=timeout, extra_env=env,
                       **self._options())  # type: ignore[arg-type]

    def git_bytes(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return run_git_bytes(self.root, *self._args(args), stdin=stdin, **self._options())  # type: ignore[arg-type]

    def raw(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Git's output as bytes (blobs); a failure is a :class:`JournalError`."""
        proc = self.git_bytes(*args, stdin=stdin)
        if proc.returncode != 0:
            raise JournalError(_("git {args} failed: {gist_bytes}").format(args=args[0], gist_bytes=gist_bytes(proc)))
        return proc.stdout

    def out(self, *args: str, what: str, env: dict[str, str] | None = None) -> str:
        proc = self.git(*args, env=env)
        if proc.returncode != 0:
            text = proc.stderr.lower()
            if "tell me who you are" in text or "identity unknown" in text:
                raise JournalError(_('git needs your name and email for commits: run `git config '
                                   '--global user.name "Your Name"` and `git config --global '
                                   'user.email you@example.com`, then sync again'))
            if "index.lock" in text and "exists" in text:
                raise JournalError(_("git's index in {root} is locked ({git_dir}/index.lock): "
                                     "another git command is running there, or one was "
                                     "killed; if none is running, delete that file, then sync "
                                     "again").format(root=self.root, git_dir=self.git_dir))
            raise JournalError(_("{what} failed: {gist}").format(what=what, gist=gist(proc)))
        return proc.stdout.strip()

    def config(self, key: str) -> str:
        return self.git("config", "--get", key).stdout.strip()

    def checkpoint(self) -> None:
        """Stop here if the sync was asked to stop."""
        if self.cancel is not None and self.cancel.is_set() and not self._steady:
            raise SyncStopped(_("the sync was stopped before it finished; nothing is lost: run "
                              "`journal sync` to finish it"))

    @contextlib.contextmanager
    def uninterrupted(self) -> Iterator[None]:
        """A step that must not be cut short by a stop request (applying a merge: short, local)."""
        self._steady += 1
        try:
            yield
        finally:
            self._steady -= 1

    def net(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Fetch or push: ssh must not prompt on the terminal (a TUI owns it), so it runs in batch
        mode unless the user configured ssh for git themselves. They do not inherit the sync lock
        (a credential helper they start may live on for minutes)."""
        self.checkpoint()
        if self._net_env is None:
            custom = "GIT_SSH_COMMAND" in os.environ or "GIT_SSH" in os.environ or self.config("core.sshCommand")
            self._net_env = {} if custom else {"GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=20"}
        return run_git(self.root, *args, timeout=NETWORK_TIMEOUT_S, extra_env=self._net_env,
                       cancel=self.cancel)

    def has(self, ref: str) -> bool:
        return self.git("rev-parse", "-q", "--verify", f"{ref}^{{commit}}").returncode == 0

    def unmerged(self) -> list[str]:
        out = self.git("diff", "--name-only", "--diff-filter=U", "-z").stdout
        return sorted({p for p in out.split("\0") if p})

    def merging(self) -> bool:
        return self.has("MERGE_HEAD")


def locate(path: Path) -> GitPaths | None:
    """Where the repository holding ``path`` keeps its work tree, git directory and hooks (None if
    there is none). Only ``git rev-parse`` runs here: no command the repository's config or hooks
    name is started, so :func:`journal.sync.guard.open_repo` can check them first."""
    folder = path.parent
    if not folder.is_dir():
        return None
    proc = run_git(folder, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir",
                   "--git-path", "hooks")
    if proc.returncode != 0:
        if "not a git repository" in proc.stderr.lower():
            return None
        raise JournalError(_("git cannot use {folder}: {gist}").format(folder=folder, gist=gist(proc)))
    lines = proc.stdout.splitlines()
    if len(lines) != 4:
        raise JournalError(_("git cannot use {folder}: is it a bare repository?").format(folder=folder))
    root, git_dir, common, hooks = (real_path(folder / line) for line in lines)
    return GitPaths(root, git_dir, common, hooks)
