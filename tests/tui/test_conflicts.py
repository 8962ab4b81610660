"""Merge conflicts in the app: the ⚠ marker in lists and panes, and choosing the value to keep."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from journal.screens.conflicts import ConflictsScreen, ResolveScreen
from journal.screens.day import DayScreen
from journal.screens.documents import DocumentsScreen
from journal.service import Journal
from journal.storage import dump_canonical, load_file
from journal.widgets.entry_list import EntryList
from journal.widgets.name_list import NameList

from .support import TODAY, make_app, ready, until
from .test_day import rows, text_of

OTHER = "B: 讨论了季度目标 [bold]x[/]"
MINE = "A: discussed Q4 targets"


def entry_with_conflict(path: Path) -> str:
    """Today's 09:00 stand-up, edited on two sides: the later edit (MINE) is in place and the
    other machine's summary (OTHER) is recorded — made the way the editor makes one, through
    the service's ``base=``."""
    journal = Journal(path)
    entry_id = next(i for i, d in journal.tables["entries"].items()
                    if d["date"] == TODAY.isoformat() and d.get("time") == "09:00")
    base = journal.tables["entries"][entry_id]
    Journal(path).edit_entry(entry_id, {"summary": OTHER})
    journal.edit_entry(entry_id, {"summary": MINE}, base=base)
    assert [c.field for c in Journal(path).conflicts()] == ["summary"]
    return entry_id


def fixed_entry_conflict(path: Path) -> str:
    """The stand-up's summary conflict written into the file with fixed timestamps (snapshots)."""
    data = load_file(path)
    entry_id = next(i for i, d in data["entries"].items()
                    if d["date"] == TODAY.isoformat() and d.get("time") == "09:00")
    data["entries"][entry_id]["summary"] = MINE
    data["entries"][entry_id]["conflicts"] = [
        {"field": "summary", "value": OTHER, "updated_at": "2026-11-22T08:30:00.000000Z",
         "recorded_at": "2026-11-23T01:00:00.000000Z"}]
    path.write_bytes(dump_canonical({k: v for k, v in data.items() if v or k == "meta"}))
    return entry_id


def contact_with_conflict(path: Path, name: str = "王芳") -> str:
    """A contact whose title lost a merge, written into the file as journal.sync.merge records it."""
    data = load_file(path)
    contact_id = next(i for i, d in data["contacts"].items() if d["name"] == name)
    doc = data["contacts"][contact_id]
    doc["title"] = "Finance director"
    doc["conflicts"] = [{"field": "title", "value": "财务总监 (other laptop)",
                         "updated_at": "2026-11-20T08:00:00.000000Z",
                         "recorded_at": "2026-11-21T08:00:00.000000Z"}]
    path.write_bytes(dump_canonical({k: v for k, v in data.items() if v or k == "meta"}))
    return contact_id


async def test_entry_conflict_is_marked_and_resolved_with_the_other_value(
        sample_file: Path) -> None:
    entry_id = entry_with_conflict(sample_file)
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen()
        assert isinstance(screen, DayScreen)
        shown = rows(screen)
        assert shown[0].startswith("⚠✓ 09:00") and not shown[1].startswith("⚠")
        assert screen.selected_entry() == entry_id
        detail = text_of(screen.query_one("#detail-text", Static))
        assert "⚠ Merge conflict" in detail and "press r" in detail
        assert OTHER in detail  # shown literally, never as markup
        assert "r" in app.screen.active_bindings and screen.check_action("resolve", ())
        await pilot.press("down")  # off the conflict: r is hidden
        assert screen.check_action("resolve", ()) is False
        await pilot.press("up", "r")
        dialog = app.screen
        assert isinstance(dialog, ResolveScreen)
        options = dialog.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(prompts) == 2
        assert "keep the current value" in prompts[0] and MINE in prompts[0]
        assert "other machine" in prompts[1] and OTHER in prompts[1]
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.screen is screen)
        assert not rows(screen)[0].startswith("⚠")
        assert screen.check_action("resolve", ()) is False
    doc = Journal(sample_file).tables["entries"][entry_id]
    assert doc["summary"] == OTHER and "conflicts" not in doc


async def test_contact_conflict_is_marked_in_the_list_and_kept_as_is(sample_file: Path) -> None:
    contact_id = contact_with_conflict(sample_file)
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = app.main_screen()
        assert isinstance(screen, DocumentsScreen)
        names = screen.query_one("#docs-list", NameList)
        index = names.index_of(contact_id)
        assert index is not None
        assert "".join(s.text for s in names.row_segments(index, 40)).startswith("⚠王芳")
        await pilot.press("f", *"王芳", "enter")
        await until(pilot, lambda: screen.doc_id == contact_id)
        facts = text_of(screen.query_one("#doc-facts", Static))
        assert "⚠ merge conflict: title" in facts
        await pilot.press("r")
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press("enter")  # keep the current value
        await until(pilot, lambda: app.screen is screen)
        assert "conflict" not in text_of(screen.query_one("#doc-facts", Static))
        assert not names.items[names.index_of(contact_id) or 0].conflicted
    doc = Journal(sample_file).tables["contacts"][contact_id]
    assert doc["title"] == "Finance director" and "conflicts" not in doc


async def test_conflicts_from_the_command_palette_and_cross_index(sample_file: Path) -> None:
    entry_id = entry_with_conflict(sample_file)
    contact_with_conflict(sample_file)
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Merge conflicts (2)" in titles
        app.action_conflicts()
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, ConflictsScreen)
        assert listing.query_one(OptionList).option_count == 2
        await pilot.press("enter")  # the entry comes first
        dialog = app.screen
        assert isinstance(dialog, ResolveScreen) and dialog.doc_id == entry_id
        await pilot.press("escape")  # decide later: still marked
        await pilot.pause()
        assert entry_id in app.session.conflicted()["entries"]
        # The stand-up's contact: r on the entry in the cross-index resolves the entry.
        await pilot.press("c", "f", *"刘洋", "enter", "enter")
        screen = app.main_screen()
        assert isinstance(screen, DocumentsScreen)
        entries = screen.query_one("#doc-entries", EntryList)
        assert entries.has_focus
        entries.select(entry_id)
        await pilot.pause()
        assert screen.conflict_target() == ("entries", entry_id)
        await pilot.press("r", "enter")
        await until(pilot, lambda: entry_id not in app.session.conflicted()["entries"])
