"""The week summary's Markdown, drawn as styled text.

Why not Textual's ``Markdown`` widget: it builds a widget per block, which takes around a second for
a busy week, on every switch of week. The Markdown
here is always the report module's own (:mod:`journal.reports.render`), a small known subset —
headings, pipe tables, bullets two levels deep, indented summary lines, quotes, ``**bold**``,
``~~struck~~`` (cancelled entries), a ``---`` rule under the written review, and backslash escapes
of user text — so a line-by-line pass draws it in milliseconds, with theme colours. The written
review is the user's own Markdown and is drawn with the same rules. User text stays literal:
escapes are undone, nothing is ever parsed as markup.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

_ESCAPE_OR_BOLD = re.compile(r"\\(.)|\*\*|~~")
_ALIGN_ROW = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def inline(text: str, style: str = "") -> Content:
    """One line of report Markdown: ``\\*`` → ``*``, ``**x**`` → bold x, ``~~x~~`` → struck x."""
    parts: list[tuple[str, str]] = []
    bold = strike = False

    def now() -> str:
        return " ".join(p for p in (style, "bold" if bold else "", "strike" if strike else "") if p)

    pos = 0
    for hit in _ESCAPE_OR_BOLD.finditer(text):
        if hit.start() > pos:
            parts.append((text[pos:hit.start()], now()))
        if hit.group(1) is not None:
            parts.append((hit.group(1), now()))
        elif hit.group(0) == "~~":
            strike = not strike
        else:
            bold = not bold
        pos = hit.end()
    if pos < len(text):
        parts.append((text[pos:], now()))
    return Content.assemble(*parts)


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table row (escaped pipes ``\\|`` stay inside their cell)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells, current, escaped = [], [], False
    for char in body:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    cells.append("".join(current).strip())
    return cells


def _table(rows: list[str]) -> list[Content]:
    """A pipe table as aligned columns (header bold; the alignment row dropped), or a single
    row of figures as labelled values on a line."""
    cells = [[inline(c) for c in _cells(row)] for row in rows if not _ALIGN_ROW.match(row)]
    if not cells:
        return []
    if len(cells) == 2:  # the totals: one row of figures, as "Entries 7 · Done 1 · …", which
        # wraps at any width where six columns would not fit in 80
        pairs = [Content.assemble((head.plain, "$text-muted"), " ", value)
                 for head, value in zip(cells[0], cells[1], strict=False)]
        return [Content("  ·  ").join(pairs)]
    columns = max(len(r) for r in cells)
    widths = [max((cell_len(r[i].plain) for r in cells if i < len(r)), default=0)
              for i in range(columns)]
    out = []
    for number, row in enumerate(cells):
        line: list[Content | str] = ["  "]
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - cell_len(cell.plain))
            line += [cell.stylize("bold $text-primary") if number == 0 else cell, pad, "  "]
        out.append(Content.assemble(*line).rstrip())
    return out


def render_report(markdown: str, *, title: bool = True, width: int | None = None) -> Content:
    """The report's Markdown as one Content, ready for a Static; ``title=False`` leaves out the
    first heading (and the blank line after it) where the screen's header already says it.

    With ``width`` (cells), long lines are wrapped here, each continuation indented under the
    start of its text — under a bullet's words, not its bullet — which the widget's own wrapping
    (back to the left edge) cannot do."""
    lines = markdown.splitlines()
    if not title and lines and lines[0].startswith("# "):
        lines = lines[2:] if len(lines) > 1 and not lines[1].strip() else lines[1:]
    out: list[tuple[Content, Content, Content]] = []  # (first prefix, next prefix, text)
    blank = Content("")

    def add(body: Content, prefix: str | Content = "", hang: str | Content | None = None) -> None:
        first = Content(prefix) if isinstance(prefix, str) else prefix
        rest = Content(" " * first.cell_length) if hang is None else (
            Content(hang) if isinstance(hang, str) else hang)
        out.append((first, rest, body))

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(lines[i])
                i += 1
            for row in _table(block):
                add(row, hang="")
            continue
        i += 1
        if line.startswith("# "):
            add(inline(line[2:], "bold $accent"))
        elif line.startswith("## "):
            add(inline(line[3:], "bold underline $text-primary"))
        elif line.startswith("### "):
            add(inline(line[4:], "bold"))
        elif line.strip() == "---":
            add(Content.styled("─" * 40, "$text-muted"))
        elif line.startswith("> "):
            bar = Content.styled("▌ ", "$accent")
            add(inline(line[2:], "italic $text-muted"), bar, bar)
        elif line.startswith("  - "):
            add(inline(line[4:]), "    ◦ ")
        elif line.startswith("- "):
            add(inline(line[2:]), "  • ")
        elif line.startswith("  ") and line.strip():
            add(inline(line.strip(), "$text-muted"), "    ")
        else:
            add(inline(line))
    rows: list[Content] = []
    for first, rest, body in out:
        room = None if width is None else width - first.cell_length
        if room is None or room < 12 or body.cell_length <= room:
            rows.append(Content.assemble(first, body))
            continue
        for n, part in enumerate(body.wrap(room)):
            rows.append(Content.assemble(rest if n else first, part.rstrip()))
    return Content("\n").join(rows) if rows else blank


class ReportText(Static):
    """A report drawn at the widget's width, drawn again when the width changes (a resized
    terminal, the scroll bar appearing), so wrapped lines keep their indent."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._markdown = ""
        self._width = 0

    def show(self, markdown: str) -> None:
        self._markdown = markdown
        self._draw()

    def _draw(self) -> None:
        self._width = self.content_region.width
        self.update(render_report(self._markdown, title=False, width=self._width or None))

    def on_resize(self) -> None:
        if self.content_region.width != self._width:
            self._draw()
