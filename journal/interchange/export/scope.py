"""What an export holds: the whole journal, or the part a query selects, read from the search cache.

``journal export`` takes the filters of ``search`` and ``list`` (words, ``contact:``, ``from:``…,
or ``--from/--to/--contact/--project/--org``) and works from the same derived cache as ``search``
(:mod:`journal.search.cache.reader`), so exporting a week of a 100k-entry journal does not parse the
other entries, and exporting everything parses each entry once.

A filtered export stays *whole*: every contact, project and organisation an exported entry links to
travels with it in full (with its organisation), so the JSON imports back without dangling links
and the CSV/Excel/Markdown name everyone. The day notes that travel are those of the days that have
exported entries, and, when the query is only a period, every note in the period.

"People" are the contacts that a contact list (vCard, the calendar's birthdays) should hold: with
``--contact/--project/--org`` the named ones and their members (an organisation's contacts, a
project's organisation's people are *not* added: only what was named and what it contains); with a
query of other kinds, the people linked to the matching entries; without a filter, everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from journal.errors import JournalError
from journal.i18n import _
from journal.models import KIND_LINK_FIELD, KIND_TABLE
from journal.names.resolve import label
from journal.search.query import Query, Term, join_arguments, parse_query
from journal.text import fold

Doc = dict[str, Any]
Table = dict[str, Doc]
#: Query fields naming a document, and the kind they name.
NAMED_KINDS = {"contact": "contact", "project": "project", "org": "organisation"}
DATE_FIELDS = ("on", "from", "to")
#: Option name -> query field, for ``--contact X`` and friends.
OPTION_FIELDS = (("on", "on"), ("start", "from"), ("end", "to"), ("contact", "contact"),
                 ("project", "project"), ("org", "org"))


@dataclass
class ExportData:
    """The documents of one export. ``entries`` are in time order (untimed first in a day);
    ``tables`` is the whole journal's small tables, for names of anything mentioned."""

    entries: Table
    contacts: Table
    projects: Table
    organisations: Table
    days: Table
    people: list[str]
    tables: Mapping[str, Table]
    description: str = "the whole journal"
    query: Query | None = None  # the filter, None for the whole journal
    named: bool = False  # the filter names contacts, projects or organisations
    notes: list[str] = field(default_factory=list)
    #: the written reviews (2026-W47, 2026-11, 2026-Q4): all of them for the whole journal,
    #: for a filter by dates only those of periods inside its range
    reviews: Table = field(default_factory=dict)

    _labels: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def label(self, kind: str, doc_id: str) -> str:
        """``Name`` or ``Name (Organisation)`` (how the CLI, CSV import and search name it);
        remembered, since 100k entries name the same few thousand documents again and again."""
        key = (kind, doc_id)
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = label(self.tables, kind, doc_id)
        return found

    def labels(self, kind: str, ids: Iterable[str]) -> list[str]:
        return [self.label(kind, i) for i in ids] if ids else []

    def everyone(self) -> list[str]:
        """Every contact of the journal, by name (for birthdays: a period filter narrows the
        entries, not whose birthdays a calendar should show)."""
        return _by_name(self.tables.get("contacts") or {}, None)

    def table(self, name: str) -> Table:
        return {"entries": self.entries, "contacts": self.contacts, "projects": self.projects,
                "organisations": self.organisations, "days": self.days,
                "reviews": self.reviews}[name]


def queries(words: list[str], options: Mapping[str, list[str]]) -> list[Query]:
    """The readings of the command line as queries, most likely first (as ``journal search``
    tries them): the words as the shell grouped them, then as plain text; each with the filter
    options added as terms. Options become terms directly (never re-parsed), so a name holding
    quotes or colons is taken as typed."""
    extra = tuple(Term(fld, value.strip()) for opt, fld in OPTION_FIELDS
                  for value in options.get(opt) or () if value.strip())
    texts = dict.fromkeys([join_arguments(words), " ".join(words)]) if words else {"": None}
    out = []
    for text in texts:
        parsed = parse_query(text)
        out.append(Query(parsed.terms + extra, " ".join(p for p in (text, _describe(extra)) if p)))
    return out


def _describe(terms: Iterable[Term]) -> str:
    return " ".join(f'{t.field}:"{t.value}"' if " " in t.value else f"{t.field}:{t.value}"
                    for t in terms)


