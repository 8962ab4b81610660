"""Answering the merge conflicts a sync left: every field holding values that lost a three-way
merge (:mod:`journal.sync.merge` records them on the document), listed for the CLI and the app,
and resolved by keeping the current value or putting a recorded one back. Mixed into
:class:`journal.service.Journal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journal.errors import AmbiguousNameError, NotFoundError, ValidationError
from journal.i18n import _
from journal.models import KIND_TABLE, MODEL_BY_TABLE, utc_now
from journal.names.resolve import label

if TYPE_CHECKING:
    from journal.models import Tables
    from journal.storage import JournalStore

#: Tables whose documents can carry merge conflicts, in the order they are listed.
CONFLICT_TABLES = ("entries", "contacts", "projects", "organisations", "days", "reviews")


@dataclass
class Conflict:
    """The recorded merge conflicts of one field of one document: the value it holds now and the
    records of values that lost a merge (numbered from 1 for ``resolve_conflict(take=N)``)."""

    table: str
    id: str
    label: str
    field: str
    current: Any
    records: list[dict[str, Any]]




class ConflictUseCases:
    """Mixed into :class:`journal.service.Journal` (which provides ``store`` and ``tables``)."""

    store: JournalStore

    if TYPE_CHECKING:  # provided by Journal
        @property
        def tables(self) -> Tables:
            ...

    def conflicts(self) -> list[Conflict]:
        """Every field holding values that lost a merge (see journal.sync.merge), per document and field,
        so the CLI and the TUI can show both sides and let the user pick."""
        tables = self.tables
        kinds = {table: kind for kind, table in KIND_TABLE.items()}
        out: list[Conflict] = []
        for table in CONFLICT_TABLES:
            hits = sorted((i, d) for i, d in tables.get(table, {}).items() if d.get("conflicts"))
            for doc_id, doc in hits:
                name = (f"{doc['date']} {doc['event']}" if table == "entries" else
                        _("day note {day}").format(day=doc_id) if table == "days" else
                        _("review {period}").format(period=doc_id) if table == "reviews" else
                        label(tables, kinds[table], doc_id))
                by_field: dict[str, list[dict[str, Any]]] = {}
                for record in doc["conflicts"]:
                    by_field.setdefault(str(record.get("field", "")), []).append(record)
                out += [Conflict(table, doc_id, name, f, doc.get(f), records)
                        for f, records in sorted(by_field.items())]
        return out

    def resolve_conflict(self, doc_id: str, field: str | None = None,
                         take: str | int = "current") -> list[Conflict]:
        """Clear the recorded conflicts of one document (of one ``field``, or all): ``"current"``
        keeps the values it holds; ``"other"`` (when one value is recorded) or ``N`` (the N-th) puts
        a recorded value back. ``updated_at`` moves on: the choice is an edit and must win the next
        merge; the cleared records stay cleared on the other machine too (journal.sync.merge)."""
        found = self._conflicts_of(doc_id)
        items = [c for c in found if field is None or c.field == field]
        if not items:
            raise NotFoundError(_("{id} has no recorded conflict in {field!r} (it has: {join})").format(id=found[0].id, field=field, join=', '.join(c.field for c in found)))
        taken: dict[str, Any] = {}
        if take != "current":
            if len(items) > 1:
                raise ValidationError(_("{id} has conflicts in {join}: choose one field "
                                        "(--field)").format(id=items[0].id, join=', '.join(c.field for c in items)))
            records = items[0].records
            if take == "other" and len(records) > 1:
                raise ValidationError(_("{n_records} other values are recorded for {field}: "
                                        "pick one by number (--take 1..{n_records})").format(n_records=len(records), field=items[0].field))
            index = 1 if take == "other" else take
            if not isinstance(index, int) or not 1 <= index <= len(records):
                raise ValidationError(_("take must be 'current', 'other' or 1..{n_records}").format(n_records=len(records)))
            taken[items[0].field] = records[index - 1].get("value")
        table, target, fields = items[0].table, items[0].id, {c.field for c in items}
        with self.store.transaction() as tx:
            current = tx.get(table, target)
            if current is None:
                raise NotFoundError(_("{table} {target} was deleted meanwhile").format(table=table, target=target))
            if "exceptions" in taken and isinstance(taken["exceptions"], dict):
                # an occurrence's lost change: put back that occurrence, keep the others
                taken["exceptions"] = {**(current.get("exceptions") or {}), **taken["exceptions"]}
            doc = {k: v for k, v in current.items() if k not in taken} | taken
            doc["conflicts"] = [r for r in current.get("conflicts", []) if r.get("field") not in fields]
            doc["updated_at"] = utc_now()
            tx.replace(table, target, MODEL_BY_TABLE[table].from_doc(target, doc).to_doc())
        return items

    def _conflicts_of(self, ref: str) -> list[Conflict]:
        """The conflicts of the document ``ref`` designates: an id, a unique part of one (4+
        characters), or a day note's date."""
        items = self.conflicts()
        key = ref.strip().upper()
        hits = [c for c in items if c.id.upper() == key]
        if not hits and len(key) >= 4:
            ids = sorted({c.id for c in items if c.id.startswith(key) or c.id.endswith(key)})
            if len(ids) > 1:
                raise AmbiguousNameError(_("{strip!r} matches {n_ids} documents with "
                                           "conflicts; give more of the id").format(strip=ref.strip(), n_ids=len(ids)))
            hits = [c for c in items if c.id in ids]
        if not hits:
            raise NotFoundError(_("no recorded conflicts for {strip!r}").format(strip=ref.strip()))
        return hits
