"""Finding contacts, projects and organisations by what users type.

Users name things; links hold ids. A reference is an id, a name (case- and width-insensitive), or
``Name (Organisation)`` when two people share a name (two 张伟 at two firms). A name that matches
several documents is never guessed: the caller gets :class:`AmbiguousNameError` with the candidates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from journal.errors import AmbiguousNameError, NotFoundError
from journal.models import KIND_TABLE, ULID_RE
from journal.text import fold

_QUALIFIED_RE = re.compile(r"^(?P<name>.+?)\s*[(（](?P<org>[^()（）]+)[)）]\s*$")


def label(tables: Mapping[str, Mapping[str, dict[str, Any]]], kind: str, doc_id: str) -> str:
    """How a document is shown: its name, plus the organisation for contacts and projects so that
    namesakes can be told apart. A dangling id shows as ``?<id>``."""
    doc = tables.get(KIND_TABLE[kind], {}).get(doc_id)
    if doc is None:
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

    def __init__(self, tables: Mapping[str, Mapping[str, dict[str, Any]]], kind: str) -> None:
        self.kind = kind
        self.tables = tables
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for doc_id, doc in self.docs.items():
            self.by_name[fold(doc["name"])].append(doc_id)

    @property
    def docs(self) -> Mapping[str, dict[str, Any]]:
        # Looked up each time: a transaction swaps in a new table dict on every insert.
        return self.tables.get(KIND_TABLE[self.kind], {})

    def add(self, doc_id: str, name: str) -> None:
        """Index a document created after this index was built (bulk imports create thousands;
        rebuilding per creation was quadratic)."""
        self.by_name[fold(name)].append(doc_id)

    def find(self, ref: str) -> list[str]:
        """All ids ``ref`` designates exactly: an id, a name, or ``Name (Organisation)``."""
        ref = ref.strip()
        if ULID_RE.match(ref.upper()) and ref.upper() in self.docs:
            return [ref.upper()]
        ids = self.by_name.get(fold(ref), [])
        if ids:
            return sorted(ids)
        match = _QUALIFIED_RE.match(ref)
        if match and self.kind != "organisation":
            wanted_org = fold(match["org"])
            orgs = self.tables.get("organisations", {})
            return sorted(
                doc_id for doc_id in self.by_name.get(fold(match["name"]), [])
                if (org_id := self.docs[doc_id].get("organisation_id")) and org_id in orgs
                and fold(orgs[org_id]["name"]) == wanted_org
            )
        return []

    def resolve(self, ref: str) -> str:
        """Exactly one id for ``ref``, or a clear error."""
        ids = self.find(ref)
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFoundError(f"no {self.kind} named {ref.strip()!r}")
        raise self.ambiguous(ref, ids)

    def ambiguous(self, ref: str, ids: list[str]) -> AmbiguousNameError:
        candidates = [(i, label(self.tables, self.kind, i)) for i in ids]
        listed = "; ".join(f"{text} [{i}]" for i, text in candidates)
        return AmbiguousNameError(
            f"{self.kind} {ref.strip()!r} matches {len(ids)}: {listed} — give the id or "
            "'Name (Organisation)'", candidates)
