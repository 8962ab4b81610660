"""Snapshots of the main screens in Chinese at 80x24 and 160x48: labels, keys, dates (2026年11月23日
星期一, 第48周), sums (383.00元) and wide characters in aligned columns, nothing cut off.

The same screens as test_snapshots.py (English); update after an intended change with
``pytest tests/tui/test_snapshots_zh.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

import journal
from journal.i18n import set_language
from journal.screens.welcome import WelcomeScreen

from .support import make_app, until
from .test_snapshots import LARGE, SMALL, keys


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("en")


def test_zh_day_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("down"))


def test_zh_day_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("down", "x", "down", "down"))


def test_zh_editor_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("n", *"拜访张伟", "tab", "tab", *"zw"))


def test_zh_editor_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE, run_before=keys("down", "e"))


def test_zh_contacts_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    """Pinyin order: 陈静, David, Emily, 李娜, 刘洋, Tom, 王芳, 张伟 ×2."""
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("c", "down", "down", "down"))


def test_zh_organisations_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE,
                        run_before=keys("o", "down", "down", "down", "down"))


def test_zh_search_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("slash", *"华辰", "enter"))


def test_zh_week_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("w"))


def test_zh_week_large(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=LARGE, run_before=keys("w", "left"))


def test_zh_quarter_small(snap_compare, sample_file: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(sample_file), terminal_size=SMALL, run_before=keys("m", "Q"))


def test_zh_help_small(snap_compare, sample_file: Path,  # noqa: ANN001
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "__version__", "0.0.0")
    assert snap_compare(make_app(sample_file), terminal_size=SMALL,
                        run_before=keys("question_mark"))


def test_zh_welcome_small(snap_compare) -> None:  # noqa: ANN001
    folder = Path(tempfile.gettempdir()) / "journal-tui-snapshot-zh"
    shutil.rmtree(folder, ignore_errors=True)

    async def run_before(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen))

    try:
        assert snap_compare(make_app(folder / "journal.json"), terminal_size=SMALL,
                            run_before=run_before)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
