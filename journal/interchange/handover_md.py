"""`journal export KIND NAME` (Markdown): a client's file and full history, to read or e-mail.

The reader is a colleague taking the client over, or a manager reviewing it, often in an e-mail
client that shows the Markdown as plain text. So the layout reads well *unrendered*: short headings,
``- Label: value`` lines, dates first, the newest entries on top — and renders sensibly too (hard
line breaks inside summaries, user text that would look like a heading or quote is escaped).

Built from the same bundle as the JSON export (journal.interchange.bundle), so both formats always
describe exactly the same documents and entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from journal.models import KIND_LINK_FIELD, KIND_TABLE
from journal.text import clean_line, counted

_LEADING_MARKUP_RE = re.compile(r"^(\s*)([#>=]|-{3,}|\d+[.)]\s)")
_LABELS = {
    "title": "Title", "phones": "Phones", "emails": "E-mails", "birthday": "Birthday",
    "tier": "Tier", "cadence_days": "Visit every (days)", "industry": "Industry",
    "address": "Address", "status": "Status", "tags": "Tags", "notes": "Notes",
}
_ORDER = ("title", "industry", "status", "phones", "emails", "birthday", "tier", "cadence_days",
          "address", "tags", "notes")


def _text(value: str) -> list[str]:
    """User text as safe Markdown lines: control characters escaped (the file may be shown in a
    terminal), a leading ``#``, ``>``, ``---`` or ``1.`` escaped so a note cannot restructure the
    document."""
    lines = []
    for line in value.splitlines() or [""]:
        line = clean_line(line)
        lines.append(_LEADING_MARKUP_RE.sub(lambda m: m[1] + "\\" + m[2], line))
    return lines


def _inline(value: str) -> str:
    return " ".join(_text(value)).strip()


def _birthday(value: str) -> str:
    return f"{value[2:]} (year unknown)" if value.startswith("--") else value


def _fields(doc: dict[str, Any], org_name: str | None) -> list[str]:
    lines = []
    if org_name:
        lines.append(f"- Organisation: {_inline(org_name)}")
    for key in _ORDER:
        value = doc.get(key)
        if value in (None, "", []):
            continue
        if key == "notes":
            continue
        if isinstance(value, list):
            text = ", ".join(_inline(str(v)) for v in value)
        elif key == "birthday":
            text = _birthday(str(value))
        else:
            text = _inline(str(value))
        lines.append(f"- {_LABELS[key]}: {text}")
    if doc.get("created_at"):
        lines.append(f"- In the journal since: {doc['created_at'][:10]}")
    if doc.get("notes"):
        lines += ["- Notes:", *(f"  {line}".rstrip() for line in _text(doc["notes"]))]
    return lines


def _names(bundle: dict[str, Any], table: str, ids: Iterable[str]) -> list[str]:
    out = []
    for doc_id in ids:
        doc = bundle[table].get(doc_id) or bundle["references"][table].get(doc_id)
        if doc is None:
            continue
        org = _org_name(bundle, doc) if table != "organisations" else None
        out.append(f"{doc['name']} ({org})" if org else doc["name"])
    return out


def _org_name(bundle: dict[str, Any], doc: dict[str, Any]) -> str | None:
    org_id = doc.get("organisation_id")
    if not org_id:
        return None
    org = bundle["organisations"].get(org_id) or bundle["references"]["organisations"].get(org_id)
    return org["name"] if org else None


def _entry_lines(bundle: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    when = entry["date"] + (f" {entry['time']}" if entry.get("time") else "")
    if entry.get("end_time"):
        when += f"–{entry['end_time']}"
    status = "" if entry.get("status", "done") == "done" else f" [{entry['status']}]"
    lines = [f"### {when} · {_inline(entry['event'])}{status}"]
    for label, kind in (("With", "contact"), ("Project", "project"), ("Organisation", "organisation")):
        names = _names(bundle, KIND_TABLE[kind], entry.get(KIND_LINK_FIELD[kind], ()))
        if names:
            lines.append(f"{label}: {', '.join(_inline(n) for n in names)}  ")
    if entry.get("tags"):
        lines.append("Tags: " + ", ".join(_inline(t) for t in entry["tags"]) + "  ")
    if entry.get("priority") in ("high", "low"):
        lines.append(f"Priority: {entry['priority']}  ")
    if entry.get("carried_from"):
        lines.append(f"Carried over from: {', '.join(sorted(entry['carried_from']))}  ")
    for expense in entry.get("expenses", ()):
        lines.append(f"Expense: {expense['amount']} {_inline(expense['currency'])} "
                     f"{_inline(expense['note'])}".rstrip() + "  ")
    if lines[-1].endswith("  "):
        lines[-1] = lines[-1].rstrip()
    if entry.get("summary"):
        lines += ["", "  \n".join(_text(entry["summary"]))]
    return lines + [""]


def _sort_key(item: tuple[str, dict[str, Any]]) -> tuple[str, str, str]:
    doc_id, doc = item
    return (doc["date"], doc.get("time") or "", doc_id)


def render_markdown(bundle: dict[str, Any]) -> str:
    """The hand-over as Markdown; ``bundle`` comes from :func:`~journal.interchange.bundle.build_bundle`."""
    subject = bundle["subject"]
    kind, table = subject["kind"], KIND_TABLE[subject["kind"]]
    doc = bundle[table][subject["id"]]
    org = _org_name(bundle, doc) if kind != "organisation" else None
    heading = f"{doc['name']} ({org})" if org else doc["name"]
    entries = sorted(bundle["entries"].items(), key=_sort_key, reverse=True)
    out = [f"# {kind.capitalize()}: {_inline(heading)}", "",
           f"Hand-over from the work journal, exported {bundle['exported_at'][:10]}: "
           f"{counted(len(entries), 'entries')}, newest first.", "", *_fields(doc, org), ""]
    if kind != "organisation" and org:
        org_id = doc["organisation_id"]
        org_doc = bundle["organisations"].get(org_id, {})
        if org_doc:
            out += [f"## Organisation: {_inline(org_doc['name'])}", "", *_fields(org_doc, None), ""]
    if kind == "organisation":
        for member_table, title in (("contacts", "Contacts"), ("projects", "Projects")):
            members = sorted(bundle[member_table].values(), key=lambda d: d["name"])
            if not members:
                continue
            out += [f"## {title} ({len(members)})", ""]
            for member in members:
                out += [f"### {_inline(member['name'])}", *_fields(member, None), ""]
    out += [f"## History ({counted(len(entries), 'entries')}, newest first)", ""]
    if not entries:
        out += ["No entries yet.", ""]
    for _, entry in entries:
        out += _entry_lines(bundle, entry)
    return "\n".join(out).rstrip() + "\n"
