"""Search as you type over the whole journal.

The query language (words, "phrases", -excluded, contact:/org:/project:/tag:/status:/on:/from:/to:)
is :mod:`journal.search.index`'s; this screen asks the index (built once per data generation) for the
first :data:`FIRST_RESULTS` hits on every keystroke, which stays a few milliseconds even at 100k
entries, and asks again for more only when the user scrolls to the end of the list. Day notes and
written reviews that match are merged in by date (:mod:`journal.search.notes`); enter on one opens
its day or its week/month. ``x`` ticks the selected entry off, as in the day view.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from journal.errors import AmbiguousNameError, JournalError
from journal.i18n import N_, _, ngettext
from journal.screens.base import JournalScreen
from journal.search.notes import NoteIndex, parse_note_key
from journal.widgets.entry_detail import EntryDetail
from journal.widgets.entry_list import EntryList
from journal.widgets.navbar import NavBar
from journal.widgets.render import plain

#: Hits asked for per keystroke; scrolling past them asks for four times as many.
FIRST_RESULTS = 500
#: At most one query per this many seconds: a keystroke after a pause runs its query at once
#: (no added latency), a burst (key repeat, fast typing) is coalesced into one trailing query.
DEBOUNCE_S = 0.04
_HINT = (N_('words, "a phrase", -without, contact:张伟, org:工商, project:, tag:loan, '
         'status:planned, on:"last week", from:2026-11 to:上个月'))


#: Candidates of an ambiguous name listed one per line under the query (the rest are counted).
MAX_CANDIDATE_LINES = 8
_FIELD_OF_KIND = {"contact": "contact", "project": "project", "organisation": "org"}


def ambiguity(exc: AmbiguousNameError) -> Content:
    """An ambiguous name in the query as lines the user can act on: what matched, how to narrow
    it, and each candidate as the filter that names it exactly (wrapping, never cut off)."""
    field = _FIELD_OF_KIND.get(exc.kind)
    if field is None or not exc.candidates:
        return plain(str(exc), "$error")
    count = len(exc.candidates)
    lines = [Content.assemble(
        (f"{exc.kind} “", "$error"), plain(exc.text, "$error"),
        (_("” matches {count}: add a filter (org:, tag:, on:, a word) or name one of them:").format(count=count),
         "$error"))]
    for _id, text in exc.candidates[:MAX_CANDIDATE_LINES]:
        lines.append(Content.assemble("  ", plain(f'{field}:"{text}"', "$text-muted")))
    if count > MAX_CANDIDATE_LINES:
        lines.append(Content.styled(_("  … and {value} more: type more of the name").format(value=count - MAX_CANDIDATE_LINES), "$text-muted"))
    return Content("\n").join(lines)


class SearchScreen(JournalScreen):
    """A query box over a page of results; enter opens the entry in the day view."""

    MODE = "search"
    AUTO_FOCUS = "#search-query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "tick", N_("Tick"), tooltip=N_("Tick the selected entry off (planned ↔ done)")),
        Binding("e", "edit", N_("Edit")),
        Binding("d", "delete", N_("Delete")),
        # shown: while the query box has the focus, it is the only key the footer can offer
        Binding("escape", "toggle_focus", N_("Query/results"), key_display="esc"),
        Binding("down", "focus_results", N_("Results"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._last_run = 0.0
        self._limit = FIRST_RESULTS
        #: Milliseconds the last query took in the index (read by the benchmark).
        self.last_ms = 0.0
        #: Day notes and reviews folded for searching, per data generation.
        self._notes: tuple[int, NoteIndex] | None = None
        self._status_text = _HINT

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield Input(placeholder=_("Search: {hint}").format(hint=_(_HINT)), id="search-query")
        yield Static(Content.styled(_HINT, "$text-muted"), id="search-status")
        with Container(id="search-body"):
            yield EntryList(self.session.entry_tables, show_date=True, id="search-results")
            yield EntryDetail(self.session.entry_tables, lambda: self.japp.generation,
                              follow_ups=self.session.follow_ups_of, id="search-detail")
        yield Footer(compact=True)

    @property
    def query_input(self) -> Input:
        return self.query_one("#search-query", Input)

    @property
    def results(self) -> EntryList:
        return self.query_one("#search-results", EntryList)

    def entered(self) -> None:
        self.query_input.focus()

    # -- searching ------------------------------------------------------------------------
    @on(Input.Changed, "#search-query")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        wait = self._last_run + DEBOUNCE_S - time.monotonic()
        if wait <= 0:
            self.run_query()
        else:
            self._timer = self.set_timer(wait, self.run_query)

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        self.run_query()
        if self.results.count:
            self.results.focus()

    def reload(self) -> None:
        self.run_query()

    def index_ready(self) -> None:
        self.run_query()

    def _status(self, content: Content) -> None:
        """Update the status line only when it says something new (an update reflows)."""
        if content.plain != self._status_text:
            self._status_text = content.plain
            self.query_one("#search-status", Static).update(content)

    def run_query(self) -> None:
        """Show the first hits of the query now in the box."""
        self._timer = None
        try:
            self._run_query()
        finally:
            self._last_run = time.monotonic()

    def _run_query(self) -> None:
        text = self.query_input.value
        if not text.strip():
            self.results.set_entries([])
            self._status(Content.styled(_HINT, "$text-muted"))
            self._show_detail()
            return
        index = self.japp.search_index()
        if index is None:
            count = len(self.journal.tables.get("entries", {}))
            self._status(Content.styled(_("Indexing {count:,} entries…").format(count=count), "$text-muted"))
            return
        self._limit = FIRST_RESULTS
        started = time.perf_counter()
        try:
            ids = self.session.search_entries(index, text, self._limit)
            rows = self._with_notes(text, ids)
        except AmbiguousNameError as exc:
            self._status(ambiguity(exc))
            return
        except JournalError as exc:
            self._status(plain(str(exc), "$error"))
            return
        self.last_ms = (time.perf_counter() - started) * 1000
        words = index.highlight_terms(text)
        more = f"{len(rows)}+" if len(ids) >= self._limit else f"{len(rows)}"
        self._status(Content.styled(
            ngettext("{more} result · enter opens it · x ticks it off",
                     "{more} results · enter opens it · x ticks it off", len(rows)).format(
                more=more),
            "$text-muted"))
        self.results.set_entries(rows, more=self._more if len(ids) >= self._limit else None,
                                 highlight=words)
        self._show_detail()

    def _with_notes(self, text: str, ids: list[str]) -> list[str]:
        """``ids`` (newest first) with the matching day notes and reviews merged in by date."""
        from journal.search.notes import NoteIndex, merge_hits

        tables = self.journal.tables
        generation = self.japp.generation
        if self._notes is None or self._notes[0] != generation:
            self._notes = (generation, NoteIndex(tables))
        notes = self._notes[1].search(text, today=self.japp.today)
        if not notes:
            return ids
        entries = self.session.entry_tables().get("entries", {})  # occurrences too
        if len(ids) >= self._limit:  # a cut list: notes older than its last entry come later
            oldest = entries[ids[-1]]["date"] if ids and ids[-1] in entries else ""
            notes = [n for n in notes if n.date >= oldest]
        return merge_hits([(i, entries[i]["date"]) for i in ids if i in entries], notes)

    def _more(self) -> list[str]:
        """The same query with a higher limit (the user scrolled past the hits shown)."""
        index = self.japp.search_index()
        if index is None:
            return list(self.results.entry_ids)
        self._limit *= 4
        try:
            ids = self.session.search_entries(index, self.query_input.value, self._limit)
            return self._with_notes(self.query_input.value, ids)
        except JournalError:
            return list(self.results.entry_ids)

    def _show_detail(self) -> None:
        self.cancel_soon()
        self.query_one(EntryDetail).show(self.results.selected_id)
        self.update_resolve_binding()

    def conflict_target(self) -> tuple[str, str] | None:
        return self.entry_conflict(self.results.selected_id)

    @on(EntryList.Highlighted, "#search-results")
    def _highlighted(self) -> None:
        self.show_soon(self._show_detail)

    @on(EntryList.Selected, "#search-results")
    async def _chosen(self, event: EntryList.Selected) -> None:
        if not event.key:
            return
        note = parse_note_key(event.key)
        if note is not None:
            await self.japp.open_note(*note)
        else:
            await self.japp.show_entry(event.key)

    # -- actions --------------------------------------------------------------------------
    def selected_entry(self) -> str | None:
        key = self.results.selected_id
        return key if key and parse_note_key(key) is None else None

    def action_tick(self) -> None:
        entry_id = self.selected_entry()
        if entry_id:
            self.japp.tick_entry(entry_id, self._after_tick)

    def _after_tick(self) -> None:
        self.results.refresh()
        self.query_one(EntryDetail).show(self.results.selected_id)

    def action_toggle_focus(self) -> None:
        """Escape leaves the query box (so one-key commands work) and comes back to it."""
        if self.query_input.has_focus:
            self.results.focus()
        else:
            self.query_input.focus()

    def action_focus_results(self) -> None:
        if self.query_input.has_focus and self.results.count:
            self.results.focus()

    def action_edit(self) -> None:
        if self.selected_entry():
            self.japp.edit_entry(self.results.selected_id)

    def action_delete(self) -> None:
        if self.selected_entry():
            self.japp.delete_entry(self.results.selected_id)

    def can_act(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "tick") and not (self.selected_entry()
                                                         and self.results.has_focus):
            return None
        return super().can_act(action, parameters)

    def commands(self) -> Iterable[SystemCommand]:
        if self.selected_entry():
            yield SystemCommand(_("Tick off"), _("Planned ↔ done for the selected result (x)"),
                                self.action_tick)
            yield SystemCommand(_("Edit entry"), _("Edit the selected result (e)"), self.action_edit)
            yield SystemCommand(_("Delete entry"), _("Delete the selected result (d)"),
                                self.action_delete)
        yield from self.conflict_commands()
