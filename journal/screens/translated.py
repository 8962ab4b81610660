"""The app's keys and commands in the interface language.

A binding's description is written where the class is defined (``Binding("n", "new", N_("New"))``),
before anyone chose a language, so it stays the English text and is translated where it is shown:
every screen of the app mixes in :class:`TranslatedBindings`, whose ``active_bindings`` — what
Textual's footer, its key panel and our help read — carries the descriptions through ``_()``.
Textual's own palette commands (Theme, Quit, Keys …) are translated the same way by
:func:`translated_command`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from journal.i18n import N_, _

if TYPE_CHECKING:
    from textual.app import SystemCommand
    from textual.binding import ActiveBinding

#: Textual's own commands in the palette (title, help), marked so the catalog translates them.
TEXTUAL_COMMANDS = (
    N_("Bell"), N_("Ring the bell"), N_("Theme"), N_("Change the current theme"), N_("Quit"),
    N_("Quit the application as soon as possible"), N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"), N_("Minimize"),
    N_("Minimize the widget and restore to normal size"), N_("Maximize"),
    N_("Maximize the focused widget"), N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
    N_("palette"), N_("Open the command palette"),  # the footer's ^p key
)


def translated_bindings(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The same bindings with their descriptions and tooltips in the interface language."""
    out = {}
    for key, active in bindings.items():
        binding = active.binding
        if binding.description or binding.tooltip:
            binding = dataclasses.replace(binding, description=_(binding.description),
                                          tooltip=_(binding.tooltip) if binding.tooltip else "")
        out[key] = active._replace(binding=binding,
                                   tooltip=_(active.tooltip) if active.tooltip else active.tooltip)
    return out


class TranslatedBindings:
    """Mix into a Screen (before it): its footer and help show the keys in the interface language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated_bindings(super().active_bindings)  # type: ignore[misc]


def translated_command(command: SystemCommand) -> SystemCommand:
    """A palette command with its title and help in the interface language."""
    return command._replace(title=_(command.title), help=_(command.help))
