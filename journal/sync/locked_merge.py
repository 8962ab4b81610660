"""Bringing another clone's commits in without letting git write the data file.

Why not ``git merge``: git writes the merged data file into the working tree itself, after the merge
driver has returned and outside the journal's lock. When the sync that started it died (``kill -9``,
a closed terminal, the app quitting mid-merge), git went on alone, and its checkout overwrote what a
writer had saved meanwhile (issue 19: 14 of 167 acknowledged adds lost in a torture run).

Here git only computes, where no writer looks: the trees are merged in a temporary index
(``read-tree -m -i``, no working tree), the data file is merged in this process from its three
committed versions (the same document-by-document merge the driver does), and the merge commit is
made with ``commit-tree``. Then, holding ``<file>.lock`` throughout, :func:`apply_merge` brings the
result in: the index entry of the data file first, the other tracked files (``read-tree -m -u``,
which leaves the data file alone because its index entry already equals the result), the data file
itself through the storage layer — merged 3-way against what is on disk *now*, so writes made while
we fetched are kept — and last the branch (a compare-and-swap ``update-ref``).

Why a kill at any instant loses nothing: no git command a sync starts ever writes the data file, so
one left running by a dead sync cannot overwrite a later write; the one write is ours, atomic and
under the lock. A sync killed before its branch moved leaves at most a data file that already holds
the incoming documents but is not committed; the next sync commits it and merges again, and merging
in changes a side already has changes nothing. The git commands that touch the index and refs also
hold the sync lock (:func:`sync_lock`) by inheritance, so the next sync waits for any that outlived
their sync instead of tripping over their ``index.lock``.
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
from journal.sync.repo import NeedsUser, SyncStopped

if TYPE_CHECKING:
    from journal.sync.repo import Repo

#: How long a sync waits for another one (or for git commands a killed one left running).
SYNC_LOCK_WAIT_S = 60.0
_TEMP_PREFIX = "journal-merge."
_REGULAR = ("100644", "100755")


@dataclass
class Plan:
    """A merge computed but not applied: where HEAD goes and what the data file becomes."""

    head: str  # the commit HEAD was when planned
    commit: str  # where HEAD goes: the target (fast-forward) or a new merge commit
    entry: tuple[str, str] | None  # (mode, blob id) of the data file in ``commit``
    raw: bytes | None  # its bytes
    note: str  # what came in, for the details
    message: str  # the reflog message of the branch's move


# -- the sync lock -----------------------------------------------------------------------------------


@contextlib.contextmanager
def sync_lock(repo: Repo) -> Iterator[None]:
    """One sync at a time per repository, also across processes: an flock on
    ``<git dir>/journal-sync.lock``. The descriptor is handed to the local git commands a sync runs
    (not to fetch and push, whose credential helpers may linger), so that when the sync dies the
    lock stays held until the last of them has finished."""
    import fcntl

    path = repo.common_dir / "journal-sync.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise JournalError(_("cannot lock {path} ({value})").format(path=path, value=exc.strerror or exc)) from None
    try:
        deadline = time.monotonic() + SYNC_LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise JournalError(_("another `journal sync` is running in {root} (or git "
                                         "commands of one that was stopped are still "
                                         "finishing): try again when it is done").format(root=repo.root)) from None
                repo.checkpoint()
                time.sleep(0.05)
        repo.hold_fd = fd
        try:
            yield
        finally:
            repo.hold_fd = None
    finally:
        os.close(fd)


def sweep_temp_files(repo: Repo) -> None:
    """Delete the temporary index and side files of syncs that died mid-merge (we hold the sync lock,
    so no live sync owns them)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(repo.git_dir):
            if entry.name.startswith(_TEMP_PREFIX):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


# -- planning: git computes, nothing in the working tree changes ----------------------------------------


def _entry(repo: Repo, rev: str, path: str) -> tuple[str, str] | None:
    """(mode, blob id) of ``path`` in commit ``rev``, or None when it has none."""
    out = repo.out("ls-tree", "-z", rev, "--", path, what="git ls-tree")
    for record in out.split("\0"):
        meta, _tab, name = record.partition("\t")
        if name == path:
            mode, kind, oid = meta.split()
            if kind != "blob" or mode not in _REGULAR:
                raise NeedsUser(_("{path} in {rev} is not a regular file ({kind} {mode}): "
                                  "repair that commit by hand, then sync again").format(path=path, rev=rev[:12], kind=kind, mode=mode))
            return mode, oid
    return None


