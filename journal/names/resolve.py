"""Finding contacts, projects and organisations by what users type.

Users name things; links hold ids. A reference is an id, a name (case- and width-insensitive), or
``Name (Organisation)`` when two people share a name (two 张伟 at two firms). Of namesakes, a name
that is one of them's whole label names that one (``王芳`` is the 王芳 without an organisation,
beside 王芳 (绿源食品集团)). A unique prefix of an id (as ``list`` prints it, copied in part) names
that document. A name that matches several documents is never guessed: the caller gets
:class:`AmbiguousNameError` with the candidates. Inside a change, :class:`Resolver` turns the names
given with an entry into ids, creating the documents new names stand for (in the same transaction,
so two processes never create one twice) — but never for a text that is an existing id's prefix.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from journal.errors import AmbiguousNameError, NotFoundError, ValidationError
from journal.i18n import _
from journal.i18n.terms import kind_name
from journal.models import (
    KIND_LINK_FIELD,
    KIND_TABLE,
    MODEL_BY_KIND,
    ULID_RE,
)
from journal.text import fold

if TYPE_CHECKING:
    from journal.storage import Transaction

_QUALIFIED_RE = re.compile(r"^(?P<name>.+?)\s*[(（](?P<org>[^()（）]+)[)）]\s*$")


def label(tables: Mapping[str, Mapping[str, dict[str, Any]]], kind: str, doc_id: str) -> str:
    """How a document is shown: its name, plus the organisation for contacts and projects so that
    namesakes can be told apart. An id merged into another document shows as that one (a link
    made on another machine before the merge reached it); a dangling id as ``?<id>``."""
    doc = tables.get(KIND_TABLE[kind], {}).get(doc_id)
    if doc is None:
        merged = tables.get("merged", {}).get(doc_id)
        into = merged.get("into") if merged else None
        if into and into != doc_id and into in tables.get(KIND_TABLE[kind], {}):
            return label(tables, kind, into)
        return f"?{doc_id}"
    name = doc["name"]
    org_id = doc.get("organisation_id")
    if kind != "organisation" and org_id:
        org = tables.get("organisations", {}).get(org_id)
        if org is not None:
            return f"{name} ({org['name']})"
    return name


class NameIndex:
    """Folded name → ids, for one kind, built from one snapshot of the data."""

    def __init__(self, tables: Mapping[str, Mapping[str, dict[str, Any]]], kind: str,
                 edits: Callable[[], int] | None = None) -> None:
        """``edits``: inside a transaction, how many of its documents and organisations were
        replaced or removed so far (see ``Transaction.edits``); None for data that cannot
        change under the index."""
        self.kind = kind
        self.tables = tables
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for doc_id, doc in self.docs.items():
            self.by_name[fold(doc["name"])].append(doc_id)
        # A CSV names the same people as ``Name (Organisation)`` row after row: each text is
        # read and folded once, and ``(name, organisation name)`` is looked up in an index
        # rather than among every namesake (40 "Wei Chen"s each at 100k rows made an import
        # superlinear). The index follows the documents created here (``add``) and is made
        # again after any edit of a document or organisation in the transaction.
        self._folded: dict[str, str] = {}
        self._refs: dict[str, tuple[str | None, str, tuple[str, str] | None]] = {}
        self._edits = edits
        self._by_label: dict[tuple[str, str], list[str]] | None = None
        self._label_edits = -1

    @property
    def docs(self) -> Mapping[str, dict[str, Any]]:
        # Looked up each time: a transaction swaps in a new table dict on every insert.
        return self.tables.get(KIND_TABLE[self.kind], {})

    def add(self, doc_id: str, name: str, organisation_id: str | None = None) -> None:
        """Index a document created after this index was built (bulk imports create thousands;
        rebuilding per creation was quadratic)."""
        self.by_name[fold(name)].append(doc_id)
        org = self.tables.get("organisations", {}).get(organisation_id) if organisation_id else None
        if self._by_label is not None and org is not None:
            self._by_label.setdefault((fold(name), self._fold(org["name"])), []).append(doc_id)

    def _fold(self, name: str) -> str:
        folded = self._folded.get(name)
        if folded is None:
            folded = self._folded[name] = fold(name)
        return folded

    def _qualified(self, name: str, wanted_org: str) -> list[str]:
        """Ids of the documents named ``name`` (folded) whose organisation is named
        ``wanted_org`` (folded), as the documents are now: the namesakes ``by_name`` knows,
        through the label index."""
        docs, orgs, folded = self.docs, self.tables.get("organisations", {}), self._fold
        edits = self._edits() if self._edits is not None else 0
        if self._by_label is None or edits != self._label_edits:
            self._by_label, self._label_edits = {}, edits
            for label_name, ids in self.by_name.items():
                for doc_id in ids:
                    doc = docs.get(doc_id)
                    org = orgs.get(doc.get("organisation_id") or "") if doc is not None else None
                    if org is not None:
                        self._by_label.setdefault((label_name, folded(org["name"])), []).append(doc_id)
        return sorted(set(self._by_label.get((name, wanted_org), ())))

    def find(self, ref: str) -> list[str]:
        """All ids ``ref`` designates exactly: an id, a name (of namesakes, the one whose whole
        label it is, if any), ``Name (Organisation)``, or else the prefix of an id."""
        ref = ref.strip()
        parsed = self._refs.get(ref)
        if parsed is None:
            upper = ref.upper()
            match = _QUALIFIED_RE.match(ref) if self.kind != "organisation" else None
            parsed = self._refs[ref] = (upper if ULID_RE.match(upper) else None, self._fold(ref),
                                        (fold(match["name"]), fold(match["org"])) if match else None)
        as_id, key, qualified = parsed
        if as_id is not None and as_id in self.docs:
            return [as_id]
        ids = self.by_name.get(key, [])
        if len(ids) > 1:
            whole = [i for i in ids if fold(label(self.tables, self.kind, i)) == key]
            if len(whole) == 1:
                return whole
        if ids:
            return sorted(ids)
        if qualified is not None:
            found = self._qualified(*qualified)
            if found:
                return found
        from journal.names.matching import id_prefix_hits  # only for a text that is no name

        return id_prefix_hits(ref, self.docs)

    def resolve(self, ref: str) -> str:
        """Exactly one id for ``ref``, or a clear error."""
        ids = self.find(ref)
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFoundError(_("no {kind} named {strip!r}").format(kind=self.kind, strip=ref.strip()))
        raise self.ambiguous(ref, ids)

    def ambiguous(self, ref: str, ids: list[str]) -> AmbiguousNameError:
        from journal.names.matching import id_prefix_hits

        candidates = [(i, label(self.tables, self.kind, i)) for i in ids]
        listed = "; ".join(f"{text} [{i}]" for i, text in candidates)
        if id_prefix_hits(ref, ids) == sorted(ids):
            message = _("{kind} {ref!r} matches {n}: {listed} — give more of the id")
        elif self.kind == "organisation":
            message = _("{kind} {ref!r} matches {n}: {listed} — give the id")
        else:
            message = _("{kind} {ref!r} matches {n}: {listed} — give the id or 'Name "
                        "(Organisation)'")
        return AmbiguousNameError(message.format(kind=kind_name(self.kind), ref=ref.strip(),
                                                 n=len(ids), listed=listed), candidates)


@dataclass
class Created:
    """A document created on the fly because a new name was given."""

    kind: str
    id: str
    label: str


@dataclass
class LinkRequest:
    """Names or ids to link, per kind, as typed by the user or picked in the TUI."""

    projects: Sequence[str] = ()
    contacts: Sequence[str] = ()
    organisations: Sequence[str] = ()

    def by_kind(self) -> dict[str, Sequence[str]]:
        return {"project": self.projects, "contact": self.contacts,
                "organisation": self.organisations}


@dataclass
class Resolver:
    """Resolves references inside one transaction, creating documents for new names."""

    tx: Transaction
    now: str
    created: list[Created] = field(default_factory=list)
    _indexes: dict[str, NameIndex] = field(default_factory=dict)

    def index(self, kind: str) -> NameIndex:
        if kind not in self._indexes:
            tables = (KIND_TABLE[kind], "organisations")
            self._indexes[kind] = NameIndex(self.tx.tables, kind, lambda: self.tx.edits(*tables))
        return self._indexes[kind]

    def resolve(self, kind: str, ref: str, *, default_org: str | None = None) -> str:
        ref = ref.strip()
        if not ref:
            raise ValidationError(_("empty {kind} name").format(kind=kind_name(kind)))
        ids = self.index(kind).find(ref)
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise self.index(kind).ambiguous(ref, ids)
        if ULID_RE.match(ref.upper()):
            raise NotFoundError(_("no {kind} with id {ref}").format(kind=kind_name(kind), ref=ref))
        return self._create(kind, ref, default_org)

    def _create(self, kind: str, ref: str, default_org: str | None) -> str:
        fields: dict[str, Any] = {"name": ref}
        match = _QUALIFIED_RE.match(ref)
        if kind != "organisation" and match:
            fields = {"name": match["name"], "organisation_id": self.resolve("organisation",
                                                                              match["org"])}
        elif kind != "organisation" and default_org:
            fields["organisation_id"] = default_org
        doc = MODEL_BY_KIND[kind](**fields, created_at=self.now, updated_at=self.now).to_doc()
        doc_id = self.tx.insert(KIND_TABLE[kind], doc)
        if kind in self._indexes:
            self._indexes[kind].add(doc_id, doc["name"], doc.get("organisation_id"))
        self.created.append(Created(kind, doc_id, label(self.tx.tables, kind, doc_id)))
        return doc_id

    def resolve_links(self, links: LinkRequest) -> dict[str, list[str]]:
        """Ids per link field. Organisations first, so that a new contact or project created in the
        same breath belongs to the single organisation given with it."""
        result: dict[str, list[str]] = {}
        orgs = [self.resolve("organisation", r) for r in links.organisations if r.strip()]
        result["organisation_ids"] = orgs
        default_org = orgs[0] if len(orgs) == 1 else None
        for kind, refs in (("project", links.projects), ("contact", links.contacts)):
            result[KIND_LINK_FIELD[kind]] = [
                self.resolve(kind, r, default_org=default_org) for r in refs if r.strip()]
        return result
