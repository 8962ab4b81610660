"""The journal's tables in memory, each parsed only when someone needs all of it.

A :class:`Snapshot` is one version of the file's content; a :class:`Working` copy is the change a
transaction is making to it. Each table is a :class:`TableState`: the canonical bytes it was read
from (a :class:`~journal.datafile.canonical.RawTable` with the documents changed since), the parsed dict,
or both. ``journal add`` thereby parses the contacts, organisations and projects (to resolve names)
but not the 100k entries it adds one to, and writes the entries back as the old bytes with the new
entry spliced in (see :mod:`journal.datafile.canonical`). Whoever asks for a whole table gets it parsed,
so the TUI, search and reports see plain dicts exactly as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from journal.datafile.canonical import (
    Buffer,
    Doc,
    RawLayoutError,
    RawTable,
    member_header,
    value_text,
)
from journal.errors import StorageError
from journal.i18n import _

Table = dict[str, Doc]
CACHE_NOTE = ".journal-cache/<file>.layout"
_LOCK = threading.Lock()  # a TUI reads from a worker thread and the UI thread: parse once


class TableState:
    """One table of one version: ``source`` (bytes + changes since) and/or ``parsed``."""

    __slots__ = ("source", "parsed")

    def __init__(self, source: RawTable | None = None, parsed: Table | None = None) -> None:
        assert source is not None or parsed is not None
        self.source, self.parsed = source, parsed

    def table(self) -> Table:
        """The whole table, parsed on first use and kept."""
        parsed = self.parsed
        if parsed is None:
            with _LOCK:
                if self.parsed is None:
                    assert self.source is not None
                    try:
                        self.parsed = self.source.materialize()
                    except (RawLayoutError, ValueError) as exc:  # bytes and layout note disagree
                        raise StorageError(_("the journal file does not match its layout note "
                                             "({exc}); delete {CACHE_NOTE} and retry").format(exc=exc, CACHE_NOTE=CACHE_NOTE)) from None
                parsed = self.parsed
        return parsed

    def get(self, doc_id: str) -> Doc | None:
        source = self.source
        if self.parsed is None and source is not None:
            try:
                return source.get(doc_id)
            except (RawLayoutError, ValueError):  # parse the table instead
                pass
        return self.table().get(doc_id)

    def mentioning(self, needles: Iterable[str]) -> Table:
        """A superset of the documents holding one of ``needles`` (see RawTable.mentioning); the
        whole table when it is parsed already or there are no bytes to search."""
        source = self.source
        if self.parsed is None and source is not None:
            try:
                return source.mentioning(needles)
            except (RawLayoutError, ValueError):  # parse the table instead
                pass
        return self.table()

    def field_between(self, name: str, low: str, high: str) -> Table:
        """A superset of the documents whose text field ``name`` is in ``low..high``."""
        source = self.source
        if self.parsed is None and source is not None:
            try:
                return source.field_between(name, low, high)
            except (RawLayoutError, ValueError):  # parse the table instead
                pass
        return self.table()

    def ids_matching(self, fragment: str) -> set[str]:
        """Ids starting or ending with ``fragment``."""
        source = self.source
        if self.parsed is None and source is not None:
            try:
                return source.ids_matching(fragment)
            except (RawLayoutError, ValueError):  # parse the table instead
                pass
        return {i for i in self.table() if i.startswith(fragment) or i.endswith(fragment)}

    def private_copy(self) -> TableState:
        """A copy a transaction may change without touching the snapshot it came from."""
        return TableState(self.source.copy() if self.source is not None else None,
                          dict(self.parsed) if self.parsed is not None else None)

    def put(self, doc_id: str, doc: Doc | None) -> None:
        """Set (or with None remove) one document of a private copy."""
        if self.source is not None:
            self.source.changes[doc_id] = doc
        if self.parsed is not None:
            if doc is None:
                self.parsed.pop(doc_id, None)
            else:
                self.parsed[doc_id] = doc

    def value_pieces(self, name: str) -> list[Buffer] | None:
        """The table's canonical value for writing (None: empty, leave it out): spliced from the
        bytes it was read from when there are any, else dumped."""
        source = self.source
        if source is not None:
            try:
                return source.value_pieces()
            except (RawLayoutError, ValueError):  # parse the table instead
                pass
        table = self.table()
        return [value_text(name, table)] if table else None


class _States:
    """What Snapshot and Working share: a name -> TableState mapping and reads through it."""

    states: dict[str, TableState]

    def table(self, name: str) -> Table:
        state = self.states.get(name)
        return state.table() if state is not None else {}

    def get(self, name: str, doc_id: str) -> Doc | None:
        state = self.states.get(name)
        return state.get(doc_id) if state is not None else None


class Snapshot(_States):
    """One version of the file's content. Never changed, only parsed further."""

    def __init__(self, states: dict[str, TableState]) -> None:
        self.states = states
        self._full: dict[str, Table] | None = None

    @classmethod
    def of_tables(cls, tables: Mapping[str, Table]) -> Snapshot:
        return cls({name: TableState(parsed=table) for name, table in tables.items()})

    def full(self) -> dict[str, Table]:
        """Every table parsed, as one dict (the same object on every call).

        Then the bytes are let go: whoever needs everything (the TUI) holds the parsed data for a
        long time, and 50 MB more for faster saves is the wrong trade there; a save dumps instead."""
        if self._full is None:
            full = {name: state.table() for name, state in self.states.items()}
            for state in self.states.values():
                state.source = None
            self._full = full
        return self._full


