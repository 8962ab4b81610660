"""The data file's canonical bytes, read and written a table and a document at a time.

Why: at 100k entries the file is tens of megabytes. Parsing all of it (twice as slow with the cyclic
garbage collector running), dumping it again and freeing the parsed objects when the process ends
would be most of a command's time (bench/bench_core.py) — while ``journal add`` needs the contacts (to resolve names) and writes one new
entry, and ``journal list --contact X`` needs the few dozen entries that mention X.

The canonical form (``dump_canonical``: sorted keys, 2-space indent, and no raw newline inside any
JSON string, since JSON escapes it) makes the bytes line-structured::

    {
      "<table>": {              <- a table: a line indented 2 (the top-level members)
        "<doc id>": {           <- a document: its key line is the only kind indented 4 + quote
          "<field>": ...        <- everything deeper is indented 6 or more
        },                      <- a document ends with the only kind of line indented 4 + brace
        ...
      },
      ...
    }

so a document is found by bisecting the key lines of its table, the documents mentioning an id are
found with ``bytes.find``, and a table with a few changed documents is written as the untouched
byte runs between them plus the new documents' own canonical text. The result is byte-for-byte what
dumping the whole data gives (tests/test_storage.py compares them).

Only bytes this program wrote itself are read this way — ``JournalStore`` checks the file's
(inode, size, mtime_ns) and crc32 against the layout note it keeps after every write — and any
surprise in the layout raises :class:`RawLayoutError`, on which callers parse the table instead.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable
from typing import Any

import orjson

from journal.i18n import _

DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
_DOC_LINE = b'\n    "'  # the start of a document's key line inside a table
_DOC_END = b"\n    }"  # the line that closes a document
_PLAIN_KEY = re.compile(r"[0-9A-Za-z_.:-]+")  # ids and dates: the same text escaped or not
#: Beyond this many changed documents in one table, dumping the parsed table is cheaper than
#: bisecting for each of them (a bulk import) and the table is parsed instead.
SPLICE_LIMIT = 2000
_PARSE_CHUNK = 4 << 20  # bytes of documents parsed at a time (RawTable._parse)

Doc = dict[str, Any]
Buffer = bytes | memoryview


class RawLayoutError(Exception):
    """The bytes are not laid out as this module expects: parse them instead."""


def loads(data: Buffer) -> Any:
    """``orjson.loads`` with the cyclic garbage collector paused.

    A parse allocates millions of containers; every 700 allocations would start a collection that
    scans all the young ones, and the growing heap keeps triggering full collections: measured here,
    parsing a large journal takes about twice as long with the collector running. Parsed
    JSON holds no reference cycles, so nothing is left for the collector to find afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(data)
    finally:
        if enabled:
            gc.enable()


def member_header(name: str) -> bytes:
    """What precedes a table's value in the file: ``  "name": ``."""
    return b"  " + orjson.dumps(name) + b": "


def value_text(name: str, table: dict[str, Any]) -> bytes:
    """The canonical text of a whole table as it stands inside the file (indented one level)."""
    out = orjson.dumps({name: table}, option=DUMP_OPTIONS)
    return out[2 + len(member_header(name)):-2]  # strip "{\n" + header ... "\n}"


def doc_text(doc_id: str, doc: Doc) -> bytes:
    """The canonical text of one document as it stands inside its table (key line indented 4).
    orjson cannot start at a given depth, so dump ``{id: doc}`` and indent every line by two more
    spaces: no line break occurs inside a JSON string, so every ``\\n`` is a line of the layout."""
    out = orjson.dumps({doc_id: doc}, option=DUMP_OPTIONS)
    return b"  " + out[2:-2].replace(b"\n", b"\n  ")


def _plain(doc_id: str) -> bytes:
    """The key as it appears between quotes in the file; only plain keys (ids, dates) are looked up
    in bytes, so that escaping can never make two spellings of one key."""
    if not _PLAIN_KEY.fullmatch(doc_id):
        raise RawLayoutError(_("key {doc_id!r} is not plain").format(doc_id=doc_id[:30]))
    return doc_id.encode("ascii")


