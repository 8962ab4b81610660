"""Git sync of the journal file between machines: ``journal sync [--init URL | --setup]``.

Why git: users already have it, it works offline and it keeps history. The data file is merged by
``journal merge-driver`` (:mod:`journal.sync.driver`, re-exported here), never line by line and never
rebased. Git config is not versioned, so every clone must register the driver itself: :func:`sync` does it before merging,
``journal sync --setup`` does it by hand, and :func:`driver_warning` tells the user when a clone lacks it.

This module is the order of the steps (commit, fetch, merge, push) and what each outcome tells the
user. Git itself runs through :mod:`journal.sync.repo` (argument lists, umask 077, a timeout, errors
summarised into one line). Git never writes the data file: merges are computed aside and applied
under the journal's lock (:mod:`journal.sync.locked_merge`), so a sync killed at any instant loses
no write, and a repository whose config or hooks other users can change is refused
(:mod:`journal.sync.guard`).
"""

from __future__ import annotations

import contextlib
import re
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
    check_pushable,
    check_staged,
    make_private,
    merge_attribute,
    open_repo,
    shared,
)
from journal.sync.locked_merge import (
    apply_merge,
    finish_interrupted_merge,
    plan_merge,
    redo_conflicted,
    sweep_temp_files,
    sync_lock,
)
from journal.sync.repo import NeedsUser, Repo, gist, network_problem, real_path, run_git

if TYPE_CHECKING:
    import subprocess
    import threading

__all__ = ["SyncResult", "driver_command", "driver_warning", "init", "merge_files", "setup", "sync"]

IGNORE_PATTERNS = ("*.lock", "*.tmp-*", ".journal-cache/", ".journal-backups/")
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


@contextlib.contextmanager
def _journal_lock(path: Path) -> Iterator[None]:
    """Hold the journal's write lock around commit and merge (not the network), so a TUI or
    ``journal add`` writing meanwhile neither races git's checkout nor dirties the tree mid-merge.
    Loading the file under the lock also refuses to commit one that is damaged."""
    from journal.storage import JournalStore

    with JournalStore(path).transaction():
        yield


# -- setting a repository up -----------------------------------------------------------------------


def _ensure_setup(repo: Repo, *, force_driver: bool = False, ignore: bool = True) -> list[str]:
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
    path = real_path(data_path)
    try:
        repo = open_repo(path)
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

    path = real_path(data_path)
    notes: list[str] = []
    try:
        repo = open_repo(path, cancel)
        if repo is None:
            folder = path.parent
            if folder in (real_path(Path.home()), Path(folder.anchor)):
                raise JournalError(_("refusing to make {folder} a git repository: move the "
                                     "journal into a folder of its own (e.g. "
                                     "~/journal/journal.json, then --file or $JOURNAL_FILE)").format(folder=folder))
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            proc = run_git(folder, "init", "-q")
            if proc.returncode != 0:
                raise JournalError(_("git init failed: {gist}").format(gist=gist(proc)))
            repo = open_repo(path, cancel)
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
    path = real_path(data_path)
    try:
        repo = open_repo(path, cancel)
    except JournalError as exc:
        return SyncResult(False, str(exc))
    if repo is None:
        return SyncResult(False, _(NOT_A_REPO).format(path=path))
    return _sync(repo, message)


def _default_message() -> str:
    import socket

    return f"journal: sync from {socket.gethostname()}"


def _branch(repo: Repo) -> str:
    proc = repo.git("symbolic-ref", "-q", "--short", "HEAD")
    if proc.returncode != 0:
        raise JournalError(_("{root} is not on a branch (detached HEAD): check one out with "
                             "`git switch <branch>`, then sync again").format(root=repo.root))
    return proc.stdout.strip()


def _remote_of(repo: Repo, branch: str) -> tuple[str | None, str, bool]:
    """(remote, its branch, upstream configured?): the branch's upstream, else origin (or the only
    remote) and the same branch name."""
    remote = repo.config(f"branch.{branch}.remote")
    merge = repo.config(f"branch.{branch}.merge")
    if remote and remote != "." and merge.startswith("refs/heads/"):
        return remote, merge[len("refs/heads/"):], True
    remotes = repo.git("remote").stdout.split()
    chosen = "origin" if "origin" in remotes else remotes[0] if len(remotes) == 1 else None
    return chosen, branch, False


def _commit(repo: Repo, message: str) -> bool:
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


def _sync(repo: Repo, message: str | None, *, allow_unrelated: bool = False) -> SyncResult:
    details: list[str] = []
    try:
        with sync_lock(repo):
            return _sync_locked(repo, message, allow_unrelated, details)
    except NeedsUser as exc:
        return SyncResult(False, str(exc), details, needs_user=True)
    except JournalError as exc:
        return SyncResult(False, str(exc), details)


def _sync_locked(repo: Repo, message: str | None, allow_unrelated: bool,
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
    except NeedsUser as exc:
        return SyncResult(False, str(exc), details, committed=committed, pulled=pulled, needs_user=True)
    except JournalError as exc:
        return SyncResult(False, str(exc), details, committed=committed, pulled=pulled)


#: What git says when the remote moved on between our fetch and our push (the race is retried once).
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref",
             "stale info")


def _same_commit(repo: Repo, a: str, b: str) -> bool:
    return repo.git("rev-parse", a).stdout == repo.git("rev-parse", b).stdout


def _merge(repo: Repo, target: str, allow_unrelated: bool) -> str | None:
    """Bring ``target`` into HEAD (never a rebase; git never writes the data file, see
    :mod:`journal.sync.locked_merge`). Returns a note of what came in, None if nothing did; raises
    :class:`NeedsUser`."""
    short = target.removeprefix("refs/remotes/")
    if repo.has("HEAD") and repo.git("merge-base", "--is-ancestor", target, "HEAD").returncode == 0:
        return None
    with _journal_lock(repo.data):
        _commit(repo, _default_message())  # a write since the last commit goes out with this sync
    if not repo.has("HEAD"):
        raise NeedsUser(_("{root} has no commit yet: commit something, then sync again").format(root=repo.root))
    plan = plan_merge(repo, target, short, allow_unrelated)
    if plan is None:
        return None
    repo.checkpoint()
    apply_merge(repo, plan)
    return plan.note


def _unreachable(repo: Repo, proc: subprocess.CompletedProcess[str], remote: str, target: str,
                 details: list[str], committed: bool, pulled: bool) -> SyncResult:
    """Offline is not a failure (the work is committed, the next sync pushes it); a refused
    credential or a wrong URL is, because waiting will not fix it."""
    problem, offline = network_problem(proc, remote)
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