def select(cached: Any, candidates: list[Query], today: date, *,
           entries_needed: bool = True) -> ExportData:
    """The export the first readable query in ``candidates`` describes (an empty query: all).
    ``cached`` is a :class:`journal.search.cache.view.CachedJournal`. ``entries_needed`` False:
    the whole journal's entries are not read (a vCard export of everyone needs none of them)."""
    tables = cached.tables
    index = cached.index
    query = candidates[0]
    if not query:
        positions: list[int] = list(range(len(index))) if entries_needed else []
    else:
        errors: list[JournalError] = []
        for query in candidates:
            try:
                positions = sorted(index.search_positions(query, today=today))
                break
            except JournalError as exc:  # an unknown name, a bad date: try the next reading
                errors.append(exc)
        else:
            raise errors[0]
    entries = cached.documents(positions)
    if not query:
        return ExportData(entries, dict(tables.get("contacts") or {}),
                          dict(tables.get("projects") or {}),
                          dict(tables.get("organisations") or {}), dict(tables.get("days") or {}),
                          _by_name(tables.get("contacts") or {}, None), tables,
                          reviews=dict(tables.get("reviews") or {}))
    return _part(tables, index, query, entries, today)


def _part(tables: Mapping[str, Table], index: Any, query: Query, entries: Table,
          today: date) -> ExportData:
    """The documents a filtered export holds (see the module docstring)."""
    wanted: dict[str, set[str]] = {t: set() for t in KIND_TABLE.values()}
    for doc in entries.values():
        for kind, link in KIND_LINK_FIELD.items():
            wanted[KIND_TABLE[kind]].update(doc.get(link) or ())
    named: dict[str, set[str]] = {t: set() for t in KIND_TABLE.values()}
    for term in query.terms:
        if term.field in NAMED_KINDS and not term.negated:
            kind = NAMED_KINDS[term.field]
            named[KIND_TABLE[kind]].add(index.resolve(kind, term.value))
    for org_id in list(named["organisations"]):  # an organisation's members belong to its file
        for table in ("contacts", "projects"):
            named[table].update(i for i, d in (tables.get(table) or {}).items()
                                if d.get("organisation_id") == org_id)
    for table, ids in named.items():
        wanted[table] |= ids
    for table in ("contacts", "projects"):  # their organisations, so labels and imports resolve
        docs = tables.get(table) or {}
        wanted["organisations"].update(docs[i]["organisation_id"] for i in wanted[table]
                                       if i in docs and docs[i].get("organisation_id"))
    picked = {t: {i: d for i, d in (tables.get(t) or {}).items() if i in ids}
              for t, ids in wanted.items()}
    people_pool = named["contacts"] if any(named.values()) else wanted["contacts"]
    people = _by_name(picked["contacts"], people_pool)
    return ExportData(entries, picked["contacts"], picked["projects"], picked["organisations"],
                      _day_notes(tables.get("days") or {}, query, entries, today), people, tables,
                      description=_("entries matching {text}").format(text=query.text), query=query,
                      named=any(named.values()),
                      reviews=_reviews(tables.get("reviews") or {}, query, today))


def _by_name(contacts: Mapping[str, Doc], among: set[str] | None) -> list[str]:
    ids = [i for i in contacts if among is None or i in among]
    return sorted(ids, key=lambda i: (fold(contacts[i].get("name", "")), i))


def _date_range(query: Query, today: date) -> tuple[str, str] | None:
    """The days a filter by dates only covers (ISO strings), None for any other filter."""
    if not (query.terms and all(t.field in DATE_FIELDS and not t.negated for t in query.terms)):
        return None
    from journal.dates import parse_period

    low, high = "0000-00-00", "9999-99-99"
    for term in query.terms:
        start, end = parse_period(term.value, today=today)
        if term.field != "to":
            low = max(low, start.isoformat())
        if term.field != "from":
            high = min(high, end.isoformat())
    return low, high


def _day_notes(days: Mapping[str, Doc], query: Query, entries: Table, today: date) -> Table:
    keep = {d["date"] for d in entries.values()}
    span = _date_range(query, today)
    if span is not None:
        keep |= {day for day in days if span[0] <= day <= span[1]}
    return {day: days[day] for day in sorted(keep) if day in days}


def _reviews(reviews: Mapping[str, Doc], query: Query, today: date) -> Table:
    """The reviews of the periods that lie inside a filter by dates (none for other filters:
    a review is about everything of its period, not about one client)."""
    span = _date_range(query, today)
    if span is None:
        return {}
    from journal.routine.reviews import review_period

    keep = {}
    for period, doc in reviews.items():
        try:
            _, first, last = review_period(period)
        except JournalError:
            continue
        if span[0] <= first.isoformat() and last.isoformat() <= span[1]:
            keep[period] = doc
    return dict(sorted(keep.items()))
