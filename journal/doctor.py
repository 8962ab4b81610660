"""`journal doctor`: a thorough check of a journal file, beyond what every load checks.

Loading already refuses files of the wrong shape or types (journal.datafile.validate). The doctor also
validates every document against the model, and finds links that point at nothing and recorded merge
conflicts waiting for a decision.
"""

from __future__ import annotations

import dataclasses
import platform
import sys
from collections.abc import Mapping
from typing import Any

from journal import __version__
from journal.errors import JournalError
from journal.i18n import _, ngettext
from journal.i18n.terms import kind_name
from journal.models import KIND_LINK_FIELD, KIND_TABLE, MODEL_BY_TABLE, SCHEMA_VERSION
from journal.text import clean_line, counted


def program_line() -> str:
    """Which program checks: its version, the data format it writes, and where it runs."""
    return clean_line(_("journal {version__} (data format {SCHEMA_VERSION}), Python "
                        "{python_version} at {executable}").format(version__=__version__, SCHEMA_VERSION=SCHEMA_VERSION, python_version=platform.python_version(), executable=sys.executable))


def diagnose(tables: Mapping[str, Mapping[str, dict[str, Any]]]) -> tuple[list[str], list[str]]:
    """Return (problems, notes): problems make the file unsound; notes are worth knowing."""
    problems: list[str] = []
    notes: list[str] = []
    conflicted = 0
    for table, model in MODEL_BY_TABLE.items():
        known = {f.name for f in dataclasses.fields(model)}
        for doc_id, doc in tables.get(table, {}).items():
            try:
                model.from_doc(doc_id, doc)
            except JournalError as exc:
                problems.append(str(exc))
            unknown = sorted(set(doc) - known) if isinstance(doc, dict) else []
            if unknown:
                notes.append(ngettext(
                    "{table} {doc_id}: unknown field {fields} (kept as is; from a newer version "
                    "of journal, or edited by hand?)",
                    "{table} {doc_id}: unknown fields {fields} (kept as is; from a newer version "
                    "of journal, or edited by hand?)", len(unknown)).format(
                        table=table, doc_id=doc_id, fields=", ".join(map(repr, unknown))))
            if doc.get("conflicts"):
                conflicted += 1
    merged = tables.get("merged", {})
    for entry_id, entry in tables.get("entries", {}).items():
        for kind, link_field in KIND_LINK_FIELD.items():
            known = tables.get(KIND_TABLE[kind], {})
            for doc_id in entry.get(link_field, ()):
                if doc_id in known:
                    continue
                into = merged.get(doc_id, {}).get("into")
                if into in known:  # a file merged without the merge driver
                    command = "org" if kind == "organisation" else kind
                    problems.append(_("entries {entry_id}: {link_field} points at {kind} "
                                      "{doc_id}, merged into {into}; `journal {command} merge "
                                      "{into} {doc_id}` moves such links").format(entry_id=entry_id, link_field=link_field, kind=kind_name(kind), doc_id=doc_id, into=into, command=command))
                else:
                    problems.append(_("entries {entry_id}: {link_field} points at a missing "
                                      "{kind} {doc_id}").format(entry_id=entry_id, link_field=link_field, kind=kind, doc_id=doc_id))
    notes += _follow_through_notes(tables.get("entries", {}))
    orgs = tables.get("organisations", {})
    for table in ("contacts", "projects"):
        for doc_id, doc in tables.get(table, {}).items():
            if doc.get("organisation_id") and doc["organisation_id"] not in orgs:
                problems.append(_("{table} {doc_id}: organisation_id points at a missing "
                                  "organisation {organisation_id}").format(table=table, doc_id=doc_id, organisation_id=doc['organisation_id']))
    for old, record in merged.items():
        kind = record.get("kind")
        if kind in KIND_TABLE and record.get("into") not in tables.get(KIND_TABLE[kind], {}) \
                and record.get("into") not in merged:
            notes.append(_("merged {kind} {old} went into {get}, which is gone").format(kind=kind_name(kind), old=old, get=record.get('into')))
    counts = ", ".join(counted(len(tables.get(t, {})), t) for t in
                       ("entries", "contacts", "projects", "organisations", "days", "reviews"))
    notes.append(counts)
    if conflicted:
        notes.append(_("merge conflicts recorded in {counted} (see `journal conflicts`)").format(counted=counted(conflicted, _('documents'))))
    return problems, notes


def _follow_through_notes(entries: Mapping[str, dict[str, Any]]) -> list[str]:
    """Repeat rules this program cannot expand (such an entry shows as one entry), and
    follow-ups of entries that are gone."""
    from journal.recurrence.series import is_series, split_id

    notes = []
    for entry_id, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        rule = entry.get("recurrence")
        if rule and not is_series(entry):
            notes.append(_("entries {entry_id}: the repeat rule {rule!r} is not understood; "
                           "the entry shows once, on its date (`journal edit ID --repeat …` "
                           "sets one)").format(entry_id=entry_id, rule=str(rule)[:60]))
        target = entry.get("follows_id")
        if isinstance(target, str) and target:
            occurrence = split_id(target)
            if (occurrence[0] if occurrence else target) not in entries:
                notes.append(_("entries {entry_id}: follows up {target}, which is gone").format(entry_id=entry_id, target=target))
    return notes
