"""Reading and writing gettext ``.po`` catalogs, the one source of our translations.

Why read ``.po`` directly instead of compiling ``.mo`` files: the catalog is then one file that
translators edit, reviewers diff and the program reads, with no build step to forget (an editable
install, a wheel and a source checkout all behave alike) and nothing generated to keep in step.
Parsing the whole Chinese catalog takes about a millisecond per hundred entries, and English (the
source language) never reads it. The format handled is the part of GNU gettext's that catalogs
use: ``msgctxt``-free entries, ``msgid`` / ``msgid_plural`` / ``msgstr`` / ``msgstr[N]``,
continued strings, C escapes, ``msgctxt`` (the same English word meaning two things: the
navigation bar's "Month" is 月报, a table column's is 月份), ``#`` comments and the ``fuzzy`` flag
(a fuzzy entry is not yet a translation, so the reader leaves it out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(.)")
_KEYWORD_RE = re.compile(r'^(msgid_plural|msgid|msgstr(?:\[(\d+)\])?|msgctxt)\s+"(.*)"\s*$')
_CONTINUED_RE = re.compile(r'^"(.*)"\s*$')


class PoError(ValueError):
    """A catalog line that does not fit the format (the message names the line)."""


@dataclass
class PoEntry:
    """One message: its source text(s), translation(s), reference and flags."""

    msgid: str
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)
    context: str | None = None

    @property
    def key(self) -> str | tuple[str, str]:
        msgid = self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"
        return (msgid, self.msgid_plural) if self.msgid_plural is not None else msgid

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.msgstr) and bool(self.msgstr)


def _unquote(text: str, where: int) -> str:
    def replace(match: re.Match[str]) -> str:
        char = match[1]
        if char not in _ESCAPES:
            raise PoError(f"line {where}: unknown escape \\{char}")
        return _ESCAPES[char]

    return _ESCAPE_RE.sub(replace, text)


def parse_po(text: str) -> list[PoEntry]:
    """Every entry of a catalog, the header (``msgid ""``) included, in file order."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None  # which string a continuation line extends
    pending_refs: list[str] = []
    pending_flags: set[str] = set()
    pending_comments: list[str] = []
    pending_context: str | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0] != "msgid":
                finish()
                target = None
            if line.startswith("#:"):
                pending_refs.extend(line[2:].split())
            elif line.startswith("#,"):
                pending_flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("# ") or line == "#":
                pending_comments.append(line[2:])
            continue
        if match := _KEYWORD_RE.match(line):
            keyword, index, value = match[1], match[2], _unquote(match[3], number)
            if keyword == "msgctxt":
                finish()
                pending_context = value
                target = None
                continue
            if keyword == "msgid":
                finish()
                current = PoEntry(value, references=pending_refs, flags=pending_flags,
                                  comments=pending_comments, context=pending_context)
                pending_refs, pending_flags, pending_comments = [], set(), []
                pending_context = None
                target = ("msgid", 0)
                continue
            if current is None:
                raise PoError(f"line {number}: {keyword} before any msgid")
            if keyword == "msgid_plural":
                current.msgid_plural = value
                current.msgstr = []
                target = ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                while len(current.msgstr) <= slot:
                    current.msgstr.append("")
                current.msgstr[slot] = value
                target = ("msgstr", slot)
            continue
        if match := _CONTINUED_RE.match(line):
            if current is None or target is None:
                raise PoError(f"line {number}: a continued string outside an entry")
            value = _unquote(match[1], number)
            name, slot = target
            if name == "msgid":
                current.msgid += value
            elif name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[slot] += value
            continue
        raise PoError(f"line {number}: not catalog syntax: {line[:40]!r}")
    finish()
    return entries


def load_translations(text: str) -> dict[str | tuple[str, str], str | list[str]]:
    """msgid (or (singular, plural)) -> translation (a list of plural forms), translated entries
    only: what the runtime looks up."""
    table: dict[str | tuple[str, str], str | list[str]] = {}
    for entry in parse_po(text):
        if not entry.msgid or not entry.translated:
            continue
        table[entry.key] = list(entry.msgstr) if entry.msgid_plural is not None else entry.msgstr[0]
    return table


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace(
        "\r", "\\r")


def _field(keyword: str, text: str) -> list[str]:
    """``keyword "text"``, split after each newline as gettext's tools write it."""
    if "\n" not in text.rstrip("\n") or text == "":
        return [f'{keyword} "{_quote(text).replace(chr(10), chr(92) + "n")}"']
    lines = [f'{keyword} ""']
    parts = text.split("\n")
    for i, part in enumerate(parts):
        piece = part + ("\n" if i < len(parts) - 1 else "")
        if piece:
            lines.append(f'"{_quote(piece).replace(chr(10), chr(92) + "n")}"')
    return lines


def render_po(entries: list[PoEntry]) -> str:
    """The catalog as text (the inverse of :func:`parse_po` for what it reads)."""
    blocks: list[str] = []
    for entry in entries:
        lines = [f"# {c}" if c else "#" for c in entry.comments]
        if entry.references:
            lines.append("#: " + " ".join(entry.references))
        if entry.flags:
            lines.append("#, " + ", ".join(sorted(entry.flags)))
        if entry.context is not None:
            lines += _field("msgctxt", entry.context)
        lines += _field("msgid", entry.msgid)
        if entry.msgid_plural is not None:
            lines += _field("msgid_plural", entry.msgid_plural)
            for i, form in enumerate(entry.msgstr or [""]):
                lines += _field(f"msgstr[{i}]", form)
        else:
            lines += _field("msgstr", entry.msgstr[0] if entry.msgstr else "")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
