"""Type-ahead pickers for the projects, contacts and organisations of an entry.

Why not ``Select`` or ``SuggestFromList``: there may be thousands of names, two people may share a
name (two 张伟 at two firms, told apart by their organisation), users type any part of a name in any
width or case, or its pinyin (``zw``, ``zhangwei``) as the search takes it, and a name that does not
exist yet must be creatable on the spot. Several names can be
picked; each shows as a chip (click it, or backspace in the empty box, to remove the last one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from journal.i18n import N_, _
from journal.names.catalog import NameCatalog
from journal.widgets.render import plain

#: How many matches the drop-down lists (it is a type-ahead, not a browser).
MAX_MATCHES = 30
_NEW = "__new__"


@dataclass(frozen=True, slots=True)
class Pick:
    """A picked document: an existing one by id, or a new name the service will create."""

    ref: str
    label: str
    new: bool = False


class _PickerInput(Input):
    """An Input that reports backspace in an empty box (to remove the last chip)."""

    class RemoveLast(Message):
        """Backspace was pressed with nothing typed."""

    def action_delete_left(self) -> None:
        if not self.value:
            self.post_message(self.RemoveLast())
        else:
            super().action_delete_left()


class _Chips(Static):
    """The picked names on one wrapping line; clicking a name's × removes it."""

    class Remove(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def show(self, picks: list[Pick]) -> None:
        parts: list[Content] = []
        for index, pick in enumerate(picks):
            mark = " (new)" if pick.new else ""
            parts += [Content.assemble(plain(pick.label, "bold"), (mark, "italic")),
                      Content.from_markup(f"[@click=remove({index})] × [/]"), Content("  ")]
        self.update(Content.assemble(*parts))
        self.display = bool(picks)

    def action_remove(self, index: int) -> None:
        self.post_message(self.Remove(index))


class NamePicker(Widget):
    """Pick several documents of one kind by typing any part of their names."""

    DEFAULT_CSS = """
    NamePicker { height: auto; }
    NamePicker > Horizontal { height: auto; }
    NamePicker .picker-title { width: 14; padding: 0 1 0 0; }
    NamePicker .picker-box { height: auto; width: 1fr; }
    NamePicker _Chips { height: auto; color: $text-primary; }
    NamePicker OptionList { height: auto; max-height: 7; display: none; border: none;
                            padding: 0; background: $panel; }
    NamePicker.-open OptionList { display: block; }
    """
    BINDINGS = [
        Binding("down", "move(1)", N_("Next match"), show=False),
        Binding("up", "move(-1)", N_("Previous match"), show=False),
    ]

    class Changed(Message):
        """The picks changed."""

        def __init__(self, picker: NamePicker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> NamePicker:
            return self.picker

    def __init__(self, kind: str, title: str, catalog: Callable[[], NameCatalog],
                 picks: list[Pick] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.title = title
        self._catalog = catalog
        self._picks: list[Pick] = list(picks or [])

    @property
    def picks(self) -> list[Pick]:
        return list(self._picks)

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.title, classes="picker-title")
            with Vertical(classes="picker-box"):
                yield _Chips()
                yield _PickerInput(placeholder=_("a name, any part of it, or pinyin (zw)…"),
                                   compact=True)
                yield OptionList()

    def on_mount(self) -> None:
        self.query_one(_Chips).show(self._picks)

    @property
    def input(self) -> Input:
        return self.query_one(_PickerInput)

    # -- matching -------------------------------------------------------------------------
    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._refresh_matches()

    def _refresh_matches(self) -> None:
        typed = self.input.value.strip()
        options = self.query_one(OptionList)
        options.clear_options()
        if not typed:
            self.remove_class("-open")
            return
        catalog = self._catalog()
        taken = frozenset(p.ref for p in self._picks)
        hits = catalog.match(typed, limit=MAX_MATCHES, exclude=taken)
        options.add_options(Option(plain(item.label), id=item.id) for item in hits)
        if not catalog.has_exact(typed) and typed not in {p.ref for p in self._picks if p.new}:
            options.add_option(Option(Content.assemble(("create ", "italic"),
                                                       plain(f"«{typed}»", "bold")), id=_NEW))
        options.highlighted = 0 if options.option_count else None
        self.set_class(options.option_count > 0, "-open")

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if not self.has_class("-open") or not options.option_count:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def close(self) -> bool:
        """Close the drop-down; True if it was open (so escape closes it before the form)."""
        was_open = self.has_class("-open")
        self.input.value = ""
        self.remove_class("-open")
        return was_open

    # -- picking --------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if self.has_class("-open") and options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option)
        self.input.focus()

    def _choose(self, option: Option) -> None:
        typed = " ".join(self.input.value.split())
        if option.id == _NEW:
            pick = Pick(typed, typed, new=True)
        else:
            item = self._catalog().get(str(option.id))
            if item is None:  # deleted since the list was shown (another terminal, a pull)
                self.input.value = ""
                return
            pick = Pick(item.id, item.label)
        self.add_pick(pick)
        self.input.value = ""

    def add_pick(self, pick: Pick) -> None:
        if any(p.ref == pick.ref for p in self._picks):
            return
        self._picks.append(pick)
        self._changed()

    @on(_PickerInput.RemoveLast)
    def _remove_last(self) -> None:
        if self._picks:
            self._picks.pop()
            self._changed()

    @on(_Chips.Remove)
    def _remove_clicked(self, event: _Chips.Remove) -> None:
        event.stop()
        if 0 <= event.index < len(self._picks):
            del self._picks[event.index]
            self._changed()

    def _changed(self) -> None:
        self.query_one(_Chips).show(self._picks)
        self.post_message(self.Changed(self))
