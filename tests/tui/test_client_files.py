"""Client files in the app: templates fill the summary when the event is chosen, the complaint
switch, overdue marks and sorting by due on the contacts screen, merging a client recorded twice
(m), a birthday notification on the day, and a broken configuration reported without a crash."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Static, TextArea

from journal.screens.dialogs import ConfirmScreen
from journal.screens.editor import EditorScreen
from journal.screens.merging import MergePickScreen
from journal.service import Journal, LinkRequest
from journal.storage import load_file
from journal.widgets.name_list import NameList

from .support import Notes, make_app, ready, until
from .test_day import text_of
from .test_documents import docs_screen, listed


def summary_of(editor: EditorScreen) -> str:
    return editor.query_one("#summary", TextArea).text


async def test_choosing_an_event_fills_the_summary_from_its_template(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_document("contact", "张伟")
    app = make_app(path)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        await pilot.press(*"拜访")  # an alias of the visit template
        assert summary_of(editor) == "目的：\n结果：\n下一步："
        await pilot.press(*"记录")  # 拜访记录: the template's own event, same summary
        assert summary_of(editor) == "目的：\n结果：\n下一步："
        complaint = editor.query_one("#complaint", Checkbox)
        assert not complaint.value and not editor.query_one("#resolved", Input).display
        event = editor.query_one("#event", Input)
        event.value = ""
        await pilot.press(*"投诉处理")  # untouched summary: replaced; a complaint template
        assert summary_of(editor).startswith("投诉内容：\n处理过程：")
        assert complaint.value and editor.query_one("#resolved", Input).display
        summary = editor.query_one("#summary", TextArea)
        summary.focus()
        await pilot.press("end", *"转账延迟")  # the user writes: never overwritten again
        written = summary_of(editor)
        event.value = "Client visit"
        await pilot.pause()
        assert summary_of(editor) == written
        event.value = "投诉处理"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
    (entry,) = load_file(path)["entries"].values()
    assert entry["event"] == "投诉处理" and entry["complaint"] is True
    assert entry["summary"] == written and "resolved_on" not in entry


async def test_the_complaint_switch_and_its_resolution(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    entry, _ = Journal(path).add_entry(event="柜台排队", date="2026-11-20",
                                       links=LinkRequest(organisations=["绿源"]))
    app = make_app(path)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        app.edit_entry(entry.id)
        await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen.is_mounted)
        await pilot.pause()
        editor = app.screen
        checkbox = editor.query_one("#complaint", Checkbox)
        checkbox.focus()
        await pilot.press("space")
        assert checkbox.value and editor.query_one("#resolved", Input).display
        editor.query_one("#resolved", Input).value = "2026-11-19"  # before the complaint
        await pilot.pause()
        assert "before the complaint itself" in text_of(editor.query_one("#when-hint", Static))
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EditorScreen)
        shown = text_of(editor.query_one("#editor-errors", Static))
        assert "before the complaint itself" in shown, shown
        editor.query_one("#resolved", Input).value = "yesterday"
        editor.query_one("#resolution", Input).value = "经理致歉  并加开窗口"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        doc = load_file(path)["entries"][entry.id]
        assert (doc["complaint"], doc["resolved_on"], doc["resolution"]) == (
            True, "2026-11-22", "经理致歉 并加开窗口")
        detail = text_of(app.main_screen().query_one("#detail-text", Static))
        assert "Complaint: resolved 2026-11-22 — 经理致歉 并加开窗口" in detail
        # switching it off clears the resolution with it
        app.edit_entry(entry.id)
        await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen.is_mounted)
        await pilot.pause()
        app.screen.query_one("#complaint", Checkbox).value = False
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
    doc = load_file(path)["entries"][entry.id]
    assert not {"complaint", "resolved_on", "resolution"} & set(doc)


def _clients(path: Path) -> Journal:
    journal = Journal(path)
    journal.add_document("organisation", "ACME", {"tier": "A"})
    journal.add_document("contact", "李四", {"tier": "VIP"}, organisation="ACME")  # 14 days
    journal.add_document("contact", "王五", organisation="ACME")  # inherits A: 30 days
    journal.add_document("contact", "Zed")  # no rhythm
    journal.add_document("contact", "新客户", {"tier": "重要"})  # never met
    journal.add_entry(event="拜访 ACME", date="2026-10-01", links=LinkRequest(organisations=["ACME"]))
    journal.add_entry(event="Call 李四", date="2026-11-13", links=LinkRequest(contacts=["李四"]))
    return journal


async def test_contacts_show_who_is_due_and_sort_by_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    _clients(path)
    app = make_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = docs_screen(app)
        names = screen.query_one("#docs-list", NameList)
        assert listed(screen) == ["Zed", "新客户", "李四 (ACME)", "王五 (ACME)"]
        by_name = {item.label: names.notes.get(item.id) for item in names.items}
        assert by_name == {"Zed": None, "新客户": ("never met", True),
                           "李四 (ACME)": ("in 4d", False), "王五 (ACME)": ("23d over", True)}, by_name
        row = "".join(seg.text for seg in names.row_segments(3, 60))
        assert row.startswith("!王五 (ACME)") and row.endswith(" 23d over")
        await pilot.press("u")
        assert listed(screen) == ["新客户", "王五 (ACME)", "李四 (ACME)", "Zed"]
        assert "most overdue first" in text_of(screen.query_one("#docs-count", Static))
        await pilot.press("home", "down")  # 王五
        await until(pilot, lambda: "王五" in text_of(screen.query_one("#doc-facts", Static)))
        facts = text_of(screen.query_one("#doc-facts", Static))
        assert "A (organisation's) · every 30 days · last 2026-10-01 (53 days ago) · " \
               "23 days overdue" in facts
        await pilot.press("u")
        assert listed(screen) == ["Zed", "新客户", "李四 (ACME)", "王五 (ACME)"]


async def test_merge_a_contact_recorded_twice(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    journal = Journal(path)
    kept, _ = journal.add_document("contact", "王芳", {"title": "CFO"}, organisation="绿源")
    other, _ = journal.add_document("contact", "Wang Fang", {"phones": ["138"], "title": "财务"})
    journal.add_entry(event="Call", date="2026-11-20", links=LinkRequest(contacts=[other.id]))
    app = make_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = docs_screen(app)
        screen.show_document(kept.id)
        await pilot.pause()
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MergePickScreen))
        await pilot.press(*"wang", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await until(pilot, lambda: listed(screen) == ["王芳 (绿源)"])
        facts = text_of(screen.query_one("#doc-facts", Static))
        assert "merge conflict: name, title" in facts, facts  # kept; the others recorded: r
    data = load_file(path)
    assert set(data["contacts"]) == {kept.id} and data["contacts"][kept.id]["phones"] == ["138"]
    assert data["merged"][other.id]["into"] == kept.id
    assert next(iter(data["entries"].values()))["contact_ids"] == [kept.id]


async def test_a_birthday_today_is_announced(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    journal = Journal(path)
    journal.add_document("contact", "张伟", {"birthday": "1980-11-23"}, organisation="华辰")
    journal.add_document("contact", "李娜", {"birthday": "--11-24"})
    app = make_app(path)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert notes.titled("Birthday today") == [
            ("Birthday today 🎂", "张伟 (华辰) turns 46 today. A greeting?", "information")]


async def test_a_broken_configuration_is_reported_and_the_defaults_apply(
        tmp_path: Path, private_settings: Path) -> None:
    path = tmp_path / "journal.json"
    _clients(path)
    config = private_settings.with_name("config.toml")
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[[tiers]]\nname = 'VIP'\ncadence_days = 'soon'\n", encoding="utf-8")
    app = make_app(path)
    notes = Notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        (note,) = notes.titled("Configuration")
        assert "tiers[1].cadence_days" in note[1] and note[2] == "error"
        assert app.config.tiers.canonical("重要") == "VIP"  # the defaults


async def test_an_organisations_tier_cadence_and_owner_in_its_form(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_document("organisation", "ACME")
    app = make_app(path)
    notes = Notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("o")
        screen = docs_screen(app)
        await until(pilot, lambda: screen.doc_id is not None)
        await pilot.press("e")
        form = screen.query_one("#doc-form")
        form.query_one("#f-tier", Input).value = "Z"
        await pilot.press("ctrl+s")
        assert any("unknown tier 'Z'" in message for _, message, _ in notes.seen)
        assert "tier" not in next(iter(load_file(path)["organisations"].values()))
        form.query_one("#f-tier", Input).value = "重要"
        form.query_one("#f-cadence_days", Input).value = "21"
        form.query_one("#f-owner", Input).value = "王强"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "every 21 days" in text_of(screen.query_one("#doc-facts",
                                                                               Static)))
        assert "VIP · every 21 days · owner 王强 · never met — due" in text_of(
            screen.query_one("#doc-facts", Static))
    org = next(iter(load_file(path)["organisations"].values()))
    assert (org["tier"], org["cadence_days"], org["owner"]) == ("VIP", 21, "王强")
