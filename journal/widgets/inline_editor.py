"""A text editor that opens in place (the day's 小结 under the day, a review above the week's
figures) rather than in a dialog, so what the text is about stays in view while writing it.

The screen opens it with the text to edit, and hears :class:`InlineEditor.Saved` (ctrl+s) or
:class:`InlineEditor.Closed` (escape). Escape with something typed posts
:class:`InlineEditor.DiscardAsked` instead: the screen (journal.screens.base) asks and closes it.
It writes nothing itself: the screen saves through the service.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static, TextArea

from journal.i18n import N_, _
from journal.widgets.render import plain


class InlineEditor(Vertical):
    """A titled TextArea with save/cancel keys; hidden until :meth:`open`."""

    DEFAULT_CSS = """
    InlineEditor { display: none; height: auto; padding: 0 1; background: $panel; }
    InlineEditor.-open { display: block; }
    InlineEditor > #inline-title { height: 1; color: $text-accent; text-style: bold; }
    InlineEditor > TextArea { height: 10; }
    InlineEditor > #inline-hint { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "close", N_("Cancel"), priority=True),
    ]

    class Saved(Message):
        """ctrl+s: ``text`` is what to save."""

        def __init__(self, editor: InlineEditor, text: str) -> None:
            super().__init__()
            self.editor = editor
            self.text = text

        @property
        def control(self) -> InlineEditor:
            return self.editor

    class Closed(Message):
        """The editor closed (saved, or cancelled)."""

        def __init__(self, editor: InlineEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> InlineEditor:
            return self.editor

    class DiscardAsked(Message):
        """escape with something typed: the screen asks whether to throw it away (a widget
        opens no dialogs) and calls :meth:`InlineEditor.close` if so."""

        def __init__(self, editor: InlineEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> InlineEditor:
            return self.editor

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start_text = ""
        self._opened_with = ""

    def compose(self) -> ComposeResult:
        yield Static(id="inline-title")
        yield TextArea(id="inline-text", soft_wrap=True, compact=True, tab_behavior="indent")
        yield Static(Content(_("ctrl+s saves · escape cancels")), id="inline-hint")

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#inline-text", TextArea)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, title: str, text: str, *, start: str | None = None,
             cursor: tuple[int, int] | None = None) -> None:
        """Show ``text`` to edit under ``title``. ``start``: the text as saved (what the service
        compares with, when ``text`` is a template to fill in); ``cursor``: where typing starts
        (default: the end)."""
        self.start_text = text if start is None else start
        self._opened_with = text
        self.query_one("#inline-title", Static).update(plain(title))
        self.text_area.load_text(text)
        self.add_class("-open")
        self.text_area.focus()
        self.text_area.move_cursor(cursor or self.text_area.document.end)

    def close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed(self))

    @property
    def changed(self) -> bool:
        """Whether anything was typed since it opened (escape then asks first)."""
        return self.text_area.text.rstrip() != self._opened_with.rstrip()

    def action_save(self) -> None:
        if self.is_open:
            self.post_message(self.Saved(self, self.text_area.text))

    def action_close(self) -> None:
        if not self.is_open:
            return
        if not self.changed:
            self.close()
            return
        self.post_message(self.DiscardAsked(self))  # the screen asks, then closes it or not
