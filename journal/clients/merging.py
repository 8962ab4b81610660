"""Merging a client recorded twice (the same 王芳 typed by hand and imported from a phone): the
rules, shared by ``journal contact merge`` and by the sync merge that follows it on other machines.

One document is kept; the other's fields fill the kept one's empty fields, lists (phones, e-mails,
tags) are united, and a field both hold with different values keeps the kept one's value and records
the other's in the kept document's ``conflicts`` — the app and ``journal conflicts`` then offer it,
so nothing typed is lost. Every link to the other document moves to the kept one; the other is
removed and a record of where it went is left in the ``merged`` table.

That record is what makes the merge sync: another machine may have linked new entries to the other
document (or edited it) before it pulled. After the three-way merge of the two files,
:func:`follow_merges` moves such links to the kept document and folds such edits into it, so both
machines end with the same, fully linked journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journal.models import KIND_LINK_FIELD, KIND_TABLE

Doc = dict[str, Any]
SET_FIELDS = frozenset({"tags", "phones", "emails"})
_OWN = frozenset({"created_at", "updated_at", "conflicts"})
_LINKED_TABLES = ("contacts", "projects")  # documents with an organisation_id


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def combine(kept: Mapping[str, Any], other: Mapping[str, Any], now: str
            ) -> tuple[Doc, list[str], list[tuple[str, Any, Any]]]:
    """``kept`` with ``other`` folded in: (document, fields filled from other, fields that differed
    as (field, kept value, other value)). Pure; the differing values are recorded in
    ``conflicts`` with the other document's ``updated_at``."""
    out: Doc = {k: v for k, v in kept.items() if not _empty(v)}
    filled: list[str] = []
    differed: list[tuple[str, Any, Any]] = []
    records = [dict(r) for r in kept.get("conflicts") or () if isinstance(r, Mapping)]
    for key in sorted(other):
        value = other[key]
        if key in _OWN or _empty(value):
            continue
        mine = out.get(key)
        if key in SET_FIELDS and isinstance(value, list) and isinstance(mine, list | None):
            united = sorted(set(mine or ()) | set(value))
            if united != sorted(mine or ()):
                out[key] = united
                filled.append(key)
        elif mine is None:
            out[key] = value
            filled.append(key)
        elif mine != value:
            differed.append((key, mine, value))
            record = {"field": key, "value": value, "recorded_at": now}
            if isinstance(other.get("updated_at"), str):
                record["updated_at"] = other["updated_at"]
            if record not in records:
                records.append(record)
    for record in other.get("conflicts") or ():
        if isinstance(record, Mapping) and dict(record) not in records:
            records.append(dict(record))
    if records:
        out["conflicts"] = records
    stamps = [s for s in (kept.get("created_at"), other.get("created_at")) if isinstance(s, str)]
    if stamps:
        out["created_at"] = min(stamps)
    return out, filled, differed


def redirects(data: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """Merged-away id -> (kind, the document it lives on as now), following chains (C merged into
    B, B into A: C → A). Only targets that exist count; a cycle (two machines merging A into B and
    B into A) leaves those ids alone."""
    records = data.get("merged") or {}
    out: dict[str, tuple[str, str]] = {}
    for old, record in records.items():
        if not isinstance(record, Mapping) or record.get("kind") not in KIND_TABLE:
            continue
        kind = record["kind"]
        table = data.get(KIND_TABLE[kind]) or {}
        seen = {old}
        target = record.get("into")
        while isinstance(target, str) and target in records and target not in seen:
            seen.add(target)  # merged on in turn (it may be back in its table: folded below)
            nxt = records[target]
            target = nxt.get("into") if isinstance(nxt, Mapping) and nxt.get("kind") == kind else None
        if isinstance(target, str) and target in table and target not in seen:
            out[old] = (kind, target)
    return out


def follow_merges(data: dict[str, dict[str, Doc]], now: str) -> int:
    """Apply the ``merged`` records to ``data`` in place: fold documents that came back (edited
    elsewhere after the merge) into the one they were merged into, and move links to merged
    documents onto it. Returns the number of documents changed. Deterministic (depends only on
    ``data`` and ``now``), so both machines merging the same histories agree byte for byte."""
    moves = redirects(data)
    if not moves:
        return 0
    changed = 0
    for old, (kind, target) in sorted(moves.items()):
        table = data.get(KIND_TABLE[kind])
        if table is None or old not in table:
            continue
        revived = table.pop(old)
        kept = table[target]
        merged, _, _ = combine(kept, revived, now)
        stamps = [s for s in (kept.get("updated_at"), revived.get("updated_at")) if isinstance(s, str)]
        if stamps:
            merged["updated_at"] = max(stamps)
        table[target] = merged
        changed += 1
    by_kind: dict[str, dict[str, str]] = {}
    for old, (kind, target) in moves.items():
        by_kind.setdefault(kind, {})[old] = target
    for entry_id, entry in (data.get("entries") or {}).items():
        new = dict(entry)
        for kind, mapping in by_kind.items():
            field = KIND_LINK_FIELD[kind]
            ids = entry.get(field)
            if isinstance(ids, list) and any(i in mapping for i in ids):
                new[field] = sorted({mapping.get(i, i) for i in ids})
        if new != entry:
            data["entries"][entry_id] = new
            changed += 1
    orgs = by_kind.get("organisation", {})
    for table_name in _LINKED_TABLES if orgs else ():
        for doc_id, doc in (data.get(table_name) or {}).items():
            if doc.get("organisation_id") in orgs:
                data[table_name][doc_id] = {**doc, "organisation_id": orgs[doc["organisation_id"]]}
                changed += 1
    records = data.get("merged") or {}
    for old, record in records.items():  # keep chains one step long
        if old in moves and record.get("into") != moves[old][1]:
            records[old] = {**record, "into": moves[old][1]}
    return changed


def mentions_merged(doc_bytes: bytes, merged_ids: frozenset[bytes]) -> bool:
    """Whether a document's stored bytes hold one of the merged-away ids (the sync merge's fast
    path then hands the file to the full merge, where :func:`follow_merges` sees everything)."""
    return any(i in doc_bytes for i in merged_ids)