def _blob(repo: Repo, entry: tuple[str, str] | None) -> bytes | None:
    return None if entry is None else repo.raw("cat-file", "blob", entry[1])


def _store_blob(repo: Repo, raw: bytes) -> str:
    return repo.raw("hash-object", "-w", "--no-filters", "--stdin", stdin=raw).decode().strip()


def _merge_data(base: bytes | None, ours: bytes | None, theirs: bytes | None,
                label: str) -> tuple[bytes | None, str]:
    """The data file merged from its three versions, and what came in. A side without the file
    (deleted, or never there) takes the other side's: deleting the journal never spreads."""
    from journal.sync.driver import describe_merge, merge_bytes

    if theirs is None or ours == theirs:
        return ours, _("no changes")
    if ours is None:
        _check(theirs, _("the incoming version of {label}").format(label=label))
        return theirs, _("the whole file")
    merged, stats = merge_bytes(base or b"", ours, theirs, label)
    return merged, describe_merge(stats)


def _check(raw: bytes, origin: str) -> None:
    from journal.storage import parse_bytes

    parse_bytes(raw, origin)


def plan_merge(repo: Repo, target: str, short: str, allow_unrelated: bool) -> Plan | None:
    """The merge of ``target`` into HEAD, computed without touching the index or the working tree;
    None when HEAD already contains it. Raises :class:`NeedsUser` when it cannot be made."""
    head = repo.out("rev-parse", "--verify", "HEAD^{commit}", what="git rev-parse")
    theirs_id = repo.out("rev-parse", "--verify", f"{target}^{{commit}}", what="git rev-parse")
    if repo.git("merge-base", "--is-ancestor", theirs_id, head).returncode == 0:
        return None
    ours_entry, theirs_entry = _entry(repo, head, repo.rel), _entry(repo, theirs_id, repo.rel)
    theirs = _blob(repo, theirs_entry)
    if repo.git("merge-base", "--is-ancestor", head, theirs_id).returncode == 0 \
            and (theirs is not None or ours_entry is None):  # (a deleted journal is merged, not taken)
        if theirs is not None:
            with _incoming(short):
                _check(theirs, _("the incoming version of {rel}").format(rel=repo.rel))
        return Plan(head, theirs_id, theirs_entry, theirs, _("merged {short} (fast-forward)").format(short=short),
                    f"journal: fast-forward to {short}")
    base = repo.git("merge-base", head, theirs_id).stdout.strip()
    if not base:
        if not allow_unrelated:
            raise NeedsUser(_("{short} has a history unrelated to this journal's (was it "
                              "started on two machines?): run `journal sync --init` with the "
                              "remote's URL to join them, or clone the remote instead").format(short=short))
        base = _empty_tree(repo)
    base_raw, ours = _blob(repo, _entry(repo, base, repo.rel)), _blob(repo, ours_entry)
    with _incoming(short):
        raw, what = _merge_data(base_raw, ours, theirs, repo.rel)
    mode = (ours_entry or theirs_entry or ("100644", ""))[0]
    entry = (mode, _store_blob(repo, raw)) if raw is not None else None
    tree = _merged_tree(repo, base, head, theirs_id, entry, short)
    commit = repo.out("commit-tree", tree, "-p", head, "-p", theirs_id, "-m", f"journal: merge {short}",
                      what="git commit-tree")
    return Plan(head, commit, entry, raw, _("merged {short} ({what})").format(short=short, what=what),
                f"journal: merge {short}")


@contextlib.contextmanager
def _incoming(short: str) -> Iterator[None]:
    """A version that cannot be read or merged stops the sync before anything changed here."""
    try:
        yield
    except JournalError as exc:
        raise NeedsUser(_("could not merge {short}: {exc}; your journal is unchanged: repair "
                          "that file where it was committed, then sync again").format(short=short, exc=exc)) from None


def _empty_tree(repo: Repo) -> str:
    """The empty tree (the base of two unrelated histories), written so that git can read it."""
    return repo.raw("hash-object", "-w", "-t", "tree", "--stdin", stdin=b"").decode().strip()


