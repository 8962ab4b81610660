"""The first search, week or month of a journal without a usable cache, answered from the parsed
file before the cache exists.

Building the cache means indexing every entry (folding 100k haystacks, filing every link), locating
each entry in the file and writing 30 MB: about three times what parsing the file costs. A
command needs far less: a week or a month reads the entries of its period, and a search only the
entries that can hold its first word — found by comparing that word with each entry's own folded
text and with the names of what entries link to. The real :class:`SearchIndex` then runs the
whole query over just those candidates, so results, their order and every error are the index's
own. The cache is built afterwards from the same parsed data: by the ``journal`` program in a
detached child process once the answer is printed (journal.search.cache.background; a command
that needs the cache meanwhile waits for it), else right away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from journal.config.model import DEFAULT_TIERS, TierTable
from journal.errors import JournalError
from journal.names.matching import NameMatcher
from journal.search.cache.format import NOTE_TABLES
from journal.search.filing import entry_text, name_info
from journal.search.index import SearchIndex, status_named
from journal.search.query import Query, parse_query
from journal.text import fold

Tables = Mapping[str, Mapping[str, dict[str, Any]]]


def candidates(tables: Tables, query: Query, today: date | None = None,
               matchers: dict[str, NameMatcher] | None = None) -> list[str] | None:
    """Ids of the entries that can match ``query`` — a superset of its results — found by one
    positive term: a contact, project or organisation (the entries of every document the name
    can stand for, as the index finds them, with ``matchers`` kept for it: of namesakes the
    index keeps the one the rest of the query narrows to), a tag, the longest word, a status or
    a date range; None when no term narrows them (every entry is a candidate). A term whose
    name, status or date does not resolve gives no candidates: the index then reports it, as it
    would over every entry."""
    entries = tables.get("entries") or {}
    positive = [t for t in query.terms if not t.negated]
    try:
        for field in ("contact", "project", "org"):
            for term in positive:
                if term.field == field:
                    kind = "organisation" if field == "org" else field
                    matcher = (matchers or {}).get(kind) or NameMatcher(kind, tables)
                    if matchers is not None:
                        matchers[kind] = matcher
                    return _linked(tables, kind, set(matcher.candidates(term.value)))
        for term in positive:
            if term.field == "tag":
                return _tagged(entries, fold(term.value.lstrip("#")))
        words = [w for w in map(fold, query.words) if w]
        if words:
            return _holding(tables, max(words, key=len))  # the longest is the likeliest rare
        for term in positive:
            if term.field == "status":
                status = status_named(term.value)
                return [i for i, d in entries.items() if d.get("status", "") == status]
        for term in positive:
            if term.field in ("on", "from", "to"):
                from journal.dates import parse_period

                first, last = parse_period(term.value, today=today)
                lo = first.isoformat() if term.field != "to" else ""
                hi = last.isoformat() if term.field != "from" else "\uffff"
                return [i for i, d in entries.items() if lo <= d.get("date", "") <= hi]
    except JournalError:
        return []
    return None


def _linked(tables: Tables, kind: str, doc_ids: set[str]) -> list[str]:
    """Entries linked to any of some documents; to an organisation also through its contacts
    and projects (what ``org:`` means)."""
    field = {"contact": "contact_ids", "project": "project_ids"}.get(kind)
    entries = tables.get("entries") or {}
    if field is not None:
        return [i for i, d in entries.items() if _links(d.get(field), doc_ids)]
    contacts = {c for c, d in (tables.get("contacts") or {}).items()
                if d.get("organisation_id") in doc_ids}
    projects = {p for p, d in (tables.get("projects") or {}).items()
                if d.get("organisation_id") in doc_ids}
    return [i for i, d in entries.items() if _links(d.get("organisation_ids"), doc_ids)
            or _links(d.get("contact_ids"), contacts) or _links(d.get("project_ids"), projects)]


def _tagged(entries: Mapping[str, dict[str, Any]], key: str) -> list[str]:
    folded: dict[str, str] = {}

    def has(tags: list[str]) -> bool:
        for tag in tags:
            if tag not in folded:
                folded[tag] = fold(tag)
            if folded[tag] == key:
                return True
        return False

    return [i for i, d in entries.items() if (tags := d.get("tags")) and has(tags)]


def _holding(tables: Tables, word: str) -> list[str]:
    """Entries whose haystack holds ``word``: their own folded text, or the name of a contact,
    project or organisation they link to, organisations also through contacts and projects
    (see ``file_entry``)."""
    contacts, projects, orgs = name_info(tables)
    named_orgs = {i for i, name in orgs.items() if word in name}
    named_contacts = {i for i, (name, org) in contacts.items() if word in name or org in named_orgs}
    named_projects = {i for i, (name, org) in projects.items() if word in name or org in named_orgs}
    return [i for i, d in (tables.get("entries") or {}).items()
            if word in entry_text(d) or _links(d.get("contact_ids"), named_contacts)
            or _links(d.get("project_ids"), named_projects)
            or _links(d.get("organisation_ids"), named_orgs)]


def _links(ids: Iterable[str] | None, named: set[str]) -> bool:
    return bool(ids) and bool(named) and not named.isdisjoint(ids)  # type: ignore[arg-type]


class _ColdIndex:
    """What the search command asks of an index, answered by a :class:`SearchIndex` over the
    query's candidates (positions refer to that index, which :meth:`ColdJournal.documents`
    reads)."""

    #: The configuration's tier table, for ``tier:`` (as :attr:`SearchIndex.tiers`).
    tiers: TierTable = DEFAULT_TIERS

    def __init__(self, owner: ColdJournal) -> None:
        self._owner = owner
        self.tables = owner.names

    def matcher(self, kind: str) -> NameMatcher:
        """The name matcher of a kind (shared with the searches over candidates)."""
        kind = "organisation" if kind == "org" else kind
        matchers = self._owner.matchers
        if kind not in matchers:
            matchers[kind] = NameMatcher(kind, self._owner.all_tables)
        return matchers[kind]

    def client_tables(self) -> Tables:
        return self._owner.all_tables

    def search_positions(self, query: str | Query, *, today: date | None = None,
                         limit: int | None = None) -> list[int]:
        q = parse_query(query) if isinstance(query, str) else query
        entries = self._owner.all_tables.get("entries") or {}
        matchers = self._owner.matchers
        ids = candidates(self._owner.all_tables, q, today, matchers)
        subset = entries if ids is None else {i: entries[i] for i in ids}
        index = SearchIndex({**self._owner.names, "entries": subset}, matchers=matchers)
        index.tiers = self.tiers
        self._owner.last_index = index
        return index.search_positions(q, today=today, limit=limit)


class ColdJournal:
    """The journal answered from its parsed tables (validated) while no cache exists, with what
    is needed to build the cache afterwards. A search asks it what it asks a
    :class:`CachedJournal`; a week or a month reads :attr:`all_tables` (every entry is parsed:
    the report scans them, in tens of milliseconds, where an index would cost a second)."""

    cold = True

    def __init__(self, path: Path, tables: Tables, build: Callable[[], None]) -> None:
        self.path = path
        self.all_tables = tables
        self.names = {k: v for k, v in tables.items() if k != "entries"}
        self._build = build
        self.last_index: SearchIndex | None = None
        self.matchers: dict[str, NameMatcher] = {}
        self._series: dict[str, Any] | None = None
        self.index = _ColdIndex(self)

    @property
    def tables(self) -> dict[str, Any]:
        """Every table but the entries (as :attr:`CachedJournal.tables`: entries empty)."""
        return {**self.names, "entries": {}}

    def notes(self) -> Tables:
        """Day notes and reviews, as :meth:`CachedJournal.notes` gives them."""
        return {name: self.all_tables.get(name) or {} for name in NOTE_TABLES}

    def documents(self, positions: Iterable[int]) -> dict[str, dict[str, Any]]:
        """Entry id -> document for positions of the last search's index."""
        if self.last_index is None:
            return {}
        entries = self.all_tables.get("entries") or {}
        return {i: entries[i] for i in self.last_index.ids_at(positions)}

    def series(self) -> dict[str, dict[str, Any]]:
        """The repeating entries (journal.recurrence)."""
        if self._series is None:
            from journal.recurrence.series import series_in

            self._series = dict(series_in((self.all_tables.get("entries") or {}).items()))
        return self._series  # type: ignore[return-value]

    def search(self, query: Any, *, today: date, limit: int | None = None) -> dict[str, dict[str, Any]]:
        """What :meth:`CachedJournal.search` answers: hits newest first, occurrences included."""
        from journal.search.occurrences import with_occurrences

        return with_occurrences(self.index, self.series(), query, today=today,  # type: ignore[arg-type]
                                limit=limit, documents=self.documents)

    def report_tables(self, start: date, end: date) -> Tables:
        """Every table, the entries with the occurrences from ``start`` to ``end`` beside them
        (a report counts those, never the series themselves)."""
        from collections import ChainMap

        from journal.search.occurrences import occurrence_docs

        series = self.series()
        if not series:
            return self.all_tables
        entries = self.all_tables.get("entries") or {}
        return {**self.all_tables, "entries": ChainMap(entries, occurrence_docs(series, start, end))}  # type: ignore[dict-item]

    def build_cache(self) -> None:
        """Build and write the cache from the parsed data (see the reader's ``open_journal``)."""
        self._build()

    def build_in_background(self) -> bool:
        """Leave the build to a detached child (see journal.search.cache.background): True when
        the caller should now end at once with ``os._exit``."""
        from journal.search.cache.background import build_detached

        return build_detached(self.path, self._build)


__all__ = ["ColdJournal", "candidates"]
