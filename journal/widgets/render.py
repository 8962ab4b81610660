"""User text turned into display objects that are never parsed as markup.

Events and summaries are typed by people and may hold ``[bold]``, ``[/]`` or ``[link=x]``: every
piece of user text becomes :class:`textual.content.Content` built from plain strings (never markup)
and goes through :func:`journal.text.clean_line`, so control characters cannot act on the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from textual.content import Content

from journal.dates import duration_minutes, format_date_human
from journal.i18n import _
from journal.i18n.terms import value_name
from journal.models import KIND_LINK_FIELD, effective_origin, time_span
from journal.names.resolve import label
from journal.routine.expenses import format_expense
from journal.text import clean_line

Tables = Mapping[str, Mapping[str, dict[str, Any]]]



def when(doc: Mapping[str, Any]) -> str:
    """``09:30`` or ``09:30–10:30``; empty for an untimed entry."""
    return time_span(doc.get("time"), doc.get("end_time"))


def people_labels(tables: Tables, doc: Mapping[str, Any]) -> list[str]:
    """Who an entry was with: its contacts (with their organisations), then the organisations
    linked directly that none of those contacts already names."""
    contacts = doc.get("contact_ids", ())
    out = [label(tables, "contact", i) for i in contacts]
    people = tables.get("contacts", {})
    shown = {people[i].get("organisation_id") for i in contacts if i in people}
    out += [label(tables, "organisation", i) for i in doc.get("organisation_ids", ())
            if i not in shown]
    return out


def project_labels(tables: Tables, doc: Mapping[str, Any]) -> list[str]:
    """The projects an entry served, by name (their organisation is the client, shown already
    or not needed to tell them apart in a day)."""
    projects = tables.get("projects", {})
    return [str(projects[i].get("name", "")) if i in projects else f"?{i}"
            for i in doc.get("project_ids", ())]


def _plan_facts(doc: Mapping[str, Any]) -> list[str | tuple[str, str]]:
    """Duration, where it came from, priority: one line under the header (or nothing)."""
    facts = []
    minutes = duration_minutes(doc.get("time"), doc.get("end_time"))
    if minutes:
        hours, rest = divmod(minutes, 60)
        facts.append(_("{hours} h {rest:02d} min").format(hours=hours, rest=rest) if hours and rest else _("{hours} h").format(hours=hours) if hours
                     else _("{rest} min").format(rest=rest))
    planned = effective_origin(doc) == "planned"
    status = doc.get("status", "done")
    if status == "done":
        facts.append(_("done as planned") if planned else _("came up on the day"))
    if doc.get("carried_from"):
        days = sorted(doc["carried_from"])
        facts.append(_("carried over from {format_date_human}").format(format_date_human=format_date_human(date.fromisoformat(days[0])))
                     + (_(" ({n_days} times)").format(n_days=len(days)) if len(days) > 1 else ""))
    if doc.get("priority") in ("high", "low"):
        facts.append(_("high priority") if doc["priority"] == "high" else
                     _("low priority") if doc["priority"] == "low" else doc["priority"])
    return [(" · ".join(facts), "$text-muted"), "\n"] if facts else []


def entry_detail(tables: Tables, doc: Mapping[str, Any],
                 follow_ups: Sequence[Mapping[str, Any]] = ()) -> Content:
    """The full entry for the detail pane: header, links, tags, repetition, reminder, follow-ups
    (``follow_ups``: the entries that follow this one up), summary, recorded conflicts."""
    parts: list[str | tuple[str, str]] = []
    head = " ".join(p for p in (doc["date"], when(doc)) if p)
    parts += [(head, "bold $accent"), "  ", (clean_line(doc["event"]), "bold")]
    if doc.get("status", "done") != "done":
        parts += ["  ", (f"[{value_name(doc['status'])}]", "italic $warning")]
    parts.append("\n")
    parts += _plan_facts(doc)
    parts += conflict_notes(tables, doc)
    for kind, title in (("contact", _("Contacts")), ("organisation", _("Organisations")),
                        ("project", _("Projects"))):
        ids = doc.get(KIND_LINK_FIELD[kind], ())
        if ids:
            names = ", ".join(label(tables, kind, i) for i in ids)
            parts += [(f"{title}{_(': ')}", "$text-muted"), clean_line(names), "\n"]
    if doc.get("tags"):
        parts += [(_("Tags: "), "$text-muted"), clean_line(" ".join(f"#{t}" for t in doc["tags"])),
                  "\n"]
    parts += follow_through(tables, doc, follow_ups)
    for expense in doc.get("expenses", ()):
        parts += [(_("Expense: "), "$text-muted"), clean_line(format_expense(expense)), "\n"]
    if doc.get("complaint"):
        resolved = doc.get("resolved_on")
        parts += [(_("Complaint: "), "$text-muted"),
                  (_("resolved {resolved}").format(resolved=resolved), "$text-success") if resolved else ("open", "bold $text-warning")]
        if doc.get("resolution"):
            parts.append(" — " + " ".join(clean_line(line) for line in doc["resolution"].splitlines()))
        parts.append("\n")
    if doc.get("handover_to"):
        witness = _(", witnessed by {handover_witness}").format(handover_witness=doc['handover_witness']) if doc.get("handover_witness") else ""
        parts += [(_("Hand-over: "), "$text-muted"),
                  clean_line(f"{doc.get('handover_from') or '?'} → {doc['handover_to']}{witness}"),
                  "\n"]
    summary = doc.get("summary") or ""
    if summary:
        parts.append("\n")
        parts += ["\n".join(clean_line(line) for line in summary.splitlines()), "\n"]
    return Content.assemble(*parts)


def follow_through(tables: Tables, doc: Mapping[str, Any],
                   follow_ups: Sequence[Mapping[str, Any]]) -> list[str | tuple[str, str]]:
    """Lines on what keeps an entry from slipping: how it repeats (a series or one of its
    occurrences), its reminder, what it follows up, and its follow-ups (open ones counted)."""
    from journal.recurrence.rules import describe_rule

    entries = tables.get("entries", {})
    parts: list[str | tuple[str, str]] = []
    rule = doc.get("recurrence") or (entries.get(doc["series"], {}).get("recurrence")
                                     if doc.get("series") else None)
    if rule:
        parts += [(_("Repeats: "), "$text-muted"), "↻ " + clean_line(describe_rule(str(rule)))]
        if doc.get("occurrence") and doc["occurrence"] != doc.get("date"):
            parts.append((_(" (moved from {occurrence})").format(occurrence=doc['occurrence']), "$text-muted"))
        parts.append("\n")
    if doc.get("remind_at"):
        seen = doc.get("reminded") == doc["remind_at"]
        parts += [(_("Reminder: "), "$text-muted"), str(doc["remind_at"]).replace("T", " "),
                  (" (seen)" if seen else "", "$text-muted"), "\n"]
    if doc.get("follows_id"):
        followed = entries.get(doc["follows_id"])
        what = (f"{followed['date']} {followed['event']}" if followed else doc["follows_id"])
        parts += [(_("Follows up: "), "$text-muted"), clean_line(what), "\n"]
    if follow_ups:
        still = sum(1 for f in follow_ups if f.get("status") == "planned")
        parts += [(_("Follow-ups: "), "$text-muted"),
                  (_("{still} open").format(still=still) if still else _("all done"), "bold $warning" if still else ""), "\n"]
        for item in follow_ups:
            mark = {"done": "✓", "cancelled": "✗"}.get(str(item.get("status")), "□")
            parts += [f"  {mark} ", clean_line(f"{item['date']} {item['event']}"), "\n"]
    return parts


def note_detail(kind: str, key: str, text: str) -> Content:
    """A day note or a review in the detail pane (search results)."""
    title = (_("Day note · {format_date_human}").format(format_date_human=format_date_human(date.fromisoformat(key))) if kind == "day"
             else _("Review {key}").format(key=key))
    body = "\n".join(clean_line(line) for line in text.splitlines())
    return Content.assemble((title, "bold $accent"), "\n\n", body, "\n\n",
                            (_("enter opens it"), "$text-muted"))


def conflict_notes(tables: Tables, doc: Mapping[str, Any]) -> list[str | tuple[str, str]]:
    """The recorded merge conflicts of a document, for the top of its detail: which field kept
    which value, what the other machine had, and the key that settles it."""
    records = [r for r in doc.get("conflicts", ()) if isinstance(r, Mapping)]
    if not records:
        return []
    parts: list[str | tuple[str, str]] = [
        (_("⚠ Merge conflict"), "bold $text-warning"),
        (_(" — the later edit is shown; press r to choose\n"), "$text-warning")]
    for record in records:
        name = str(record.get("field", "?"))
        lines = value_lines(tables, name, record.get("value"))
        more = " …" if len(lines) > 1 else ""
        stamp = local_time(record.get("updated_at"))
        before, _mark, after = _("other machine had {value}").partition("{value}")
        parts += [(f"  {name.replace('_', ' ')}: ", "$text-muted"), before,
                  (f"“{lines[0][:80]}{more}”", "italic"), after,
                  (f" ({stamp})" if stamp else "", "$text-muted"), "\n"]
    return parts


def local_time(stamp: object) -> str:
    """A stored UTC timestamp in local time, to the minute ("" when absent)."""
    if not isinstance(stamp, str) or not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return clean_line(stamp)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


#: Lines of a long value shown for a conflict (a summary can be a page).
MAX_VALUE_LINES = 6


def value_lines(tables: Tables, field: str, value: Any) -> list[str]:
    """A field's value as a few display lines: text as written, links as names, others as JSON."""
    if value is None or value == "" or value == []:
        return ["(empty)"]
    if field == "organisation_id" and isinstance(value, str):
        return [label(tables, "organisation", value)]
    if field.endswith("_ids") and isinstance(value, list):
        kind = field.removesuffix("_ids")
        return [clean_line(", ".join(label(tables, kind, str(v)) for v in value))]
    if isinstance(value, str):
        lines = value.splitlines() or [""]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        lines = [", ".join(value)]
    else:
        lines = [orjson.dumps(value).decode()]
    cut = [clean_line(line)[:300] for line in lines[:MAX_VALUE_LINES]]
    if len(lines) > MAX_VALUE_LINES:
        cut.append(_("… ({value} more lines)").format(value=len(lines) - MAX_VALUE_LINES))
    return cut


def plain(text: str, style: str = "") -> Content:
    """User text as content for labels and options: shown literally, one line."""
    return Content.styled(clean_line(text), style) if style else Content(clean_line(text))


def sentence(template: str, **parts: Content | str) -> Content:
    """A translated ``template`` (``"Merge {other} into {kept}?"``) with each ``{name}`` replaced
    by a Content (styled user text, never parsed as markup): the words stay in the order the
    language puts them, which may differ from English."""
    import re

    pieces: list[Content | str] = []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2:
            pieces.append(parts[piece])
        elif piece:
            pieces.append(piece)
    return Content.assemble(*pieces)
