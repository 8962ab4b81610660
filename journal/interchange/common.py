"""What every importer shares: reading a user's file safely, decoding it, and the report.

Importers read files the user picked from a phone export, a colleague's e-mail or another program:
they may be huge, of the wrong kind, not even regular files (a FIFO would hang the read,
``/dev/zero`` would never end), or in an encoding nobody declared. Everything here turns such
trouble into one :class:`~journal.errors.JournalError` line before the journal is touched.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from journal.errors import JournalError, ValidationError
from journal.i18n import _

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class ImportReport:
    """The outcome of an import, for one summary line plus one line per notable item.

    ``where`` strings say where in the source a rejected or merged item sits ("line 12", "entry 3")
    so that the user can fix the file and import it again (imports are idempotent)."""

    what: str
    imported: int = 0
    merged: int = 0
    unchanged: int = 0
    created: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    backup: Path | None = None

    @property
    def total_failure(self) -> bool:
        """Nothing of the file was usable: the command exits non-zero."""
        return bool(self.rejected) and not (self.imported or self.merged or self.unchanged)


def read_source(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`, or one clear error.

    Opened without blocking and checked with ``fstat`` on the open descriptor, so a FIFO or a device
    swapped in after a ``stat`` cannot hang or flood us."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise JournalError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise JournalError(_("{path}: not a regular file (save the export to a file first)").format(path=path))
        if info.st_size > MAX_FILE_BYTES:
            raise ValidationError(_("{path}: larger than {value} MB").format(path=path, value=MAX_FILE_BYTES // 2**20))
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise JournalError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError(_("{path}: larger than {value} MB").format(path=path, value=MAX_FILE_BYTES // 2**20))
    return raw


def decode_text(raw: bytes, path: Path | str) -> str:
    """UTF-8 (with or without BOM) first, since it is strict; UTF-16 when a BOM says so (Windows
    exports); else GB18030 (a superset of GBK/GB2312: what Chinese Windows and old phones write).

    GB18030 decodes almost any byte string, so two guards keep it from turning a damaged file into
    silent mojibake: a file that was valid UTF-8 *with non-ASCII text* up to the bad byte is UTF-8
    with damage, and is refused with the line of the bad byte (GBK text fails as UTF-8 at its first
    Chinese character); and text holding NUL is binary, not an export."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("{path}: damaged UTF-16 text (bad bytes at offset {start})").format(path=path, start=exc.start)) from None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if any(byte >= 0x80 for byte in raw[:exc.start]):
                line = raw.count(b"\n", 0, exc.start) + 1
                raise ValidationError(_("{path}: not valid UTF-8 at line {line} (byte "
                                        "{start}); the file looks damaged").format(path=path, line=line, start=exc.start)) from None
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                raise ValidationError(_("{path}: cannot decode the file: it is neither UTF-8 "
                                        "nor GB18030").format(path=path)) from None
    if "\x00" in text:
        raise ValidationError(_("{path}: contains NUL bytes; not a text file").format(path=path))
    return text.removeprefix("\ufeff")


def describe_error(exc: Exception) -> str:
    """The reason of a rejected item on one line (user text inside is escaped by the CLI)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def revalidated(model: Any, doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (an existing document after a merge) validated and normalised by ``model``, keeping
    fields the model does not know: a newer program (or another machine's) may have written them,
    and an import must not be what silently deletes them."""
    clean = model.from_doc(doc_id, doc).to_doc()
    known = {f.name for f in fields(model)}
    clean.update({k: v for k, v in doc.items() if k not in known and v not in (None, "", [])})
    return clean
