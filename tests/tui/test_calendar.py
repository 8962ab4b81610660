"""The calendar: one key opens the month grid (Monday first), each day with its counts,
repeating entries included; the arrows and [ ] move; enter opens the day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Static

from journal.recurrence.rules import parse_repeat
from journal.screens.calendar import CalendarScreen, month_weeks
from journal.screens.day import DayScreen
from journal.service import Journal

from .support import TODAY, make_app, ready, until


def cell(grid: DataTable, row: int, column: int) -> str:
    value = grid.get_cell_at((row, column))
    return getattr(value, "plain", str(value))


def make_journal(path: Path) -> None:
    j = Journal(path)
    j.add_entry(event="Visit ACME", date="2026-11-23", time="10:00")
    j.add_entry(event="Call Li", date="2026-11-23", status="planned")
    j.add_entry(event="Weekly report", date="2026-11-06", time="16:00",
                recurrence=parse_repeat("every friday", start=date(2026, 11, 6)))


def test_weeks_start_on_monday() -> None:
    weeks = month_weeks(2026, 11)
    assert weeks[0][0] == date(2026, 10, 26) and weeks[0][0].weekday() == 0
    assert weeks[-1][-1] == date(2026, 12, 6)


async def test_the_month_grid_counts_and_opens_a_day(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    make_journal(path)
    async with make_app(path).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(pilot.app.main_screen(), CalendarScreen)
                    and pilot.app.main_screen().live)
        await pilot.pause()
        screen = pilot.app.main_screen()
        grid = screen.query_one("#calendar-grid", DataTable)
        assert [str(c.label) for c in grid.columns.values()] == ["Mon", "Tue", "Wed", "Thu", "Fri",
                                                                  "Sat", "Sun"]
        title = screen.query_one("#calendar-title", Static).content.plain
        assert title.startswith("November 2026")
        # 23 Nov is the Monday of the 5th row (the grid starts on Mon 26 Oct)
        assert cell(grid, 4, 0).startswith("23 today") and "1✓ 1□" in cell(grid, 4, 0)
        # the Friday series: 6, 13, 20, 27 Nov, planned
        assert [cell(grid, r, 4).split("\n")[1] for r in (1, 2, 3, 4)] == ["1□"] * 4
        assert cell(grid, 0, 0).split("\n")[1] == ""  # 26 Oct: another month, no count
        assert grid.cursor_coordinate == (4, 0)
        await pilot.press("right", "right", "right", "right")  # Friday 27 Nov
        assert screen.day == date(2026, 11, 27)
        await pilot.press("right_square_bracket")
        assert screen.query_one("#calendar-title", Static).content.plain.startswith("December 2026")
        assert screen.day == date(2026, 12, 27)
        await pilot.press("left_square_bracket", "t")
        assert screen.day == TODAY
        await pilot.press("right", "right", "right", "right", "enter")
        await until(pilot, lambda: isinstance(pilot.app.main_screen(), DayScreen))
        day = pilot.app.main_screen()
        await until(pilot, lambda: day.day == date(2026, 11, 27))


async def test_walking_off_the_month_turns_the_page(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    make_journal(path)
    async with make_app(path).run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(pilot.app.main_screen(), CalendarScreen)
                    and pilot.app.main_screen().live)
        screen = pilot.app.main_screen()
        await pilot.press("down", "down")  # 23 Nov + 2 weeks = 7 Dec
        await until(pilot, lambda: screen.day == date(2026, 12, 7))
        title = screen.query_one("#calendar-title", Static).content.plain
        assert title.startswith("December 2026")


async def test_search_finds_occurrences_and_opens_their_day(tmp_path: Path) -> None:
    from journal.screens.search import SearchScreen

    path = tmp_path / "journal.json"
    make_journal(path)
    sid = Journal(path).series()
    (series_id,) = sid
    async with make_app(path).run_test(size=(120, 32)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(pilot.app.main_screen(), SearchScreen)
                    and pilot.app.main_screen().live)
        screen = pilot.app.main_screen()
        await pilot.press(*"weekly report")
        results = screen.query_one("#search-results")
        await until(pilot, lambda: bool(results.entry_ids))
        assert results.entry_ids[0] == f"{series_id}@2026-12-18"  # the coming month, newest first
        assert series_id not in results.entry_ids
        assert f"{series_id}@2026-11-20" in results.entry_ids
        detail = screen.query_one("#detail-text")
        await until(pilot, lambda: "Repeats: ↻ every week on Friday" in detail.content.plain)


async def test_the_week_summary_counts_occurrences(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    make_journal(path)
    async with make_app(path).run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("w")
        await until(pilot, lambda: type(pilot.app.main_screen()).__name__ == "WeekScreen"
                    and pilot.app.main_screen().live and bool(pilot.app.main_screen().markdown))
        markdown = pilot.app.main_screen().markdown
        assert "Weekly report" in markdown and "Fri 27 Nov" in markdown
        assert "3 entries" in markdown  # the visit, the call, the Friday occurrence


def test_the_grid_stops_at_the_calendar_ends() -> None:
    last = month_weeks(9999, 12)
    assert last[-1][4] == date(9999, 12, 31) and last[-1][5:] == [None, None]
    first = month_weeks(1, 1)
    assert first[0][0] == date(1, 1, 1)  # 1 January of the year 1 was a Monday


async def test_the_calendar_at_the_end_of_time(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    make_journal(path)
    async with make_app(path).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(pilot.app.main_screen(), CalendarScreen)
                    and pilot.app.main_screen().live)
        screen = pilot.app.main_screen()
        screen.show_month(date(9999, 12, 30))
        await pilot.pause()
        await pilot.press("right", "right", "right", "right_square_bracket")
        assert screen.day == date(9999, 12, 31)
        title = screen.query_one("#calendar-title", Static).content.plain
        assert title.startswith("December 9999")
