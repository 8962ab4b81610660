"""Search over one loaded snapshot of the journal, fast enough to run on every keystroke at 100k
entries.

The index is built once per load from the raw tables (lean documents: a missing key is empty) and
never mutated: the service builds a new one when the data changes. Layout, chosen for the two
things searches do:

* Entries get a *position*: their rank in ascending (date, time, id) order. Results are positions
  read backwards (newest first), and a date filter is two bisects on the sorted date column — a
  contiguous position range.
* Structured filters (contact / project / organisation / tag / status) are inverted lists of
  positions, sorted for free because they are filled in position order. Evaluation starts from
  the shortest list, intersects the rest as sets and clips to the date range by bisecting.
* Words are substrings of one folded haystack per entry (event, summary, tags and the names of
  linked contacts, projects and organisations — including the organisations reached through
  those contacts and projects, so ``工商银行`` finds a visit to someone who works there).
  Haystacks are stored as one string so an unfiltered word search is a C-speed ``rfind`` from the
  newest end, and a filtered one a bounded ``find`` per candidate — no per-entry slicing.

Chinese has no spaces, so every word is a substring match, for English too (``meet`` finds
"meeting"), which is also what search-as-you-type needs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from journal.config.model import DEFAULT_TIERS, TierTable
from journal.errors import ValidationError
from journal.i18n import _
from journal.models import entry_organisations  # noqa: F401 - part of this module's interface
from journal.names.matching import NameMatcher, gc_paused
from journal.search.filing import (
    POSTING_KINDS,
    IndexState,
    Lists,
    encode,
    file_entry,
    join_haystacks,
    name_info,
)
from journal.search.query import Query, Term, parse_query
from journal.text import fold

__all__ = ["Query", "SearchIndex", "entry_organisations", "parse_query", "status_named"]

Kind = Literal["contact", "project", "organisation"]
STATUSES = ("done", "planned", "cancelled")
# Spellings users type for a status; prefixes of the canonical words are accepted too.
_STATUS_WORDS = {"canceled": "cancelled", "完成": "done", "已完成": "done", "计划": "planned",
                 "计划中": "planned", "待办": "planned", "取消": "cancelled", "已取消": "cancelled"}
#: The query fields that name a document, and the kind they name.
_NAME_FIELDS: dict[str, Kind] = {"contact": "contact", "project": "project", "org": "organisation"}
_SCAN_SHARE = 4  # use the whole-blob scan when the candidates exceed 1/_SCAN_SHARE of the range


class SearchIndex:
    """An immutable search index over ``tables`` (the parsed data file)."""

    _ids: list[str]
    _dates: list[str]
    _times: list[str]
    _status: list[str]
    _blob: bytes
    _starts: Sequence[int]
    _by_contact: Mapping[str, list[int]]
    _by_project: Mapping[str, list[int]]
    _by_org: Mapping[str, list[int]]
    _by_tag: Mapping[str, list[int]]
    _by_status: Mapping[str, list[int]]

    def __init__(self, tables: Mapping[str, Mapping[str, dict[str, Any]]], *,
                 matchers: Mapping[str, NameMatcher] | None = None) -> None:
        """``matchers``: name matchers (by kind) built over the same contacts, projects and
        organisations already, to use rather than build again."""
        self.tables = tables
        self._matchers: dict[str, NameMatcher] = dict(matchers or {})
        with gc_paused():
            self._build(tables)

    def _set_state(self, state: IndexState) -> None:
        self._ids, self._dates, self._times, self._status = state.ids, state.dates, state.times, state.status
        self._blob, self._starts = state.blob, state.starts
        p = state.postings
        self._by_contact, self._by_project, self._by_org = p["contact"], p["project"], p["org"]
        self._by_tag = p["tag"]
        self._by_status = {st: [] for st in STATUSES} | p["status"]

    def state(self) -> IndexState:
        """The entry columns, for the cache to store (shared, not copied: do not mutate)."""
        return IndexState(self._ids, self._dates, self._times, self._status, self._blob, self._starts,
                          {"contact": dict(self._by_contact), "project": dict(self._by_project),
                           "org": dict(self._by_org), "tag": dict(self._by_tag),
                           "status": {k: v for k, v in self._by_status.items() if v}})

    def _build(self, tables: Mapping[str, Mapping[str, dict[str, Any]]]) -> None:
        entries = tables.get("entries") or {}
        names = name_info(tables)
        ids0, docs0 = list(entries), list(entries.values())
        keys = [f"{d.get('date', '')}{d.get('time') or ''} {i}" for i, d in entries.items()]  # sort_key
        rank = sorted(range(len(keys)), key=keys.__getitem__)
        pos_of = [0] * len(rank)
        for pos, k in enumerate(rank):
            pos_of[k] = pos
        # One pass in the documents' own order (sequential in memory: twice as fast as walking
        # them in date order at 100k); columns are permuted and posting lists sorted afterwards.
        postings: dict[str, Lists] = {k: defaultdict(list) for k in POSTING_KINDS}
        lists = (postings["contact"], postings["project"], postings["org"], postings["tag"])
        by_status = postings["status"]
        dates0: list[str] = []
        times0: list[str] = []
        status0: list[str] = []
        hays0: list[str] = []
        for pos, d in zip(pos_of, docs0, strict=True):
            dates0.append(d.get("date", ""))
            times0.append(d.get("time") or "")
            status = d.get("status", "")
            status0.append(status)
            by_status[status].append(pos)
            hays0.append(file_entry(pos, d, names, lists))
        for table in postings.values():
            for lst in table.values():
                lst.sort()
        blob, starts = join_haystacks(encode(hays0[k]) for k in rank)
        self._set_state(IndexState(
            [ids0[k] for k in rank], [dates0[k] for k in rank], [times0[k] for k in rank],
            [status0[k] for k in rank], blob, starts, {k: dict(v) for k, v in postings.items()}))

    def __len__(self) -> int:
        return len(self._ids)

    # -- names ----------------------------------------------------------------------------------
    def matcher(self, kind: str) -> NameMatcher:
        """The name matcher for ``kind`` (built on first use)."""
        kind = "organisation" if kind == "org" else kind
        if kind not in self._matchers:
            self._matchers[kind] = NameMatcher(kind, self.tables)
        return self._matchers[kind]

    def resolve(self, kind: Kind, name: str) -> str:
        """The id ``name`` designates: an id, exact name or ``Name (Organisation)``, unique prefix,
        substring, or pinyin (see :mod:`journal.names.matching`). Raises NotFoundError or
        AmbiguousNameError (with ``candidates``)."""
        return self.matcher(kind).resolve(name)

    def label(self, kind: Kind, doc_id: str) -> str:
        """How a document is shown where namesakes must be told apart: ``Name (Organisation)``."""
        return self.matcher(kind).label(doc_id)

    # -- cross-index views ----------------------------------------------------------------------
    def entries_for(self, kind: Kind, doc_id: str) -> list[str]:
        """Entry ids linked to a document, newest first; for an organisation, directly and through
        its contacts and projects."""
        postings = self._postings(kind).get(doc_id, [])
        ids = self._ids
        return [ids[p] for p in reversed(postings)]

    def between(self, start: date, end: date) -> list[str]:
        """Entry ids dated ``start``..``end`` inclusive, oldest first: two bisects, so reports
        over a loaded index need not scan every entry."""
        span = self.positions_between(start, end)
        return self._ids[span.start:span.stop]

    def positions_between(self, start: date, end: date) -> range:
        """:meth:`between` as index positions."""
        return range(bisect_left(self._dates, start.isoformat()),
                     bisect_right(self._dates, end.isoformat()))

    def last_done(self, contact_id: str, on_or_before: date) -> date | None:
        """The date of the contact's latest done entry on or before the given day, if any."""
        limit = on_or_before.isoformat()
        dates, statuses = self._dates, self._status
        for p in reversed(self._by_contact.get(contact_id, ())):
            if statuses[p] == "done" and dates[p] <= limit:
                return date.fromisoformat(dates[p])
        return None

    def positions_of(self, kind: str, doc_id: str) -> Sequence[int]:
        """Ascending index positions of the entries linked to a document (for an organisation
        also through its contacts and projects): :meth:`entries_for` as positions."""
        return self._postings(kind).get(doc_id, [])

    def positions_of_tag(self, tag: str) -> Sequence[int]:
        """Ascending index positions of the entries carrying ``tag`` (compared folded)."""
        return self._by_tag.get(fold(tag), [])

    def positions_of_status(self, status: str) -> Sequence[int]:
        """Ascending index positions of the entries with this status."""
        return self._by_status.get(status, [])

    def entry_at(self, position: int) -> tuple[str, str, str, str]:
        """(id, date, time, status) of the entry at an index position, from the columns."""
        return (self._ids[position], self._dates[position], self._times[position],
                self._status[position])

    def _postings(self, kind: str) -> dict[str, list[int]]:
        if kind == "contact":
            return self._by_contact
        if kind == "project":
            return self._by_project
        if kind in ("organisation", "org"):
            return self._by_org
        raise ValueError(_("unknown kind {kind!r}").format(kind=kind))

    # -- querying -------------------------------------------------------------------------------
    def highlight_terms(self, query: str | Query) -> list[str]:
        """The positive words and phrases of ``query``, as typed, for the UI to highlight."""
        q = parse_query(query) if isinstance(query, str) else query
        return list(dict.fromkeys(q.words))

    def search(self, query: str | Query, *, today: date | None = None,
               limit: int | None = None) -> list[str]:
        """Entry ids matching ``query``, newest first by (date, time, id). Raises only
        :class:`~journal.errors.JournalError` subclasses (unknown / ambiguous names, bad dates or
        statuses)."""
        ids = self._ids
        return [ids[p] for p in self.search_positions(query, today=today, limit=limit)]

    def ids_at(self, positions: Iterable[int]) -> list[str]:
        """The entry ids at index positions (what :meth:`search_positions` returns)."""
        ids = self._ids
        return [ids[p] for p in positions]

    def search_positions(self, query: str | Query, *, today: date | None = None,
                         limit: int | None = None) -> list[int]:
        """:meth:`search` as index positions (a cache reads documents by position)."""
        q = parse_query(query) if isinstance(query, str) else query
        if limit is not None and limit <= 0:
            return []
        names = self._narrow(q, today, self._names(q))
        if names is None:
            return []
        return self._positions(q, today, limit, names)

    def _names(self, q: Query) -> dict[int, list[str]]:
        """The candidate ids of each contact / project / org term (by the term's position in the
        query). An unknown name fails here; several candidates are left to :meth:`_narrow`,
        except for a negated term (which of them to leave out would be a guess)."""
        names: dict[int, list[str]] = {}
        for k, term in enumerate(q.terms):
            kind = _NAME_FIELDS.get(term.field)
            if kind is None:
                continue
            matcher = self.matcher(kind)
            ids = matcher.candidates(term.value)
            if len(ids) != 1 and (not ids or term.negated):
                matcher.resolve(term.value)  # raises: not found, or ambiguous
            names[k] = ids
        return names

    def _narrow(self, q: Query, today: date | None,
                names: dict[int, list[str]]) -> dict[int, list[str]] | None:
        """An ambiguous name narrowed by the rest of the query: of two 张伟, ``contact:zw
        org:工商银行`` (or ``tag:loan``, a date, a word) means the one whose entries match the
        rest. The query runs once with each ambiguous name standing for all its candidates; a
        candidate none of whose entries is among the hits is dropped. Still several: the
        ambiguity error, listing those. None: no candidate has a hit, so nothing matches."""
        ambiguous = {k: ids for k, ids in names.items() if len(ids) > 1}
        if not ambiguous:
            return names
        hits = set(self._positions(q, today, None, names))
        if not hits:
            return None
        narrowed = dict(names)
        for k, ids in ambiguous.items():
            term = q.terms[k]
            kind = _NAME_FIELDS[term.field]
            postings = self._postings(kind)
            kept = [i for i in ids if not hits.isdisjoint(postings.get(i, ()))]
            if len(kept) > 1:
                others = " or more filters (org:, tag:, on:, a word)" if kind != "organisation" \
                    else " or more filters (tag:, on:, a word)"
                raise self.matcher(kind).ambiguous(term.value, kept, hint=others)
            narrowed[k] = kept
        return narrowed

    def _positions(self, q: Query, today: date | None, limit: int | None,
                   names: dict[int, list[str]]) -> list[int]:
        """The query's hits with each name term standing for the ids ``names`` gives it."""
        lo, hi, gaps = self._date_range(q.terms, today)
        lists: list[list[int]] = []
        excluded: set[int] = set()
        for k, term in enumerate(q.terms):
            if term.field in ("text", "on", "from", "to", "status"):
                continue
            postings = self._filter_postings(term, names.get(k, ()))
            if term.negated:
                excluded.update(postings)
            else:
                lists.append(postings)
        want = {status_named(v) for v in q.values("status")}
        refuse = {status_named(v) for v in q.values("status", negated=True)}
        if lo >= hi or len(want) > 1 or want & refuse:
            return []
        if want and not lists:  # status alone: its list is the base, nothing else to test
            lists.append(self._by_status.get(next(iter(want)), []))
            want = set()
        # "" would match everywhere and loop rfind
        words = [encode(w) for w in map(fold, q.words) if w]
        not_words = [encode(w) for w in map(fold, q.excluded_words) if w]
        if not lists and not_words:  # over the whole range, finding the excluded is cheaper
            for w in not_words:
                excluded.update(self._hits(w, lo, hi))
            not_words = []

        def clip(ps: list[int]) -> list[int]:
            return ps[bisect_left(ps, lo):bisect_left(ps, hi)]

        lists = sorted((clip(ps) for ps in lists), key=len)
        status = next(iter(want)) if want else None
        keep = self._checker(lists[1:], excluded, gaps, status, refuse, words[1:], not_words)
        if lists:
            base = lists[0]
            if not (words and len(base) * _SCAN_SHARE > hi - lo):
                return self._collect(base, words[0] if words else None, keep, limit)
            allowed = set(base)
            inner = keep
            keep = allowed.__contains__ if inner is None else (lambda p: p in allowed and inner(p))
        if words:
            return self._scan(words[0], lo, hi, keep, limit)
        return self._collect(range(lo, hi), None, keep, limit)

    def _date_range(self, terms: Iterable[Term], today: date | None) -> tuple[int, int, list[tuple[int, int]]]:
        """Position range [lo, hi) of the positive date terms, and position ranges to exclude for
        the negated ones."""
        lo, hi = 0, len(self._ids)
        gaps: list[tuple[int, int]] = []
        for term in terms:
            if term.field not in ("on", "from", "to"):
                continue
            from journal.dates import parse_period  # lazy: most searches have no date term

            start, end = parse_period(term.value, today=today)
            a = bisect_left(self._dates, start.isoformat()) if term.field != "to" else 0
            b = bisect_right(self._dates, end.isoformat()) if term.field != "from" else len(self._ids)
            if term.negated:
                gaps.append((a, b))
            else:
                lo, hi = max(lo, a), min(hi, b)
        return lo, hi, gaps

    #: The configuration's tier table, for ``tier:`` (set by callers that have a configuration).
    tiers: TierTable = DEFAULT_TIERS

    def client_tables(self) -> Mapping[str, Mapping[str, dict[str, Any]]]:
        """Contacts and organisations in full (``tier:`` reads their tiers)."""
        return self.tables

    def _tier_postings(self, value: str) -> list[int]:
        """Entries linked to a client of tier ``value`` (its name or a label): a contact of that
        tier (its own, or its organisation's when it has none), or an organisation of it
        (directly or through its contacts and projects, as ``org:``)."""
        from journal.clients.cadence import contact_rhythm

        tier = self.tiers.find(value)
        wanted = fold(tier.name if tier is not None else value)
        tables = self.client_tables()
        orgs = tables.get("organisations") or {}
        positions: set[int] = set()
        found = False
        for org_id, org in orgs.items():
            if fold(str(org.get("tier") or "")) == wanted:
                found = True
                positions.update(self._by_org.get(org_id, ()))
        for contact_id, contact in (tables.get("contacts") or {}).items():
            org = orgs.get(contact.get("organisation_id") or "")
            if fold(contact_rhythm(contact, org, self.tiers).tier) == wanted:
                found = True
                positions.update(self._by_contact.get(contact_id, ()))
        if not found and tier is None:
            raise ValidationError(_("unknown tier {value!r}: use {describe}").format(value=value[:40], describe=self.tiers.describe()))
        return sorted(positions)

    def _filter_postings(self, term: Term, ids: Sequence[str]) -> list[int]:
        """Sorted positions one structured term selects (before negation); a name term's
        ``ids`` are its candidates (several only while :meth:`_narrow` tries them together)."""
        if term.field == "tag":
            return self._by_tag.get(fold(term.value.lstrip("#")), [])
        if term.field == "tier":
            return self._tier_postings(term.value)
        postings = self._postings(_NAME_FIELDS[term.field])
        if len(ids) == 1:
            return postings.get(ids[0], [])
        return sorted(set().union(*(postings.get(i, ()) for i in ids)))

    def _checker(self, others: list[list[int]], excluded: set[int], gaps: list[tuple[int, int]],
                 status: str | None, refuse: set[str], words: list[bytes],
                 not_words: list[bytes]) -> Callable[[int], bool] | None:
        """A predicate for everything except the base list and the first word, which the caller
        walks; None when there is nothing left to test (the common case gets a tight loop)."""
        if not (others or excluded or gaps or status or refuse or words or not_words):
            return None
        sets = [set(ps) for ps in others]
        blob, starts, statuses = self._blob, self._starts, self._status

        def keep(p: int) -> bool:
            if p in excluded:
                return False
            if status is not None and statuses[p] != status:
                return False
            if refuse and statuses[p] in refuse:
                return False
            for s in sets:
                if p not in s:
                    return False
            for a, b in gaps:
                if a <= p < b:
                    return False
            if words or not_words:
                s0, s1 = starts[p], starts[p + 1]
                for w in words:
                    if blob.find(w, s0, s1) < 0:
                        return False
                for w in not_words:
                    if blob.find(w, s0, s1) >= 0:
                        return False
            return True

        return keep

    def _collect(self, positions: Sequence[int], word: bytes | None,
                 keep: Callable[[int], bool] | None, limit: int | None) -> list[int]:
        """Walk candidate positions (ascending) from the newest, test them, stop at ``limit``.
        The unlimited, untested cases are comprehensions: they return tens of thousands of hits."""
        if word is None and keep is None:
            picked = positions[-limit:] if limit else positions
            return list(reversed(picked))
        find, starts = self._blob.find, self._starts
        if limit is None:
            if word is None:
                return [p for p in reversed(positions) if keep(p)]  # type: ignore[misc]
            if keep is None:
                return [p for p in reversed(positions) if find(word, starts[p], starts[p + 1]) >= 0]
        out: list[int] = []
        for p in reversed(positions):
            if word is not None and find(word, starts[p], starts[p + 1]) < 0:
                continue
            if keep is None or keep(p):
                out.append(p)
                if limit is not None and len(out) >= limit:
                    break
        return out

    def _hits(self, word: bytes, lo: int, hi: int) -> list[int]:
        """Positions in [lo, hi) whose haystack contains ``word`` (descending)."""
        blob, starts = self._blob, self._starts
        floor, end = starts[lo], starts[hi]
        out: list[int] = []
        while (at := blob.rfind(word, floor, end)) >= 0:
            p = bisect_right(starts, at) - 1
            out.append(p)
            end = starts[p]
        return out

    def _scan(self, word: bytes, lo: int, hi: int, keep: Callable[[int], bool] | None,
              limit: int | None) -> list[int]:
        """Find ``word`` in the haystacks of positions [lo, hi) from the newest end with ``rfind``
        on the whole blob, jumping to the previous entry after each hit. A word in most entries
        (``a``) is cheaper tested entry by entry; ``count`` (C speed) tells which case this is."""
        blob, starts = self._blob, self._starts
        floor, end = starts[lo], starts[hi]
        if limit is None and blob.count(word, floor, end) * 2 > hi - lo:
            return self._collect(range(lo, hi), word, keep, limit)
        out: list[int] = []
        while True:
            at = blob.rfind(word, floor, end)
            if at < 0:
                break
            p = bisect_right(starts, at) - 1
            end = starts[p]
            if keep is None or keep(p):
                out.append(p)
                if limit is not None and len(out) >= limit:
                    break
        return out


def status_named(value: str) -> str:
    """``status:`` value -> canonical status; a unique prefix (``plan``) or a synonym works."""
    v = fold(value)
    v = _STATUS_WORDS.get(v, v)
    matches = [s for s in STATUSES if s.startswith(v)]
    if len(matches) == 1:
        return matches[0]
    raise ValidationError(_("unknown status {value!r}: use done, planned or cancelled").format(value=value))
