"""`journal export --format md`: the journal as a diary to read or print, oldest day first.

Months are ``##`` headings, days ``###`` with their day note as a quote, and each entry a list item:
its time (``09:30–10:30``), the event, the status when it is not done, then the people, projects
and organisations it is linked to (``Name (Organisation)`` where the name alone could be someone
else), tags and expenses, and the summary with its own line breaks. Fields a newer version added
follow as ``- key: value`` lines, so nothing in the journal is left out of its printed form.

User text is escaped where Markdown would read it as structure (a summary line starting with ``#``
or ``-``, ``*``, ``[``, ``|``…: :func:`journal.text.markdown_literal`), and control characters are
shown as escapes, so the file renders as written and is safe to ``cat``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from journal.i18n import _
from journal.interchange.export.columns import BOOKKEEPING, expenses_text, text
from journal.interchange.export.scope import Doc, ExportData
from journal.models import time_span
from journal.text import clean_line, counted
from journal.text import markdown_literal as md

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SHOWN = frozenset({"date", "time", "end_time", "event", "summary", "status", "project_ids",
                    "contact_ids", "organisation_ids", "tags", "expenses"}) | BOOKKEEPING
_LEADING_MARKUP_RE = re.compile(r"^(\s*)([#>=]|-{3,}|\d+[.)](?=\s|$))")
_HTML_RE = re.compile(r"<(?=[A-Za-z/!?])")
_LINKS = (("With", "contact", "contact_ids"), ("Project", "project", "project_ids"),
          ("Organisation", "organisation", "organisation_ids"))


def _text_line(line: str) -> str:
    """A line of a summary or note: what would restructure the document (a heading, a quote, a
    rule, an ordered-list number, raw HTML) is escaped; a bullet the user typed stays a bullet,
    and emphasis characters stay as typed, so the diary reads like the journal."""
    line = clean_line(line.rstrip())
    line = _HTML_RE.sub(lambda m: "\\" + m.group(0), line)
    return _LEADING_MARKUP_RE.sub(lambda m: m[1] + "\\" + m[2], line)


def _paragraphs(value: str, indent: str) -> list[str]:
    """Multi-line text as Markdown: lines kept (hard breaks), blank lines as paragraph breaks."""
    out: list[str] = []
    block: list[str] = []
    for line in value.strip().splitlines():
        if line.strip():
            block.append(indent + _text_line(line))
        elif block:
            out += ["  \n".join(block), ""]
            block = []
    if block:
        out.append("  \n".join(block))
    return out


def _entry(data: ExportData, doc: Doc) -> list[str]:
    when = time_span(doc.get("time"), doc.get("end_time"))
    status = doc.get("status", "done")
    head = f"- {'**' + when + '** ' if when else ''}{md(doc['event'], start=not when)}"
    if status != "done":
        head += f" *({status})*"
    details = []
    for title, kind, link in _LINKS:
        names = data.labels(kind, doc.get(link) or ())
        if names:
            details.append(f"{title}: " + ", ".join(md(n, start=False) for n in names))
    if doc.get("tags"):
        details.append("Tags: " + ", ".join(md(t, start=False) for t in doc["tags"]))
    if doc.get("expenses"):
        details.append("Expenses: " + md(expenses_text(doc["expenses"]), start=False))
    for key in sorted(set(doc) - _SHOWN):
        value = doc[key]
        if value not in (None, "", []):
            details.append(f"{key.replace('_', ' ').capitalize()}: "
                           + md(text(value), start=False))
    lines = [head + ("  " if details else "")]
    lines += [f"  {d}  " for d in details]
    if lines[-1].endswith("  "):
        lines[-1] = lines[-1].rstrip()
    if doc.get("summary", "").strip():
        lines += ["", *_paragraphs(doc["summary"], "  ")]
    return [*lines, ""]


def _days(data: ExportData) -> Iterator[tuple[str, list[Doc]]]:
    by_day: dict[str, list[Doc]] = {}
    for doc in data.entries.values():
        by_day.setdefault(doc["date"], []).append(doc)
    for day in sorted(set(by_day) | set(data.days)):
        yield day, by_day.get(day, [])


def render_markdown(data: ExportData) -> str:
    entries = len(data.entries)
    dates = sorted({d["date"] for d in data.entries.values()} | set(data.days))
    span = f"{dates[0]} – {dates[-1]}" if dates else "no entries"
    out = ["# Work journal", "",
           f"{md(data.description[:1].upper() + data.description[1:], start=False)}: "
           f"{counted(entries, _('entries'))}, {span}.", ""]
    month = ""
    for day, docs in _days(data):
        if day[:7] != month:
            month = day[:7]
            out += [f"## {_MONTHS[int(day[5:7]) - 1]} {day[:4]}", ""]
        when = date.fromisoformat(day)
        out += [f"### {_WEEKDAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]} {when.year}", ""]
        note: Any = data.days.get(day, {}).get("note", "")
        if isinstance(note, str) and note.strip():
            out += [f"> {_text_line(line)}" if line.strip() else ">"
                    for line in note.strip().splitlines()]
            out.append("")
        for doc in docs:
            out += _entry(data, doc)
    if not entries and not data.days:
        out += ["Nothing to export.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
