"""Occurrences of repeating entries in search results and reports, as if they were entries.

The index (and its cache) hold the stored documents, where a series is one entry on its first
day. A search therefore runs twice: over the index, with the series themselves left out, and
over a small index of the occurrences' virtual documents (journal.recurrence.series) in the
query's period; the hits are merged newest first. Names in the query are resolved by the main
index's matchers, so ``contact:zw`` means the same person in both.

The period: the query's own (``on:``, ``from:``, ``to:``), else from a year before today to a month
after — a weekly meeting's unticked occurrences of ten years ago, or of next year, are not what a
search is for — plus every occurrence ticked done, edited or moved, whenever it is (those are
work recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from journal.errors import AmbiguousNameError
from journal.names.matching import NameMatcher
from journal.recurrence.expand import occurrence_dates
from journal.recurrence.series import (
    is_occurrence_day,
    is_series,
    occurrence_doc,
    occurrence_id,
    occurrences,
    usable_exceptions,
)
from journal.search.filing import sort_key
from journal.search.index import SearchIndex
from journal.search.query import Query, parse_query

__all__ = ["OccurrenceIndex", "occurrence_docs", "search_window", "series_in_bytes", "with_occurrences"]

Doc = dict[str, Any]
#: How far back and ahead of today a search looks for occurrences when the query names no period:
#: the last year, and the coming month (a search is about what happened and what is next, not
#: about every Monday of next year, which would bury the rest newest first).
SEARCH_REACH = timedelta(days=366)
SEARCH_AHEAD = timedelta(days=31)
_NEEDLE = b'\n      "recurrence": "'
_ENTRIES = b'\n  "entries": {\n'


def series_in_bytes(raw: bytes | memoryview) -> dict[str, Doc] | None:
    """The repeating entries of a data file in the canonical layout, found by their
    ``recurrence`` lines (one document parsed per series, not 100k); None when the bytes are not
    in that layout (the caller parses the entries instead)."""
    import orjson

    data = raw if isinstance(raw, bytes) else bytes(raw)
    start = data.find(_ENTRIES)
    if start < 0:
        return {} if b'"entries"' not in data else None
    end = data.find(b"\n  }", start + len(_ENTRIES) - 1)
    if end < 0:
        return None
    out: dict[str, Doc] = {}
    at = data.find(_NEEDLE, start, end)
    while at >= 0:
        head = data.rfind(b'\n    "', start, at)
        tail = data.find(b"\n    }", at, end + 1)
        if head < 0 or tail < 0:
            return None
        try:
            piece = orjson.loads(b"{" + data[head + 1:tail + 6] + b"}")
        except orjson.JSONDecodeError:
            return None
        for doc_id, doc in piece.items():
            if isinstance(doc, dict) and is_series(doc):
                out[doc_id] = doc
        at = data.find(_NEEDLE, tail, end)
    return out


def search_window(query: Query, today: date) -> tuple[date, date]:
    """The period whose occurrences a query can find: its positive date terms, or the last year
    and the coming month."""
    from journal.dates import parse_period

    low, high = today - SEARCH_REACH, today + SEARCH_AHEAD
    named = False
    for term in query.terms:
        if term.field not in ("on", "from", "to") or term.negated:
            continue
        start, end = parse_period(term.value, today=today)
        if not named:
            low, high, named = date.min, date.max, True
        if term.field != "to":
            low = max(low, start)
        if term.field != "from":
            high = min(high, end)
    if named:  # an open side reaches a year past today (or before the first day)
        low = today - SEARCH_REACH * 10 if low == date.min else low
        high = max(today, low) + SEARCH_REACH if high == date.max else high
    return low, high


def occurrence_docs(series: Mapping[str, Mapping[str, Any]], start: date, end: date, *,
                    changed_anywhen: bool = False) -> dict[str, Doc]:
    """The virtual documents of the occurrences from ``start`` to ``end``; with
    ``changed_anywhen`` also those with an exception (ticked, edited, moved) outside it."""
    out: dict[str, Doc] = {}
    if end < start:
        return out
    for series_id, doc in series.items():
        out.update(occurrences(series_id, doc, start, end))
        if changed_anywhen:
            for day, change in (doc.get("exceptions") or {}).items():
                when = date.fromisoformat(change.get("date", day))
                if not start <= when <= end and not change.get("skip"):
                    out.update(occurrences(series_id, doc, when, when))
    return out


class OccurrenceIndex(SearchIndex):
    """A :class:`SearchIndex` over occurrence documents, naming people as ``main`` does."""

    def __init__(self, docs: Mapping[str, Doc], main: SearchIndex) -> None:
        super().__init__({**_linked_names(main.tables, docs.values()), "entries": dict(docs)})
        self._main = main
        self.tiers = main.tiers

    def matcher(self, kind: str) -> NameMatcher:
        return self._main.matcher(kind)

    def client_tables(self) -> Mapping[str, Mapping[str, dict[str, Any]]]:
        return self._main.client_tables()


def _linked_names(tables: Mapping[str, Mapping[str, Any]],
                  docs: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The contacts, projects and organisations ``docs`` link to (and those's organisations):
    all that the haystacks of a few hundred occurrences need of 10k names."""
    contacts, projects, orgs = (tables.get(t) or {} for t in ("contacts", "projects", "organisations"))
    out: dict[str, dict[str, Any]] = {"contacts": {}, "projects": {}, "organisations": {}}
    for doc in docs:
        for field, table, source in (("contact_ids", "contacts", contacts),
                                     ("project_ids", "projects", projects)):
            for i in doc.get(field) or ():
                if i in source:
                    out[table][i] = source[i]
                    org = source[i].get("organisation_id")
                    if org and org in orgs:
                        out["organisations"][org] = orgs[org]
        for i in doc.get("organisation_ids") or ():
            if i in orgs:
                out["organisations"][i] = orgs[i]
    return out


