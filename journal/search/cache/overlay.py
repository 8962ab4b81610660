"""The search cache of a file that changed by a few documents since the cache was built, served
without rebuilding or rewriting the cache.

``journal add`` leaves the documents it changed in the storage layer's change history
(:mod:`journal.datafile.changes`). When that history leads from the file the cache describes to
the file as it is now, :func:`overlay` lays the changes over the cache: the sections a refresh
would write, computed in memory and only when a query reads them — a word search splices the
haystack blob, a ``contact:`` search remaps the contact posting lists. Reading and hashing the
whole file, comparing it block by block and rewriting the cache is
left to the moment the changes outgrow :data:`OVERLAY_MAX`; until then each command pays a few
milliseconds.

Entry documents are still read from the data file: an old entry's text moved by the change in size
of the tables before the entries table and of the changed entries before it (pieces are in id
order), and the keys read back prove every span (:meth:`CachedJournal._read_pieces`).

Not laid over (the caller refreshes instead): a changed or removed contact, project or
organisation that was in the cache (entries' haystacks and labels would change with it), a cache
of a non-canonical file, changes that do not validate.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import accumulate
from typing import Any

from journal.models import KIND_TABLE, SCHEMA_VERSION
from journal.names.matching import NameMatcher
from journal.search.cache.format import (
    NO_TIME,
    NOTE_TABLES,
    SMALL_TABLES,
    STATUS_CODE,
    WIDTHS,
    Column,
    Sections,
    int_array,
    ints,
)
from journal.search.cache.refresh import segments
from journal.search.cache.view import CachedJournal
from journal.search.filing import POSTING_KINDS, encode, file_entry, name_info, sort_key
from journal.storage import SEP, Changes, check_tables, piece_text

OVERLAY_MAX = 256  # changed documents beyond which refreshing the cache file pays off
_NAME_TABLES = {"contacts": True, "projects": True, "organisations": False}  # with organisation_id
_REGION = len(b'{\n    "')  # from the entries table's "{" to its first piece


class Unfit(Exception):
    """These changes cannot be laid over the cache; refresh it instead."""


def _thin(table: str, doc: Mapping[str, Any]) -> dict[str, str]:
    """A document's row in the cache's ``names`` section (see search_cache_build.thin_names)."""
    row = {"name": doc.get("name", "")}
    if _NAME_TABLES[table] and doc.get("organisation_id"):
        row["organisation_id"] = doc["organisation_id"]
    return row


class OverlaySections:
    """The sections of ``base`` with the changes laid over, read like :class:`Sections`."""

    canonical = True

    def __init__(self, base: Sections, changes: Changes) -> None:
        if not base.canonical:
            raise Unfit("the cache holds its own copy of the documents")
        problem = check_tables({t: {i: d for i, d in docs.items() if d is not None}
                                for t, docs in changes.items()}, SCHEMA_VERSION)
        if problem:
            raise Unfit(problem)
        self.base, self.header, self.digest = base, base.header, base.digest
        self._small = {t: docs for t, docs in changes.items() if t in SMALL_TABLES and docs}
        self._grown: set[str] = set()
        self._names_cache: dict[str, dict[str, dict[str, str]]] | None = None
        if any(t in self._small for t in _NAME_TABLES):
            self._names_cache, self._grown = self._new_names()  # Unfit shows now, not mid-query
        self._done: dict[str, Any] = {}
        n = base.n
        ids = Column(base.raw("ids"), WIDTHS["ids"], n)
        file_pos = int_array(base, "file.pos", n)
        file_len = int_array(base, "file.len", n)
        gone: list[int] = []
        adds: list[tuple[str, dict[str, Any]]] = []
        bounds: list[int] = []  # piece index from which the next shift applies
        deltas: list[int] = []
        for entry_id, doc in sorted((changes.get("entries") or {}).items()):
            k = bisect_left(range(n), entry_id, key=lambda j: ids[file_pos[j]])
            exists = k < n and ids[file_pos[k]] == entry_id
            delta = 0
            if exists:
                gone.append(file_pos[k])
                delta -= file_len[k] + len(SEP)
            if doc is not None:
                delta += len(piece_text(entry_id, doc)) + len(SEP)
                adds.append((entry_id, doc))
            if delta:
                bounds.append(k + 1 if exists else k)
                deltas.append(delta)
        self._bounds, self._shifts = bounds, list(accumulate(deltas))
        gone.sort()
        new = sorted((sort_key(i, d), i, d) for i, d in adds)
        dates = Column(base.raw("dates"), WIDTHS["dates"], n)
        times = Column(base.raw("times"), WIDTHS["times"], n, {NO_TIME: ""})
        inserts: list[int] = []
        lo = 0
        for key, _, _ in new:
            lo = bisect_left(range(n), key, lo=lo, key=lambda p: f"{dates[p]}{times[p]} {ids[p]}")
            inserts.append(lo - bisect_left(gone, lo))
        self._segs = segments(n, gone, inserts)
        # runs of kept old positions: (old start, old end, new start); new entries by position
        self._new = [(i, d) for _, i, d in new]  # in index order
        self._runs: list[tuple[int, int, int]] = []
        self._new_at: dict[int, int] = {}  # new position -> index into _new
        q = 0
        for seg in self._segs:
            if isinstance(seg, tuple):
                self._runs.append((seg[0], seg[1], q))
                q += seg[1] - seg[0]
            else:
                self._new_at[q] = seg
                q += 1
        self.n = q
        self._run_old = [a for a, _, _ in self._runs]
        self._run_new = [s for _, _, s in self._runs]
        head = self._runs[0] if self._runs else (0, 0, 1)
        self._first = head[1] if head[0] == 0 and head[2] == 0 else 0  # positions below keep theirs
        self._file_ids = ids

    # -- names ------------------------------------------------------------------------------------
    @property
    def _names(self) -> dict[str, dict[str, dict[str, str]]]:
        if self._names_cache is None:
            self._names_cache = self.base.json("names", dict)
        return self._names_cache

    def _new_names(self) -> tuple[dict[str, dict[str, dict[str, str]]], set[str]]:
        """The ``names`` section with new contacts, projects and organisations added, and the
        tables that gained some; Unfit when a name that was there changed or went."""
        names = self.base.json("names", dict)
        grown: set[str] = set()
        for table in _NAME_TABLES:
            docs = self._small.get(table)
            if not docs:
                continue
            rows = names.setdefault(table, {})
            for doc_id, doc in docs.items():
                if doc_id in rows:
                    if doc is None or _thin(table, doc) != rows[doc_id]:
                        raise Unfit(f"{table}: {doc_id} changed its name or organisation")
                elif doc is not None:
                    rows[doc_id] = _thin(table, doc)
                    grown.add(table)
            if table in grown:
                names[table] = dict(sorted(rows.items()))
        return names, grown

    # -- reading, as Sections ------------------------------------------------------------------------
    def raw(self, name: str) -> bytes:
        if name not in self._done:
            if name in WIDTHS:
                self._done[name] = self._column(name)
            elif name in ("starts", "blob"):
                self._haystacks()
            else:
                return self.base.raw(name)
        return self._done[name]

    def json(self, name: str, kind: type = list) -> Any:
        if name not in self._done:
            if name.startswith("postings."):
                self._done[name] = self._postings(name.split(".", 1)[1])
            elif name == "names":
                self._done[name] = self._names
            elif name == "tables":
                self._done[name] = self._tables()
            elif name == "notes" and any(t in self._small for t in NOTE_TABLES):
                self._done[name] = {t: self._tables()[t] for t in NOTE_TABLES}
            elif name.startswith("matchers.") and self._grown:
                kind_name = name.split(".", 1)[1]
                self._done[name] = self._matcher(kind_name)
            else:
                return self.base.json(name, kind)
        return self._done[name]

    def _column(self, name: str) -> bytes:
        width, old = WIDTHS[name], self.base.raw(name)
        parts: list[Any] = []
        view = memoryview(old)
        for seg in self._segs:
            if isinstance(seg, tuple):
                parts.append(view[seg[0] * width:seg[1] * width])
            else:
                parts.append(self._value(name, seg))
        out = b"".join(parts)
        if len(out) != width * self.n:
            raise Unfit(f"{name}: a value is not {width} ASCII characters")
        return out

    def _value(self, name: str, j: int) -> bytes:
        entry_id, doc = self._new[j]
        if name == "status":
            return STATUS_CODE[doc.get("status", "")].encode()
        value = {"ids": entry_id, "dates": doc.get("date", ""), "times": doc.get("time") or NO_TIME}[name]
        return value.encode("ascii", "replace")

    def _filed(self) -> tuple[list[bytes], dict[str, defaultdict[str, list[int]]]]:
        """Haystacks of the new entries (index order) and the posting lists they join."""
        if "_filed" not in self._done:
            added: dict[str, defaultdict[str, list[int]]] = {k: defaultdict(list) for k in POSTING_KINDS}
            lists = (added["contact"], added["project"], added["org"], added["tag"])
            info = name_info(self._linked_names())
            hays = []
            for q, j in sorted(self._new_at.items()):
                doc = self._new[j][1]
                added["status"][doc.get("status", "")].append(q)
                hays.append(encode(file_entry(q, doc, info, lists)) + b"\x01")
            self._done["_filed"] = (hays, added)
        return self._done["_filed"]

    def _linked_names(self) -> dict[str, dict[str, dict[str, str]]]:
        """The rows of ``names`` the new entries link to, directly or through a contact's or
        project's organisation: all a haystack reads (naming every contact would be the costliest step)."""
        names = self._names
        wanted: dict[str, set[str]] = {table: set() for table in _NAME_TABLES}
        for _, doc in self._new:
            wanted["contacts"].update(doc.get("contact_ids") or ())
            wanted["projects"].update(doc.get("project_ids") or ())
            wanted["organisations"].update(doc.get("organisation_ids") or ())
        for table in ("contacts", "projects"):
            rows = names.get(table) or {}
            wanted["organisations"].update(rows[i]["organisation_id"] for i in wanted[table]
                                           if i in rows and rows[i].get("organisation_id"))
        return {table: {i: row for i in ids if (row := (names.get(table) or {}).get(i)) is not None}
                for table, ids in wanted.items()}

    def _haystacks(self) -> None:
        hays = self._filed()[0]
        blob = memoryview(self.base.raw("blob"))
        starts = int_array(self.base, "starts", self.base.n + 1)
        pieces: list[Any] = []
        out = array("q", [0])
        for seg in self._segs:
            if isinstance(seg, tuple):
                a, b = seg
                pieces.append(blob[starts[a]:starts[b]])
                shift = out[-1] - starts[a]
                tail = starts[a + 1:b + 1]
                out.extend(tail if shift == 0 else array("q", [x + shift for x in tail]))
            else:
                pieces.append(hays[seg])
                out.append(out[-1] + len(hays[seg]))
        self._done["blob"] = b"".join(pieces)
        self._done["starts"] = ints(out)

    def new_position(self, p: int) -> int:
        """Where old position ``p`` is now; -1 when its entry changed or went."""
        if p < self._first:
            return p
        i = bisect_right(self._run_old, p) - 1
        if i < 0:
            return -1
        a, b, s = self._runs[i]
        return s + p - a if p < b else -1

    def _postings(self, kind: str) -> Mapping[str, list[int]]:
        lists = _Postings(self.base.json(f"postings.{kind}", dict), self._filed()[1][kind],
                          self._first, self.new_position)
        return dict(lists.items()) if kind == "status" else lists

    def _tables(self) -> dict[str, Any]:
        tables = self.base.json("tables", dict)
        for table, docs in self._small.items():
            rows = dict(tables.get(table) or {})
            for doc_id, doc in docs.items():
                if doc is None:
                    rows.pop(doc_id, None)
                else:
                    rows[doc_id] = doc
            tables[table] = dict(sorted(rows.items()))
        return tables

    def _matcher(self, kind: str) -> dict[str, Any]:
        """A name matcher's tables over the new names; stored pinyin keys are reused."""
        base = self.base.json(f"matchers.{kind}", dict)
        table = KIND_TABLE[kind]
        if table not in self._grown and "organisations" not in self._grown:
            return base
        rows = self._names.get(table) or {}
        reuse = {i: (rows[i]["name"], keys) for i, keys in base["pinyin"].items() if i in rows}
        return NameMatcher(kind, self._names).export(reuse)

    # -- where the entries are ---------------------------------------------------------------------
    def source(self, q: int) -> int | tuple[str, dict[str, Any]]:
        """What is at new position ``q``: the old position, or a new (id, document)."""
        j = self._new_at.get(q)
        if j is not None:
            return self._new[j]
        i = bisect_right(self._run_new, q) - 1
        a, b, s = self._runs[i]
        if not s <= q < s + b - a:
            raise IndexError(q)
        return a + q - s

    def shift(self, k: int) -> int:
        """How far old piece ``k`` moved within the entries table."""
        i = bisect_right(self._bounds, k)
        return self._shifts[i - 1] if i else 0


