"""The search cache's file format: named byte sections, each with a CRC, behind a magic line
and a one-line JSON header; columns of fixed-width ASCII values; integers as little-endian
64-bit arrays. Plain data only, so a cache file planted by someone else can at worst be rejected.
Used by :mod:`journal.search.cache.reader` (reading) and the build and refresh modules (writing).
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from journal.search.filing import IndexState
from journal.storage import open_side, trusted_folder

FORMAT = 2  # 2: the small tables include the written reviews; a "notes" section
MAGIC = b"journal-search-cache\n"


#: The tables the cache keeps whole (every table but the entries).
SMALL_TABLES = ("contacts", "days", "meta", "organisations", "projects", "reviews")
#: The small tables a search reads besides the entries (journal.search.notes), kept in a section
#: of their own too.
NOTE_TABLES = ("days", "reviews")


class CacheCorrupt(Exception):
    """The cache does not hold what its header promises; callers rebuild and retry."""


# -- sections -------------------------------------------------------------------------------------
class FileBytes:
    """Random access to an open file by offset. Not a memory map: a file that another program
    truncates while a command reads it then gives short reads (caught as a corrupt cache and
    rebuilt) instead of a SIGBUS that kills the process."""

    def __init__(self, fd: int) -> None:
        self._fd = os.dup(fd)
        self.size = os.fstat(self._fd).st_size

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise ValueError("negative offset or length")
        if hasattr(os, "pread"):
            return os.pread(self._fd, length, offset)
        os.lseek(self._fd, offset, os.SEEK_SET)  # pragma: no cover - Windows
        return os.read(self._fd, length)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            self.close()


class Sections:
    """Named byte sections with CRCs: a cache file (memory-mapped) or the sections of a build
    that are about to be written (so a fresh build is served by the same code as a warm cache)."""

    def __init__(self, header: Mapping[str, Any], buffer: bytes | FileBytes, base: int,
                 parts: Mapping[str, bytes] | None = None) -> None:
        self.header = header
        self._buffer = buffer
        self._base = base
        self._parts = parts  # a build's own sections, served as they are
        self.n: int = header["n"]
        self.digest: str = header["digest"]
        self.canonical: bool = header["canonical"]

    @classmethod
    def from_parts(cls, digest: str, canonical: bool, n: int,
                   parts: Mapping[str, bytes]) -> tuple[Sections, list[bytes]]:
        """Lay ``parts`` out as a cache file; return the sections and the file's bytes (in
        pieces: joining them would copy 30 MB)."""
        table: dict[str, list[int]] = {}
        offset = 0
        for name, data in parts.items():
            table[name] = [offset, len(data), zlib.crc32(data)]
            offset += len(data)
        header = {"format": FORMAT, "digest": digest, "canonical": canonical, "n": n,
                  "sections": table}
        head = MAGIC + orjson.dumps(header) + b"\n"
        return cls(header, b"", 0, dict(parts)), [head, *parts.values()]

    @classmethod
    def open(cls, path: Path) -> Sections | None:
        """The cache file at ``path``, or None when it is missing or not one of ours (not a
        regular file of ours in a folder of ours: a FIFO or a link to a device in its place must
        neither hang nor flood the command). Sections are read by offset, each bounded by its
        stated length and checked against its CRC."""
        if not trusted_folder(path.parent):
            return None
        fd = open_side(path)
        if fd is None:
            return None
        try:
            with open(fd, "rb") as f:
                if f.readline(len(MAGIC)) != MAGIC:
                    return None
                header = orjson.loads(f.readline(64 * 1024))
                base = f.tell()
                buffer = FileBytes(f.fileno())
            if not (isinstance(header, dict) and header.get("format") == FORMAT
                    and isinstance(header.get("sections"), dict) and isinstance(header.get("n"), int)
                    and isinstance(header.get("digest"), str)
                    and isinstance(header.get("canonical"), bool)):
                return None
            return cls(header, buffer, base)
        except (OSError, ValueError):
            return None

    def raw(self, name: str) -> bytes:
        if self._parts is not None:
            try:
                return self._parts[name]
            except KeyError:
                raise CacheCorrupt(f"section {name}: missing") from None
        try:
            offset, length, crc = self.header["sections"][name]
            start = self._base + offset
            size = self._buffer.size if isinstance(self._buffer, FileBytes) else len(self._buffer)
            if not 0 <= start <= start + length <= size:  # never allocate what a header claims
                raise ValueError("outside the file")
            data = (self._buffer.read(start, length) if isinstance(self._buffer, FileBytes)
                    else self._buffer[start:start + length])
        except (KeyError, TypeError, ValueError, OSError, OverflowError) as exc:
            raise CacheCorrupt(f"section {name}: {exc}") from None
        if len(data) != length or zlib.crc32(data) != crc:
            raise CacheCorrupt(f"section {name}: bad length or CRC")
        return data

    def json(self, name: str, kind: type = list) -> Any:
        try:
            value = orjson.loads(self.raw(name))
        except orjson.JSONDecodeError as exc:
            raise CacheCorrupt(f"section {name}: {exc}") from None
        if not isinstance(value, kind):
            raise CacheCorrupt(f"section {name}: not a {kind.__name__}")
        return value


class Column(Sequence[str]):
    """A column of fixed-width ASCII values, sliced out of one string on access: decoding 100k
    ids into a list costs more than a whole contact search, and a search reads a handful."""

    __slots__ = ("_map", "_n", "_text", "_w")

    def __init__(self, raw: bytes, width: int, n: int, decode: Mapping[str, str] | None = None) -> None:
        if len(raw) != width * n:
            raise CacheCorrupt(f"column of {len(raw)} bytes, expected {n} x {width}")
        try:
            self._text = raw.decode("ascii")
        except UnicodeDecodeError as exc:
            raise CacheCorrupt(f"column: {exc}") from None
        self._w, self._n, self._map = width, n, decode

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        value = self._text[i * self._w:(i + 1) * self._w]
        return value if self._map is None else self._map.get(value, value)


STATUS_CODE = {"done": "d", "planned": "p", "cancelled": "c"}
STATUS_NAME = {v: k for k, v in STATUS_CODE.items()}
NO_TIME = " " * 5
WIDTHS = {"ids": 26, "dates": 10, "times": 5, "status": 1}


def ints(values: Iterable[int]) -> bytes:
    arr = array("q", values)
    if sys.byteorder != "little":
        arr.byteswap()
    return arr.tobytes()


def state_parts(state: IndexState) -> dict[str, bytes]:
    """The sections holding an index's columns. Ids, dates, times and statuses are validated
    fixed-width ASCII (ULIDs, ISO dates, HH:MM, one letter per status)."""
    columns = {"ids": state.ids, "dates": state.dates,
               "times": [t or NO_TIME for t in state.times],
               "status": [STATUS_CODE[st] for st in state.status]}
    parts = {}
    for name, values in columns.items():
        raw = "".join(values).encode("ascii")
        if len(raw) != WIDTHS[name] * len(state.ids):
            raise ValueError(f"{name}: not all values are {WIDTHS[name]} ASCII characters")
        parts[name] = raw
    parts["starts"] = ints(state.starts)
    parts["blob"] = state.blob
    for kind, postings in state.postings.items():
        parts[f"postings.{kind}"] = orjson.dumps(postings)
    return parts


def int_array(s: Sections, name: str, n: int) -> array[int]:
    data = s.raw(name)
    if len(data) != 8 * n:
        raise CacheCorrupt(f"section {name}: {len(data)} bytes, expected {n} integers")
    arr = array("q")
    arr.frombytes(data)
    if sys.byteorder != "little":
        arr.byteswap()
    return arr
