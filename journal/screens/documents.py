"""Contacts, projects and organisations: a filtered list, and one document with its history.

The right side shows the document's key facts, then two tabs: every linked entry newest first (the
cross-index; for an organisation also what hangs on its contacts and projects) and the editable
fields. The list is filtered as you type and shows a page at a time, so ten thousand contacts cost
no more than fifty.

Typing a name filters at once: a printable key that nothing here is bound to (most letters,
digits, Chinese text, a paste) starts a new filter with it and moves into the filter box, while the
keys that are bound (``a`` ``e`` ``d`` ``f`` ``r`` here, ``n`` ``c`` ``p`` ``o`` ``j`` ``w`` ``s``
``q`` in the app) keep their action — so ``c`` then ``p`` typed quickly still switches to projects.
``f`` moves into the box to type any name (one starting with a bound letter); ``escape`` clears it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane

from journal.errors import DuplicateNameError
from journal.i18n import N_, _
from journal.i18n.terms import kind_name
from journal.models import KIND_LINK_FIELD, KIND_TABLE
from journal.names.catalog import KIND_TITLES
from journal.names.resolve import label
from journal.screens.base import EntryDefaults, JournalScreen
from journal.screens.dialogs import ConfirmScreen, PromptScreen
from journal.text import article, counted
from journal.widgets.doc_form import DocForm
from journal.widgets.entry_detail import EntryDetail
from journal.widgets.entry_list import EntryList
from journal.widgets.name_list import NameList
from journal.widgets.navbar import NavBar
from journal.widgets.picker import Pick
from journal.widgets.render import plain, sentence


class DocumentsScreen(JournalScreen):
    """The screen for one kind of document (see the subclasses)."""

    KIND: ClassVar[str] = ""
    #: Focus the list from the start: Textual's default (the first focusable widget, the filter)
    #: would take a key typed while the screen is being built (c then p typed "p" in the filter).
    AUTO_FOCUS = "#docs-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add"), tooltip=N_("Add a new one by name")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the fields")),
        Binding("d", "delete", N_("Delete"), tooltip=N_("Delete it (entries stay)")),
        Binding("f", "focus_filter", N_("Filter"), tooltip=N_("Filter the list by name")),
        Binding("m", "merge", N_("Merge"), tooltip=N_("Merge another one (the same client recorded "
                "twice) into this one")),
        Binding("u", "sort_due", N_("Due first"), tooltip=N_("Sort by when each is due for a visit "
                "(again: by name)")),
        Binding("escape", "back", N_("Back"), show=False, tooltip=N_("Back to the list")),
        # from the filter box only (check_action): down into the list, as on the search screen
        Binding("down", "focus_list", N_("List"), show=False, tooltip=N_("Into the list")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.doc_id: str | None = None
        self._pending: Timer | None = None
        #: Keys on their way into the filter (on_key): the keys behind them follow, bound or not.
        self._typing = 0
        #: Contacts and organisations: most overdue first instead of by name (u).
        self.due_first = False

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        with Horizontal(id="docs-body"):
            with Vertical(id="docs-left"):
                # select_on_focus off: a name typed from the list puts its first character in
                # the box and focuses it; selecting on focus would let the next key replace it
                # (f selects the old filter itself, so typing after f still starts afresh)
                yield Input(placeholder=_("Filter {lower}…").format(lower=_(KIND_TITLES[self.KIND]).lower()),
                            id="docs-filter", compact=True, select_on_focus=False)
                yield NameList(id="docs-list")
                yield Static(id="docs-count", classes="hint")
            with Vertical(id="docs-right"):
                yield Static(id="doc-facts")
                with TabbedContent(id="doc-tabs"):
                    with TabPane(_("Entries"), id="tab-entries"):
                        yield EntryList(lambda: self.journal.tables, show_date=True,
                                        summary_from=64, id="doc-entries")
                        yield Static(Content.styled(_("No entries linked yet."), "$text-muted"),
                                     id="doc-empty")
                        # shown in a tall terminal only (app.tcss): room to read an entry
                        yield EntryDetail(lambda: self.journal.tables,
                                          lambda: self.japp.generation, id="doc-detail")
                    with TabPane(_("Details"), id="tab-details"):
                        yield DocForm(self.KIND, lambda: self.session.name_items("organisation"),
                                      id="doc-form")
        yield Footer(compact=True)

    @property
    def names(self) -> NameList:
        return self.query_one("#docs-list", NameList)

    def entered(self) -> None:
        # Switched to with c / p / o: keys typed next must meet the bindings, not a filter box
        # left focused (through the palette or the mouse) the last time this screen was shown.
        if self._in_filter():
            self.names.focus()

    # -- type to filter -------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """A printable key bound to nothing (see the module docstring) types in the filter."""
        character = event.character
        if character is None or not event.is_printable or not self.typing_filters():
            return
        # A key behind others on their way into the filter follows them, bound or not: the rest
        # of a burst ("Tom Baker" typed very fast; o would otherwise reach the app's binding
        # after the box has the focus, where it does nothing).
        follows = self._typing > 0
        if not follows and (character.isspace()
                            or any(key in self._bound_keys() for key in event.aliases)):
            return  # the app or the screen acts on it (c then p: switch, leak nothing)
        event.stop()
        event.prevent_default()
        # Typed once the keys before it are done, in the app's queue: a bound key reaches its
        # binding only after bubbling up to the app, so "c" then "刘" typed at once must not
        # put 刘 in this screen's filter while c is still on its way to switch to contacts.
        self._typing += 1
        self.app.call_later(self._type_later, event.key, character)

    def _type_later(self, key: str, character: str) -> None:
        """Deliver a key that :meth:`on_key` held back, now that the keys typed before it are
        handled: into the filter of the documents screen the user is on now, or, when those keys
        opened another screen or a dialog (/ then 张: the search box), as a key to it."""
        self._typing -= 1
        screen = self.app.screen
        if isinstance(screen, DocumentsScreen) and screen.typing_filters():
            screen.type_in_filter(character)
        else:
            self.app.post_message(events.Key(key, character))

    def on_paste(self, event: events.Paste) -> None:
        """Pasting a name while on the list filters by it (its first line)."""
        text = next((line.strip() for line in event.text.splitlines() if line.strip()), "")
        if text and self.typing_filters():
            event.stop()
            self.type_in_filter(text)

    def typing_filters(self) -> bool:
        """Whether typed text goes to the filter: from the list, the cross-index, the tabs (the
        filter box and the form's fields take their own keys; the form's buttons and selects
        keep theirs)."""
        try:
            form = self.query_one("#doc-form", DocForm)
        except NoMatches:  # a key arriving while the screen is being built
            return False
        focused = self.focused
        return focused is None or not (focused is form or form in focused.ancestors)

    def type_in_filter(self, text: str) -> None:
        """Type ``text`` in the filter box, focusing it: from elsewhere a new filter, in the box
        (the rest of a burst of keys, "张伟" from an input method) where its cursor is."""
        box = self.query_one("#docs-filter", Input)
        if self.focused is box:
            if box.selection.is_empty:
                box.insert_text_at_cursor(text)
            else:
                box.replace(text, *box.selection)
            return
        box.value = text
        box.cursor_position = len(text)
        # At once, not with focus() (which waits a turn): the next key of the burst must find
        # the box focused.
        self.set_focus(box)

    def _in_filter(self) -> bool:
        return self.focused is not None and self.focused.id == "docs-filter"

    def _bound_keys(self) -> set[str]:
        """Every key bound from the focused widget up to the app, whether its action is available
        now or not (``r`` resolves a conflict only on a conflicted document, ``e`` needs one
        shown): a bound letter never goes to the filter, so it does not sometimes act and
        sometimes filter. The chain is the one Textual looks keys up in."""
        return {key for _, bindings in self._modal_binding_chain for key, _ in bindings}

    # -- the list -------------------------------------------------------------------------
    def reload(self) -> None:
        self._filter(keep=self.doc_id)

    def _filter(self, keep: str | None = None, *, immediate: bool = True) -> None:
        """List the names matching the filter box; keep ``keep`` selected if it is listed.
        Not ``immediate`` (typing in the filter): the list follows every key, the document
        pane (facts, cross-index, form) only a pause in the typing."""
        query = self.query_one("#docs-filter", Input).value
        catalog = self.session.name_catalog(self.KIND)
        everything = catalog.items
        matches = list(catalog.match(query))
        notes = self._due_notes()
        if self.due_first and notes is not None:
            standings = self.session.client_standings(self.KIND)
            matches.sort(key=lambda item: standings[item.id].sort_key()
                         if item.id in standings else (3, 0, "", ""))
        self.names.set_items(matches, select=keep, notes=notes)
        shown = _("{n_matches} of {n_everything}").format(n_matches=len(matches), n_everything=len(everything)) if query.strip() else f"{len(everything)}"
        order = _(", most overdue first") if self.due_first and notes is not None else ""
        self.query_one("#docs-count", Static).update(
            Content(_("{count} {title}{order}").format(
                count=shown, title=_(KIND_TITLES[self.KIND]).lower(), order=order)))
        if immediate:
            self._show(self.names.selected_key)
        else:
            self._highlighted()

    def _due_notes(self) -> dict[str, tuple[str, bool]] | None:
        """Per contact or organisation, when it is due (``12d over``, ``never met``, ``in 3d``;
        urgent when overdue or never met); None for projects."""
        if self.KIND not in ("contact", "organisation"):
            return None
        notes: dict[str, tuple[str, bool]] = {}
        for doc_id, item in self.session.client_standings(self.KIND).items():
            state = item.state
            if state == "never":
                notes[doc_id] = (_("never met"), True)
            elif state in ("overdue", "due"):
                notes[doc_id] = (_("{days_over}d over").format(days_over=item.days_over) if item.days_over else _("due today"),
                                 True)
            elif state == "soon" and item.days_over is not None:
                notes[doc_id] = (_("in {value}d").format(value=-item.days_over), False)
        return notes

    @on(Input.Changed, "#docs-filter")
    def _filter_changed(self) -> None:
        self._filter(immediate=False)

    @on(Input.Submitted, "#docs-filter")
    def _filter_done(self) -> None:
        self.names.focus()

    @on(NameList.Highlighted, "#docs-list")
    def _highlighted(self) -> None:
        # A short delay: holding the down key should not compute every cross-index on the way.
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(0.12, self._show_highlighted)

    def _show_highlighted(self) -> None:
        """Show the document under the list's cursor (if another one is shown)."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        doc_id = self.names.selected_key
        if doc_id != self.doc_id or doc_id is None:  # None: the message names the filter
            self._show(doc_id)

    @on(NameList.Selected, "#docs-list")
    def _selected(self) -> None:
        self._show_highlighted()
        self.query_one("#doc-entries", EntryList).focus()

    # -- one document ---------------------------------------------------------------------
    def _show(self, doc_id: str | None) -> None:
        """Show the facts, the cross-index and the form of a document (None: nothing selected)."""
        tables = self.journal.tables
        doc = tables.get(KIND_TABLE[self.KIND], {}).get(doc_id) if doc_id else None
        if doc is None:
            doc_id = None
        same = doc_id == self.doc_id
        self.doc_id = doc_id
        facts = self.query_one("#doc-facts", Static)
        table = self.query_one("#doc-entries", EntryList)
        form = self.query_one("#doc-form", DocForm)
        self.query_one("#doc-tabs").display = doc is not None
        if doc is None or doc_id is None:
            query = self.query_one("#docs-filter", Input).value.strip()
            if query and self.session.name_items(self.KIND):  # typed a name that is not there
                before, _mark, after = _("No {kind} matches “{query}”. Escape clears the filter; "
                                         "then a adds a new one.").partition("{query}")
                facts.update(Content.assemble(
                    (before.format(kind=kind_name(self.KIND)), "$text-muted"),
                    plain(query, "$text-muted"), (after, "$text-muted")))
            else:
                facts.update(Content.styled(_("No {KIND} here yet. Press a to add one, or "
                                              "link one from an entry (n).").format(KIND=kind_name(self.KIND)), "$text-muted"))
            table.set_entries([])
            self.update_resolve_binding()
            return
        ids = self._linked(doc_id)
        table.set_entries(ids)
        table.display = bool(ids)
        self.query_one("#doc-empty").display = not ids
        detail = self.query_one("#doc-detail", EntryDetail)
        detail.show(table.selected_id)
        detail.set_class(not ids, "-none")
        self.query_one("#doc-tabs", TabbedContent).get_tab("tab-entries").label = \
            Content(_("Entries ({n_ids})").format(n_ids=len(ids)))
        org_id = doc.get("organisation_id")
        org = tables.get("organisations", {}).get(org_id, {}).get("name", "") if org_id else ""
        if not (same and form.dirty()):  # an outside change must not wipe what is being typed
            form.load(doc, org)
        facts.update(self.facts(doc_id, doc, ids))
        self.update_resolve_binding()

    def _linked(self, doc_id: str) -> list[str]:
        """The cross-index: linked entry ids, newest first (from the search index when it is
        built: a lookup instead of a scan of every entry)."""
        index = self.japp.search_index()
        if index is not None:
            return index.entries_for(self.KIND, doc_id)  # type: ignore[arg-type]
        entries = self.journal.tables.get("entries", {})
        ids = list(self.journal.linked_entry_ids(self.KIND, doc_id))
        ids.sort(key=lambda i: (entries[i]["date"], entries[i].get("time") or "", i),
                 reverse=True)
        return ids

    def facts(self, doc_id: str, doc: dict, entry_ids: list[str]) -> Content:
        """The header above the tabs: name, organisation and the fields that matter most."""
        tables = self.journal.tables
        head = [plain(label(tables, self.KIND, doc_id), "bold $accent")]
        extra = [doc.get(f) for f in ("title", "industry", "status") if doc.get(f)]  # tier: below
        lines = [Content.assemble(*head, *([Content("  ·  "), plain(" · ".join(extra))]
                                           if extra else []))]
        details = [", ".join(doc.get(f, ())) for f in ("phones", "emails") if doc.get(f)]
        if doc.get("address"):
            details.append(doc["address"].replace("\n", ", "))
        if details:
            lines.append(plain("  ".join(details), "$text-muted"))
        standing = self._standing_line(doc_id, doc, entry_ids)
        if standing is not None:
            lines.append(standing)
        if doc.get("conflicts"):
            fields = sorted({str(r.get("field", "")) for r in doc["conflicts"]
                             if isinstance(r, dict)})
            lines.insert(1, Content.assemble(
                (_("⚠ merge conflict: "), "bold $text-warning"),
                plain(", ".join(fields), "$text-warning"), (_(" — press r"), "$text-warning")))
        return Content("\n").join(lines)

    def _standing_line(self, doc_id: str, doc: dict, entry_ids: list[str]) -> Content | None:
        """Tier, cadence and owner as they apply, when we last met and next meet, and whether a
        visit is overdue (journal.clients.cadence)."""
        if self.KIND == "project":
            return self._project_dates(entry_ids)
        item = self.session.client_standings(self.KIND).get(doc_id)
        if item is None:
            return None
        rhythm = item.rhythm
        parts = []
        if rhythm.tier:
            parts.append(rhythm.tier + (" (organisation's)" if rhythm.tier_from == "organisation"
                                        else ""))
        if rhythm.cadence_days:
            parts.append(_("every {cadence_days} days").format(cadence_days=rhythm.cadence_days))
        owner = self.journal.owner_of(doc)
        if owner:
            parts.append(_("owner {owner}").format(owner=owner))
        if item.last is not None:
            ago = item.days_since or 0
            when = {0: _("today"), 1: _("yesterday")}.get(ago) or _("{n} days ago").format(n=ago)
            parts.append(_("last {date} ({when})").format(date=item.last.date, when=when))
        state = item.state
        if state == "never":
            parts.append(_("never met — due"))
        elif state == "overdue":
            parts.append(_("{days_over} days overdue").format(days_over=item.days_over))
        elif state == "due":
            parts.append(_("due today"))
        elif item.due_on is not None:
            parts.append(_("due {due_on}").format(due_on=item.due_on))
        if item.next is not None:
            parts.append(_("next {date} {event}").format(date=item.next.date, event=item.next.event))
        if not parts:
            return None
        return plain(" · ".join(parts), "$warning" if state in ("never", "overdue", "due")
                     else "$text-muted")

    def _project_dates(self, entry_ids: list[str]) -> Content | None:
        """When a project was last worked on and what is planned next."""
        entries = self.journal.tables["entries"]
        today = self.japp.today.isoformat()
        docs = [entries[i] for i in entry_ids]  # newest first
        past = next((d for d in docs if d["date"] <= today and d.get("status", "done") == "done"),
                    None)
        future = [d for d in docs if d["date"] >= today and d.get("status") == "planned"]
        parts = []
        if past is not None:
            ago = (self.japp.today - date.fromisoformat(past["date"])).days
            when = {0: _("today"), 1: _("yesterday")}.get(ago) or _("{n} days ago").format(n=ago)
            parts.append(_("last {date} ({when})").format(date=past['date'], when=when))
        if future:
            parts.append(_("next {date} {event}").format(date=future[-1]['date'], event=future[-1]['event']))
        return plain(" · ".join(parts), "$text-muted") if parts else None

    def show_document(self, doc_id: str) -> None:
        """Select ``doc_id`` (clearing a filter that hides it)."""
        if not self.live:  # selected by the first refresh once composed
            self.doc_id = doc_id
            self.shown_generation = -1
            return
        self.shown_generation = self.japp.generation
        if self.names.index_of(doc_id) is None:
            with self.prevent(Input.Changed):
                self.query_one("#docs-filter", Input).value = ""
        self._filter(keep=doc_id)
        self.names.focus()

    # -- entries and the form -------------------------------------------------------------
    @on(EntryList.Selected, "#doc-entries")
    async def _entry_chosen(self, event: EntryList.Selected) -> None:
        if event.key:
            await self.japp.show_entry(event.key)

    @on(DocForm.Save)
    def _save_form(self) -> None:
        if self.doc_id is None:
            return
        form = self.query_one("#doc-form", DocForm)
        try:
            changes, organisation = form.changes()
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if not changes and organisation is None:
            self.notify(_("Nothing changed."), markup=False)
            return
        with self.japp.guard():
            _doc, created = self.journal.edit_document(self.KIND, self.doc_id, changes,
                                                    organisation=organisation)
            form.mark_saved()
            made = _(", ").join(f"{kind_name(c.kind)} {c.label}" for c in created)
            self.notify(_("Saved. Created {made}.").format(made=made) if made else _("Saved."), markup=False)
            self.japp.refresh_visible()

    def entry_defaults(self) -> EntryDefaults:
        defaults = EntryDefaults(self.japp.today)
        if not self.live:  # n typed before the screen was built: nothing is selected yet
            return defaults
        self._show_highlighted()
        if self.doc_id is not None:
            pick = Pick(self.doc_id, label(self.journal.tables, self.KIND, self.doc_id))
            {"contact": defaults.contacts, "project": defaults.projects,
             "organisation": defaults.organisations}[self.KIND].append(pick)
        return defaults

    def selected_entry(self) -> str | None:
        return self.query_one("#doc-entries", EntryList).selected_id

    # -- actions --------------------------------------------------------------------------
    def action_focus_filter(self) -> None:
        box = self.query_one("#docs-filter", Input)
        self.set_focus(box)  # at once, like type_in_filter: "f张伟" typed at once all goes in
        box.select_all()  # typing replaces the old filter

    def action_focus_list(self) -> None:
        self.names.focus()

    def action_back(self) -> None:
        if self.query_one("#docs-filter", Input).has_focus or self.names.has_focus:
            self.query_one("#docs-filter", Input).value = ""
        self.names.focus()

    def action_edit(self) -> None:
        self._show_highlighted()  # act on what is highlighted, even within the show delay
        if self.doc_id is None:
            return
        self.query_one("#doc-tabs", TabbedContent).active = "tab-details"
        self.query_one("#doc-form", DocForm).query(Input).first().focus()

    def action_add(self) -> None:
        def named(name: str | None) -> None:
            if not name:
                return
            with self.japp.guard():
                try:
                    doc, _made = self.journal.add_document(self.KIND, name)
                except DuplicateNameError as exc:  # show the one there is, to edit it
                    self.show_document(exc.existing_id)
                    self.notify(_("{capitalize} named “{strip}” is already here (shown); e "
                                  "edits it.").format(capitalize=article(kind_name(self.KIND)).capitalize(), strip=name.strip()), markup=False)
                    return
                self.japp.refresh_visible()
                self.show_document(doc.id)
                self.action_edit()

        self.app.push_screen(PromptScreen(_("New {KIND}").format(KIND=kind_name(self.KIND)), placeholder=_("Name")), named)

    def action_delete(self) -> None:
        self._show_highlighted()
        if self.doc_id is None:
            return
        doc_id = self.doc_id
        tables = self.journal.tables
        field = KIND_LINK_FIELD[self.KIND]
        links = sum(1 for d in tables.get("entries", {}).values() if doc_id in d.get(field, ()))
        note = (_(" It is linked to {counted}; they stay, without this link.").format(counted=counted(links, _('entries')))
                if links else "")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            with self.japp.guard():
                self.journal.delete_document(self.KIND, doc_id, force=True)
                self.notify(_("Deleted {KIND}.").format(KIND=kind_name(self.KIND)), markup=False)
                self.japp.refresh_visible()

        before, _mark, after = _("Delete {kind} {name}?").partition("{name}")
        question = Content.assemble(before.format(kind=kind_name(self.KIND)),
                                    plain(label(tables, self.KIND, doc_id), "bold"), after, note)
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete")), answered)

    def action_sort_due(self) -> None:
        self.due_first = not self.due_first
        self._filter(keep=self.doc_id)
        self.notify(_("Most overdue first.") if self.due_first else _("By name."), markup=False,
                    timeout=2)

    def action_merge(self) -> None:
        """Pick the other record of this client; confirm; merge it into the one shown."""
        self._show_highlighted()
        if self.doc_id is None:
            return
        from journal.screens.merging import MergePickScreen

        keep = self.doc_id
        tables = self.journal.tables
        kept_label = label(tables, self.KIND, keep)

        def picked(other: str | None) -> None:
            if not other:
                return
            other_label = label(self.journal.tables, self.KIND, other)
            question = Content.assemble(
                sentence(_("Merge {other} into {kept}?"), other=plain(other_label, "bold"),
                         kept=plain(kept_label, "bold")), "\n\n",
                (_("Its entries move to {kept_label}; fields {kept_label} lacks are taken "
                   "from it; values both have differently are kept as a merge conflict to "
                   "choose from (r). {other_label} is then removed.").format(kept_label=kept_label, other_label=other_label), "$text-muted"))

            def answered(yes: bool | None) -> None:
                if not yes:
                    return
                with self.japp.guard():
                    self.journal.keep_backup("merge")
                    report = self.journal.merge_documents(self.KIND, keep, other)
                    differed = (_(" {n_differed} differing value(s) kept as a conflict (r to "
                                  "choose).").format(n_differed=len(report.differed)) if report.differed else "")
                    moved = counted(report.entries, _("entries"))
                    self.notify(_("Merged: {moved} moved.").format(moved=moved) + differed,
                                markup=False, timeout=8)
                    self.japp.refresh_visible()
                    self.show_document(keep)

            self.app.push_screen(ConfirmScreen(question, yes=_("Merge")), answered)

        self.app.push_screen(MergePickScreen(self.KIND, keep, kept_label,
                                             lambda: self.session.name_catalog(self.KIND)), picked)

    def can_act(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "merge") and self.doc_id is None:
            return None
        if action == "sort_due" and self.KIND == "project":
            return False
        if action == "focus_list":
            return self._in_filter()
        return super().can_act(action, parameters)

    def conflict_target(self) -> tuple[str, str] | None:
        """The shown document's conflicts; from the cross-index, the selected entry's."""
        entries = self.query_one("#doc-entries", EntryList)
        if entries.has_focus:
            return self.entry_conflict(entries.selected_id)
        table = KIND_TABLE[self.KIND]
        if self.doc_id is not None and self.doc_id in self.session.conflicted()[table]:
            return (table, self.doc_id)
        return None

    @on(EntryList.Highlighted, "#doc-entries")
    def _entry_highlighted(self) -> None:
        self.query_one("#doc-detail", EntryDetail).show(
            self.query_one("#doc-entries", EntryList).selected_id)
        self.update_resolve_binding()

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(_("Add {KIND}").format(KIND=kind_name(self.KIND)), _("Create a new {KIND} (a)").format(KIND=kind_name(self.KIND)), self.action_add)
        if self.doc_id is not None:
            yield SystemCommand(_("Edit {KIND}").format(KIND=kind_name(self.KIND)), _("Edit the fields (e)"), self.action_edit)
            yield SystemCommand(_("Delete {KIND}").format(KIND=kind_name(self.KIND)), _("Delete this {KIND} (d)").format(KIND=kind_name(self.KIND)),
                                self.action_delete)
            yield SystemCommand(_("Merge another {KIND} into this one").format(KIND=kind_name(self.KIND)),
                                _("The same {KIND} recorded twice (m)").format(KIND=kind_name(self.KIND)), self.action_merge)
        if self.KIND != "project":
            yield SystemCommand(_("Sort by name") if self.due_first else _("Sort by due (most "
                                "overdue first)"), _("Toggle the list's order (u)"),
                                self.action_sort_due)
        yield from self.conflict_commands()


class ContactsScreen(DocumentsScreen):
    KIND = "contact"
    MODE = "contacts"


class ProjectsScreen(DocumentsScreen):
    KIND = "project"
    MODE = "projects"


class OrganisationsScreen(DocumentsScreen):
    KIND = "organisation"
    MODE = "organisations"