class _Postings(Mapping[str, list[int]]):
    """Posting lists of the cache with positions moved and the new entries' added, each list
    worked out when first asked for: a report asks for a few thousand of 10k contacts, a search
    for one."""

    def __init__(self, old: dict[str, list[int]], added: Mapping[str, list[int]], first: int,
                 move: Any) -> None:
        self._old, self._added, self._first, self._move = old, added, first, move
        self._done: dict[str, list[int] | None] = {}

    def _list(self, key: str) -> list[int] | None:
        if key in self._done:
            return self._done[key]
        ps = self._old.get(key)
        out = None
        if ps is not None:
            i = bisect_left(ps, self._first)
            move = self._move
            out = ps if i == len(ps) else ps[:i] + [m for p in ps[i:] if (m := move(p)) >= 0]
        qs = self._added.get(key)
        if qs:
            out = sorted([*(out or ()), *qs])
        self._done[key] = out or None  # a list left empty is no list, as in a build
        return self._done[key]

    def __getitem__(self, key: str) -> list[int]:
        found = self._list(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Any:
        return iter([k for k in dict.fromkeys([*self._old, *self._added]) if self._list(k) is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class OverlayJournal(CachedJournal):
    """A :class:`CachedJournal` over :class:`OverlaySections`: documents of new entries come
    from the changes, the others from the data file where they moved to."""

    def __init__(self, path: Any, sections: OverlaySections, data: Any, entries_start: int) -> None:
        super().__init__(path, sections, data)  # type: ignore[arg-type]
        self._overlay = sections
        self._region = entries_start + _REGION

    def documents(self, positions: Iterable[int]) -> dict[str, dict[str, Any]]:
        overlay, base = self._overlay, self._overlay.base
        n = base.n
        posfile, off, length = (int_array(base, "posfile", n), int_array(base, "file.off", n),
                                int_array(base, "file.len", n))
        old_ids = overlay._file_ids
        picked: list[int | tuple[str, dict[str, Any]]] = [overlay.source(q) for q in positions]
        where, expected = [], []
        for item in picked:
            if isinstance(item, int):
                k = posfile[item]
                where.append((self._region + off[k] + overlay.shift(k), length[k] + 6))
                expected.append(old_ids[item])
        found = self._read_pieces(where, expected)
        out: dict[str, dict[str, Any]] = {}
        for item in picked:
            if isinstance(item, int):
                entry_id = old_ids[item]
                out[entry_id] = found[entry_id]
            else:
                out[item[0]] = item[1]
        return out


def overlay(path: Any, base: Sections, changes: Changes, spans: Mapping[str, tuple[int, int]],
            data: Any) -> OverlayJournal | None:
    """The journal at ``path`` as ``base`` with ``changes`` laid over; None when they do not fit
    (see the module docstring). ``spans``: where the current file's tables are; ``data``: its
    bytes or a :class:`FileBytes` over it."""
    if "entries" not in spans or sum(len(d) for d in changes.values()) > OVERLAY_MAX:
        return None
    try:
        sections = OverlaySections(base, changes)
    except Unfit:
        return None
    return OverlayJournal(path, sections, data, spans["entries"][0])


__all__ = ["OVERLAY_MAX", "OverlayJournal", "OverlaySections", "Unfit", "overlay"]
