"""Import entries from CSV — what a Chinese Excel or a bank's export gives the user.

Header ``date,time,event,summary,projects,contacts,organisations`` (``end_time``, ``status``,
``tags``, ``priority``, ``origin``, ``carried_from``, ``expenses``, ``remind_at`` and ``recurrence``
optional: what ``journal export --format csv`` writes); lists inside a cell are separated by ``;``
(full-width ``；`` too); an apostrophe that ``--excel`` put before a cell starting with ``=+-@`` is
taken off again. ``time`` may be a range (``9:00-10:00``, ``9点-10点半``); ``expenses`` holds
expenses as typed for ``--expense`` (``120 CNY 午餐; 35 打车``, the default currency when none is
given) or the JSON list the export writes when that form would be ambiguous. Encoding: UTF-8 with or without BOM,
else GB18030 (a damaged UTF-8 file is refused, not read as mojibake). All rows are checked first and
the accepted ones written in ONE transaction, so a 25k-row file costs one write. A row equal to an existing entry (same date, time,
event and summary) is skipped, which makes importing the same file twice a no-op. The backup is
taken under the lock just before the write and only when there is something to write, so repeated
no-op imports do not rotate the useful backups away.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.errors import JournalError, ValidationError
from journal.i18n import N_, _
from journal.models import Entry, utc_now
from journal.service import Journal, LinkRequest

REQUIRED_COLUMNS = ("date", "event")
KNOWN_COLUMNS = ("date", "time", "end_time", "event", "summary", "projects", "contacts",
                 "organisations", "status", "tags", "priority", "origin", "carried_from", "expenses",
                 "remind_at", "recurrence")
_ALIASES = {"organizations": "organisations", "orgs": "organisations", "project": "projects",
            "contact": "contacts", "organisation": "organisations", "tag": "tags"}
_SPLIT_RE = re.compile(r"[;；]")


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    created: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    backup: Path | None = None


_THE_FILE = N_("the file")


def decode(raw: bytes, path: Path | str = _THE_FILE) -> str:
    """UTF-8 (BOM or not) first, since it is strict; GB18030 (a superset of GBK/GB2312) next; a
    damaged UTF-8 file is refused rather than read as GB18030 mojibake (see common.decode_text)."""
    from journal.interchange.common import decode_text

    return decode_text(raw, _(path) if path == _THE_FILE else path)


def _split(cell: str | None) -> list[str]:
    if not cell or (";" not in cell and "；" not in cell):  # the usual cell: one name or none
        part = cell.strip() if cell else ""
        return [part] if part else []
    return [part.strip() for part in _SPLIT_RE.split(cell) if part.strip()]


_EXCEL_GUARD = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _unguarded(cell: str) -> str:
    """A cell without the apostrophe ``journal export --excel`` puts before formula characters."""
    return cell[1:] if cell.startswith(_EXCEL_GUARD) else cell


def json_expenses(cell: str) -> list[dict[str, Any]]:
    """The JSON list ``journal export`` writes when the typed form would be ambiguous (no
    three-letter currency, a ``;`` in a note); the entry's own check validates the items."""
    try:
        items = json.loads(cell)
    except ValueError:
        raise ValidationError(_("expenses {cell!r}: not a JSON list").format(cell=cell[:40])) from None
    if not isinstance(items, list):
        raise ValidationError(_("expenses: expected a list"))
    return items


def dedupe_key(date: str, time: str | None, event: str, summary: str) -> tuple[str, str, str, str]:
    return (date, time or "", " ".join(event.split()), summary.strip())


def import_csv(journal: Journal, path: Path, raw: bytes | None = None) -> ImportReport:
    """Import ``path`` (whose bytes are ``raw`` if already read) into ``journal``; see the module
    docstring."""
    from journal.dates import DateError, parse_date, parse_time, parse_time_range
    from journal.interchange.common import read_source
    from journal.routine.config import load_routine_config
    from journal.routine.expenses import parse_expenses

    text = decode(read_source(path) if raw is None else raw, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(_("{path}: the file is empty").format(path=path)) from None
    except csv.Error as exc:
        raise ValidationError(_("{path}: not a CSV file ({exc})").format(path=path, exc=exc)) from None
    columns = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValidationError(_("{path}: header lacks {join} (expected {join2})").format(path=path, join=', '.join(missing), join2=','.join(KNOWN_COLUMNS[:8])))
    report = ImportReport()
    now = utc_now()
    currency: str | None = None  # the configured default, read when a row has typed expenses
    with journal.import_batch() as tx:
        resolver = tx.resolver
        seen = {dedupe_key(d["date"], d.get("time"), d["event"], d.get("summary", ""))
                for d in tx.tables.get("entries", {}).values()}
        new_docs: list[dict] = []
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                report.rejected.append((reader.line_num, _("malformed CSV: {exc}").format(exc=exc)))
                break
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells = dict(zip(columns, map(_unguarded, row), strict=False))
            try:
                date = parse_date(cells.get("date", "")).isoformat()
                time, end = (parse_time_range(cells["time"]) if cells.get("time", "").strip()
                             else (None, None))
                if cells.get("end_time", "").strip():
                    if end is not None:
                        raise ValidationError(_("time is a range and end_time is given too"))
                    end = parse_time(cells["end_time"])
                spent = []
                cell = cells.get("expenses", "").strip()
                if cell.startswith("["):
                    spent = json_expenses(cell)
                elif cell:
                    currency = currency or load_routine_config().default_currency
                    spent = parse_expenses(cell, currency)
                status = (cells.get("status") or "done").strip().lower()
                entry = Entry(date=date, time=time, end_time=end, event=cells.get("event", ""),
                              summary=cells.get("summary", "").strip(), status=status,
                              origin=((cells.get("origin") or "").strip().lower()
                                      if "origin" in cells
                                      else "planned" if status == "planned" else ""),
                              carried_from=_split(cells.get("carried_from")),
                              priority=(cells.get("priority") or "").strip().lower(),
                              tags=_split(cells.get("tags")), expenses=spent,
                              remind_at=cells.get("remind_at", "").strip() or None,
                              recurrence=cells.get("recurrence", "").strip() or None,
                              created_at=now, updated_at=now)
                doc = entry.to_doc()  # validates (once: it is most of the cost of a row)
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
            for name, ids in links.items():  # resolved ids: what the model's check_ids keeps
                if ids:
                    doc[name] = sorted(set(ids))
            seen.add(key)
            new_docs.append(doc)
        if new_docs or resolver.created:
            report.backup = tx.backup("import")
        if new_docs:
            tx.insert_many("entries", new_docs)
        report.imported = len(new_docs)
        report.created = [f"{c.kind} {c.label}" for c in resolver.created]
    return report
