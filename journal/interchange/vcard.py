"""A small vCard reader (2.1, 3.0, 4.0): what phones, Outlook and WeChat export as ``.vcf``.

Why our own instead of a dependency (vobject, 1.4k lines plus ``six`` and dateutil quirks): we need
a dozen properties, but we need them to survive what real exports do — several cards per file,
folded lines, old Android's ``ENCODING=QUOTED-PRINTABLE`` with ``CHARSET=UTF-8`` or ``GB18030`` and
``=`` soft line breaks, 2.1's bare parameters (``TEL;CELL:``), Apple's year-less birthdays — and
every malformed card must become a reason with a line number, never an exception. About 250 lines
here do that and keep the import under our control.

The reader only turns text into :class:`Card` objects holding plain values; deciding what becomes a
contact, and merging, is :mod:`journal.interchange.vcard_import`'s job.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from journal.errors import ValidationError
from journal.i18n import _

_LINE_BREAK_RE = re.compile(r"\r\n|\n|\r")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_DATE_RE = re.compile(r"^(\d{4})-?(\d\d)-?(\d\d)$")
_NO_YEAR_RE = re.compile(r"^--(\d\d)-?(\d\d)$")
#: Bare 2.1 parameters that name an encoding rather than a type (``NOTE;QUOTED-PRINTABLE:``).
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
#: Charsets users' phones write under older, narrower names: GB18030 reads all of them.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
                    "x-gbk": "gb18030"}
#: Apple writes a birthday without a year as the year 1604 (and says so in X-APPLE-OMIT-YEAR).
_PLACEHOLDER_YEARS = {"1604", "0000"}


@dataclass
class Property:
    """One content line: ``[group.]NAME;PARAM=VALUE:value`` with the value still encoded."""

    name: str
    params: dict[str, list[str]]
    raw: str
    line: int

    def param(self, key: str) -> str:
        values = self.params.get(key)
        return values[0] if values else ""

    def text(self) -> str:
        """The value as text: transfer encoding and charset undone, backslash escapes not yet
        (structured values split on escaped separators first)."""
        encoding = self.param("ENCODING").upper()
        if encoding not in ("QUOTED-PRINTABLE", "B", "BASE64"):
            return self.raw
        charset = self.param("CHARSET").lower() or "utf-8"
        codec = _CHARSET_ALIASES.get(charset, charset)
        try:
            if encoding == "QUOTED-PRINTABLE":
                try:
                    data = self.raw.encode(codec)
                except UnicodeError:
                    data = self.raw.encode("utf-8")
                data = binascii.a2b_qp(data)
            else:
                data = base64.b64decode(re.sub(r"\s+", "", self.raw), validate=True)
            return data.decode(codec)
        except LookupError:
            raise ValidationError(_("line {line}: unknown charset {charset!r}").format(line=self.line, charset=charset[:40])) from None
        except (UnicodeError, ValueError, TypeError, binascii.Error):
            raise ValidationError(_("line {line}: {name} is not valid {lower} text in "
                                    "{charset}").format(line=self.line, name=self.name, lower=encoding.lower(), charset=charset[:40])) from None

    def values(self, sep: str = ";") -> list[str]:
        """The value split on unescaped ``sep`` (structured N, ORG; lists such as CATEGORIES)."""
        return split_escaped(self.text(), sep)

    def value(self) -> str:
        """A single text value with its escapes undone."""
        return unescape(self.text())


@dataclass
class Card:
    """One ``BEGIN:VCARD`` … ``END:VCARD`` block; ``error`` says why it cannot be read."""

    line: int
    properties: list[Property] = field(default_factory=list)
    error: str | None = None

    def first(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)

    def all(self, name: str) -> list[Property]:
        return [p for p in self.properties if p.name == name]


def unescape(text: str) -> str:
    r"""Undo vCard text escapes: ``\n`` → new line, ``\,`` ``\;`` ``\\`` ``\:`` → the character.
    Any other backslash stays as written (2.1 files use it literally)."""
    if "\\" not in text:
        return text
    return split_escaped(text, "")[0]


def split_escaped(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped by a backslash, undoing escapes in each part
    (``sep`` "" splits nothing)."""
    if "\\" not in text:
        return text.split(sep) if sep else [text]
    parts: list[str] = []
    current: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt in "nN":
                current.append("\n")
            elif nxt in ",;:\\":
                current.append(nxt)
            else:
                current.append(ch + nxt)
            i += 2
            continue
        if sep and ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _is_qp(header: str) -> bool:
    return "QUOTED-PRINTABLE" in header.upper()


