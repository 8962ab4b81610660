"""What the app's screens read, kept per data generation: the headless side of the TUI.

The app holds one :class:`JournalSession` over its :class:`~journal.service.Journal`; screens ask
it for a day's entries in display order, the documents carrying merge conflicts, the names of a
kind with their matcher, each client's standing (due, last and next contact) and the search
index when it is built. Every answer is computed once per data generation (the file's contents)
and, where it depends on the date, per day, so browsing days or typing in a filter stays quick at
100k entries; a change made here or by another process makes a new generation, and the next
question answers from the new data.

No Textual here: the app decides *when* to build the search index (a worker thread behind the
first frame); the session owns *what* is current. ``tests/test_app_days.py`` drives it without a
terminal.
"""

from __future__ import annotations

import threading
from collections import ChainMap
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from journal.config import Config
from journal.names.catalog import NameCatalog, NameItem, build_catalog
from journal.sync.conflicts import CONFLICT_TABLES

if TYPE_CHECKING:
    from journal.agenda.build import Agenda
    from journal.clients.cadence import DueItem, Times
    from journal.search.index import SearchIndex
    from journal.service import Journal

#: Below this many entries, a client's standing is found by a pass over the entries at once;
#: above it the home agenda waits for the search index (the app builds it behind the first frame).
QUICK_STANDINGS_ENTRIES = 20_000
#: From this many names of a kind, the name matcher's tables are built in a thread.
PREPARE_NAMES_FROM = 2000


def scan_entries(entries: dict[str, dict[str, Any]]) -> tuple[dict[str, list[str]],
                                                                 frozenset[str]]:
    """One pass over the entries: their ids per date, and the ids of those with conflicts."""
    by_day: dict[str, list[str]] = {}
    conflicted: list[str] = []
    listed = by_day.get
    for entry_id, doc in entries.items():
        day = doc["date"]
        ids = listed(day)
        if ids is None:
            by_day[day] = [entry_id]
        else:
            ids.append(entry_id)
        if "conflicts" in doc and doc["conflicts"]:
            conflicted.append(entry_id)
    return by_day, frozenset(conflicted)


