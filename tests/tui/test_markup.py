"""User text that looks like markup is shown literally everywhere and never raises."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.command import CommandPalette
from textual.widgets import Input, Static

from journal.screens.day import DayScreen
from journal.screens.dialogs import ConfirmScreen
from journal.screens.editor import EditorScreen
from journal.service import Journal, LinkRequest
from journal.widgets.entry_list import EntryList
from journal.widgets.line_list import fit
from journal.widgets.name_list import NameList

from .support import TODAY, make_app, ready, until
from .test_day import rows, text_of

EVENT = "[bold]x[/] price [USD] 5"
SUMMARY = "[/] and [link=https://example.com]link[/link]\n[@click=app.quit]boom[/]"
CONTACT = "[red]Alice[/red]"
ORG = "Org [b]"


def markup_journal(path: Path) -> str:
    journal = Journal(path)
    journal.add_document("organisation", ORG)
    entry, _ = journal.add_entry(event=EVENT, summary=SUMMARY, date=TODAY.isoformat(),
                                 time="09:00", tags=["[tag]"],
                                 links=LinkRequest(contacts=[f"{CONTACT} ({ORG})"]))
    return entry.id


async def test_markup_looking_text_is_shown_literally(tmp_path: Path) -> None:
    path = tmp_path / "markup.json"
    entry_id = markup_journal(path)
    app = make_app(path)
    # wide enough for the day list's summary column beside the detail pane
    async with app.run_test(size=(200, 40)) as pilot:
        await ready(pilot)
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        row = rows(day)[0]
        assert EVENT in row and f"{CONTACT} (Or" in row and "[/] and [link=" in row
        detail = text_of(day.query_one("#detail-text", Static))
        assert EVENT in detail and SUMMARY in detail and "#[tag]" in detail
        # The editor holds the literal text too.
        await pilot.press("e")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.query_one("#event", Input).value == EVENT
        await pilot.press("escape")
        # The delete question quotes it literally.
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert EVENT in text_of(app.screen.query_one(".dialog-text", Static))
        await pilot.press("n")
        # Lists of names, search results, highlighted words, the command palette.
        await pilot.press("c")
        names = app.main_screen().query_one("#docs-list", NameList)
        assert names.items[0].label == f"{CONTACT} ({ORG})"
        painted = "".join(s.text for s in names.row_segments(0, 60))
        assert painted.strip() == f"{CONTACT} ({ORG})"
        await pilot.press("slash", *"[/]")
        table = app.main_screen().query_one("#search-results", EntryList)
        await until(pilot, lambda: list(table.entry_ids) == [entry_id])
        await pilot.press("ctrl+u", *"[link")
        await until(pilot, lambda: list(table.entry_ids) == [entry_id])
        await pilot.press("escape", "ctrl+p", *"[red]")
        assert isinstance(app.screen, CommandPalette)
        await pilot.pause(0.5)
        await pilot.press("escape")
        # Notifications: a new contact whose name looks like markup.
        await pilot.press("j", "n", *"[/]")
        picker = app.screen.query_one("#pick-contact")
        picker.input.focus()  # type: ignore[attr-defined]
        await pilot.press(*"[i]Bob[/i]", "enter", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        assert app.is_running  # and [@click=app.quit] never ran
    names = {c["name"] for c in Journal(path).tables["contacts"].values()}
    assert "[i]Bob[/i]" in names


def test_cells_are_cut_by_terminal_width_not_characters() -> None:
    """Chinese and emoji take two cells; a cut never overflows its column."""
    for text in ("拜访华辰精密机械有限公司财务总监", "Lunch 😀 with 张伟 and Emily", "abc"):
        for width in range(3, 20):
            rendered = fit(text, width)
            assert cell_len(rendered) == width
            if cell_len(text) <= width:
                assert rendered.rstrip() == text
            else:
                assert rendered.rstrip().endswith("…")
