"""Search as you type, the week summary, help, the command palette and key routing."""

from __future__ import annotations

import stat
from pathlib import Path

from rich.cells import cell_len
from textual.command import CommandPalette
from textual.widgets import Input, Static

import journal
from journal.screens.day import DayScreen
from journal.screens.dialogs import HelpScreen, PromptScreen
from journal.screens.documents import DocumentsScreen
from journal.screens.search import SearchScreen
from journal.screens.week import WeekScreen
from journal.service import Journal
from journal.settings import load_settings
from journal.widgets.entry_list import EntryList

from .support import make_app, ready, until
from .test_day import text_of


async def test_search_as_you_type_and_jump_to_the_entry(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        screen = app.main_screen()
        assert isinstance(screen, SearchScreen)
        assert screen.query_one("#search-query", Input).has_focus
        await pilot.press(*"emily")
        table = screen.query_one("#search-results", EntryList)
        await until(pilot, lambda: len(table.entry_ids) == 5)
        # today's note ("Focus: … Emily's LC documents.") heads today's entries
        assert table.entry_ids[0] == "day:2026-11-23"
        tables = Journal(sample_file).tables["entries"]
        dates = [tables[i]["date"] if i in tables else i[4:] for i in table.entry_ids]
        assert dates == sorted(dates, reverse=True)
        assert "5 results" in text_of(screen.query_one("#search-status", Static))
        await pilot.press(*" status:planned -准备")
        await until(pilot, lambda: len(table.entry_ids) == 1)
        target = table.entry_ids[0]
        await pilot.press("enter")  # to the results
        assert table.has_focus
        await pilot.press("enter")  # opens the day view on it
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        assert day.selected_entry() == target
        assert day.day.isoformat() == tables[target]["date"]


async def test_search_errors_are_shown_not_raised(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"contact:张伟")  # two of them: ambiguous
        screen = app.main_screen()
        await until(pilot, lambda: "matches 2" in text_of(
            screen.query_one("#search-status", Static)))
        await pilot.press("ctrl+u", *"contact:\"张伟 (华辰精密机械有限公司)\"")
        table = screen.query_one("#search-results", EntryList)
        await until(pilot, lambda: len(table.entry_ids) == 4)


async def test_an_ambiguous_name_lists_every_candidate_and_narrows(sample_file: Path) -> None:
    """``contact:zw`` (two 张伟 with entries): each candidate on a line of its own, in full, as
    the filter that names it; ``tag:loan`` leaves only one of them, and its entries show."""
    app = make_app(sample_file)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"contact:zw")
        screen = app.main_screen()
        status = screen.query_one("#search-status", Static)
        await until(pilot, lambda: "matches 2" in text_of(status))
        await pilot.pause()
        lines = text_of(status).splitlines()
        assert lines[1:] == ['  contact:"张伟 (上海星海物流有限公司)"',
                             '  contact:"张伟 (华辰精密机械有限公司)"']
        assert status.size.height == 3  # every line shown, none cut off
        await pilot.press(*" tag:loan")
        table = screen.query_one("#search-results", EntryList)
        await until(pilot, lambda: len(table.entry_ids) == 4)
        assert "4 results" in text_of(status)


