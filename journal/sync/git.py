"""Git sync of the journal file between machines: ``journal sync [--init URL | --setup]``.

Why git: users already have it, it works offline and it keeps history. The data file is merged by
``journal merge-driver`` (:mod:`journal.sync.driver`, re-exported here), never line by line and never
rebased. Git config is not versioned, so every clone must register the driver itself: :func:`sync` does it before merging,
``journal sync --setup`` does it by hand, and :func:`driver_warning` tells the user when a clone lacks it.

Git runs with argument lists (never a shell), ``GIT_TERMINAL_PROMPT=0``, umask 077 (what it creates
stays private) and a timeout, so a missing credential fails instead of hanging a TUI; its stderr is
summarised into one line, not dumped. Git never writes the data file: merges are computed aside and
applied under the journal's lock (:mod:`journal.sync.locked_merge`), so a sync killed at any instant loses
no write, and a repository whose config or hooks other users can change is refused
(:mod:`journal.sync.guard`).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import JournalError
from journal.i18n import N_, _, ngettext
from journal.sync.driver import (
    DRIVER,
    driver_command,
    driver_warning,
    merge_files,
    missing_program,
)
from journal.sync.guard import (
    GitPaths,
    check_pushable,
    check_repository,
    check_staged,
    make_private,
    merge_attribute,
    shared,
)
from journal.sync.locked_merge import NeedsUser as _NeedsUser
from journal.sync.locked_merge import (
    SyncStopped,
    apply_merge,
    finish_interrupted_merge,
    plan_merge,
    redo_conflicted,
    sweep_temp_files,
    sync_lock,
)

if TYPE_CHECKING:
    import subprocess
    import threading

__all__ = ["SyncResult", "driver_command", "driver_warning", "init", "merge_files", "setup", "sync"]

IGNORE_PATTERNS = ("*.lock", "*.tmp-*", ".journal-cache/", ".journal-backups/")
LOCAL_TIMEOUT_S = 120.0
NETWORK_TIMEOUT_S = 120.0
NOT_A_REPO = (N_("{path} is not inside a git repository: run `journal sync --init [REMOTE_URL]` to "
              "start syncing it"))


@dataclass
class SyncResult:
    """What a sync did: ``summary`` is the one line the CLI prints and the TUI notifies; ``details``
    say step by step what happened (for ``--verbose`` and logs)."""

    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)
    committed: bool = False
    pulled: bool = False
    pushed: bool = False
    offline: bool = False
    needs_user: bool = False


# -- git plumbing ----------------------------------------------------------------------------------


def _git(cwd: Path, *args: str, timeout: float = LOCAL_TIMEOUT_S,
         extra_env: dict[str, str] | None = None, stdin: bytes | None = None,
         cancel: threading.Event | None = None,
         pass_fds: tuple[int, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run git; text out (undecodable bytes replaced). See :func:`_git_bytes`."""
    import subprocess

    proc = _git_bytes(cwd, *args, timeout=timeout, extra_env=extra_env, stdin=stdin, cancel=cancel,
                      pass_fds=pass_fds)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def _git_bytes(cwd: Path, *args: str, timeout: float = LOCAL_TIMEOUT_S,
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


def _gist(proc: subprocess.CompletedProcess[str]) -> str:
    """The line of git's output that says what went wrong, without the ``fatal:`` noise."""
    lines = [line.strip() for line in (proc.stderr + "\n" + proc.stdout).splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line.split(":", 1)[1].strip()[:200]
    return (lines[-1] if lines else _("git exited with status {returncode}").format(returncode=proc.returncode))[:200]


_AUTH = ("terminal prompts disabled", "authentication failed", "permission denied",
         "could not read username", "could not read password", "host key verification failed",
         "returned error: 401", "returned error: 403")
_NETWORK = ("could not resolve", "unable to access", "could not read from remote", "timed out",
            "does not appear to be a git repository", "connection refused", "unreachable",
            "no route to host", "connect to", "name resolution", "connection reset", "connection closed")


def _network_problem(proc: subprocess.CompletedProcess[str], remote: str) -> tuple[str, bool]:
    """(one-line message, offline?) for a failed fetch or push: offline means "try later"."""
    text = (proc.stderr + proc.stdout).lower()
    if any(s in text for s in _AUTH):
        return (_("{remote} refused access ({gist}): check your credentials (for ssh, load "
                  "the key into ssh-agent; for https, a credential helper)").format(remote=remote, gist=_gist(proc)), False)
    if "repository not found" in text:
        return _("{remote} says the repository does not exist ({gist})").format(remote=remote, gist=_gist(proc)), False
    if any(s in text for s in _NETWORK):
        return _("could not reach {remote} (offline?)").format(remote=remote), True
    return _("git could not talk to {remote}: {gist}").format(remote=remote, gist=_gist(proc)), False


class _Repo:
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
        return _git(self.root, *self._args(args), timeout=timeout, extra_env=env,
                    **self._options())  # type: ignore[arg-type]

    def git_bytes(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return _git_bytes(self.root, *self._args(args), stdin=stdin, **self._options())  # type: ignore[arg-type]

    def raw(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Git's output as bytes (blobs); a failure is a :class:`JournalError`."""
        proc = self.git_bytes(*args, stdin=stdin)
        if proc.returncode != 0:
            raise JournalError(_("git {args} failed: {gist_bytes}").format(args=args[0], gist_bytes=_gist_bytes(proc)))
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
            raise JournalError(_("{what} failed: {gist}").format(what=what, gist=_gist(proc)))
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
        return _git(self.root, *args, timeout=NETWORK_TIMEOUT_S, extra_env=self._net_env,
                    cancel=self.cancel)

    def has(self, ref: str) -> bool:
        return self.git("rev-parse", "-q", "--verify", f"{ref}^{{commit}}").returncode == 0

    def unmerged(self) -> list[str]:
        out = self.git("diff", "--name-only", "--diff-filter=U", "-z").stdout
        return sorted({p for p in out.split("\0") if p})

    def merging(self) -> bool:
        return self.has("MERGE_HEAD")


def _gist_bytes(proc: subprocess.CompletedProcess[bytes]) -> str:
    import subprocess

    return _gist(subprocess.CompletedProcess(proc.args, proc.returncode,
                                             proc.stdout.decode("utf-8", "replace")[:2000],
                                             proc.stderr.decode("utf-8", "replace")))


def _real(data_path: Path | str) -> Path:
    return Path(os.path.realpath(os.path.expanduser(str(data_path))))


def _open_repo(path: Path, cancel: threading.Event | None = None) -> _Repo | None:
    """The repository holding ``path`` (None if there is none), refused when other users can change
    its config or hooks (:func:`journal.sync.guard.check_repository`): nothing in it runs before."""
    folder = path.parent
    if not folder.is_dir():
        return None
    proc = _git(folder, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir",
                "--git-path", "hooks")
    if proc.returncode != 0:
        if "not a git repository" in proc.stderr.lower():
            return None
        raise JournalError(_("git cannot use {folder}: {gist}").format(folder=folder, gist=_gist(proc)))
    lines = proc.stdout.splitlines()
    if len(lines) != 4:
        raise JournalError(_("git cannot use {folder}: is it a bare repository?").format(folder=folder))
    root, git_dir, common, hooks = (_real(folder / line) for line in lines)
    paths = GitPaths(root, git_dir, common, hooks)
    check_repository(paths)
    return _Repo(paths, path, cancel)


@contextlib.contextmanager
def _journal_lock(path: Path) -> Iterator[None]:
    """Hold the journal's write lock around commit and merge (not the network), so a TUI or
    ``journal add`` writing meanwhile neither races git's checkout nor dirties the tree mid-merge.
    Loading the file under the lock also refuses to commit one that is damaged."""
    from journal.storage import JournalStore

    with JournalStore(path).transaction():
        yield


# -- setting a repository up -----------------------------------------------------------------------


def _ensure_setup(repo: _Repo, *, force_driver: bool = False, ignore: bool = True) -> list[str]:
    """Register the driver in this clone (when missing or broken, or always with ``force_driver``),
    make sure ``.gitattributes`` routes the file to it and (with ``ignore``; not on every sync, so a
    pattern the user removed stays removed) that ``.gitignore`` hides the derived files; keep the
    repository private. Returns what it changed, for the details.

    Whether the file goes to the driver is asked of git (the attribute in effect), not read from
    our own line: a later line, ``.git/info/attributes`` or a nested ``.gitattributes`` can override
    it, and then a hand-typed ``git pull`` would merge the file line by line. That is refused."""
    notes = make_private(repo.paths, repo.data.parent)
    if shared(repo.config("core.sharedRepository")):
        repo.out("config", "core.sharedRepository", "false", what="git config")
        notes.append(_("stopped sharing the repository with other users (core.sharedRepository)"))
    current = repo.config(f"merge.{DRIVER}.driver")
    if force_driver or not current or missing_program(current):
        for key, value in ((f"merge.{DRIVER}.name", "journal: JSON-aware merge of the journal file"),
                           (f"merge.{DRIVER}.driver", driver_command()),
                           ("pull.rebase", "false")):  # a hand-typed `git pull` merges, never rebases
            repo.out("config", key, value, what="git config")
        notes.append(_("registered the journal merge driver in {root}").format(root=repo.root))
    attribute = merge_attribute(repo)
    if attribute == "unspecified" and _append_lines(repo.root / ".gitattributes",
                                                    [f"{_attr_pattern(repo.rel)} merge={DRIVER}"]):
        notes.append(_("wrote {rel} merge={DRIVER} to .gitattributes").format(rel=repo.rel, DRIVER=DRIVER))
        attribute = merge_attribute(repo)
    if attribute != DRIVER:
        how = {"unset": _("not at all (-merge or binary)"), "set": _("as plain text"),
               "unspecified": _("as plain text")}.get(attribute, f"with merge={attribute}")
        raise JournalError(_("git would merge {rel} {how}, not with the journal merge driver: "
                             "a line in .gitattributes (or .git/info/attributes) overrides "
                             "`{attr_pattern} merge={DRIVER}`; remove it (`git check-attr "
                             "merge -- {rel}` shows what is in effect), then sync again").format(rel=repo.rel, how=how, attr_pattern=_attr_pattern(repo.rel), DRIVER=DRIVER))
    if ignore and _append_lines(repo.root / ".gitignore", list(IGNORE_PATTERNS)):
        notes.append(_("added the lock, temp, cache and backup files to .gitignore"))
    return notes


def _attr_pattern(rel: str) -> str:
    pattern = re.sub(r"([*?\[\\])", r"\\\1", rel)
    if any(ch.isspace() or ch == '"' for ch in pattern):
        pattern = '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return pattern


def _append_lines(path: Path, lines: list[str]) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise JournalError(_("cannot read {path}: {value}").format(path=path, value=exc.strerror or exc)) from None
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in present]
    if not missing:
        return False
    prefix = "" if not text or text.endswith("\n") else "\n"
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(prefix + "\n".join(missing) + "\n")
    except OSError as exc:
        raise JournalError(_("cannot write {path}: {value}").format(path=path, value=exc.strerror or exc)) from None
    return True


def setup(data_path: Path | str) -> SyncResult:
    """``journal sync --setup``: register the driver in this clone (with this program) and make the
    repository private. If a merge without the driver left the data file conflicted, redo that
    file's merge (here, under the journal's lock: git never writes the file)."""
    path = _real(data_path)
    try:
        repo = _open_repo(path)
        if repo is None:
            return SyncResult(False, _(NOT_A_REPO).format(path=path))
        with sync_lock(repo):
            notes = _ensure_setup(repo, force_driver=True)
            summary = _("the journal merge driver is registered in {root}").format(root=repo.root)
            if repo.rel in repo.unmerged():
                if redo_conflicted(repo):
                    summary += _("; redid the merge of {rel}: run `journal sync` to finish it").format(rel=repo.rel)
                else:
                    summary += _("; {rel} still has a merge conflict git could not resolve").format(rel=repo.rel)
                    return SyncResult(False, summary, notes, needs_user=True)
    except JournalError as exc:
        return SyncResult(False, str(exc))
    return SyncResult(True, summary, notes)


def init(data_path: Path | str, url: str | None = None, *,
         cancel: threading.Event | None = None) -> SyncResult:
    """``journal sync --init [URL]``: create the repository around the data file (or use the one it
    is in), set it up, commit, and with a URL set ``origin`` and sync (histories started separately
    on two machines may be joined: the driver merges the two journals document by document)."""
    from journal.storage import JournalStore, empty_tables

    path = _real(data_path)
    notes: list[str] = []
    try:
        repo = _open_repo(path, cancel)
        if repo is None:
            folder = path.parent
            if folder in (_real(Path.home()), Path(folder.anchor)):
                raise JournalError(_("refusing to make {folder} a git repository: move the "
                                     "journal into a folder of its own (e.g. "
                                     "~/journal/journal.json, then --file or $JOURNAL_FILE)").format(folder=folder))
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            proc = _git(folder, "init", "-q")
            if proc.returncode != 0:
                raise JournalError(_("git init failed: {gist}").format(gist=_gist(proc)))
            repo = _open_repo(path, cancel)
            assert repo is not None
            notes.append(_("created a git repository in {folder}").format(folder=folder))
        if not path.exists():
            JournalStore(path).replace_all(empty_tables())
            notes.append(_("created an empty journal {path}").format(path=path))
        with sync_lock(repo):
            notes += _ensure_setup(repo)
            with _journal_lock(path):
                if _commit(repo, "journal: start syncing this journal"):
                    notes.append(_("committed the journal"))
        if url:
            old = repo.config("remote.origin.url")
            if not old:
                repo.out("remote", "add", "origin", url, what="git remote add")
            elif old != url:
                repo.out("remote", "set-url", "origin", url, what="git remote set-url")
                notes.append(_("origin was {old}").format(old=old))
        if not url and not _remote_of(repo, _branch(repo))[0]:
            return SyncResult(True, _("ready to sync {name} in {root}; add a remote with "
                                      "`journal sync --init REMOTE_URL`").format(name=path.name, root=repo.root), notes)
    except JournalError as exc:
        return SyncResult(False, str(exc), notes)
    result = _sync(repo, None, allow_unrelated=True)
    result.details[:0] = notes
    return result


# -- sync ------------------------------------------------------------------------------------------


def sync(data_path: Path | str, message: str | None = None, *,
         cancel: threading.Event | None = None) -> SyncResult:
    """``journal sync``: commit the data file if it changed → fetch → merge → push. Every outcome the
    user can meet (no repository, no remote, offline, a merge that needs them) is a result with a
    one-line summary, not an exception, so the CLI and the TUI report it the same way. Setting
    ``cancel`` stops it at the next safe point (the app quitting)."""
    path = _real(data_path)
    try:
        repo = _open_repo(path, cancel)
    except JournalError as exc:
        return SyncResult(False, str(exc))
    if repo is None:
        return SyncResult(False, _(NOT_A_REPO).format(path=path))
    return _sync(repo, message)


def _default_message() -> str:
    import socket

    return f"journal: sync from {socket.gethostname()}"


def _branch(repo: _Repo) -> str:
    proc = repo.git("symbolic-ref", "-q", "--short", "HEAD")
    if proc.returncode != 0:
        raise JournalError(_("{root} is not on a branch (detached HEAD): check one out with "
                             "`git switch <branch>`, then sync again").format(root=repo.root))
    return proc.stdout.strip()


def _remote_of(repo: _Repo, branch: str) -> tuple[str | None, str, bool]:
    """(remote, its branch, upstream configured?): the branch's upstream, else origin (or the only
    remote) and the same branch name."""
    remote = repo.config(f"branch.{branch}.remote")
    merge = repo.config(f"branch.{branch}.merge")
    if remote and remote != "." and merge.startswith("refs/heads/"):
        return remote, merge[len("refs/heads/"):], True
    remotes = repo.git("remote").stdout.split()
    chosen = "origin" if "origin" in remotes else remotes[0] if len(remotes) == 1 else None
    return chosen, branch, False


def _commit(repo: _Repo, message: str) -> bool:
    """Commit the data file (and our .gitattributes/.gitignore lines) if they changed; nothing
    else the user may have staged is included (``git commit -- paths``)."""
    paths = [p for p in (".gitattributes", ".gitignore") if (repo.root / p).exists()]
    tracked = repo.git("ls-files", "--error-unmatch", "--", repo.rel).returncode == 0
    if repo.data.exists():
        paths.insert(0, repo.rel)
    elif tracked:
        raise JournalError(_("{data} is missing: restore it (`git checkout -- {rel}` or "
                             "`journal restore`) before syncing, or its deletion would spread").format(data=repo.data, rel=repo.rel))
    if not paths:
        return False
    repo.out("add", "--", *paths, what="git add")
    if repo.data.exists():
        check_staged(repo)
    if repo.git("diff", "--cached", "--quiet", "--", *paths).returncode == 0:
        return False
    repo.out("commit", "-q", "-m", message, "--", *paths, what="git commit")
    return True


def _sync(repo: _Repo, message: str | None, *, allow_unrelated: bool = False) -> SyncResult:
    details: list[str] = []
    try:
        with sync_lock(repo):
            return _sync_locked(repo, message, allow_unrelated, details)
    except _NeedsUser as exc:
        return SyncResult(False, str(exc), details, needs_user=True)
    except JournalError as exc:
        return SyncResult(False, str(exc), details)


def _sync_locked(repo: _Repo, message: str | None, allow_unrelated: bool,
                 details: list[str]) -> SyncResult:
    committed = pulled = False
    try:
        sweep_temp_files(repo)
        branch = _branch(repo)
        details += _ensure_setup(repo, ignore=False)
        finished = finish_interrupted_merge(repo)
        if finished:
            details.append(finished)
        with _journal_lock(repo.data):
            committed = _commit(repo, message or _default_message())
        remote, remote_branch, upstream = _remote_of(repo, branch)
        if committed:
            details.append(_("committed your changes"))
        if remote is None:
            return SyncResult(False, (_("committed locally, but ") if committed else "")
                              + _("{root} has no remote to sync with: add one with `journal "
                                  "sync --init REMOTE_URL`").format(root=repo.root), details, committed=committed)
        target = f"refs/remotes/{remote}/{remote_branch}"
        for attempt in (1, 2):
            fetch = repo.net("fetch", "--quiet", remote)
            if fetch.returncode != 0:
                return _unreachable(repo, fetch, remote, target, details, committed, pulled)
            if repo.has(target):
                note = _merge(repo, target, allow_unrelated)
                if note:
                    pulled = True
                    details.append(note)
            if not repo.has("HEAD") or (repo.has(target) and _same_commit(repo, "HEAD", target)):
                return _done(remote, remote_branch, details, committed, pulled, pushed=False)
            check_pushable(repo)
            push = repo.net("push", "--quiet", *([] if upstream else ["-u"]), remote,
                            f"HEAD:refs/heads/{remote_branch}")
            if push.returncode == 0:
                return _done(remote, remote_branch, details, committed, pulled, pushed=True)
            text = push.stderr.lower()
            if not any(s in text for s in _REJECTED):
                return _unreachable(repo, push, remote, target, details, committed, pulled)
            details.append(_("push rejected: the remote has new commits") + (_("; merging them") if attempt == 1 else ""))
        return SyncResult(False, _("push rejected twice: {remote} keeps receiving new "
                                   "commits; run `journal sync` again").format(remote=remote), details, committed=committed, pulled=pulled)
    except _NeedsUser as exc:
        return SyncResult(False, str(exc), details, committed=committed, pulled=pulled, needs_user=True)
    except JournalError as exc:
        return SyncResult(False, str(exc), details, committed=committed, pulled=pulled)


#: What git says when the remote moved on between our fetch and our push (the race is retried once).
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref",
             "stale info")


def _same_commit(repo: _Repo, a: str, b: str) -> bool:
    return repo.git("rev-parse", a).stdout == repo.git("rev-parse", b).stdout


def _merge(repo: _Repo, target: str, allow_unrelated: bool) -> str | None:
    """Bring ``target`` into HEAD (never a rebase; git never writes the data file, see
    :mod:`journal.sync.locked_merge`). Returns a note of what came in, None if nothing did; raises
    :class:`_NeedsUser`."""
    short = target.removeprefix("refs/remotes/")
    if repo.has("HEAD") and repo.git("merge-base", "--is-ancestor", target, "HEAD").returncode == 0:
        return None
    with _journal_lock(repo.data):
        _commit(repo, _default_message())  # a write since the last commit goes out with this sync
    if not repo.has("HEAD"):
        raise _NeedsUser(_("{root} has no commit yet: commit something, then sync again").format(root=repo.root))
    plan = plan_merge(repo, target, short, allow_unrelated)
    if plan is None:
        return None
    repo.checkpoint()
    apply_merge(repo, plan)
    return plan.note


def _unreachable(repo: _Repo, proc: subprocess.CompletedProcess[str], remote: str, target: str,
                 details: list[str], committed: bool, pulled: bool) -> SyncResult:
    """Offline is not a failure (the work is committed, the next sync pushes it); a refused
    credential or a wrong URL is, because waiting will not fix it."""
    problem, offline = _network_problem(proc, remote)
    details.append(problem)
    if offline:
        ahead = repo.git("rev-list", "--count", f"{target}..HEAD" if repo.has(target) else "HEAD")
        count = int(ahead.stdout.strip() or 0) if ahead.returncode == 0 else 0
        saved = _("committed your changes locally; ") if committed else ""
        later = (ngettext("{count} local commit will be pushed on the next `journal sync`",
                           "{count} local commits will be pushed on the next `journal sync`",
                           count).format(count=count)
                 if count else _("nothing to push; try again when online"))
        return SyncResult(True, f"{saved}{problem}: {later}", details,
                          committed=committed, pulled=pulled, offline=True)
    return SyncResult(False, (_("committed locally, but ") if committed else "") + problem, details,
                      committed=committed, pulled=pulled)


def _done(remote: str, branch: str, details: list[str], committed: bool, pulled: bool,
          *, pushed: bool) -> SyncResult:
    parts = [d for d in details if d == "committed your changes"
             or d.startswith(("merged", "finished"))]
    if pushed:
        parts.append(_("pushed to {remote}").format(remote=remote))
    summary = _("synced with {remote}/{branch}: {what}").format(
        remote=remote, branch=branch, what=_("; ").join(parts)) if parts else \
        _("already up to date with {remote}/{branch}").format(remote=remote, branch=branch)
    return SyncResult(True, summary, details, committed=committed, pulled=pulled, pushed=pushed)
