"""Plain-text and JSON rendering of entries and documents for the CLI.

User text is passed through :func:`journal.text.clean_line` so that an event holding ANSI escapes or
control characters cannot act on the terminal. Fields that may hold several lines (an entry's summary,
a contact's notes, an address) are split at their line breaks first (:func:`journal.text.clean_lines`):
the breaks print as real lines, every other control character (tabs included) stays escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from journal.i18n import N_, _, ngettext
from journal.i18n.terms import kind_name, value_name
from journal.models import KIND_TABLE, time_span
from journal.text import clean_line, clean_lines, first_line

_STATUS_MARK = {"done": "", "planned": N_("[planned] "), "cancelled": N_("[cancelled] ")}


def to_json(items: Any) -> str:
    """Stable, readable JSON (UTF-8, sorted keys) for scripts."""
    return orjson.dumps(items, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def when(view: Mapping[str, Any]) -> str:
    time = time_span(view.get("time"), view.get("end_time"), "-")
    return f"{view['date']} {time:<11}".rstrip() if time else view["date"]


def _marks(view: Mapping[str, Any]) -> str:
    """``[high] `` / ``[low] `` and ``[from 11-20] `` before an entry's event."""
    out = f"[{value_name(view['priority'])}] " if view.get("priority") in ("high", "low") else ""
    if view.get("carried_from"):
        out += _("[from {day}] ").format(day=view["carried_from"][0][5:])
    return out


def entry_line(view: Mapping[str, Any]) -> str:
    """One line per entry: id, when, status, priority, where it was carried from, event, first
    summary line, linked names."""
    text = (f"{view['id']}  {when(view):<22} {_(_STATUS_MARK.get(view['status'], '')) if view['status'] != 'done' else ''}"
            f"{_marks(view)}{view['event']}")
    summary = first_line(view.get("summary") or "")
    if summary:
        text += f" — {summary}"
    names = [*view.get("contacts", ()), *view.get("projects", ()), *view.get("organisations", ())]
    if names:
        text += "  · " + ", ".join(names)
    if view.get("tags"):
        text += "  " + " ".join(f"#{t}" for t in view["tags"])
    if view.get("complaint"):
        text += _("  (complaint, {complaint})").format(complaint=view['complaint'])
    if view.get("repeat"):
        text += _("  (repeats {repeat})").format(repeat=view['repeat'])
    if view.get("open_follow_ups"):
        text += ngettext("  ({n} open follow-up)", "  ({n} open follow-ups)",
                         view["open_follow_ups"]).format(n=view["open_follow_ups"])
    if view.get("conflicts"):
        text += "  (!conflict)"
    return clean_line(text)


def entry_block(view: Mapping[str, Any]) -> str:
    """The full entry, for ``journal show``."""
    def field(name: str, value: str) -> str:  # values line up after the longest name
        return f"{name + ':':<15}{value}"

    lines = [f"{when(view)}  {view['event']}", field("id", view["id"]),
             field("status", view["status"]
                   + (" (planned ahead)" if view.get("origin") == "planned"
                      and view["status"] != "planned" else ""))]
    if view.get("priority") in ("high", "low"):
        lines.append(field("priority", view["priority"]))
    if view.get("carried_from"):
        lines.append(field("carried", "from " + ", ".join(view["carried_from"])))
    for key in ("contacts", "projects", "organisations", "tags"):
        if view.get(key):
            lines.append(field(key, ", ".join(view[key])))
    if view.get("expenses"):
        from journal.routine.expenses import format_expense  # only here: it imports decimal

        lines += [field("expense", format_expense(expense)) for expense in view["expenses"]]
    if view.get("complaint"):
        lines.append(field("complaint", f"{view['complaint']}"
                           + (f" on {view['resolved_on']}" if view.get("resolved_on") else "")))
    if view.get("repeat"):
        lines.append(field("repeats", view["repeat"]))
    if view.get("series"):
        lines.append(field("series", f"{view['series']} (occurrence of {view['occurrence']})"))
    if view.get("remind_at"):
        lines.append(field("remind", view["remind_at"].replace("T", " ")
                           + (" (acknowledged)" if view.get("reminded") else "")))
    if view.get("follows"):
        lines.append(field("follows up", (f"{view['follows_event']} ({view['follows']})"
                                          if view.get("follows_event") else view["follows"])))
    for item in view.get("follow_ups", ()):
        lines.append(field("follow-up", f"{item['date']} [{item['status']}] {item['event']} "
                                        f"({item['id']})"))
    handover = view.get("handover")
    if handover:
        lines.append(field("handover", f"{handover['from']} → {handover['to']}"
                           + (f", witnessed by {handover['witness']}" if handover.get("witness") else "")))
    out = [clean_line(line) for line in lines]
    if view.get("resolution"):
        out.append(clean_line("resolution:"))
        out.extend("  " + line for line in clean_lines(view["resolution"]))
    if view.get("summary"):
        out.append("")
        out.extend(clean_lines(view["summary"]))
    for conflict in view.get("conflicts", ()):
        out.append(clean_line(_("conflict: {field} also had {get!r} (edited {get2})").format(field=conflict['field'], get=conflict.get('value'), get2=conflict.get('updated_at', '?'))))
    return "\n".join(out)


def document_block(kind: str, fields: Mapping[str, Any], extra: Iterable[tuple[str, str]] = ()) -> str:
    """A contact/project/organisation with its non-empty fields, one per line; a value of several
    lines (notes) continues on lines indented to start under its first line."""
    lines = [clean_line(f"{kind}: {fields['name']}")]
    for key, value in list(extra) + [(k, v) for k, v in fields.items() if k != "name"]:
        if value in (None, "", []) or key in ("conflicts",):
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        head = clean_line(f"{key + ':':<14}")
        first, *rest = clean_lines(str(value)) or [""]
        lines.append(head + first)
        lines.extend((" " * len(head) + line).rstrip() for line in rest)
    return "\n".join(lines)


def report_created(ctx: Any, created: Iterable[Any]) -> None:
    """Say on stderr which documents a command created for new names, and which existing ones
    look alike: `add -c "Zed New"` creates a contact when nobody is called exactly that, which
    is a typo as often as a new person."""
    created = list(created)
    if not created:
        return
    from journal.names.matching import NameMatcher  # only when something was created

    tables = ctx.journal.view
    for doc in created:
        line = _("created {kind} {label} [{id}]").format(kind=kind_name(doc.kind), label=clean_line(doc.label), id=doc.id)
        name = str(tables[KIND_TABLE[doc.kind]].get(doc.id, {}).get("name", ""))
        matcher = NameMatcher(doc.kind, tables)
        alike = [f"{clean_line(matcher.label(i))} [{i}]" for i in matcher.similar(name, doc.id)]
        if alike:
            line += _("; similar {kind} already there: {join}").format(kind=kind_name(doc.kind), join=_(', ').join(alike))
        ctx.note(line)
