"""`journal import FILE.json` for a jrnl export, so jrnl users can bring their history along.

``jrnl --export json`` writes ``{"tags": {"@client": 3}, "entries": [{"date": "2026-11-20",
"time": "09:30", "title": "…", "body": "…", "tags": ["@client"], "starred": false}, …]}``.
An entry's title (its first sentence, without the full stop) becomes the event, the body the summary, each ``@tag`` /
``#tag`` a tag without its symbol, and a star the tag ``starred`` (jrnl users filter by it). jrnl's
tags are left as tags unless asked otherwise: ``@li_na`` may be a person, a project or a mood, and
guessing would fill the contact list with noise. With ``--tags-as contacts`` (or ``projects``) each
``@tag`` links the entry to the contact (project) of that name — ``@Li_Na`` is ``Li Na``, spelled
as the entry's text writes it — created when new; ``#tags`` stay tags. jrnl's plain-text journal
file is read by :mod:`journal.interchange.jrnl_text` into the same items as its JSON export.

Like the CSV import: every entry is checked first, the accepted ones are written in ONE transaction
(a backup is taken just before the write), an entry equal to one already in the journal (date,
time, event, summary) is skipped — importing the same export twice adds nothing — and a bad entry
is rejected with its position (``entry 12``) and the reason while the others go in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from journal.errors import JournalError, ValidationError
from journal.i18n import N_, _
from journal.interchange.common import ImportReport, describe_error
from journal.interchange.csv_import import dedupe_key
from journal.models import KIND_LINK_FIELD, MAX_EVENT, Entry, utc_now
from journal.service import Journal

TAG_SYMBOLS = "@#"
TAGS_AS = ("tags", "contacts", "projects")


def looks_like_jrnl(data: Any) -> bool:
    """A jrnl export: an object whose ``entries`` is a list (a journal data file has a table)."""
    return isinstance(data, dict) and isinstance(data.get("entries"), list)


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("{key} is {name__}, expected text").format(key=key, name__=type(value).__name__))
    return value


def _spelled(text: str) -> dict[str, str]:
    """Each tag as the entry's text spells it (jrnl's JSON export lower-cases tags; a contact
    named from one should read ``Li_Na``, not ``li_na``)."""
    from journal.interchange.jrnl_text import tags_in

    return {t.lower(): t for t in tags_in(text)}


def jrnl_entry(item: Any, now: str, tags_as: str = "tags") -> tuple[Entry, list[str]]:
    """The entry a jrnl export item describes, validated, and the names its ``@tags`` link to
    (with ``tags_as`` contacts or projects); raises :class:`ValidationError`."""
    if not isinstance(item, dict):
        raise ValidationError(_("expected an object, found {name__}").format(name__=type(item).__name__))
    from journal.models import check_date, check_time

    date = check_date(_text(item, "date").strip())
    time = check_time(_text(item, "time").strip() or None)
    title = " ".join(_text(item, "title").split())
    if title.endswith((".", "。")) and not title.endswith(".."):
        title = title[:-1].rstrip()  # jrnl keeps the first sentence's full stop; events have none
    body = _text(item, "body").strip()
    if len(title) > MAX_EVENT:  # jrnl's title is the whole first sentence: keep all of it
        body = f"{title}\n\n{body}".strip()
        title = title[:80].rstrip() + "…"
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValidationError(_("tags must be a list of text"))
    links: list[str] = []
    if tags_as != "tags":
        spelled = _spelled(f"{_text(item, 'title')} {_text(item, 'body')}")
        links = list(dict.fromkeys(" ".join(spelled.get(t.lower(), t)[1:].replace("_", " ").split())
                                   for t in tags if t.startswith("@")))
        tags = [t for t in tags if not t.startswith("@")]
    names = [t.lstrip(TAG_SYMBOLS).strip().lower() for t in tags]
    starred = item.get("starred")
    if starred is not None and not isinstance(starred, bool):
        raise ValidationError(_("starred is {name__}, expected true or false").format(name__=type(starred).__name__))
    if starred:
        names.append("starred")
    entry = Entry(date=date, time=time, event=title, summary=body, status="done",
                  tags=[n for n in names if n], created_at=now, updated_at=now)
    entry.validate()
    orjson.dumps(entry.to_doc())  # lone surrogates would break the write of the whole file
    return entry, [n for n in links if n]


class _NumberTooLong(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _bounded_int(text: str) -> int:
    """A JSON integer, refused beyond 64 bits: the data file cannot hold one (orjson writes 64-bit
    integers only), and Python refuses to even read one of over 4300 digits (ValueError)."""
    value = int(text) if len(text) <= 21 else None
    if value is None or not -(2**63) <= value < 2**64:
        raise _NumberTooLong(len(text.lstrip("-")))
    return value


def parse_json(raw: bytes, path: Path) -> Any:
    """JSON as the standard allows it (UTF-8); one clear line for anything else. The stdlib parser
    rather than orjson: it accepts an escaped lone surrogate in one entry, which then rejects that
    entry alone instead of the whole file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("{path}: not UTF-8 JSON (bad byte at offset {start})").format(path=path, start=exc.start)) from None
    try:
        return json.loads(text, parse_int=_bounded_int)
    except _NumberTooLong as exc:
        raise ValidationError(_("{path}: holds a whole number of {digits} digits; no value in "
                                "an export is that large (damaged file?)").format(path=path, digits=exc.digits)) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(_("{path}: not valid JSON ({msg} at line {lineno} column "
                                "{colno}; truncated file?)").format(path=path, msg=exc.msg, lineno=exc.lineno, colno=exc.colno)) from None
    except RecursionError:
        raise ValidationError(_("{path}: JSON nested too deeply to be an export").format(path=path)) from None