class RawTable:
    """One table of the file as bytes — ``raw[start:end]`` is its value, ``{}`` or ``{\\n ... \\n  }``
    — plus the documents changed since those bytes were read (``None`` = removed)."""

    __slots__ = ("raw", "start", "end", "changes")

    def __init__(self, raw: bytes, start: int, end: int,
                 changes: dict[str, Doc | None] | None = None) -> None:
        if raw[start:start + 1] != b"{" or raw[end - 1:end] != b"}":
            raise RawLayoutError(_("a table value is not an object"))
        self.raw, self.start, self.end = raw, start, end
        self.changes: dict[str, Doc | None] = changes if changes is not None else {}

    def copy(self) -> RawTable:
        return RawTable(self.raw, self.start, self.end, dict(self.changes))

    @property
    def _no_docs(self) -> bool:
        return self.end - self.start == 2  # "{}"

    @property
    def _close(self) -> int:
        """Offset of the newline that starts the table's closing ``\\n  }``."""
        return self.end - 4

    # -- finding documents in the bytes ---------------------------------------------------------
    def _key_at(self, line: int) -> bytes:
        quote = self.raw.find(b'"', line + 6)
        key = self.raw[line + 6:quote]
        if quote < 0 or b"\\" in key or self.raw[quote:quote + 4] != b'": {':
            raise RawLayoutError(_("unexpected document key line"))
        return key

    def _bisect(self, key: bytes) -> tuple[int, bool]:
        """(line, found): the newline opening the key line of the first document whose key is
        >= ``key`` (or the table's closing newline), and whether that key equals ``key``.

        A binary search over byte offsets: from the middle of the range, the next key line is a few
        hundred bytes away; O(log n) short searches instead of reading the table."""
        raw, close = self.raw, self._close
        lo, hi, best = self.start + 1, close, close
        while lo < hi:
            mid = (lo + hi) // 2
            line = raw.find(_DOC_LINE, mid, hi + len(_DOC_LINE) - 1)  # a line starting before hi
            if line < 0:
                hi = mid
            elif self._key_at(line) >= key:
                best = hi = line
            else:
                lo = line + 1
        return best, best != close and self._key_at(best) == key

    def _doc_end(self, line: int) -> int:
        """Offset just past the closing brace of the document whose key line starts at ``line``."""
        raw = self.raw
        line_end = raw.find(b"\n", line + 1)
        if raw.endswith(b"{}", line + 1, line_end):
            return line_end
        if raw.endswith(b"{},", line + 1, line_end):
            return line_end - 1
        end = raw.find(_DOC_END, line_end, self.end)
        if end < 0:
            raise RawLayoutError(_("a document does not end"))
        return end + len(_DOC_END)

    def _parse_docs(self, spans: Iterable[tuple[int, int]]) -> dict[str, Doc]:
        texts = [self.raw[line + 1:end] for line, end in spans]
        if not texts:
            return {}
        docs = loads(b"{" + b",".join(texts) + b"}")
        if not isinstance(docs, dict):
            raise RawLayoutError(_("documents did not parse as an object"))
        return docs

    # -- reading ----------------------------------------------------------------------------------
    def get(self, doc_id: str) -> Doc | None:
        """One document, parsed alone."""
        if doc_id in self.changes:
            return self.changes[doc_id]
        if self._no_docs:
            return None
        line, found = self._bisect(_plain(doc_id))
        if not found:
            return None
        return self._parse_docs([(line, self._doc_end(line))]).get(doc_id)

    def mentioning(self, needles: Iterable[str]) -> dict[str, Doc]:
        """Every document whose text holds one of ``needles`` as a whole JSON string (``"ID"``),
        plus every changed one: a superset the caller filters exactly (an id may also occur in a
        summary or a conflict record)."""
        found: dict[int, int] = {}
        if not self._no_docs:
            raw = self.raw
            for needle in needles:
                pattern = b'"' + _plain(needle) + b'"'
                hit = raw.find(pattern, self.start, self.end)
                while hit >= 0:
                    line = raw.rfind(_DOC_LINE, self.start, hit + 1)
                    if line < 0:
                        raise RawLayoutError(_("a match outside any document"))
                    end = found[line] = self._doc_end(line)
                    hit = raw.find(pattern, end, self.end)
        return self._found_with_changes(found)

    def field_between(self, name: str, low: str, high: str) -> dict[str, Doc]:
        """Every document whose own text field ``name`` lies in ``low..high`` (plain text such as
        ISO dates), plus every changed one: a superset the caller filters exactly.

        One search for the field's line with the values' common prefix (``"date": "2026-11-``),
        then a look at each hit's value: far cheaper than parsing the table for a day, a week or a month."""
        prefix = b""
        for a, b in zip(_plain(low), _plain(high), strict=False):
            if a != b:
                break
            prefix += bytes((a,))
        pattern = b'\n      "' + _plain(name) + b'": "' + prefix
        found: dict[int, int] = {}
        if not self._no_docs:
            raw, low_b, high_b = self.raw, low.encode(), high.encode()
            hit = raw.find(pattern, self.start, self.end)
            while hit >= 0:
                first = hit + len(pattern) - len(prefix)
                value = raw[first:raw.find(b'"', first)]
                end = hit + 1
                if low_b <= value <= high_b:
                    line = raw.rfind(_DOC_LINE, self.start, hit + 1)
                    if line < 0:
                        raise RawLayoutError(_("a field outside any document"))
                    end = found[line] = self._doc_end(line)
                hit = raw.find(pattern, end, self.end)
        return self._found_with_changes(found)

    def _found_with_changes(self, found: dict[int, int]) -> dict[str, Doc]:
        """The documents at ``found`` (line -> end offsets) parsed, with this transaction's changes
        applied on top: what every partial read returns."""
        docs = self._parse_docs(sorted(found.items()))
        for doc_id, doc in self.changes.items():
            if doc is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = doc
        return docs

    def ids_matching(self, fragment: str) -> set[str]:
        """Ids that start or end with ``fragment`` (a handle typed by a user), without parsing."""
        raw, key = self.raw, _plain(fragment)
        ids: set[str] = set()
        if not self._no_docs:
            line, _ = self._bisect(key)  # ids starting with the fragment sort together from here
            while line != self._close:
                current = self._key_at(line)
                if not current.startswith(key):
                    break
                ids.add(current.decode())
                line = self._doc_end(line) + 1  # "," or the closing newline
                line = line if raw[line - 1:line] == b"," and raw[line:line + 1] == b"\n" \
                    else self._close
            pattern = key + b'": {'
            hit = raw.find(pattern, self.start, self.end)
            while hit >= 0:
                line = raw.rfind(b"\n", self.start, hit)
                if raw.startswith(_DOC_LINE, line) and raw.find(b'"', line + 6) == hit + len(key):
                    ids.add(self._key_at(line).decode())
                hit = raw.find(pattern, hit + 1, self.end)
        for doc_id, doc in self.changes.items():
            if doc is None:
                ids.discard(doc_id)
            elif doc_id.startswith(fragment) or doc_id.endswith(fragment):
                ids.add(doc_id)
        return ids

    def materialize(self) -> dict[str, Doc]:
        """The whole table parsed, with the changes applied."""
        table = {} if self._no_docs else self._parse()
        if not isinstance(table, dict):
            raise RawLayoutError(_("a table did not parse as an object"))
        for doc_id, doc in self.changes.items():
            if doc is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = doc
        return table

    def _parse(self) -> Any:
        """The table's value parsed a few megabytes of documents at a time: orjson holds a copy
        of its input and a tree of it while parsing, so the 40 MB entries table at once made a
        third of the app's peak memory at launch. The pieces are cut between documents (at the
        only lines indented 4 that close one) and each parses as an object of its own; any
        surprise parses the whole value instead."""
        raw, start, end = self.raw, self.start, self.end
        if end - start <= 2 * _PARSE_CHUNK:
            return loads(memoryview(raw)[start:end])
        cut = _DOC_END + b',\n    "'
        view, table = memoryview(raw), None
        at = start + 1  # after the value's "{"
        enabled = gc.isenabled()
        gc.disable()
        try:
            while True:
                stop = raw.find(cut, at + _PARSE_CHUNK, end)
                last = stop < 0
                text = bytearray(b"{")
                text += view[at:end - 1 if last else stop + len(_DOC_END)]
                text += b"}"
                part = orjson.loads(text)
                if type(part) is not dict:
                    return loads(view[start:end])
                if table is None:
                    table = part
                else:
                    table.update(part)
                if last:
                    return table
                at = stop + len(_DOC_END) + 1
        except orjson.JSONDecodeError:
            return loads(view[start:end])  # says what is wrong, as before
        finally:
            if enabled:
                gc.enable()

    # -- writing ----------------------------------------------------------------------------------
    def value_pieces(self) -> list[Buffer] | None:
        """The table's new canonical value as pieces to write one after the other (untouched runs
        of documents are views of the old bytes, not copies), or None when no document is left.

        Documents are joined by ``,\\n``; a run of untouched documents already holds its inner
        separators, so the pieces are just the runs and the changed documents in key order."""
        if len(self.changes) > SPLICE_LIMIT:
            raise RawLayoutError(_("too many changes to splice"))
        view = memoryview(self.raw)
        items: list[Buffer] = []
        if self._no_docs:
            items = [doc_text(i, d) for i, d in sorted(self.changes.items()) if d is not None]
        else:
            close = self._close
            cursor = self.start + 2  # the first document's text
            for doc_id, doc in sorted(self.changes.items()):
                line, found = self._bisect(_plain(doc_id))
                stop = close if line == close else line - 1  # the "," before that document
                if cursor < stop:
                    items.append(view[cursor:stop])
                if found:
                    end = self._doc_end(line)
                    cursor = end + 2 if self.raw[end:end + 1] == b"," else close
                else:
                    cursor = close if line == close else line + 1
                if doc is not None:
                    items.append(doc_text(doc_id, doc))
            if cursor < close:
                items.append(view[cursor:close])
        if not items:
            return None
        pieces: list[Buffer] = [b"{\n"]
        for item in items:
            pieces += (item, b",\n")
        pieces[-1] = b"\n  }"
        return pieces


