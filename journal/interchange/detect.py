"""`journal import FILE`: which importer a file is for, by its extension, else by its content.

One command for every format, because users do not know (or care) what their phone called the
file: ``contacts.vcf``, ``00001.vcf`` or ``export`` from WeChat, ``jrnl.json``, a colleague's
hand-over ``张伟.json``, jrnl's ``journal.txt``. A known extension decides; otherwise the first
bytes do (``BEGIN:VCARD``, a JSON object, a CSV header naming ``date`` and ``event``, a jrnl header
line ``[2026-11-20 09:30] …``); anything else is one clear line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from journal.errors import ValidationError
from journal.i18n import N_, _
from journal.interchange.common import read_source
from journal.service import Journal

EXTENSIONS = {".csv": "csv", ".vcf": "vcard", ".vcard": "vcard", ".json": "json"}
KNOWN = (N_("CSV (.csv), vCard (.vcf), a jrnl journal (its .txt file or `jrnl --export json`) or a "
         "journal export / hand-over bundle (.json)"))


def sniff(path: Path, raw: bytes) -> str:
    """``csv``, ``vcard``, ``json`` or ``jrnl-text`` for ``path`` whose content is ``raw``."""
    from journal.interchange.jrnl_text import looks_like_jrnl_text

    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    if looks_like_jrnl_text(raw):
        return "jrnl-text"
    head = raw[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:11].upper() == b"BEGIN:VCARD":
        return "vcard"
    if head[:1] == b"{":
        return "json"
    first = head.split(b"\n", 1)[0].lower()
    if b"date" in first and b"event" in first and b"," in first:
        return "csv"
    raise ValidationError(_("{path}: unknown format (expected {KNOWN})").format(path=path, KNOWN=_(KNOWN)))


def import_file(journal: Journal, path: Path, *, tags_as: str = "tags",
                timeformat: str | None = None) -> tuple[str, Any]:
    """Import ``path`` with the right importer; returns (format, its report). ``tags_as`` and
    ``timeformat`` are for jrnl files (see :mod:`.jrnl_import`, :mod:`.jrnl_text`)."""
    raw = read_source(path)
    # A jrnl timeformat says what the file is, even where its dates would not be recognised.
    kind = "jrnl-text" if timeformat and path.suffix.lower() not in EXTENSIONS else sniff(path, raw)
    if kind == "jrnl-text":
        from journal.interchange.common import decode_text
        from journal.interchange.jrnl_import import import_jrnl
        from journal.interchange.jrnl_text import parse_journal

        try:
            items, notes = parse_journal(decode_text(raw, path), timeformat)
        except ValidationError as exc:
            raise ValidationError(f"{path}: {exc}") from None
        report = import_jrnl(journal, path, {"entries": items}, tags_as=tags_as)
        report.notes += [("file", note) for note in notes]
        return kind, report
    if kind == "csv":
        from journal.interchange.csv_import import import_csv

        return kind, import_csv(journal, path, raw)
    if kind == "vcard":
        from journal.interchange.vcard_import import import_vcard

        return kind, import_vcard(journal, path, raw)
    from journal.interchange.bundle import import_bundle, looks_like_bundle
    from journal.interchange.jrnl_import import import_jrnl, looks_like_jrnl, parse_json

    data = parse_json(raw, path)
    if looks_like_bundle(data):
        return "bundle", import_bundle(journal, path, data)
    if looks_like_jrnl(data):
        return "jrnl", import_jrnl(journal, path, data, tags_as=tags_as)
    if isinstance(data, dict) and isinstance(data.get("entries"), dict):
        raise ValidationError(_("{path}: this is a journal data file, not an export: open it "
                                "with --file, or merge journals with `journal sync`").format(path=path))
    raise ValidationError(_("{path}: unknown JSON format (expected a jrnl export from `jrnl "
                            "--export json` or a hand-over bundle from `journal export … "
                            "--format json`)").format(path=path))
