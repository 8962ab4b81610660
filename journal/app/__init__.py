"""The full-screen app: bindings, switching between screens, and noticing outside changes.

One :class:`~journal.service.Journal` is shared by every screen; the app never writes the file any
other way. Each main screen is a Textual *mode* (its own screen stack), so switching with one key keeps
where the user was on every screen. Every 1.5 s the app polls ``Journal.generation`` (one ``stat``)
and refreshes the visible screens when another process changed the file; writes go through the
service's locked transactions, so they never overwrite such changes either.

A big file is parsed in a thread while the first frame is already on screen, so the app feels alive
at once even on a 100k-entry journal.

Git sync (``s``, the command palette, and the per-machine settings pull-on-open / sync-on-quit) runs
in :mod:`journal.app.syncing`; merge conflicts are marked ⚠ and resolved in
:mod:`journal.screens.conflicts`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import actions, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from journal.app.entry_actions import EntryActions
from journal.app.indexing import IndexBuilding
from journal.app.palette import DocumentCommands
from journal.app.syncing import SyncRunner, sync_commands
from journal.config import Config, ConfigError, config_path, load_config
from journal.errors import JournalError, StorageError
from journal.i18n import N_, _, ngettext
from journal.screens.base import JournalScreen
from journal.screens.modes import MODES
from journal.screens.translated import translated_command
from journal.service import Journal
from journal.session import JournalSession
from journal.settings import load_settings, settings_path
from journal.widgets.render import plain, sentence

POLL_SECONDS = 1.5
#: How often the app looks for reminders that came due (journal.reminders).
REMINDER_SECONDS = 20.0
#: Files above this size are parsed in a thread, behind a first frame.
BACKGROUND_LOAD_BYTES = 2_000_000
#: After launch, the index is built once the user had this long to look at the first screen
#: (or at once when a screen needs it): the build makes the UI share the CPU for a second or two.
INDEX_DELAY_S = 1.0
#: Actions that leave the current screen: refused while a dialog is open.
_NAVIGATION = {"mode", "new_entry", "help", "sync", "conflicts"}
#: Actions of the app and its main screens that still run while the file cannot be read: they
#: neither read the journal nor write it (sync has its own checks and may be the repair).
_SAFE_WHEN_UNREADABLE = frozenset({"quit", "help", "command_palette", "sync", "bell",
                                   "focus_filter", "focus_list", "focus_results", "toggle_focus",
                                   "back"})


class JournalApp(EntryActions, IndexBuilding):
    """The journal TUI. ``today`` pins the date (tests, snapshots); otherwise the real date."""

    CSS_PATH = "app.tcss"
    TITLE = "journal"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (36, "-tall")]
    COMMANDS = App.COMMANDS | {DocumentCommands}
    MODES: ClassVar[dict[str, Any]] = MODES  # each screen imported when first shown
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("n", "new_entry", N_("New"), tooltip=N_("New entry")),
        Binding("slash", "mode('search')", N_("Search"), show=False),
        Binding("j", "mode('journal')", "Journal", show=False),
        Binding("c", "mode('contacts')", N_("Contacts"), show=False),
        Binding("p", "mode('projects')", N_("Projects"), show=False),
        Binding("o", "mode('organisations')", N_("Orgs"), show=False, tooltip=N_("Organisations")),
        Binding("w", "mode('week')", N_("Week"), show=False, tooltip=N_("Week summary and review")),
        Binding("m", "mode('month')", N_("Month"), show=False, tooltip=N_("Month summary and review")),
        Binding("k", "mode('calendar')", N_("Calendar"), show=False, tooltip=N_("Month calendar")),
        Binding("s", "sync", N_("Sync"), tooltip=N_("Sync with git: commit, pull, merge, push")),
        Binding("question_mark", "help", N_("Help")),
        Binding("q", "quit", N_("Quit")),
    ]

    def __init__(self, path: Path | str, *, today: date | None = None,
                 poll_seconds: float = POLL_SECONDS, config: Path | Config | None = None) -> None:
        super().__init__()
        #: The user's configuration (journal.config); a bad file is reported once the app shows,
        #: and the defaults apply meanwhile (the journal itself is still usable).
        self.config_error = ""
        config_file = config_path(config if isinstance(config, Path) else None)
        if isinstance(config, Config):
            self.config = config
        else:
            try:
                self.config = load_config(config_file)
            except ConfigError as exc:
                self.config, self.config_error = Config(), str(exc)
        # A file that becomes unreadable while the app is open (conflict markers from a pull
        # without the merge driver) keeps what is on screen: reads serve the data as last read,
        # writes refuse, and the app says why (see file_ok).
        self.journal = Journal(path, config=self.config, keep_last_good=True)
        self._today = today
        self._poll_seconds = poll_seconds
        #: True once the data is loaded and the first screen chosen (welcome answered).
        self.ready = False
        self._seen_generation = -1
        self._last_error = ""
        #: What the screens read, kept per data generation (journal.session: no Textual there).
        self.session = JournalSession(self.journal, self.config, lambda: self.today)
        self._indexing: int | None = None
        self._cache_tried = False
        #: Per-machine settings (pull on open, sync on quit), beside the configuration file.
        self.settings_file = settings_path(config if isinstance(config, Path) else None)
        self.settings = load_settings(self.settings_file)
        self.syncer = SyncRunner(self)
        self._birthdays_told: date | None = None
        #: Reminders the dialog showed this session, as (id, remind_at): shown once (a snooze
        #: moves remind_at, so a snoozed one comes back when due again).
        self._reminders_shown: set[tuple[str, str]] = set()

    # -- shared state ---------------------------------------------------------------------
    @property
    def today(self) -> date:
        """The pinned date, or the real one (an app left open overnight moves on)."""
        return self._today or date.today()

    def now(self) -> datetime:
        """The current moment to the minute (on the pinned date when there is one)."""
        moment = datetime.now().replace(second=0, microsecond=0)
        return datetime.combine(self._today, moment.time()) if self._today else moment

    @property
    def generation(self) -> int:
        return self.journal.generation

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Show a user error as a notification instead of crashing; a file that cannot be read
        any more as the dialog that says what happened and how to repair it."""
        try:
            yield
        except StorageError as exc:
            if self.journal.check_file() is not None:
                self.show_file_problem()
            else:  # the lock, a full disk ...: the file itself is fine
                self.notify(str(exc), title="journal", severity="error", markup=False, timeout=8)
        except JournalError as exc:
            self.notify(str(exc), title="journal", severity="error", markup=False, timeout=8)

    # -- a file that became unreadable while the app is open ----------------------------------
    def file_ok(self) -> bool:
        """True when the journal file can be read now; otherwise show why (once per press) and
        return False: the caller then does nothing, so what is on screen stays and nothing is
        written."""
        if self.journal.check_file() is None:
            return True
        self.show_file_problem()
        return False

    def show_file_problem(self) -> None:
        """The dialog with what happened, `journal doctor`, and how to repair the file."""
        from journal.screens.dialogs import FileProblemScreen

        problem = self.journal.problem
        if problem is None or isinstance(self.screen, FileProblemScreen):
            return
        self.clear_notifications()  # the poll's short notice of the same problem
        self.push_screen(FileProblemScreen(problem))

    async def run_action(self, action: str | actions.ActionParseResult,
                         default_namespace: Any = None, namespaces: Any = None) -> bool:
        """Every key bound on the app or a main screen first checks that the file can still be
        read: if not, the key shows the problem instead of acting on stale data (lists, inputs
        and dialogs keep their own keys)."""
        if self.ready and isinstance(action, str):
            try:
                destination, name, _params = actions.parse(action)
            except actions.ActionError:
                destination, name = "", ""
            target = {"app": self, "screen": self.screen}.get(destination, default_namespace)
            if isinstance(target, JournalScreen | JournalApp | None) \
                    and name not in _SAFE_WHEN_UNREADABLE and not self.file_ok():
                return True
        return await super().run_action(action, default_namespace, namespaces)

    # -- start-up -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(sentence(_("Opening {path} …"), path=plain(str(self.journal.path))),
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
        # Parsing allocates a million objects: with the cyclic GC on, its collections rescan the
        # growing heap again and again and double the parse time.
        gc.disable()
        try:
            self.journal.tables  # noqa: B018 - parse the file now, off the UI thread
            self.session.conflicted()  # one more pass over the data, here, not on the UI thread
        except JournalError as exc:
            gc.enable()
            self._from_thread(partial(self._fail, exc))
            return
        self._from_thread(self._loaded)

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
        # visible stutter while typing). Reference counting still frees them.
        gc.freeze()
        gc.enable()
        self._seen_generation = self.generation
        tables = self.journal.tables
        if any(tables.get(name) for name in ("entries", "contacts", "projects", "organisations")):
            self._start()
        else:
            from journal.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(), lambda _: self._start())
        self.check_driver()

    def _start(self) -> None:
        self.ready = True
        self.switch_mode("journal")
        self.set_timer(INDEX_DELAY_S, self.search_index)
        self.announce_conflicts()
        self.announce_birthdays()
        # after the first frame: the day view shows first, missed reminders a moment later
        self.call_after_refresh(self.check_reminders)
        self.set_interval(REMINDER_SECONDS, self.check_reminders)
        if self.config_error:
            self.notify(_("{problem} — using the defaults until it is fixed (`journal config "
                          "check`).").format(problem=self.config_error), title=_("Configuration"),
                        severity="error",
                        timeout=20, markup=False)
        if self.settings.pull_on_open:
            self.syncer.start("sync")

    def check_driver(self) -> None:
        """Warn when the journal sits in a git clone that lacks the merge driver (git config is
        not versioned, so a fresh clone does): a pull would then conflict line by line."""
        from journal.sync.driver import driver_warning, merge_warning

        unfinished = merge_warning(self.journal.path)
        if unfinished:
            self.notify(_("{problem} (or press s here).").format(problem=unfinished),
                        title=_("Unfinished git merge"),
                        severity="warning", timeout=30, markup=False)
        warning = driver_warning(self.journal.path)
        if warning:
            self.notify(_("{problem}. Or press ctrl+p here and choose “Register the merge "
                          "driver”.").format(problem=warning),
                        title=_("Git sync is not set up in this clone"), severity="warning",
                        timeout=30, markup=False)

    def announce_conflicts(self) -> None:
        """Say once (at start, after a pull) that merges left values to choose."""
        count = self.session.conflict_count()
        if count:
            self.notify(ngettext(
                "{count} document kept values from a merge conflict (marked ⚠). Press r on "
                "one, or ctrl+p → “Merge conflicts”.",
                "{count} documents kept values from a merge conflict (marked ⚠). Press r on "
                "one, or ctrl+p → “Merge conflicts”.", count).format(count=count),
                        title=_("Merge conflicts"), severity="warning", timeout=15, markup=False)

    def announce_birthdays(self) -> None:
        """A notification for each client whose birthday is today (once a day: an app left open
        overnight says it the next morning)."""
        today = self.today
        if self._birthdays_told == today:
            return
        self._birthdays_told = today
        try:
            found = self.journal.birthdays(today, 0)
        except JournalError:
            return
        for b in found:
            who = f"{b.name} ({b.organisation})" if b.organisation else b.name
            age = _(" turns {turns}").format(turns=b.turns) if b.turns is not None else ""
            self.notify(_("{who}{age} today. A greeting?").format(who=who, age=age), title=_("Birthday today 🎂"),
                        timeout=20, markup=False)

    def check_reminders(self) -> None:
        """Show the reminders due and not shown yet this session in the reminder dialog (at
        start: those missed while the app was closed). Not over another dialog: the next check
        shows them."""
        if not self.ready or isinstance(self.screen, ModalScreen) or self.journal.problem:
            return
        try:
            due = self.journal.due_reminders(self.now())
        except JournalError:
            return
        fresh = [r for r in due if (r.id, r.remind_at) not in self._reminders_shown]
        if not fresh:
            return
        self._reminders_shown.update((r.id, r.remind_at) for r in fresh)
        from journal.screens.reminders import ReminderScreen

        self.bell()
        self.push_screen(ReminderScreen(fresh), self._reminder_closed)

    def _reminder_closed(self, entry_id: str | None) -> None:
        self.refresh_visible()
        if entry_id:
            self.call_later(self.show_entry, entry_id)

    # -- outside changes ------------------------------------------------------------------
    def _poll(self) -> None:
        """Refresh the visible screens when the file changed (another process, a git pull)."""
        if not self.ready:
            return
        self.announce_birthdays()
        try:
            generation = self.generation
        except JournalError as exc:  # not even the data as last read (should not happen)
            problem: str | None = str(exc)
        else:
            problem = self.journal.problem
        if problem is not None:
            if problem != self._last_error:  # say it once, not every poll
                self._last_error = problem
                self.notify(_("{problem}. What you see stays as it was and nothing is saved; "
                              "run `journal doctor` for details.").format(problem=problem), title=_("The journal file cannot be read"),
                            severity="error", markup=False, timeout=15)
            return
        if self._last_error:
            self._last_error = ""
            self.notify(_("The journal file can be read again."), title="journal", markup=False)
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

    def action_help(self) -> None:
        from journal.screens.dialogs import HelpScreen

        self.push_screen(HelpScreen(self.screen.active_bindings))

    def action_sync(self) -> None:
        self.syncer.start("sync")

    async def action_quit(self) -> None:
        """Quit. A sync still running is stopped cleanly first; with sync-on-quit, sync first (or
        wait for the sync running). q again stops the sync; a third q quits at once."""
        sync_first = self.settings.sync_on_quit and self.ready
        if sync_first or self.syncer.running is not None or self.syncer.quit_after:
            self.syncer.quit(sync_first=sync_first)
        else:
            self.exit()

    def resolve_conflicts(self, table: str, doc_id: str) -> None:
        """Open the dialog that picks the values of a document's conflicting fields."""
        from journal.screens.conflicts import ResolveScreen

        if not self.file_ok():
            return
        self.push_screen(ResolveScreen(table, doc_id), lambda _: self.refresh_visible())

    def action_conflicts(self) -> None:
        """List every document with conflicts; the chosen one opens its dialog."""
        from journal.screens.conflicts import ConflictsScreen

        def chosen(target: tuple[str, str] | None) -> None:
            if target is not None:
                self.resolve_conflicts(*target)

        self.push_screen(ConflictsScreen(), chosen)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action in the command palette, with the screen's own ones first."""
        if self.ready and isinstance(screen, JournalScreen) and screen.live:
            yield from map(self._checked, screen.commands())
        if self.ready:
            yield self._checked(SystemCommand(_("New entry"), _("Write a new entry (n)"),
                                              self.action_new_entry))
            for mode, title, key in (("journal", "Journal", "j"), ("search", _("Search"), "/"),
                                     ("contacts", _("Contacts"), "c"), ("projects", _("Projects"), "p"),
                                     ("organisations", _("Organisations"), "o"),
                                     ("week", _("Week summary"), "w"),
                                     ("month", _("Month summary"), "m"),
                                     ("calendar", _("Calendar"), "k")):
                yield self._checked(SystemCommand(
                    _("Go to {title}").format(title=title), _("Show the {lower} screen ({key})").format(
                        lower=title.lower() if title.isascii() else title, key=key),
                    partial(self.action_mode, mode)))
            yield SystemCommand(_("Help"), _("Keys and tips (?)"), self.action_help)
            count = self.session.conflict_count()
            yield self._checked(SystemCommand(
                _("Merge conflicts ({count})").format(count=count), _("Documents that kept another machine's value: "
                "choose which to keep"), self.action_conflicts))
            yield from sync_commands(self)
        yield from map(translated_command, super().get_system_commands(screen))

    def _checked(self, command: SystemCommand) -> SystemCommand:
        """A palette command that, like a key, first checks that the file can still be read."""
        callback = command.callback

        def checked() -> Any:
            return callback() if self.file_ok() else None

        return command._replace(callback=checked)


def run_app(path: Path, *, today: date | None = None, config: Path | None = None) -> int:
    """Run the TUI on ``path`` (``config``: the ``--config`` file); the exit code for the CLI."""
    app = JournalApp(path, today=today, config=config)
    app.run()
    return app.return_code or 0
