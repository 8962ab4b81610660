"""Benchmark: merge two 25k-entry journals that diverged by 500 edits each.

DESIGN.md targets the whole merge driver on two divergent 25k files at < 1 s; this measures the pure
merge (inputs already parsed, as three independent object graphs like the driver gets them) so a
regression in :mod:`journal.sync.merge` shows up apart from parsing and writing.

Run from the repository root: ``.venv/bin/python -m bench.bench_merge [entries] [edits]``
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

import orjson

from journal.sync.merge import merge_data_with_stats

STAMP = "2026-{:02d}-{:02d}T{:02d}:{:02d}:00.000000Z"


def _stamp(rng: random.Random) -> str:
    return STAMP.format(rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))


def build_base(n_entries: int, rng: random.Random) -> dict[str, Any]:
    """A journal shaped like a decade of real use: entries with links and tags, some contacts."""
    contacts = {f"C{i:025d}": {"name": f"联系人 {i}", "tags": ["client"], "created_at": _stamp(rng),
                               "updated_at": _stamp(rng)} for i in range(2500)}
    contact_ids = sorted(contacts)
    entries = {}
    for i in range(n_entries):
        stamp = _stamp(rng)
        entries[f"E{i:025d}"] = {
            "date": f"20{16 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "time": f"{8 + i % 10:02d}:{i % 60:02d}",
            "event": f"Client visit {i}",
            "summary": f"Discussed the rollout with the team, next steps agreed ({i}).\n第二行",
            "contact_ids": sorted(rng.sample(contact_ids, 2)),
            "tags": sorted(rng.sample(["sales", "visit", "call", "ops", "hr"], 2)),
            "status": "done",
            "created_at": stamp,
            "updated_at": stamp,
        }
    return {"contacts": contacts, "days": {}, "entries": entries, "meta": {"schema": {"schema_version": 1}},
            "organisations": {}, "projects": {}}


def diverge(base: dict[str, Any], edits: int, side: str, rng: random.Random) -> dict[str, Any]:
    """A copy of ``base`` with ``edits`` changes: edits of existing entries (some of which the other
    side edits too), additions and a few deletions."""
    data = orjson.loads(orjson.dumps(base))
    entries = data["entries"]
    ids = sorted(entries)
    for k in range(edits):
        roll = k % 10
        if roll < 6:
            doc = entries.get(rng.choice(ids))
            if doc is not None:
                doc["summary"] = f"edited on {side} #{k}"
                doc["contact_ids"] = sorted({*doc.get("contact_ids", []), f"N{side}{k:024d}"})
                doc["updated_at"] = "2027-01-01T00:00:00.000000Z" if side == "A" else "2027-01-02T00:00:00.000000Z"
        elif roll < 9:
            entries[f"{side}{k:025d}"] = {"date": "2027-01-01", "event": f"new on {side}", "status": "done",
                                          "created_at": "2027-01-01T00:00:00.000000Z",
                                          "updated_at": "2027-01-01T00:00:00.000000Z"}
        else:
            entries.pop(rng.choice(ids), None)
    return data


def main() -> None:
    n_entries = int(sys.argv[1]) if len(sys.argv) > 1 else 25_000
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rng = random.Random(42)
    base = build_base(n_entries, rng)
    ours = diverge(base, edits, "A", rng)
    theirs = diverge(base, edits, "B", rng)
    base = orjson.loads(orjson.dumps(base))  # three separate object graphs, as parsed by the driver
    best = best_cpu = float("inf")
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        result, stats = merge_data_with_stats(base, ours, theirs, now="2027-01-03T00:00:00.000000Z")
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    # CPU time too: on a shared machine wall time mostly measures the neighbours
    print(f"merge_data: {n_entries} entries, {edits} edits per side: best of 5 = {best * 1000:.1f} ms "
          f"(cpu {best_cpu * 1000:.1f} ms)")
    print(f"result: {len(result['entries'])} entries; merged: {stats}")


if __name__ == "__main__":
    main()
