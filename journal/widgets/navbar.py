"""The top line of every main screen: where you are, and where the one-key bindings lead.

It doubles as the mouse route between screens (each name is clickable) and tells a new user which
letter opens which screen, without a crowded footer.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from journal.i18n import NC_, pgettext

#: (mode, key, title) in the order shown.
NAV = (("journal", "j", NC_("navigation", "Journal")), ("search", "/", NC_("navigation", "Search")),
       ("contacts", "c", NC_("navigation", "Contacts")),
       ("projects", "p", NC_("navigation", "Projects")),
       ("organisations", "o", NC_("navigation", "Orgs")), ("week", "w", NC_("navigation", "Week")),
       ("month", "m", NC_("navigation", "Month")), ("calendar", "k", NC_("navigation", "Cal")))


class NavBar(Static):
    """Clickable mode names with their keys; the current one highlighted."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, current: str) -> None:
        super().__init__(self._render_nav(current))

    @staticmethod
    def _render_nav(current: str) -> Content:
        parts = [Content.styled("journal ", "bold $accent")]
        for mode, key, title in NAV:
            style = "bold $text on $primary" if mode == current else "$text-muted"
            parts.append(Content.from_markup(
                f"[@click=app.mode('{mode}')][{style}] [$accent]{key}[/] $title [/][/]",
                title=pgettext("navigation", title)))
        return Content.assemble(*parts)
