"""The day view: browsing days, showing entries, deleting, outside changes, first run."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from journal.screens.day import DayScreen
from journal.screens.dialogs import ConfirmScreen, PromptScreen
from journal.screens.documents import ProjectsScreen
from journal.screens.editor import EditorScreen
from journal.screens.welcome import WelcomeScreen
from journal.service import Journal, LinkRequest
from journal.widgets.entry_list import EntryList

from .support import TODAY, make_app, ready, until


def day_screen(app) -> DayScreen:  # noqa: ANN001
    screen = app.main_screen()
    assert isinstance(screen, DayScreen)
    return screen


def rows(screen: DayScreen) -> list[str]:
    """The day's rows as painted; every one exactly as wide as the list (cells, not chars)."""
    table = screen.query_one("#day-table", EntryList)
    width = table.scrollable_content_region.width
    lines = ["".join(s.text for s in table.row_segments(i, width)) for i in range(table.count)]
    assert all(cell_len(line) == width for line in lines), lines
    return lines


def text_of(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Content) else str(content)


async def test_day_view_shows_todays_entries_in_time_order(sample_file: Path) -> None:
    async with make_app(sample_file).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(pilot.app)
        assert screen.day == TODAY
        shown = rows(screen)
        # today's entries, then yesterday's unfinished plan with its date where the time goes
        assert [r[3:8] for r in shown] == ["09:00", "10:30", "15:00", "16:00", "11-20"]
        assert [r[1] for r in shown] == ["✓", "☐", "☐", "☐", "☐"]  # the tick column
        assert "↪ 准备 Northwind 授信额度申请材料" in shown[3]  # carried over to today
        assert "拜访绿源食品 签署代发协议" in shown[1]
        assert "王芳 (绿源食品集团)" in shown[1]  # linked names, contact with organisation
        header = text_of(screen.query_one("#day-header", Static))
        assert "Mon 23 Nov 2026" in header and "today" in header
        assert "plan 1/4 done" in header and "1 left over" in header
        detail = text_of(screen.query_one("#detail-text", Static))
        assert "晨会 Morning stand-up" in detail


async def test_move_between_days_and_go_to_a_date(sample_file: Path) -> None:
    async with make_app(sample_file).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(pilot.app)
        await pilot.press("left")
        assert screen.day == TODAY - timedelta(days=1)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.day == TODAY - timedelta(days=3)
        await pilot.press("right", "right_square_bracket")
        assert screen.day == TODAY - timedelta(days=1)
        await pilot.press("t")
        assert screen.day == TODAY
        await pilot.press("g")
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"last friday", "enter")
        assert screen.day == date(2026, 11, 20)
        assert rows(screen)  # the sample has a busy Friday
        await pilot.press("g", *"nonsense", "enter")
        assert isinstance(pilot.app.screen, PromptScreen)  # refused, error shown inline
        hint = text_of(pilot.app.screen.query_one("#prompt-hint", Static))
        assert "nonsense" in hint
        await pilot.press("escape")
        await pilot.press("g", *"2026-11-16", "enter")
        assert screen.day == date(2026, 11, 16)


async def test_delete_asks_first(sample_file: Path) -> None:
    async with make_app(sample_file).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(pilot.app)
        before = len(rows(screen))
        await pilot.press("d")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        assert len(rows(screen)) == before
        await pilot.press("d", "y")
        await pilot.pause()
        assert len(rows(screen)) == before - 1
        days = [d["date"] for d in Journal(sample_file).tables["entries"].values()]
        assert days.count(TODAY.isoformat()) == before - 2  # the last row is yesterday's


async def test_outside_changes_appear_without_restart(sample_file: Path) -> None:
    async with make_app(sample_file, poll_seconds=0.1).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(pilot.app)
        before = len(rows(screen))
        # Another process (a `journal add` in another terminal) writes the same file.
        other = Journal(sample_file)
        other.add_entry(event="Call from another terminal", date=TODAY.isoformat(), time="16:45",
                        links=LinkRequest(contacts=["李娜"]))
        await until(pilot, lambda: len(rows(screen)) == before + 1)
        assert "Call from another terminal" in rows(screen)[-2]  # the last of today's
        # ... and what the app writes next keeps it.
        await pilot.press("n", *"Written in the app", "ctrl+s")
        await until(pilot, lambda: len(rows(screen)) == before + 2)
        events = {d["event"] for d in Journal(sample_file).tables["entries"].values()}
        assert {"Call from another terminal", "Written in the app"} <= events


async def test_first_run_offers_sample_data(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    async with make_app(path).run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen))
        await pilot.press("s")
        await ready(pilot)
        assert len(rows(day_screen(pilot.app))) == 5  # 4 today, 1 left over from yesterday
    tables = Journal(path).tables
    assert len(tables["entries"]) > 20
    names = sorted(c["name"] for c in tables["contacts"].values())
    assert names.count("张伟") == 2  # namesakes at two firms
    assert path.stat().st_mode & 0o777 == 0o600


async def test_first_run_can_start_empty(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    async with make_app(path).run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen))
        await pilot.press("e")
        await ready(pilot)
        screen = day_screen(pilot.app)
        assert screen.query_one("#day-empty").display
        assert not path.exists()  # nothing written until the user writes something


async def test_unreadable_file_exits_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert path.read_text() == "{not json"


async def test_the_mouse_works_too(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(app)
        first = screen.selected_entry()
        await pilot.click("#day-table", offset=(10, 2))  # header, then rows 0, 1
        second = screen.selected_entry()
        assert second is not None and second != first
        await pilot.click("#day-table", offset=(10, 2))  # again on the selected row: open it
        assert isinstance(app.screen, EditorScreen)
        await until(pilot, lambda: app.screen.query_one("#cancel").region.width > 0)  # laid out
        await pilot.click("#cancel")
        assert app.screen is screen
        await pilot.click("NavBar", offset=(45, 0))  # "p Projects" in the top line
        await until(pilot, lambda: isinstance(app.main_screen(), ProjectsScreen))


async def test_rows_mark_planned_and_keep_projects_apart_from_people(
        sample_file: Path) -> None:
    """Planned and cancelled entries say so with a mark of their own (☐, ✗), not only in
    colour; the people an entry
    was with and the project it served are separate columns, at 80 columns too."""
    for size in ((80, 24), (160, 48)):
        async with make_app(sample_file).run_test(size=size) as pilot:
            await ready(pilot)
            screen = day_screen(pilot.app)
            table = screen.query_one("#day-table", EntryList)
            header = "".join(s.text for s in table.header_segments(
                table.scrollable_content_region.width))
            assert header.split()[:4] == ["Time", "Event", "With", "Project"] or \
                header.split() == ["Time", "Event", "Summary", "With", "Project"], header
            shown = rows(screen)
            assert shown[1].startswith(" ☐ 10:30  拜访绿源食品")
            assert shown[0][1] != "☐"  # the stand-up is done
            people, project = [c.strip() for c in shown[1].split("  ") if c.strip()][-2:]
            assert people.startswith("王芳") and "代发工资" not in people
            assert project.startswith("绿源 代发工")  # cut with … at 80 columns
            screen.show_day(date(2026, 11, 20))  # the business day before: a cancelled dinner
            await pilot.pause()
            assert any(row.startswith(" ✗ 19:00  绿源食品 dinner") for row in rows(screen))
