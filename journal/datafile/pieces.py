"""Where each entry lies in a canonical data file, and which part of the file changed.

In canonical JSON (what this program writes) the entries table is a run of pieces, one per entry
in id order, each ``<id>": {`` up to (not including) its closing line ``\\n    }``, separated by
``\\n    },\\n    "``: nested lines are indented deeper and JSON strings hold no raw newline, so
the separator occurs nowhere else. A :class:`Layout` records each piece's offset and length
relative to the table's start, a 128-bit BLAKE2 hash per piece, and hashes of *blocks* of
:data:`BLOCK` consecutive pieces (each with the separator after it).

:func:`diff` compares a new file with a layout without parsing it: blocks still equal at their
old offsets from the front, and blocks equal at their old offsets moved by the change in size
from the back, are unchanged; only the bytes between them are split and hashed piece by piece.
``journal add`` appends one piece (new ids sort last): the diff then hashes the 40 MB of a
100k-entry table in 200 C-speed calls and splits one block, instead of 100k pieces in Python.

Everything here is sound only for canonical bytes; the caller verifies every new or changed piece
by re-encoding it, and checks that ids stay strictly increasing (no duplicate keys).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

HEAD = b'\n  "entries": {\n    "'
TAIL = b'\n    }\n  },\n'
SEP = b'\n    },\n    "'
CLOSE = b"\n    }"
ID_END = 29  # '<26-char id>": ' precedes the entry's object in its piece
HASH = 16
BLOCK = 512


_DUMP = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
_WRAP_HEAD = len(b'{\n  "entries": {\n    "')
_WRAP_TAIL = len(b'\n    }\n  }\n}')


def piece_text(entry_id: str, doc: Any) -> bytes:
    """Entry ``entry_id``'s piece as a canonical file holds it (``<id>": {`` up to its closing
    line): what a new or changed entry must read as, and how long it is."""
    return orjson.dumps({"entries": {entry_id: doc}}, option=_DUMP)[_WRAP_HEAD:-_WRAP_TAIL]


def _digest(data: Any) -> bytes:
    return hashlib.blake2b(data, digest_size=HASH).digest()


@dataclass
class Layout:
    """Pieces in file order: ``raw[region + off[k]:region + off[k] + length[k]]`` is piece k,
    and the entry's JSON object runs from ``ID_END`` into it to ``len(CLOSE)`` past its end.
    ``blocks`` are ``[first k, end k, start, end, digest hex]`` with offsets relative to
    ``region``; ``ids`` are known when the layout comes from a split."""

    region: int
    size: int
    off: list[int]
    length: list[int]
    hashes: bytes  # HASH bytes per piece
    blocks: list[list[Any]]
    ids: list[str] | None = None
    member: tuple[int, int] = (0, 0)  # raw[a:b]: the whole '\n  "entries": {...},' member

    def text(self, raw: bytes, k: int) -> bytes:
        start = self.region + self.off[k]
        return raw[start:start + self.length[k]]

    def value(self, raw: bytes, k: int) -> bytes:
        """Entry ``k``'s JSON object."""
        start = self.region + self.off[k]
        return raw[start + ID_END:start + self.length[k] + len(CLOSE)]

    def header(self) -> bytes:
        return orjson.dumps({"region": self.region, "size": self.size, "blocks": self.blocks})


def find(raw: bytes) -> tuple[int, int, int] | None:
    """(member start, table start, table end) of the entries table of canonical ``raw``."""
    a = raw.find(HEAD)
    if a < 0:
        return None
    start = a + len(HEAD)
    end = raw.find(TAIL, start)
    return None if end < 0 else (a, start, end)


def _blocks(raw: bytes, region: int, size: int, off: Sequence[int], length: Sequence[int],
            k0: int, k1: int) -> list[list[Any]]:
    """Blocks over pieces ``k0..k1`` (each with its separator, but for the table's last)."""
    view, out = memoryview(raw), []
    for first in range(k0, k1, BLOCK):
        last = min(first + BLOCK, k1)
        start = off[first]
        stop = off[last - 1] + length[last - 1]
        if stop != size:
            stop += len(SEP)
        out.append([first, last, start, stop, _digest(view[region + start:region + stop]).hex()])
    return out


