"""The calendar: a month on one screen, each day with how many entries and planned items it
holds (repeating entries' occurrences included). Weeks start on Monday. The arrow keys move
between days (past the month's edge the page turns), ``[``/``]`` (or page up/down) between
months, ``t`` back to today, and enter opens
the day in the journal.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Static

from journal.i18n import N_, _, ngettext
from journal.i18n.formats import month_label, weekday_name
from journal.screens.base import EntryDefaults, JournalScreen
from journal.widgets.navbar import NavBar


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """The weeks (Monday first) that hold a day of the month, as full weeks of dates (None
    before 0001-01-01 and after 9999-12-31, where the calendar ends)."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    start = first.toordinal() - first.weekday()
    end = last.toordinal() + 6 - last.weekday()
    days = [date.fromordinal(o) if date.min.toordinal() <= o <= date.max.toordinal() else None
            for o in range(start, end + 1)]
    return [days[i:i + 7] for i in range(0, len(days), 7)]


def cell_text(day: date | None, month: int, counts: tuple[int, int] | None, today: date) -> Content:
    """One day of the grid: its number, then ``2✓ 3□`` (done, planned; or nothing) below it."""
    if day is None:  # beyond the calendar's ends
        return Content("\n")
    style = "bold $accent" if day == today else "$text" if day.month == month else "$text-disabled"
    number = Content.styled(f"{day.day:>2}" + (" " + _("today") if day == today else ""), style)
    if not counts or day.month != month:
        return Content.assemble(number, "\n")
    total, planned = counts
    done = total - planned
    parts = [f"{done}✓" if done else "", f"{planned}□" if planned else ""]
    return Content.assemble(number, "\n", Content.styled(" ".join(p for p in parts if p),
                                                         "$text-muted"))


class CalendarScreen(JournalScreen):
    """A month grid of days with their counts."""

    MODE = "calendar"
    AUTO_FOCUS = "#calendar-grid"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket,pageup", "month(-1)", N_("Prev month"), key_display="[",
                priority=True),
        Binding("right_square_bracket,pagedown", "month(1)", N_("Next month"), key_display="]",
                priority=True),
        Binding("left", "move(-1)", N_("Day"), key_display="←↑↓→", priority=True),
        Binding("right", "move(1)", N_("Next day"), show=False, priority=True),
        Binding("up", "move(-7)", N_("Week before"), show=False, priority=True),
        Binding("down", "move(7)", N_("Week after"), show=False, priority=True),
        Binding("t", "today", N_("Today")),
        Binding("enter", "open_day", N_("Open day"), priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date = self.japp.today

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield Static(id="calendar-title")
        yield DataTable(id="calendar-grid", cursor_type="cell", zebra_stripes=False,
                        show_row_labels=False)
        yield Static(Content.styled(_("✓ done or recorded   □ planned   enter: open the day"),
                                    "$text-muted"), id="calendar-legend")
        yield Footer(compact=True)

    @property
    def grid(self) -> DataTable[Content]:
        return self.query_one("#calendar-grid", DataTable)

    def reload(self) -> None:
        weeks = month_weeks(self.day.year, self.day.month)
        shown = [d for week in weeks for d in week if d is not None]
        first, last = shown[0], shown[-1]
        counts = self.journal.day_counts(first, last)
        today = self.japp.today
        grid = self.grid
        grid.clear(columns=True)
        width = max(5, (self.size.width - 4) // 7 - 2)  # each cell has a column of padding each side
        monday = date(2024, 1, 1)  # a Monday: the column heads, Mon..Sun / 周一..周日
        for offset in range(7):
            grid.add_column(weekday_name(monday + timedelta(days=offset), short=True), width=width)
        for week in weeks:
            grid.add_row(*(cell_text(d, self.day.month, counts.get(d.isoformat()) if d else None,
                                     today) for d in week), height=2)
        in_month = sum(t for d, (t, _) in counts.items() if d[:7] == self.day.isoformat()[:7])
        self.query_one("#calendar-title", Static).update(Content.assemble(
            (month_label(self.day.year, self.day.month), "bold"),
            (ngettext("  ·  {n} entry", "  ·  {n} entries", in_month).format(n=in_month), "$text-muted")))
        row = next(i for i, week in enumerate(weeks) if self.day in week)
        grid.move_cursor(row=row, column=self.day.weekday(), animate=False)
        self._weeks = weeks

    def _day_at(self, coordinate: Coordinate) -> date | None:  # None: beyond the calendar
        weeks = getattr(self, "_weeks", [])
        if 0 <= coordinate.row < len(weeks) and 0 <= coordinate.column < 7:
            return weeks[coordinate.row][coordinate.column]
        return None

    @on(DataTable.CellHighlighted, "#calendar-grid")
    def _moved(self, event: DataTable.CellHighlighted) -> None:
        if event.coordinate != self.grid.cursor_coordinate:
            return  # stale: the grid was rebuilt since (its cursor passed through 0, 0)
        day = self._day_at(event.coordinate)
        if day is None or day == self.day:
            return
        if day.month != self.day.month:  # walked off the month: show the next one
            self.show_month(day)
        else:
            self.day = day

    @on(DataTable.CellSelected, "#calendar-grid")
    def _chosen(self, event: DataTable.CellSelected) -> None:
        day = self._day_at(event.coordinate)
        if day is not None:
            self.day = day
            self.action_open_day()

    def show_month(self, day: date) -> None:
        self.day = day
        if self.live:
            self.sync(force=True)

    def action_month(self, delta: int) -> None:
        year, month = divmod(self.day.year * 12 + self.day.month - 1 + delta, 12)
        if not 1 <= year <= 9999:
            return
        last = calendar.monthrange(year, month + 1)[1]
        self.show_month(date(year, month + 1, min(self.day.day, last)))

    def action_move(self, days: int) -> None:
        """To the day ``days`` away; past the month's edge the page turns with it."""
        try:
            day = self.day + timedelta(days=days)
        except OverflowError:
            return
        if day.month != self.day.month or day.year != self.day.year:
            self.show_month(day)
            return
        self.day = day
        weeks = getattr(self, "_weeks", [])
        row = next((i for i, week in enumerate(weeks) if day in week), None)
        if row is not None:
            self.grid.move_cursor(row=row, column=day.weekday(), animate=False)

    def action_today(self) -> None:
        self.show_month(self.japp.today)

    async def action_open_day(self) -> None:
        from journal.screens.day import DayScreen

        await self.japp.switch_mode("journal")
        screen = self.japp.main_screen()
        if isinstance(screen, DayScreen):
            screen.show_day(self.day)

    def entry_defaults(self) -> EntryDefaults:
        return EntryDefaults(self.day)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(_("Previous month"), _("Show the month before ([)"), lambda: self.action_month(-1))
        yield SystemCommand(_("Next month"), _("Show the month after (])"), lambda: self.action_month(1))
        yield SystemCommand(_("This month"), _("Back to today (t)"), self.action_today)


