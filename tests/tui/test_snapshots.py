"""Snapshots of the main screens at 80x24 and 160x48 (the date is pinned, so they are stable).

Update after an intended change with ``pytest tests/tui --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

import journal
from journal.screens.welcome import WelcomeScreen

from .support import make_app, ready, until
from .test_conflicts import contact_with_conflict, fixed_entry_conflict

SMALL = (80, 24)
LARGE = (160, 48)


def keys(*presses: str):  # noqa: ANN201 - a run_before callback
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        for key in presses:
            await pilot.press(key)
        await pilot.pause(0.4)  # debounces and the list's delayed detail
        for box in pilot.app.screen.query("Input, TextArea"):  # steady cursors: blinking ones
            box.cursor_blink = False  # type: ignore[attr-defined]  # made snapshots flaky
        await pilot.pause()

    return run_before


def test_day_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("down"))


def test_day_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("left", "left", "left"))


def test_editor_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    run = keys("n", *"Lunch with 张伟 [bold]", "tab", "tab", *"张")
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=run)


def test_editor_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE, run_before=keys("down", "e"))


def test_contacts_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("c", "down", "down", "down", "down", "down"))


def test_organisations_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("o", "down", "down", "down", "down"))


def test_contact_details_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("c", "down", "e"))


def test_search_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("slash", *"华辰", "enter"))


def test_search_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("slash", *"tag:visit", "enter"))


def test_week_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("w"))


def test_week_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("w", "left"))


def test_day_plan_half_done_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    """Today with a plan half done: the stand-up done as planned, the signing ticked off now
    (✓), two plans still open (☐) — one carried over (↪) — and yesterday's left-over (11-20)."""
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("down", "x"))


def test_day_plan_half_done_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("down", "x", "down", "down"))


def test_day_note_editor_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("N", "enter", *"小结 签约完成"))


def test_week_review_editor_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("w", "e", *"签约绿源代发"))


def test_quarter_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("m", "Q"))


def test_help_small(snap_compare, sample_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(journal, "__version__", "0.0.0")  # shown in the help; pinned like the date
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("question_mark"))


def test_welcome_small(snap_compare) -> None:  # noqa: ANN001
    # The welcome shows the file's path: a fixed one keeps the snapshot stable.
    folder = Path(tempfile.gettempdir()) / "journal-tui-snapshot"
    shutil.rmtree(folder, ignore_errors=True)

    async def run_before(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen))

    try:
        assert snap_compare(make_app(folder / "journal.json"), terminal_size=SMALL,
                            run_before=run_before)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Conflict times are shown in local time: pin the zone so snapshots match everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("utc")
def test_conflict_day_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    """⚠ in the list, the conflict at the top of the detail pane, r in the footer."""
    fixed_entry_conflict(sample_file)
    assert snap_compare(make_app(sample_file), terminal_size=LARGE, run_before=keys())


@pytest.mark.usefixtures("utc")
def test_resolve_dialog_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    fixed_entry_conflict(sample_file)
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("r", "down"))


def test_contacts_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    """A tall terminal: the selected entry of the cross-index is shown below it."""
    contact_with_conflict(sample_file)
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("c", "f", *"王芳", "enter", "enter"))