def split(raw: bytes) -> Layout | None:
    """The layout of canonical ``raw`` from scratch (None: no entries table)."""
    found = find(raw)
    if found is None:
        return None
    a, start, end = found
    off, length = [], []
    at, find_sep = start, raw.find
    while True:  # found, not split: splitting would copy the 40 MB table once more
        stop = find_sep(SEP, at, end)
        off.append(at - start)
        length.append((end if stop < 0 else stop) - at)
        if stop < 0:
            break
        at = stop + len(SEP)
    try:
        ids = [raw[start + o:start + o + 26].decode("ascii") for o in off]
    except UnicodeDecodeError:
        return None
    view = memoryview(raw)
    hashes = b"".join([_digest(view[start + o:start + o + n]) for o, n in zip(off, length, strict=True)])
    size = end - start
    return Layout(start, size, off, length, hashes, _blocks(raw, start, size, off, length, 0, len(off)),
                  ids, (a, end + len(TAIL) - 1))


@dataclass
class Diff:
    """What :func:`diff` found. Old pieces ``0..prefix`` and ``suffix..`` are unchanged (the
    latter ``shift`` pieces further on); ``middle`` are the new pieces between them, as
    (id, hash, offset, length), and ``old_middle`` the old pieces' range they replace."""

    layout: Layout  # the new file's, with ``ids`` None
    prefix: int
    suffix: int
    shift: int
    middle: list[tuple[str, bytes, int, int]]
    old_middle: range


def diff(old: Layout, raw: bytes) -> Diff | None:
    """Compare canonical ``raw`` with ``old``; None when the entries table is not found or the
    middle does not split cleanly."""
    found = find(raw)
    if found is None:
        return None
    a, start, end = found
    size, view, blocks = end - start, memoryview(raw), old.blocks
    delta = size - old.size
    p = 0
    while p < len(blocks):
        _, _, s, e, h = blocks[p]
        if e > size or (p == len(blocks) - 1 and e != size) or \
                _digest(view[start + s:start + e]).hex() != h:
            break
        p += 1
    prefix_end = blocks[p - 1][3] if p else 0
    q = len(blocks)
    while q > p:
        _, _, s, e, h = blocks[q - 1]
        if s + delta < prefix_end or _digest(view[start + s + delta:start + e + delta]).hex() != h:
            break
        q -= 1
    suffix_start = blocks[q][2] + delta if q < len(blocks) else size
    middle = raw[start + prefix_end:start + suffix_start]
    if q < len(blocks) and middle:
        if not middle.endswith(SEP):
            return None
        middle = middle[:-len(SEP)]
    pieces: list[tuple[str, bytes, int, int]] = []
    if middle:
        at = prefix_end
        for text in middle.split(SEP):
            try:
                entry_id = text[:26].decode("ascii")
            except UnicodeDecodeError:
                return None
            pieces.append((entry_id, _digest(text), at, len(text)))
            at += len(text) + len(SEP)
    k_prefix = blocks[p][0] if p < len(blocks) else len(old.off)
    k_suffix = blocks[q][0] if q < len(blocks) else len(old.off)
    shift = k_prefix + len(pieces) - k_suffix
    off = [*old.off[:k_prefix], *(m[2] for m in pieces), *(o + delta for o in old.off[k_suffix:])]
    length = [*old.length[:k_prefix], *(m[3] for m in pieces), *old.length[k_suffix:]]
    hashes = b"".join([old.hashes[:HASH * k_prefix], *(m[1] for m in pieces), old.hashes[HASH * k_suffix:]])
    new_blocks = [*blocks[:p], *_blocks(raw, start, size, off, length, k_prefix, k_prefix + len(pieces)),
                  *([k0 + shift, k1 + shift, s + delta, e + delta, h] for k0, k1, s, e, h in blocks[q:])]
    layout = Layout(start, size, off, length, hashes, new_blocks, None, (a, end + len(TAIL) - 1))
    return Diff(layout, k_prefix, k_suffix, shift, pieces, range(k_prefix, k_suffix))
