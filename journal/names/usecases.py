"""The use cases of contacts, projects and organisations: finding one by what people type,
listing them (in pinyin order in Chinese), creating, editing and deleting them. Mixed into
:class:`journal.service.Journal` like the other use cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from journal.errors import DuplicateNameError, NotFoundError, ValidationError
from journal.i18n import _
from journal.i18n.terms import kind_name
from journal.models import KIND_LINK_FIELD, KIND_TABLE, MODEL_BY_KIND, Document, lean, utc_now
from journal.names.order import name_order
from journal.names.resolve import Created, NameIndex, Resolver, label
from journal.text import article, counted

if TYPE_CHECKING:
    from journal.storage import JournalStore, TablesView


class DocumentUseCases:
    """Mixed into :class:`journal.service.Journal` (which provides ``store``, ``view`` and the
    client use cases' ``tier_name``)."""

    store: JournalStore
    #: the client use cases' tier lookup (an annotation only: a method here would shadow it)
    tier_name: Callable[[str | None], str]

    if TYPE_CHECKING:  # provided by Journal
        @property
        def view(self) -> TablesView:
            ...

    def resolve(self, kind: str, ref: str) -> str:
        """The one id a user's reference designates (id, name, or 'Name (Organisation)')."""
        return NameIndex(self.view, kind).resolve(ref)

    def find(self, kind: str, ref: str) -> str:
        """The id ``ref`` designates, for commands that only read (list, show, export): what
        :meth:`resolve` accepts, else what ``journal search contact:…`` accepts — a unique prefix
        or part of the name, pinyin in full or initials (``zw`` for 张伟). Not for writes: there
        a name nobody has yet is a new document."""
        try:
            return self.resolve(kind, ref)
        except NotFoundError:
            from journal.names.matching import NameMatcher  # only when the name is not exact

            return NameMatcher(kind, self.view).resolve(ref)

    def get_document(self, kind: str, ref: str) -> Document:
        doc_id = self.resolve(kind, ref)
        return MODEL_BY_KIND[kind].from_doc(doc_id, self.view[KIND_TABLE[kind]][doc_id])

    def documents(self, kind: str) -> list[Document]:
        """All documents of a kind, sorted by name (by pinyin in Chinese: names.order)."""
        model = MODEL_BY_KIND[kind]
        docs = [model.from_doc(i, d) for i, d in self.view.get(KIND_TABLE[kind], {}).items()]
        docs.sort(key=lambda d: (name_order(d.name), d.id))  # type: ignore[attr-defined]
        return docs

    def add_document(self, kind: str, name: str, fields: Mapping[str, Any] | None = None,
                     *, organisation: str | None = None) -> tuple[Document, list[Created]]:
        """Create a contact/project/organisation. Same-named documents are allowed (namesakes), but
        not two with the same name in the same organisation, which would only be a typo."""
        now = utc_now()
        with self.store.transaction() as tx:
            resolver = Resolver(tx, now)
            values = dict(fields or {})
            if "tier" in values:
                values["tier"] = self.tier_name(values["tier"])
            if organisation and kind != "organisation":
                values["organisation_id"] = resolver.resolve("organisation", organisation)
            doc = MODEL_BY_KIND[kind](name=name, **values, created_at=now, updated_at=now)
            doc.validate()
            index = resolver.index(kind)
            for other in index.find(doc.name):  # type: ignore[attr-defined]
                if tx.tables[KIND_TABLE[kind]][other].get("organisation_id") == \
                        getattr(doc, "organisation_id", None):
                    raise DuplicateNameError(
                        _("{article} named {name!r} already exists [{other}]").format(article=article(kind_name(kind)), name=doc.name, other=other),  # type: ignore[attr-defined]
                        other)
            doc.id = tx.insert(KIND_TABLE[kind], doc.to_doc())
        return doc, resolver.created

    def edit_document(self, kind: str, ref: str, changes: Mapping[str, Any], *,
                      organisation: str | None = None) -> tuple[Document, list[Created]]:
        doc_id = self.resolve(kind, ref)
        now = utc_now()
        model = MODEL_BY_KIND[kind]
        with self.store.transaction() as tx:
            current = tx.get(KIND_TABLE[kind], doc_id)
            if current is None:
                raise NotFoundError(_("{kind} {ref!r} was deleted meanwhile").format(kind=kind_name(kind), ref=ref))
            doc = model.from_doc(doc_id, current)
            resolver = Resolver(tx, now)
            for name, value in changes.items():
                if name not in model.__dataclass_fields__ or name in ("id", "created_at",
                                                                      "updated_at", "conflicts"):
                    raise ValidationError(_("unknown {kind} field {name!r}").format(kind=kind_name(kind), name=name))
                setattr(doc, name, self.tier_name(value) if name == "tier" else value)
            if organisation is not None and kind != "organisation":
                doc.organisation_id = (resolver.resolve("organisation", organisation)  # type: ignore[attr-defined]
                                       if organisation.strip() else None)
            doc.updated_at = now
            tx.replace(KIND_TABLE[kind], doc_id, doc.to_doc())
        return doc, resolver.created

    def delete_document(self, kind: str, ref: str, *, force: bool = False) -> tuple[Document, int]:
        """Delete a document. Refused while entries (or, for an organisation, contacts and
        projects) point at it, unless ``force``: then it is unlinked everywhere first."""
        doc = self.get_document(kind, ref)
        table = KIND_TABLE[kind]
        link_field = KIND_LINK_FIELD[kind]
        now = utc_now()
        with self.store.transaction() as tx:
            entries = [(i, d) for i, d in tx.tables.get("entries", {}).items()
                       if doc.id in d.get(link_field, ())]
            members = []
            if kind == "organisation":
                members = [(t, i, d) for t in ("contacts", "projects")
                           for i, d in tx.tables.get(t, {}).items()
                           if d.get("organisation_id") == doc.id]
            if (entries or members) and not force:
                parts = [counted(len(entries), _("entries"))] + ([counted(len(members), _("contacts/projects"), _("contact/project"))]
                                                       if members else [])
                raise ValidationError(_("{kind} {label!r} is linked to {join}; use --force to "
                                        "unlink it everywhere and delete it").format(kind=kind_name(kind), label=label(tx.tables, kind, doc.id), join=_(" and ").join(parts)))
            for entry_id, entry in entries:
                tx.replace("entries", entry_id, lean({
                    **entry, link_field: [i for i in entry[link_field] if i != doc.id],
                    "updated_at": now}))
            for member_table, member_id, member in members:
                tx.replace(member_table, member_id, {
                    k: v for k, v in member.items() if k != "organisation_id"} | {"updated_at": now})
            tx.remove(table, doc.id)
        return doc, len(entries) + len(members)