def _merged_tree(repo: Repo, base: str, head: str, theirs: str, data: tuple[str, str] | None,
                 short: str) -> str:
    """The tree of the merge, made in a temporary index: git's 3-way merge of the trees, the data
    file replaced by our merge, other conflicting text files merged by ``git merge-file``."""
    index = repo.git_dir / f"{_TEMP_PREFIX}{os.getpid()}.index"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        repo.out("read-tree", "-m", "-i", "--aggressive", base, head, theirs, what="git read-tree",
                 env=env)
        unmerged: dict[str, dict[int, tuple[str, str]]] = {}
        for record in repo.out("ls-files", "-u", "-z", what="git ls-files", env=env).split("\0"):
            meta, _, name = record.partition("\t")
            if name:
                mode, oid, stage = meta.split()
                unmerged.setdefault(name, {})[int(stage)] = (mode, oid)
        resolved = {repo.rel: data}
        for name, stages in unmerged.items():
            if name != repo.rel:
                resolved[name] = _merge_text(repo, name, stages, short)
        for name, entry in resolved.items():
            repo.out("update-index", "--force-remove", "--", name, what="git update-index", env=env)
            if entry is not None:
                repo.out("update-index", "--add", "--cacheinfo", f"{entry[0]},{entry[1]},{name}",
                         what="git update-index", env=env)
        return repo.out("write-tree", what="git write-tree", env=env)
    finally:
        with contextlib.suppress(OSError):
            index.unlink()


def _merge_text(repo: Repo, name: str, stages: dict[int, tuple[str, str]], short: str) -> tuple[str, str]:
    """Another file both sides changed: a clean text merge (lines of ``.gitignore`` and
    ``.gitattributes`` from both sides are all kept), else the user merges by hand."""
    hand = NeedsUser(_("{name} changed on both sides: run `git merge {short}`, resolve it, "
                       "`git add` it and `git commit`, then `journal sync` again").format(name=name, short=short))
    if not {2, 3} <= set(stages) or any(mode not in _REGULAR for mode, _blob in stages.values()):
        raise hand
    files = []
    try:
        for stage in (2, 1, 3):  # merge-file takes: current, base, other (none: added on both)
            path = repo.git_dir / f"{_TEMP_PREFIX}{os.getpid()}.{stage}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as out:
                if stage in stages:
                    out.write(repo.raw("cat-file", "blob", stages[stage][1]))
            files.append(str(path))
        union = ["--union"] if Path(name).name in (".gitignore", ".gitattributes") else []
        proc = repo.git_bytes("merge-file", "-p", *union, *files)
        if proc.returncode != 0:
            raise hand
        return stages[2][0], _store_blob(repo, proc.stdout)
    finally:
        for path in files:
            with contextlib.suppress(OSError):
                os.unlink(path)


# -- applying: under the journal's lock ---------------------------------------------------------------


def with_local_changes(committed: bytes | None, current: bytes | None, incoming: bytes | None,
                       label: str) -> bytes | None:
    """What the data file becomes: ``incoming`` (the merge result) plus whatever was written on
    disk since ``committed`` (what the merge started from). None: leave the file as it is."""
    from journal.sync.driver import merge_bytes

    if incoming is None or current == incoming:
        return None
    if current is None or current == committed:
        return incoming
    if incoming == committed:
        return None
    merged, _merge_notes = merge_bytes(committed or b"", current, incoming, label)
    return merged


