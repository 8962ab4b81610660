"""Who else can steer git in the journal's repository, and keeping that repository private.

Why: ``journal sync`` runs git, and git runs what the repository's config and hooks say (a merge
driver, ``core.sshCommand``, ``core.fsmonitor``, a ``pre-commit`` hook ...). If another user can
change ``.git/config`` or a hook — a clone made with umask 000, a folder shared with a group, a
repository handed over by someone else — they choose a command our user will run. So sync refuses
such a repository, with one line saying which path and how to fix it, before it runs any git
command beyond locating the repository (:func:`open_repo`). The check is on modes and owners only
(never on content: what was planted cannot be told from what the user wrote).

And the journal is private data: its history in ``.git/objects`` must not be readable by others
either. ``journal sync --init`` / ``--setup`` (and every sync) make the journal's folder and the git
directory 0700, the config 0600, and switch ``core.sharedRepository`` off; git itself runs with
umask 077 (see :mod:`journal.sync.repo`), so what it creates later stays private too.

Also here, the checks on what git would do with the data file itself: merge it with the driver
(the ``merge`` attribute in effect, not our own line, which a later one can override), store the
very bytes that were checked (no ``ident``, ``eol`` or filter altering them), push only a file
that parses and validates.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import JournalError
from journal.i18n import _
from journal.sync.repo import GitPaths, NeedsUser, Repo, locate

if TYPE_CHECKING:
    import threading

#: Values of ``core.sharedRepository`` that mean "not shared" (git's own spellings).
_NOT_SHARED = {"", "false", "umask", "no", "off", "0"}


def _my_uid() -> int:
    return os.geteuid()


def _private_group(gid: int, uid: int) -> bool:
    """A user private group (Debian's and Ubuntu's default, with umask 002): the group named like
    the user, the user's primary group, with no other members. Group-writable is then still only
    the user."""
    try:
        import grp
        import pwd

        group, user = grp.getgrgid(gid), pwd.getpwuid(uid)
    except (ImportError, KeyError):
        return False
    return (group.gr_name == user.pw_name and user.pw_gid == gid
            and not set(group.gr_mem) - {user.pw_name})


def _who_else_can_write(st: os.stat_result, uid: int) -> str | None:
    """Why someone other than ``uid`` (and root) can change the file or folder, or None."""
    if st.st_uid not in (uid, 0):
        return _("belongs to another user (uid {st_uid})").format(st_uid=st.st_uid)
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o002:
        return _("can be changed by every user (mode {mode:04o})").format(mode=mode)
    if mode & 0o020 and not _private_group(st.st_gid, uid):
        return _("can be changed by the users of group {group_name} (mode {mode:04o})").format(group_name=_group_name(st.st_gid), mode=mode)
    return None


def _group_name(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)


def check_repository(paths: GitPaths, *, uid: int | None = None) -> None:
    """Raise :class:`JournalError` (one line) if another user can change the repository's config or
    hooks, or a folder holding them (which lets them replace those files)."""
    uid = _my_uid() if uid is None else uid
    items = [(paths.root, _("the repository's folder")), (paths.git_dir, _("its git directory")),
             (paths.common_dir, _("its git directory")), (paths.config, _("its git config")),
             (paths.hooks, _("its hooks folder"))]
    with contextlib.suppress(OSError):
        items += [(entry, _("a git hook")) for entry in sorted(paths.hooks.iterdir())
                  if not entry.name.endswith(".sample")]
    seen: set[Path] = set()
    for path, what in items:
        if path in seen:
            continue
        seen.add(path)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise JournalError(_("cannot check {path} ({value}): not syncing").format(path=path, value=exc.strerror or exc)) from None
        why = _who_else_can_write(st, uid)
        if why:
            fix = (_("make it private (`chmod {value} {path}`)").format(value='700' if stat.S_ISDIR(st.st_mode) else '600', path=path)
                   if st.st_uid in (uid, 0) else _("use a repository of your own"))
            raise JournalError(_("{path} ({what}) {why}, so they could make git run their "
                                 "commands: check it holds nothing you did not put there, "
                                 "{fix}, then sync again").format(path=path, what=what, why=why, fix=fix))


def open_repo(path: Path, cancel: threading.Event | None = None) -> Repo | None:
    """The repository holding ``path`` (None if there is none), refused when other users can change
    its config or hooks (:func:`check_repository`): nothing in it runs before. The one way sync
    gets a :class:`~journal.sync.repo.Repo`."""
    paths = locate(path)
    if paths is None:
        return None
    check_repository(paths)
    return Repo(paths, path, cancel)


def make_private(paths: GitPaths, data_folder: Path) -> list[str]:
    """Make the journal's folder and the git directory 0700 and the config 0600 (those we own);
    returns what changed. (``core.sharedRepository`` is the caller's: see :func:`shared`.)"""
    notes = []
    uid = _my_uid()
    for path, mode in ((data_folder, 0o700), (paths.git_dir, 0o700), (paths.common_dir, 0o700),
                       (paths.config, 0o600)):
        try:
            st = os.stat(path)
            if st.st_uid == uid and stat.S_IMODE(st.st_mode) & 0o077:
                os.chmod(path, stat.S_IMODE(st.st_mode) & 0o700 | (mode & 0o700))
                notes.append(_("made {path} private (mode {mode:04o})").format(path=path, mode=mode))
        except OSError:
            continue
    return notes


def shared(value: str) -> bool:
    """Whether a ``core.sharedRepository`` value shares the repository with other users."""
    return value.strip().lower() not in _NOT_SHARED


# -- what git would store, merge and push ------------------------------------------------------------


def merge_attribute(repo: Repo) -> str:
    """The ``merge`` attribute git applies to the data file: a driver name, ``set``, ``unset`` or
    ``unspecified``."""
    out = repo.out("check-attr", "-z", "merge", "--", repo.rel, what="git check-attr").split("\0")
    return out[2] if len(out) >= 3 else "unspecified"


def check_staged(repo: Repo) -> None:
    """What ``git add`` staged must be the file's very bytes (the caller holds the lock, and loading
    the file under it checked them): an attribute such as ``eol``, ``ident``, ``filter`` or
    ``working-tree-encoding`` would have git store something else than was checked."""
    staged = repo.out("rev-parse", f":{repo.rel}", what="git rev-parse")
    raw = repo.out("hash-object", "--no-filters", "--", repo.rel, what="git hash-object")
    if staged != raw:
        repo.git("reset", "-q", "--", repo.rel)
        raise JournalError(_("git would store {rel} changed by its attributes (see `git "
                             "check-attr -a -- {rel}`): remove the eol, text, ident, filter "
                             "or encoding attribute from .gitattributes, then sync again").format(rel=repo.rel))


def check_pushable(repo: Repo) -> None:
    """Never push a data file that does not parse and validate (whatever made the commit)."""
    from journal.storage import parse_bytes

    found = repo.git("ls-tree", "HEAD", "--", repo.rel).stdout.split()
    if len(found) >= 3:
        raw = repo.raw("cat-file", "blob", found[2])
        try:
            parse_bytes(raw, _("{rel} as committed in {root}").format(rel=repo.rel, root=repo.root))
        except JournalError as exc:
            raise NeedsUser(_("not pushing: {exc}; repair it (`journal doctor`), commit, then "
                              "sync again").format(exc=exc)) from None
