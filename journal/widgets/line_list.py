"""A list that renders only the rows on screen (Textual's line API).

DataTable needs seconds to paint 100k rows and tens of milliseconds to repaint its visible cells after
every change — too slow to follow search-as-you-type. This list holds only what identifies its rows
(entry ids, names) and builds the few dozen visible lines from them when they are painted, so a
result list of 100k entries costs no more than one of ten, and scrolling is as fast as painting.

Rows are built from plain strings cut to cell widths (``rich.cells``), never from markup, so user
text is shown literally and Chinese / emoji columns line up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from journal.i18n import N_
from journal.text import clean_line


def fit(text: str, width: int) -> str:
    """``text`` on one line, exactly ``width`` cells: cut with an ellipsis, or padded."""
    text = clean_line(text)
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    kept, used = [], 0
    for char in text:  # whole characters: a wide one that does not fit goes entirely
        size = cell_len(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…" + " " * (width - 1 - used)


def marked(text: str, style: Style, match: Style, pattern: re.Pattern[str] | None
           ) -> list[Segment]:
    """Segments of ``text`` with the parts matching ``pattern`` (search words) marked."""
    if pattern is None:
        return [Segment(text, style)]
    out: list[Segment] = []
    pos = 0
    for hit in pattern.finditer(text):
        if hit.start() > pos:
            out.append(Segment(text[pos:hit.start()], style))
        out.append(Segment(hit.group(), style + match))
        pos = hit.end()
    if pos < len(text):
        out.append(Segment(text[pos:], style))
    return out


class _RowMessage(Message):
    """A message about one row of a :class:`LineList`."""

    def __init__(self, source: LineList, key: str | None) -> None:
        super().__init__()
        self.source = source
        self.key = key

    @property
    def control(self) -> LineList:
        return self.source


class LineList(ScrollView, can_focus=True):
    """Rows 0..count-1 with a cursor; subclasses say what a row looks like."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-list--header", "line-list--cursor", "line-list--muted", "line-list--strong",
        "line-list--accent", "line-list--match", "line-list--planned", "line-list--cancelled",
        "line-list--conflict", "line-list--done", "line-list--high"}
    DEFAULT_CSS = """
    LineList {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .line-list--header { text-style: bold; background: $panel; color: $text; }
        & > .line-list--cursor { background: $block-cursor-blurred-background;
                                 color: $block-cursor-blurred-foreground; }
        &:focus > .line-list--cursor { background: $block-cursor-background;
                                       color: $block-cursor-foreground;
                                       text-style: $block-cursor-text-style; }
        & > .line-list--muted { color: $text-muted; }
        & > .line-list--strong { text-style: bold; }
        & > .line-list--accent { color: $text-secondary; }
        & > .line-list--match { background: $warning 40%; }
        & > .line-list--planned { text-style: italic; color: $text-warning; }
        & > .line-list--cancelled { text-style: strike; color: $text-muted; }
        & > .line-list--conflict { text-style: bold; color: $text-warning; }
        & > .line-list--done { text-style: bold; color: $text-success; }
        & > .line-list--high { text-style: bold; color: $text-error; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", N_("Up"), show=False),
        Binding("down", "move(1)", N_("Down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("home", "first", N_("First"), show=False),
        Binding("end", "last", N_("Last"), show=False),
        Binding("enter", "choose", N_("Open"), show=False),
    ]
    #: Whether line 0 is a fixed header (column titles).
    HEADER: ClassVar[bool] = False

    class Highlighted(_RowMessage):
        """The cursor moved to a row (``key`` identifies it; None when the list is empty)."""

    class Selected(_RowMessage):
        """Enter, or a click on the row under the cursor."""

    #: No automatic repaint: watch_cursor repaints the two rows concerned, not all of them.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._count = 0
        self._styles: dict[str, Style] = {}

    # -- what subclasses provide ----------------------------------------------------------
    def key_at(self, index: int) -> str | None:
        """What identifies row ``index`` to the screen (an id)."""
        raise NotImplementedError

    def row_segments(self, index: int, width: int) -> list[Segment]:
        """Row ``index`` as styled segments exactly ``width`` cells wide."""
        raise NotImplementedError

    def header_segments(self, width: int) -> list[Segment]:
        return []

    def near_end(self) -> None:
        """The cursor or the view came near the last row (a hook to fetch more rows)."""

    # -- state ----------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return self._count

    @property
    def selected_key(self) -> str | None:
        return self.key_at(self.cursor) if 0 <= self.cursor < self._count else None

    def reset(self, count: int, cursor: int = 0) -> None:
        """New rows: remember how many, put the cursor on ``cursor`` and repaint."""
        self._count = count
        self.virtual_size = Size(self.size.width, count + self.HEADER)
        self.cursor = max(0, min(cursor, count - 1))
        self._scroll_to_cursor()
        self.refresh()

    def grow(self, count: int) -> None:
        """More rows at the end (the first ones unchanged)."""
        self._count = count
        self.virtual_size = Size(self.size.width, count + self.HEADER)
        self.refresh()

    def style(self, name: str) -> Style:
        """A component's colours and text style, blended against this list's background (so
        "60% white" is a grey), without a background of its own unless it sets one — rows
        must keep the cursor's background."""
        style = self._styles.get(name)
        if style is None:
            full = self.get_component_rich_style(f"line-list--{name}")
            own_background = self.get_component_styles(f"line-list--{name}").has_rule(
                "background")
            style = Style(color=full.color, bgcolor=full.bgcolor if own_background else None,
                          bold=full.bold, italic=full.italic, strike=full.strike,
                          reverse=full.reverse)
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    # -- painting -------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.HEADER and y == 0:
            return Strip(self.header_segments(width)).adjust_cell_length(width).apply_style(
                base + self.get_component_rich_style("line-list--header"))
        index = int(self.scroll_y) + y - self.HEADER
        if not 0 <= index < self._count:
            return Strip.blank(width, base)
        strip = Strip(self.row_segments(index, width)).adjust_cell_length(width)
        if index == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("line-list--cursor"))
        return strip.apply_style(base)

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self.post_message(self.Highlighted(self, self.selected_key))
        if new >= self._count - 20:
            self.near_end()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y - 20:
            self.near_end()

    def _refresh_row(self, index: int) -> None:
        """Repaint one row if it is on screen (the header does not scroll)."""
        top = int(self.scroll_y)
        if top <= index < top + self._rows_visible():
            self.refresh(Region(0, index - top + self.HEADER, self.size.width, 1))

    def _rows_visible(self) -> int:
        return max(1, self.scrollable_content_region.height - self.HEADER)

    def _scroll_to_cursor(self) -> None:
        visible = self._rows_visible()
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self._count + self.HEADER)
        self._scroll_to_cursor()
        self.refresh()

    # -- keys and mouse -------------------------------------------------------------------
    def move_to(self, index: int) -> None:
        if self._count:
            self.cursor = max(0, min(index, self._count - 1))
            self._scroll_to_cursor()

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * self._rows_visible())

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.near_end()
        self.move_to(self._count - 1)

    def action_choose(self) -> None:
        if 0 <= self.cursor < self._count:
            self.post_message(self.Selected(self, self.selected_key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or (self.HEADER and offset.y == 0):
            return
        index = int(self.scroll_y) + offset.y - self.HEADER
        if not 0 <= index < self._count:
            return
        if index == self.cursor or event.chain > 1:
            self.cursor = index
            self.action_choose()
        else:
            self.cursor = index


def word_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern for the words to mark (longest first), or None."""
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
