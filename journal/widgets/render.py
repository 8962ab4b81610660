"""User text turned into display objects that are never parsed as markup.

Events and summaries are typed by people and may hold ``[bold]``, ``[/]`` or ``[link=x]``: every
piece of user text becomes :class:`textual.content.Content` built from plain strings (never markup)
and goes through :func:`journal.text.clean_line`, so control characters cannot act on the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.content import Content

from journal.models import KIND_LINK_FIELD
from journal.names import label
from journal.text import clean_line

Tables = Mapping[str, Mapping[str, dict[str, Any]]]

_LINK_ORDER = ("contact", "organisation", "project")


def when(doc: Mapping[str, Any]) -> str:
    """``09:30`` or ``09:30–10:30``; empty for an untimed entry."""
    time = doc.get("time") or ""
    if time and doc.get("end_time"):
        return f"{time}–{doc['end_time']}"
    return time


def link_labels(tables: Tables, doc: Mapping[str, Any]) -> list[str]:
    """The names an entry is linked to: contacts first (that is who people remember), then
    organisations and projects."""
    return [label(tables, kind, doc_id) for kind in _LINK_ORDER
            for doc_id in doc.get(KIND_LINK_FIELD[kind], ())]


def entry_detail(tables: Tables, doc: Mapping[str, Any]) -> Content:
    """The full entry for the detail pane: header, links, tags, summary, recorded conflicts."""
    parts: list[str | tuple[str, str]] = []
    head = " ".join(p for p in (doc["date"], when(doc)) if p)
    parts += [(head, "bold $accent"), "  ", (clean_line(doc["event"]), "bold")]
    if doc.get("status", "done") != "done":
        parts += ["  ", (f"[{doc['status']}]", "italic $warning")]
    parts.append("\n")
    for kind, title in (("contact", "Contacts"), ("organisation", "Organisations"),
                        ("project", "Projects")):
        ids = doc.get(KIND_LINK_FIELD[kind], ())
        if ids:
            names = ", ".join(label(tables, kind, i) for i in ids)
            parts += [(f"{title}: ", "$text-muted"), clean_line(names), "\n"]
    if doc.get("tags"):
        parts += [("Tags: ", "$text-muted"), clean_line(" ".join(f"#{t}" for t in doc["tags"])),
                  "\n"]
    for expense in doc.get("expenses", ()):
        parts += [("Expense: ", "$text-muted"),
                  clean_line(f"{expense['amount']} {expense['currency']} {expense['note']}"), "\n"]
    summary = doc.get("summary") or ""
    if summary:
        parts.append("\n")
        parts += ["\n".join(clean_line(line) for line in summary.splitlines()), "\n"]
    for conflict in doc.get("conflicts", ()):
        parts += ["\n", ("⚠ conflict: ", "bold $error"),
                  clean_line(f"{conflict['field']} also had {conflict.get('value')!r} "
                             f"(edited elsewhere {conflict.get('updated_at', '?')})")]
    return Content.assemble(*parts)


def plain(text: str, style: str = "") -> Content:
    """User text as content for labels and options: shown literally, one line."""
    return Content.styled(clean_line(text), style) if style else Content(clean_line(text))