def split_documents(raw: bytes) -> dict[str, dict[str, bytes]] | None:
    """``{table: {id: the document's exact bytes}}`` of a whole file in the canonical layout (the
    merge driver compares documents as bytes and parses only those that differ), found by scanning
    for the fixed indentation of table and document keys; None at the first sign of any other
    layout. String values hold no
    raw newlines in JSON, so a line indented by exactly 4 spaces is always a document key or the
    closing brace of a document."""
    if not raw.startswith(b'{\n  "') or not raw.endswith(b"\n}\n"):
        return None
    tables: dict[str, dict[str, bytes]] = {}
    pos, last_name = 1, b""
    while True:  # pos is at the newline before a table key
        key_end = raw.find(b'": ', pos + 4)
        name = raw[pos + 4:key_end]
        if not raw.startswith(b'\n  "', pos) or key_end < 0 or b"\\" in name or b'"' in name \
                or name <= last_name:
            return None
        last_name, docs, prev = name, {}, b""
        tables[name.decode()] = docs
        if raw.startswith(b"{}", key_end + 3):
            end = key_end + 5
        elif raw.startswith(b"{\n", key_end + 3):
            p = key_end + 4
            while True:  # p is at the newline before a document key
                id_end = raw.find(b'": ', p + 6)
                doc_id = raw[p + 6:id_end]
                if not raw.startswith(b'\n    "', p) or id_end < 0 or b"\\" in doc_id \
                        or b'"' in doc_id or doc_id <= prev:
                    return None
                prev = doc_id
                if raw.startswith(b"{}", id_end + 3):
                    doc_end = id_end + 5
                elif raw.startswith(b"{\n", id_end + 3) and (close := raw.find(b"\n    }", id_end)) > 0:
                    doc_end = close + 6
                else:
                    return None
                docs[doc_id.decode()] = raw[p + 1:doc_end]
                if raw.startswith(b",\n", doc_end):
                    p = doc_end + 1
                    continue
                if not raw.startswith(b"\n  }", doc_end):
                    return None
                end = doc_end + 4
                break
        else:
            return None
        if raw.startswith(b",\n", end):
            pos = end + 1
            continue
        return tables if end == len(raw) - 3 else None
