"""The daily routine's documents sync like everything else: the week's written review, the day's
note and carried-over entries, merged by the real merge driver between two clones (the real git
binary, a bare remote, separate processes; see tests/test_sync.py)."""

from __future__ import annotations

from datetime import date

from journal.service import Journal
from journal.storage import load_file

from . import test_sync
from .test_sync import Pair, assert_settled, journal, synced

# the two clones and the hermetic git set-up of test_sync, as fixtures here too
pair = test_sync.pair
git_env = test_sync.git_env

WEEK = "2026-W47"  # the week of DAY (2026-11-20) in test_sync


def test_the_weeks_review_written_on_both_machines_merges_like_a_document(pair: Pair) -> None:
    # A writes the week's review; B, offline, writes its own and adds a day note.
    Journal(pair.b).set_review(WEEK, "## 本周工作\nB: 拜访华辰")
    Journal(pair.b).set_day_note("2026-11-20", "B 的小结")
    Journal(pair.a).set_review(WEEK, "## 本周工作\nA: 签约绿源")  # later: wins
    Journal(pair.a).set_review("2026-11", "## 本月工作\nA 的月报")
    synced(pair.a)
    out = synced(pair.b)
    assert "1 conflict recorded" in out
    synced(pair.a)
    assert_settled(pair)
    data = load_file(pair.a)
    review = data["reviews"][WEEK]
    assert review["text"] == "## 本周工作\nA: 签约绿源"
    assert [(c["field"], c["value"]) for c in review["conflicts"]] == [
        ("text", "## 本周工作\nB: 拜访华辰")]
    assert data["reviews"]["2026-11"]["text"] == "## 本月工作\nA 的月报"
    assert data["days"]["2026-11-20"]["note"] == "B 的小结"
    shown = journal(pair.a, "conflicts")
    assert shown.returncode == 0 and f"review {WEEK}" in shown.stdout
    # the report shows the review that won; resolving keeps the other and syncs like any edit
    week = journal(pair.b, "week", WEEK)
    assert "A: 签约绿源" in week.stdout
    resolved = journal(pair.b, "conflicts", "resolve", WEEK, "--take", "other")
    assert resolved.returncode == 0, resolved.stderr
    synced(pair.b)
    synced(pair.a)
    assert_settled(pair)
    review = load_file(pair.a)["reviews"][WEEK]
    assert set(review) <= {"text", "updated_at", "created_at", "edited_at"}  # no conflicts left
    assert review["text"] == "## 本周工作\nB: 拜访华辰"


def test_edits_to_different_reviews_and_a_tick_against_a_carry(pair: Pair) -> None:
    plan, _ = Journal(pair.a).add_entry(event="KYC pack", date="2026-11-20", status="planned")
    synced(pair.a)
    synced(pair.b)
    # A ticks the plan off; B, not knowing, carries it to Monday: both changes survive
    Journal(pair.a).set_status([plan.id], "done", today=date(2026, 11, 20))
    Journal(pair.b).carry_over(date(2026, 11, 20), today=date(2026, 11, 20))
    Journal(pair.a).set_review("2026-W47", "A's week")
    Journal(pair.b).set_review("2026-W48", "B's week")
    synced(pair.a)
    synced(pair.b)
    synced(pair.a)
    assert_settled(pair)
    data = load_file(pair.a)
    merged = data["entries"][plan.id]
    assert (merged["status"], merged["date"], merged["carried_from"], merged["origin"]) == \
        ("done", "2026-11-23", ["2026-11-20"], "planned")
    assert {k: v["text"] for k, v in data["reviews"].items()} == {"2026-W47": "A's week",
                                                                  "2026-W48": "B's week"}
    assert "conflicts" not in merged
