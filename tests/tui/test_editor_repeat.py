"""The editor's Repeat and Remind rows: a preset or a typed rule makes a series; one occurrence
is edited alone (its Repeat belongs to the series); an unchanged reminder moves with the entry."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from journal.recurrence.rules import parse_repeat
from journal.screens.editor import EditorScreen
from journal.service import Journal

from .support import TODAY, make_app, ready, until


async def open_editor(pilot, key: str = "n") -> EditorScreen:  # noqa: ANN001
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, EditorScreen)
                and pilot.app.screen.is_mounted)
    await pilot.pause()
    return pilot.app.screen


async def test_a_preset_and_a_reminder_make_a_repeating_entry(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_entry(event="Existing", date=TODAY.isoformat())
    async with make_app(path).run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        editor = await open_editor(pilot)
        await pilot.press(*"周会 Team meeting")
        editor.query_one("#time", Input).value = "9:00-10:00"
        editor.query_one("#repeat-preset", Select).value = "weekly on mon"  # TODAY is a Monday
        await pilot.pause()
        assert editor.query_one("#repeat", Input).value == "weekly on mon"
        editor.query_one("#remind", Input).value = "15m"
        await pilot.pause()
        hint = editor.query_one("#when-hint", Static).content.plain
        assert "↻ every week on Monday" in hint and "remind 2026-11-23 08:45" in hint
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(pilot.app.screen, EditorScreen))
    journal = Journal(path)
    (sid, doc), = journal.series().items()
    assert (doc["recurrence"], doc["status"], doc["remind_at"]) == ("FREQ=WEEKLY;BYDAY=MO",
                                                                   "planned", "2026-11-23T08:45")
    assert journal.get_entry(f"{sid}@2026-11-30").remind_at == "2026-11-30T08:45"


async def test_a_typed_rule_is_checked_as_you_type(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_entry(event="Existing", date=TODAY.isoformat())
    async with make_app(path).run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        editor = await open_editor(pilot)
        await pilot.press(*"VIP call")
        editor.query_one("#repeat", Input).value = "every blue moon"
        await pilot.pause()
        assert "invalid repeat rule" in editor.query_one("#when-hint", Static).content.plain
        assert editor.query_one("#repeat", Input).has_class("-invalid")
        editor.query_one("#repeat", Input).value = "每月第二个周二 10次"
        await pilot.pause()
        assert "every month on the second Tuesday, 10 times" in \
            editor.query_one("#when-hint", Static).content.plain
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(pilot.app.screen, EditorScreen))
    (doc,) = Journal(path).series().values()
    assert (doc["date"], doc["recurrence"]) == ("2026-12-08", "FREQ=MONTHLY;BYDAY=2TU;COUNT=10")


async def test_editing_one_occurrence_from_the_day_view(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    journal = Journal(path)
    sid = journal.add_entry(event="Standup", date="2026-11-16", time="09:00",
                            recurrence=parse_repeat("workdays", start=TODAY),
                            remind_at="2026-11-16T08:50")[0].id
    async with make_app(path).run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        from journal.screens.reminders import ReminderScreen

        await until(pilot, lambda: isinstance(pilot.app.screen, ReminderScreen))  # last week's
        await pilot.press("escape")
        screen = pilot.app.main_screen()
        await until(pilot, lambda: screen.selected_entry() == f"{sid}@2026-11-23")
        editor = await open_editor(pilot, "e")
        assert editor.query_one("#repeat", Input).disabled
        assert editor.query_one("#remind", Input).value == "2026-11-23 08:50"
        editor.query_one("#time", Input).value = "09:30"  # the reminder moves with it
        editor.query_one("#summary").text = "short one"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(pilot.app.screen, EditorScreen))
        await pilot.press("x")  # and tick it
        await until(pilot, lambda: Journal(path).get_entry(f"{sid}@2026-11-23").status == "done")
    changed = Journal(path).get_entry(f"{sid}@2026-11-23")
    assert (changed.time, changed.summary, changed.remind_at) == ("09:30", "short one",
                                                                  "2026-11-23T09:20")
    assert Journal(path).get_entry(f"{sid}@2026-11-24").time == "09:00"
