"""The editable fields of a contact, project or organisation.

One small spec per kind drives the form, so the three screens share the code and a field added to the
model is one line here. The form reports only the fields that changed, so saving never writes back
stale values over a change made in another terminal meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Select, TextArea

from journal.models import PROJECT_STATUSES
from journal.names.catalog import NameItem
from journal.text import fold

_TAG_SPLIT = re.compile(r"[\s,，、;；]+")
_LIST_SPLIT = re.compile(r"\s*[,;，；、]\s*")

#: (field, label, kind of input): line, list, tags, int, text (multi-line), org, status.
FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "contact": [("name", "Name", "line"), ("organisation", "Organisation", "org"),
                ("title", "Title", "line"), ("tier", "Tier", "line"),
                ("phones", "Phones", "list"), ("emails", "Emails", "list"),
                ("birthday", "Birthday", "line"), ("cadence_days", "Visit every (days)", "int"),
                ("owner", "Owner", "line"), ("tags", "Tags", "tags"), ("notes", "Notes", "text")],
    "project": [("name", "Name", "line"), ("organisation", "Organisation", "org"),
                ("status", "Status", "status"), ("tags", "Tags", "tags"),
                ("notes", "Notes", "text")],
    "organisation": [("name", "Name", "line"), ("industry", "Industry", "line"),
                     ("address", "Address", "line"), ("tier", "Tier", "line"),
                     ("cadence_days", "Visit every (days)", "int"), ("owner", "Owner", "line"),
                     ("tags", "Tags", "tags"), ("notes", "Notes", "text")],
}


#: Placeholders that say what a field takes (a new user cannot guess the birthday format).
_HINTS = {"organisation": "type a name; → completes", "tier": "VIP A B C / 重要 高 中 低",
          "phones": "comma-separated", "emails": "comma-separated",
          "birthday": "05-17, 1980-05-17 or 5月17日",
          "cadence_days": "e.g. 14; empty: the tier's default",
          "owner": "empty: you (the configuration's owner)", "tags": "space-separated"}


def split_tags(text: str) -> list[str]:
    """``#loan, 重点 vip`` → ``["loan", "vip", "重点"]`` (sorted and unique, as stored)."""
    return sorted({t.lstrip("#") for t in _TAG_SPLIT.split(text) if t.lstrip("#")})


def split_list(text: str) -> list[str]:
    """Phones and e-mails: separated by commas or semicolons (a phone may hold spaces)."""
    return sorted({t.strip() for t in _LIST_SPLIT.split(text) if t.strip()})


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

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", "Save")]

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
                yield Label(title, classes="form-label wide")
                if kind == "text":
                    yield TextArea(id=f"f-{name}", compact=True, soft_wrap=True)
                elif kind == "status":
                    yield Select([(s, s) for s in PROJECT_STATUSES], allow_blank=False,
                                 id=f"f-{name}", compact=True)
                else:
                    suggester = NameSuggester(self._organisations) if kind == "org" else None
                    yield Input(id=f"f-{name}", compact=True, suggester=suggester,
                                placeholder=_HINTS.get(name, ""))
        with Horizontal(classes="form-row dialog-buttons"):
            yield Button("Save (ctrl+s)", id="form-save", variant="primary", compact=True)

    def _values(self) -> dict[str, str]:
        out = {}
        for name, _, _ in FIELDS[self.kind]:
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
        for name, _, kind in FIELDS[self.kind]:
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

    def changes(self) -> tuple[dict[str, Any], str | None]:
        """(changed fields in stored form, new organisation name or None if unchanged).

        Raises ValueError with a message for a value that cannot be a field (cadence "abc")."""
        now = self._values()
        changes: dict[str, Any] = {}
        organisation = None
        for name, title, kind in FIELDS[self.kind]:
            if now[name] == self._loaded.get(name):
                continue
            text = now[name]
            if kind == "org":
                organisation = text.strip()
            elif kind == "list":
                changes[name] = split_list(text)
            elif kind == "tags":
                changes[name] = split_tags(text)
            elif kind == "int":
                if text.strip() and not text.strip().isdigit():
                    raise ValueError(f"{title}: expected a whole number of days, not {text!r}")
                changes[name] = int(text) if text.strip() else None
            elif name == "birthday":
                from journal.clients.birthdays import parse_birthday
                from journal.errors import ValidationError

                try:  # 05-17 (the year unknown) is stored as --05-17, as the CLI does
                    changes[name] = parse_birthday(text)
                except ValidationError as exc:
                    raise ValueError(f"{title}: {exc}") from None
            elif kind == "line":
                changes[name] = " ".join(text.split())
            else:
                changes[name] = text.rstrip()
        return changes, organisation

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
