"""Reading jrnl's own journal file, so jrnl users bring their history without ``jrnl --export``.

jrnl (https://jrnl.sh) keeps a plain-text file: each entry starts on a line with ``[<date>] `` —
the date written with the ``timeformat`` of the user's ``jrnl.yaml`` (``%F %r``, i.e.
``2026-11-20 09:30:00 AM``, unless changed) — and runs to the next such line. This module reads
it the way jrnl does, so an import gives what ``jrnl --export json`` would:

* a ``[…] `` at the start of a line is a header only when its text is a date in the timeformat
  (or, like jrnl, one ``dateutil`` can read; text of six characters or less never is: ``[x] `` is
  a Markdown check box) — otherwise it is part of the body;
* a first line ending in ``*`` marks a starred entry (the star is not part of the title);
* the title is the first line when the text has several, else its first sentence (``.``, ``!``,
  ``?`` followed by a space, or the CJK full stops ``。！？`` on their own); the rest is the body;
* tags are words starting with ``@`` or ``#`` (jrnl's default tag symbols) anywhere in the text.

An encrypted jrnl file is refused with what to run first. Entries come out as the items of a jrnl
JSON export, for :func:`journal.interchange.jrnl_import.import_jrnl`, plus the line they start on.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from journal.errors import ValidationError
from journal.i18n import _

HEADER_RE = re.compile(r"(?:^|\n)\[([^\]\n]+)\] ")
TAG_RE = re.compile(r"(?<!\S)([@#][-+*#/\w]+)")
# A sentence ends at a terminal (plus an optional closing quote or bracket) followed by white
# space, or at a CJK full stop, which needs no space after it.
SENTENCE_END_RE = re.compile(
    r"[.!?\u2026\u203c\u203d\u2047-\u2049\u22ef\ufe52\ufe57]['\u2019\"\u201d]?[\])]*\s+"
    r"|[\uff01\uff0e\uff1f\uff61\u3002]")
#: Formats tried when none is given: jrnl's installed default (``%F %r``), its built-in one, and
#: the variants users set most.
DEFAULT_FORMATS = ("%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                   "%Y-%m-%d %I:%M %p", "%Y-%m-%d")
# strftime shorthands jrnl users write (it passes the format to the C library) that strptime lacks.
_SHORTHANDS = {"%F": "%Y-%m-%d", "%T": "%H:%M:%S", "%R": "%H:%M", "%r": "%I:%M:%S %p",
               "%D": "%m/%d/%y", "%h": "%b", "%e": "%d", "%k": "%H", "%l": "%I", "%-d": "%d",
               "%-m": "%m", "%-H": "%H", "%-I": "%I", "%-M": "%M", "%-y": "%y"}
_SHORTHAND_RE = re.compile("|".join(re.escape(k) for k in sorted(_SHORTHANDS, key=len, reverse=True)))
#: Fernet tokens (jrnl 2+ encryption) start with these bytes once base64-encoded.
ENCRYPTED_PREFIX = b"gAAAAA"
_AMBIGUOUS_RE = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}\b")


def strptime_format(timeformat: str) -> str:
    """``timeformat`` with the C shorthands (``%F``, ``%r``, ``%T``…) spelled out for strptime."""
    return _SHORTHAND_RE.sub(lambda m: _SHORTHANDS[m.group(0)], timeformat)


class DateReader:
    """Reads header dates: the given timeformat first, then jrnl's usual ones, then (as jrnl does)
    ``dateutil``. Remembers whether it had to guess a day-or-month order."""

    def __init__(self, timeformat: str | None = None) -> None:
        self.formats = ([strptime_format(timeformat)] if timeformat else []) + list(DEFAULT_FORMATS)
        self.given = timeformat
        self.guessed: str | None = None  # a header read month-first without being told

    def read(self, blob: str) -> datetime | None:
        for fmt in self.formats:
            try:
                return datetime.strptime(blob, fmt)
            except ValueError:
                continue
        if len(blob) <= 6 or not any(ch.isdigit() for ch in blob):
            return None  # jrnl's rule: "[x] " or "[note] " is text, not a date
        from dateutil.parser import ParserError
        from dateutil.parser import parse as parse_fuzzy

        try:
            found = parse_fuzzy(blob, default=datetime(1900, 1, 1))
        except (ParserError, ValueError, OverflowError):
            return None
        match = _AMBIGUOUS_RE.match(blob)
        if match and int(match[1]) <= 12 and int(match[2]) <= 12 and match[1] != match[2] \
                and self.guessed is None and not self.given:
            self.guessed = blob
        return found


def looks_like_jrnl_text(raw: bytes) -> bool:
    """The file's first non-blank line is a jrnl header (``[<date>] …``), or it is encrypted."""
    if raw.lstrip().startswith(ENCRYPTED_PREFIX):
        return True
    head = raw[:2048].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    match = HEADER_RE.match(head)
    return bool(match and DateReader().read(match[1]))


def split_title(text: str) -> tuple[str, str]:
    """jrnl's title and body: the first line when the text has a line break (in a file, every
    entry followed by another has one: a one-line entry is all title), else the first sentence."""
    stripped = text.lstrip()
    newline = stripped.find("\n")
    if newline >= 0:
        return stripped[:newline].strip(), stripped[newline + 1:].strip()
    stripped = stripped.rstrip()
    match = SENTENCE_END_RE.search(stripped)
    if not match:
        return stripped, ""
    return stripped[:match.end()].strip(), stripped[match.end():].strip()


def tags_in(text: str) -> list[str]:
    """The tags of an entry's text, as written (first spelling wins), without repeats."""
    seen: dict[str, str] = {}
    for tag in TAG_RE.findall(text):
        seen.setdefault(tag.lower(), tag)
    return list(seen.values())


def parse_journal(text: str, timeformat: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """(entries as jrnl export items with their ``line``, remarks for the user)."""
    if text.lstrip().startswith(ENCRYPTED_PREFIX.decode()):
        raise ValidationError(_("this jrnl journal is encrypted: decrypt it first (`jrnl --decrypt "
                              "FILE` writes a plain copy), then import that copy"))
    reader = DateReader(timeformat)
    starts: list[tuple[int, int, datetime]] = []  # (header start, text start, date)
    for match in HEADER_RE.finditer(text):
        when = reader.read(match[1])
        if when is not None:
            starts.append((match.start() + (match[0][0] == "\n"), match.end(), when))
    items = []
    for k, (at, begin, when) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        body = text[begin:end]
        lines = body.split("\n", 1)
        starred = lines[0].rstrip().endswith("*")
        if starred:
            body = lines[0].strip().rstrip("*").strip() + "\n" + (lines[1] if len(lines) > 1 else "")
        title, rest = split_title(body)
        items.append({"date": when.date().isoformat(), "time": when.strftime("%H:%M"),
                      "title": title, "body": rest, "tags": tags_in(body), "starred": starred,
                      "line": text.count("\n", 0, at) + 1})
    notes = []
    if not starts:
        raise ValidationError(_("no jrnl entries found (lines starting with [date] ); if the dates "
                              "are in another format, give it with --jrnl-timeformat as in jrnl.yaml"))
    if reader.guessed:
        notes.append(f"dates such as [{reader.guessed}] were read month first; if your jrnl writes "
                     "the day first, import again with --jrnl-timeformat (the timeformat of your "
                     "jrnl.yaml)")
    return items, notes
