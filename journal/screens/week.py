"""The week summary: what the report module makes of a week, as rendered Markdown.

The same Markdown that ``journal week`` prints, so what the user sees is what they save to a file
(mode 0600: it is their client notes; by default in the reports folder, see
:func:`journal.settings.reports_folder`) or paste into an e-mail from the clipboard. It is drawn by
:mod:`journal.widgets.report_view` (milliseconds) rather than Textual's Markdown widget (a second).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from journal.dates import format_date_human, iso_week_bounds
from journal.errors import JournalError
from journal.reports.render import render_markdown
from journal.reports.summary import build_period_report
from journal.screens.base import JournalScreen
from journal.screens.dialogs import PromptScreen
from journal.settings import ENV_REPORTS, reports_folder, save_settings
from journal.widgets.navbar import NavBar
from journal.widgets.report_view import ReportText


class WeekScreen(JournalScreen):
    """One ISO week's summary; browse weeks, save it, copy it."""

    MODE = "week"
    AUTO_FOCUS = "#week-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,left_square_bracket", "week(-1)", "Prev", key_display="←",
                tooltip="Previous week",
                priority=True),
        Binding("right,right_square_bracket", "week(1)", "Next", key_display="→",
                tooltip="Next week",
                priority=True),
        Binding("t", "this_week", "This week"),
        # ctrl+s saves, as in the editor and the forms; s alone syncs everywhere
        Binding("ctrl+s", "save", "Save", tooltip="Save the summary as a Markdown file"),
        Binding("y", "copy", "Copy", tooltip="Copy the summary to the clipboard"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.monday, _ = iso_week_bounds(self.japp.today)
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield Static(id="week-header")
        with VerticalScroll(id="week-body"):
            yield ReportText(id="week-markdown")
        yield Footer(compact=True)

    def reload(self) -> None:
        sunday = self.monday + timedelta(days=6)
        # the search index, when built, turns the report's scan of every entry into two bisects
        report = build_period_report(self.japp.report_tables(self.monday, sunday + timedelta(days=7)),
                                     self.monday, sunday,
                                     today=self.japp.today, kind="week",
                                     index=self.japp.current_index())
        self.markdown = render_markdown(report)
        year, week, _ = self.monday.isocalendar()
        this = " · this week" if self.monday <= self.japp.today <= sunday else ""
        self.query_one("#week-header", Static).update(Content.assemble(
            (f"Week {week}, {year}", "bold"),
            (f"  {format_date_human(self.monday)} – {format_date_human(sunday)}", "$text-muted"),
            (this, "$accent")))
        self.query_one("#week-markdown", ReportText).show(self.markdown)
        self.query_one("#week-body", VerticalScroll).scroll_home(animate=False)

    def show_week(self, day: date) -> None:
        self.monday, _ = iso_week_bounds(day)
        self.sync(force=True)

    def action_week(self, delta: int) -> None:
        try:
            monday = self.monday + timedelta(weeks=delta)
            monday + timedelta(days=13)  # a summary also lists what is planned the week after
        except OverflowError:
            edge = "ends on 9999-12-31" if delta > 0 else "starts on 0001-01-01"
            self.notify(f"The calendar {edge}: there is no week to show beyond it.",
                        severity="warning", markup=False)
            return
        self.show_week(monday)

    def action_this_week(self) -> None:
        self.show_week(self.japp.today)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.markdown)
        self.notify("Week summary copied to the clipboard.", markup=False)

    def action_save(self) -> None:
        """Ask where, offering the reports folder (journal.settings.reports_folder; made on
        first use); a folder chosen instead becomes the one offered next time."""
        year, week, _ = self.monday.isocalendar()
        folder = reports_folder(self.japp.settings)
        default = folder / f"week-{year}-W{week:02d}.md"

        def check(text: str) -> str | None:
            path = Path(text).expanduser()
            if path.is_dir():
                return f"{path} is a folder; give a file name"
            if not path.parent.is_dir() and path.parent != folder:
                return f"no folder {path.parent}"
            return None

        def chosen(text: str | None) -> None:
            if not text:
                return
            path = Path(text).expanduser()
            try:
                if path.parent == folder:
                    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                self.japp.journal.write_output(path, self.markdown.encode("utf-8"))
            except OSError as exc:
                self.notify(f"Cannot write {path}: {exc.strerror or exc}", severity="error",
                            markup=False)
            except JournalError as exc:
                self.notify(f"Not saved: {exc}", severity="error", markup=False)
                return
            self.notify(f"Saved {path}", markup=False)
            if path.parent != folder and not os.environ.get(ENV_REPORTS):
                self.japp.settings.reports_dir = str(path.parent.resolve())
                with contextlib.suppress(JournalError):  # only a convenience for next time
                    save_settings(self.japp.settings)

        self.app.push_screen(PromptScreen("Save the week summary as", value=str(default),
                                          check=check, hint="Markdown file, readable by you only"),
                             chosen)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Previous week", "Show the week before (← or [)",
                            lambda: self.action_week(-1))
        yield SystemCommand("Next week", "Show the week after (→ or ])",
                            lambda: self.action_week(1))
        yield SystemCommand("This week", "Back to the current week (t)", self.action_this_week)
        yield SystemCommand("Save week summary…", "Write it to a Markdown file (ctrl+s)",
                            self.action_save)
        yield SystemCommand("Copy week summary", "Copy the Markdown to the clipboard (y)",
                            self.action_copy)
