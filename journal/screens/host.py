"""The app as the screens see it: what a screen may ask of the journal app that shows it.

Why a description and not the app's class: the app imports the screens to show them, so a screen
naming ``JournalApp``, even only in an annotation, closes a circle (app -> screens -> app) and lets
a screen reach into anything the app holds. The screens name :class:`JournalHost` instead;
:class:`journal.app.JournalApp` fulfils it (tests/tui/test_host.py holds the two together). A
screen that needs more of the app adds it here first, where every reader sees it.

Textual's own ``App`` (``push_screen``, ``notify``, ``call_later`` ...) stays ``self.app``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from journal.config import Config
    from journal.search.index import SearchIndex
    from journal.service import Journal
    from journal.session import JournalSession
    from journal.settings import Settings


@runtime_checkable
class JournalHost(Protocol):
    """The journal, what the screens read, the user's settings, and the few flows that span
    screens (edit, tick, delete, open an entry, a note or a conflict)."""

    # -- shared state ---------------------------------------------------------------------------
    @property
    def journal(self) -> Journal:
        """The service: every change to the journal and the reads behind the screens."""
        ...

    @property
    def session(self) -> JournalSession:
        """The app's read side, kept per data generation (journal.session)."""
        ...

    @property
    def config(self) -> Config:
        """The user's configuration (tiers, templates ...)."""
        ...

    @property
    def settings(self) -> Settings:
        """Per-machine settings; a screen may change a field and save them."""
        ...

    @property
    def today(self) -> date:
        """The pinned date (tests) or the real one."""
        ...

    @property
    def generation(self) -> int:
        """The data generation: a screen redraws when it moved on."""
        ...

    def now(self) -> datetime:
        """The current moment to the minute (on the pinned date when there is one): what is due."""
        ...

    def guard(self) -> AbstractContextManager[None]:
        """Show a user error as a notification (an unreadable file as its dialog) instead of
        crashing."""
        ...

    def search_index(self) -> SearchIndex | None:
        """The search index over the current data, or None while a big one is being built."""
        ...

    # -- what the screens ask the app to do --------------------------------------------------------
    def refresh_visible(self) -> None:
        """After a change made here: refresh now rather than at the next poll."""
        ...

    def show_file_problem(self) -> None:
        """The dialog saying the journal file cannot be read any more, and how to repair it."""
        ...

    def edit_entry(self, entry_id: str) -> None:
        """Open the entry editor on an entry."""
        ...

    def tick_entry(self, entry_id: str, after: Callable[[], None]) -> None:
        """Tick an entry done or planned (asking first for a future one), then ``after()``."""
        ...

    def delete_entry(self, entry_id: str) -> None:
        """Ask, then delete an entry."""
        ...

    async def show_entry(self, entry_id: str) -> None:
        """Open the day view on the entry's date with the entry selected."""
        ...

    async def open_note(self, kind: str, key: str) -> None:
        """A day note in the day view, a review on its week or month screen."""
        ...

    def resolve_conflicts(self, table: str, doc_id: str) -> None:
        """Open the dialog that picks the values of a document's conflicting fields."""
        ...
