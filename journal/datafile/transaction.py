"""A change to the journal under its lock, recorded on a copy-on-write working copy of the
tables, and the TinyDB classes the journal is: tables keyed by ULIDs, a ``Storage`` over the
working copy for TinyDB's bulk insert. The facade (:mod:`journal.storage`) opens, commits and
writes; this module only says what a change is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from journal.datafile.files import new_id
from journal.datafile.tables import TablesView, Working
from journal.i18n import _


class UlidTable(Table):
    """A TinyDB table whose document ids are ULID strings rather than per-file counters, so that
    two machines adding entries offline never mint the same id. The storage layer gives ids
    itself (:meth:`Transaction.insert_many`); TinyDB asks for one only on a plain ``insert``."""

    document_id_class = str

    def _get_next_id(self) -> str:  # type: ignore[override]
        return new_id()


class _TxStorage(Storage):
    """TinyDB storage over a transaction's working tables: TinyDB reads every table parsed and
    writes back whole tables, which the commit then dumps (used for bulk inserts only)."""

    def __init__(self, work: Working) -> None:
        self._work = work

    def read(self) -> dict[str, Any]:
        return {name: self._work.table(name) for name in self._work.states}

    def write(self, data: dict[str, Any]) -> None:
        for name, table in data.items():
            if name not in self._work.states or table is not self._work.table(name):
                self._work.replace_table(name, table)


class JournalDB(TinyDB):
    """TinyDB with the journal's ULID-keyed tables."""

    table_class = UlidTable


class Transaction:
    """The change being made under the lock. Methods mirror the use cases' needs; documents are
    lean dicts (see models.Document.to_doc).

    Changes are recorded per document on a copy-on-write working copy (:class:`journal.datafile.tables.Working`):
    the committed snapshot is never touched, so a failed transaction leaves it intact, documents
    already handed out never change under their holders, and the commit can splice the changed
    documents into the file's bytes instead of dumping every table."""

    def __init__(self, work: Working) -> None:
        self._work = work
        self._edits: dict[str, int] = {}

    def edits(self, *tables: str) -> int:
        """How many documents of ``tables`` this change replaced or removed so far (inserts not
        counted): lookups built over the documents know when to look again."""
        return sum(self._edits.get(table, 0) for table in tables)

    @property
    def tables(self) -> TablesView:
        """The fresh data this change applies to (read-only; a table is parsed when first used)."""
        return TablesView(self._work)

    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        """One document (found in the bytes without parsing its table when possible)."""
        return self._work.get(table, doc_id)

    def insert(self, table: str, doc: Mapping[str, Any], doc_id: str | None = None) -> str:
        """Add one document under a new ULID (or ``doc_id``).

        Not TinyDB's ``insert``, which copies the whole table twice per call (an import creating
        thousands of contacts was quadratic)."""
        doc_id = doc_id or new_id()
        if self._work.get(table, doc_id) is not None:
            raise ValueError(_("document {doc_id} already exists in {table}").format(doc_id=doc_id, table=table))
        self._work.put(table, doc_id, dict(doc))
        return doc_id

    def insert_many(self, table: str, docs: list[tuple[str, dict[str, Any]]]) -> None:
        db = JournalDB(storage=lambda: _TxStorage(self._work))
        db.table(table).insert_multiple(Document(doc, doc_id=i) for i, doc in docs)

    def replace(self, table: str, doc_id: str, doc: Mapping[str, Any]) -> None:
        """Replace a whole document (so omitted, now-empty fields really go away).

        The new document is a new object: documents already handed out (an editor's starting
        point, a search index) never change under their holders, unlike TinyDB's in-place
        ``update``.

        A replacement that moves ``updated_at`` on is an edit: the fields it changes are stamped
        with that time in ``edited_at`` (journal.field_times), which merges compare per field."""
        from journal.datafile.field_times import stamp_edit

        self._work.put(table, doc_id, stamp_edit(self._work.get(table, doc_id), dict(doc)))
        self._edits[table] = self._edits.get(table, 0) + 1

    def remove(self, table: str, doc_id: str) -> None:
        self._work.put(table, doc_id, None)
        self._edits[table] = self._edits.get(table, 0) + 1
