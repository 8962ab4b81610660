"""Client hand-over bundles: `journal export KIND NAME --format json` and importing them back.

When a client moves to a colleague, the colleague needs the client's file and its whole history in
their own journal, and may be sent an updated bundle later. So a bundle is self-contained and
merges idempotently:

* it holds the documents being handed over in full (a contact or project with its organisation; an
  organisation with all its contacts and projects) and every entry linked to them, all with their
  ids;
* documents an entry merely mentions (another client's person at the same meeting) travel as
  *references*: id, name and organisation only — handing over one client must not hand over
  another client's phone numbers and notes — so every link in the bundle resolves;
* on import, a document keeps its id; one the receiver already has under the same id is merged
  with :func:`journal.sync.merge.merge_docs` (the sync rules: an empty field is filled, sets are united,
  a field both sides set differently keeps the later edit and records the other in ``conflicts``
  — nothing is lost). A document the receiver created independently under the *same folded name*
  (and, for contacts and projects, the same organisation) is merged into theirs instead of
  becoming a namesake; the bundle's ids are mapped onto it. Entries dedupe by id.
* a second import of the same bundle changes nothing (merge results are deterministic: the time
  written into conflict records is the later ``updated_at``, not the clock).

Merge conflicts recorded in the sender's journal are not exported: they are the sender's open
questions, and the receiver could not answer them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from journal.errors import JournalError, ValidationError
from journal.i18n import N_, _
from journal.i18n.terms import kind_name
from journal.interchange.common import ImportReport, describe_error, revalidated
from journal.models import KIND_LINK_FIELD, KIND_TABLE, MODEL_BY_TABLE, ULID_RE, utc_now
from journal.service import Journal
from journal.sync.merge import merge_docs
from journal.text import article, counted, fold

FORMAT = "journal-bundle"
VERSION = 1
DOC_TABLES = ("organisations", "contacts", "projects")
KIND_OF_TABLE = {table: kind for kind, table in KIND_TABLE.items()}


def looks_like_bundle(data: Any) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def _exported(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "conflicts"}


def _reference(doc: dict[str, Any]) -> dict[str, Any]:
    keep = ("name", "organisation_id", "created_at", "updated_at")
    return {k: doc[k] for k in keep if doc.get(k)}


def build_bundle(journal: Journal, kind: str, ref: str) -> dict[str, Any]:
    """The hand-over bundle of the document ``ref`` designates (see the module docstring)."""
    doc_id = journal.find(kind, ref)
    tables = journal.tables
    full: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in DOC_TABLES}
    subject = tables[KIND_TABLE[kind]][doc_id]
    full[KIND_TABLE[kind]][doc_id] = _exported(subject)
    if kind == "organisation":
        for table in ("contacts", "projects"):
            for member_id, member in tables.get(table, {}).items():
                if member.get("organisation_id") == doc_id:
                    full[table][member_id] = _exported(member)
    elif subject.get("organisation_id") in tables.get("organisations", {}):
        org_id = subject["organisation_id"]
        full["organisations"][org_id] = _exported(tables["organisations"][org_id])
    entry_ids = journal.linked_entry_ids(kind, doc_id)
    entries = {i: _exported(tables["entries"][i]) for i in sorted(entry_ids)}
    refs: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in DOC_TABLES}
    wanted = [(KIND_TABLE[k], i) for e in entries.values() for k, f in KIND_LINK_FIELD.items()
              for i in e.get(f, ())]
    wanted += [("organisations", d["organisation_id"]) for t in ("contacts", "projects")
               for d in full[t].values() if d.get("organisation_id")]
    while wanted:  # references of references: a mentioned person's organisation
        table, ref_id = wanted.pop()
        if ref_id in full[table] or ref_id in refs[table]:
            continue
        doc = tables.get(table, {}).get(ref_id)
        if doc is None:  # a dangling link in the sender's file: `journal doctor` reports it
            continue
        refs[table][ref_id] = _reference(doc)
        if doc.get("organisation_id"):
            wanted.append(("organisations", doc["organisation_id"]))
    for entry in entries.values():  # never ship a link the receiver could not resolve
        for k, f in KIND_LINK_FIELD.items():
            if f in entry:
                table = KIND_TABLE[k]
                entry[f] = [i for i in entry[f] if i in full[table] or i in refs[table]]
                if not entry[f]:
                    del entry[f]
    return {"format": FORMAT, "version": VERSION, "exported_at": utc_now(),
            "subject": {"kind": kind, "id": doc_id, "name": subject["name"]},
            **full, "entries": entries, "references": refs}


_TOP_ORDER = ("format", "version", "exported_at", "subject", *DOC_TABLES, "references", "entries")


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    return value


def dump_bundle(bundle: dict[str, Any]) -> bytes:
    """Readable, stable JSON (indented, UTF-8): what the file is (format, subject) on top, where
    someone opening it looks first; keys sorted below that so two exports diff cleanly."""
    ordered = {k: _sorted(bundle[k]) for k in _TOP_ORDER if k in bundle}
    return orjson.dumps(ordered, option=orjson.OPT_INDENT_2) + b"\n"


# -- import ----------------------------------------------------------------------------------------


def _table(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ValidationError(_("{path}: {name} must be an object of documents, found {name__}").format(path=path, name=name, name__=type(value).__name__))
    return value


class _Merger:
    """One bundle's import inside one transaction: the id map, the references and the counts.

    References are taken lazily, when an accepted document or entry links one: a bundle whose
    every entry is refused must not leave stray mentions of other clients behind."""

    def __init__(self, tx: Any, report: ImportReport,
                 refs: dict[str, dict[str, Any]]) -> None:
        self.tx = tx
        self.report = report
        self.refs = refs
        self.id_map: dict[str, str] = {}
        self.failed: set[tuple[str, str]] = set()
        self.changed = False
        self.names: dict[str, dict[tuple[str, str | None], list[str]]] = {}
        #: per table: [new, merged] (references that only resolve links are not counted)
        self.counts: dict[str, list[int]] = {}
        self._redirects: dict[str, tuple[str, str]] | None = None

    def _names(self, table: str) -> dict[tuple[str, str | None], list[str]]:
        if table not in self.names:
            index: dict[tuple[str, str | None], list[str]] = {}
            for doc_id, doc in self.tx.tables.get(table, {}).items():
                index.setdefault((fold(doc["name"]), doc.get("organisation_id")), []).append(doc_id)
            self.names[table] = index
        return self.names[table]

    def _link(self, table: str, bundle_id: Any) -> str | None:
        """The receiver's id for a linked document of the bundle, taking a reference in if
        needed; None when the bundle does not hold it (or it was refused)."""
        if not isinstance(bundle_id, str):
            return None
        if bundle_id in self.id_map:
            return self.id_map[bundle_id]
        if self.tx.get(table, bundle_id) is not None:
            return bundle_id
        moved = self._merged_into(table, bundle_id)
        if moved is not None:
            return moved
        if bundle_id in self.refs.get(table, {}) and (table, bundle_id) not in self.failed:
            self.failed.add((table, bundle_id))  # a reference cycle ends here, refused
            target = self.take(table, bundle_id, self.refs[table][bundle_id], reference=True)
            if target is not None:
                self.failed.discard((table, bundle_id))
            return target
        return None

    def _merged_into(self, table: str, doc_id: str) -> str | None:
        """The document ``doc_id`` was merged into in this journal (journal.clients.merging),
        if it was."""
        if table == "entries":
            return None
        from journal.clients.merging import redirects

        if self._redirects is None:
            self._redirects = redirects(self.tx.tables)
        found = self._redirects.get(doc_id)
        return found[1] if found is not None and KIND_TABLE[found[0]] == table else None

    def _valid(self, table: str, bundle_id: str, doc: Any) -> dict[str, Any]:
        """The incoming document validated, with its links mapped to the receiver's ids."""
        if not isinstance(bundle_id, str) or not (ULID_RE.match(bundle_id) or table in ("days", "reviews")):
            raise ValidationError(_("{bundle_id!r} is not a valid id").format(bundle_id=str(bundle_id)[:40]))  # days: checked below
        if not isinstance(doc, dict):
            raise ValidationError(_("expected an object, found {name__}").format(name__=type(doc).__name__))
        doc = {k: v for k, v in doc.items() if k != "conflicts"}
        if doc.get("organisation_id") is not None and table != "organisations":
            mapped = self._link("organisations", doc["organisation_id"])
            if mapped is None:
                raise ValidationError(_("belongs to an organisation that is not in the bundle"))
            doc["organisation_id"] = mapped
        if table == "entries":
            for kind, field in KIND_LINK_FIELD.items():
                ids = doc.get(field) or []
                if not isinstance(ids, list):
                    raise ValidationError(_("invalid {field}: expected a list of ids").format(field=field))
                mapped_ids = [self._link(KIND_TABLE[kind], i) for i in ids]
                if None in mapped_ids:
                    raise ValidationError(_("links to {article} that is not in the bundle").format(article=article(kind_name(kind))))
                doc[field] = mapped_ids
        # Fields this version does not know (a newer one wrote them) are kept, not dropped.
        clean = revalidated(MODEL_BY_TABLE[table], bundle_id, doc)
        orjson.dumps(clean)  # lone surrogates would break the write of the whole file
        return clean

    def take(self, table: str, bundle_id: Any, doc: Any, *, reference: bool = False) -> str | None:
        """Bring one document or entry in (insert, map onto a namesake, or merge); returns the
        receiver's id for it, or None when it was refused (and reported)."""
        where = f"{'references ' if reference else ''}{table} {str(bundle_id)[:30]}"
        try:
            incoming = self._valid(table, bundle_id, doc)
        except (JournalError, orjson.JSONEncodeError) as exc:
            self.report.rejected.append((where, describe_error(exc)))
            return None
        target = bundle_id if self.tx.get(table, bundle_id) is not None else None
        if target is None and table in DOC_TABLES:
            target = self._merged_into(table, bundle_id)  # merged here since the sender had it
            if target is not None:
                self.id_map[bundle_id] = target
        if target is None and table in DOC_TABLES:
            key = (fold(incoming["name"]), incoming.get("organisation_id"))
            same = self._names(table).get(key, [])
            if len(same) == 1:
                target = same[0]
                self.id_map[bundle_id] = target
        if target is None:
            self.tx.insert(table, incoming, bundle_id)
            if table in DOC_TABLES:
                self._names(table).setdefault(
                    (fold(incoming["name"]), incoming.get("organisation_id")), []).append(bundle_id)
            self.changed = True
            self.report.imported += 1
            self.counts.setdefault(table, [0, 0])[0] += 1
            return bundle_id
        if reference:
            return target  # the receiver's own copy is fuller than a reference
        current = self.tx.get(table, target)
        assert current is not None
        stamps = [s for s in (current.get("updated_at"), incoming.get("updated_at")) if s]
        try:
            merged = merge_docs(None, current, incoming, now=max(stamps))
        except RecursionError:  # journal.sync.merge copies recursively; only a crafted file nests so
            self.report.rejected.append((where, _("the journal's copy is nested too deeply to merge")))
            return None
        if merged == current:
            self.report.unchanged += 1
            return target
        try:
            merged = revalidated(MODEL_BY_TABLE[table], target, merged)
        except JournalError as exc:
            self.report.rejected.append((where, describe_error(exc)))
            return None
        self.tx.replace(table, target, merged)
        self.changed = True
        self.report.merged += 1
        self.counts.setdefault(table, [0, 0])[1] += 1
        return target

    def describe(self) -> str:
        parts = [_("{table}: {new} new, {merged} merged").format(
                     table=kind_name(table), new=new, merged=merged)
                 for table, (new, merged) in sorted(self.counts.items())]
        return _("; ").join(parts) or _("nothing new")


