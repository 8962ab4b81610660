"""Building the search cache (:mod:`journal.search.cache.reader`) from the whole file.

A full build parses and validates the file, builds a :class:`~journal.search.index.SearchIndex` and
stores its columns: about two seconds at 100k entries. That is too slow to pay after every
``journal add``, so :func:`build` first tries :mod:`journal.search.cache.refresh`, which patches
the previous cache from what changed; the full build is for the first run, for files this
program did not write in canonical form, and for changes too large to patch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from journal.names.matching import NameMatcher, gc_paused
from journal.search.cache.format import NOTE_TABLES, SMALL_TABLES, Sections, ints, state_parts
from journal.search.index import SearchIndex
from journal.storage import CLOSE, DUMP_OPTIONS, Layout, dump_canonical, split

_LINKED = (("contacts", True), ("projects", True), ("organisations", False))
MATCHER_KINDS = (("contact", "contacts"), ("project", "projects"), ("organisation", "organisations"))


def canonical_bytes(tables: Mapping[str, Any]) -> bytes:
    """What the storage layer writes for ``tables`` (it leaves empty tables out)."""
    return dump_canonical({k: v for k, v in tables.items() if v or k == "meta"})


_CHUNK = 4096  # entries dumped at a time when comparing with the file


def is_canonical(tables: Mapping[str, Any], raw: bytes) -> bool:
    """``canonical_bytes(tables) == raw``, without making that second 50 MB copy of the file:
    each table is dumped and compared on its own, the entries a few thousand at a time (the
    peak memory of a first search, which holds the parsed file already)."""
    data = {k: v for k, v in tables.items() if v or k == "meta"}
    if not data:
        return raw == canonical_bytes(data)
    at = 0

    def expect(text: bytes) -> bool:
        nonlocal at
        if not raw.startswith(text, at):
            return False
        at += len(text)
        return True

    if not expect(b"{\n"):
        return False
    for n, name in enumerate(sorted(data)):
        table = data[name]
        if n and not expect(b",\n"):
            return False
        if name != "entries" or len(table) <= _CHUNK:
            if not expect(orjson.dumps({name: table}, option=DUMP_OPTIONS)[2:-2]):
                return False
            continue
        ids = sorted(table)  # in file order already when parsed from canonical bytes: linear
        head = b'{\n  "' + name.encode() + b'": {'
        for k in range(0, len(ids), _CHUNK):
            chunk = orjson.dumps({name: {i: table[i] for i in ids[k:k + _CHUNK]}}, option=DUMP_OPTIONS)
            inner = chunk[len(head):-len(b"\n  }\n}")]
            if not expect((head[2:] if k == 0 else b",") + inner):
                return False
        if not expect(b"\n  }"):
            return False
    return expect(b"\n}\n") and at == len(raw)


def thin_names(tables: Mapping[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    """Name and organisation of every contact, project and organisation: all that name lookups,
    labels and haystacks read, and small enough to decode for every search."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for table, with_org in _LINKED:
        rows: dict[str, dict[str, str]] = {}
        for i, d in (tables.get(table) or {}).items():
            row = {"name": d.get("name", "")}
            if with_org and d.get("organisation_id"):
                row["organisation_id"] = d["organisation_id"]
            rows[i] = row
        out[table] = rows
    return out


def small_parts(tables: Mapping[str, Any], old: Sections | None = None) -> dict[str, bytes]:
    """The sections of everything but the entries: thin name tables, the name matchers' lookup
    tables, and the small tables themselves (for reports). ``old``: the previous cache, whose
    pinyin keys are kept for names that did not change (computing them for 10k names takes a
    third of a second)."""
    names = thin_names(tables)
    parts = {"names": orjson.dumps(names),
             "tables": orjson.dumps({k: tables.get(k) or {} for k in SMALL_TABLES}),
             # day notes and reviews again on their own: a search reads them, and decoding the
             # whole "tables" section (10k contacts) would double its time
             "notes": orjson.dumps({k: tables.get(k) or {} for k in NOTE_TABLES})}
    if old is not None and parts["names"] == old.raw("names"):
        return parts | {f"matchers.{kind}": old.raw(f"matchers.{kind}") for kind, _ in MATCHER_KINDS}
    old_names = old.json("names", dict) if old is not None else {}
    for kind, table in MATCHER_KINDS:
        reuse: dict[str, tuple[str, list[list[str]]]] = {}
        if old is not None:
            docs = old_names.get(table) or {}
            reuse = {i: (docs[i]["name"], keys) for i, keys in
                     old.json(f"matchers.{kind}", dict)["pinyin"].items() if i in docs}
        parts[f"matchers.{kind}"] = orjson.dumps(NameMatcher(kind, names).export(reuse))
    return parts


def layout_parts(layout: Layout, file_pos: Sequence[int], outer: bytes) -> dict[str, bytes]:
    """The sections locating each entry: the layout (file order), the index position of each
    piece and its inverse, and the digest of the rest of the file."""
    posfile = [0] * len(file_pos)
    for k, p in enumerate(file_pos):
        posfile[p] = k
    return {"layout": layout.header(), "file.off": ints(layout.off), "file.len": ints(layout.length),
            "file.pos": ints(file_pos), "posfile": ints(posfile), "hashes": layout.hashes,
            "outer": outer}


def outer_digest(raw: bytes, layout: Layout) -> bytes:
    """A hash of everything around the entries table (contacts, projects, organisations, day
    notes, meta): when it did not change, neither did anything a refresh takes from there."""
    import hashlib

    a, b = layout.member
    return hashlib.blake2b(raw[:a] + raw[b:], digest_size=16).digest()


def build_sections(tables: Mapping[str, Any], digest: str, canonical: bool,
                   raw: bytes | None = None) -> tuple[Sections, list[bytes]]:
    """A full build: the index over ``tables`` and, for canonical ``raw``, where each entry lies
    in it (else a copy of the documents, laid out the same way)."""
    with gc_paused():
        state = SearchIndex(tables).state()
        entries = tables.get("entries") or {}
        layout = split(raw) if canonical and raw is not None and entries else None
        if layout is None or layout.ids is None or len(layout.ids) != len(entries):
            canonical = False
        parts = state_parts(state) | small_parts(tables)
        if canonical and layout is not None and layout.ids is not None:
            pos_of = {entry_id: p for p, entry_id in enumerate(state.ids)}
            parts |= layout_parts(layout, [pos_of[i] for i in layout.ids], outer_digest(raw, layout))
        else:
            # each document behind its key, as in a canonical file (see CachedJournal.documents)
            docs = [b'%s": %s' % (i.encode(), orjson.dumps(entries[i])) for i in state.ids]
            off, length, at = [], [], 0
            for doc in docs:
                off.append(at)
                length.append(len(doc) - len(CLOSE))
                at += len(doc)
            parts["docs"] = b"".join(docs)
            flat = Layout(0, at, off, length, b"", [])
            parts |= {"layout": flat.header(), "file.off": ints(off), "file.len": ints(length),
                      "posfile": ints(range(len(docs)))}
    return Sections.from_parts(digest, canonical, len(state.ids), parts)


__all__ = ["build_sections", "canonical_bytes", "is_canonical", "layout_parts", "outer_digest",
           "small_parts", "thin_names"]
