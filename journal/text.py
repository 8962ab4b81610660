"""Text normalisation shared by name matching, search and display.

Users type names in whatever width and case their input method gives them: ``ＡＢＣ銀行`` and
``abc银行`` are the same client to them. :func:`fold` is the one definition of "the same text".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Return ``text`` normalised for comparison: NFKC (full/half width), casefolded, trimmed,
    inner runs of white space collapsed to one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def first_line(text: str) -> str:
    """The first non-empty line of ``text`` (for one-line listings of multi-line summaries)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def clean_line(text: str) -> str:
    """Make ``text`` safe to print on one terminal line: control characters (ANSI escapes, NUL,
    carriage returns) become visible escapes instead of acting on the terminal."""
    return "".join(
        ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
        for ch in text
    )


def clean_lines(text: str) -> list[str]:
    """``text`` split at its line breaks, each line made safe by :func:`clean_line`: for fields
    that may hold several lines (notes, summaries, addresses) shown as real lines. Only the line
    breaks themselves act; every other control character stays a visible escape."""
    return [clean_line(line) for line in text.splitlines()]


def counted(count: int, plural: str, singular: str | None = None) -> str:
    """``count`` with its noun in the right number: ``counted(1, "entries")`` is ``1 entry``,
    ``counted(2, "entries")`` is ``2 entries``. The singular is derived from the plural
    (``-ies`` -> ``-y``, else the final ``s`` dropped) when it is one word; a phrase
    (``documents and entries``) needs its ``singular`` given, else it is used for every count.
    Callers pass the nouns through the translation layer (``counted(n, _("entries"))``); a
    translated noun has one form (Chinese: ``3条记录``, the measure word in the translation)."""
    if not plural.isascii():  # translated (3 条记录): one form, no space before a measure word
        return f"{count}{plural}" if plural[:1] > "\u2e80" else f"{count} {plural}"
    if count == 1:
        if singular is None and plural.isalpha():
            singular = plural[:-3] + "y" if plural.endswith("ies") else plural.removesuffix("s")
        return f"{count} {singular or plural}"
    return f"{count} {plural}"


def article(noun: str) -> str:
    """``noun`` with its indefinite article: ``a contact``, ``an organisation``. By the first
    letter, which is right for every word this program names things with. A translated noun
    (``联系人``) has no article."""
    if not noun.isascii():
        return noun
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


_MD_ALWAYS = re.compile(r"[\\`*\[\]<|~]|&(?=#?\w+;)|_")
# What turns the start of a line into structure: an ATX heading, a quote, a bullet, an ordered
# list item ("1." -> escape the dot: a backslash before a digit is literal), a setext underline or
# thematic break. ``*`` and ``_`` are escaped everywhere already.
_MD_LINE_START = re.compile(r"^(?:(#{1,6}|>|[-+])(?=\s|$)|>|(\d{1,9})([.)])(?=\s|$)|([-=])(?=[-=\s]*$))")


def markdown_literal(text: str, *, start: bool = True) -> str:
    """``text`` as one line of literal Markdown; ``start``: it may begin a block (a line, or right
    after a bullet), where ``# x``, ``- x``, ``1. x`` would become structure."""
    line = " ".join(text.split())
    line = line if line.isprintable() else clean_line(line)

    def esc(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch == "_":  # intraword underscores (snake_case, li_na@x.com) never make emphasis
            s, i = m.string, m.start()
            if 0 < i < len(s) - 1 and s[i - 1].isalnum() and s[i + 1].isalnum():
                return ch
        return "\\" + ch

    line = _MD_ALWAYS.sub(esc, line)
    if start:
        m = _MD_LINE_START.match(line)
        if m:
            line = f"{m.group(2)}\\{line[len(m.group(2)):]}" if m.group(2) else "\\" + line
    return line


_SHEET_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_CELL_LIMIT = 32_767


def sheet_text(text: str) -> str:
    """``text`` as a spreadsheet cell can hold it: control characters the xlsx format refuses
    (everything below a space but tab and line breaks) shown as escapes, and cut at Excel's
    limit of 32,767 characters per cell."""
    if _SHEET_ILLEGAL.search(text):
        text = "\n".join(clean_line(line) for line in text.split("\n"))
    return text if len(text) <= SHEET_CELL_LIMIT else text[:SHEET_CELL_LIMIT - 1] + "…"
