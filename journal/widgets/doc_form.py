"""The editable fields of a contact, project or organisation.

One small spec per kind drives the form, so the three screens share the code and a field added to the
model is one line here. The form reports only the fields that changed, so saving never writes back
stale values over a change made in another terminal meanwhile. A changed field is checked as it is
typed, by the same checks as the CLI's options (e-mail, phone, birthday, cadence), and the reason
shows right under it; saving is refused until it is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from journal.errors import ValidationError
from journal.i18n import N_, _
from journal.i18n.terms import value_name
from journal.models import (
    PROJECT_STATUSES,
    check_birthday,
    check_cadence,
    check_email,
    check_phone,
)
from journal.names.catalog import NameItem
from journal.text import fold

_TAG_SPLIT = re.compile(r"[\s,，、;；]+")
_LIST_SPLIT = re.compile(r"\s*[,;，；、]\s*")

#: (field, label, kind of input): line, list, tags, int, text (multi-line), org, status.
FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "contact": [("name", N_("Name"), "line"), ("organisation", N_("Organisation"), "org"),
                ("title", N_("Title"), "line"), ("tier", N_("Tier"), "line"),
                ("phones", N_("Phones"), "list"), ("emails", N_("Emails"), "list"),
                ("birthday", N_("Birthday"), "line"), ("cadence_days", N_("Visit every (days)"), "int"),
                ("owner", N_("Owner"), "line"), ("tags", N_("Tags"), "tags"), ("notes", N_("Notes"), "text")],
    "project": [("name", N_("Name"), "line"), ("organisation", N_("Organisation"), "org"),
                ("status", N_("Status"), "status"), ("tags", N_("Tags"), "tags"),
                ("notes", N_("Notes"), "text")],
    "organisation": [("name", N_("Name"), "line"), ("industry", N_("Industry"), "line"),
                     ("address", N_("Address"), "line"), ("tier", N_("Tier"), "line"),
                     ("cadence_days", N_("Visit every (days)"), "int"), ("owner", N_("Owner"), "line"),
                     ("tags", N_("Tags"), "tags"), ("notes", N_("Notes"), "text")],
}


#: Placeholders that say what a field takes (a new user cannot guess the birthday format).
_HINTS = {"organisation": N_("type a name; → completes"), "tier": N_("VIP A B C / 重要 高 中 低"),
          "phones": "comma-separated", "emails": "comma-separated",
          "birthday": "05-17, 1980-05-17 or 5月17日",
          "cadence_days": N_("e.g. 14; empty: the tier's default"),
          "owner": N_("empty: you (the configuration's owner)"), "tags": "space-separated"}


def split_tags(text: str) -> list[str]:
    """``#loan, 重点 vip`` → ``["loan", "vip", "重点"]`` (sorted and unique, as stored)."""
    return sorted({t.lstrip("#") for t in _TAG_SPLIT.split(text) if t.lstrip("#")})


def split_list(text: str) -> list[str]:
    """Phones and e-mails: separated by commas or semicolons (a phone may hold spaces)."""
    return sorted({t.strip() for t in _LIST_SPLIT.split(text) if t.strip()})


def field_value(name: str, kind: str, text: str) -> Any:
    """A typed field in its stored form, checked as the CLI checks it (models' input checks);
    raises ValidationError with the reason."""
    if kind == "list":
        check = {"emails": check_email, "phones": check_phone}.get(name)
        items = split_list(text)
        return sorted({check(item) for item in items}) if check else items
    if kind == "tags":
        return split_tags(text)
    if kind == "int":
        return check_cadence(text)
    if name == "birthday":  # 05-17, 5月17日 (the year unknown) is stored as --05-17, as the CLI does
        from journal.clients.birthdays import parse_birthday

        value = parse_birthday(text)
        return None if value is None else check_birthday(value)
    if name == "name" and not text.strip():
        raise ValidationError(_("the name must not be empty"))
    if kind == "line":
        return " ".join(text.split())
    return text.rstrip()


