"""`journal import FILE.json` for a jrnl export, so jrnl users can bring their history along.

``jrnl --export json`` writes ``{"tags": {"@client": 3}, "entries": [{"date": "2026-11-20",
"time": "09:30", "title": "…", "body": "…", "tags": ["@client"], "starred": false}, …]}``.
An entry's title (its first sentence, without the full stop) becomes the event, the body the summary, each ``@tag`` /
``#tag`` a tag without its symbol, and a star the tag ``starred`` (jrnl users filter by it). jrnl's
tags are left as tags, not turned into contacts: ``@li_na`` may be a person, a project or a mood,
and guessing would fill the contact list with noise.

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
from journal.interchange.common import ImportReport, describe_error
from journal.interchange.csv_import import dedupe_key
from journal.models import MAX_EVENT, Entry, utc_now
from journal.service import Journal
from journal.storage import new_id

TAG_SYMBOLS = "@#"


def looks_like_jrnl(data: Any) -> bool:
    """A jrnl export: an object whose ``entries`` is a list (a journal data file has a table)."""
    return isinstance(data, dict) and isinstance(data.get("entries"), list)


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{key} is {type(value).__name__}, expected text")
    return value


def jrnl_entry(item: Any, now: str) -> Entry:
    """The entry a jrnl export item describes, validated; raises :class:`ValidationError`."""
    if not isinstance(item, dict):
        raise ValidationError(f"expected an object, found {type(item).__name__}")
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
        raise ValidationError("tags must be a list of text")
    names = [t.lstrip(TAG_SYMBOLS).strip() for t in tags]
    starred = item.get("starred")
    if starred is not None and not isinstance(starred, bool):
        raise ValidationError(f"starred is {type(starred).__name__}, expected true or false")
    if starred:
        names.append("starred")
    entry = Entry(date=date, time=time, event=title, summary=body, status="done",
                  tags=[n for n in names if n], created_at=now, updated_at=now)
    entry.validate()
    orjson.dumps(entry.to_doc())  # lone surrogates would break the write of the whole file
    return entry


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
        raise ValidationError(f"{path}: not UTF-8 JSON (bad byte at offset {exc.start})") from None
    try:
        return json.loads(text, parse_int=_bounded_int)
    except _NumberTooLong as exc:
        raise ValidationError(f"{path}: holds a whole number of {exc.digits} digits; no value in "
                              "an export is that large (damaged file?)") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno} column "
                              f"{exc.colno}; truncated file?)") from None
    except RecursionError:
        raise ValidationError(f"{path}: JSON nested too deeply to be an export") from None


def import_jrnl(journal: Journal, path: Path, data: Any) -> ImportReport:
    """Import the parsed jrnl export ``data`` (read from ``path``) into ``journal``."""
    if not looks_like_jrnl(data):
        raise ValidationError(f"{path}: not a jrnl export (expected an object with an "
                              "\"entries\" list, as `jrnl --export json` writes)")
    report = ImportReport("entries")
    now = utc_now()
    accepted: list[Entry] = []
    for number, item in enumerate(data["entries"], 1):
        try:
            accepted.append(jrnl_entry(item, now))
        except (JournalError, orjson.JSONEncodeError) as exc:
            report.rejected.append((f"entry {number}", describe_error(exc)))
    with journal.store.transaction() as tx:
        seen = {dedupe_key(d["date"], d.get("time"), d["event"], d.get("summary", ""))
                for d in tx.tables.get("entries", {}).values()}
        new_docs: list[tuple[str, dict[str, Any]]] = []
        for entry in accepted:
            key = dedupe_key(entry.date, entry.time, entry.event, entry.summary)
            if key in seen:
                report.unchanged += 1
                continue
            seen.add(key)
            new_docs.append((new_id(), entry.to_doc()))
        if new_docs:
            report.backup = journal.store.backup("import")
            tx.insert_many("entries", new_docs)
        report.imported = len(new_docs)
    return report
