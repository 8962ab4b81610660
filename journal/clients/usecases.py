"""The client-file use cases of :class:`journal.service.Journal` (a mixin, so the service module
stays one screen of use cases per concern): the configuration, who is due, birthdays, complaints,
hand-overs and merging a client recorded twice. Every change is one storage transaction, like the
rest of the service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.clients.cadence import HANDOVER_TAG
from journal.config.model import Config
from journal.errors import NotFoundError, ValidationError
from journal.i18n import _
from journal.i18n.terms import kind_name
from journal.models import (
    KIND_LINK_FIELD,
    KIND_TABLE,
    MAX_NAME,
    Entry,
    MergeRecord,
    check_date,
    check_text,
    lean,
    utc_now,
)
from journal.names.resolve import MODEL_BY_KIND, NameIndex, label

if TYPE_CHECKING:
    from journal.clients.birthdays import Upcoming
    from journal.clients.cadence import DueItem, Times
    from journal.clients.complaints import Complaint
    from journal.storage import JournalStore, TablesView

HANDOVER_EVENT = "客户移交 / Client hand-over"


@dataclass
class Handover:
    """What ``journal handover`` did: the entry recorded, whose owner changed from whom to whom."""

    kind: str
    id: str
    label: str
    entry: Entry
    by: str
    to: str
    witness: str
    members: int  # contacts of an organisation whose owner changed with it


@dataclass
class MergeReport:
    """What merging ``gone`` into ``kept`` did (see journal.clients.merging)."""

    kind: str
    kept: str
    gone: str
    kept_label: str
    gone_label: str
    filled: list[str] = field(default_factory=list)
    differed: list[tuple[str, Any, Any]] = field(default_factory=list)
    entries: int = 0
    members: int = 0
    namesakes: list[str] = field(default_factory=list)
    again: bool = False  # gone had been merged into kept before; stray links were moved


def check_complaint(entry: Entry) -> None:
    """A complaint's resolution belongs to a complaint, and cannot predate it."""
    if not entry.complaint:
        if entry.resolved_on or entry.resolution:
            raise ValidationError(_("only a complaint can be resolved (mark it with --complaint)"))
        return
    if entry.resolved_on and entry.resolved_on < entry.date:
        raise ValidationError(_("resolved on {resolved_on}, before the complaint itself "
                                "({date})").format(resolved_on=entry.resolved_on, date=entry.date))


