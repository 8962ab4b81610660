"""Names of contacts, projects and organisations as the UI lists and matches them.

The picker, the document lists and the command palette all filter the same names on every keystroke,
with the same rule as the search's ``contact:`` (:mod:`journal.names.matching`). Building labels
("张伟 (工商银行)"), folded keys and the matcher's tables once per data generation keeps a
keystroke to a few scans of prepared strings, even with ten thousand contacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from journal.i18n import N_
from journal.models import KIND_TABLE
from journal.names.matching import NameMatcher, id_prefix_hits
from journal.names.order import name_order
from journal.names.resolve import label
from journal.text import fold

#: The kinds shown in the UI, with the words used for them.
#: The title of each kind's list (shown through ``journal.i18n._``).
KIND_TITLES = {"contact": N_("Contacts"), "project": N_("Projects"),
               "organisation": N_("Organisations")}


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
    """All documents of ``kind``, sorted by name as the interface language orders names (by pinyin
    in Chinese, see :mod:`journal.names.order`), then label, then id: a stable order."""
    items = []
    for doc_id, doc in tables.get(KIND_TABLE[kind], {}).items():
        text = label(tables, kind, doc_id)
        items.append(NameItem(doc_id, doc["name"], text, fold(doc["name"]), fold(text),
                              bool(doc.get("conflicts"))))
    items.sort(key=lambda item: (name_order(item.name), item.key, item.id))
    return items


class NameCatalog:
    """The names of one kind in one data generation, matched by the rule every surface uses
    (:class:`journal.names.matching.NameMatcher`): characters, any part of the name or of
    ``Name (Organisation)``, an id or its prefix, pinyin in full or initials (``zw``,
    ``zhangwei`` for 张伟) — so a picker or a list filter offers what ``contact:`` would find."""

    def __init__(self, items: list[NameItem], matcher: NameMatcher) -> None:
        self.items = items
        self.matcher = matcher
        self._by_id = {item.id: item for item in items}

    def get(self, doc_id: str) -> NameItem | None:
        return self._by_id.get(doc_id)

    def match(self, query: str, *, limit: int | None = None,
              exclude: frozenset[str] = frozenset()) -> list[NameItem]:
        """The items ``query`` matches, best first: the level a search would take (an exact
        name, a prefix, a part, …) ahead of the looser ones, pinyin last. All of them when the
        query is empty."""
        if not fold(query):
            hits = [item for item in self.items if item.id not in exclude]
        else:
            by_id = self._by_id
            hits = [by_id[i] for i in self.matcher.ranked(query)
                    if i in by_id and i not in exclude]
        return hits[:limit] if limit is not None else hits

    def has_exact(self, query: str) -> bool:
        """Whether ``query`` already names an existing document — its name, its label, its id or
        a prefix of it — so "create" would only link that one (the service never creates a
        document for an id's prefix)."""
        needle = fold(query)
        return (any(item.name_key == needle or item.key == needle for item in self.items)
                or bool(id_prefix_hits(query, self._by_id)))


def build_catalog(tables: Mapping[str, Mapping[str, dict[str, Any]]], kind: str,
                  matcher: NameMatcher | None = None) -> NameCatalog:
    """The catalog of ``kind`` over ``tables``; ``matcher`` one already made over the same data
    (the search index's, whose pinyin may come precomputed from the search cache)."""
    return NameCatalog(build_items(tables, kind), matcher or NameMatcher(kind, tables))
