"""Choosing the other record of a client to merge into the one shown (``m`` on the contacts,
projects and organisations screens): a filter box over the names of that kind, the one shown left
out, namesakes told apart by their organisation. The merge itself is confirmed by the caller and done
by the service (journal.clients.merging)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from journal.i18n import N_, _
from journal.i18n.terms import kind_name
from journal.names.catalog import NameCatalog
from journal.screens.translated import TranslatedBindings
from journal.widgets.render import plain

MAX_SHOWN = 50


class MergePickScreen(TranslatedBindings, ModalScreen[str | None]):
    """Dismisses with the id of the document to merge into ``keep``, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "move(1)", N_("Next"), show=False),
        Binding("up", "move(-1)", N_("Previous"), show=False),
    ]

    def __init__(self, kind: str, keep: str, keep_label: str,
                 catalog: Callable[[], NameCatalog]) -> None:
        super().__init__(classes="dialog-screen")
        self.kind, self.keep, self.keep_label = kind, keep, keep_label
        self._catalog = catalog

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog merge"):
            yield Label(Content.assemble((_("Merge into "), "bold"), plain(self.keep_label, "bold $accent")))
            yield Static(plain(_("Type any part of the other {kind}'s name; enter merges it "
                                 "into this one (after you confirm).").format(kind=kind_name(self.kind))), classes="hint")
            yield Input(placeholder=_("the other {kind}…").format(kind=kind_name(self.kind)), id="merge-filter", compact=True)
            yield OptionList(id="merge-options")

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#merge-filter", Input).focus()

    @on(Input.Changed, "#merge-filter")
    def _refresh(self) -> None:
        typed = self.query_one("#merge-filter", Input).value
        options = self.query_one("#merge-options", OptionList)
        options.clear_options()
        hits = self._catalog().match(typed, limit=MAX_SHOWN, exclude=frozenset({self.keep}))
        options.add_options(Option(plain(item.label), id=item.id) for item in hits)
        options.highlighted = 0 if hits else None

    def action_move(self, delta: int) -> None:
        options = self.query_one("#merge-options", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    @on(Input.Submitted, "#merge-filter")
    def _submitted(self) -> None:
        options = self.query_one("#merge-options", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#merge-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