class ClientUseCases:
    """Mixed into :class:`journal.service.Journal` (which provides ``store`` and ``view``)."""

    store: JournalStore
    _config_source: Config | Path | None
    _config: Config | None

    if TYPE_CHECKING:  # provided by Journal
        @property
        def view(self) -> TablesView:
            ...

        def linked_entry_docs(self, kind: str, doc_id: str) -> dict[str, dict[str, Any]]:
            """The entries linked to one contact, project or organisation."""
            ...

    # -- configuration ---------------------------------------------------------------------
    @property
    def config(self) -> Config:
        """The user's configuration (read on first use: most commands never need it)."""
        if self._config is None:
            source = self._config_source
            if isinstance(source, Config):
                self._config = source
            else:
                from journal.config.files import load_config

                self._config = load_config(source)
        return self._config

    def tier_name(self, text: str | None) -> str:
        """The stored tier for what a user typed (``重要`` → ``VIP``); "" clears it."""
        return self.config.tiers.canonical(text or "")

    def rename_tier(self, old: str, new: str) -> int:
        """Store ``new`` in place of tier ``old`` on every contact and organisation (one
        transaction); returns how many changed."""
        from journal.text import fold

        now = utc_now()
        changed = 0
        with self.store.transaction() as tx:
            for table in ("contacts", "organisations"):
                for doc_id, doc in list(tx.tables.get(table, {}).items()):
                    if doc.get("tier") and fold(doc["tier"]) == fold(old) and doc["tier"] != new:
                        tx.replace(table, doc_id, {**doc, "tier": new, "updated_at": now})
                        changed += 1
        return changed

    def owner_of(self, doc: Mapping[str, Any]) -> str:
        """Who looks after a client: its own owner, else (a contact) its organisation's, else the
        journal's owner from the configuration."""
        own = str(doc.get("owner") or "")
        if not own and doc.get("organisation_id"):
            org = self.view.get("organisations", {}).get(doc["organisation_id"]) or {}
            own = str(org.get("owner") or "")
        return own or self.config.owner

    # -- cadence ---------------------------------------------------------------------------
    def client_times(self, today: date) -> Times:
        """When each client was last and will next be met (one pass over the entries)."""
        from journal.clients.cadence import scan_times

        return scan_times(self.view, today)

    def due(self, today: date, *, days: int = 0, tier: str | None = None) -> list[DueItem]:
        """Clients overdue, never met or due within ``days`` (journal.clients.cadence)."""
        from journal.clients.cadence import due_list

        if days < 0:
            raise ValidationError(_("--days must be 0 or more"))
        tiers = self.config.tiers
        if tier is not None:
            tier = tiers.canonical(tier) or None
        return due_list(self.view, tiers, self.client_times(today), today, days=days, tier=tier)

    def birthdays(self, today: date, days: int = 30) -> list[Upcoming]:
        from journal.clients.birthdays import upcoming

        return upcoming(self.view, today, days)

    def complaints(self, today: date, *, open_only: bool = False,
                   organisation: str | None = None) -> list[Complaint]:
        from journal.clients.complaints import complaints

        org_id = self.find("organisation", organisation) if organisation else None  # type: ignore[attr-defined]
        return complaints(self.view, today, open_only=open_only, organisation=org_id)

    # -- hand-over -------------------------------------------------------------------------
    def handover(self, kind: str, ref: str, *, to: str, day: str, witness: str = "",
                 by: str | None = None) -> Handover:
        """Hand a contact or organisation over to colleague ``to``: one entry linked to the client
        records who handed over (``by``, default the current owner), received and witnessed; the
        owner becomes ``to`` (for an organisation, its contacts' too). One transaction."""
        if kind not in ("contact", "organisation"):
            raise ValidationError(_("only a contact or an organisation can be handed over"))
        day = check_date(day)
        to = check_text(to, "--to", required=True, one_line=True, limit=MAX_NAME)
        witness = check_text(witness, "--witness", one_line=True, limit=MAX_NAME)
        doc_id = self.resolve(kind, ref)  # type: ignore[attr-defined]
        current = self.view[KIND_TABLE[kind]][doc_id]
        by = check_text(by or self.owner_of(current), "--from", one_line=True, limit=MAX_NAME)
        if not by:
            raise ValidationError(_("who hands it over? set `owner` in the configuration "
                                  "(`journal config`) or give --from NAME"))
        if by.casefold() == to.casefold():
            raise ValidationError(_("{label} is already looked after by {to}").format(label=label(self.view, kind, doc_id), to=to))
        now = utc_now()
        with self.store.transaction() as tx:
            doc = tx.get(KIND_TABLE[kind], doc_id)
            if doc is None:
                raise NotFoundError(_("{kind} {ref!r} was deleted meanwhile").format(kind=kind_name(kind), ref=ref))
            name = label(tx.tables, kind, doc_id)
            lines = [f"移交人 Handed over by: {by}", f"接交人 Received by: {to}"]
            if witness:
                lines.append(f"监交人 Witnessed by: {witness}")
            lines.append(f"客户 Client: {name}")
            entry = Entry(date=day, event=HANDOVER_EVENT, summary="\n".join(lines),
                          status="done", tags=[HANDOVER_TAG], handover_from=by, handover_to=to,
                          handover_witness=witness, created_at=now, updated_at=now)
            setattr(entry, KIND_LINK_FIELD[kind], [doc_id])
            entry.id = tx.insert("entries", entry.to_doc())
            tx.replace(KIND_TABLE[kind], doc_id, lean({**doc, "owner": to, "updated_at": now}))
            members = 0
            if kind == "organisation":
                for contact_id, contact in tx.tables.get("contacts", {}).items():
                    if contact.get("organisation_id") == doc_id and contact.get("owner") != to:
                        tx.replace("contacts", contact_id,
                                   lean({**contact, "owner": to, "updated_at": now}))
                        members += 1
        return Handover(kind, doc_id, name, entry, by, to, witness, members)

    # -- merging a client recorded twice ---------------------------------------------------
    def merge_documents(self, kind: str, keep: str, other: str) -> MergeReport:
        """Merge ``other`` into ``keep`` (see journal.clients.merging): fields, links, members;
        ``other`` is removed and recorded as merged. Naming an ``other`` that was merged into
        ``keep`` before moves links that still point at it (a file merged without the driver)."""
        from journal.clients.merging import combine

        table = KIND_TABLE[kind]
        keep_id = self.resolve(kind, keep)  # type: ignore[attr-defined]
        records = self.view.get("merged", {})
        try:
            other_id = self.resolve(kind, other)  # type: ignore[attr-defined]
        except NotFoundError:
            gone = other.strip().upper()
            if records.get(gone, {}).get("into") != keep_id:
                raise
            other_id = gone
        if other_id == keep_id:
            raise ValidationError(_("that is the same {kind} twice; name two different ones").format(kind=kind_name(kind)))
        now = utc_now()
        link_field = KIND_LINK_FIELD[kind]
        with self.store.transaction() as tx:
            kept = tx.get(table, keep_id)
            gone_doc = tx.get(table, other_id)
            again = gone_doc is None
            if kept is None or (again and tx.get("merged", other_id) is None):
                raise NotFoundError(_("{kind} {value!r} was deleted meanwhile").format(kind=kind_name(kind), value=other if kept else keep))
            report = MergeReport(kind, keep_id, other_id, label(tx.tables, kind, keep_id),
                                 label(tx.tables, kind, other_id) if not again
                                 else str(tx.get("merged", other_id).get("name", other_id)),
                                 again=again)
            if gone_doc is not None:
                doc, report.filled, report.differed = combine(kept, gone_doc, now)
                doc["updated_at"] = now
                tx.replace(table, keep_id, MODEL_BY_KIND[kind].from_doc(keep_id, doc).to_doc())
                tx.remove(table, other_id)
                tx.insert("merged", MergeRecord(kind=kind, into=keep_id, name=gone_doc["name"],
                                                created_at=now, updated_at=now).to_doc(), other_id)
            for old, record in list(tx.tables.get("merged", {}).items()):
                if record.get("into") == other_id:  # merged into the other before: now into keep
                    tx.replace("merged", old, {**record, "into": keep_id, "updated_at": now})
            for entry_id, entry in list(tx.tables.get("entries", {}).items()):
                if other_id in entry.get(link_field, ()):
                    ids = sorted({keep_id if i == other_id else i for i in entry[link_field]})
                    tx.replace("entries", entry_id, {**entry, link_field: ids, "updated_at": now})
                    report.entries += 1
            if kind == "organisation":
                for member_table in ("contacts", "projects"):
                    for member_id, member in list(tx.tables.get(member_table, {}).items()):
                        if member.get("organisation_id") == other_id:
                            tx.replace(member_table, member_id,
                                       {**member, "organisation_id": keep_id, "updated_at": now})
                            report.members += 1
                contacts = tx.tables.get("contacts", {})
                for ids in NameIndex(tx.tables, "contact").by_name.values():
                    here = [i for i in ids if contacts[i].get("organisation_id") == keep_id]
                    if len(here) > 1:  # the same person at both firms: now twice at one
                        report.namesakes.append(contacts[here[0]]["name"])
                report.namesakes.sort()
        return report
