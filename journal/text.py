"""Text normalisation shared by name matching, search and display.

Users type names in whatever width and case their input method gives them: ``ＡＢＣ銀行`` and
``abc银行`` are the same client to them. :func:`fold` is the one definition of "the same text".
"""

from __future__ import annotations

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
    (``documents and entries``) needs its ``singular`` given, else it is used for every count."""
    if count == 1:
        if singular is None and plural.isalpha():
            singular = plural[:-3] + "y" if plural.endswith("ies") else plural.removesuffix("s")
        return f"{count} {singular or plural}"
    return f"{count} {plural}"


def article(noun: str) -> str:
    """``noun`` with its indefinite article: ``a contact``, ``an organisation``. By the first
    letter, which is right for every word this program names things with."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
