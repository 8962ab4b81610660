"""First run: an empty journal is a blank screen, so offer a realistic fortnight to explore first.

The sample is written through the service like anything the user types, so it is an ordinary
journal afterwards (delete it entry by entry, or start a new file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static

from journal.i18n import N_, _
from journal.interchange.sample import load_sample
from journal.screens.translated import TranslatedBindings
from journal.widgets.render import plain

if TYPE_CHECKING:
    from journal.screens.host import JournalHost

_TEXT = (
    N_("journal keeps your visits, calls and meetings — and the people, clients and projects they "
    "involve — in one plain file you own.\n\n"
    "Try it with two weeks of a customer manager's diary around today (clients, projects, "
    "visits, calls; Chinese and English), or start with an empty journal.\n"))


class WelcomeScreen(TranslatedBindings, Screen[bool]):
    """Dismisses with True once sample data was written, False to start empty."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sample", N_("Sample data")),
        Binding("e,escape", "empty", N_("Start empty")),
    ]

    def compose(self) -> ComposeResult:
        path = str(cast("JournalHost", self.app).journal.path)
        with Center(), Vertical(classes="dialog welcome"):
            yield Static(Content.styled(_("Welcome to journal"), "bold $accent"))
            yield Static(Content(_(_TEXT)))
            yield Static(Content.assemble((_("File: "), "$text-muted"), plain(path)))
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Load sample data (s)"), variant="primary", id="sample")
                yield Button(_("Start empty (e)"), id="empty")

    def on_mount(self) -> None:
        self.query_one("#sample", Button).focus()

    @on(Button.Pressed, "#sample")
    def action_sample(self) -> None:
        app = cast("JournalHost", self.app)
        with app.guard():
            load_sample(app.journal, app.today)
            self.notify(_("Sample data loaded: a fortnight around today."), markup=False)
        self.dismiss(True)

    @on(Button.Pressed, "#empty")
    def action_empty(self) -> None:
        self.dismiss(False)
