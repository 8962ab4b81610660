"""The daily routine in the app: the tick key, the day's note edited in place, carry-over,
left-overs under today, order by priority, the editor's new fields, ticking search results, and
the week's and month's written reviews."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input, Select, Static, TextArea

from journal.screens.day import DayScreen
from journal.screens.dialogs import ConfirmScreen
from journal.screens.editor import EditorScreen
from journal.screens.search import SearchScreen
from journal.screens.week import MonthScreen, WeekScreen
from journal.service import Journal
from journal.widgets.entry_list import EntryList
from journal.widgets.inline_editor import InlineEditor

from .support import TODAY, make_app, ready, until
from .test_day import day_screen, rows, text_of


def entries(path: Path) -> dict[str, dict]:
    return Journal(path).tables["entries"]


def by_event(path: Path, event: str) -> tuple[str, dict]:
    hits = [(i, d) for i, d in entries(path).items() if d["event"] == event]
    assert len(hits) == 1, hits
    return hits[0]


async def test_the_tick_key_toggles_planned_and_done(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(app)
        entry_id, doc = by_event(sample_file, "拜访绿源食品 签署代发协议")
        assert doc["status"] == "planned" and doc["origin"] == "planned"
        await pilot.press("down")
        assert screen.selected_entry() == entry_id
        await pilot.press("x")
        await until(pilot, lambda: entries(sample_file)[entry_id]["status"] == "done")
        assert entries(sample_file)[entry_id]["origin"] == "planned"  # still a plan, done
        assert rows(screen)[1][1] == "✓" and screen.selected_entry() == entry_id
        assert "plan 2/4 done" in text_of(screen.query_one("#day-header", Static))
        await pilot.press("space")  # the other key for it: back to planned
        await until(pilot, lambda: entries(sample_file)[entry_id]["status"] == "planned")
        assert rows(screen)[1][1] == "☐"


async def test_ticking_a_future_entry_asks_first(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(app)
        await pilot.press("right")  # tomorrow
        entry_id = screen.selected_entry()
        assert entry_id and entries(sample_file)[entry_id]["status"] == "planned"
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        assert "after today" in text_of(app.screen.query_one(".dialog-text", Static))
        await pilot.press("n")
        await pilot.pause()
        assert entries(sample_file)[entry_id]["status"] == "planned"
        await pilot.press("x", "y")
        await until(pilot, lambda: entries(sample_file)[entry_id]["status"] == "done")


async def test_the_days_note_is_written_in_place(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(app)
        await pilot.press("N")
        editor = screen.query_one("#note-editor", InlineEditor)
        assert editor.is_open and editor.text_area.has_focus
        assert editor.text_area.text == "Focus: 绿源 signing, Emily's LC documents."
        await pilot.press("x", "enter", *"小结 签约完成 [b]")  # keys are text here
        assert entries(sample_file) and screen.selected_entry() is not None
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.is_open)
        saved = Journal(sample_file).day_note(TODAY.isoformat())
        assert saved == "Focus: 绿源 signing, Emily's LC documents.x\n小结 签约完成 [b]", saved
        note = text_of(screen.query_one("#day-note", Static))
        assert "小结 签约完成 [b]" in note  # literally: never markup
        assert screen.query_one("#day-table", EntryList).has_focus
        # escape after typing asks before dropping it
        await pilot.press("N", *"more")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: not editor.is_open)
        assert "more" not in Journal(sample_file).day_note(TODAY.isoformat())


async def test_a_day_without_a_note_offers_one(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(app)
        await pilot.press("left", "left")  # a business day without a note
        assert "N writes it" in text_of(screen.query_one("#day-note", Static))
        await pilot.press("N", *"今天很忙", "ctrl+s")
        day = screen.day.isoformat()
        await until(pilot, lambda: Journal(sample_file).day_note(day) == "今天很忙")


async def test_carry_over_and_left_overs(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(app)
        leftover, _ = by_event(sample_file, "给王芳发中英文费率表")
        assert screen.leftovers == [leftover]
        # on a row of today: today's unfinished plans go to the next working day
        await pilot.press(">")
        await until(pilot, lambda: len(rows(screen)) == 2)  # the stand-up and the left-over
        moved = [d for d in entries(sample_file).values() if d.get("carried_from")
                 and d["date"] == "2026-11-24"]
        assert sorted(d["event"] for d in moved) == [
            "Call with Emily Chen — LC documents", "准备 Northwind 授信额度申请材料",
            "拜访绿源食品 签署代发协议"]
        assert all(TODAY.isoformat() in d["carried_from"] for d in moved)
        # on the left-over row: the left-overs come to the day shown
        await pilot.press("end", ">")
        await until(pilot, lambda: entries(sample_file)[leftover]["date"] == TODAY.isoformat())
        assert entries(sample_file)[leftover]["carried_from"] == ["2026-11-20"]
        assert screen.leftovers == [] and "left over" not in text_of(
            screen.query_one("#day-header", Static))
        await pilot.press("right")
        assert len(rows(screen)) == 5 and sum("↪" in r for r in rows(screen)) == 3


async def test_order_by_priority(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = day_screen(app)
        await pilot.press("right")  # tomorrow: 10:00 (high priority), 14:30
        first = [r[3:8] for r in rows(screen)]
        entry_id, _ = by_event(sample_file, "Acme Robotics FX hedging 方案讲解")
        Journal(sample_file).edit_entry(entry_id, {"priority": "high"})
        other, _ = by_event(sample_file, "授信审批会 Credit committee")
        Journal(sample_file).edit_entry(other, {"priority": "low"})
        await pilot.press("O")
        assert [r[3:8] for r in rows(screen)] == list(reversed(first))
        assert "by priority" in text_of(screen.query_one("#day-header", Static))
        assert "! Acme Robotics" in rows(screen)[0]
        await pilot.press("O")
        assert [r[3:8] for r in rows(screen)] == first


async def test_the_editor_takes_a_range_priority_origin_and_expenses(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 36)) as pilot:
        await ready(pilot)
        await pilot.press("n", *"拜访华辰 张总")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        editor.query_one("#time", Input).value = "9点-10点半"
        await pilot.pause()
        hint = text_of(editor.query_one("#when-hint", Static))
        assert "09:00–10:30 (1 h 30 min)" in hint
        editor.query_one("#end", Input).value = "11:00"
        await pilot.pause()
        assert "range already" in text_of(editor.query_one("#when-hint", Static))
        editor.query_one("#end", Input).value = ""
        editor.query_one("#expenses", Input).value = "120 CNY 午餐; ¥35 打车"
        editor.query_one("#priority", Select).value = "high"
        editor.query_one("#status", Select).value = "planned"
        await pilot.pause()
        assert editor.query_one("#origin", Select).value == "planned"  # follows the status
        editor.query_one("#status", Select).value = "done"
        await pilot.pause()
        assert editor.query_one("#origin", Select).value == ""  # a new done entry came up
        editor.query_one("#origin", Select).value = "planned"  # chosen: it stays
        await pilot.pause()
        editor.query_one("#status", Select).value = "done"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen))
        _, doc = by_event(sample_file, "拜访华辰 张总")
        assert (doc["time"], doc["end_time"], doc["priority"], doc["origin"], doc["status"]) == \
            ("09:00", "10:30", "high", "planned", "done")
        assert [(x["amount"], x["currency"], x["note"]) for x in doc["expenses"]] == [
            (120, "CNY", "午餐"), (35, "CNY", "打车")]
        # and back in the editor, the fields show what was saved
        screen = day_screen(app)
        await pilot.press("e")
        again = app.screen
        assert isinstance(again, EditorScreen)
        assert again.query_one("#expenses", Input).value == "120 CNY 午餐; 35 CNY 打车"
        assert again.query_one("#end", Input).value == "10:30"
        await pilot.press("escape")
        assert app.screen is screen


async def test_search_results_tick_and_open_notes(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"emily status:planned -准备")
        screen = app.main_screen()
        assert isinstance(screen, SearchScreen)
        table = screen.query_one("#search-results", EntryList)
        await until(pilot, lambda: len(table.entry_ids) == 1)
        target = table.entry_ids[0]
        await pilot.press("enter", "x")
        await until(pilot, lambda: entries(sample_file)[target]["status"] == "done")
        await pilot.press("escape", "ctrl+u", *"Focus")
        await until(pilot, lambda: table.entry_ids[:1] == ["day:2026-11-23"])
        detail = text_of(screen.query_one("#detail-text", Static))
        assert "Day note" in detail and "Emily's LC documents" in detail
        await pilot.press("enter", "x")  # x on a note does nothing
        await pilot.press("enter")
        day = app.main_screen()
        assert isinstance(day, DayScreen) and day.day == TODAY


async def test_week_review_edited_in_place(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("w")
        screen = app.main_screen()
        assert isinstance(screen, WeekScreen)
        assert "e: write the review" in text_of(screen.query_one("#week-header", Static))
        await pilot.press("e")
        editor = screen.query_one("#review-editor", InlineEditor)
        assert editor.is_open
        area = editor.query_one(TextArea)
        assert area.text.splitlines()[0] == "## 本周工作"  # the journal is mostly Chinese
        assert area.cursor_location == (1, 0)
        await pilot.press(*"签约绿源代发", "left", "right")  # arrows move in the text, not weeks
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.is_open)
        stored = Journal(sample_file).review("2026-W48")
        assert stored.startswith("## 本周工作\n签约绿源代发")
        assert screen.markdown.index("签约绿源代发") < screen.markdown.index("| Entries |")
        shown = text_of(screen.query_one("#week-markdown", Static))
        assert shown.startswith("本周工作\n  签约绿源代发") or "签约绿源代发" in shown.split("Entries")[0]
        # last week's review (in the sample) is shown and edited from what was saved
        await pilot.press("left", "e")
        assert editor.query_one(TextArea).text.startswith("## 本周工作\n- 拜访华辰精密")
        await pilot.press("escape")
        assert not editor.is_open


async def test_month_screen_and_its_quarter(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("m")
        screen = app.main_screen()
        assert isinstance(screen, MonthScreen)
        assert "November 2026" in text_of(screen.query_one("#week-header", Static))
        assert "## Top clients" in screen.markdown and "## Plan and done" in screen.markdown
        await pilot.press("left")
        assert "October 2026" in text_of(screen.query_one("#week-header", Static))
        await pilot.press("t", "Q")
        assert "2026 Q4" in text_of(screen.query_one("#week-header", Static))
        assert "## Month by month" in screen.markdown
        await pilot.press("e", *"Q4 went well", "ctrl+s")
        await until(pilot, lambda: "Q4 went well" in Journal(sample_file).review("2026-Q4"))
        await pilot.press("right")
        assert "2027 Q1" in text_of(screen.query_one("#week-header", Static))
        await pilot.press("Q")
        assert screen.kind == "month"
        assert screen.first == date(2027, 1, 1)


async def test_a_review_that_kept_another_machines_text_is_resolved_with_r(
        sample_file: Path) -> None:
    from journal.screens.conflicts import ResolveScreen

    journal = Journal(sample_file)
    journal.set_review("2026-W48", "mine")
    Journal(sample_file).set_review("2026-W48", "the other laptop's")
    journal.set_review("2026-W48", "mine, later", base="mine")  # records the other as a conflict
    app = make_app(sample_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("w")
        screen = app.main_screen()
        assert text_of(screen.query_one("#week-header", Static)).startswith("⚠ Week 48")
        assert screen.check_action("resolve", ())
        await pilot.press("r")
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press("down", "enter")  # keep the other laptop's text
        await until(pilot, lambda: Journal(sample_file).review("2026-W48") == "the other laptop's")
        assert "conflicts" not in Journal(sample_file).tables["reviews"]["2026-W48"]