def with_occurrences(index: SearchIndex, series: Mapping[str, Doc], query: str | Query, *,
                     today: date, limit: int | None,
                     documents: Callable[[list[int]], dict[str, Doc]]) -> dict[str, Doc]:
    """The hits of ``query``, newest first, as id -> document: the stored entries found by
    ``index`` (without the series themselves, read through ``documents``) merged with the
    occurrences found in their period.

    The occurrences a series gives without an exception share everything but their day, so the
    query (less its dates) is tested once per series, on one of them; only the series that match
    are expanded, into days of the period outside the negated ones. Occurrences with an exception
    are tested one by one."""
    q = parse_query(query) if isinstance(query, str) else query
    if not series:
        return documents(index.search_positions(q, today=today, limit=limit))
    wanted = None if limit is None else limit + len(series)
    positions = index.search_positions(q, today=today, limit=wanted)
    stored = {i: d for i, d in documents(positions).items() if i not in series}
    low, high, named = _window(q, today)
    gaps = _gaps(q, today)
    undated = Query(tuple(t for t in q.terms if t.field not in _DATE_FIELDS))
    probes: dict[str, Doc] = {}
    changed: dict[str, Doc] = {}
    for series_id, doc in series.items():
        probes[series_id] = occurrence_doc(series_id, doc, doc["date"])
        changed.update(_changed(series_id, doc, low, high, named))
    hits: dict[str, tuple[str, str, str | None]] = {}  # sort key -> (series, day, None|changed id)
    if limit is None or limit > 0:
        small = OccurrenceIndex({**probes, **changed}, index)
        try:
            matched = small.search(undated, today=today)
        except AmbiguousNameError:  # the stored entries told the namesakes apart; these cannot
            matched = []
        for found in matched:
            if found in changed:
                day = changed[found]["date"]
                series_id, _, key = found.partition("@")
                if changed[found].get("status") != "done" and not is_occurrence_day(series[series_id], key):
                    continue  # the rule no longer gives it (journal.recurrence.series)
                if not any(a <= day <= b for a, b in gaps):
                    hits[sort_key(found, changed[found])] = (found.split("@")[0], day, found)
                continue
            doc = series[found]
            skip = set(usable_exceptions(doc))
            time = doc.get("time") or ""
            for d in occurrence_dates(doc["recurrence"], date.fromisoformat(doc["date"]), low, high):
                day = d.isoformat()
                if day in skip or any(a <= day <= b for a, b in gaps):
                    continue
                vid = occurrence_id(found, day)
                hits[f"{day}{time} {vid}"] = (found, day, None)
    keys = sorted({*(sort_key(i, d) for i, d in stored.items()), *hits}, reverse=True)
    if limit is not None:
        keys = keys[:limit]
    by_key = {sort_key(i, d): (i, d) for i, d in stored.items()}
    out: dict[str, Doc] = {}
    for key in keys:
        if key in by_key:
            entry_id, doc = by_key[key]
            out[entry_id] = doc
            continue
        series_id, day, changed_id = hits[key]
        if changed_id is not None:
            out[changed_id] = changed[changed_id]
        else:
            out[occurrence_id(series_id, day)] = occurrence_doc(series_id, series[series_id], day)
    return out


_DATE_FIELDS = ("on", "from", "to")


def _window(q: Query, today: date) -> tuple[date, date, bool]:
    low, high = search_window(q, today)
    return low, high, any(t.field in _DATE_FIELDS and not t.negated for t in q.terms)


def _gaps(q: Query, today: date) -> list[tuple[str, str]]:
    """The periods a query's negated date terms leave out, as ISO day ranges."""
    from journal.dates import parse_period

    out = []
    for term in q.terms:
        if term.field in _DATE_FIELDS and term.negated:
            start, end = parse_period(term.value, today=today)
            low = "0000-01-01" if term.field == "to" else start.isoformat()
            high = "9999-12-31" if term.field == "from" else end.isoformat()
            out.append((low, high))
    return out


def _changed(series_id: str, doc: Mapping[str, Any], low: date, high: date,
             named: bool) -> dict[str, Doc]:
    """The occurrences of a series with an exception (ticked, edited, moved) that a search may
    show: in the period when the query names one, else whenever they are. Whether the rule still
    gives an undone one is checked only for those the query finds."""
    if not doc.get("exceptions"):
        return {}
    exceptions = usable_exceptions(doc)
    out: dict[str, Doc] = {}
    for day in sorted(exceptions):
        change = exceptions[day]
        if not isinstance(change, Mapping) or change.get("skip"):
            continue
        occurrence = occurrence_doc(series_id, doc, day, change)
        if named and not low.isoformat() <= occurrence["date"] <= high.isoformat():
            continue
        out[occurrence_id(series_id, day)] = occurrence
    return out
