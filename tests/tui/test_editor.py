"""The entry editor: typing a new entry, pickers, validation, edits that keep concurrent changes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Select, Static

from journal.screens.day import DayScreen
from journal.screens.dialogs import ConfirmScreen
from journal.screens.documents import DocumentsScreen
from journal.screens.editor import EditorScreen
from journal.service import Journal
from journal.widgets.entry_list import EntryList
from journal.widgets.picker import NamePicker

from .support import TODAY, make_app, ready, until
from .test_day import rows, text_of


def entry_by_event(path: Path, event: str) -> tuple[str, dict]:
    entries = Journal(path).tables["entries"]
    hits = [(i, d) for i, d in entries.items() if d["event"] == event]
    assert len(hits) == 1, hits
    return hits[0]


async def test_new_entry_with_an_existing_and_a_new_contact(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.query_one("#event", Input).has_focus
        await pilot.press(*"Coffee with 王芳", "tab")  # enter/tab: next field
        await pilot.press(*"#fx vip")
        picker = editor.query_one("#pick-contact", NamePicker)
        picker.input.focus()
        await pilot.press(*"芳")  # matches anywhere in the name
        options = picker.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
                ][:1] == ["王芳 (绿源食品集团)"]
        await pilot.press("enter")
        await pilot.press(*"赵六")
        last = options.get_option_at_index(options.option_count - 1)
        assert "create «赵六»" in str(last.prompt)
        await pilot.press("enter")
        assert [p.label for p in picker.picks] == ["王芳 (绿源食品集团)", "赵六"]
        editor.query_one("#summary").focus()
        await pilot.press(*"Talked about FX.", "enter", *"第二行")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))

        # In the file: one entry, linked to the existing 王芳 and to a new contact 赵六.
        entry_id, doc = entry_by_event(sample_file, "Coffee with 王芳")
        tables = Journal(sample_file).tables
        names = sorted(tables["contacts"][c]["name"] for c in doc["contact_ids"])
        assert names == ["王芳", "赵六"]
        assert doc["summary"] == "Talked about FX.\n第二行"
        assert doc["tags"] == ["fx", "vip"]
        assert doc["date"] == TODAY.isoformat() and doc["status"] == "done"

        # The day view selects it; the new contact's cross-index lists it.
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        assert day.selected_entry() == entry_id
        await pilot.press("c")
        contacts = app.main_screen()
        assert isinstance(contacts, DocumentsScreen)
        await pilot.press("f", *"赵六")
        await until(pilot, lambda: contacts.doc_id is not None
                    and tables["contacts"][contacts.doc_id]["name"] == "赵六")
        assert list(contacts.query_one("#doc-entries", EntryList).entry_ids) == [entry_id]


async def test_invalid_date_and_time_are_shown_and_block_saving(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        before = Journal(sample_file).tables["entries"].keys()
        await pilot.press("n", *"Bad date")
        editor = app.screen
        date_input = editor.query_one("#date", Input)
        date_input.value = "2026-02-30"
        await pilot.pause()
        hint = text_of(editor.query_one("#when-hint", Static))
        assert "2026-02-30" in hint
        assert date_input.has_class("-invalid")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EditorScreen)  # not saved
        assert "Cannot save" in text_of(editor.query_one("#editor-errors", Static))
        date_input.value = "yesterday"
        editor.query_one("#time", Input).value = "25:99"
        await pilot.pause()
        assert "time" in text_of(editor.query_one("#when-hint", Static)).lower()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EditorScreen)
        editor.query_one("#time", Input).value = "下午2点"
        await pilot.pause()
        assert "Sun 22 Nov 2026 at 14:00" in text_of(editor.query_one("#when-hint", Static))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        _, doc = entry_by_event(sample_file, "Bad date")
        assert (doc["date"], doc["time"]) == ("2026-11-22", "14:00")
        assert len(Journal(sample_file).tables["entries"]) == len(before) + 1


async def test_escape_asks_before_discarding_changes(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        await pilot.press("n", "escape")
        assert isinstance(app.main_screen(), DayScreen) and app.screen is app.main_screen()
        await pilot.press("n", *"Half typed", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("escape", "y")
        assert app.screen is app.main_screen()
        events = {d["event"] for d in Journal(sample_file).tables["entries"].values()}
        assert "Half typed" not in events


async def test_escape_closes_the_picker_first(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        picker = app.screen.query_one("#pick-organisation", NamePicker)
        picker.input.focus()
        await pilot.press(*"acme")
        assert picker.has_class("-open")
        await pilot.press("escape")
        assert not picker.has_class("-open") and isinstance(app.screen, EditorScreen)
        await pilot.press("backspace")  # nothing typed: removes nothing, no crash
        assert picker.picks == []


async def test_edit_keeps_a_concurrent_change_and_records_the_conflict(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        entry_id = day.selected_entry()
        assert entry_id is not None
        await pilot.press("e")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        # Meanwhile another terminal edits the same entry: the event and the summary.
        Journal(sample_file).edit_entry(entry_id, {"event": "Renamed elsewhere",
                                                   "summary": "their summary"})
        editor.query_one("#summary").load_text("my summary")  # type: ignore[attr-defined]
        picker = editor.query_one("#pick-contact", NamePicker)
        picker.input.focus()
        await pilot.press(*"Tom", "enter")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        doc = Journal(sample_file).tables["entries"][entry_id]
        assert doc["event"] == "Renamed elsewhere"  # untouched here: their value stays
        assert doc["summary"] == "my summary"  # changed on both sides: this edit wins ...
        assert [c["value"] for c in doc["conflicts"]] == ["their summary"]  # ... theirs kept
        tom = [i for i, c in Journal(sample_file).tables["contacts"].items()
               if c["name"] == "Tom Baker"]
        assert set(tom) <= set(doc["contact_ids"]) and len(doc["contact_ids"]) == 2
        assert "conflict" in text_of(day.query_one("#detail-text", Static))


async def test_removing_a_link_in_the_editor(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        await pilot.press("down")  # 10:30 visit, linked to 王芳 and a project
        entry_id = day.selected_entry()
        assert entry_id is not None
        await pilot.press("e")
        picker = app.screen.query_one("#pick-contact", NamePicker)
        picker.input.focus()
        await pilot.press("backspace")  # empty box: removes the last pick
        assert picker.picks == []
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        doc = Journal(sample_file).tables["entries"][entry_id]
        assert "contact_ids" not in doc and doc["project_ids"]
        assert "王芳" not in rows(day)[1]


def offered(picker: NamePicker) -> list[str]:
    options = picker.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_pickers_match_pinyin_initials_and_parts_as_the_search_does(
        sample_file: Path) -> None:
    """``zw`` and ``zhang`` offer both 张伟 (told apart by their organisations) before "create";
    enter takes the first, so no contact called "zw" is made by mistake."""
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        await pilot.press("n", *"Call", "tab")
        editor = app.screen
        picker = editor.query_one("#pick-contact", NamePicker)
        picker.input.focus()
        await pilot.press(*"zw")
        assert offered(picker) == ["张伟 (上海星海物流有限公司)", "张伟 (华辰精密机械有限公司)",
                                   "create «zw»"]
        picker.input.value = ""
        await pilot.press(*"zhang")
        assert offered(picker)[:2] == ["张伟 (上海星海物流有限公司)", "张伟 (华辰精密机械有限公司)"]
        picker.input.value = ""
        await pilot.press(*"zw (华辰")
        assert offered(picker)[0] == "张伟 (华辰精密机械有限公司)"
        await pilot.press("enter")
        assert [p.label for p in picker.picks] == ["张伟 (华辰精密机械有限公司)"]
        orgs = editor.query_one("#pick-organisation", NamePicker)
        orgs.input.focus()
        await pilot.press(*"lyspjt")  # 绿源食品集团 by its initials
        assert offered(orgs)[0] == "绿源食品集团"
        await pilot.press("enter", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        _, doc = entry_by_event(sample_file, "Call")
        tables = Journal(sample_file).tables
        assert [tables["contacts"][c]["name"] for c in doc["contact_ids"]] == ["张伟"]
        assert len(tables["contacts"]) == 9  # nothing created


async def test_a_weekday_typed_for_a_planned_entry_is_the_coming_one(sample_file: Path) -> None:
    """On Monday 23 Nov, 周五 logs last Friday; for a planned entry it is this Friday. Planning
    from a future day starts planned, so 周二 typed there is tomorrow, not last week's."""
    app = make_app(sample_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        await pilot.press("n", *"Visit 绿源")
        editor = app.screen
        hint = editor.query_one("#when-hint", Static)
        editor.query_one("#date", Input).value = "周五"
        await pilot.pause()
        assert "Fri 20 Nov 2026" in text_of(hint)  # done: the last Friday
        editor.query_one("#status", Select).value = "planned"
        await pilot.pause()
        assert "Fri 27 Nov 2026" in text_of(hint)  # planned: the coming one
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        _, doc = entry_by_event(sample_file, "Visit 绿源")
        assert (doc["date"], doc["status"]) == ("2026-11-27", "planned")

        await pilot.press("right", "n", *"Call 星海")  # from Tuesday 24 Nov: planned
        editor = app.screen
        assert editor.query_one("#status", Select).value == "planned"
        editor.query_one("#date", Input).value = "周二"
        await pilot.pause()
        assert "Tue 24 Nov 2026" in text_of(editor.query_one("#when-hint", Static))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        _, doc = entry_by_event(sample_file, "Call 星海")
        assert (doc["date"], doc["status"]) == ("2026-11-24", "planned")