class Working(_States):
    """The tables as a transaction changes them: copy-on-write per table, tracked per document
    so the commit can splice."""

    def __init__(self, base: Snapshot) -> None:
        self.states = dict(base.states)
        self._own: set[str] = set()
        self.dirty = False
        #: Every document put, by table (None: removed), for the change history
        #: (journal.datafile.changes); None once a whole table was replaced.
        self.changes: dict[str, dict[str, Doc | None]] | None = {}

    def _private(self, name: str) -> TableState:
        if name not in self._own:
            state = self.states.get(name)
            self.states[name] = (state.private_copy() if state is not None
                                 else TableState(parsed={}))
            self._own.add(name)
        return self.states[name]

    def put(self, name: str, doc_id: str, doc: Doc | None) -> None:
        copy = dict(doc) if doc is not None else None
        self._private(name).put(doc_id, copy)
        if self.changes is not None:
            self.changes.setdefault(name, {})[doc_id] = copy
        self.dirty = True

    def replace_table(self, name: str, table: Table) -> None:
        """A table changed wholesale (TinyDB writes whole tables): dumped at commit."""
        self.states[name] = TableState(parsed=table)
        self._own.add(name)
        self.changes = None
        self.dirty = True


class TablesView(Mapping[str, Mapping[str, Doc]]):
    """Read-only tables that parse a table only when it is asked for as a whole, with cheaper
    ways to reach a few documents (``get_doc``, ``mentioning``, ``field_between``,
    ``ids_matching``): supersets where so documented, which callers filter exactly."""

    def __init__(self, owner: _States) -> None:
        self._owner = owner

    def __getitem__(self, name: str) -> Table:
        if name not in self._owner.states:
            raise KeyError(name)
        return self._owner.table(name)

    def get(self, name: str, default: Any = None) -> Any:  # Mapping.get, minus its layers
        state = self._owner.states.get(name)
        return state.table() if state is not None else default

    def __contains__(self, name: object) -> bool:
        return name in self._owner.states

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._owner.states))

    def __len__(self) -> int:
        return len(self._owner.states)

    def get_doc(self, table: str, doc_id: str) -> Doc | None:
        return self._owner.get(table, doc_id)

    def mentioning(self, table: str, needles: Iterable[str]) -> Table:
        state = self._owner.states.get(table)
        return state.mentioning(needles) if state is not None else {}

    def field_between(self, table: str, name: str, low: str, high: str) -> Table:
        state = self._owner.states.get(table)
        return state.field_between(name, low, high) if state is not None else {}

    def ids_matching(self, table: str, fragment: str) -> set[str]:
        state = self._owner.states.get(table)
        return state.ids_matching(fragment) if state is not None else set()



def encode(states: Mapping[str, TableState]) -> tuple[list[Buffer], dict[str, tuple[int, int]]]:
    """The whole file as pieces to write in order, and where each table's value sits in it (for
    the layout note). Tables are members in key order, empty ones left out (docs/data-format.md):
    ``{\\n`` + members joined by ``,\\n`` + ``\\n}\\n``, as ``dump_canonical`` writes them."""
    pieces: list[Buffer] = [b"{\n"]
    spans: dict[str, tuple[int, int]] = {}
    offset = 2
    for name in sorted(states):
        try:
            value = states[name].value_pieces(name)
        except TypeError as exc:  # orjson refuses e.g. a lone surrogate; nothing is written
            raise StorageError(_("cannot encode the journal data: {exc}").format(exc=exc)) from None
        if value is None:
            continue
        header = (b",\n" if spans else b"") + member_header(name)
        pieces.append(header)
        offset += len(header)
        start = offset
        for piece in value:
            pieces.append(piece)
            offset += len(piece)
        spans[name] = (start, offset)
    pieces.append(b"\n}\n")
    return pieces, spans