class NameSuggester(Suggester):
    """Completes an organisation name from the live list (``SuggestFromList`` copies its list once
    and would miss organisations created after the form opened)."""

    def __init__(self, items: Callable[[], list[NameItem]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._items = items

    async def get_suggestion(self, value: str) -> str | None:
        needle = fold(value)
        if not needle:
            return None
        for item in self._items():
            if item.name_key.startswith(needle) and item.name_key != needle:
                return value + item.name[len(value):] if len(item.name) > len(value) else None
        return None


class DocForm(VerticalScroll):
    """Fields of one document; ``changes()`` gives what the user changed, for ``edit_document``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", N_("Save"))]

    class Save(Message):
        """The user asked to save the form."""

    def __init__(self, kind: str, organisations: Callable[[], list[NameItem]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self._organisations = organisations
        self._loaded: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        for name, title, kind in FIELDS[self.kind]:
            with Horizontal(classes="form-row" + (" tall" if kind == "text" else "")):
                yield Label(_(title), classes="form-label wide")
                if kind == "text":
                    yield TextArea(id=f"f-{name}", compact=True, soft_wrap=True)
                elif kind == "status":
                    yield Select([(value_name(s), s) for s in PROJECT_STATUSES], allow_blank=False,
                                 id=f"f-{name}", compact=True)
                else:
                    suggester = NameSuggester(self._organisations) if kind == "org" else None
                    yield Input(id=f"f-{name}", compact=True, suggester=suggester,
                                placeholder=_(_HINTS[name]) if name in _HINTS else "")
            if kind not in ("text", "status"):
                # the reason a value cannot be saved, right under its field (see _check_field)
                yield Static(id=f"e-{name}", classes="field-error")
        with Horizontal(classes="form-row dialog-buttons"):
            yield Button(_("Save (ctrl+s)"), id="form-save", variant="primary", compact=True)

    def _values(self) -> dict[str, str]:
        out = {}
        for name, _label, _kind in FIELDS[self.kind]:
            widget = self.query_one(f"#f-{name}")
            if isinstance(widget, TextArea):
                out[name] = widget.text
            elif isinstance(widget, Select):
                out[name] = str(widget.value)
            else:
                assert isinstance(widget, Input)
                out[name] = widget.value
        return out

    def load(self, doc: Mapping[str, Any], organisation: str) -> None:
        """Fill the form from a stored document (``organisation`` is its organisation's name)."""
        for name, _label, kind in FIELDS[self.kind]:
            value = doc.get(name)
            if kind == "org":
                text = organisation
            elif kind in ("list", "tags"):
                text = (", " if kind == "list" else " ").join(value or ())
            elif kind == "status":
                text = value or "active"
            elif name == "birthday" and isinstance(value, str):
                text = value.removeprefix("--")  # "--05-17" is stored for "05-17": year unknown
            else:
                text = "" if value is None else str(value)
            widget = self.query_one(f"#f-{name}")
            if isinstance(widget, TextArea):
                widget.load_text(text)
            elif isinstance(widget, Select):
                widget.value = text
            else:
                assert isinstance(widget, Input)
                widget.value = text
                widget.cursor_position = 0
        self._loaded = self._values()
        for name, _label, _kind in FIELDS[self.kind]:
            self._show_problem(name, None)

    def changes(self) -> tuple[dict[str, Any], str | None]:
        """(changed fields in stored form, new organisation name or None if unchanged).

        Raises ValueError with the first problem (each one is also shown under its field and the
        field focused) for a value that cannot be saved: an e-mail ``12-08``, cadence ``abc``."""
        now = self._values()
        changes: dict[str, Any] = {}
        organisation = None
        problems: list[tuple[str, str]] = []
        for name, title, kind in FIELDS[self.kind]:
            if now[name] == self._loaded.get(name):
                continue
            text = now[name]
            if kind == "org":
                organisation = text.strip()
                continue
            try:
                changes[name] = field_value(name, kind, text)
                self._show_problem(name, None)
            except ValidationError as exc:
                problems.append((name, f"{_(title)}: {exc}"))
                self._show_problem(name, problems[-1][1])
        if problems:
            self.query_one(f"#f-{problems[0][0]}").focus()
            raise ValueError(problems[0][1])
        return changes, organisation

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check a field as it is typed; its message appears under it, and goes when fixed."""
        name = (event.input.id or "").removeprefix("f-")
        spec = next((f for f in FIELDS[self.kind] if f[0] == name), None)
        if spec is None or spec[2] == "org" or not self._loaded:
            return
        problem = None
        if event.value != self._loaded.get(name):  # a stored value is not held to input rules
            try:
                field_value(name, spec[2], event.value)
            except ValidationError as exc:
                problem = f"{spec[1]}: {exc}"
        self._show_problem(name, problem)

    def _show_problem(self, name: str, problem: str | None) -> None:
        for message in self.query(f"#e-{name}").results(Static):
            message.update(Content(problem or ""))
            message.set_class(bool(problem), "-shown")
        for field in self.query(f"#f-{name}").results(Input):
            field.set_class(bool(problem), "-invalid")

    def problems(self) -> dict[str, str]:
        """The messages shown under fields now (field name -> message)."""
        return {str(w.id).removeprefix("e-"): str(w.content) for w in self.query(".field-error")
                .results(Static) if w.has_class("-shown")}

    def mark_saved(self) -> None:
        self._loaded = self._values()

    def dirty(self) -> bool:
        return bool(self._loaded) and self._values() != self._loaded

    def action_save(self) -> None:
        self.post_message(self.Save())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            event.stop()
            self.post_message(self.Save())