def import_jrnl(journal: Journal, path: Path, data: Any, *, tags_as: str = "tags") -> ImportReport:
    """Import the parsed jrnl export ``data`` (read from ``path``) into ``journal``. Items may
    carry the ``line`` they start on (the plain-text reader adds it) for the report."""
    if not looks_like_jrnl(data):
        raise ValidationError(_("{path}: not a jrnl export (expected an object with an "
                                '"entries" list, as `jrnl --export json` writes)').format(path=path))
    if tags_as not in TAGS_AS:
        raise ValidationError(_("--tags-as must be one of {join}").format(join=', '.join(TAGS_AS)))
    report = ImportReport(N_("entries"))
    now = utc_now()
    accepted: list[tuple[str, Entry, list[str]]] = []
    for number, item in enumerate(data["entries"], 1):
        line = item.get("line") if isinstance(item, dict) else None
        where = _("line {line}").format(line=line) if isinstance(line, int) else _("entry {number}").format(number=number)
        try:
            accepted.append((where, *jrnl_entry(item, now, tags_as)))
        except (JournalError, orjson.JSONEncodeError) as exc:
            report.rejected.append((where, describe_error(exc)))
    kind = tags_as[:-1]  # contact / project
    with journal.import_batch() as tx:
        resolver = tx.resolver
        seen = {dedupe_key(d["date"], d.get("time"), d["event"], d.get("summary", ""))
                for d in tx.tables.get("entries", {}).values()}
        new_docs: list[dict[str, Any]] = []
        for where, entry, links in accepted:
            key = dedupe_key(entry.date, entry.time, entry.event, entry.summary)
            if key in seen:
                report.unchanged += 1
                continue
            if links:
                try:
                    ids = sorted({resolver.resolve(kind, name) for name in links})
                except JournalError as exc:
                    report.rejected.append((where, describe_error(exc)))
                    continue
                setattr(entry, KIND_LINK_FIELD[kind], ids)
            seen.add(key)
            new_docs.append(entry.to_doc())
        report.created = [f"{c.kind} {c.label}" for c in resolver.created]
        if new_docs or resolver.created:
            report.backup = tx.backup("import")
        if new_docs:
            tx.insert_many("entries", new_docs)
        report.imported = len(new_docs)
    return report
