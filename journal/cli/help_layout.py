"""How ``--help`` is laid out: argparse's layout, fixed where it overflows a terminal.

argparse measures sub-command names two columns less indented than it prints them (a long one,
``merge-driver``, pushed its help onto a line of its own) and wraps by characters, where a Chinese
character takes two cells. tests/test_packaging.py checks every command's help at 80 columns.
"""

from __future__ import annotations

import argparse
import shutil
import unicodedata

#: Help is wrapped to the terminal, but never wider than this: long lines are hard to read.
HELP_WIDTH_MAX = 100


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, fixed where it overflows: it measures sub-command names two columns
    less indented than it prints them (``merge-driver`` pushed its help to a line of its own), and
    it wraps by characters where a Chinese character takes two cells."""

    def __init__(self, prog: str) -> None:
        width = min(shutil.get_terminal_size().columns, HELP_WIDTH_MAX) - 2
        super().__init__(prog, max_help_position=24, width=width)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        subactions = getattr(action, "_get_subactions", None)
        if action.help is not argparse.SUPPRESS and subactions is not None:
            longest = max((len(self._format_action_invocation(a)) for a in subactions()), default=0)
            self._action_max_length = max(self._action_max_length, longest
                                          + self._current_indent + self._indent_increment)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_cells(" ".join(text.split()),
                                                             width - len(indent)))


class RawEpilogFormatter(HelpFormatter):
    """For text laid out by hand (a table of examples): text of several lines is kept as written;
    a one-line paragraph (the description) is still wrapped."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" not in text.strip():
            return super()._fill_text(text, width, indent)
        return "".join(indent + line for line in text.splitlines(keepends=True))


def wrap_cells(text: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells (see :func:`display_width`); a word wider than the
    line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        while display_width(word) > width:  # cut an over-long word at the width
            cut = 0
            while display_width(word[:cut + 1]) <= width:
                cut += 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def term_table(rows: list[tuple[str, str]], *, term_cells: int = 18, width: int = 78) -> str:
    """Two columns, terms and what they mean, each meaning wrapped beside its term; aligned by
    cells. A term wider than its column puts its meaning on the next line."""
    out: list[str] = []
    indent = " " * (2 + term_cells + 2)
    for term, meaning in rows:
        lines = wrap_cells(meaning, width - len(indent))
        pad = term_cells + 2 - display_width(term)
        if pad < 2:
            out.append(f"  {term}")
            out.extend(indent + line for line in lines)
            continue
        out.append(f"  {term}{' ' * pad}{lines[0]}")
        out.extend(indent + line for line in lines[1:])
    return "".join(line + "\n" for line in out)
