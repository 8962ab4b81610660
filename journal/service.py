"""The use cases, shared by the CLI and the TUI: the only way either of them changes the journal.

Every change runs in one storage transaction (lock → reload if changed → apply → one write), so a TUI
open for hours and a ``journal add`` in another terminal never overwrite each other. Reads come from
the store's in-memory copy, refreshed when the file changed on disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

from journal.agenda.usecases import AgendaUseCases
from journal.clients.usecases import ClientUseCases, check_complaint
from journal.config.model import Config
from journal.errors import (
    AmbiguousNameError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from journal.i18n import _
from journal.i18n.terms import kind_name
from journal.models import (
    KIND_LINK_FIELD,
    KIND_TABLE,
    Entry,
    check_date,
    edit_tags,
    effective_origin,
    tag_set,
    utc_now,
)
from journal.names.resolve import Created, LinkRequest, Resolver, label
from journal.names.usecases import DocumentUseCases
from journal.recurrence.usecases import RecurrenceUseCases
from journal.reminders.usecases import ReminderUseCases
from journal.routine.usecases import RoutineUseCases
from journal.storage import (
    JournalStore,
    Snapshot,
    Tables,
    TablesView,
    Transaction,
    check_output,
    load_file,
    new_id,
    write_output,
)
from journal.sync.conflicts import (  # noqa: F401 - Conflict is part of the service's interface
    CONFLICT_TABLES,
    Conflict,
    ConflictUseCases,
)
from journal.text import article

KINDS = ("project", "contact", "organisation")
#: what an entry id or a handle typed for one can consist of (upper-cased)
_ID_TEXT = re.compile(r"[0-9A-Z]+")
#: Up to this many ids, the entries linked to them are found by searching the file's bytes for
#: each id; beyond it, parsing all entries once is cheaper (bench/bench_core.py).
_MENTION_LIMIT = 24


class _Rehearsed(Exception):
    """Ends a rehearsed import batch so that the store drops it unwritten."""


class ImportBatch:
    """One all-or-nothing change made by an importer (CSV, vCard, jrnl, a hand-over bundle).

    The importers decide what to add and merge; this is the only way they touch the journal: the
    documents they read are the fresh ones under the lock, names resolve (and new ones are created)
    inside the same change, and a backup of the file as it was is kept before anything is written.
    Leaving the ``with`` block without an exception writes everything at once."""

    def __init__(self, tx: Transaction, keep_backup: Callable[[str], Path | None]) -> None:
        self._tx = tx
        self._keep_backup = keep_backup
        self.now = utc_now()
        self.resolver = Resolver(tx, self.now)

    @property
    def tables(self) -> TablesView:
        return self._tx.tables

    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        return self._tx.get(table, doc_id)

    def insert(self, table: str, doc: Mapping[str, Any], doc_id: str | None = None) -> str:
        return self._tx.insert(table, doc, doc_id)

    def insert_many(self, table: str, docs: Iterable[Mapping[str, Any]]) -> list[str]:
        """Add documents under new ids (one TinyDB ``insert_multiple``); returns the ids."""
        pairs = [(new_id(), dict(doc)) for doc in docs]
        if pairs:
            self._tx.insert_many(table, pairs)
        return [doc_id for doc_id, _ in pairs]

    def replace(self, table: str, doc_id: str, doc: Mapping[str, Any]) -> None:
        self._tx.replace(table, doc_id, doc)

    def backup(self, reason: str = "import") -> Path | None:
        """Keep a copy of the file as it is before this change is written."""
        return self._keep_backup(reason)


class Journal(DocumentUseCases, ClientUseCases, RoutineUseCases, RecurrenceUseCases,
              ReminderUseCases, AgendaUseCases, ConflictUseCases):
    """The journal file and everything one can do with it (the client files' use cases come from
    :class:`ClientUseCases`; the daily routine's — ticking, carrying over, the day's note, reviews —
    from :class:`RoutineUseCases`; repeating entries, reminders, follow-ups and the agenda from
    the others). ``config``: the user's configuration,
    or the path of its file (default: the usual place), read when first needed."""

    def __init__(self, path: Path | str, config: Config | Path | None = None, *,
                 keep_last_good: bool = False) -> None:
        self.store = JournalStore(path)
        self._config_source = config
        self._config: Config | None = None
        #: Reads serve the data as last read when the file has become unreadable since (conflict
        #: markers from a ``git pull`` without the merge driver, a half-written hand edit):
        #: what a long-open UI wants, so that what is on screen stays while :attr:`problem` says
        #: why. Writes still refuse such a file. Off for the CLI, which reports and stops.
        self.keep_last_good = keep_last_good
        #: Why the file cannot be read now (one line with the path and how to fix it), or None.
        self.problem: str | None = None

    def warm_search_cache(self, *, detached: bool = False) -> bool:
        """Leave the derived search cache (journal.search.cache) describing the file as this
        journal last wrote or read it, from the data in memory: after an import or a restore of
        100k entries the first ``journal search`` / ``week`` would otherwise parse, validate and
        index the whole file again. Only a speed-up: nothing is raised.

        ``detached``: in a child process that outlives this one (the ``journal`` program, whose
        answer is printed already; see journal.search.cache.background). True when the child
        took it over: end this process at once with ``os._exit``."""

        def prime() -> None:
            try:
                written = self.store.written()
                if written is not None:
                    from journal.search.cache.reader import prime

                    prime(self.store.path, *written)
            except Exception:  # noqa: BLE001 - the next search builds the cache itself
                pass

        if detached:
            from journal.search.cache.background import build_detached

            if build_detached(self.store.path, prime):
                return True
        prime()
        return False

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def tables(self) -> Tables:
        """The current data (refreshed if the file changed on disk), every table parsed; read-only."""
        try:
            tables = self.store.read()
        except StorageError as exc:
            return self._last_good(exc).full()
        self.problem = None
        return tables

    @property
    def view(self) -> TablesView:
        """The current data with each table parsed only when used as a whole (read-only). The use
        cases below read through it: a one-shot command on a 100k-entry journal usually needs the
        contacts and a few entries, and parsing (and later freeing) the rest cost most of its time."""
        try:
            view = self.store.view()
        except StorageError as exc:
            return TablesView(self._last_good(exc))
        self.problem = None
        return view

    @property
    def generation(self) -> int:
        """Changes whenever the data changes; UIs and indexes compare it to know when to rebuild.
        With :attr:`keep_last_good`, an unreadable file leaves it (and the data) as it was."""
        try:
            self.store.refresh()
        except StorageError as exc:
            self._last_good(exc)
        else:
            self.problem = None
        return self.store.generation

    def check_file(self) -> str | None:
        """Why the file cannot be read now, or None when it can (reads it if it changed)."""
        self.generation  # noqa: B018 - refreshes, and sets or clears the problem
        return self.problem

    def _last_good(self, exc: StorageError) -> Snapshot:
        snapshot = self.store.last_good() if self.keep_last_good else None
        if snapshot is None:
            raise exc
        self.problem = str(exc)
        return snapshot

    def label(self, kind: str, doc_id: str) -> str:
        return label(self.view, kind, doc_id)

    # -- entries ------------------------------------------------------------------------
    def add_entry(self, *, event: str, date: str, time: str | None = None,
                  end_time: str | None = None, summary: str = "", status: str = "done",
                  tags: Iterable[str] = (), links: LinkRequest | None = None,
                  complaint: bool = False, resolution: str = "", resolved_on: str | None = None,
                  priority: str = "", origin: str | None = None,
                  expenses: Iterable[Mapping[str, Any]] = (),
                  recurrence: str | None = None, remind_at: str | None = None,
                  ) -> tuple[Entry, list[Created]]:
        """Add one entry, linking (or creating) the named projects, contacts and organisations.
        ``origin`` defaults to "planned" for an entry written down as planned, else to nothing
        (it came up on the day); ticking it off later keeps it.

        ``recurrence`` (a stored rule: journal.recurrence.rules.parse_repeat) makes it a series:
        planned, starting on the rule's first day on or after ``date``. ``remind_at``: when to
        remind (journal.reminders.timing.parse_remind), for a series its first occurrence."""
        now = utc_now()
        if recurrence is not None:
            date, status = _series_start(recurrence, date), "planned"
        if origin is None:
            origin = "planned" if status == "planned" else ""
        entry = Entry(date=date, time=time, end_time=end_time, event=event, summary=summary,
                      status=status, tags=list(tags), priority=priority, origin=origin,
                      expenses=[dict(x) for x in expenses], created_at=now, updated_at=now,
                      complaint=complaint, resolution=resolution, resolved_on=resolved_on,
                      recurrence=recurrence, remind_at=remind_at)
        entry.validate()  # fail on bad input before touching names
        check_complaint(entry)
        with self.store.transaction() as tx:
            resolver = Resolver(tx, now)
            for name, ids in resolver.resolve_links(links or LinkRequest()).items():
                setattr(entry, name, ids)
            entry.id = tx.insert("entries", entry.to_doc())
        return entry, resolver.created

    def get_entry(self, ref: str) -> Entry:
        """An entry by id, or by a unique prefix or suffix of its id (at least 4 characters); an
        occurrence of a repeating entry by ``SERIES_ID@YYYY-MM-DD`` (journal.recurrence)."""
        if "@" in ref:
            return self.get_occurrence(ref)
        view = self.view
        key = ref.strip().upper()
        doc = view.get_doc("entries", key) if _ID_TEXT.fullmatch(key) else None
        if doc is not None:
            return Entry.from_doc(key, doc)
        if len(key) >= 4 and _ID_TEXT.fullmatch(key):
            # ids minted in the same millisecond share a long prefix; their random tail is unique
            hits = sorted(view.ids_matching("entries", key))
            if len(hits) == 1:
                found = view.get_doc("entries", hits[0])
                assert found is not None
                return Entry.from_doc(hits[0], found)
            if len(hits) > 1:
                raise AmbiguousNameError(_("{ref!r} matches {n_hits} entry ids; give more of "
                                           "the id").format(ref=ref, n_hits=len(hits)))
        raise NotFoundError(_("no entry with id {strip!r}").format(strip=ref.strip()))

    def edit_entry(self, ref: str, changes: Mapping[str, Any], *,
                   add: LinkRequest | None = None, remove: LinkRequest | None = None,
                   add_tags: Iterable[str] = (), remove_tags: Iterable[str] = (),
                   add_expenses: Iterable[Mapping[str, Any]] = (),
                   base: Mapping[str, Any] | None = None) -> tuple[Entry, list[Created]]:
        """Change fields, links and tags of an entry.

        Setting the status to planned here re-plans the entry: unless ``changes`` says otherwise,
        its origin becomes "planned" too (ticking, unlike this, never changes the origin).
        ``add_expenses`` are appended, under the lock, to the expenses the entry has then.

        ``base`` is the document as the caller saw it (the TUI editor's starting point): a field that
        someone else changed meanwhile and this edit changes too keeps this edit, and the other value
        is recorded in ``conflicts`` instead of vanishing.

        ``add_tags`` / ``remove_tags`` (like ``add`` / ``remove`` for links) are applied inside the
        transaction to the entry as read under the lock: a caller that computed the new tag list
        itself from an earlier read would drop a tag another process added meanwhile.
        """
        if "@" in ref:  # one occurrence: an exception on its series
            if any((add or LinkRequest()).by_kind().values()) \
                    or any((remove or LinkRequest()).by_kind().values()) or add_tags or remove_tags:
                raise ValidationError(_("links and tags belong to the whole series: edit the "
                                        "series ({split}) to change them").format(split=ref.split('@')[0]))
            change = self.edit_occurrence(ref, changes)
            if change.occurrence is None:  # pragma: no cover - an edit deletes nothing
                raise NotFoundError(_("occurrence {ref} vanished").format(ref=ref))
            return change.occurrence, []
        add_tags, remove_tags = tag_set(add_tags, "tag"), tag_set(remove_tags, "tag to remove")
        if add_tags & remove_tags:
            raise ValidationError(_("tag {sorted!r} is both added and removed").format(sorted=sorted(add_tags & remove_tags)[0]))
        entry_id = self.get_entry(ref).id
        now = utc_now()
        with self.store.transaction() as tx:
            current = tx.get("entries", entry_id)
            if current is None:
                raise NotFoundError(_("entry {entry_id} was deleted meanwhile").format(entry_id=entry_id))
            entry = Entry.from_doc(entry_id, current)
            resolver = Resolver(tx, now)
            conflicts = list(entry.conflicts)
            for name, value in changes.items():
                if name not in Entry.__dataclass_fields__ or name in ("id", "created_at", "conflicts"):
                    raise ValidationError(_("unknown entry field {name!r}").format(name=name))
                theirs = current.get(name)
                if base is not None and theirs != base.get(name) and theirs != value and theirs:
                    conflicts.append({"field": name, "value": theirs,
                                      "updated_at": current["updated_at"], "recorded_at": now})
                setattr(entry, name, value)
            for name, ids in resolver.resolve_links(add or LinkRequest()).items():
                setattr(entry, name, sorted(set(getattr(entry, name)) | set(ids)))
            for kind, refs in (remove or LinkRequest()).by_kind().items():
                link_field = KIND_LINK_FIELD[kind]
                linked = set(getattr(entry, link_field))
                for ref_ in refs:
                    ids = set(resolver.index(kind).find(ref_)) & linked
                    if not ids:
                        raise NotFoundError(_("entry is not linked to {article} {strip!r}").format(article=article(kind_name(kind)), strip=ref_.strip()))
                    if len(ids) > 1:
                        raise resolver.index(kind).ambiguous(ref_, sorted(ids))
                    linked -= ids
                setattr(entry, link_field, sorted(linked))
            entry.tags = edit_tags(entry.tags, add_tags, remove_tags)
            if changes.get("status") == "planned" and "origin" not in changes:
                entry.origin = "planned"
            entry.expenses = [*entry.expenses, *(dict(x) for x in add_expenses)]
            entry.conflicts = conflicts
            entry.updated_at = now
            doc = entry.to_doc()
            check_complaint(entry)
            tx.replace("entries", entry_id, doc)
        return entry, resolver.created

    def delete_entry(self, ref: str) -> Entry:
        entry = self.get_entry(ref)
        if "@" in entry.id:
            self.delete_occurrence(entry.id)
            return entry
        with self.store.transaction() as tx:
            if tx.get("entries", entry.id) is None:
                raise NotFoundError(_("no entry with id {id}").format(id=entry.id))
            tx.remove("entries", entry.id)
        return entry

    def entries_between(self, start: str | None = None, end: str | None = None) -> list[Entry]:
        """Entries with start <= date <= end, in time order (untimed entries first in a day).
        A repeating entry is listed as its occurrences in the period (when the period is open,
        from its first day to a year after the last entry or today): see journal.recurrence."""
        found = self.entries_where(lambda _id, d: (start is None or d["date"] >= start)
                                   and (end is None or d["date"] <= end) and not d.get("recurrence"),
                                   among=self.dated_entry_docs(start, end))
        series = self.series()
        single = [Entry.from_doc(i, d) for i, d in self._between_docs(start, end).items()
                  if d.get("recurrence") and i not in series]  # a rule not understood: one entry
        if not series and not single:
            return found
        low = date.fromisoformat(start) if start else min(
            (date.fromisoformat(d["date"]) for d in series.values()), default=date.today())
        high = date.fromisoformat(end) if end else date.today().replace(
            year=date.today().year + 1)
        found += single + self.occurrences_between(low, high)
        found.sort(key=entry_sort_key)
        return found

    def _between_docs(self, start: str | None, end: str | None) -> dict[str, Any]:
        docs = self.view.mentioning("entries", ['"recurrence"'])
        return {i: d for i, d in docs.items() if (start is None or d["date"] >= start)
                and (end is None or d["date"] <= end)}

    def dated_entry_docs(self, start: str | None, end: str | None) -> dict[str, Any] | None:
        """For a period of up to two months (a day, a week, a month: what one lists), a superset
        of its entries found in the file's bytes by their date lines (TablesView.field_between),
        so the other 100k are not parsed; None (meaning all entries) for longer or open periods."""
        if start is None or end is None or not start <= end \
                or (date.fromisoformat(end) - date.fromisoformat(start)).days > 62:
            return None
        return self.view.field_between("entries", "date", start, end)

    def entries_where(self, keep: Callable[[str, dict[str, Any]], bool],
                      among: Mapping[str, dict[str, Any]] | None = None) -> list[Entry]:
        """Entries whose raw document passes ``keep``, in time order, out of ``among`` (e.g.
        :meth:`linked_entry_docs`) or all. Filtering raw documents first and building model objects
        only for the survivors keeps listing a 25k journal fast."""
        source = self.view.get("entries", {}) if among is None else among
        docs = [(i, d) for i, d in source.items() if keep(i, d)]
        docs.sort(key=lambda item: (item[1]["date"], item[1].get("time") or "", item[0]))
        return [Entry.from_doc(i, d) for i, d in docs]

    def linked_entry_ids(self, kind: str, doc_id: str) -> set[str]:
        """Ids of entries linked to a document; for an organisation also through its contacts and
        projects (that is where most of a client's history hangs)."""
        return set(self.linked_entry_docs(kind, doc_id))

    def linked_entry_docs(self, kind: str, doc_id: str) -> dict[str, dict[str, Any]]:
        """The raw documents of :meth:`linked_entry_ids`. The candidates are the entries whose
        stored text holds one of the linked ids (found in the file's bytes, see
        TablesView.mentioning), then filtered exactly, so only those few entries are parsed."""
        view = self.view
        targets = {KIND_LINK_FIELD[kind]: {doc_id}}
        if kind == "organisation":
            for sub_kind in ("contact", "project"):
                targets[KIND_LINK_FIELD[sub_kind]] = {
                    i for i, d in view.get(KIND_TABLE[sub_kind], {}).items()
                    if d.get("organisation_id") == doc_id}
        needles = set().union(*targets.values())
        candidates = (view.mentioning("entries", needles) if len(needles) <= _MENTION_LIMIT
                      else view.get("entries", {}))
        return {entry_id: doc for entry_id, doc in candidates.items()
                if any(set(doc.get(f, ())) & ids for f, ids in targets.items())}

    def links_to(self, kind: str, doc_id: str, doc: Mapping[str, Any]) -> bool:
        """Whether an entry document is linked to a document (an organisation also through the
        entry's contacts and projects), as :meth:`linked_entry_docs` counts it."""
        if kind == "organisation":
            from journal.models import entry_organisations

            view = self.view
            return doc_id in entry_organisations(doc, view.get("contacts", {}), view.get("projects", {}))
        return doc_id in (doc.get(KIND_LINK_FIELD[kind]) or ())

    def linked_entries(self, kind: str, doc_id: str) -> list[Entry]:
        """The cross-index: every linked entry, newest first."""
        out = [Entry.from_doc(i, d) for i, d in self.linked_entry_docs(kind, doc_id).items()]
        out.sort(key=entry_sort_key, reverse=True)
        return out

    def entry_view(self, entry: Entry,
                   follow_ups: Mapping[str, list[Entry]] | None = None) -> dict[str, Any]:
        """The entry as shown to people and scripts: links as names, not ids. ``follow_ups``:
        :meth:`follow_up_index` when viewing many entries (else this entry's are looked up)."""
        tables = self.view
        view: dict[str, Any] = {
            "id": entry.id, "date": entry.date, "time": entry.time, "end_time": entry.end_time,
            "event": entry.event, "summary": entry.summary, "status": entry.status,
            "tags": entry.tags, "priority": entry.priority or "normal",
            "origin": effective_origin({"origin": entry.origin, "status": entry.status})}
        if entry.carried_from:
            view["carried_from"] = entry.carried_from
        for kind in KINDS:
            ids = getattr(entry, KIND_LINK_FIELD[kind])
            view[KIND_TABLE[kind]] = [label(tables, kind, i) for i in ids]
        if entry.expenses:
            view["expenses"] = entry.expenses
        if entry.recurrence:
            from journal.recurrence.rules import describe_rule

            view["repeat"] = describe_rule(entry.recurrence)
            view["recurrence"] = entry.recurrence
        if "@" in entry.id:
            series_id, _, day = entry.id.partition("@")
            view["series"] = series_id
            view["occurrence"] = day
        if entry.remind_at:
            view["remind_at"] = entry.remind_at
            view["reminded"] = entry.reminded == entry.remind_at
        if entry.follows_id:
            view["follows"] = entry.follows_id
            with suppress(NotFoundError, ValidationError):
                followed = self.get_entry(entry.follows_id)
                view["follows_event"] = f"{followed.date} {followed.event}"
        ups = (follow_ups.get(entry.id, []) if follow_ups is not None
               else self.follow_ups_of(entry.id) if not entry.recurrence else [])
        if ups:
            view["follow_ups"] = [{"id": e.id, "date": e.date, "event": e.event, "status": e.status}
                                  for e in ups]
            view["open_follow_ups"] = sum(e.status == "planned" for e in ups)
        if entry.complaint:
            view["complaint"] = entry.complaint_state
            view["resolved_on"] = entry.resolved_on
            view["resolution"] = entry.resolution
        if entry.handover_to:
            view["handover"] = {"from": entry.handover_from, "to": entry.handover_to,
                                "witness": entry.handover_witness}
        if entry.conflicts:
            view["conflicts"] = entry.conflicts
        return view

    # -- bulk changes, backups, output files ---------------------------------------------
    @contextmanager
    def import_batch(self, *, rehearse: bool = False) -> Iterator[ImportBatch]:
        """An :class:`ImportBatch`: the importers' one door to the journal. ``rehearse`` (``journal
        import --dry-run``) runs the very same change under the lock and then drops it: nothing
        is written and no backup kept, so the importer's report is exactly what would happen."""
        if not rehearse:
            with self.store.transaction() as tx:
                yield ImportBatch(tx, self.store.backup)
            return
        with suppress(_Rehearsed), self.store.transaction() as tx:
            yield ImportBatch(tx, lambda reason: None)
            raise _Rehearsed

    def keep_backup(self, reason: str) -> Path | None:
        """Keep a copy of the file as it is now (0600, beside it) before a change that is hard
        to undo by hand, such as merging two clients; the newest few are kept."""
        return self.store.backup(reason)

    def exists(self) -> bool:
        """Whether the file exists yet (the first change creates it)."""
        return self.store.exists()

    def backups(self) -> list[Path]:
        """Copies kept before imports, restores and migrations, newest first."""
        return self.store.list_backups()

    def restore(self, source: Path) -> tuple[Tables, Path | None]:
        """Replace the journal with the (validated) file ``source``, keeping a backup of the
        current file first; returns (what was restored, that backup)."""
        data = load_file(source)
        saved = self.store.backup("restore")
        self.store.replace_all(data)
        return data, saved

    def check_output(self, target: Path) -> None:
        """Refuse, before any work, an output path that is the journal or one of its own files."""
        check_output(target, self.path)

    def write_output(self, target: Path, data: bytes) -> None:
        """Write a report or export for the user: checked like :meth:`check_output`, then
        atomically with mode 0600 (client data)."""
        write_output(target, data, self.path)


def _series_start(rule: str, day: str) -> str:
    """A new series starts on its rule's first day on or after ``day``."""
    from journal.recurrence.expand import first_on_or_after

    try:
        first = first_on_or_after(rule, date.fromisoformat(check_date(day)))
    except ValueError as exc:
        raise ValidationError(_("invalid recurrence {rule!r}: {exc}").format(rule=rule[:60], exc=exc)) from None
    if first is None:
        raise ValidationError(_("the rule {rule!r} never repeats from {day}").format(rule=rule[:60], day=day))
    return first.isoformat()


def entry_sort_key(entry: Entry) -> tuple[str, str, str]:
    """Chronological order; an untimed entry sorts before the timed ones of its day."""
    return (entry.date, entry.time or "", entry.id)


def read_journal_file(path: Path) -> Tables:
    """The validated content of a journal file that is not the open one (a backup to restore)."""
    return load_file(path)


def check_output_path(target: Path, journal_path: Path) -> None:
    """:meth:`Journal.check_output` for commands that read through the search cache."""
    check_output(target, journal_path)


def write_output_file(target: Path, data: bytes, journal_path: Path) -> None:
    """:meth:`Journal.write_output` for commands that read through the search cache."""
    write_output(target, data, journal_path)
