"""The reminder dialog: at start for reminders missed while the app was closed, and when one
comes due while it is open; open, snooze and dismiss keys."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import OptionList

from journal.recurrence.rules import parse_repeat
from journal.screens.day import DayScreen
from journal.screens.reminders import ReminderScreen
from journal.service import Journal

from .support import TODAY, make_app, ready, until


def journal_with_reminders(path: Path) -> dict[str, str]:
    j = Journal(path)
    ids = {}
    ids["missed"] = j.add_entry(event="Call Li back 回电", date="2026-11-20", time="10:00",
                                status="planned", remind_at="2026-11-20T09:45")[0].id
    ids["soon"] = j.add_entry(event="Credit committee", date="2026-11-23", time="15:00",
                              status="planned", remind_at="2026-11-23T14:45")[0].id
    ids["series"] = j.add_entry(event="Standup", date="2026-11-23", time="09:00",
                                recurrence=parse_repeat("workdays", start=TODAY),
                                remind_at="2026-11-23T08:50")[0].id
    return ids


def at(hour: int, minute: int) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute)


def showing(app) -> bool:  # noqa: ANN001
    screen = app.screen
    return isinstance(screen, ReminderScreen) and bool(screen.query(OptionList)) \
        and screen.query_one(OptionList).option_count > 0


def options(screen: ReminderScreen) -> list[str]:
    listed = screen.query_one(OptionList)
    return [str(listed.get_option_at_index(i).id) for i in range(listed.option_count)]


async def test_missed_reminders_at_start_then_dismiss_and_snooze(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    ids = journal_with_reminders(path)
    app = make_app(path)
    app.now = lambda: at(9, 0)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: showing(pilot.app))
        dialog = pilot.app.screen
        assert options(dialog) == [ids["missed"], f"{ids['series']}@2026-11-23"]
        await pilot.press("x")  # dismiss the missed one: acknowledged
        assert options(dialog) == [f"{ids['series']}@2026-11-23"]
        await pilot.press("z")  # snooze the standup ten minutes: the dialog closes
        await until(pilot, lambda: not isinstance(pilot.app.screen, ReminderScreen))
        journal = Journal(path)
        assert journal.get_entry(ids["missed"]).reminded == "2026-11-20T09:45"
        assert journal.get_entry(f"{ids['series']}@2026-11-23").remind_at == "2026-11-23T09:10"
        assert journal.due_reminders(at(9, 5)) == []
        # nothing more until one comes due while the app is open
        pilot.app.check_reminders()
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ReminderScreen)
        app.now = lambda: at(14, 50)  # type: ignore[method-assign]
        pilot.app.check_reminders()
        await until(pilot, lambda: showing(pilot.app))
        assert options(pilot.app.screen) == [f"{ids['series']}@2026-11-23", ids["soon"]]
        await pilot.press("down", "enter")  # open the committee's entry in its day
        await until(pilot, lambda: not isinstance(pilot.app.screen, ReminderScreen))
        screen = pilot.app.main_screen()
        assert isinstance(screen, DayScreen)
        await until(pilot, lambda: screen.selected_entry() == ids["soon"])


async def test_escape_leaves_them_due_and_the_day_lists_occurrences(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    ids = journal_with_reminders(path)
    app = make_app(path)
    app.now = lambda: at(9, 0)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: showing(pilot.app))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(pilot.app.screen, ReminderScreen))
        assert len(Journal(path).due_reminders(at(9, 0))) == 2  # still due for `journal remind`
        pilot.app.check_reminders()  # but not shown twice in one session
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ReminderScreen)
        screen = pilot.app.main_screen()
        assert isinstance(screen, DayScreen)
        assert pilot.app.session.entry_ids_on("2026-11-23") == [f"{ids['series']}@2026-11-23", ids["soon"]]
        assert ids["series"] not in pilot.app.session.entry_ids_on("2026-11-23")


async def test_follow_up_key_plans_a_linked_entry_shown_both_ways(tmp_path: Path) -> None:
    from journal.names.resolve import LinkRequest

    path = tmp_path / "journal.json"
    visit = Journal(path).add_entry(event="Visit ACME", date="2026-11-23", time="10:00",
                                    links=LinkRequest(contacts=["张伟"]))[0].id
    async with make_app(path).run_test(size=(120, 32)) as pilot:
        await ready(pilot)
        screen = pilot.app.main_screen()
        assert screen.selected_entry() == visit
        await pilot.press("F")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "PromptScreen")
        await pilot.press("ctrl+a", "ctrl+k", *"3d, Send the term sheet", "enter")
        await until(pilot, lambda: len(Journal(path).follow_ups_of(visit)) == 1)
        up = Journal(path).follow_ups_of(visit)[0]
        assert (up.date, up.event, up.status, up.follows_id) == ("2026-11-26", "Send the term sheet",
                                                                  "planned", visit)
        detail = screen.query_one("#detail-text")
        await until(pilot, lambda: "Follow-ups: 1 open" in detail.content.plain)
        assert "2026-11-26 Send the term sheet" in detail.content.plain


async def test_the_home_screen_has_an_agenda_pane(tmp_path: Path) -> None:
    from journal.names.resolve import LinkRequest
    from journal.widgets.agenda_pane import AgendaPane

    path = tmp_path / "journal.json"
    j = Journal(path)
    visit = j.add_entry(event="Visit ACME", date="2026-11-20", links=LinkRequest(contacts=["张伟"]))[0].id
    j.follow_up(visit, TODAY.replace(day=25), event="Send the term sheet")
    j.edit_document("contact", j.resolve("contact", "张伟"), {"cadence_days": 2,
                                                               "birthday": "1980-11-26"})
    app = make_app(path)
    app.now = lambda: at(8, 0)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        pane = pilot.app.main_screen().query_one(AgendaPane)
        await until(pilot, lambda: pane.display and "Follow-ups" in pane.content.plain)
        text = pane.content.plain
        assert "Follow-ups this week (1)" in text and "11-25 Send the term sheet" in text
        assert "Clients due (1)" in text and "张伟  1d over" in text
        assert "Birthdays (1)" in text and "in 3d 张伟" in text
        await pilot.press("right")  # another day: the pane is today's only
        await until(pilot, lambda: not pane.display)
