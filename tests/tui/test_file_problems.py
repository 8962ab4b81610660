"""The file goes bad while the app is open (a `git pull` without the merge driver leaves conflict
markers, a hand edit breaks the JSON): every key shows what happened and how to repair it, what
is on screen stays, nothing is written, and the app never ends with a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from journal.screens.day import DayScreen
from journal.screens.dialogs import FileProblemScreen
from journal.screens.editor import EditorScreen

from .support import Notes, make_app, ready, until
from .test_day import rows, text_of


def _conflict_markers(raw: bytes) -> bytes:
    return b"<<<<<<< HEAD\n" + raw + b"=======\n" + raw + b">>>>>>> origin/main\n"


def _invalid_json(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


DAMAGE = {"conflict markers": (_conflict_markers, "conflict markers"),
          "invalid JSON": (_invalid_json, "not valid JSON")}


def _problem_text(app) -> str:  # noqa: ANN001
    screen = app.screen
    assert isinstance(screen, FileProblemScreen), type(screen).__name__
    return " ".join(text_of(w) for w in screen.query(Static))


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("keys", [("n",), ("e",), ("enter",), ("slash",), ("c",), ("w",), ("d",),
                                  ("right",), ("ctrl+p", *"New entry", "enter")])
async def test_each_key_shows_the_problem_keeps_the_screen_and_writes_nothing(
        sample_file: Path, damage: str, keys: tuple[str, ...]) -> None:
    spoil, said = DAMAGE[damage]
    app = make_app(sample_file, poll_seconds=60)  # the key, not the poll, finds the problem
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.main_screen()
        assert isinstance(screen, DayScreen)
        shown = rows(screen)
        day = screen.day
        broken = spoil(sample_file.read_bytes())
        sample_file.write_bytes(broken)
        await pilot.press(*keys)
        await until(pilot, lambda: isinstance(app.screen, FileProblemScreen))
        text = _problem_text(app)
        assert said in text and str(sample_file) in text  # what happened, and where
        assert "journal doctor" in text and "Nothing was written" in text
        assert "git merge --abort" in text  # how to repair
        await pilot.press("escape")
        await pilot.pause()
        assert app.main_screen() is screen and screen.day == day and rows(screen) == shown
        assert not isinstance(app.screen, FileProblemScreen | EditorScreen)
        assert sample_file.read_bytes() == broken
    assert app.return_code in (None, 0)


async def test_the_poll_says_it_once_and_the_repaired_file_is_picked_up(sample_file: Path) -> None:
    app = make_app(sample_file, poll_seconds=0.1)
    notes = Notes(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.main_screen()
        good = sample_file.read_bytes()
        sample_file.write_bytes(_conflict_markers(good))
        await until(pilot, lambda: bool(notes.titled("The journal file cannot be read")))
        await pilot.pause(0.5)
        assert len(notes.titled("The journal file cannot be read")) == 1
        assert "journal doctor" in notes.titled("The journal file cannot be read")[0][1]
        assert rows(screen)  # still showing the day
        sample_file.write_bytes(good.replace(b"Morning stand-up", b"Morning stand-UP"))
        await until(pilot, lambda: any("can be read again" in m for _, m, _ in notes.seen))
        await until(pilot, lambda: any("stand-UP" in row for row in rows(screen)))
        await pilot.press("n")
        assert isinstance(app.screen, EditorScreen)


async def test_saving_in_an_open_editor_shows_the_problem_and_keeps_the_form(
        sample_file: Path) -> None:
    app = make_app(sample_file, poll_seconds=60)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("n", *"Typed before the pull")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        broken = _conflict_markers(sample_file.read_bytes())
        sample_file.write_bytes(broken)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FileProblemScreen))
        assert "conflict markers" in _problem_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor  # the typed entry is still there to save later
        assert sample_file.read_bytes() == broken
