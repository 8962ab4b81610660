"""Searching the written text that is not an entry: day notes (the 小结) and reviews.

They are few (one per day, one per week or month at most) and live in the small tables the
search cache keeps whole, so a scan per query is cheap; the entry index stays as it is. A query
finds them when all its words and phrases are in the text and none of its ``-words``, and its
date filters (``on: from: to:``, also negated) allow the day, or overlap the review's period.
Filters that only entries have (``contact: project: org: tag: status:``) leave notes out.

Hits are merged into the entries' newest-first order by date: a day's note heads the entries of
its day; a review stands at the last day of its period.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from journal.errors import JournalError
from journal.search.query import Query, parse_query
from journal.text import fold

__all__ = ["NoteHit", "NoteIndex", "merge_hits", "note_key", "note_line", "note_markdown", "note_view",
           "parse_note_key", "search_notes", "snippet"]

_ENTRY_ONLY = frozenset({"contact", "project", "org", "tag", "status"})
Tables = Mapping[str, Mapping[str, dict[str, Any]]]


@dataclass(frozen=True)
class NoteHit:
    """A day note (``kind`` "day", ``key`` its date) or a review (``kind`` "review", ``key`` its
    period, ``2026-W47``); ``date`` is where it sorts among entries."""

    kind: Literal["day", "review"]
    key: str
    date: str
    start: str
    text: str

    @property
    def row_key(self) -> str:
        return note_key(self.kind, self.key)


def note_key(kind: str, key: str) -> str:
    """The key a result list uses for a note, apart from entry ids: ``day:2026-11-23``."""
    return f"{kind}:{key}"


def parse_note_key(row_key: str) -> tuple[str, str] | None:
    """``("day", "2026-11-23")`` / ``("review", "2026-W47")`` for a note's row key, else None."""
    kind, sep, key = row_key.partition(":")
    return (kind, key) if sep and kind in ("day", "review") else None


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _ranges(query: Query, today: date | None) -> list[tuple[str, str, bool]]:
    """The query's date filters as (first day, last day, negated), parsed once per search."""
    from journal.dates import parse_period

    out = []
    for term in query.terms:
        if term.field not in ("on", "from", "to"):
            continue
        a, b = parse_period(term.value, today=today)
        out.append((a.isoformat() if term.field != "to" else "0000-00-00",
                    b.isoformat() if term.field != "from" else "9999-99-99", term.negated))
    return out


def _range_ok(ranges: list[tuple[str, str, bool]], start: str, end: str) -> bool:
    """Whether a note spanning ``start``..``end`` overlaps every positive range and no negated
    one."""
    return all((start <= hi and end >= lo) != negated for lo, hi, negated in ranges)


class NoteIndex:
    """The day notes and reviews of one version of the journal with their text folded once, so
    search-as-you-type does not fold a decade of notes on every keystroke (a few milliseconds
    instead of ~30 for 3,650 notes)."""

    def __init__(self, tables: Tables) -> None:
        from journal.routine.reviews import review_period

        self._items: list[tuple[NoteHit, str]] = []
        for day, doc in (tables.get("days") or {}).items():
            text = str(doc.get("note") or "")
            if text.strip():
                self._items.append((NoteHit("day", day, day, day, text), _folded(text)))
        for period, doc in (tables.get("reviews") or {}).items():
            text = str(doc.get("text") or "")
            try:
                _, first, last = review_period(period)
            except JournalError:  # a week 53 in a year without one: not shown rather than fatal
                continue
            if text.strip():
                hit = NoteHit("review", period, last.isoformat(), first.isoformat(), text)
                self._items.append((hit, _folded(text)))
        self._items.sort(key=lambda item: (item[0].date, item[0].kind == "day", item[0].key),
                         reverse=True)

    def __len__(self) -> int:
        return len(self._items)

    def search(self, query: str | Query, *, today: date | None = None) -> list[NoteHit]:
        """The notes matching ``query``, newest first (see the module docstring). Date filters
        are checked as the entry search checks them (bad ones raise the same errors)."""
        q = parse_query(query) if isinstance(query, str) else query
        if not q or not self._items or any(t.field in _ENTRY_ONLY and not t.negated
                                           for t in q.terms):
            return []
        words = [w for w in map(fold, q.words) if w]
        excluded = [w for w in map(fold, q.excluded_words) if w]
        ranges = _ranges(q, today)
        hits = []
        for hit, folded in self._items:
            if any(w not in folded for w in words) or any(w in folded for w in excluded):
                continue
            if not ranges or _range_ok(ranges, hit.start, hit.date):
                hits.append(hit)
        return hits


def search_notes(tables: Tables, query: str | Query, *, today: date | None = None) -> list[NoteHit]:
    """Day notes and reviews matching ``query``, newest first (a one-off :class:`NoteIndex`)."""
    return NoteIndex(tables).search(query, today=today)


def merge_hits(entries: Sequence[tuple[str, str]], notes: Iterable[NoteHit],
               limit: int | None = None) -> list[str]:
    """Row keys newest first: ``entries`` as (id, date) newest first, ``notes`` newest first;
    a note comes before the entries of its date. Cut to ``limit`` rows."""
    out: list[str] = []
    pending = list(notes)
    k = 0
    for entry_id, day in entries:
        while k < len(pending) and pending[k].date >= day:
            out.append(pending[k].row_key)
            k += 1
        out.append(entry_id)
    out += [n.row_key for n in pending[k:]]
    return out[:limit] if limit is not None else out


def snippet(text: str, words: Sequence[str]) -> str:
    """The first line of ``text`` holding one of the folded ``words``, else its first line;
    Markdown headings (a review's 问题与风险) only when no other line will do."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [x for x in lines if not x.startswith("#")] + [x for x in lines if x.startswith("#")]
    for line in lines:
        if any(w in _folded(line) for w in words):
            return line
    return lines[0] if lines else ""


def note_view(hit: NoteHit) -> dict[str, Any]:
    """A note as ``journal search --format json`` lists it among entries (they have no "kind")."""
    if hit.kind == "day":
        return {"kind": "day-note", "date": hit.key, "note": hit.text}
    return {"kind": "review", "period": hit.key, "from": hit.start, "to": hit.date,
            "text": hit.text}


def note_line(hit: NoteHit, words: Sequence[str], colour: bool) -> str:
    """One text line in the entries' columns: what it is, when, the line that matched."""
    from journal.search.render import highlight
    from journal.text import clean_line

    what = "(day note)" if hit.kind == "day" else "(review)"
    body = clean_line(snippet(hit.text, words))
    return f"{what:<26}  {hit.key:<22} " + (highlight(body, words) if colour else body)


def note_markdown(hit: NoteHit) -> list[str]:
    from journal.text import markdown_literal as md

    title = "Day note" if hit.kind == "day" else "Review"
    out = [f"- {hit.key} **{title}**"]
    out += [f"  {md(line)}" for line in hit.text.splitlines() if line.strip()]
    return out
