"""What the main screens share: access to the journal and refreshing when the data changed.

Each main screen remembers the data generation it last showed. It refreshes when it comes back into
view and when the app's poll notices a change (another terminal's ``journal add``, a ``git pull``),
so the data on screen is never older than a poll interval and hidden screens cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import SystemCommand
from textual.screen import Screen

from journal.widgets.picker import Pick

if TYPE_CHECKING:
    from journal.app import JournalApp
    from journal.service import Journal


@dataclass
class EntryDefaults:
    """What a new entry starts with, given where the user pressed ``n``."""

    day: date
    contacts: list[Pick] = field(default_factory=list)
    projects: list[Pick] = field(default_factory=list)
    organisations: list[Pick] = field(default_factory=list)


class JournalScreen(Screen[None]):
    """A main screen (one per mode)."""

    MODE: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self.shown_generation = -1

    @property
    def japp(self) -> JournalApp:
        return cast("JournalApp", self.app)

    @property
    def journal(self) -> Journal:
        return self.japp.journal

    def on_screen_resume(self) -> None:
        self.sync()

    def sync(self, *, force: bool = False) -> None:
        """Refresh from the data if it changed since this screen last showed it."""
        generation = self.japp.generation
        if force or generation != self.shown_generation:
            self.shown_generation = generation
            with self.japp.guard():
                self.reload()

    def reload(self) -> None:
        """Re-read what this screen shows (override)."""

    def entered(self) -> None:
        """The user switched to this screen (not: a dialog above it closed)."""

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
