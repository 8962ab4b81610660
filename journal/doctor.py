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
from journal.models import KIND_LINK_FIELD, KIND_TABLE, MODEL_BY_TABLE, SCHEMA_VERSION
from journal.text import clean_line, counted


def program_line() -> str:
    """Which program checks: its version, the data format it writes, and where it runs."""
    return clean_line(f"journal {__version__} (data format {SCHEMA_VERSION}), Python "
                      f"{platform.python_version()} at {sys.executable}")


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
                notes.append(f"{table} {doc_id}: unknown field{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))} (kept as is; from a newer version "
                             "of journal, or edited by hand?)")
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
                    problems.append(f"entries {entry_id}: {link_field} points at {kind} "
                                    f"{doc_id}, merged into {into}; `journal {command} merge "
                                    f"{into} {doc_id}` moves such links")
                else:
                    problems.append(f"entries {entry_id}: {link_field} points at a missing "
                                    f"{kind} {doc_id}")
    notes += _follow_through_notes(tables.get("entries", {}))
    orgs = tables.get("organisations", {})
    for table in ("contacts", "projects"):
        for doc_id, doc in tables.get(table, {}).items():
            if doc.get("organisation_id") and doc["organisation_id"] not in orgs:
                problems.append(f"{table} {doc_id}: organisation_id points at a missing "
                                f"organisation {doc['organisation_id']}")
    for old, record in merged.items():
        kind = record.get("kind")
        if kind in KIND_TABLE and record.get("into") not in tables.get(KIND_TABLE[kind], {}) \
                and record.get("into") not in merged:
            notes.append(f"merged {kind} {old} went into {record.get('into')}, which is gone")
    counts = ", ".join(counted(len(tables.get(t, {})), t) for t in
                       ("entries", "contacts", "projects", "organisations", "days", "reviews"))
    notes.append(counts)
    if conflicted:
        notes.append(f"merge conflicts recorded in {counted(conflicted, 'documents')} "
                     "(see `journal conflicts`)")
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
            notes.append(f"entries {entry_id}: the repeat rule {str(rule)[:60]!r} is not understood; "
                         "the entry shows once, on its date (`journal edit ID --repeat …` sets one)")
        target = entry.get("follows_id")
        if isinstance(target, str) and target:
            occurrence = split_id(target)
            if (occurrence[0] if occurrence else target) not in entries:
                notes.append(f"entries {entry_id}: follows up {target}, which is gone")
    return notes
