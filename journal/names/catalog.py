"""Names of contacts, projects and organisations as the UI lists and matches them.

The picker, the document lists and the command palette all filter the same names on every keystroke.
Building labels ("张伟 (工商银行)") and folded keys once per data generation keeps a keystroke to a
substring test per name, even with ten thousand contacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from journal.models import KIND_TABLE
from journal.names.resolve import label
from journal.text import fold

#: The kinds shown in the UI, with the words used for them.
KIND_TITLES = {"contact": "Contacts", "project": "Projects", "organisation": "Organisations"}


@dataclass(frozen=True, slots=True)
class NameItem:
    """One document as a list shows it: ``label`` tells namesakes apart, ``key`` is for matching."""

    id: str
    name: str
    label: str
    name_key: str
    key: str
    #: The document kept another machine's value in a merge (lists mark it ⚠).
    conflicted: bool = False


def build_items(tables: Mapping[str, Mapping[str, dict[str, Any]]], kind: str) -> list[NameItem]:
    """All documents of ``kind``, sorted by folded name (then label, then id: a stable order)."""
    items = []
    for doc_id, doc in tables.get(KIND_TABLE[kind], {}).items():
        text = label(tables, kind, doc_id)
        items.append(NameItem(doc_id, doc["name"], text, fold(doc["name"]), fold(text),
                              bool(doc.get("conflicts"))))
    items.sort(key=lambda item: (item.name_key, item.key, item.id))
    return items


def match_items(items: list[NameItem], query: str, *, limit: int | None = None,
                exclude: frozenset[str] = frozenset()) -> list[NameItem]:
    """Items whose name or label contains ``query`` anywhere (case- and width-insensitive).

    Names that start with the query come first: typing 张 should offer 张伟 before 李张.
    """
    needle = fold(query)
    if not needle:
        hits = [item for item in items if item.id not in exclude]
        return hits[:limit] if limit is not None else hits
    first: list[NameItem] = []
    rest: list[NameItem] = []
    for item in items:
        if item.id in exclude:
            continue
        if item.name_key.startswith(needle):
            first.append(item)
        elif needle in item.key:
            rest.append(item)
    hits = first + rest
    return hits[:limit] if limit is not None else hits


def has_exact(items: list[NameItem], query: str) -> bool:
    """Whether ``query`` already names an existing document (so "create" would only link it)."""
    needle = fold(query)
    return any(item.name_key == needle or item.key == needle for item in items)
