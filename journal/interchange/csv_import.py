"""Import entries from CSV — what a Chinese Excel or a bank's export gives the user.

Header ``date,time,event,summary,projects,contacts,organisations`` (``status`` and ``tags`` optional);
lists inside a cell are separated by ``;`` (full-width ``；`` too). Encoding: UTF-8 with or without BOM,
else GB18030. All rows are checked first and the accepted ones written in ONE transaction (a backup
is kept first), so a 25k-row file costs one write. A row equal to an existing entry (same date, time,
event and summary) is skipped, which makes importing the same file twice a no-op.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from journal.errors import JournalError, ValidationError
from journal.models import Entry, utc_now
from journal.service import Journal, LinkRequest, _Resolver
from journal.storage import new_id

REQUIRED_COLUMNS = ("date", "event")
KNOWN_COLUMNS = ("date", "time", "end_time", "event", "summary", "projects", "contacts",
                 "organisations", "status", "tags")
_ALIASES = {"organizations": "organisations", "orgs": "organisations", "project": "projects",
            "contact": "contacts", "organisation": "organisations", "tag": "tags"}
_SPLIT_RE = re.compile(r"[;；]")
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    created: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    backup: Path | None = None


def decode(raw: bytes) -> str:
    """UTF-8 (BOM or not) first, since it is strict; GB18030 (a superset of GBK/GB2312) next."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("cannot decode the file: it is neither UTF-8 nor GB18030")


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in _SPLIT_RE.split(cell or "") if part.strip()]


def dedupe_key(date: str, time: str | None, event: str, summary: str) -> tuple[str, str, str, str]:
    return (date, time or "", " ".join(event.split()), summary.strip())


def import_csv(journal: Journal, path: Path) -> ImportReport:
    """Import ``path`` into ``journal``; see the module docstring."""
    from journal.dates import DateError, parse_date, parse_time

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB")
        text = decode(path.read_bytes())
    except OSError as exc:
        raise JournalError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if "\x00" in text:
        raise ValidationError(f"{path}: contains NUL bytes; not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(f"{path}: the file is empty") from None
    except csv.Error as exc:
        raise ValidationError(f"{path}: not a CSV file ({exc})") from None
    columns = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValidationError(f"{path}: header lacks {', '.join(missing)} (expected "
                              f"{','.join(KNOWN_COLUMNS[:8])})")
    report = ImportReport()
    now = utc_now()
    report.backup = journal.store.backup("import")
    with journal.store.transaction() as tx:
        resolver = _Resolver(tx, now)
        seen = {dedupe_key(d["date"], d.get("time"), d["event"], d.get("summary", ""))
                for d in tx.tables.get("entries", {}).values()}
        new_docs: list[tuple[str, dict]] = []
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                report.rejected.append((reader.line_num, f"malformed CSV: {exc}"))
                break
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells = dict(zip(columns, row, strict=False))
            try:
                date = parse_date(cells.get("date", "")).isoformat()
                time = parse_time(cells["time"]) if cells.get("time", "").strip() else None
                end = parse_time(cells["end_time"]) if cells.get("end_time", "").strip() else None
                entry = Entry(date=date, time=time, end_time=end, event=cells.get("event", ""),
                              summary=cells.get("summary", "").strip(),
                              status=(cells.get("status") or "done").strip().lower(),
                              tags=_split(cells.get("tags")), created_at=now, updated_at=now)
                entry.validate()
                key = dedupe_key(entry.date, entry.time, entry.event, entry.summary)
                if key in seen:
                    report.duplicates += 1
                    continue
                links = resolver.resolve_links(LinkRequest(
                    _split(cells.get("projects")), _split(cells.get("contacts")),
                    _split(cells.get("organisations"))))
            except (DateError, JournalError) as exc:
                report.rejected.append((line, str(exc)))
                continue
            for name, ids in links.items():
                setattr(entry, name, ids)
            seen.add(key)
            new_docs.append((new_id(), entry.to_doc()))
        if new_docs:
            tx.insert_many("entries", new_docs)
        report.imported = len(new_docs)
        report.created = [f"{c.kind} {c.label}" for c in resolver.created]
    return report
