"""Building the app's search index without making the UI wait: small journals at once, big ones
in a worker thread behind the first frame (or from the derived search cache the CLI keeps), the
result handed to the session (journal.session) and the screens told. Mixed into
:class:`journal.app.JournalApp`.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App

from journal.errors import JournalError
from journal.i18n import _
from journal.models import Tables
from journal.screens.base import JournalScreen

if TYPE_CHECKING:
    from journal.search.index import SearchIndex
    from journal.service import Journal
    from journal.session import JournalSession

#: Journals with more entries than this build their search index in a thread.
BACKGROUND_INDEX_ENTRIES = 20_000
#: Thread switch interval while the index is built, so the UI thread gets the GIL back in a
#: millisecond rather than five (Python's default) whenever a key arrives.
BUILD_SWITCH_INTERVAL_S = 0.001


class IndexBuilding(App[None]):
    """The index half of the app: :meth:`search_index` is what screens call."""

    journal: Journal
    session: JournalSession
    _indexing: int | None
    _cache_tried: bool

    def search_index(self) -> SearchIndex | None:
        """The search index over the current data, or None while a big one is being built.

        Building takes over a second at 100k entries (bench/bench_tui.py), so above :data:`BACKGROUND_INDEX_ENTRIES` it runs in
        a thread on the data as loaded, and the screens hear ``index_ready()`` when it is there.
        """
        current = self.session.current_index()
        if current is not None:
            return current
        generation = self.journal.generation
        tables = self.journal.tables
        if len(tables.get("entries", {})) < BACKGROUND_INDEX_ENTRIES:
            return self.session.build_index()
        if self._indexing != generation:
            self._indexing = generation
            # not @work: it names the worker after repr() of its arguments, and the repr of
            # 100k entries cost half a second of the UI thread at launch
            self.run_worker(partial(self._build_index, generation, tables), thread=True,
                            group="index", description=_("search index"))
        return None

    def _build_index(self, generation: int, tables: Tables) -> None:
        """Build in a thread: ``tables`` is a snapshot the store never changes (a write makes new
        tables), so the UI thread may go on reading and writing meanwhile."""
        interval = sys.getswitchinterval()
        sys.setswitchinterval(BUILD_SWITCH_INTERVAL_S)
        try:
            index: SearchIndex | None = self._cached_index() or self.session.index_from(tables)
        except Exception as exc:  # noqa: BLE001 - without search the journal still works
            index = None
            reason = str(exc) if isinstance(exc, JournalError) else f"{type(exc).__name__}: {exc}"
            self._from_thread(partial(self.notify, _("Search is unavailable: {reason}").format(reason=reason),
                                      severity="error", markup=False))
        finally:
            sys.setswitchinterval(interval)
        self._from_thread(partial(self._index_built, generation, index))

    def _from_thread(self, callback: Callable[[], object]) -> None:
        """Hand a worker's result to the UI thread as a message, not with ``call_from_thread``
        (which waits for it, and raises or blocks when the app quit meanwhile): a message to an
        app that is closing is simply dropped — there is nobody left to show it to."""
        with contextlib.suppress(RuntimeError):  # the event loop is already closed
            self.call_later(callback)

    def _cached_index(self) -> SearchIndex | None:
        """The index from the derived search cache (see :meth:`JournalSession.cached_index`),
        only for the first index of a session: a stale cache is refreshed on the way, which keeps
        it useful for the next launch and the CLI; after the app's own writes an in-memory build
        is as quick."""
        if self._cache_tried:
            return None
        self._cache_tried = True
        return self.session.cached_index()

    def _index_built(self, generation: int, index: SearchIndex | None) -> None:
        if self._indexing == generation:
            self._indexing = None
        if index is None or not self.session.adopt_index(generation, index):
            return
        gc.freeze()
        for screen in self.screen_stack:
            if isinstance(screen, JournalScreen):
                screen.index_built()
