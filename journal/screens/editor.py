"""The entry editor: a modal form for a new entry or an edit.

Dates and times are typed the way people say them ("yesterday", "下午2点") and checked on every
keystroke, so a mistake shows next to the field and blocks saving before anything is written. The
time may be a range (``9:00-10:00``, ``9点-10点半``), or the end typed in its own field; the hint
says how long that is. Expenses are one line, ``120 CNY 午餐; 35 打车`` (the default currency when
none is given). Priority and origin (planned ahead / came up) are selects; a new entry's origin
follows its status until it is chosen.
Projects, contacts and organisations are picked by type-ahead; existing ones go to the service by
id (namesakes stay apart), new ones by name (the service creates them in the same transaction).

An edit sends only the fields that changed, and ``base=`` the document as it was when the form
opened: if someone else changed the same field meanwhile, their value is recorded as a conflict
instead of vanishing, and fields this edit did not touch keep their newer values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from journal.dates import (
    duration_minutes,
    format_date_human,
    parse_date,
    parse_time,
    parse_time_range,
)
from journal.errors import JournalError, StorageError
from journal.i18n import N_, _, ngettext
from journal.i18n.terms import value_name
from journal.models import ENTRY_STATUSES, KIND_LINK_FIELD, KIND_TABLE, effective_origin
from journal.names.resolve import label
from journal.routine.expenses import format_expenses, parse_expenses
from journal.screens.base import EntryDefaults
from journal.screens.dialogs import ConfirmScreen
from journal.screens.translated import TranslatedBindings
from journal.service import LinkRequest
from journal.widgets.doc_form import split_tags
from journal.widgets.picker import NamePicker, Pick
from journal.widgets.render import plain

if TYPE_CHECKING:
    from journal.screens.host import JournalHost
    from journal.session import JournalSession

_PICKERS = (("contact", N_("Contacts")), ("organisation", N_("Organisations")), ("project", N_("Projects")))
_PRIORITIES = (("high", "high"), ("normal", ""), ("low", "low"))
_ORIGINS = ((N_("planned ahead"), "planned"), (N_("came up"), ""))
_TEXT_FIELDS = ("date", "time", "end", "event", "tags", "expenses", "repeat", "remind")


def link_request(refs: dict[str, list[str]]) -> LinkRequest:
    """Per-kind references as the service takes them."""
    return LinkRequest(projects=refs.get("project", []), contacts=refs.get("contact", []),
                       organisations=refs.get("organisation", []))


@dataclass
class FormValues:
    """What the form holds, checked; ``errors`` maps a field to the reason it cannot be saved."""

    fields: dict[str, Any]
    links: dict[str, list[Pick]]
    errors: dict[str, str]


class EditorScreen(TranslatedBindings, ModalScreen[str | None]):
    """New entry (``entry_id`` None) or edit; dismisses with the saved entry's id, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, *, entry_id: str | None = None,
                 defaults: EntryDefaults | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.entry_id = entry_id
        tables = self.japp.journal.tables
        self.today = self.japp.today
        self.base: dict[str, Any] | None = None
        if entry_id is not None:
            # The document as it is now: the store never changes a handed-out document, so this
            # stays the starting point the service compares against when saving.
            self.base = self.session.entry_tables()["entries"].get(entry_id) or \
                self.japp.journal.get_entry(entry_id).to_doc()  # an occurrence not shown yet
            doc = self.base
            picks = {kind: [Pick(i, label(tables, kind, i)) for i in doc.get(field, ())]
                     for kind, field in KIND_LINK_FIELD.items()}
        else:
            defaults = defaults or EntryDefaults(self.today)
            status = "planned" if defaults.day > self.today else "done"
            doc = {"date": defaults.day.isoformat(), "event": "", "status": status}
            picks = {"contact": defaults.contacts, "project": defaults.projects,
                     "organisation": defaults.organisations}
        self.start = doc
        self.start_picks = picks
        self._auto_status = doc["status"]
        #: the origin the select holds unless the user picked another; picked: it stays
        self._origin = "planned" if effective_origin(doc) == "planned" else ""
        self._origin_chosen = False
        self._initial: tuple[Any, ...] | None = None
        #: the summary a template last filled in (replaced when another event is chosen, as
        #: long as the user has not written anything of their own)
        self._template_text: str | None = None
        self._complaint_touched = False
        self._currency: str | None = None

    @property
    def japp(self) -> JournalHost:
        return cast("JournalHost", self.app)

    @property
    def session(self) -> JournalSession:
        return self.japp.session

    def compose(self) -> ComposeResult:
        doc = self.start
        with Vertical(classes="dialog editor"):
            yield Label(Content.styled(_("Edit entry") if self.base else _("New entry"),
                                       "bold $accent"))
            with VerticalScroll(id="editor-form"):
                with Horizontal(classes="form-row"):
                    yield Label(_("Date"), classes="form-label")
                    yield Input(doc["date"], id="date", compact=True, classes="date")
                    yield Label(_("Time"), classes="form-label-short")
                    yield Input(doc.get("time") or "", placeholder="9:00-10:00", id="time",
                                compact=True, classes="time")
                    yield Label(_("End"), classes="form-label-short")
                    yield Input(doc.get("end_time") or "", placeholder="HH:MM", id="end",
                                compact=True, classes="end")
                    yield Select([(value_name(s), s) for s in ENTRY_STATUSES], value=doc["status"],
                                 allow_blank=False, id="status", compact=True)
                yield Static(id="when-hint", classes="hint")
                with Horizontal(classes="form-row"):
                    yield Label(_("Event"), classes="form-label")
                    events = [name for t in self.japp.config.templates.values()
                              for name in t.events()]
                    yield Input(doc["event"], placeholder=_("Client visit, 拜访记录, call… "
                                "(→ completes a template's event)"), id="event", compact=True,
                                suggester=SuggestFromList(events, case_sensitive=False))
                with Horizontal(classes="form-row"):
                    yield Label(_("Tags"), classes="form-label")
                    yield Input(" ".join(doc.get("tags", ())), id="tags", compact=True,
                                placeholder=_("space-separated, e.g. loan vip"))
                with Horizontal(classes="form-row", id="complaint-row"):
                    yield Label(_("Complaint"), classes="form-label")
                    yield Checkbox(_("a client's complaint"), bool(doc.get("complaint")),
                                   id="complaint", compact=True)
                    yield Label(_("Resolved"), classes="form-label-short complaint-detail")
                    yield Input(doc.get("resolved_on") or "", placeholder=_("date, empty: open"),
                                id="resolved", compact=True, classes="date complaint-detail")
                with Horizontal(classes="form-row complaint-detail", id="resolution-row"):
                    yield Label(_("Resolution"), classes="form-label")
                    yield Input(doc.get("resolution", ""), id="resolution", compact=True,
                                placeholder=_("how it was resolved"))
                for kind, title in _PICKERS:
                    yield NamePicker(kind, _(title), lambda k=kind: self.session.name_catalog(k),
                                     self.start_picks[kind], id=f"pick-{kind}")
                with Horizontal(classes="form-row"):
                    yield Label(_("Priority"), classes="form-label")
                    yield Select([(value_name(label), value) for label, value in _PRIORITIES],
                                 value=doc.get("priority") or "", allow_blank=False,
                                 id="priority", compact=True)
                    yield Label(_("Origin"), classes="form-label-short")
                    yield Select([(_(label), value) for label, value in _ORIGINS],
                                 value=self._origin, allow_blank=False, id="origin",
                                 compact=True)
                yield from self._follow_through_rows(doc)
                with Horizontal(classes="form-row"):
                    yield Label(_("Expenses"), classes="form-label")
                    yield Input(format_expenses(doc.get("expenses", ())), id="expenses",
                                compact=True, placeholder="120 CNY 午餐; 35 打车")
                yield Label(_("Summary"), classes="form-label")
                yield TextArea(doc.get("summary", ""), id="summary", compact=True,
                               soft_wrap=True, placeholder=_("What happened, what was agreed, "
                               "next steps…"))
            yield Static(id="editor-errors", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (ctrl+s)"), variant="primary", id="save", compact=True)
                yield Button(_("Cancel (esc)"), id="cancel", compact=True)

    def _follow_through_rows(self, doc: dict[str, Any]) -> ComposeResult:
        """Repeat (not for one occurrence: that belongs to its series) and Remind."""
        from journal.widgets.repeat_field import RepeatRow

        occurrence = "@" in (self.entry_id or "")
        series = (self.entry_id or "").split("@")[0]
        yield RepeatRow(str(doc.get("recurrence") or ""), date.fromisoformat(doc["date"]),
                        disabled_reason=_("how it repeats: edit the series {series}").format(series=series[-6:])
                        if occurrence else "")
        with Horizontal(classes="form-row"):
            yield Label(_("Remind"), classes="form-label")
            remind = str(doc.get("remind_at") or "").replace("T", " ")
            yield Input(remind, id="remind", compact=True,
                        placeholder=_("15m, 1h, 1d before; 09:00; 2026-12-06 18:00"))

    def on_mount(self) -> None:
        self._initial = self._snapshot()
        self._show_complaint()
        self._check()
        self.query_one("#event" if self.base is None else "#summary").focus()

    # -- reading the form -----------------------------------------------------------------
    def _snapshot(self) -> tuple[Any, ...]:
        """Everything typed, raw, to tell whether there are unsaved changes."""
        texts = tuple(self.query_one(f"#{name}", Input).value for name in _TEXT_FIELDS)
        picks = tuple(tuple(p.ref for p in self.query_one(f"#pick-{k}", NamePicker).picks)
                      for k, _ in _PICKERS)
        selects = tuple(self.query_one(f"#{name}", Select).value
                        for name in ("status", "priority", "origin"))
        return (texts, picks, selects, self.query_one("#summary", TextArea).text,
                self.query_one("#complaint", Checkbox).value,
                self.query_one("#resolved", Input).value, self.query_one("#resolution", Input).value)

    def default_currency(self) -> str:
        """The configured default currency (read once per form)."""
        if self._currency is None:
            from journal.routine.config import load_routine_config

            self._currency = load_routine_config().default_currency
        return self._currency

    def values(self) -> FormValues:
        """The form's values in stored form, with a reason per field that cannot be saved."""
        errors: dict[str, str] = {}
        fields: dict[str, Any] = {}
        text = self.query_one("#date", Input).value
        # a planned entry's "周二" is the coming Tuesday, a logged one's the last (journal.dates)
        planned = self.query_one("#status", Select).value == "planned"
        try:
            fields["date"] = parse_date(text, today=self.today,
                                        prefer="future" if planned else "past").isoformat()
        except JournalError as exc:
            errors["date"] = str(exc)
        text = self.query_one("#time", Input).value.strip()
        end_text = self.query_one("#end", Input).value.strip()
        fields["time"], fields["end_time"] = None, None
        try:
            fields["time"], fields["end_time"] = parse_time_range(text) if text else (None, None)
        except JournalError as exc:
            errors["time"] = str(exc)
        try:
            end = parse_time(end_text) if end_text else None
            if end is not None and fields["end_time"] is not None and end != fields["end_time"]:
                errors["end"] = _("the time is a range already: clear End, or type one time")
            elif end is not None and not text:
                errors["end"] = _("an end needs a start: fill in Time")
            elif end is not None:
                fields["end_time"] = end
                if end == fields["time"]:
                    errors["end"] = _("it ends when it starts")
        except JournalError as exc:
            try:
                is_range = parse_time_range(end_text)[1] is not None
            except JournalError:
                is_range = False
            errors["end"] = (_("End takes one time: type the range in Time") if is_range
                             else str(exc))
        fields["event"] = " ".join(self.query_one("#event", Input).value.split())
        if not fields["event"]:
            errors["event"] = _("the event must not be empty (what happened, in a few words)")
        fields["tags"] = split_tags(self.query_one("#tags", Input).value)
        fields["status"] = str(self.query_one("#status", Select).value)
        fields["priority"] = str(self.query_one("#priority", Select).value)
        fields["origin"] = str(self.query_one("#origin", Select).value)
        try:
            fields["expenses"] = parse_expenses(self.query_one("#expenses", Input).value,
                                                self.default_currency())
        except JournalError as exc:
            errors["expenses"] = str(exc)
        self._read_follow_through(fields, errors)
        fields["summary"] = self.query_one("#summary", TextArea).text.rstrip()
        fields["complaint"] = self.query_one("#complaint", Checkbox).value
        fields["resolved_on"], fields["resolution"] = None, ""
        if fields["complaint"]:
            fields["resolution"] = " ".join(self.query_one("#resolution", Input).value.split())
            text = self.query_one("#resolved", Input).value.strip()
            try:
                fields["resolved_on"] = parse_date(text, today=self.today).isoformat() if text \
                    else None
            except JournalError as exc:
                errors["resolved"] = str(exc)
            if fields["resolved_on"] and fields.get("date") and fields["resolved_on"] < fields["date"]:
                errors["resolved"] = (_("resolved on {resolved_on}, before the complaint "
                                        "itself ({date})").format(resolved_on=fields['resolved_on'], date=fields['date']))
        links = {k: self.query_one(f"#pick-{k}", NamePicker).picks for k, _ in _PICKERS}
        return FormValues(fields, links, errors)

    def _read_follow_through(self, fields: dict[str, Any], errors: dict[str, str]) -> None:
        """``recurrence`` and ``remind_at`` from the Repeat and Remind boxes (a new series starts
        on the rule's first day on or after the date; an unchanged reminder moves with the
        entry's start)."""
        from journal.widgets.repeat_field import moved_reminder, read_remind, read_repeat

        day = date.fromisoformat(fields["date"]) if "date" in fields else None
        self._repeat_words = ""
        if "@" not in (self.entry_id or ""):
            rule, problem, self._repeat_words = read_repeat(
                self.query_one("#repeat", Input).value, day)
            if problem:
                errors["repeat"] = problem
            fields["recurrence"] = rule
        text = self.query_one("#remind", Input).value
        before = str(self.start.get("remind_at") or "")
        if before and text.strip() == before.replace("T", " ") and day is not None:
            fields["remind_at"] = moved_reminder(before, self.start, fields)
            return
        at, problem = read_remind(text, fields.get("date"), fields.get("time"))
        if problem:
            errors["remind"] = problem
        fields["remind_at"] = at

    def _check(self) -> FormValues:
        """Show the parsed date (or what is wrong with it) and the other problems inline."""
        values = self.values()
        hint = self.query_one("#when-hint", Static)
        problems = [values.errors[k] for k in ("date", "time", "end", "expenses", "resolved",
                                               "repeat", "remind") if k in values.errors]
        if problems:
            hint.update(plain(" · ".join(problems)))
        else:
            day = parse_date(values.fields["date"])
            start, end = values.fields["time"], values.fields["end_time"]
            when = _(" at {start}").format(start=start) if start else ""
            minutes = duration_minutes(start, end)
            if minutes:
                hours, rest = divmod(minutes, 60)
                length = (_("{hours} h {rest:02d} min").format(hours=hours, rest=rest) if hours and rest else _("{hours} h").format(hours=hours) if hours
                          else _("{rest} min").format(rest=rest))
                when = f", {start}–{end} ({length})"
            spent = values.fields.get("expenses") or []
            money = (ngettext(" · {n} expense", " · {n} expenses", len(spent)).format(n=len(spent))
                     if spent else "")
            words = getattr(self, "_repeat_words", "")
            repeat = f" · ↻ {words}" if words else ""
            remind = (_(" · remind {replace}").format(replace=values.fields['remind_at'].replace('T', ' '))
                      if values.fields.get("remind_at") else "")
            hint.update(plain(f"{format_date_human(day)}{when}{money}{repeat}{remind}"))
        hint.set_class(bool(problems), "error")
        for name in ("date", "time", "end", "event", "expenses", "resolved", "repeat", "remind"):
            self.query_one(f"#{name}", Input).set_class(name in values.errors, "-invalid")
        return values

    # -- templates and complaints ---------------------------------------------------------
    def _apply_template(self) -> None:
        """Choosing an event that has a template (拜访记录, Client visit, 投诉处理…) fills an empty
        summary with its headings, and marks a complaint template's entry as a complaint."""
        template = self.japp.config.template_for_event(self.query_one("#event", Input).value)
        if template is None:
            return
        summary = self.query_one("#summary", TextArea)
        if template.summary and (not summary.text.strip() or summary.text == self._template_text):
            summary.load_text(template.summary)
            self._template_text = template.summary
        if template.complaint and self.base is None and not self._complaint_touched:
            self.query_one("#complaint", Checkbox).value = True

    def _show_complaint(self) -> None:
        shown = self.query_one("#complaint", Checkbox).value
        for widget in self.query(".complaint-detail"):
            widget.display = shown

    @on(Input.Changed, "#date")
    def _date_changed(self) -> None:
        values = self._check()
        if "date" not in values.errors:
            from journal.widgets.repeat_field import RepeatRow

            self.query_one(RepeatRow).follow_date(date.fromisoformat(values.fields["date"]))
        status = self.query_one("#status", Select)
        if self.base is None and "date" not in values.errors and status.value == self._auto_status:
            day = parse_date(values.fields["date"])
            self._auto_status = "planned" if day > self.today else "done"
            status.value = self._auto_status

    @on(Select.Changed, "#status")
    def _status_changed(self, event: Select.Changed) -> None:
        """The origin follows the status until the user picks one: planned is planned ahead; a
        new entry that is done came up. (An edit ticked to done keeps its origin.)"""
        self._check()  # "周二" reads forwards for a planned entry: show which day it is now
        if self._origin_chosen:
            return
        if event.value == "planned":
            value = "planned"
        elif self.base is None:
            value = ""
        else:
            return
        if self._origin != value:
            self._origin = value  # what the select is expected to hold: not the user's choice
            self.query_one("#origin", Select).value = value

    @on(Select.Changed, "#origin")
    def _origin_changed(self, event: Select.Changed) -> None:
        if event.value != self._origin:  # the user chose it
            self._origin = str(event.value)
            self._origin_chosen = True

    @on(Input.Changed, "#time")
    @on(Input.Changed, "#end")
    @on(Input.Changed, "#expenses")
    @on(Input.Changed, "#event")
    @on(Input.Changed, "#resolved")
    @on(Input.Changed, "#repeat")
    @on(Input.Changed, "#remind")
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id == "event":
            self._apply_template()
        self._check()
        self.query_one("#editor-errors", Static).update("")

    @on(Checkbox.Changed, "#complaint")
    def _complaint_changed(self, event: Checkbox.Changed) -> None:
        if self._initial is None:  # still being built
            return
        if self.query_one("#complaint", Checkbox).has_focus:
            self._complaint_touched = True  # the user's choice; a template no longer sets it
        self._show_complaint()
        self._check()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # -- saving ---------------------------------------------------------------------------
    def action_save(self) -> None:
        values = self._check()
        if values.errors:
            first = next(iter(values.errors))
            self.query_one("#editor-errors", Static).update(
                plain(_("Cannot save: {reason}").format(reason=values.errors[first])))
            self.query_one(f"#{first}", Input).focus()
            return
        try:
            if self.entry_id is None:
                refs = {k: [p.ref for p in picks] for k, picks in values.links.items()}
                entry, created = self.japp.journal.add_entry(**values.fields,
                                                             links=link_request(refs))
            else:
                entry, created = self._save_edit(values)
        except JournalError as exc:
            self.query_one("#editor-errors", Static).update(plain(str(exc)))
            if isinstance(exc, StorageError) and self.japp.journal.check_file() is not None:
                self.japp.show_file_problem()  # what happened and how to repair; the form stays
            else:
                self.notify(str(exc), severity="error", markup=False, timeout=8)
            return
        names = ", ".join(f"{c.kind} {c.label}" for c in created)
        self.notify(_("Saved. Created {names}.").format(names=names) if names else _("Saved."), markup=False)
        self.dismiss(entry.id)

    def _save_edit(self, values: FormValues) -> Any:
        """Only what changed, links as additions and removals (so concurrent link edits merge)."""
        assert self.base is not None and self.entry_id is not None
        base = self.base
        defaults: dict[str, Any] = {"time": None, "end_time": None, "summary": "", "tags": [],
                                    "priority": "", "origin": "", "expenses": [],
                                    "complaint": False, "resolved_on": None, "resolution": "",
                                    "recurrence": None, "remind_at": None}
        changes = {name: value for name, value in values.fields.items()
                   if value != base.get(name, defaults.get(name))}
        if changes.get("recurrence"):  # now repeating: from the rule's first day, planned
            from journal.recurrence.expand import first_on_or_after

            first = first_on_or_after(changes["recurrence"], date.fromisoformat(values.fields["date"]))
            if first is not None and first.isoformat() != values.fields["date"]:
                changes["date"] = first.isoformat()
            changes.setdefault("status", "planned")
        tables = self.japp.journal.tables
        add: dict[str, list[str]] = {}
        remove: dict[str, list[str]] = {}
        for kind, picks in values.links.items():
            before = list(base.get(KIND_LINK_FIELD[kind], ()))
            refs = [p.ref for p in picks]
            add[kind] = [r for r in refs if r not in before]
            gone = [i for i in before if i not in refs]
            existing = tables.get(KIND_TABLE[kind], {})
            remove[kind] = [i for i in gone if i in existing]
            dangling = [i for i in gone if i not in existing]
            if dangling:  # the service cannot name a deleted document: drop its id directly
                changes[KIND_LINK_FIELD[kind]] = [i for i in before if i not in dangling]
        return self.japp.journal.edit_entry(self.entry_id, changes, add=link_request(add),
                                            remove=link_request(remove), base=base)

    def action_cancel(self) -> None:
        focused = self.focused
        for picker in self.query(NamePicker):
            if focused is not None and focused in picker.walk_children() and picker.close():
                return
        if self._initial is not None and self._snapshot() != self._initial:
            def answered(discard: bool | None) -> None:
                if discard:
                    self.dismiss(None)

            self.app.push_screen(ConfirmScreen(_("Discard the changes to this entry?"),
                                               yes=_("Discard"), no=_("Keep editing")), answered)
            return
        self.dismiss(None)

