"""The search query language, parsed without looking at any data.

``client visit -cancelled "quarterly review" contact:张伟 org:"工商银行" tag:loan status:done
tier:VIP on:"last week" from:2026-11 to:上个月``

Parsing is separate from evaluation (:mod:`journal.search.index`) so the TUI can parse on every keystroke,
highlight the words and show which filters are active before any name is resolved, and so a name or
a date is resolved against the data and ``today`` only when the query runs.

The parser never fails: search-as-you-type sees half-typed queries all the time. An unbalanced quote
takes the rest of the line as the phrase, an unknown ``foo:bar`` is an ordinary word, an empty
``contact:`` is ignored until something follows it. Values that need the data or the calendar
(names, dates, statuses) are checked when the query is evaluated, and fail there with a
:class:`~journal.errors.JournalError`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["FIELDS", "Query", "Term", "join_arguments", "parse_query"]

#: Canonical field names. ``text`` is a free word or phrase.
FIELDS = ("text", "contact", "project", "org", "tag", "status", "tier", "on", "from", "to")

# What users type before the colon -> canonical field. Chinese aliases because the people this is
# for type 客户:工商 as naturally as org:工商 (NFKC already turned a full-width colon into ':').
_ALIASES = {
    "contact": "contact", "联系人": "contact",
    "project": "project", "项目": "project",
    "org": "org", "organisation": "org", "organization": "org", "client": "org",
    "客户": "org", "机构": "org",
    "tag": "tag", "标签": "tag",
    "status": "status", "状态": "status",
    "tier": "tier", "级别": "tier", "等级": "tier", "分级": "tier",
    "on": "on", "date": "on", "日期": "on",
    "from": "from", "since": "from",
    "to": "to", "until": "to",
}
# ``field:`` at the start of a token; the field part holds no space, quote or colon.
_FIELD_RE = re.compile(r'([^\s":]+):')
# Typographic quotes from Chinese and English input methods count as ASCII quotes.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@dataclass(frozen=True, slots=True)
class Term:
    """One query term. ``value`` is what the user typed (NFKC-normalised, quotes removed);
    folding for comparison happens at evaluation time, so highlighting can show it as typed."""

    field: str
    value: str
    negated: bool = False
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: its terms in the order typed. All positive terms must hold (AND); a negated
    term excludes what it matches."""

    terms: tuple[Term, ...] = ()
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.terms)

    def values(self, field: str, *, negated: bool = False) -> list[str]:
        """The values of the ``field`` terms with the given polarity, in typed order."""
        return [t.value for t in self.terms if t.field == field and t.negated == negated]

    @property
    def words(self) -> list[str]:
        """Positive free words and phrases (what highlighting marks)."""
        return self.values("text")

    @property
    def excluded_words(self) -> list[str]:
        """``-word`` / ``-"phrase"`` terms."""
        return self.values("text", negated=True)

    @property
    def has_filters(self) -> bool:
        """True when some term is a ``field:value`` filter rather than a word."""
        return any(t.field != "text" for t in self.terms)


def _read_quoted(s: str, i: int) -> tuple[str, int]:
    """The text from ``i`` up to the next quote (or the end: lenient) and the index after it."""
    j = s.find('"', i)
    if j < 0:
        return s[i:], len(s)
    return s[i:j], j + 1


def _read_bare(s: str, i: int) -> tuple[str, int]:
    """A bare token: up to white space or a quote (which starts a phrase of its own)."""
    j = i
    while j < len(s) and not s[j].isspace() and s[j] != '"':
        j += 1
    return s[i:j], j


def parse_query(text: str) -> Query:
    """Parse ``text`` into a :class:`Query`. Never raises; see the module docstring."""
    if not isinstance(text, str):
        return Query()
    s = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    s = "".join(ch if ch.isprintable() else " " for ch in s)  # control chars never match anything
    terms: list[Term] = []
    i, n = 0, len(s)
    while i < n:
        if s[i].isspace():
            i += 1
            continue
        negated = False
        if s[i] == "-" and i + 1 < n and not s[i + 1].isspace():
            negated = True
            i += 1
        if s[i] == '"':
            value, i = _read_quoted(s, i + 1)
            if value.strip():
                terms.append(Term("text", value.strip(), negated, True))
            continue
        m = _FIELD_RE.match(s, i)
        field = _ALIASES.get(m.group(1).casefold()) if m else None
        if m and field:
            j = m.end()
            if j < n and s[j] == '"':
                value, i = _read_quoted(s, j + 1)
                quoted = True
            else:
                value, i = _read_bare(s, j)
                quoted = False
            if value.strip():  # "contact:" with nothing yet: ignored while the user types
                terms.append(Term(field, value.strip(), negated, quoted))
            continue
        value, i = _read_bare(s, i)
        if value != "-":  # a lone dash (``a - b``) is punctuation, not a word
            terms.append(Term("text", value, negated, False))
    return Query(tuple(terms), text)


_SPACED = frozenset({"contact", "project", "org", "on", "from", "to"})  # values with spaces


def _is_syntax(token: str) -> bool:
    """A ``-word`` or a ``field:`` token: query syntax rather than plain text."""
    m = _FIELD_RE.match(token, 1 if token.startswith("-") else 0)
    return token.startswith("-") or bool(m and _ALIASES.get(m.group(1).casefold()))


def join_arguments(args: list[str]) -> str:
    """Query text from command-line arguments. The shell has already removed the quotes a user
    typed, so an argument holding white space was quoted as a unit: ``contact:"Alice Johnson"``
    arrives as ``contact:Alice Johnson`` and means that contact, ``on:last week`` that period,
    ``"term sheet"`` arrives as ``term sheet`` and means that phrase. An argument that holds
    more query syntax (``'visit -cancelled'``, ``'org:工商银行 from:2026-01'``: a whole query in
    one argument, as scripts pass it) is kept as typed. Still ambiguous: ``'on:上周 visit'`` —
    the command line tries this reading first and the arguments as plain text second."""
    parts = []
    for arg in args:
        text = unicodedata.normalize("NFKC", arg).translate(_QUOTES).strip()
        tokens = text.split()
        if len(tokens) < 2 or '"' in text:
            parts.append(text)
            continue
        negated = text.startswith("-")
        m = _FIELD_RE.match(text, 1 if negated else 0)
        field = _ALIASES.get(m.group(1).casefold()) if m else None
        if field in _SPACED and m and not any(_is_syntax(t) for t in tokens[1:]):
            parts.append(f'{text[:m.end()]}"{text[m.end():].strip()}"')
        elif field or any(_is_syntax(t) for t in tokens):
            parts.append(text)
        else:
            parts.append(f'"{text}"')
    return " ".join(parts)
