"""`journal doctor`: a thorough check of a journal file, beyond what every load checks.

Loading already refuses files of the wrong shape or types (journal.datafile.validate). The doctor also
validates every document against the model, and finds links that point at nothing and recorded merge
conflicts waiting for a decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journal.errors import JournalError
from journal.models import KIND_LINK_FIELD, KIND_TABLE, MODEL_BY_TABLE
from journal.text import counted


def diagnose(tables: Mapping[str, Mapping[str, dict[str, Any]]]) -> tuple[list[str], list[str]]:
    """Return (problems, notes): problems make the file unsound; notes are worth knowing."""
    problems: list[str] = []
    notes: list[str] = []
    conflicted = 0
    for table, model in MODEL_BY_TABLE.items():
        for doc_id, doc in tables.get(table, {}).items():
            try:
                model.from_doc(doc_id, doc)
            except JournalError as exc:
                problems.append(str(exc))
            if doc.get("conflicts"):
                conflicted += 1
    for entry_id, entry in tables.get("entries", {}).items():
        for kind, link_field in KIND_LINK_FIELD.items():
            known = tables.get(KIND_TABLE[kind], {})
            for doc_id in entry.get(link_field, ()):
                if doc_id not in known:
                    problems.append(f"entries {entry_id}: {link_field} points at a missing "
                                    f"{kind} {doc_id}")
    orgs = tables.get("organisations", {})
    for table in ("contacts", "projects"):
        for doc_id, doc in tables.get(table, {}).items():
            if doc.get("organisation_id") and doc["organisation_id"] not in orgs:
                problems.append(f"{table} {doc_id}: organisation_id points at a missing "
                                f"organisation {doc['organisation_id']}")
    counts = ", ".join(counted(len(tables.get(t, {})), t) for t in
                       ("entries", "contacts", "projects", "organisations", "days", "reviews"))
    notes.append(counts)
    if conflicted:
        notes.append(f"merge conflicts recorded in {counted(conflicted, 'documents')} "
                     "(see `journal conflicts`)")
    return problems, notes
