"""Entries as a list of one-line rows (day view, cross-index, search results).

The list holds entry *ids* only and builds the visible rows from the data when they are painted
(see :mod:`journal.widgets.line_list`), so a cross-index of thousands of entries or a search with
100k hits costs the same as a day. Columns are sized from the list's width in terminal cells; the
summary is the first column to go when the list is narrow, so the event and the names stay readable.

Each row starts with two marks: ⚠ for a merge conflict, and the plan's tick — ☐ planned, ✓ done
as planned, ✗ cancelled (struck through), nothing for what came up on the day. A high priority is
a ``!`` before the event, a low one a muted event; ``↪`` marks an entry carried over from an
earlier day. Rows may also be day notes or reviews (search results: ``day:2026-11-23``), shown in
the entry columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style

from journal.i18n import N_, _
from journal.search.notes import parse_note_key
from journal.text import first_line, fold
from journal.widgets.line_list import LineList, fit, marked, word_pattern
from journal.widgets.render import Tables, people_labels, project_labels

#: The tick column: what the plan's status looks like.
PLANNED_MARK, DONE_MARK, CANCELLED_MARK = "☐", "✓", "✗"

_TITLES = {"date": N_("Date"), "time": N_("Time"), "event": N_("Event"), "summary": N_("Summary"), "people": N_("With"),
           "projects": N_("Project")}
_GAP = Segment("  ")
#: Spare cells from which the project gets a column of its own (a cross-index in a narrow pane
#: shows the event and the people; the entry's detail below it names the project).
_PROJECT_FROM = 48


class EntryList(LineList):
    """Rows of entries in the order given; ``selected_id`` is the entry under the cursor."""

    HEADER = True

    def __init__(self, tables: Callable[[], Tables], *, show_date: bool = False,
                 summary_from: int = 100, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._tables = tables
        self.show_date = show_date
        #: Without a date column: the day the rows belong to; rows of other days (left-over
        #: plans under today) show their date (``11-20``) where the time would be.
        self.day: str | None = None
        #: Spare cells from which a summary column is shown: late beside a detail pane (which
        #: shows the summary anyway), early where there is none.
        self.summary_from = summary_from
        self._ids: list[str] = []
        self._more: Callable[[], list[str]] | None = None
        self._pattern = None
        self._words: list[str] = []

    # -- public ---------------------------------------------------------------------------
    @property
    def entry_ids(self) -> Sequence[str]:
        return self._ids

    @property
    def selected_id(self) -> str | None:
        return self.selected_key

    def set_entries(self, ids: Sequence[str], *, select: str | None = None,
                    more: Callable[[], list[str]] | None = None,
                    highlight: Sequence[str] = ()) -> None:
        """Show ``ids``; keep the cursor on the same entry (or move it to ``select``).

        ``more``, for a result list cut at a limit, returns a longer list (same order) when the
        user comes near the end; ``highlight`` are words to mark in events and summaries.
        """
        keep = select or self.selected_id
        self._ids = list(ids)
        self._more = more
        self._pattern = word_pattern(highlight)
        self._words = [fold(w) for w in highlight if w.strip()]
        index = self._ids.index(keep) if keep in self._ids else 0
        self.reset(len(self._ids), index)

    def select(self, entry_id: str) -> bool:
        """Move the cursor to ``entry_id``; False if it is not in the list."""
        if entry_id not in self._ids:
            return False
        self.move_to(self._ids.index(entry_id))
        return True

    # -- rows -----------------------------------------------------------------------------
    def key_at(self, index: int) -> str | None:
        return self._ids[index] if 0 <= index < len(self._ids) else None

    def near_end(self) -> None:
        if self._more is None:
            return
        longer, self._more = self._more(), None
        if len(longer) > len(self._ids):
            self._ids = longer
            self.grow(len(longer))

    def columns(self, width: int) -> list[tuple[str, int]]:
        """(key, width in cells) of the columns that fit in ``width``."""
        fixed = [("date", 10), ("time", 5)] if self.show_date else [("time", 5)]
        # two mark cells and a space, then every column followed by a two-cell gap
        spare = width - 3 - sum(w + 2 for _, w in fixed)
        if spare < _PROJECT_FROM:  # too narrow for four columns: the pane beside shows it
            spare -= 4
            people = max(int(spare * 0.4), 8)
            return [*fixed, ("event", max(spare - people, 8)), ("people", people)]
        if spare < self.summary_from:  # the event, the people and the project get the room first
            spare -= 6
            people, projects = max(int(spare * 0.3), 8), max(int(spare * 0.2), 6)
            return [*fixed, ("event", max(spare - people - projects, 8)), ("people", people),
                    ("projects", projects)]
        spare -= 8
        event, people, projects = int(spare * 0.32), int(spare * 0.22), int(spare * 0.16)
        return [*fixed, ("event", event), ("summary", spare - event - people - projects),
                ("people", people), ("projects", projects)]

    def header_segments(self, width: int) -> list[Segment]:
        out = [Segment("   ")]
        for key, size in self.columns(width):
            out += [Segment(fit(_(_TITLES[key]), size)), _GAP]
        return out

    def row_segments(self, index: int, width: int) -> list[Segment]:
        tables = self._tables()
        key = self._ids[index]
        note = parse_note_key(key)
        if note is not None:
            return self._note_segments(tables, *note, width)
        doc = tables.get("entries", {}).get(key)
        if doc is None:  # deleted meanwhile; the next refresh drops it
            return [Segment(fit("(deleted)", width), self.style("muted"))]
        status = doc.get("status", "done")
        event_style = self.style(status) if status in ("planned", "cancelled") else Style()
        if doc.get("priority") == "low" and status == "done":
            event_style = self.style("muted")
        match = self.style("match")
        # the first cell marks an entry that kept another machine's value (a merge conflict)
        out = [Segment("⚠", self.style("conflict")) if doc.get("conflicts") else Segment(" "),
               self._tick(doc, status), Segment(" ")]
        for column, size in self.columns(width):
            if column == "date":
                out.append(Segment(fit(doc["date"], size), self.style("muted")))
            elif column == "time":
                if self.day is not None and doc["date"] != self.day:
                    out.append(Segment(fit(doc["date"][5:], size), self.style("planned")))
                else:
                    out.append(Segment(fit(doc.get("time") or "", size), self.style("strong")))
            elif column == "event":
                out += self._event(doc, size, event_style, match)
            elif column == "summary":
                out += marked(fit(first_line(doc.get("summary") or ""), size), self.style("muted"),
                              match, self._pattern)
            else:
                names = (people_labels if column == "people" else project_labels)(tables, doc)
                out += marked(fit(", ".join(names), size), self.style("accent"), match,
                              self._pattern)
            out.append(_GAP)
        return out

    def _tick(self, doc: dict, status: str) -> Segment:
        if status == "planned":
            return Segment(PLANNED_MARK, self.style("planned"))
        if status == "cancelled":
            return Segment(CANCELLED_MARK, self.style("muted"))
        if doc.get("origin") == "planned":
            return Segment(DONE_MARK, self.style("done"))
        return Segment(" ")

    def _event(self, doc: dict, size: int, style: Style, match: Style) -> list[Segment]:
        """The event, after the priority and carried-over marks (which take room from it)."""
        prefix: list[Segment] = []
        if doc.get("priority") == "high":
            prefix.append(Segment("! ", self.style("high")))
        if doc.get("carried_from"):
            prefix.append(Segment("↪ ", self.style("muted")))
        if doc.get("series"):  # an occurrence of a repeating entry
            prefix.append(Segment("↻ ", self.style("muted")))
        used = sum(len(p.text) for p in prefix)
        if used >= size:
            return [Segment(fit("", size))]
        return [*prefix, *marked(fit(doc["event"], size - used), style, match, self._pattern)]

    def _note_segments(self, tables: Tables, kind: str, key: str, width: int) -> list[Segment]:
        """A day note or a review among search results: what it is, when, its first line."""
        from journal.search.notes import snippet

        table = "days" if kind == "day" else "reviews"
        doc = tables.get(table, {}).get(key) or {}
        text = str(doc.get("note" if kind == "day" else "text") or "")
        out = [Segment(" "), Segment("✎", self.style("accent")), Segment(" ")]
        columns = self.columns(width)
        line = snippet(text, self._words)
        has_summary = any(column == "summary" for column, _ in columns)
        for column, size in columns:
            if column == "date":
                out.append(Segment(fit(key, size), self.style("muted")))
            elif column == "time":
                out.append(Segment(fit("", size)))
            elif column == "event":
                title = _("Day note") if kind == "day" else _("Review {key}").format(key=key)
                out.append(Segment(fit(title, size), self.style("accent")))
            elif column == "summary" or not has_summary:
                out += marked(fit(line, size), self.style("muted"), self.style("match"),
                              self._pattern)
            else:
                out.append(Segment(fit("", size)))
            out.append(_GAP)
        return out
