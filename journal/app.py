"""The full-screen app: bindings, switching between screens, and noticing outside changes.

One :class:`~journal.service.Journal` is shared by every screen; the app never writes the file any
other way. Each main screen is a Textual *mode* (its own screen stack), so switching with one key keeps
where the user was on every screen. Every 1.5 s the app polls ``Journal.generation`` (one ``stat``)
and refreshes the visible screens when another process changed the file; writes go through the
service's locked transactions, so they never overwrite such changes either.

A big file is parsed in a thread while the first frame is already on screen, so the app feels alive
at once even on a 100k-entry journal.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from journal.errors import JournalError
from journal.screens.base import EntryDefaults, JournalScreen
from journal.screens.day import DayScreen
from journal.screens.dialogs import ConfirmScreen, HelpScreen
from journal.screens.documents import (
    ContactsScreen,
    DocumentsScreen,
    OrganisationsScreen,
    ProjectsScreen,
)
from journal.screens.editor import EditorScreen
from journal.screens.search import SearchScreen
from journal.screens.week import WeekScreen
from journal.screens.welcome import WelcomeScreen
from journal.search import SearchIndex
from journal.service import Journal
from journal.storage import Tables
from journal.widgets.catalog import KIND_TITLES, NameItem, build_items, match_items
from journal.widgets.render import plain

POLL_SECONDS = 1.5
#: Files above this size are parsed in a thread, behind a first frame.
BACKGROUND_LOAD_BYTES = 2_000_000
#: Journals with more entries than this build their search index in a thread.
BACKGROUND_INDEX_ENTRIES = 20_000
MODE_OF_KIND = {"contact": "contacts", "project": "projects", "organisation": "organisations"}
#: Actions that leave the current screen: refused while a dialog is open.
_NAVIGATION = {"mode", "new_entry", "help"}


class DocumentCommands(Provider):
    """Command-palette hits for contacts, projects and organisations by name ("open 张伟")."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, JournalApp) or not app.ready or not query.strip():
            return
        matcher = self.matcher(query)
        for kind in KIND_TITLES:
            for item in match_items(app.name_items(kind), query, limit=8):
                score = matcher.match(item.label) or 0.3
                yield Hit(score, Content.assemble(matcher.highlight(item.label),
                                                  (f"  {kind}", "dim")),
                          partial(app.open_document, kind, item.id), text=item.label,
                          help=f"Open this {kind}")


