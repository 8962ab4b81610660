"""The git merge driver for the journal file, and the start-up check that a clone registered it.

Split from :mod:`journal.sync.git` (which re-exports everything here) because neither part runs git:
``journal merge-driver`` is what git itself runs during a merge, and :func:`driver_warning` runs on
every CLI start, so both must stay cheap to import (stdlib only at module level).

Why a driver at all: a line-based merge of one JSON file either conflicts or, worse, produces a
file that parses but mixes two documents whenever both machines added entries next to each other.
``.gitattributes`` (``journal.json merge=journal``) sends the file here instead, and
:mod:`journal.sync.merge` merges it document by document.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from journal.errors import JournalError
from journal.i18n import _, ngettext

__all__ = ["DRIVER", "driver_command", "driver_warning", "merge_files", "merge_warning",
           "missing_program"]

DRIVER = "journal"
_ATTR_RE = re.compile(r"(^|\s)merge=journal(\s|$)")
_SECTION_RE = re.compile(r'^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$')
_DRIVER_KEY_RE = re.compile(r"^\s*driver\s*=(.*)$", re.IGNORECASE)


def driver_command() -> str:
    """The command git runs for ``merge=journal``: this very Python with ``-m journal``, because a
    ``journal`` on PATH may be another install (or absent in git's environment). ``-P`` keeps a
    ``journal.py`` in the repository (git's working directory) from shadowing the package."""
    return f"{shlex.quote(sys.executable)} -P -m journal merge-driver %O %A %B %P"


def merge_files(base: Path, ours: Path, theirs: Path, name: str | None = None) -> tuple[int, str]:
    """Merge three journal files as git's driver (``%O %A %B``) and write the result into ``ours``.

    Returns ``(exit code, one-line message)``: 0 after a merge; 1 when an input cannot be parsed,
    leaving ``ours`` untouched so git keeps the conflict for the user."""
    from journal.storage import atomic_write

    label = name or ours.name
    try:
        raws = [_read_regular(path) for path in (base, ours, theirs)]
        if raws[1] == raws[2]:
            return 0, _("journal: merged {label}: no changes").format(label=label)
        out, stats = merge_bytes(raws[0], raws[1], raws[2], label)
        atomic_write(ours, out)
    except OSError as exc:
        return 1, _("journal: cannot merge {label}: {value}; git leaves the conflict to you").format(label=label, value=exc.strerror or exc)
    except RecursionError:  # valid JSON nested deeper than the merge (and the writer) can follow
        return 1, (_("journal: cannot merge {label} automatically: a document is nested too "
                     "deeply; git leaves the conflict to you").format(label=label))
    except JournalError as exc:
        return 1, (_("journal: cannot merge {label} automatically: {exc}; git leaves the "
                     "conflict to you: repair that version, or keep one side with `git "
                     "checkout --ours -- {label}` (or --theirs), then `git add {label}`").format(label=label, exc=exc))
    review = _(" — review with `journal conflicts`") if stats.conflicted else ""
    return 0, _("journal: merged {label}: {changes}{review}").format(
        label=label, changes=describe_merge(stats), review=review)


def _read_regular(path: Path) -> bytes:
    """A version's bytes. Git always passes regular files; anything else (a FIFO would block the
    read forever, a device never end) is refused like an unreadable file."""
    import stat

    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(0, _("{name} is not a regular file").format(name=path.name))
    return path.read_bytes()


def merge_bytes(base: bytes, ours: bytes, theirs: bytes, label: str = "journal.json") -> tuple[bytes, Any]:
    """The merged file's canonical bytes and the :class:`~journal.sync.merge.MergeStats`; an empty
    ``base`` means no common ancestor. Raises :class:`JournalError` naming the side that is broken.

    Deterministic: the time stamped into new conflict records is the latest ``updated_at`` of the
    documents the two sides disagree on, not the clock, so the same inputs always give the same
    bytes and two machines that merge the same histories agree.

    Files in the canonical layout (all files this program writes) take a fast path: documents whose
    bytes are equal on both sides, nearly all of them, are copied without being parsed, and only
    the others go through :mod:`journal.sync.merge`; the result is parsed and validated once before it is
    returned. Parsing the three files in full was two thirds of a 25k-entry merge."""
    from journal.models import SCHEMA_VERSION
    from journal.storage import check_tables

    fast = _merge_split(base, ours, theirs)
    if fast is not None:
        import orjson

        out, stats = fast
        data = orjson.loads(out)  # never hand git a file we could not read back
        if "schema" in data.get("meta", {}) and not check_tables(data, SCHEMA_VERSION):
            return out, stats
    return _merge_parsed(base, ours, theirs, label)


def _merge_parsed(base: bytes, ours: bytes, theirs: bytes, label: str) -> tuple[bytes, Any]:
    """The general path: parse all three files, merge, validate, dump."""
    from journal.models import SCHEMA_VERSION
    from journal.storage import check_tables, dump_canonical, parse_bytes
    from journal.sync.merge import merge_data_with_stats

    sides = ((_("the common ancestor"), base), (_("your version"), ours), (_("the incoming version"), theirs))
    parsed = [None if i == 0 and not raw.strip() else parse_bytes(raw, _("{what} of {label}").format(what=what, label=label),
                                                           validated=True)
              for i, (what, raw) in enumerate(sides)]
    o, t = parsed[1] or {}, parsed[2] or {}
    differing = [{n: {i: d for i, d in docs.items() if _get(other, n, i) != d} for n, docs in side.items()
                  if isinstance(docs, dict)} for side, other in ((o, t), (t, o))]
    try:
        merged, stats = merge_data_with_stats(parsed[0], o, t, now=_latest_stamp(*differing))
        problem = check_tables(merged, SCHEMA_VERSION)
    except JournalError as exc:  # a document that is not an object
        problem = str(exc)
    if problem:  # find the input to blame (only broken files get here)
        blame = [_("{what} of {label}: {problem}").format(what=what, label=label, problem=p)
                 for (what, _raw), data in zip(sides, parsed, strict=True)
                 if data is not None and (p := check_tables(data, SCHEMA_VERSION))]
        raise JournalError(blame[0] if blame else _("the merged {label} would be invalid: "
                                                    "{problem}").format(label=label, problem=problem))
    out = {table: docs for table, docs in merged.items() if docs or table == "meta"}
    out.setdefault("meta", {}).setdefault("schema", {"schema_version": SCHEMA_VERSION})
    return dump_canonical(out), stats


def _get(data: Any, table: str, doc_id: str) -> Any:
    docs = data.get(table)
    return docs.get(doc_id) if isinstance(docs, dict) else None


def _merge_split(base: bytes, ours: bytes, theirs: bytes) -> tuple[bytes, Any] | None:
    """The fast path of :func:`merge_bytes`, or None when a file is not in the canonical layout."""
    import orjson

    from journal.storage import doc_text, split_documents
    from journal.sync.merge import merge_data_with_stats

    try:
        splits = [split_documents(raw) if raw.strip() else {} for raw in (base, ours, theirs)]
    except UnicodeDecodeError:
        return None
    if any(s is None for s in splits):
        return None
    o_s, t_s = splits[1] or {}, splits[2] or {}
    if _follows_merge(o_s, t_s):
        return None
    reduced: list[dict[str, dict[str, Any]]] = [{}, {}, {}]
    try:
        for name in o_s.keys() | t_s.keys():
            o, t = o_s.get(name, {}), t_s.get(name, {})
            ids = [i for i in o.keys() | t.keys() if o.get(i) != t.get(i)]
            for side, split in zip(reduced, splits, strict=True):
                if split is not None and name in split:
                    docs = split[name]
                    side[name] = {i: orjson.loads(b"{" + docs[i] + b"}")[i] for i in ids if i in docs}
    except orjson.JSONDecodeError:
        return None  # the general path names the broken side
    merged, stats = merge_data_with_stats(reduced[0] if base.strip() else None, reduced[1], reduced[2],
                                          now=_latest_stamp(reduced[1], reduced[2]))
    tables = []
    for name in sorted(merged):
        o, t, done = o_s.get(name, {}), t_s.get(name, {}), merged[name]
        docs = [o[i] if o.get(i) == t.get(i) else doc_text(i, done[i])
                for i in sorted(o.keys() | t.keys()) if o.get(i) == t.get(i) or i in done]
        if docs or name == "meta":
            head = b'  "' + name.encode() + b'": '
            tables.append(head + (b"{\n" + b",\n".join(docs) + b"\n  }" if docs else b"{}"))
    return b"{\n" + b",\n".join(tables) + b"\n}\n", stats


def _follows_merge(ours: dict[str, dict[str, bytes]], theirs: dict[str, dict[str, bytes]]) -> bool:
    """Whether a document that differs between the sides mentions a contact, project or
    organisation merged away on either side: its links must then follow the merge, which needs
    the whole file (the general path), not just the differing documents."""
    gone = frozenset(i.encode() for side in (ours, theirs) for i in side.get("merged", {}))
    if not gone:
        return False
    from journal.clients.merging import mentions_merged

    for name in ours.keys() | theirs.keys():
        o, t = ours.get(name, {}), theirs.get(name, {})
        for doc_id in o.keys() | t.keys():
            mine, other = o.get(doc_id), t.get(doc_id)
            if mine != other and (doc_id.encode() in gone or any(
                    raw is not None and mentions_merged(raw, gone) for raw in (mine, other))):
                return True
    return False


def _latest_stamp(*datas: Any) -> str:
    latest = ""
    for data in datas:
        for docs in data.values():
            for doc in docs.values() if isinstance(docs, dict) else ():
                stamp = doc.get("updated_at") if isinstance(doc, dict) else None
                if isinstance(stamp, str) and stamp > latest:
                    latest = stamp
    return latest or "1970-01-01T00:00:00.000000Z"


def describe_merge(stats: Any) -> str:
    n = stats.conflicted
    parts = [_("{n} added").format(n=stats.added) if stats.added else "",
             _("{n} updated").format(n=stats.updated) if stats.updated else "",
             _("{n} deleted").format(n=stats.deleted) if stats.deleted else "",
             _("{merged} edited on both sides").format(merged=stats.merged) if stats.merged else "",
             ngettext("{n} conflict recorded", "{n} conflicts recorded", n).format(n=n) if n else "",
             _("{revived} kept despite a deletion").format(revived=stats.revived) if stats.revived else "",
             _("{followed} moved to a merged contact/project/organisation").format(followed=stats.followed)
             if stats.followed else ""]
    return ", ".join(p for p in parts if p) or _("no changes")


# -- the start-up check (no subprocess: it runs before every command) --------------------------------


def driver_warning(data_path: Path | str) -> str | None:
    """One line if the data file lives in a git repository whose ``.gitattributes`` sends it to the
    journal merge driver while this clone's git config lacks the driver (a fresh clone: git config is
    not versioned) or names a program that no longer exists; else None. Never raises.

    Only cheap file reads (walk up to ``.git``, read attributes and config files): it runs on every
    CLI start and TUI launch, where spawning git would cost more than the command itself."""
    try:
        path = Path(os.path.realpath(os.path.expanduser(str(data_path))))
        found = _find_git_dir(path.parent)
        if found is None:
            return None
        root, git_dir = found
        if not _attributes_name_driver(root, path.parent, git_dir):
            return None
        value = None
        for config in _config_files(git_dir):
            with contextlib.suppress(OSError):
                value = _driver_in_config(config.read_text(encoding="utf-8", errors="replace")) or value
        if value is None:
            return (_("{root} merges {name} with the journal merge driver, but this clone has "
                      "not registered it: run `journal sync --setup` (until then git merges "
                      "of the file conflict)").format(root=root, name=path.name))
        missing = missing_program(value)
        if missing:
            return (_("the journal merge driver registered in {root} runs {missing}, which no "
                      "longer exists: run `journal sync --setup`").format(root=root, missing=missing))
    except (OSError, ValueError, UnicodeError):
        return None
    return None


def merge_warning(data_path: Path | str) -> str | None:
    """One line if the repository holding the data file has a git merge left unfinished
    (``MERGE_HEAD``: a ``git pull`` stopped by a conflict, a merge or an older sync killed midway),
    which ``journal sync`` finishes; else None. One ``stat``; never raises."""
    try:
        path = Path(os.path.realpath(os.path.expanduser(str(data_path))))
        found = _find_git_dir(path.parent)
        if found is None or not (found[1] / "MERGE_HEAD").exists():
            return None
    except (OSError, ValueError, UnicodeError):
        return None
    return (_("a git merge in {found} was left unfinished (a `git pull` that stopped, or a "
              "merge that was interrupted): run `journal sync` to finish it").format(found=found[0]))


def _find_git_dir(start: Path) -> tuple[Path, Path] | None:
    """(work tree, git dir) of the repository holding ``start``, found the way git does: the nearest
    ``.git`` folder, or a ``.git`` file pointing elsewhere (worktrees, submodules)."""
    for folder in (start, *start.parents):
        dotgit = folder / ".git"
        if dotgit.is_dir():
            return folder, dotgit
        if dotgit.is_file():
            text = dotgit.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            git_dir = Path(text[len("gitdir:"):].strip())
            return folder, git_dir if git_dir.is_absolute() else folder / git_dir
    return None


def _attributes_name_driver(root: Path, folder: Path, git_dir: Path) -> bool:
    files = [git_dir / "info" / "attributes"]
    while True:
        files.append(folder / ".gitattributes")
        if folder == root or folder == folder.parent:
            break
        folder = folder.parent
    for path in files:
        with contextlib.suppress(OSError):
            if any(_ATTR_RE.search(line) for line in path.read_text(errors="replace").splitlines()
                   if not line.lstrip().startswith("#")):
                return True
    return False


def _config_files(git_dir: Path) -> list[Path]:
    """System, global and repository config, lowest priority first (later values win)."""
    env = os.environ
    files: list[Path] = []
    if not env.get("GIT_CONFIG_NOSYSTEM"):
        files.append(Path(env.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig"))
    if "GIT_CONFIG_GLOBAL" in env:
        files.append(Path(env["GIT_CONFIG_GLOBAL"]))
    else:
        xdg = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        files += [Path(xdg) / "git" / "config", Path(os.path.expanduser("~/.gitconfig"))]
    common = git_dir
    with contextlib.suppress(OSError):  # a linked worktree keeps its config in the common dir
        common = git_dir / (git_dir / "commondir").read_text().strip()
    return [*files, common / "config"]


def _driver_in_config(text: str) -> str | None:
    """The ``merge.journal.driver`` value set in one git config file's text, if any."""
    section: tuple[str, str | None] | None = None
    value = None
    for line in text.splitlines():
        match = _SECTION_RE.match(line)
        if match:
            name, sub, line = match[1].lower(), match[2], match[3]
            if sub is None and "." in name:  # the old [merge.journal] spelling
                name, _, sub = name.partition(".")
            section = (name, sub)
        key = _DRIVER_KEY_RE.match(line)
        if section == ("merge", DRIVER) and key:
            value = _config_value(key[1])
    return value


def _config_value(raw: str) -> str:
    """A git config value without its quotes, escapes and trailing comment."""
    out: list[str] = []
    quoted = escaped = False
    for ch in raw:
        if escaped:
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(ch, ch))
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch in "#;" and not quoted:
            break
        else:
            out.append(ch)
    return "".join(out).strip()


def missing_program(command: str) -> str | None:
    """The program of a registered driver command if it is an absolute path that no longer exists
    (a deleted virtualenv, an upgraded Python): the driver would fail at every merge."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    program = words[0] if words else ""
    return program if os.path.isabs(program) and not os.path.exists(program) else None
