"""A ``journal sync`` killed at any instant never costs an acknowledged write.

Real git, a bare remote and two clones, the real ``journal`` executable, and a real ``kill -9`` of
the sync process alone: whatever git commands it started live on (orphaned), exactly as when a
terminal is closed or the app is quit mid-sync. While they do, other processes keep writing; each
test waits until the last orphan has ended, then checks that every acknowledged write is in the file,
and again after the next sync has recovered and pushed.
"""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest

from ._support import record_stats
from ._sync_support import (
    Clones,
    add,
    entry_ids,
    git,
    group_members,
    journal,
    kill_sync_at,
    make_clones,
    start_sync,
    wait_group_gone,
)


def _remote_ids(clones: Clones, tmp_path: Path) -> set[str]:
    raw = git(tmp_path, clones.env, "--git-dir", str(clones.remote), "show", "main:journal.json")
    return set(orjson.loads(raw)["entries"])


@pytest.mark.parametrize(("phase", "size"), [("merge", 20000), ("commit", 2000), ("fetch", 2000),
                                             ("push", 2000)])
def test_a_sync_killed_mid_step_loses_no_acknowledged_write(tmp_path: Path, phase: str,
                                                            size: int) -> None:
    """The issue's repro: B pushed an entry, A has one of its own (so A's sync really merges);
    A's sync is killed the moment it reaches ``phase``; A keeps adding entries until every process
    the sync started has ended. None of those entries may be lost, then or after the next sync.
    (20k entries: the merge of the old ``git merge`` then lasted long enough to lose a write 3/3.)"""
    clones = make_clones(tmp_path, entries=size)
    acked: set[str] = set()
    from_b: set[str] = set()
    caught = None
    for attempt in range(8):  # a quick step can end before it is seen: diverge again, try again
        from_b.add(add(clones.b, clones.env, f"from B {attempt}"))
        assert journal(clones.b, clones.env, "sync").returncode == 0
        acked.add(add(clones.a, clones.env, f"A before sync {attempt}"))
        proc = start_sync(clones.a, clones.env)
        caught = kill_sync_at(proc, {phase, "driver"} if phase == "merge" else {phase})
        if caught is not None:
            break
        proc.wait()
        wait_group_gone(proc.pid)
    assert caught is not None, f"never caught a sync in its {phase} step"
    deadline = time.monotonic() + 300
    while group_members(proc.pid) and time.monotonic() < deadline:
        acked.add(add(clones.a, clones.env, "acknowledged while the killed sync's git ran on"))
    wait_group_gone(proc.pid)
    acked.add(add(clones.a, clones.env, "acknowledged after the killed sync"))
    assert acked <= entry_ids(clones.a), "an acknowledged write was lost to the killed sync"

    done = journal(clones.a, clones.env, "sync")
    assert done.returncode == 0, done.stderr
    assert acked | from_b <= entry_ids(clones.a)
    assert acked | from_b <= _remote_ids(clones, tmp_path)
    record_stats(sync_kills_survived=1, sync_writes_checked=len(acked))
