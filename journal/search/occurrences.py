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

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from journal.errors import AmbiguousNameError
from journal.names.matching import NameMatcher
from journal.recurrence.series import is_series, occurrences
from journal.search.index import SearchIndex, sort_key
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

    data = bytes(raw)
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
        names = {t: main.tables.get(t) or {} for t in ("contacts", "projects", "organisations")}
        super().__init__({**names, "entries": dict(docs)})
        self._main = main
        self.tiers = main.tiers

    def matcher(self, kind: str) -> NameMatcher:
        return self._main.matcher(kind)

    def client_tables(self) -> Mapping[str, Mapping[str, dict[str, Any]]]:
        return self._main.client_tables()


def with_occurrences(index: SearchIndex, series: Mapping[str, Doc], query: str | Query, *,
                     today: date, limit: int | None,
                     documents: Callable[[list[int]], dict[str, Doc]]) -> dict[str, Doc]:
    """The hits of ``query``, newest first, as id -> document: the stored entries found by
    ``index`` (without the series themselves, read through ``documents``) merged with the
    occurrences found in their period."""
    q = parse_query(query) if isinstance(query, str) else query
    if not series:
        return documents(index.search_positions(q, today=today, limit=limit))
    wanted = None if limit is None else limit + len(series)
    positions = index.search_positions(q, today=today, limit=wanted)
    stored = {i: d for i, d in documents(positions).items() if i not in series}
    low, high = search_window(q, today)
    virtual = occurrence_docs(series, low, high, changed_anywhen=True)
    hits: dict[str, Doc] = {}
    if virtual and (limit is None or limit > 0):
        small = OccurrenceIndex(virtual, index)
        try:
            hits = {i: virtual[i] for i in small.search(q, today=today, limit=limit)}
        except AmbiguousNameError:  # the stored entries told the namesakes apart; these cannot
            hits = {}
    merged = sorted({**stored, **hits}.items(), key=lambda kv: sort_key(*kv), reverse=True)
    return dict(merged[:limit] if limit is not None else merged)
