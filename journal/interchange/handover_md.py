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
from datetime import date
from typing import TYPE_CHECKING, Any

from journal.models import KIND_LINK_FIELD, KIND_TABLE, time_span
from journal.text import clean_line, counted, first_line

if TYPE_CHECKING:
    from journal.clients.cadence import DueItem
    from journal.clients.dossier import Dossier

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


_SOURCES = {"own": "", "tier": "the tier's", "organisation": "the organisation's",
            "organisation tier": "the organisation's tier"}


def _ago(days: int) -> str:
    return {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")


def _standing(item: DueItem, today: date) -> list[str]:
    """Tier, cadence, owner-independent dates of one client, as ``- Label: value`` lines."""
    rhythm = item.rhythm
    lines = []
    if rhythm.tier:
        source = " (the organisation's)" if rhythm.tier_from == "organisation" else ""
        lines.append(f"- Tier: {_inline(rhythm.tier)}{source}")
    if rhythm.cadence_days:
        source = _SOURCES.get(rhythm.cadence_from, "")
        lines.append(f"- Visit every: {rhythm.cadence_days} days" + (f" ({source})" if source else ""))
    if item.last is not None:
        lines.append(f"- Last contact: {item.last.date} {_inline(item.last.event)} "
                     f"({_ago(item.days_since or 0)})")
    if item.state == "never":
        lines.append("- Next contact due: now (never met)")
    elif item.due_on is not None and item.days_over is not None:
        if item.days_over > 0:
            lines.append(f"- Next contact due: {item.due_on} — overdue by "
                         f"{counted(item.days_over, 'days')}")
        else:
            when = "today" if item.days_over == 0 else f"in {counted(-item.days_over, 'days')}"
            lines.append(f"- Next contact due: {item.due_on} ({when})")
    if item.next is not None:
        lines.append(f"- Next planned: {item.next.date}"
                     + (f" {item.next.time}" if item.next.time else "")
                     + f" {_inline(item.next.event)}")
    return lines


def _fields(doc: dict[str, Any], org_name: str | None, standing: list[str] | None = None,
            owner: str = "") -> list[str]:
    """The document's fields; with ``standing`` (a dossier) its tier and cadence as they apply,
    owner and dates replace the stored tier and cadence."""
    lines = []
    if org_name:
        lines.append(f"- Organisation: {_inline(org_name)}")
    for key in _ORDER:
        value = doc.get(key)
        if value in (None, "", []):
            continue
        if key == "notes" or (standing is not None and key in ("tier", "cadence_days")):
            continue
        if isinstance(value, list):
            text = ", ".join(_inline(str(v)) for v in value)
        elif key == "birthday":
            text = _birthday(str(value))
        else:
            text = _inline(str(value))
        lines.append(f"- {_LABELS[key]}: {text}")
    if standing is not None:
        lines += standing
        if owner:
            lines.append(f"- Owner: {_inline(owner)}")
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
    when = f"{entry['date']} {time_span(entry.get('time'), entry.get('end_time'))}".rstrip()
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
    if entry.get("complaint"):
        state = f"resolved {entry['resolved_on']}" if entry.get("resolved_on") else "open"
        lines.append(f"Complaint: {state}" + (f" — {_inline(entry['resolution'])}"
                                              if entry.get("resolution") else "") + "  ")
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


def render_markdown(bundle: dict[str, Any], dossier: Dossier | None = None) -> str:
    """The hand-over as Markdown; ``bundle`` comes from :func:`~journal.interchange.bundle.build_bundle`.
    With ``dossier`` (:func:`journal.clients.dossier.build_dossier`) it is the full client file:
    tier and cadence as they apply, owner and owner history, open follow-ups, complaints and
    expenses come before the history."""
    subject = bundle["subject"]
    kind, table = subject["kind"], KIND_TABLE[subject["kind"]]
    doc = bundle[table][subject["id"]]
    org = _org_name(bundle, doc) if kind != "organisation" else None
    heading = f"{doc['name']} ({org})" if org else doc["name"]
    entries = sorted(bundle["entries"].items(), key=_sort_key, reverse=True)
    standing = (_standing(dossier.standing, dossier.today)
                if dossier is not None and kind != "project" else None)
    what = "Client file" if dossier is not None else "Hand-over"
    out = [f"# {kind.capitalize()}: {_inline(heading)}", "",
           f"{what} from the work journal, exported {bundle['exported_at'][:10]}: "
           f"{counted(len(entries), 'entries')}, newest first.", "",
           *_fields(doc, org, standing, dossier.owner if dossier else ""), ""]
    if dossier is not None and kind != "project":
        out += _owner_history(dossier)
    if kind != "organisation" and org:
        org_id = doc["organisation_id"]
        org_doc = bundle["organisations"].get(org_id, {})
        if org_doc:
            out += [f"## Organisation: {_inline(org_doc['name'])}", "", *_fields(org_doc, None), ""]
    if kind == "organisation":
        for member_table, title in (("contacts", "Contacts"), ("projects", "Projects")):
            members = sorted(bundle[member_table].items(), key=lambda item: item[1]["name"])
            if not members:
                continue
            out += [f"## {title} ({len(members)})", ""]
            for member_id, member in members:
                item = dossier.members.get(member_id) if dossier is not None else None
                lines = _fields(member, None, _standing(item, dossier.today)
                                if item is not None and dossier is not None else None,
                                member.get("owner", ""))
                out += [f"### {_inline(member['name'])}", *lines, ""]
    elif dossier is not None:
        out += _projects_seen(bundle, entries)
    if dossier is not None:
        out += _planned(bundle, dossier) + _complaints(dossier) + _expenses(dossier)
    out += [f"## History ({counted(len(entries), 'entries')}, newest first)", ""]
    if not entries:
        out += ["No entries yet.", ""]
    for _, entry in entries:
        out += _entry_lines(bundle, entry)
    return "\n".join(out).rstrip() + "\n"


# -- the dossier's sections -----------------------------------------------------------------------
def _owner_history(dossier: Dossier) -> list[str]:
    out = ["## Owner history", ""]
    if not dossier.owners:
        owner = f"; looked after by {_inline(dossier.owner)}" if dossier.owner else ""
        return [*out, f"No hand-over recorded{owner}.", ""]
    for change in dossier.owners:
        witness = f", witnessed by {_inline(change.witness)}" if change.witness else ""
        via = f" (with {_inline(change.client)})" if change.client and dossier.kind == "contact" \
            and change.client != dossier.standing.name else ""
        out.append(f"- {change.date}: {_inline(change.by) or '?'} → {_inline(change.to)}"
                   f"{witness}{via}")
    return [*out, ""]


def _projects_seen(bundle: dict[str, Any], entries: list[tuple[str, dict[str, Any]]]) -> list[str]:
    ids = sorted({p for _, e in entries for p in e.get("project_ids", ())})
    names = sorted(_names(bundle, "projects", ids))
    if not names:
        return []
    return [f"## Projects ({len(names)})", "", *(f"- {_inline(n)}" for n in names), ""]


def _planned(bundle: dict[str, Any], dossier: Dossier) -> list[str]:
    if not dossier.planned:
        return []
    today = dossier.today.isoformat()
    out = [f"## Open follow-ups and planned items ({len(dossier.planned)})", ""]
    for _, entry in dossier.planned:
        when = entry["date"] + (f" {entry['time']}" if entry.get("time") else "")
        late = " — past its date, not marked done" if entry["date"] < today else ""
        summary = first_line(entry.get("summary") or "")
        names = _names(bundle, "contacts", entry.get("contact_ids", ()))
        line = f"- {when} · {_inline(entry['event'])}{late}"
        if summary:
            line += f" — {_inline(summary)}"
        if names:
            line += f" (with {', '.join(_inline(n) for n in names)})"
        out.append(line)
    return [*out, ""]


def _complaints(dossier: Dossier) -> list[str]:
    if not dossier.complaints:
        return []
    still = sum(1 for c in dossier.complaints if c.open)
    out = [f"## Complaints ({len(dossier.complaints)}, {still} open)", ""]
    for item in dossier.complaints:
        if item.open:
            state = f"open for {counted(item.days, 'days')}"
        else:
            state = f"resolved {item.resolved_on} after {counted(item.days, 'days')}"
        line = f"- {item.date} · {_inline(item.event)} — {state}"
        if item.resolution:
            line += f": {_inline(first_line(item.resolution))}"
        out.append(line)
    return [*out, ""]


def _expenses(dossier: Dossier) -> list[str]:
    if not dossier.expenses:
        return []
    total = " · ".join(f"{amount:,.2f} {currency}".rstrip()
                       for currency, amount in dossier.totals.items())
    out = ["## Expenses", "", f"Total: {total}", ""]
    for item in dossier.expenses:
        note = f" — {_inline(item.note)}" if item.note else ""
        out.append(f"- {item.date} · {_inline(item.event)}: {item.amount} "
                   f"{_inline(item.currency)}{note}".rstrip())
    return [*out, ""]
