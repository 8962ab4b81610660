"""Bringing the search cache up to a changed canonical file without a full build.

* :func:`journal.datafile.pieces.diff` finds the entries whose bytes changed without parsing
  the file; only those are parsed, and each must be exactly the canonical text of a valid entry
  (re-encoded and compared, then type-checked), ids must stay strictly increasing, and
  everything around the entries table must be unchanged (same hash) or canonical and valid as a
  whole. So the refreshed cache describes exactly what a full load would see; any doubt returns
  None and the caller builds in full, which also reports a broken file properly.
* A renamed contact, project or organisation (or one that moved to another organisation)
  changes the haystacks of the entries linked to it: those are found through the old posting
  lists and filed again.
* The index is then patched (:func:`patch`): removed and changed entries leave, new versions are
  merged in by sort key, positions renumbered. Kept entries move in runs — their columns and
  haystacks are copied as byte slices, never decoded — and only the posting-list tails past the
  first change are renumbered.

Tests compare refreshed caches with full builds of the same files, section by section.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import orjson

from journal.models import SCHEMA_VERSION
from journal.names.matching import gc_paused
from journal.search.cache.build import (
    canonical_bytes,
    layout_parts,
    outer_digest,
    small_parts,
    thin_names,
)
from journal.search.cache.format import (
    NO_TIME,
    STATUS_CODE,
    WIDTHS,
    CacheCorrupt,
    Column,
    Sections,
    int_array,
    ints,
)
from journal.search.filing import POSTING_KINDS, encode, file_entry, name_info, sort_key
from journal.storage import HASH, Layout, check_tables, diff, piece_text

_MAX_SHARE = 0.5  # re-file more than this share of the entries: a full build is as quick


def old_layout(old: Sections) -> Layout:
    head = old.json("layout", dict)
    n = old.n
    hashes = old.raw("hashes")
    if len(hashes) != HASH * n:
        raise CacheCorrupt("section hashes: wrong length")
    return Layout(head["region"], head["size"], int_array(old, "file.off", n).tolist(),
                  int_array(old, "file.len", n).tolist(), hashes, head["blocks"])


def _outer_tables(raw: bytes, layout: Layout) -> dict[str, Any] | None:
    """Every table but entries, if the file around the entries table is canonical and valid."""
    a, b = layout.member
    outer = raw[:a] + raw[b:]
    tables = orjson.loads(outer)
    if (not isinstance(tables, dict) or "entries" in tables or canonical_bytes(tables) != outer
            or check_tables(tables, SCHEMA_VERSION) is not None):
        return None
    return tables


def _changed_names(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, set[str]]:
    """Per posting kind, the ids whose name or organisation differs between two thin tables."""
    kinds = {"contacts": "contact", "projects": "project", "organisations": "org"}
    out: dict[str, set[str]] = {}
    for table, kind in kinds.items():
        a, b = old.get(table) or {}, new.get(table) or {}
        out[kind] = {i for i in a.keys() | b.keys() if a.get(i) != b.get(i)}
    return out


def _changed_docs(layout: Layout, raw: bytes, pieces: list[int]) -> list[tuple[str, dict[str, Any]]] | None:
    """Parse the new and changed pieces; None unless each is the canonical text of a valid
    entry (which also proves the piece boundaries were real)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for k in pieces:
        text = layout.text(raw, k)
        entry_id = text[:26].decode("ascii")
        doc = orjson.loads(layout.value(raw, k))
        if piece_text(entry_id, doc) != text:
            return None
        out.append((entry_id, doc))
    if out and check_tables({"entries": dict(out)}, SCHEMA_VERSION) is not None:
        return None
    return out