class JournalApp(App[None]):
    """The journal TUI. ``today`` pins the date (tests, snapshots); otherwise the real date."""

    CSS_PATH = "app.tcss"
    TITLE = "journal"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]
    COMMANDS = App.COMMANDS | {DocumentCommands}
    MODES: ClassVar[dict[str, Any]] = {
        "journal": DayScreen, "search": SearchScreen, "contacts": ContactsScreen,
        "projects": ProjectsScreen, "organisations": OrganisationsScreen, "week": WeekScreen}
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("n", "new_entry", "New", tooltip="New entry"),
        Binding("slash", "mode('search')", "Search", show=False),
        Binding("j", "mode('journal')", "Journal", show=False),
        Binding("c", "mode('contacts')", "Contacts", show=False),
        Binding("p", "mode('projects')", "Projects", show=False),
        Binding("o", "mode('organisations')", "Orgs", show=False, tooltip="Organisations"),
        Binding("w", "mode('week')", "Week", show=False, tooltip="Week summary"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, path: Path | str, *, today: date | None = None,
                 poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__()
        self.journal = Journal(path)
        self._today = today
        self._poll_seconds = poll_seconds
        #: True once the data is loaded and the first screen chosen (welcome answered).
        self.ready = False
        self._seen_generation = -1
        self._last_error = ""
        self._items: dict[str, tuple[int, list[NameItem]]] = {}
        self._index: tuple[int, SearchIndex] | None = None
        self._indexing: int | None = None

    # -- shared state ---------------------------------------------------------------------
    @property
    def today(self) -> date:
        """The pinned date, or the real one (an app left open overnight moves on)."""
        return self._today or date.today()

    @property
    def generation(self) -> int:
        return self.journal.generation

    def name_items(self, kind: str) -> list[NameItem]:
        """Names of one kind, built once per data generation."""
        generation = self.generation
        cached = self._items.get(kind)
        if cached is None or cached[0] != generation:
            cached = (generation, build_items(self.journal.tables, kind))
            self._items[kind] = cached
        return cached[1]

    def search_index(self) -> SearchIndex | None:
        """The search index over the current data, or None while a big one is being built.

        Building takes ~1.5 s at 100k entries, so above :data:`BACKGROUND_INDEX_ENTRIES` it runs in
        a thread on the data as loaded, and the screens hear ``index_ready()`` when it is there.
        """
        generation = self.generation
        if self._index is not None and self._index[0] == generation:
            return self._index[1]
        tables = self.journal.tables
        if len(tables.get("entries", {})) < BACKGROUND_INDEX_ENTRIES:
            self._index = (generation, SearchIndex(tables))
            return self._index[1]
        if self._indexing != generation:
            self._indexing = generation
            self._build_index(generation, tables)
        return None

    @work(thread=True, group="index")
    def _build_index(self, generation: int, tables: Tables) -> None:
        """Build in a thread: ``tables`` is a snapshot the store never changes (a write makes new
        tables), so the UI thread may go on reading and writing meanwhile."""
        try:
            index: SearchIndex | None = SearchIndex(tables)
        except JournalError as exc:
            index = None
            self.call_from_thread(self.notify, f"Search is unavailable: {exc}",
                                  severity="error", markup=False)
        self.call_from_thread(self._index_built, generation, index)

    def _index_built(self, generation: int, index: SearchIndex | None) -> None:
        if self._indexing == generation:
            self._indexing = None
        if index is None or generation != self.generation:
            return
        self._index = (generation, index)
        gc.freeze()
        for screen in self.screen_stack:
            if isinstance(screen, JournalScreen):
                screen.index_ready()

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Show a user error as a notification instead of crashing."""
        try:
            yield
        except JournalError as exc:
            self.notify(str(exc), title="journal", severity="error", markup=False, timeout=8)

    # -- start-up -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Content.assemble("Opening ", plain(str(self.journal.path)), " …"),
                     id="loading")

    def on_mount(self) -> None:
        try:
            size = self.journal.path.stat().st_size
        except OSError:
            size = 0
        if size > BACKGROUND_LOAD_BYTES:
            self._load_in_thread()
        else:
            self._load()
        self.set_interval(self._poll_seconds, self._poll)

    @work(thread=True, exit_on_error=False)
    def _load_in_thread(self) -> None:
        try:
            self.journal.tables  # noqa: B018 - parse the file now, off the UI thread
        except JournalError as exc:
            self.call_from_thread(self._fail, exc)
            return
        self.call_from_thread(self._loaded)

    def _load(self) -> None:
        try:
            self.journal.tables  # noqa: B018
        except JournalError as exc:
            self._fail(exc)
            return
        self._loaded()

    def _fail(self, exc: JournalError) -> None:
        self.exit(return_code=1, message=f"journal: {exc}")

    def _loaded(self) -> None:
        # The loaded journal is hundreds of thousands of long-lived objects without cycles:
        # keep the cyclic GC from rescanning them (a 100k journal made every full collection a
        # visible 200 ms stutter while typing). Reference counting still frees them.
        gc.freeze()
        self._seen_generation = self.generation
        tables = self.journal.tables
        if any(tables.get(name) for name in ("entries", "contacts", "projects", "organisations")):
            self._start()
        else:
            self.push_screen(WelcomeScreen(), lambda _: self._start())

    def _start(self) -> None:
        self.ready = True
        self.switch_mode("journal")
        self.search_index()  # start building it now, so the first search does not wait

    # -- outside changes ------------------------------------------------------------------
    def _poll(self) -> None:
        """Refresh the visible screens when the file changed (another process, a git pull)."""
        if not self.ready:
            return
        try:
            generation = self.generation
        except JournalError as exc:
            if str(exc) != self._last_error:  # say it once, not every poll
                self._last_error = str(exc)
                self.notify(str(exc), title="journal", severity="error", markup=False,
                            timeout=15)
            return
        self._last_error = ""
        if generation != self._seen_generation:
            self._seen_generation = generation
            for screen in self.screen_stack:
                if isinstance(screen, JournalScreen):
                    screen.sync()

    def refresh_visible(self) -> None:
        """After a change made here: refresh now rather than at the next poll."""
        self._poll()

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        blocked = not self.ready or isinstance(self.screen, ModalScreen)
        return not (action in _NAVIGATION and blocked)

    def main_screen(self) -> Screen[Any]:
        """The main screen of the current mode (under any dialogs)."""
        return self.screen_stack[0] if self.screen_stack else self.screen

    async def action_mode(self, mode: str) -> None:
        await self.switch_mode(mode)
        screen = self.main_screen()
        if isinstance(screen, JournalScreen):
            screen.entered()

    def action_new_entry(self) -> None:
        screen = self.main_screen()
        defaults = (screen.entry_defaults() if isinstance(screen, JournalScreen)
                    else EntryDefaults(self.today))
        self.push_screen(EditorScreen(defaults=defaults), self._entry_saved)

    def edit_entry(self, entry_id: str) -> None:
        self.push_screen(EditorScreen(entry_id=entry_id), self._entry_saved)

    def _entry_saved(self, entry_id: str | None) -> None:
        self.refresh_visible()
        screen = self.main_screen()
        if entry_id and isinstance(screen, DayScreen):
            screen.show_entry(entry_id)

    def delete_entry(self, entry_id: str) -> None:
        """Ask, then delete."""
        doc = self.journal.tables.get("entries", {}).get(entry_id)
        if doc is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                with self.guard():
                    self.journal.delete_entry(entry_id)
                    self.notify("Entry deleted.", markup=False)
                self.refresh_visible()

        question = Content.assemble("Delete ", plain(f"“{doc['event']}”", "bold"),
                                    f" on {doc['date']}?")
        self.push_screen(ConfirmScreen(question, yes="Delete"), answered)

    async def show_entry(self, entry_id: str) -> None:
        """Open the day view on the entry's date with the entry selected."""
        await self.switch_mode("journal")
        screen = self.main_screen()
        if isinstance(screen, DayScreen):
            screen.show_entry(entry_id)

    async def open_document(self, kind: str, doc_id: str) -> None:
        """Open a contact, project or organisation in its screen."""
        await self.switch_mode(MODE_OF_KIND[kind])
        screen = self.main_screen()
        if isinstance(screen, DocumentsScreen):
            screen.show_document(doc_id)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen.active_bindings))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action in the command palette, with the screen's own ones first."""
        if self.ready and isinstance(screen, JournalScreen):
            yield from screen.commands()
        if self.ready:
            yield SystemCommand("New entry", "Write a new entry (n)", self.action_new_entry)
            for mode, title, key in (("journal", "Journal", "j"), ("search", "Search", "/"),
                                     ("contacts", "Contacts", "c"), ("projects", "Projects", "p"),
                                     ("organisations", "Organisations", "o"),
                                     ("week", "Week summary", "w")):
                yield SystemCommand(f"Go to {title}", f"Show the {title.lower()} screen ({key})",
                                    partial(self.action_mode, mode))
            yield SystemCommand("Help", "Keys and tips (?)", self.action_help)
        yield from super().get_system_commands(screen)


def run_app(path: Path, *, today: date | None = None) -> int:
    """Run the TUI on ``path``; the exit code for the CLI."""
    app = JournalApp(path, today=today)
    app.run()
    return app.return_code or 0