async def test_week_view_wraps_under_the_text_at_80_columns(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("w")
        screen = app.main_screen()
        shown = screen.query_one("#week-markdown", Static)
        await until(pilot, lambda: "Day by day" in text_of(shown))
        await pilot.pause()
        lines = text_of(shown).splitlines()
        width = shown.content_region.width
        assert all(cell_len(line) <= width for line in lines)
        bullet = next(i for i, line in enumerate(lines) if "授信审批会" in line)
        assert lines[bullet].startswith("  • ")
        assert lines[bullet + 1].startswith("    ")  # the wrapped rest of the bullet


async def test_new_data_is_searchable(sample_file: Path) -> None:
    app = make_app(sample_file, poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"hovercraft")
        screen = app.main_screen()
        table = screen.query_one("#search-results", EntryList)
        await pilot.pause(0.2)
        assert not table.entry_ids
        Journal(sample_file).add_entry(event="Hovercraft demo", date="2026-11-23")
        await until(pilot, lambda: len(table.entry_ids) == 1)


async def test_week_summary_browse_save_and_copy(sample_file: Path, tmp_path: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("w")
        screen = app.main_screen()
        assert isinstance(screen, WeekScreen)
        await pilot.pause()
        assert "Week 48, 2026" in text_of(screen.query_one("#week-header", Static))
        this_week = screen.markdown
        assert "拜访绿源食品 签署代发协议" in this_week
        shown = text_of(screen.query_one("#week-markdown", Static))
        assert "拜访绿源食品 签署代发协议" in shown and "Day by day" in shown
        assert "**" not in shown and "| Entries |" not in shown  # drawn, not Markdown source
        await pilot.press("left")
        assert "Week 47" in text_of(screen.query_one("#week-header", Static))
        assert "term sheet for 华辰" in screen.markdown
        await pilot.press("right", "right")
        assert "Week 49" in text_of(screen.query_one("#week-header", Static))
        await pilot.press("t")
        assert screen.markdown == this_week
        await pilot.press("y")
        assert app.clipboard == this_week
        target = tmp_path / "out" / "week.md"
        target.parent.mkdir()
        target.write_text("old")
        target.chmod(0o644)
        await pilot.press("ctrl+s")
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == this_week
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_help_and_command_palette(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = " ".join(text_of(s) for s in app.screen.query(Static))
        assert "Go to" in help_text and "New" in help_text
        assert f"journal {journal.__version__}" in help_text  # which version, for a bug report
        await pilot.press("escape")
        assert isinstance(app.screen, DayScreen)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"week summary")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.main_screen(), WeekScreen))
        # documents by name, from the palette
        await pilot.press("ctrl+p", *"Emily")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.main_screen(), DocumentsScreen))
        screen = app.main_screen()
        assert "Emily Chen" in text_of(screen.query_one("#doc-facts", Static))


async def test_bindings_do_not_fire_while_typing(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"q j c p o w n e d / ?")
        assert isinstance(app.main_screen(), SearchScreen)
        assert app.screen is app.main_screen()
        assert app.screen.query_one("#search-query", Input).value == "q j c p o w n e d / ?"
        await pilot.press("n")  # still typing: no editor
        assert app.screen is app.main_screen()
        await pilot.press("escape")  # leave the box; now keys are commands
        await pilot.press("j")
        assert isinstance(app.main_screen(), DayScreen)
        # and in a dialog, navigation keys do not switch screens under it
        await pilot.press("n")
        app.screen.query_one("#save").focus()
        await pilot.press("c", "w")
        assert isinstance(app.main_screen(), DayScreen)


async def test_week_summary_is_saved_in_the_reports_folder_by_default(
        sample_file: Path, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Not in whatever directory the app was started from: ~/Documents/journal (made on first
    use, private); a folder chosen instead is offered next time."""
    monkeypatch.delenv("JOURNAL_REPORTS", raising=False)
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(tmp_path / "Documents"))
    monkeypatch.chdir(tmp_path)
    app = make_app(sample_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("w", "ctrl+s")
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        expected = tmp_path / "Documents" / "journal" / "week-2026-W48.md"
        assert prompt.query_one(Input).value == str(expected)
        await pilot.press("enter")
        await until(pilot, expected.exists)
        assert stat.S_IMODE(expected.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(expected.stat().st_mode) == 0o600
        assert not list(tmp_path.glob("week-*.md"))  # nothing in the current directory
        elsewhere = tmp_path / "shared"
        elsewhere.mkdir()
        await pilot.press("left", "ctrl+s")
        app.screen.query_one(Input).value = str(elsewhere / "w47.md")
        await pilot.press("enter")
        await until(pilot, (elsewhere / "w47.md").exists)
        await pilot.press("ctrl+s")
        assert app.screen.query_one(Input).value == str(elsewhere / "week-2026-W47.md")
        await pilot.press("escape")
    assert load_settings().reports_dir == str(elsewhere.resolve())