def refresh(old: Sections, raw: bytes, digest: str) -> tuple[Sections, list[bytes]] | None:
    """Bring ``old`` (a canonical cache) up to ``raw``; None when only a full build will do."""
    layout = old_layout(old)
    d = diff(layout, raw)
    if d is None:
        return None
    new = d.layout
    a = new.member[0]
    if not (a == 1 and raw[:1] == b"{" or raw[:a].endswith(b"\n  },")):
        return None  # the cut is not between two top-level members
    outer_hash = outer_digest(raw, new)
    outer = None if outer_hash == old.raw("outer") else _outer_tables(raw, new)
    if outer is None and outer_hash != old.raw("outer"):
        return None
    with gc_paused():
        n = old.n
        old_pos = int_array(old, "file.pos", n)
        ids = Column(old.raw("ids"), 26, n)
        chain = [ids[old_pos[d.prefix - 1]] if d.prefix else "", *(m[0] for m in d.middle),
                 ids[old_pos[d.suffix]] if d.suffix < n else "\x7f"]
        if any(x >= y for x, y in zip(chain, chain[1:], strict=False)):
            return None  # ids out of order, or a duplicate key
        old_mid = {ids[old_pos[k]]: k for k in d.old_middle}
        remove: set[int] = set()
        changed: list[int] = []
        kept_mid: dict[str, int] = {}  # id -> old position of a middle piece that did not change
        for j, (entry_id, piece_hash, _, _) in enumerate(d.middle):
            k = old_mid.pop(entry_id, None)
            if k is not None and piece_hash == layout.hashes[HASH * k:HASH * (k + 1)]:
                kept_mid[entry_id] = old_pos[k]
                continue
            if k is not None:
                remove.add(old_pos[k])
            changed.append(d.prefix + j)
        remove.update(old_pos[k] for k in old_mid.values())  # deleted
        postings = {kind: old.json(f"postings.{kind}", dict) for kind in POSTING_KINDS}
        old_names = old.json("names", dict)
        names = old_names if outer is None else thin_names(outer)
        refile: set[int] = set()
        if outer is not None:
            for kind, doc_ids in _changed_names(old_names, names).items():
                for doc_id in doc_ids:
                    refile.update(postings[kind].get(doc_id, ()))
            refile -= remove
        if len(changed) + len(refile) > _MAX_SHARE * max(n, 1):
            return None
        add = _changed_docs(new, raw, changed)
        if add is None:
            return None
        posfile = int_array(old, "posfile", n)
        in_middle = {m[0]: d.prefix + j for j, m in enumerate(d.middle)}

        def new_k(p: int) -> int:
            k = posfile[p]
            return k if k < d.prefix else k + d.shift if k >= d.suffix else in_middle[ids[p]]

        moved = {p: new_k(p) for p in refile}
        add += [(ids[p], orjson.loads(new.value(raw, k))) for p, k in moved.items()]
        parts, old_to_new, added = patch(old, postings, remove | refile, add, name_info(names))
        file_pos = [old_to_new[p] for p in old_pos[:d.prefix]]
        file_pos += [added[e] if e in added else old_to_new[kept_mid[e]] for e, *_ in d.middle]
        file_pos += [old_to_new[p] for p in old_pos[d.suffix:]]
        for p, k in moved.items():
            file_pos[k] = added[ids[p]]
        if len(file_pos) != len(old_to_new) - len(remove | refile) + len(add) or min(file_pos, default=0) < 0:
            raise CacheCorrupt("refresh: positions do not add up")
        parts |= layout_parts(new, file_pos, outer_hash)
        if outer is None:  # contacts, projects, organisations and notes as they were
            parts |= {name: old.raw(name) for name in old.header["sections"]
                      if name in ("names", "tables", "notes") or name.startswith("matchers.")}
        else:
            parts |= small_parts(outer, old)
    return Sections.from_parts(digest, True, len(file_pos), parts)


def segments(n: int, remove: list[int], inserts: list[int]) -> list[tuple[int, int] | int]:
    """The new order as runs ``(a, b)`` of old positions kept and ``j`` for the j-th new entry,
    which goes before the kept entry of rank ``inserts[j]`` (ascending); ``remove`` sorted."""
    out: list[tuple[int, int] | int] = []
    j, rank, a = 0, 0, 0
    for stop in [*remove, n]:
        while a < stop:
            if j < len(inserts) and inserts[j] <= rank:
                out.append(j)
                j += 1
                continue
            b = stop if j >= len(inserts) else min(stop, a + inserts[j] - rank)
            out.append((a, b))
            rank += b - a
            a = b
        a = stop + 1
    out.extend(range(j, len(inserts)))
    return out


