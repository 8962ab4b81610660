"""The command palette's hits for documents by name: ctrl+p, type "张伟" or "zw", open it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.content import Content

from journal.i18n import _
from journal.i18n.terms import kind_name
from journal.names.catalog import KIND_TITLES

if TYPE_CHECKING:
    from journal.app import JournalApp


class DocumentCommands(Provider):
    """Command-palette hits for contacts, projects and organisations by name ("open 张伟")."""

    async def search(self, query: str) -> Hits:
        app: JournalApp = self.app  # type: ignore[assignment]
        if not getattr(app, "ready", False) or not query.strip():
            return
        matcher = self.matcher(query)
        for kind in KIND_TITLES:
            for item in app.session.name_catalog(kind).match(query, limit=8):
                score = matcher.match(item.label) or 0.3
                yield Hit(score, Content.assemble(matcher.highlight(item.label),
                                                  (f"  {kind_name(kind)}", "dim")),
                          partial(app.open_document, kind, item.id), text=item.label,
                          help=_("Open this {kind}").format(kind=kind_name(kind)))
