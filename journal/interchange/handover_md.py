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

from journal.i18n import N_, _
from journal.i18n.terms import value_name
from journal.models import KIND_LINK_FIELD, KIND_TABLE, time_span
from journal.text import clean_line, counted, first_line

if TYPE_CHECKING:
    from journal.clients.cadence import DueItem
    from journal.clients.dossier import Dossier

_LEADING_MARKUP_RE = re.compile(r"^(\s*)([#>=]|-{3,}|\d+[.)]\s)")
_LABELS = {
    "title": N_("Title"), "phones": N_("Phones"), "emails": N_("E-mails"), "birthday": N_("Birthday"),
    "tier": N_("Tier"), "cadence_days": N_("Visit every (days)"), "industry": N_("Industry"),
    "address": N_("Address"), "status": N_("Status"), "tags": N_("Tags"), "notes": N_("Notes"),
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
    return _("{value} (year unknown)").format(value=value[2:]) if value.startswith("--") else value


_SOURCES = {"own": "", "tier": N_("the tier's"), "organisation": N_("the organisation's"),
            "organisation tier": N_("the organisation's tier")}


def _ago(days: int) -> str:
    return {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")


def _standing(item: DueItem, today: date) -> list[str]:
    """Tier, cadence, owner-independent dates of one client, as ``- Label: value`` lines."""
    rhythm = item.rhythm
    lines = []
    if rhythm.tier:
        source = _(" (the organisation's)") if rhythm.tier_from == "organisation" else ""
        lines.append(_("- Tier: {inline}{source}").format(inline=_inline(rhythm.tier), source=source))
    if rhythm.cadence_days:
        source = _(_SOURCES[rhythm.cadence_from]) if _SOURCES.get(rhythm.cadence_from) else ""
        lines.append(_("- Visit every: {cadence_days} days").format(cadence_days=rhythm.cadence_days) + (f" ({source})" if source else ""))
    if item.last is not None:
        lines.append(_("- Last contact: {date} {inline} ({ago})").format(date=item.last.date, inline=_inline(item.last.event), ago=_ago(item.days_since or 0)))
    if item.state == "never":
        lines.append(_("- Next contact due: now (never met)"))
    elif item.due_on is not None and item.days_over is not None:
        if item.days_over > 0:
            lines.append(_("- Next contact due: {due_on} — overdue by {counted}").format(due_on=item.due_on, counted=counted(item.days_over, _('days'))))
        else:
            when = "today" if item.days_over == 0 else _("in {counted}").format(counted=counted(-item.days_over, _('days')))
            lines.append(_("- Next contact due: {due_on} ({when})").format(due_on=item.due_on, when=when))
    if item.next is not None:
        lines.append(_("- Next planned: {date}").format(date=item.next.date)
                     + (f" {item.next.time}" if item.next.time else "")
                     + f" {_inline(item.next.event)}")
    return lines


def _fields(doc: dict[str, Any], org_name: str | None, standing: list[str] | None = None,
            owner: str = "") -> list[str]:
    """The document's fields; with ``standing`` (a dossier) its tier and cadence as they apply,
    owner and dates replace the stored tier and cadence."""
    lines = []
    if org_name:
        lines.append(_("- Organisation: {inline}").format(inline=_inline(org_name)))
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
        lines.append(f"- {_(_LABELS[key])}: {text}")
    if standing is not None:
        lines += standing
        if owner:
            lines.append(_("- Owner: {inline}").format(inline=_inline(owner)))
    if doc.get("created_at"):
        lines.append(_("- In the journal since: {created_at}").format(created_at=doc['created_at'][:10]))
    if doc.get("notes"):
        lines += [_("- Notes:"), *(f"  {line}".rstrip() for line in _text(doc["notes"]))]
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
    for label, kind in ((_("With"), "contact"), (_("Project"), "project"), (_("Organisation"), "organisation")):
        names = _names(bundle, KIND_TABLE[kind], entry.get(KIND_LINK_FIELD[kind], ()))
        if names:
            lines.append(f"{label}: {', '.join(_inline(n) for n in names)}  ")
    if entry.get("tags"):
        lines.append(_("Tags: ") + ", ".join(_inline(t) for t in entry["tags"]) + "  ")
    if entry.get("priority") in ("high", "low"):
        lines.append(_("Priority: {priority}").format(priority=value_name(entry["priority"])) + "  ")
    if entry.get("carried_from"):
        lines.append(_("Carried over from: {days}").format(
            days=", ".join(sorted(entry["carried_from"]))) + "  ")
    if entry.get("complaint"):
        state = _("resolved {resolved_on}").format(resolved_on=entry['resolved_on']) if entry.get("resolved_on") else "open"
        lines.append(_("Complaint: {state}").format(state=state) + (f" — {_inline(entry['resolution'])}"
                                              if entry.get("resolution") else "") + "  ")
    for expense in entry.get("expenses", ()):
        lines.append(_("Expense: {amount} {inline} {inline2}").format(amount=expense['amount'], inline=_inline(expense['currency']), inline2=_inline(expense['note'])).rstrip() + "  ")
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
    what = _("Client file") if dossier is not None else _("Hand-over")
    out = [f"# {kind.capitalize()}: {_inline(heading)}", "",
           _("{what} from the work journal, exported {exported_at}: {counted}, newest first.").format(what=what, exported_at=bundle['exported_at'][:10], counted=counted(len(entries), _('entries'))), "",
           *_fields(doc, org, standing, dossier.owner if dossier else ""), ""]
    if dossier is not None and kind != "project":
        out += _owner_history(dossier)
    if kind != "organisation" and org:
        org_id = doc["organisation_id"]
        org_doc = bundle["organisations"].get(org_id, {})
        if org_doc:
            out += [_("## Organisation: {inline}").format(inline=_inline(org_doc['name'])), "", *_fields(org_doc, None), ""]
    if kind == "organisation":
        for member_table, title in (("contacts", _("Contacts")), ("projects", _("Projects"))):
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
    out += [_("## History ({counted}, newest first)").format(counted=counted(len(entries), _('entries'))), ""]
    if not entries:
        out += [_("No entries yet."), ""]
    for _key, entry in entries:
        out += _entry_lines(bundle, entry)
    return "\n".join(out).rstrip() + "\n"


# -- the dossier's sections -----------------------------------------------------------------------
def _owner_history(dossier: Dossier) -> list[str]:
    out = [_("## Owner history"), ""]
    if not dossier.owners:
        owner = _("; looked after by {inline}").format(inline=_inline(dossier.owner)) if dossier.owner else ""
        return [*out, _("No hand-over recorded{owner}.").format(owner=owner), ""]
    for change in dossier.owners:
        witness = _(", witnessed by {inline}").format(inline=_inline(change.witness)) if change.witness else ""
        via = _(" (with {inline})").format(inline=_inline(change.client)) if change.client and dossier.kind == "contact" \
            and change.client != dossier.standing.name else ""
        out.append(f"- {change.date}: {_inline(change.by) or '?'} → {_inline(change.to)}"
                   f"{witness}{via}")
    return [*out, ""]


def _projects_seen(bundle: dict[str, Any], entries: list[tuple[str, dict[str, Any]]]) -> list[str]:
    ids = sorted({p for _, e in entries for p in e.get("project_ids", ())})
    names = sorted(_names(bundle, "projects", ids))
    if not names:
        return []
    return [_("## Projects ({n_names})").format(n_names=len(names)), "", *(f"- {_inline(n)}" for n in names), ""]


def _planned(bundle: dict[str, Any], dossier: Dossier) -> list[str]:
    if not dossier.planned:
        return []
    today = dossier.today.isoformat()
    out = [_("## Open follow-ups and planned items ({n_planned})").format(n_planned=len(dossier.planned)), ""]
    for _key, entry in dossier.planned:
        when = entry["date"] + (f" {entry['time']}" if entry.get("time") else "")
        late = _(" — past its date, not marked done") if entry["date"] < today else ""
        summary = first_line(entry.get("summary") or "")
        names = _names(bundle, "contacts", entry.get("contact_ids", ()))
        line = f"- {when} · {_inline(entry['event'])}{late}"
        if summary:
            line += f" — {_inline(summary)}"
        if names:
            line += _(" (with {join})").format(join=', '.join(_inline(n) for n in names))
        out.append(line)
    return [*out, ""]


def _complaints(dossier: Dossier) -> list[str]:
    if not dossier.complaints:
        return []
    still = sum(1 for c in dossier.complaints if c.open)
    out = [_("## Complaints ({n_complaints}, {still} open)").format(n_complaints=len(dossier.complaints), still=still), ""]
    for item in dossier.complaints:
        if item.open:
            state = _("open for {counted}").format(counted=counted(item.days, _('days')))
        else:
            state = _("resolved {resolved_on} after {counted}").format(resolved_on=item.resolved_on, counted=counted(item.days, _('days')))
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
    out = [_("## Expenses"), "", _("Total: {total}").format(total=total), ""]
    for item in dossier.expenses:
        note = f" — {_inline(item.note)}" if item.note else ""
        out.append(f"- {item.date} · {_inline(item.event)}: {item.amount} "
                   f"{_inline(item.currency)}{note}".rstrip())
    return [*out, ""]
