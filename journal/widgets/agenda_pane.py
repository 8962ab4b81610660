"""The agenda beside today's plan on the home screen: what else needs doing now — reminders due,
follow-ups due this week, clients due for a visit, birthdays coming. Today's plan and the
left-over plans are the list itself, so they are not repeated here.

User text (events, names) goes in as plain content, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from journal.i18n import _
from journal.widgets.render import plain

if TYPE_CHECKING:
    from journal.agenda.build import Agenda

#: Lines per section before "… and N more": the pane sits beside the day's list.
SECTION_LINES = 4


def agenda_content(agenda: Agenda) -> Content:
    """The pane's text; empty when there is nothing beyond today's plan."""
    parts: list[Content | str | tuple[str, str]] = []

    def section(title: str, lines: list[Content]) -> None:
        if not lines:
            return
        if parts:
            parts.append("\n")
        parts.extend([Content.styled(f"{title} ({len(lines)})", "bold $accent"), "\n"])
        for line in lines[:SECTION_LINES]:
            parts.extend(["  ", line, "\n"])
        if len(lines) > SECTION_LINES:
            parts.append(Content.styled(_("  … and {value} more (journal agenda)\n").format(value=len(lines) - SECTION_LINES), "$text-muted"))

    today = agenda.today.isoformat()
    section(_("Reminders"), [Content.assemble(
        ((r.remind_at[11:16] if r.remind_at[:10] == today else r.remind_at[5:16].replace("T", " "))
         + " ", "bold $warning"), plain(r.event)) for r in agenda.reminders])
    section(_("Follow-ups this week"), [Content.assemble((e.date[5:] + " ", "$text-muted"),
                                                      plain(e.event)) for e in agenda.follow_ups])
    due: list[Content] = []
    for item in agenda.clients_due:
        when = (_("never met") if item.last is None else _("{days_over}d over").format(days_over=item.days_over)
                if (item.days_over or 0) > 0 else _("due today"))
        due.append(Content.assemble(plain(item.name), (f"  {when}", "$text-muted")))
    section(_("Clients due"), due)
    section(_("Birthdays"), [Content.assemble(
        ("today " if b.days == 0 else "tomorrow " if b.days == 1 else _("in {days}d ").format(days=b.days),
         "bold" if b.days == 0 else "$text-muted"), plain(b.name)) for b in agenda.birthdays])
    return Content.assemble(*parts).rstrip() if parts else Content("")


class AgendaPane(Static):
    """Shown on today only, and only when it has something to say."""

    DEFAULT_CSS = """
    AgendaPane { height: auto; max-height: 14; padding: 0 1; border-top: solid $primary;
                 background: $surface; }
    Screen.-short AgendaPane { max-height: 6; }
    """

    def show(self, agenda: Agenda | None) -> None:
        content = agenda_content(agenda) if agenda is not None else Content("")
        self.update(content)
        self.display = bool(content.plain.strip())
