"""The names of the journal's kinds of document, as the interface shows them.

Code says ``contact`` / ``project`` / ``organisation`` (the stored kinds, the CLI's words); a
message shows :func:`kind_name` of it (``联系人``, ``项目``, ``单位`` in Chinese)."""

from __future__ import annotations

from journal.i18n import N_, _

KIND_NAMES = {
    "contact": N_("contact"), "project": N_("project"), "organisation": N_("organisation"),
    "org": N_("organisation"), "entry": N_("entry"), "notes": N_("day notes"),
    "week": N_("week"), "month": N_("month"), "quarter": N_("quarter"),
}
#: The plural as a title (``Contacts``), not as counted (``3 contacts``: Chinese puts a measure
#: word there, ``3个联系人``), so it is a text of its own.
KIND_PLURALS = {"contacts": N_("Contacts"), "projects": N_("Projects"),
                "organisations": N_("Organisations"), "entries": N_("Entries")}


def kind_name(kind: str) -> str:
    """``contact`` → ``contact`` / ``联系人``; ``contacts`` → ``contacts`` / ``联系人``; a word it
    does not know is shown as given."""
    if kind in KIND_PLURALS:
        text = _(KIND_PLURALS[kind])
        return text.lower() if text.isascii() else text
    return _(KIND_NAMES.get(kind, kind))


#: Stored values shown as words: an entry's status and priority.
VALUE_NAMES = {"done": N_("done"), "planned": N_("planned"), "cancelled": N_("cancelled"),
               "high": N_("high"), "low": N_("low"), "normal": N_("normal"),
               "active": N_("active"), "paused": N_("paused")}


def value_name(value: str) -> str:
    """``planned`` → ``planned`` / ``计划``; other text as given."""
    return _(VALUE_NAMES[value]) if value in VALUE_NAMES else value
