"""The names of contacts, projects and organisations that completion offers, kept in a small
derived list next to the journal so that a Tab is instant at 10k contacts.

Why a list of its own: a Tab must answer in a blink, and even the cheapest way into the journal
(:meth:`JournalStore.view`, which for a file this program wrote parses only the small tables) reads
and checks the whole 50 MB file of a 100k-entry journal. The list (``.journal-cache/<file>.names``,
mode 0600, git-ignored with the rest of that folder) holds just what completion needs — the text
to insert, a description, the pinyin keys — and is keyed by the data file's (inode, size,
mtime_ns): every write by this program stamps a new mtime, so any change makes it stale, and the
next Tab builds it again through the storage layer's read-only view. Pinyin keys of names that did
not change are carried over, so only new names pay for theirs.

A list whose data file was written less than a timestamp tick before it was read is not kept (the
file could still change without its stat key showing it: git's "racy clean" case). A damaged,
foreign or unreadable list is ignored and built again; completion never fails a Tab over it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from journal import __version__
from journal.completion import NAME_KINDS
from journal.i18n import _
from journal.text import clean_line, fold

FORMAT = 1
NOTE_KIND = "names"
_TABLES = {"contact": "contacts", "project": "projects", "organisation": "organisations"}
_DESCRIPTION_MAX = 60
_COLUMNS = ("text", "folded", "name", "description", "keys")


@dataclass
class NameList:
    """The names of one kind, as columns (a list of objects made a Tab wait at 10k names; bench/bench_completion.py times it):

    * ``text``: what is inserted — the name, or ``Name (Organisation)`` for namesakes, as the
      commands accept them;
    * ``folded``: ``text`` folded for matching (journal.text.fold);
    * ``name``: the document's name, which the pinyin keys were computed from;
    * ``description``: shown beside it in zsh and fish (title, organisation, industry);
    * ``keys``: its pinyin spelled out and as initials (``zhangwei``, ``zw``; see
      journal.names.matching), each preceded by a space, so that ``" zw" in keys`` asks whether
      any key starts with ``zw``.
    """

    text: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.text)

    def add(self, folded: str, text: str, name: str, description: str, keys: str) -> None:
        self.text.append(text)
        self.folded.append(folded)
        self.name.append(name)
        self.description.append(description)
        self.keys.append(keys)

    def columns(self) -> dict[str, list[str]]:
        return {column: getattr(self, column) for column in _COLUMNS}

    @classmethod
    def from_columns(cls, data: Any) -> NameList:
        columns = [data[column] for column in _COLUMNS]
        if not all(type(c) is list and len(c) == len(columns[0]) for c in columns) or \
                not all(type(value) is str for c in columns for value in c):
            raise ValueError(_("not a name list"))
        return cls(*columns)


Names = dict[str, NameList]


def load_names(path: Path) -> Names:
    """Kind -> the names completion offers for the journal at ``path`` (empty lists when there is
    no journal or it cannot be read). Raises nothing a Tab should show."""
    from journal.errors import JournalError
    from journal.storage import resolve_data_path, stat_key

    try:
        path = resolve_data_path(path)
        key = stat_key(path)
    except (JournalError, OSError):
        return _empty()
    if key is None:
        return _empty()
    old = _read_list(path)
    if old is not None and old[0] == key:
        return old[1]
    try:
        names = _build(path, reuse=old[1] if old is not None else None)
        after = stat_key(path)
    except (JournalError, OSError):
        return _empty()
    if after == key and not _racy(key):
        _write_list(path, key, names)
    return names


def _empty() -> Names:
    return {kind: NameList() for kind in NAME_KINDS}


def _racy(key: tuple[int, ...]) -> bool:
    """Whether the file could still change within its last stamp's tick unseen (see the module
    docstring); the search cache applies the same rule to its key (mtime or ctime, the later)."""
    from journal.search.cache.reader import changed_ns, racy

    return racy(changed_ns(key), time.time_ns())


# -- building -------------------------------------------------------------------------------------
def _build(path: Path, reuse: Names | None) -> Names:
    """Read the three small tables through the storage layer's read-only view and derive the
    names (with pinyin keys, carried over from ``reuse`` where a name did not change)."""
    from journal.names.matching import pinyin_keys
    from journal.storage import JournalStore

    tables = JournalStore(path).view()
    orgs = tables["organisations"]
    known = {name: keys for names in (reuse or {}).values()
             for name, keys in zip(names.name, names.keys, strict=True)}
    result: Names = {}
    for kind in NAME_KINDS:
        docs = [(str(doc.get("name", "")), doc) for doc in tables[_TABLES[kind]].values()]
        folded_names = [fold(name) for name, _ in docs]
        per_name: dict[str, int] = {}
        for folded in folded_names:
            per_name[folded] = per_name.get(folded, 0) + 1
        rows: dict[str, tuple[str, str, str, str]] = {}
        for (name, doc), folded in zip(docs, folded_names, strict=True):
            if not name.strip() or not name.isprintable():
                continue  # control or invisible characters: never put those on a command line
            org = _org_name(doc, orgs) if kind != "organisation" else ""
            text = name
            if per_name[folded] > 1 and org and org.isprintable():
                text = f"{name} ({org})"  # how the commands tell namesakes apart
                folded = fold(text)
            if folded in rows:
                continue
            keys = known.get(name)
            if keys is None:
                fulls, initials = pinyin_keys(name)
                keys = "".join(f" {k}" for k in sorted(fulls | initials))
            shown_org = "" if text != name else org  # a namesake's label holds it already
            rows[folded] = (text, name, _description(kind, doc, shown_org), keys)
        names = result[kind] = NameList()
        for folded in sorted(rows, key=lambda f: (f, rows[f][0])):
            names.add(folded, *rows[folded])
    return result


def _org_name(doc: Mapping[str, Any], orgs: Mapping[str, Mapping[str, Any]]) -> str:
    org_id = doc.get("organisation_id")
    return str(orgs.get(org_id, {}).get("name", "")) if isinstance(org_id, str) else ""


def _description(kind: str, doc: Mapping[str, Any], org: str) -> str:
    parts: Iterable[Any] = ((doc.get("title"), org) if kind == "contact"
                            else (org,) if kind == "project" else (doc.get("industry"),))
    text = " ".join(" · ".join(str(p) for p in parts if p).split())
    text = text if text.isprintable() else clean_line(text)
    return text if len(text) <= _DESCRIPTION_MAX else text[:_DESCRIPTION_MAX - 1] + "…"


# -- the list on disk -----------------------------------------------------------------------------
def _read_list(path: Path) -> tuple[tuple[int, ...], Names] | None:
    from journal.storage import derived_note

    try:
        data = orjson.loads(derived_note(path, NOTE_KIND).read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT \
                or data.get("program") != __version__:  # another version may derive them otherwise
            return None
        key = tuple(int(x) for x in data["key"])
        if len(key) != 4:  # (inode, size, mtime_ns, ctime_ns): journal.storage.StatKey
            return None
        names = {kind: NameList.from_columns(data["names"][kind]) for kind in NAME_KINDS}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return key, names


def _write_list(path: Path, key: tuple[int, ...], names: Names) -> None:
    from journal.storage import write_note

    data = {"format": FORMAT, "program": __version__, "key": list(key),
            "names": {kind: names[kind].columns() for kind in NAME_KINDS}}
    write_note(path, NOTE_KIND, orjson.dumps(data))