def apply_merge(repo: Repo, plan: Plan) -> None:
    """Bring a planned merge into the index, the working tree and the branch (see the module's
    docstring for the order and why each step is safe to be killed after)."""
    from journal.storage import JournalStore

    with repo.uninterrupted(), JournalStore(repo.data).locked_bytes() as disk:
        head = repo.out("rev-parse", "--verify", "HEAD^{commit}", what="git rev-parse")
        if head != plan.head:
            raise NeedsUser(_("the branch in {root} moved while syncing (a git command in "
                              "another terminal?): run `journal sync` again").format(root=repo.root))
        before = _entry(repo, head, repo.rel)
        if plan.entry is not None:
            repo.out("update-index", "--add", "--cacheinfo", f"{plan.entry[0]},{plan.entry[1]},{repo.rel}",
                     what="git update-index")
        moved = repo.git("read-tree", "-m", "-u", head, plan.commit)
        if moved.returncode != 0:
            if before is not None:  # put the data file's entry back: nothing changed after all
                repo.git("update-index", "--cacheinfo", f"{before[0]},{before[1]},{repo.rel}")
            raise NeedsUser(_("could not bring the merge into {root}: {first_line}: commit or "
                              "undo your changes to that file, then `journal sync` again").format(root=repo.root, first_line=_first_line(moved)))
        final = with_local_changes(_blob(repo, before), disk.read(), plan.raw, repo.rel)
        if final is not None:
            disk.write(final, _("the merged {rel}").format(rel=repo.rel))
        repo.out("update-ref", "-m", plan.message, "HEAD", plan.commit, head, what="git update-ref")


def _first_line(proc: object) -> str:
    text = (getattr(proc, "stderr", "") or "").strip()
    for line in text.splitlines():
        if line.strip():
            return line.split(":", 1)[-1].strip()[:200] if line.startswith(("error:", "fatal:")) \
                else line.strip()[:200]
    return _("git read-tree failed")


# -- recovery: a merge left behind by git (a hand-typed pull, an older journal) ------------------------------


def finish_interrupted_merge(repo: Repo) -> str | None:
    """A git operation left unfinished: the data file conflicted in the index (a ``git pull``
    without the driver, a ``git stash pop``), or ``MERGE_HEAD`` left behind (a ``git pull`` that
    stopped on another file, a merge or an older journal's sync killed midway). The data file is
    merged again here from the three versions git recorded, keeping anything written to it since;
    then a merge is committed if nothing else is conflicted. Returns a note, or None."""
    from journal.storage import JournalStore

    unmerged = repo.unmerged()
    redone = False
    if repo.rel in unmerged:
        if not redo_conflicted(repo):
            raise NeedsUser(_("{rel} is conflicted in git's index and its versions cannot be "
                              "merged automatically: keep one with `git checkout --ours -- "
                              "{rel}` (or --theirs), `git add` it, then `journal sync`").format(rel=repo.rel))
        unmerged, redone = repo.unmerged(), True
    if not repo.merging():
        return _("merged the conflicted {rel} again").format(rel=repo.rel) if redone else None
    if unmerged:
        raise NeedsUser(_("an unfinished git merge in {root} still has conflicts in {join}: "
                          "resolve them, `git add` them, then `journal sync`").format(root=repo.root, join=', '.join(unmerged[:5])))
    with repo.uninterrupted(), JournalStore(repo.data).transaction():  # refuses a damaged file
        repo.out("add", "--", repo.rel, what="git add")
        repo.out("commit", "-q", "--no-edit", what="git commit (finishing the merge)")
    return _("finished a git merge that was left unfinished")


def redo_conflicted(repo: Repo) -> bool:
    """Merge the conflicted data file again from the stages in the index (base, ours, theirs), into
    the file (through the storage layer, under the lock) and the index. False if a version cannot
    be read: the conflict stays for the user."""
    from journal.storage import JournalStore, StorageError, parse_bytes

    stages: dict[int, bytes] = {}
    for record in repo.out("ls-files", "-u", "-z", "--", repo.rel, what="git ls-files").split("\0"):
        meta, _tab, name = record.partition("\t")
        if name == repo.rel:
            mode, oid, stage = meta.split()
            if mode not in _REGULAR:
                return False
            stages[int(stage)] = repo.raw("cat-file", "blob", oid)
    try:
        merged, _merge_notes = _merge_data(stages.get(1), stages.get(2), stages.get(3), repo.rel)
        with repo.uninterrupted(), JournalStore(repo.data).locked_bytes() as disk:
            current = disk.read()
            try:
                if current is not None:
                    parse_bytes(current, repo.rel)
            except StorageError:
                current = None  # conflict markers (git's): nothing was written to it since
            final = with_local_changes(stages.get(2), current, merged, repo.rel) if current else merged
            if final is not None:
                disk.write(final, _("the merged {rel}").format(rel=repo.rel))
            elif merged is None:
                return False
            repo.out("add", "--", repo.rel, what="git add")
    except SyncStopped:
        raise
    except JournalError:
        return False
    return True