def _split_outside_quotes(text: str, sep: str, maxsplit: int = -1) -> list[str]:
    if '"' not in text:  # nearly every line: no quoted parameter values
        return text.split(sep, maxsplit)
    parts, start, quoted = [], 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line number, unfolded content line). Folding: a line starting with a space
    or tab continues the previous one; in a quoted-printable value a trailing ``=`` is a soft break
    and the next line continues it even without the space (vCard 2.1, old Android)."""
    out: list[tuple[int, list[str]]] = []
    qp = False
    for number, line in enumerate(_LINE_BREAK_RE.split(text), 1):
        if out and qp and out[-1][1][-1].endswith("=") and not line.upper().startswith(
                ("END:VCARD", "BEGIN:VCARD")):
            parts = out[-1][1]
            parts[-1] = parts[-1][:-1]  # the soft break itself
            parts.append(line[1:] if line[:1] in " \t" else line)
            continue
        if out and line[:1] in (" ", "\t"):
            out[-1][1].append(line[1:])
            continue
        out.append((number, [line]))
        qp = _is_qp(line.partition(":")[0])
    return [(number, "".join(parts)) for number, parts in out]


def parse_property(line: str, number: int) -> Property:
    """One unfolded content line; a line without a ``:`` is not a property."""
    pieces = _split_outside_quotes(line, ":", maxsplit=1)
    if len(pieces) < 2 or not pieces[0].strip():
        raise ValidationError(_("line {number}: not a vCard property ({line!r})").format(number=number, line=line[:40]))
    header, raw = pieces
    head = _split_outside_quotes(header, ";")
    name = head[0].strip().rpartition(".")[2].upper()  # item1.TEL → TEL
    params: dict[str, list[str]] = {}
    for item in head[1:]:
        key, eq, val = item.partition("=")
        key = key.strip().upper()
        if not eq:  # vCard 2.1: TEL;CELL;VOICE  NOTE;QUOTED-PRINTABLE
            key, val = ("ENCODING" if key in _ENCODINGS else "TYPE"), key
        values = [v.strip().strip('"') for v in _split_outside_quotes(val, ",")]
        params.setdefault(key, []).extend(v for v in values if v)
    return Property(name, params, raw, number)


def parse_cards(text: str) -> list[Card]:
    """All cards of a file, in order; raises :class:`ValidationError` if there is none at all.
    A card that is not closed (a truncated file) or holds an unreadable line comes back with
    ``error`` set; lines outside cards are ignored (some exporters add blank lines or comments)."""
    cards: list[Card] = []
    current: Card | None = None
    for number, line in logical_lines(text):
        stripped = line.strip()
        upper = stripped.upper()
        if upper == "BEGIN:VCARD":
            if current is not None:
                current.error = current.error or f"card not closed before line {number}"
                cards.append(current)
            current = Card(number)
            continue
        if current is None:
            continue
        if upper == "END:VCARD":
            cards.append(current)
            current = None
            continue
        if not stripped or current.error:
            continue
        try:
            current.properties.append(parse_property(line, number))
        except ValidationError as exc:
            current.error = str(exc)
    if current is not None:
        current.error = current.error or "card not closed (END:VCARD missing; truncated file?)"
        cards.append(current)
    if not cards:
        raise ValidationError(_("not a vCard file (no BEGIN:VCARD line)"))
    return cards


def _has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def card_name(card: Card) -> str:
    """FN, else a name composed from N: ``family + given`` without a space for Chinese, Japanese
    and Korean names (张伟), ``given additional family`` otherwise."""
    fn = card.first("FN")
    if fn is not None and fn.value().strip():
        return fn.value()
    n = card.first("N")
    if n is None:
        return ""
    parts = [p.strip() for p in n.values()] + [""] * 5
    family, given, additional = parts[0], parts[1], parts[2]
    if _has_cjk(family + given + additional):
        return family + given + additional
    return " ".join(p for p in (given, additional, family) if p)


def card_birthday(card: Card) -> tuple[str | None, str | None]:
    """(birthday as ``YYYY-MM-DD`` / ``--MM-DD``, or None; a warning when BDAY is not a date).
    Times and zones after a ``T`` are dropped; Apple's placeholder year means "no year"."""
    prop = card.first("BDAY")
    if prop is None:
        return None, None
    text = prop.value().strip()
    if not text:
        return None, None
    day = text.split("T", 1)[0].strip()
    found = _DATE_RE.match(day)
    if found:
        year, month, mday = found.groups()
        omit = prop.param("X-APPLE-OMIT-YEAR")
        result = f"--{month}-{mday}" if year in _PLACEHOLDER_YEARS or year == omit else \
            f"{year}-{month}-{mday}"
    elif (found := _NO_YEAR_RE.match(day)) is not None:
        result = f"--{found[1]}-{found[2]}"
    else:
        return None, f"birthday {text[:40]!r} is not a date; left out"
    from journal.models import check_birthday

    try:
        return check_birthday(result), None
    except ValidationError:
        return None, f"birthday {text[:40]!r} is not a date; left out"


def strip_uri(value: str, scheme: str) -> str:
    """``tel:+86…`` / ``mailto:…`` (vCard 4.0 URIs) → the bare number or address."""
    value = value.strip()
    return value[len(scheme):].strip() if value.lower().startswith(scheme) else value