def import_bundle(journal: Journal, path: Path, data: Any) -> ImportReport:
    """Merge the parsed hand-over bundle ``data`` (read from ``path``) into ``journal``."""
    if not looks_like_bundle(data):
        raise ValidationError(_("{path}: not a journal hand-over bundle").format(path=path))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValidationError(_("{path}: the bundle has no valid version").format(path=path))
    if version > VERSION:
        raise ValidationError(_("{path}: made by a newer journal (bundle version {version}; "
                                "this program reads {VERSION}): upgrade journal to import it").format(path=path, version=version, VERSION=VERSION))
    full = {t: _table(data, t, path) for t in (*DOC_TABLES, "entries")}
    refs_raw = _table(data, "references", path)
    refs = {t: _table(refs_raw, t, path) for t in DOC_TABLES}
    report = ImportReport(N_("documents and entries"))
    subject = data.get("subject")
    if isinstance(subject, dict) and isinstance(subject.get("name"), str):
        report.notes.append(("bundle", _("hand-over of {get} {name}: {counted}, {counted2}, "
                                         "{counted3}").format(get=str(subject.get('kind'))[:20], name=subject['name'][:80], counted=counted(len(full['contacts']), _('contacts')), counted2=counted(len(full['projects']), _('projects')), counted3=counted(len(full['entries']), _('entries')))))
    with journal.import_batch() as tx:
        merger = _Merger(tx, report, refs)
        for table in DOC_TABLES:  # organisations first: contacts and projects point at them
            for doc_id, doc in full[table].items():
                merger.take(table, doc_id, doc)
        for doc_id, doc in full["entries"].items():
            merger.take("entries", doc_id, doc)
        for day, doc in _table(data, "days", path).items():  # a whole-journal export's day notes
            merger.take("days", day, doc)
        for period, doc in _table(data, "reviews", path).items():  # and written reviews
            merger.take("reviews", period, doc)
        report.notes.append(("bundle", merger.describe()))
        if merger.changed:
            report.backup = tx.backup("import")
    return report
