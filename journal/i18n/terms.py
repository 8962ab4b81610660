"""The names of the journal's kinds of document, as the interface shows them.

Code says ``contact`` / ``project`` / ``organisation`` (the stored kinds, the CLI's words); a
message shows :func:`kind_name` of it (``联系人``, ``项目``, ``单位`` in Chinese)."""

from __future__ import annotations

from journal.i18n import N_, _

KIND_NAMES = {
    "contact": N_("contact"), "project": N_("project"), "organisation": N_("organisation"),
    "org": N_("organisation"), "entry": N_("entry"),
    "contacts": N_("contacts"), "projects": N_("projects"), "organisations": N_("organisations"),
    "entries": N_("entries"), "notes": N_("day notes"),
}


def kind_name(kind: str) -> str:
    """``contact`` → ``contact`` / ``联系人``; a word it does not know is shown as given."""
    return _(KIND_NAMES.get(kind, kind))
