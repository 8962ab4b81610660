"""Refreshes that reach a screen before it is composed, or after it is gone.

A mode's screen joins the app's screen stack when the mode is chosen but is composed a turn later,
in its own task; the file poll (every 1.5 s), the index worker's result and a sync's result arrive
whenever they arrive. On a busy machine one of them fell in between and the app died with
``NoMatches: No nodes match '#day-table'``. These tests put each of them exactly in that gap.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.app import JournalApp
from journal.app.syncing import SyncRunner
from journal.screens.base import JournalScreen
from journal.screens.day import DayScreen
from journal.screens.documents import ContactsScreen
from journal.screens.search import SearchScreen
from journal.screens.week import WeekScreen
from journal.screens.welcome import WelcomeScreen
from journal.sync.git import SyncResult
from journal.widgets.entry_list import EntryList

from .support import make_app, ready, until


async def test_sample_loaded_while_a_poll_falls_before_the_day_screen_is_composed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first-run crash: ``s`` on the welcome screen writes the sample (a new data generation),
    the day screen is chosen, and the poll runs before that screen has composed."""
    polled_early: list[bool] = []
    original = JournalApp._start

    def start_then_poll(self: JournalApp) -> None:
        original(self)
        screen = self.main_screen()
        polled_early.append(isinstance(screen, DayScreen) and not screen.is_mounted)
        self._poll()  # what the interval timer did on a loaded machine

    monkeypatch.setattr(JournalApp, "_start", start_then_poll)
    app = make_app(tmp_path / "new.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen))
        await pilot.press("s")
        await ready(pilot)
        assert polled_early == [True]  # the race really was provoked
        screen = app.main_screen()
        assert isinstance(screen, DayScreen)
        # the sample's four entries of the day and a plan left over from the day before
        await until(pilot, lambda: screen.query_one("#day-table", EntryList).count == 5)
    assert app.return_code in (None, 0)


@pytest.mark.parametrize("screen_class", [DayScreen, SearchScreen, ContactsScreen, WeekScreen])
async def test_poll_and_index_reach_a_pushed_screen_before_its_compose(
        sample_file: Path, screen_class: type[JournalScreen]) -> None:
    """Every main screen: a poll, a finished index build and a sync result delivered between
    pushing the screen and its compose do nothing to it; it shows the data once composed."""
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = screen_class()
        app.push_screen(screen)
        assert not screen.is_mounted
        app._seen_generation = -1  # the file "changed": the poll refreshes every screen
        app._poll()
        app._index_built(app.generation, app.search_index())
        SyncRunner(app)._finished("sync", SyncResult(True, "up to date"))
        await until(pilot, lambda: screen.is_mounted)
        await pilot.pause()
        assert screen.shown_generation == app.generation  # refreshed once it could be
    assert app.return_code in (None, 0)


async def test_refresh_of_a_screen_that_is_gone_is_ignored(sample_file: Path) -> None:
    """A screen removed from the app (a dialog's screen popped, a mode left) may still be held
    by a timer or a callback: refreshing it then is a no-op, not a crash."""
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = DayScreen()
        await app.push_screen(screen)
        await pilot.pause()
        app.pop_screen()
        await until(pilot, lambda: not screen.is_attached)
        assert not screen.live
        screen.sync(force=True)
        screen.index_built()
        screen.show_entry(next(iter(app.journal.tables["entries"])))
    assert app.return_code in (None, 0)


async def test_new_entry_from_a_screen_not_composed_yet(sample_file: Path) -> None:
    """``c`` then ``n`` typed at once: the contacts screen is chosen but not composed when ``n``
    asks it for the new entry's defaults."""
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = ContactsScreen()
        app.push_screen(screen)
        defaults = screen.entry_defaults()
        assert defaults.contacts == [] and defaults.day == app.today
        # a key bound on the screen, typed while it is built, finds the action unavailable
        assert screen.check_action("edit", ()) is False
        day = DayScreen()
        app.push_screen(day)
        assert day.check_action("delete", ()) is False
        day.show_entry(next(iter(app.journal.tables["entries"])))  # selected once composed
        await until(pilot, lambda: screen.is_mounted)


@pytest.mark.parametrize("screen_class", [DayScreen, SearchScreen, ContactsScreen, WeekScreen])
async def test_quit_while_a_screen_is_being_built(sample_file: Path,
                                                  screen_class: type[JournalScreen]) -> None:
    """``c`` then ``q`` at once: the app quits while the screen composes (compose is cut short);
    its mount must not look for widgets that were never made."""
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.push_screen(screen_class())
        app.exit()
    assert app.return_code in (None, 0)
