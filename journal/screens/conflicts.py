"""Merge conflicts in the app: pick which value a field keeps.

When two machines change the same field of the same document, the merge (journal.sync.merge) keeps the
later edit and records the other value in the document's ``conflicts`` list, so nothing is lost and
sync never stops to ask. Lists mark such documents with ⚠; ``r`` (or the command palette) opens
:class:`ResolveScreen`, which shows the current value and every recorded one per field. Choosing one
calls :meth:`journal.service.Journal.resolve_conflict` — the only writer — which clears the records
and stamps the document, so the choice also wins the next merge on the other machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from journal.errors import JournalError
from journal.i18n import N_, _
from journal.models import KIND_TABLE
from journal.names.resolve import label
from journal.screens.translated import TranslatedBindings
from journal.text import clean_line
from journal.widgets.render import local_time, value_lines

if TYPE_CHECKING:
    from journal.screens.host import JournalHost
    from journal.service import Conflict

_KIND_OF_TABLE = {table: kind for kind, table in KIND_TABLE.items()}
_WHAT = {"entries": N_("entry"), "contacts": N_("contact"), "projects": N_("project"),
         "organisations": N_("organisation"), "days": N_("day note"), "reviews": N_("review")}


def field_title(name: str) -> str:
    """``cadence_days`` → ``Cadence days``."""
    return name.replace("_", " ").capitalize()


def describe_doc(tables: Mapping[str, Any], table: str, doc_id: str) -> str:
    """What the dialog's title names: ``entry 2026-11-23 09:30 Visit ACME``, ``contact 张伟 (…)``."""
    doc = tables.get(table, {}).get(doc_id) or {}
    if table == "entries":
        parts = [doc.get("date", ""), doc.get("time") or "", doc.get("event", "")]
        return "entry " + " ".join(p for p in parts if p)
    if table == "days":
        return _("day note {doc_id}").format(doc_id=doc_id)
    if table == "reviews":
        return _("review {doc_id}").format(doc_id=doc_id)
    return f"{_(_WHAT.get(table, table))} {label(tables, _KIND_OF_TABLE[table], doc_id)}"


def _option(tables: Mapping[str, Any], item: Conflict, take: str, value: Any,
            heading: str) -> Option:
    lines = value_lines(tables, item.field, value)
    body = Content("\n").join(Content.styled("    " + line, "$text") for line in lines)
    prompt = Content.assemble((field_title(item.field), "bold $accent"), " — ",
                              (heading, "$text-muted"), "\n", body)
    return Option(prompt, id=f"{item.field}\x1f{take}")


class ResolveScreen(TranslatedBindings, ModalScreen[bool]):
    """Every recorded conflict of one document; enter keeps the highlighted value of a field.

    Dismisses with True when the document has no conflicts left."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]

    def __init__(self, table: str, doc_id: str) -> None:
        super().__init__(classes="dialog-screen")
        self.table, self.doc_id = table, doc_id

    @property
    def japp(self) -> JournalHost:
        return cast("JournalHost", self.app)

    def items(self) -> list[Conflict]:
        """The document's conflicts per field, numbered as ``resolve_conflict(take=N)`` counts
        them (read from the one document: ``Journal.conflicts()`` would scan the whole journal)."""
        from journal.service import Conflict

        doc = self.japp.journal.tables.get(self.table, {}).get(self.doc_id) or {}
        by_field: dict[str, list[dict[str, Any]]] = {}
        for record in doc.get("conflicts", ()):
            if isinstance(record, Mapping):
                by_field.setdefault(str(record.get("field", "")), []).append(dict(record))
        return [Conflict(self.table, self.doc_id, "", name, doc.get(name), records)
                for name, records in sorted(by_field.items())]

    def compose(self) -> ComposeResult:
        tables = self.japp.journal.tables
        with Vertical(classes="dialog conflicts"):
            yield Label(Content.assemble((_("⚠ Merge conflict: "), "bold $warning"),
                                         (clean_line(describe_doc(tables, self.table,
                                                                  self.doc_id)), "bold")))
            yield Static(Content(
                _("Two machines changed this differently. The later edit is in place; the other "
                "value was kept here. Pick the one to keep:")), classes="hint")
            yield OptionList(id="conflict-options")
            yield Static(Content(_("enter: keep the highlighted value · escape: decide later")),
                         classes="hint")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> bool:
        """List the choices; False when nothing is left to choose."""
        tables = self.japp.journal.tables
        options: list[Option | None] = []
        for item in self.items():
            if options:
                options.append(None)
            options.append(_option(tables, item, "current", item.current,
                                   _("keep the current value (the later edit)")))
            for number, record in enumerate(item.records, 1):
                stamp = local_time(record.get("updated_at"))
                heading = _("take the other machine's value") + (_(" (edited {stamp})").format(stamp=stamp) if stamp
                                                              else "")
                options.append(_option(tables, item, str(number), record.get("value"), heading))
        widget = self.query_one(OptionList)
        widget.clear_options()
        widget.add_options(options)
        widget.highlighted = 0 if options else None
        return bool(options)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        field, take = (event.option.id or "").split("\x1f")
        try:
            self.japp.journal.resolve_conflict(self.doc_id, field=field,
                                               take="current" if take == "current" else int(take))
        except JournalError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return
        kept = _("kept the current value") if take == "current" else _("took the other value")
        self.notify(f"{field_title(field)}: {kept}.", markup=False)
        self.japp.refresh_visible()
        if not self._fill():
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(not self.items())


class ConflictsScreen(TranslatedBindings, ModalScreen[tuple[str, str] | None]):
    """Every document with recorded conflicts (from the command palette); enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", N_("Close"))]

    @property
    def japp(self) -> JournalHost:
        return cast("JournalHost", self.app)

    def compose(self) -> ComposeResult:
        tables = self.japp.journal.tables
        fields: dict[tuple[str, str], list[str]] = {}
        for item in self.japp.journal.conflicts():
            fields.setdefault((item.table, item.id), []).append(field_title(item.field))
        options = [Option(Content.assemble(("⚠ ", "$warning"),
                                           clean_line(describe_doc(tables, table, doc_id)),
                                           (f"  {', '.join(names)}", "$text-muted")),
                          id=f"{table}\x1f{doc_id}")
                   for (table, doc_id), names in fields.items()]
        with Vertical(classes="dialog conflicts"):
            yield Label(Content.styled(_("Merge conflicts ({n_options})").format(n_options=len(options)), "bold $accent"))
            yield OptionList(*options, id="conflict-docs")
            yield Static(Content(_("enter: choose the values · escape: close") if options else
                                 _("No recorded conflicts. escape: close")), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        table, doc_id = (event.option.id or "").split("\x1f")
        self.dismiss((table, doc_id))
