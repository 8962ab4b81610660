"""The edges of the calendar and of numbers: one clear line, never an OverflowError or a
ValueError traceback (CLI), a warning instead of a crash (TUI)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Static

from journal.app import JournalApp
from journal.screens.day import DayScreen
from journal.screens.week import WeekScreen
from journal.service import Journal
from tests.tui.support import Notes, ready, until

TRACEBACK = "Traceback"


def _one_line_error(result) -> None:  # noqa: ANN001 - the conftest's Result
    assert result.code == 1, result
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: "), result.err
    assert TRACEBACK not in result.err


@pytest.mark.parametrize("args", [
    ("week", "9999-W52"), ("week", "9999-12-31"), ("month", "9999-12"),
    ("week", "--today", "9999-12-31"), ("month", "--today", "9999-12-31"),
    ("week", "this week", "--today", "9999-12-27"), ("month", "--format", "json", "9999-12"),
])
def test_reports_at_the_end_of_the_calendar_say_so(cli, args: tuple[str, ...]) -> None:  # noqa: ANN001
    cli("add", "Visit", "-d", "2026-11-20")
    result = cli(*args)
    _one_line_error(result)
    assert "9999-12-31" in result.err and "earlier" in result.err


@pytest.mark.parametrize("args", [
    ("week", "9999-W51"), ("month", "9999-11"), ("week", "0001-W01"), ("month", "0001-01"),
    ("week", "--today", "0001-01-01"), ("search", "visit", "--today", "9999-12-31"),
    ("search", "from:9999-12-31"), ("list", "--from", "9999-12-31"),
])
def test_reports_next_to_the_edges_still_work(cli, args: tuple[str, ...]) -> None:  # noqa: ANN001
    cli("add", "Visit", "-d", "2026-11-20")
    result = cli(*args)
    assert result.code == 0, result


@pytest.mark.parametrize("digits", [5000, 31, 20])
@pytest.mark.parametrize("shape", ["bundle", "jrnl"])
def test_importing_a_huge_integer_is_one_clear_line(cli, tmp_path: Path, jfile: Path,  # noqa: ANN001
                                                    digits: int, shape: str) -> None:
    cli("add", "Visit", "-d", "2026-11-20")
    before = jfile.read_bytes()
    number = "9" * digits
    if shape == "bundle":
        text = ('{"format": "journal-bundle", "version": 1, "subject": {"kind": "contact", '
                '"id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "contacts": {"01ARZ3NDEKTSV4RRFFQ69G5FAV": '
                '{"name": "Li", "cadence_days": ' + number + "}}}")
    else:
        text = '{"tags": {}, "entries": [{"date": "2026-11-20", "time": "09:00", "title": "x", ' \
               '"body": "", "starred": false, "n": ' + number + "}]}"
    source = tmp_path / "in.json"
    source.write_text(text, encoding="utf-8")
    result = cli("import", str(source))
    _one_line_error(result)
    assert f"{digits} digits" in result.err
    assert jfile.read_bytes() == before


def test_large_but_64_bit_numbers_are_judged_per_document(cli, tmp_path: Path) -> None:  # noqa: ANN001
    """A number that fits is read; the document holding it is then accepted or rejected by the
    model's own rules (a cadence of 2**62 days is not a cadence)."""
    cli("add", "Visit", "-c", "Li", "-d", "2026-11-20")
    out = tmp_path / "li.json"
    assert cli("export", "contact", "Li", "--format", "json", "-o", str(out)).code == 0
    bundle = json.loads(out.read_text(encoding="utf-8"))
    for doc in bundle["contacts"].values():
        doc["cadence_days"] = 2**62
    out.write_text(json.dumps(bundle), encoding="utf-8")
    result = cli("import", str(out))
    assert TRACEBACK not in result.err and "cadence_days" in result.err


# -- the app ----------------------------------------------------------------------------------------
def _app(path: Path, today: date) -> JournalApp:
    app = JournalApp(path, today=today)
    app.animation_level = "none"
    return app


async def test_the_week_screen_stops_at_the_end_of_the_calendar(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_entry(event="Visit", date="9999-12-20")
    app = _app(path, date(9999, 12, 24))
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("w")
        screen = app.main_screen()
        assert isinstance(screen, WeekScreen)
        await until(pilot, lambda: "Visit" in screen.markdown)
        await pilot.press("right")
        await pilot.pause()
        assert screen.monday == date(9999, 12, 20)  # stayed on the last week that has a next one
        assert any("9999-12-31" in message for _, message, _ in notes.seen)
        assert "Visit" in str(screen.query_one("#week-markdown", Static).render())


async def test_the_day_screen_stops_at_both_ends(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_entry(event="Last day", date="9999-12-31")
    app = _app(path, date(9999, 12, 31))
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen()
        assert isinstance(screen, DayScreen)
        await pilot.press("right")
        await pilot.pause()
        assert screen.day == date.max
        assert any("ends on 9999-12-31" in message for _, message, _ in notes.seen)
        screen.show_day(date.min)
        await pilot.press("left")
        await pilot.pause()
        assert screen.day == date.min
        assert any("starts on 0001-01-01" in message for _, message, _ in notes.seen)
