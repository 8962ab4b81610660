"""What the main screens share: access to the journal and refreshing when the data changed.

Each main screen remembers the data generation it last showed. It refreshes when it comes back into
view and when the app's poll notices a change (another terminal's ``journal add``, a ``git pull``),
so the data on screen is never older than a poll interval and hidden screens cost nothing.

A screen joins the app's screen stack the moment its mode is chosen but is composed a turn later,
in its own task; the file poll, the search index's worker and a sync's result arrive whenever they
arrive. Everything that reaches a screen from outside its own event handlers therefore goes
through :attr:`JournalScreen.live`: a screen not composed yet is refreshed by its own
``ScreenResume`` once it is, and one already removed from the app is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from journal.i18n import N_, _
from journal.screens.translated import TranslatedBindings
from journal.widgets.inline_editor import InlineEditor
from journal.widgets.picker import Pick

if TYPE_CHECKING:
    from journal.screens.host import JournalHost
    from journal.service import Journal
    from journal.session import JournalSession


@dataclass
class EntryDefaults:
    """What a new entry starts with, given where the user pressed ``n``."""

    day: date
    contacts: list[Pick] = field(default_factory=list)
    projects: list[Pick] = field(default_factory=list)
    organisations: list[Pick] = field(default_factory=list)


#: How long the cursor must rest before the pane beside a list follows it. Updating the pane reflows
#: the screen (tens of milliseconds on a 100k journal); moving the cursor repaints two rows. So
#: holding ↓ scrolls at once, and the pane catches up as soon as the user stops.
DETAIL_DELAY_S = 0.08


class JournalScreen(TranslatedBindings, Screen[None]):
    """A main screen (one per mode)."""

    MODE: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        # shown only where the selected entry or document carries a conflict (check_action)
        Binding("r", "resolve", N_("Resolve"), tooltip=N_("Choose the values of a merge conflict")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown_generation = -1
        self._resolve_shown = False
        self._detail_timer: Timer | None = None

    @property
    def japp(self) -> JournalHost:
        return cast("JournalHost", self.app)

    @property
    def journal(self) -> Journal:
        return self.japp.journal

    @property
    def session(self) -> JournalSession:
        """What the screen reads (a day's entries, conflicts, names, client standings, the
        index), kept per data generation: journal.session."""
        return self.japp.session

    @property
    def live(self) -> bool:
        """Composed, mounted and still part of the running app: only then may a refresh that
        comes from a timer, a worker, the file poll or a sync result touch its widgets."""
        return self.is_mounted and self.is_running and self.is_attached

    def on_mount(self) -> None:
        """Focus the :attr:`AUTO_FOCUS` widget also when the terminal has no focus (Textual's own
        auto-focus waits for it). Looked up with a query, not ``query_one``: when the app quits
        while this screen is being built, compose is cut short and there is nothing to focus."""
        if isinstance(self.AUTO_FOCUS, str):
            for widget in self.query(self.AUTO_FOCUS):
                widget.focus()
                break

    def on_screen_resume(self) -> None:
        self.sync()

    def sync(self, *, force: bool = False) -> None:
        """Refresh from the data if it changed since this screen last showed it. A screen that is
        not :attr:`live` is skipped (and keeps its old generation, so it refreshes once it is)."""
        if not self.live:
            return
        generation = self.japp.generation
        if force or generation != self.shown_generation:
            self.shown_generation = generation
            with self.japp.guard():
                self.reload()

    def reload(self) -> None:
        """Re-read what this screen shows (override)."""

    def show_soon(self, show: Callable[[], None]) -> None:
        """Run ``show`` once the cursor has rested for :data:`DETAIL_DELAY_S`."""
        self.cancel_soon()
        self._detail_timer = self.set_timer(DETAIL_DELAY_S, show)

    def cancel_soon(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None

    def entered(self) -> None:
        """The user switched to this screen (not: a dialog above it closed)."""

    def index_built(self) -> None:
        """The app's word that the search index is there: passed on to :meth:`index_ready` when
        this screen can use it (one composed later asks for the index itself)."""
        if self.live:
            with self.japp.guard():
                self.index_ready()

    def index_ready(self) -> None:
        """The search index for the current data has just been built (override to use it)."""

    def entry_defaults(self) -> EntryDefaults:
        """The starting point of a new entry created from this screen."""
        return EntryDefaults(self.japp.today)

    def selected_entry(self) -> str | None:
        """The entry the user is on, for edit and delete (override where there is one)."""
        return None

    def commands(self) -> Iterable[SystemCommand]:
        """This screen's actions for the command palette (override)."""
        return ()

    # -- merge conflicts ------------------------------------------------------------------
    def conflict_target(self) -> tuple[str, str] | None:
        """(table, id) of what ``r`` would resolve here: the selected entry or document, if it
        carries recorded conflicts (override)."""
        return None

    def entry_conflict(self, entry_id: str | None) -> tuple[str, str] | None:
        """``("entries", entry_id)`` if that entry carries conflicts."""
        if entry_id and entry_id in self.session.conflicted()["entries"]:
            return ("entries", entry_id)
        return None

    def action_resolve(self) -> None:
        target = self.conflict_target()
        if target is not None:
            self.japp.resolve_conflicts(*target)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No action of this screen's own before it is composed (a key typed while it is being
        built would find none of its widgets); then what :meth:`can_act` says."""
        if not self.live:
            return False
        return self.can_act(action, parameters)

    def can_act(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Whether an action is available now (True), shown greyed out (None) or hidden (False);
        override, calling this one for the actions the override does not decide."""
        if action == "resolve":
            return self.conflict_target() is not None  # hidden from the footer otherwise
        return True

    def update_resolve_binding(self) -> None:
        """Show or hide ``r`` in the footer when the selection moved onto or off a conflict
        (only on a change: refreshing the footer on every cursor move would cost a repaint)."""
        shown = self.conflict_target() is not None
        if shown != self._resolve_shown:
            self._resolve_shown = shown
            self.refresh_bindings()

    def on_inline_editor_discard_asked(self, event: InlineEditor.DiscardAsked) -> None:
        """Escape in an in-place editor with something typed: ask before throwing it away."""
        from journal.screens.dialogs import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                event.editor.close()

        self.app.push_screen(ConfirmScreen(_("Discard what you typed?"), yes=_("Discard"),
                                           no=_("Keep editing")), answered)

    def on_descendant_focus(self) -> None:
        """What ``r`` acts on may follow the focus (a document or an entry of its cross-index)."""
        self.update_resolve_binding()

    def conflict_commands(self) -> Iterable[SystemCommand]:
        if self.conflict_target() is not None:
            yield SystemCommand(_("Resolve merge conflict…"), _("Choose the values the selected item "
                                "keeps (r)"), self.action_resolve)