class JournalSession:
    """The read side of one open journal for the app. ``today`` gives the date the app shows
    (pinned in tests, else the real one: an app left open overnight moves on)."""

    def __init__(self, journal: Journal, config: Config, today: Callable[[], date]) -> None:
        self.journal = journal
        self.config = config
        self._today = today
        self._items: dict[str, tuple[int, NameCatalog]] = {}
        self._index: tuple[int, SearchIndex] | None = None
        self._conflicted: tuple[int, dict[str, frozenset[str]]] | None = None
        self._days: tuple[int, dict[str, list[str]]] | None = None
        self._times: tuple[tuple[int, date], Times, dict[str, dict[str, DueItem]]] | None = None
        #: Occurrences of repeating entries worked out so far for this data generation, per
        #: month shown ("2026-12"), and all of them together (see entry_tables).
        self._occurrences: tuple[int, dict[str, dict[str, Any]], dict[str, Any]] | None = None
        self._series: tuple[int, dict[str, dict[str, Any]]] | None = None
        self._follows: tuple[int, dict[str, list[dict[str, Any]]]] | None = None
        self._agenda: tuple[tuple[int, datetime, bool], Agenda] | None = None

    @property
    def today(self) -> date:
        return self._today()

    @property
    def generation(self) -> int:
        return self.journal.generation

    # -- names --------------------------------------------------------------------------------
    def name_items(self, kind: str) -> list[NameItem]:
        """Names of one kind, built once per data generation."""
        return self.name_catalog(kind).items

    def name_catalog(self, kind: str) -> NameCatalog:
        """Names of one kind with the search's matcher, built once per data generation (with the
        search index's matcher when the index is current: its pinyin may come precomputed from
        the search cache, where computing it again is what a first keystroke would wait for at 10k
        contacts)."""
        generation = self.generation
        cached = self._items.get(kind)
        if cached is None or cached[0] != generation:
            index = self.current_index()
            matcher = index.matcher(kind) if index is not None else None
            cached = (generation, build_catalog(self.journal.tables, kind, matcher))
            self._items[kind] = cached
            if matcher is None and len(cached[1].items) >= PREPARE_NAMES_FROM:
                # spell the names' pinyin before the first keystroke needs it (once a session:
                # the spellings are remembered per name, see names.matching.pinyin_keys)
                threading.Thread(target=cached[1].matcher.prepare, name="journal-names",
                                 daemon=True).start()
        return cached[1]

    # -- clients ------------------------------------------------------------------------------
    def client_standings(self, kind: str) -> dict[str, DueItem]:
        """Each contact's or organisation's rhythm, last and next contact and due date on
        ``today`` (journal.clients.cadence), once per data generation and day: from the search
        index's posting lists when it is built, else one pass over the entries."""
        from journal.clients.cadence import client_standings, index_times, scan_times

        today = self.today
        key = (self.generation, today)
        if self._times is None or self._times[0] != key:
            tables = self.journal.tables
            index = self.current_index()
            if index is not None:
                entries = tables.get("entries", {})

                def documents(positions: list[int]) -> dict[str, dict[str, Any]]:
                    ids = (index.entry_at(p)[0] for p in positions)
                    return {i: entries[i] for i in ids if i in entries}

                times = index_times(index, tables, today, documents)
            else:
                times = scan_times(tables, today)
            self._times = (key, times, {})
        cache = self._times[2]
        if kind not in cache:
            cache[kind] = {d.id: d for d in client_standings(
                self.journal.tables, self.config.tiers, self._times[1], today, kind)}  # type: ignore[arg-type]
        return cache[kind]

    # -- repeating entries: their occurrences are shown as entries ---------------------------
    def series_docs(self) -> dict[str, dict[str, Any]]:
        """The repeating entries (once per data generation)."""
        generation = self.generation
        if self._series is None or self._series[0] != generation:
            self._series = (generation, self.journal.series())
        return self._series[1]

    def _occurrence_layer(self) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        generation = self.generation
        if self._occurrences is None or self._occurrences[0] != generation:
            self._occurrences = (generation, {}, {})
        return self._occurrences[1], self._occurrences[2]

    def occurrences_in_month(self, day: str) -> dict[str, Any]:
        """The virtual documents of the occurrences in ``day``'s month (and the week either side:
        a day view steps over the month's edge), worked out once per data generation."""
        months, every = self._occurrence_layer()
        key = day[:7]
        if key not in months:
            from journal.dates import shifted

            first = date.fromisoformat(key + "-01")
            start, end = shifted(first, -7), shifted(first, 38)
            months[key] = self.journal.occurrence_docs(start, end) if self.series_docs() else {}
            every.update(months[key])
        return months[key]

    def entry_tables(self) -> Any:
        """The tables as the entry lists and panes read them: the entries with the occurrences
        worked out so far added (ids ``SERIES_ID@DAY``), so a day view, a search result or the
        agenda shows an occurrence like any entry."""
        tables = self.journal.tables
        if not self.series_docs():
            return tables
        # the layer is the very dict later months and searches add to: a view taken now sees them
        return {**tables, "entries": ChainMap(tables.get("entries", {}), self._occurrence_layer()[1])}

    def report_tables(self, start: date, end: date) -> Any:
        """:meth:`entry_tables` with the occurrences from ``start`` to ``end`` worked out: what a
        week's or month's report reads (journal.reports.summary)."""
        month = date(start.year, start.month, 1)
        while month <= end:
            self.occurrences_in_month(month.isoformat())
            if month.year == date.max.year and month.month == 12:
                break
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return self.entry_tables()

    def search_entries(self, index: SearchIndex, text: str, limit: int | None) -> list[str]:
        """Entry ids ``text`` finds, newest first, occurrences of repeating entries included
        (journal.search.occurrences); the occurrences found are kept for :meth:`entry_tables`."""
        series = self.series_docs()
        if not series:
            return index.search(text, today=self.today, limit=limit)
        from journal.search.occurrences import with_occurrences

        entries = self.journal.tables.get("entries", {})

        def documents(positions: list[int]) -> dict[str, dict[str, Any]]:
            return {i: entries[i] for i in index.ids_at(positions) if i in entries}

        found = with_occurrences(index, series, text, today=self.today, limit=limit,
                                 documents=documents)
        self._occurrence_layer()[1].update({i: d for i, d in found.items() if "@" in i})
        return list(found)

    def follow_ups_of(self, entry_id: str) -> list[dict[str, Any]]:
        """The entries that follow ``entry_id`` up (documents with their ids), by date; from one
        pass over the entries per data generation."""
        generation = self.generation
        if self._follows is None or self._follows[0] != generation:
            by_target: dict[str, list[dict[str, Any]]] = {}
            for i, d in self.journal.view.mentioning("entries", ['"follows_id"']).items():
                if d.get("follows_id"):
                    by_target.setdefault(d["follows_id"], []).append({**d, "id": i})
            for items in by_target.values():
                items.sort(key=lambda d: (d["date"], d.get("time") or "", d["id"]))
            self._follows = (generation, by_target)
        return self._follows[1].get(entry_id, [])

    def standings_are_quick(self) -> bool:
        """True when :meth:`client_standings` answers without a pass over every entry: the
        search index is built, the standings are computed already, or the journal is small."""
        if self.current_index() is not None:
            return True
        if self._times is not None and self._times[0] == (self.generation, self.today):
            return True
        return len(self.journal.tables.get("entries", {})) < QUICK_STANDINGS_ENTRIES

    def home_agenda(self, now: datetime) -> Agenda:
        """What the home screen's agenda pane shows beside today's plan: reminders due at
        ``now``, follow-ups due this week, clients overdue or due today (the standings the
        client screens use), birthdays in the coming week. Once a minute per data generation.
        The clients due come only once they are quick to find (:meth:`standings_are_quick`): at
        launch of a big journal the first frame does not wait for a pass over every entry; the
        day view asks again when the index is built."""
        from journal.agenda.build import Agenda
        from journal.agenda.usecases import BIRTHDAY_DAYS

        with_clients = self.standings_are_quick()
        key = (self.generation, now, with_clients)
        if self._agenda is not None and self._agenda[0] == key:
            return self._agenda[1]
        today = self.today
        agenda = Agenda(today, 1)
        agenda.reminders = self.journal.due_reminders(now)
        agenda.follow_ups = self.journal.follow_ups_due(today)
        for kind in ("contact", "organisation") if with_clients else ():
            agenda.clients_due += [d for d in self.client_standings(kind).values()
                                   if d.state in ("overdue", "due")]
        agenda.clients_due.sort(key=lambda d: (-(d.days_over or 0), d.name))
        try:
            agenda.birthdays = self.journal.birthdays(today, BIRTHDAY_DAYS)
        except OverflowError:  # the week after 9999-12-31 has no birthdays
            agenda.birthdays = []
        self._agenda = (key, agenda)
        return agenda

    # -- days and conflicts -------------------------------------------------------------------
    def entry_ids_on(self, day: str) -> list[str]:
        """:meth:`stored_ids_on` without the repeating entries themselves, with their occurrences
        on that day, in time order."""
        ids = self.stored_ids_on(day)
        series = self.series_docs()
        if not series:
            return ids
        entries = self.journal.tables.get("entries", {})
        found = {i: entries[i] for i in ids if i not in series}
        found.update({i: d for i, d in self.occurrences_in_month(day).items() if d["date"] == day})
        return sorted(found, key=lambda i: (found[i].get("time") or "", i))

    def stored_ids_on(self, day: str) -> list[str]:
        """The ids of one day's stored entries in time order (untimed first), from the per-day lists
        made by the one pass per data generation that also finds conflicts (see
        :meth:`conflicted`, which the day view needs anyway), so browsing days stays quick at 100k
        entries. Should the file change in between: two bisects in the search index when it is
        current, else one pass over the raw documents (no model objects)."""
        self.conflicted()
        days = self._days
        entries = self.journal.tables.get("entries", {})
        if days is not None and days[0] == self.generation:
            ids = [i for i in days[1].get(day, ()) if i in entries]
            return sorted(ids, key=lambda i: (entries[i].get("time") or "", i))
        index = self.current_index()
        if index is not None:  # only when already built: a save must not wait for a rebuild
            moment = date.fromisoformat(day)
            return index.between(moment, moment)
        hits = [(d.get("time") or "", i) for i, d in entries.items() if d["date"] == day]
        return [i for _, i in sorted(hits)]

    def conflicted(self) -> dict[str, frozenset[str]]:
        """Ids of the documents carrying recorded merge conflicts, per table (once per generation:
        one pass over the journal). The same pass over the entries lists each day's entries for
        :meth:`entry_ids_on`: the day view needs both before its first frame, and visiting every
        document twice costs more than once."""
        generation = self.generation
        if self._conflicted is None or self._conflicted[0] != generation:
            tables = self.journal.tables
            by_day, in_entries = scan_entries(tables.get("entries", {}))
            found = {"entries": in_entries}
            for name in CONFLICT_TABLES[1:]:  # the entries came with the days above
                found[name] = frozenset(i for i, d in tables.get(name, {}).items()
                                        if d.get("conflicts"))
            self._days = (generation, by_day)
            self._conflicted = (generation, found)
        return self._conflicted[1]

    def conflict_count(self) -> int:
        return sum(len(ids) for ids in self.conflicted().values())

    # -- the search index ---------------------------------------------------------------------
    def current_index(self) -> SearchIndex | None:
        """The search index if it is built for the current data; never starts a build."""
        if self._index is not None and self._index[0] == self.generation:
            return self._index[1]
        return None

    def build_index(self) -> SearchIndex:
        """Build the index over the current data now (small journals: the app builds big ones in
        a thread with :meth:`index_from` and hands the result to :meth:`adopt_index`)."""
        generation = self.generation
        index = self.index_from(self.journal.tables)
        self._index = (generation, index)
        return index

    def index_from(self, tables: Any) -> SearchIndex:
        """An index over ``tables`` (a snapshot: safe to build in another thread)."""
        from journal.search.index import SearchIndex

        index = SearchIndex(tables)
        index.tiers = self.config.tiers  # for tier: searches
        return index

    def adopt_index(self, generation: int, index: SearchIndex) -> bool:
        """Keep ``index``, built for ``generation``, if that is still the data's: True if kept."""
        if generation != self.generation:
            return False
        index.tiers = self.config.tiers
        self._index = (generation, index)
        return True

    def cached_index(self) -> SearchIndex | None:
        """The index from the derived search cache that ``journal search`` keeps next to the file
        (journal.search.cache.reader), when there is one: opening it takes milliseconds where
        building takes a second. It describes the file as it is now; :meth:`adopt_index` drops
        it if that is not the data of the build's generation. None (build in memory) when there
        is no cache or it cannot be used: it is only a speed-up."""
        try:
            from journal.search.cache.reader import cache_paths, open_journal

            if not cache_paths(self.journal.path)[0].exists():
                return None
            return open_journal(self.journal.path).index
        except Exception:  # noqa: BLE001 - only a speed-up: any problem means build in memory
            return None


__all__ = ["JournalSession", "scan_entries"]