def patch(old: Sections, postings: Mapping[str, Mapping[str, list[int]]], remove: set[int],
          add: list[tuple[str, dict[str, Any]]], names: Any
          ) -> tuple[dict[str, bytes], list[int], dict[str, int]]:
    """The index sections of ``old`` without the entries at positions ``remove`` and with
    ``add`` (id, document) filed in: byte for byte what a full build of the resulting entries
    stores (posting lists that became empty are dropped, as a build never makes them). Returns
    the sections, each old position's new one (-1: removed) and the new entries' positions."""
    n = old.n
    cols = {name: old.raw(name) for name in WIDTHS}
    ids, dates = Column(cols["ids"], 26, n), Column(cols["dates"], 10, n)
    times = Column(cols["times"], 5, n, {NO_TIME: ""})
    blob, starts = old.raw("blob"), int_array(old, "starts", n + 1)
    gone = sorted(remove)
    new = sorted(((sort_key(i, doc), i, doc) for i, doc in add), key=lambda t: t[0])
    inserts: list[int] = []  # rank among the kept entries
    lo = 0
    for key, _piece, _doc in new:
        lo = bisect_left(range(n), key, lo=lo, key=lambda p: f"{dates[p]}{times[p]} {ids[p]}")
        inserts.append(lo - bisect_left(gone, lo))
    first = min(gone[0] if gone else n, inserts[0] if inserts else n)  # positions below keep theirs

    out: dict[str, list[bytes]] = {name: [] for name in WIDTHS}
    pieces: list[bytes] = []
    new_starts = [0]
    old_to_new = [-1] * n
    placed: dict[str, int] = {}
    added: dict[str, defaultdict[str, list[int]]] = {k: defaultdict(list) for k in POSTING_KINDS}
    lists = (added["contact"], added["project"], added["org"], added["tag"])
    q = 0
    for seg in segments(n, gone, inserts):
        if isinstance(seg, tuple):
            a, b = seg
            for name, w in WIDTHS.items():
                out[name].append(cols[name][a * w:b * w])
            shift = new_starts[-1] - starts[a]
            pieces.append(blob[starts[a]:starts[b]])
            new_starts += [x + shift for x in starts[a + 1:b + 1]]
            old_to_new[a:b] = range(q, q + b - a)
            q += b - a
            continue
        _key, entry_id, doc = new[seg]
        status = doc.get("status", "")
        for name, value in (("ids", entry_id), ("dates", doc.get("date", "")),
                            ("times", doc.get("time") or NO_TIME), ("status", STATUS_CODE[status])):
            out[name].append(value.encode("ascii"))
        added["status"][status].append(q)
        hay = encode(file_entry(q, doc, names, lists)) + b"\x01"
        pieces.append(hay)
        new_starts.append(new_starts[-1] + len(hay))
        placed[entry_id] = q
        q += 1
    parts = {name: b"".join(chunks) for name, chunks in out.items()}
    for name, w in WIDTHS.items():
        if len(parts[name]) != w * q:
            raise ValueError(f"{name}: a value is not {w} ASCII characters")
    parts["starts"], parts["blob"] = ints(new_starts), b"".join(pieces)
    for kind in POSTING_KINDS:
        table: dict[str, list[int]] = {}
        for key, ps in postings[kind].items():
            i = bisect_left(ps, first)
            mapped = ps if i == len(ps) else ps[:i] + [m for p in ps[i:] if (m := old_to_new[p]) >= 0]
            if mapped:
                table[key] = mapped
        for key, qs in added[kind].items():
            merged = table.setdefault(key, [])
            merged += qs
            merged.sort()
        parts[f"postings.{kind}"] = orjson.dumps(table)
    return parts, old_to_new, placed
