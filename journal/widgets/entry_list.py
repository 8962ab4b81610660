"""Entries as a list of one-line rows (day view, cross-index, search results).

The list holds entry *ids* only and builds the visible rows from the data when they are painted
(see :mod:`journal.widgets.line_list`), so a cross-index of thousands of entries or a search with
100k hits costs the same as a day. Columns are sized from the list's width in terminal cells; the
summary is the first column to go when the list is narrow, so the event and the names stay readable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style

from journal.text import first_line
from journal.widgets.line_list import LineList, fit, marked, word_pattern
from journal.widgets.render import Tables, people_labels, project_labels

_TITLES = {"date": "Date", "time": "Time", "event": "Event", "summary": "Summary", "people": "With",
           "projects": "Project"}
_GAP = Segment("  ")
#: Spare cells from which the project gets a column of its own (a cross-index in a narrow pane
#: shows the event and the people; the entry's detail below it names the project).
_PROJECT_FROM = 48
#: Status in words before the event, not only as a colour (colour-blind users, monochrome
#: terminals): the same marks as the command line's lists.
STATUS_MARK = {"planned": "[planned] ", "cancelled": "[cancelled] "}


class EntryList(LineList):
    """Rows of entries in the order given; ``selected_id`` is the entry under the cursor."""

    HEADER = True

    def __init__(self, tables: Callable[[], Tables], *, show_date: bool = False,
                 summary_from: int = 100, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._tables = tables
        self.show_date = show_date
        #: Spare cells from which a summary column is shown: late beside a detail pane (which
        #: shows the summary anyway), early where there is none.
        self.summary_from = summary_from
        self._ids: list[str] = []
        self._more: Callable[[], list[str]] | None = None
        self._pattern = None

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
        # a leading space, then every column followed by a two-cell gap
        spare = width - 1 - sum(w + 2 for _, w in fixed)
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
        out = [Segment(" ")]
        for key, size in self.columns(width):
            out += [Segment(fit(_TITLES[key], size)), _GAP]
        return out

    def row_segments(self, index: int, width: int) -> list[Segment]:
        tables = self._tables()
        doc = tables.get("entries", {}).get(self._ids[index])
        if doc is None:  # deleted meanwhile; the next refresh drops it
            return [Segment(fit("(deleted)", width), self.style("muted"))]
        status = doc.get("status", "done")
        event_style = self.style(status) if status in ("planned", "cancelled") else Style()
        match = self.style("match")
        # the leading cell marks an entry that kept another machine's value (a merge conflict)
        out = [Segment("⚠", self.style("conflict")) if doc.get("conflicts") else Segment(" ")]
        for key, size in self.columns(width):
            if key == "date":
                out.append(Segment(fit(doc["date"], size), self.style("muted")))
            elif key == "time":
                out.append(Segment(fit(doc.get("time") or "", size), self.style("strong")))
            elif key == "event":
                mark = STATUS_MARK.get(status, "") + ("↻ " if doc.get("series") else "")
                if mark and size > len(mark) + 4:  # the mark, then as much of the event as fits
                    out += [Segment(mark, event_style)]
                    size -= len(mark)
                out += marked(fit(doc["event"], size), event_style, match, self._pattern)
            elif key == "summary":
                out += marked(fit(first_line(doc.get("summary") or ""), size), self.style("muted"),
                              match, self._pattern)
            else:
                names = (people_labels if key == "people" else project_labels)(tables, doc)
                out += marked(fit(", ".join(names), size), self.style("accent"), match,
                              self._pattern)
            out.append(_GAP)
        return out
