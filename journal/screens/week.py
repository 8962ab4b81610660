"""The week and month screens: the written review on top, what the report module makes of the
period under it, as rendered Markdown.

The same Markdown that ``journal week`` / ``journal month`` / ``journal quarter`` print, so what
the user sees is what they save to a file (mode 0600: it is their client notes; by default in the
reports folder, see :func:`journal.settings.reports_folder`) or paste into an e-mail from the
clipboard. It is drawn by :mod:`journal.widgets.report_view` (milliseconds)
rather than Textual's Markdown widget (a second).

``e`` opens the period's written review in place, above the figures (headings to start from when
there is none: 本周工作 / 问题与风险 / 下周计划 for a Chinese journal), ``ctrl+s`` in it saves it to
the journal. The month screen shows the quarter with ``Q`` (quarterly reviews live there).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from journal.dates import format_date_human, iso_week_bounds, month_bounds, quarter_bounds
from journal.errors import JournalError
from journal.i18n import N_, _, chinese
from journal.i18n.formats import period_name, quarter_label, week_label
from journal.i18n.terms import kind_name
from journal.reports.render import render_markdown
from journal.reports.summary import build_period_report, entries_needed_until, next_period
from journal.routine.reviews import is_chinese, is_unwritten, review_id, template
from journal.screens.base import JournalScreen
from journal.screens.dialogs import PromptScreen
from journal.settings import ENV_REPORTS, reports_folder, save_settings
from journal.widgets.inline_editor import InlineEditor
from journal.widgets.navbar import NavBar
from journal.widgets.report_view import ReportText

Kind = Literal["week", "month", "quarter"]
_BOUNDS = {"week": iso_week_bounds, "month": month_bounds, "quarter": quarter_bounds}


def step(kind: Kind, first: date, delta: int) -> date:
    """A day of the period ``delta`` periods away from the one starting on ``first``. Raises
    OverflowError past the calendar's ends (a summary also reads the period after it)."""
    if kind == "week":
        (first + timedelta(weeks=delta)) + timedelta(days=13)  # and lists the week after
        return first + timedelta(weeks=delta)
    months = delta * (3 if kind == "quarter" else 1)
    index = first.year * 12 + first.month - 1 + months
    try:
        day = date(index // 12, index % 12 + 1, 1)
        next_period(kind, _BOUNDS[kind](day)[1])  # a summary also lists the period after it
    except (ValueError, JournalError):
        raise OverflowError(_("past the calendar's end")) from None
    return day


class PeriodScreen(JournalScreen):
    """One period's summary with its written review; browse periods, edit, save, copy."""

    KIND: ClassVar[Kind] = "week"
    AUTO_FOCUS = "#week-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,left_square_bracket", "period(-1)", N_("Prev"), key_display="←→",
                tooltip=N_("Previous period"), priority=True),
        Binding("right,right_square_bracket", "period(1)", N_("Next"), show=False, key_display="→",
                tooltip=N_("Next period"), priority=True),
        Binding("t", "this_period", N_("Now"), tooltip=N_("Back to the current period")),
        Binding("e", "edit_review", N_("Review"), tooltip=N_("Write the period's review (in place)")),
        # ctrl+s saves, as in the editor and the forms; s alone syncs everywhere
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the summary as a Markdown file")),
        Binding("y", "copy", N_("Copy"), tooltip=N_("Copy the summary to the clipboard")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind: Kind = self.KIND
        self.first, self.last = _BOUNDS[self.kind](self.japp.today)
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield Static(id="week-header")
        yield InlineEditor(id="review-editor")
        with VerticalScroll(id="week-body"):
            yield ReportText(id="week-markdown")
        yield Footer(compact=True)

    @property
    def review_editor(self) -> InlineEditor:
        return self.query_one("#review-editor", InlineEditor)

    @property
    def review_id(self) -> str:
        return review_id(self.kind, self.first)

    def period_title(self) -> str:
        if self.kind == "week":
            year, week, _weekday = self.first.isocalendar()
            return week_label(week, year)
        if self.kind == "month":
            return period_name(self.kind, self.first)
        quarter = (self.first.month - 1) // 3 + 1
        return quarter_label(self.first.year, quarter) if chinese() else \
            f"{self.first.year} Q{quarter}"

    def reload(self) -> None:
        # the search index, when built, turns the report's scan of every entry into two bisects
        tables = self.session.report_tables(self.first, entries_needed_until(self.kind, self.last))
        report = build_period_report(tables, self.first, self.last,
                                     today=self.japp.today, kind=self.kind,
                                     index=self.session.current_index(),
                                     tiers=self.japp.config.tiers)
        self.markdown = render_markdown(report)
        now = _(" · now") if self.first <= self.japp.today <= self.last else ""
        written = "" if report.review else _(" · e: write the review")
        conflict = self.conflict_target() is not None
        self.query_one("#week-header", Static).update(Content.assemble(
            ("⚠ " if conflict else "", "bold $warning"), (self.period_title(), "bold"),
            (f"  {format_date_human(self.first)} – {format_date_human(self.last)}",
             "$text-muted"), (now, "$accent"), (written, "$text-muted")))
        self.query_one("#week-markdown", ReportText).show(self.markdown)
        self.query_one("#week-body", VerticalScroll).scroll_home(animate=False)
        self.update_resolve_binding()

    def conflict_target(self) -> tuple[str, str] | None:
        """The review shown, when a merge left another machine's text in it (r resolves)."""
        if self.review_id in self.session.conflicted().get("reviews", frozenset()):
            return ("reviews", self.review_id)
        return None

    def show_period(self, day: date, *, quarter: bool = False) -> None:
        """Show the period holding ``day`` (the month screen shows its quarter if asked)."""
        if self.live and self.review_editor.is_open:
            self.review_editor.remove_class("-open")
        if quarter:
            self.kind = "quarter"
        self.first, self.last = _BOUNDS[self.kind](day)
        self.sync(force=True)

    def action_period(self, delta: int) -> None:
        try:
            day = step(self.kind, self.first, delta)
        except OverflowError:
            edge = _("ends on 9999-12-31") if delta > 0 else _("starts on 0001-01-01")
            self.notify(_("The calendar {edge}: there is no {kind} to show beyond it.").format(edge=edge, kind=kind_name(self.kind)),
                        severity="warning", markup=False)
            return
        self.show_period(day)

    def action_this_period(self) -> None:
        self.show_period(self.japp.today)

    # -- the written review -----------------------------------------------------------------
    def action_edit_review(self) -> None:
        saved = self.journal.review(self.review_id)
        text = saved
        if not saved:
            lo = (self.last - timedelta(days=60)).isoformat()
            recent = self.journal.dated_entry_docs(lo, self.last.isoformat()) or {}
            events = [str(d.get("event", "")) for d in recent.values()
                      if lo <= d.get("date", "") <= self.last.isoformat()]
            text = template(self.kind, is_chinese(events))
        self.review_editor.open(f"Review {self.review_id} · {self.period_title()}", text,
                                start=saved, cursor=None if saved else (1, 0))

    @on(InlineEditor.Saved, "#review-editor")
    def _review_saved(self, event: InlineEditor.Saved) -> None:
        editor = event.editor
        if event.text.rstrip() == editor.start_text.rstrip() or (
                not editor.start_text and is_unwritten(event.text)):
            self.notify(_("Nothing changed in the review."), markup=False)
            editor.close()
            return
        with self.japp.guard():
            kept = self.journal.set_review(self.review_id, event.text, base=editor.start_text)
            self.notify(_("Review {review_id} saved.").format(review_id=self.review_id) if kept
                        else _("Review {review_id} deleted.").format(review_id=self.review_id), markup=False)
            editor.close()

    @on(InlineEditor.Closed, "#review-editor")
    def _review_closed(self) -> None:
        self.query_one("#week-body").focus()
        self.sync(force=True)

    # -- saving and copying the summary ----------------------------------------------------
    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.markdown)
        self.notify({"week": _("Week summary copied to the clipboard."),
                     "month": _("Month summary copied to the clipboard."),
                     "quarter": _("Quarter summary copied to the clipboard.")}[self.kind],
                    markup=False)

    def action_save(self) -> None:
        """Ask where, offering the reports folder (journal.settings.reports_folder; made on
        first use); a folder chosen instead becomes the one offered next time."""
        folder = reports_folder(self.japp.settings)
        default = folder / f"{self.kind}-{self.review_id}.md"

        def check(text: str) -> str | None:
            path = Path(text).expanduser()
            if path.is_dir():
                return _("{path} is a folder; give a file name").format(path=path)
            if not path.parent.is_dir() and path.parent != folder:
                return _("no folder {parent}").format(parent=path.parent)
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
                self.notify(_("Cannot write {path}: {value}").format(path=path, value=exc.strerror or exc), severity="error",
                            markup=False)
                return
            except JournalError as exc:
                self.notify(_("Not saved: {exc}").format(exc=exc), severity="error", markup=False)
                return
            self.notify(_("Saved {path}").format(path=path), markup=False)
            if path.parent != folder and not os.environ.get(ENV_REPORTS):
                self.japp.settings.reports_dir = str(path.parent.resolve())
                with contextlib.suppress(JournalError):  # only a convenience for next time
                    save_settings(self.japp.settings)

        self.app.push_screen(PromptScreen(_PERIOD_WORDS[self.kind]()["save as"], value=str(default),
                                          check=check, hint=_("Markdown file, readable by you only")),
                             chosen)

    def can_act(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.live and self.review_editor.is_open and action in ("period", "this_period", "edit_review",
                                                     "copy", "quarter"):
            return False  # typing in the review: keys are text
        return super().can_act(action, parameters)

    def commands(self) -> Iterable[SystemCommand]:
        words = _PERIOD_WORDS[self.kind]()
        yield SystemCommand(words["previous"], _("Show the one before (← or [)"),
                            lambda: self.action_period(-1))
        yield SystemCommand(words["next"], _("Show the one after (→ or ])"),
                            lambda: self.action_period(1))
        yield SystemCommand(words["this"], _("Back to the current one (t)"),
                            self.action_this_period)
        yield SystemCommand(words["review"], _("Work, problems and risks, plans (e)"),
                            self.action_edit_review)
        yield SystemCommand(words["save"], _("Write it to a Markdown file (ctrl+s)"),
                            self.action_save)
        yield SystemCommand(words["copy"], _("Copy the Markdown to the clipboard (y)"),
                            self.action_copy)
        yield from self.conflict_commands()


class WeekScreen(PeriodScreen):
    """One ISO week."""

    MODE = "week"
    KIND = "week"

    @property
    def monday(self) -> date:
        return self.first

    def show_week(self, day: date) -> None:
        self.show_period(day)


class MonthScreen(PeriodScreen):
    """One month, or (``Q``) its quarter."""

    MODE = "month"
    KIND = "month"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("Q", "quarter", N_("Quarter"), key_display="Q",
                tooltip=N_("Switch between the month and its quarter")),
    ]

    def action_quarter(self) -> None:
        self.kind = "month" if self.kind == "quarter" else "quarter"
        self.show_period(self.first if self.kind == "quarter" else self.japp.today
                         if self.first <= self.japp.today <= self.last else self.first)

    def commands(self) -> Iterable[SystemCommand]:
        yield from super().commands()
        yield SystemCommand(_("Month / quarter"), _("Switch between the month and its quarter (Q)"),
                            self.action_quarter)


#: What the palette and the prompts call each period's commands: whole phrases per period, since
#: languages name them differently (本周 / 本月 / 本季度; 周报 / 月报 / 季报).
_PERIOD_WORDS = {
    "week": lambda: {"previous": _("Previous week"), "next": _("Next week"), "this": _("This week"),
                     "review": _("Write the week's review"), "save": _("Save the week summary…"),
                     "copy": _("Copy the week summary"), "save as": _("Save the week summary as")},
    "month": lambda: {"previous": _("Previous month"), "next": _("Next month"),
                      "this": _("This month"), "review": _("Write the month's review"),
                      "save": _("Save the month summary…"), "copy": _("Copy the month summary"),
                      "save as": _("Save the month summary as")},
    "quarter": lambda: {"previous": _("Previous quarter"), "next": _("Next quarter"),
                        "this": _("This quarter"), "review": _("Write the quarter's review"),
                        "save": _("Save the quarter summary…"),
                        "copy": _("Copy the quarter summary"),
                        "save as": _("Save the quarter summary as")},
}
