"""Small dialogs: yes/no confirmation, a one-line prompt, and the help screen.

All of them show user text (an event in "Delete …?", a typed date) as plain content, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

import journal
from journal.i18n import N_, _
from journal.screens.translated import TranslatedBindings
from journal.widgets.render import plain


class ConfirmScreen(TranslatedBindings, ModalScreen[bool]):
    """Ask before something that cannot be undone from the app (deleting, discarding edits)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    def __init__(self, question: Content | str, *, yes: str = _("Yes"), no: str = _("Cancel")) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question if isinstance(question, Content) else plain(question)
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self.yes} (y)"), variant="error", id="yes")
                yield Button(Content(f"{self.no} (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(TranslatedBindings, ModalScreen[str | None]):
    """Ask for one line (a date to go to, a file name); ``check`` returns an error or None and
    runs on every keystroke so the problem shows before enter."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "",
                 check: Callable[[str], str | None] | None = None, hint: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.value, self.placeholder = title, value, placeholder
        self.check = check or (lambda _: None)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, "bold"))
            yield Input(self.value, placeholder=self.placeholder, id="prompt")
            yield Static(plain(self.hint), id="prompt-hint", classes="hint")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        problem = self.check(event.value) if event.value.strip() else None
        hint = self.query_one("#prompt-hint", Static)
        hint.update(plain(problem or self.hint))
        hint.set_class(bool(problem), "error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            return
        problem = self.check(value)
        if problem:
            self.query_one("#prompt-hint", Static).update(plain(problem))
            self.query_one("#prompt-hint", Static).add_class("error")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


#: One paragraph per line: the dialog wraps them to its width (hard breaks made ragged lines).
_TIPS = (
    N_("Lists: ↑ ↓ page-up page-down home end to move, enter to open; the mouse works too."),
    N_("Dates: 2026-11-23, yesterday, last friday, 昨天, 上周五, 3 days ago. Times: 09:30, 9am, "
    "下午2点."),
    N_('Search: words, "exact phrase", -excluded, contact:张伟, org:工商, project:贷款, tag:loan, '
    'status:planned, on:"last week", from:2026-11 to:上个月.'),
    N_("Pickers: type any part of a name; enter picks; backspace in the empty box removes the last "
    'pick; write "Name (Organisation)" to create a namesake at another firm.'),
    N_("Sync (s) commits, pulls, merges and pushes the file with git; ⚠ marks what kept another "
    "machine's value in a merge: r chooses. Settings (sync on open / on quit) are in ctrl+p."),
    N_("The data file is reloaded when it changes on disk; nothing you save overwrites it."),
)


def _own_bindings(node: object) -> set[tuple[str, str, str]]:
    """(action, description, tooltip) of the bindings this program's own classes declare — not
    Textual's generic ones (ctrl+q also quits, but q is the key the footer teaches)."""
    return {(b.action, _(b.description), _(b.tooltip) if b.tooltip else b.tooltip)
            for cls in type(node).__mro__
            if cls.__module__.startswith("journal.")
            for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)}


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """The keys that work where the user pressed ``?``, plus tips on dates and search."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss(None)", N_("Close"))]

    def __init__(self, bindings: Mapping[str, ActiveBinding]) -> None:
        super().__init__(classes="dialog-screen")
        self.bindings = bindings

    def _rows(self, bindings: Mapping[str, ActiveBinding]) -> list[tuple[str, str]]:
        """(keys, description) of the screen's and the app's own bindings — not the generic
        keys of lists and inputs (the tips cover those), nor Textual's own."""
        rows: dict[str, list[str]] = {}
        for key, active in bindings.items():
            binding = active.binding
            own = (binding.action, binding.description, binding.tooltip)
            if (not binding.description or own not in _own_bindings(active.node)
                    or not isinstance(active.node, (Screen, App))):  # list keys are in the tips
                continue
            # every key of the binding ("← ["), not the footer's short key_display
            shown = self.app.get_key_display(Binding(key, ""))
            described = binding.tooltip or binding.description
            if shown not in rows.setdefault(described, []):
                rows[described].append(shown)
        # this screen's keys first, then the ones that work everywhere
        return [(" ".join(keys), description) for description, keys in rows.items()]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(Content.styled(_("Keys here"), "bold $accent"))
            with VerticalScroll():
                rows = self._rows(self.bindings)
                width = max((len(keys) for keys, _ in rows), default=4)
                lines = [Content.assemble((keys.ljust(width + 2), "bold $accent"), description)
                         for keys, description in rows]
                yield Static(Content("\n").join(lines))
                yield Label(Content.styled(_("\nTips"), "bold $accent"))
                yield Static(Content("\n").join(Content(_(tip)) for tip in _TIPS))
            yield Static(Content(_("journal {version__} · ctrl+p: every command · escape: "
                                   "close").format(version__=journal.__version__)), classes="hint", id="help-hint")


class FileProblemScreen(TranslatedBindings, ModalScreen[None]):
    """The journal file became unreadable while the app was open (a ``git pull`` without the merge
    driver left conflict markers in it, a hand edit broke the JSON): say what happened, that
    nothing was written, and how to repair it. What was on screen stays as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "dismiss(None)", N_("Close"))]

    def __init__(self, problem: str) -> None:
        super().__init__(classes="dialog-screen")
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog file-problem"):
            yield Label(Content.styled(_("The journal file cannot be read"), "bold $error"))
            with VerticalScroll():
                yield Static(plain(self.problem), classes="dialog-text", id="problem-text")
                yield Static(Content(_(FILE_PROBLEM_ADVICE)), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("OK (esc)"), id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)


#: What the app says under the reason whenever the file cannot be read while it is open.
FILE_PROBLEM_ADVICE = (
    N_("Nothing was written: you see the journal as it was last read, and nothing is saved until "
    "the file is sound again.\n"
    "Every problem: `journal doctor` in a terminal. Repair: fix the place named above; after a git "
    "pull or merge, `git merge --abort` (or `journal sync --setup`, then `git checkout --merge` on "
    "the file); or put a backup back (`journal backups`, `journal restore`). The app picks up the "
    "repaired file by itself.")
)
