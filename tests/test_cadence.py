"""Visit cadence and who is due: tier defaults, own overrides, organisation inheritance, never-met
clients, visits to the firm counting for its people, the order of `journal due`, and the search
index's answer agreeing with a plain pass over the entries."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from journal.clients.cadence import (
    contact_rhythm,
    due_list,
    due_subjects,
    index_times,
    organisation_rhythm,
    scan_times,
)
from journal.config import DEFAULT_TIERS, Tier, TierTable
from journal.search.index import SearchIndex
from journal.service import Journal, LinkRequest
from tests.corpus import ANCHOR, generate_tables

TODAY = date(2026, 11, 23)
CORPUS = generate_tables(2000, 200, seed=11)
T = "2026-11-01T09:00:00.000000Z"


def _e(day: str, status: str = "done", **links: list[str]) -> dict:
    return {"date": day, "event": f"e {day}", "status": status, "created_at": T, "updated_at": T,
            **links}


def tables() -> dict:
    return {
        "organisations": {
            "ACME": {"name": "ACME", "tier": "A"},  # A: 30 days
            "BETA": {"name": "Beta", "tier": "C", "cadence_days": 10},  # own cadence beats its tier
            "SOLO": {"name": "Solo Ltd", "tier": "VIP"},  # no contacts: due as a firm
            "NONE": {"name": "No tier"},
        },
        "contacts": {
            "OWN": {"name": "Own", "organisation_id": "ACME", "cadence_days": 7},
            "TIER": {"name": "Tier", "organisation_id": "ACME", "tier": "重要"},  # a label: VIP
            "INH": {"name": "Inherits", "organisation_id": "ACME"},
            "INB": {"name": "Inherits Beta", "organisation_id": "BETA"},
            "NEVER": {"name": "Never", "tier": "B"},
            "NOTHING": {"name": "Nothing", "organisation_id": "NONE"},
            "GOLD": {"name": "Gold", "tier": "Gold"},  # a tier this configuration does not know
        },
        "projects": {"P": {"name": "Loan", "organisation_id": "ACME"}},
        "entries": {
            "E1": _e("2026-11-20", contact_ids=["OWN"]),
            "E2": _e("2026-10-01", contact_ids=["TIER"]),
            "E3": _e("2026-10-20", organisation_ids=["ACME"]),  # the firm: counts for its people
            "E4": _e("2026-11-01", contact_ids=["INB"]),
            "E5": _e("2026-11-28", "planned", contact_ids=["INH"]),
            "E6": _e("2026-11-25", contact_ids=["INH"]),  # done in the future: not yet met
            "E7": _e("2026-11-22", "cancelled", contact_ids=["TIER"]),
            "E8": _e("2026-11-22", project_ids=["P"]),  # through a project: ACME itself
        },
    }


def test_rhythm_rules() -> None:
    data = tables()
    orgs, contacts = data["organisations"], data["contacts"]

    def rhythm(cid: str) -> tuple:
        c = contacts[cid]
        r = contact_rhythm(c, orgs.get(c.get("organisation_id") or ""), DEFAULT_TIERS)
        return (r.tier, r.tier_from, r.cadence_days, r.cadence_from)

    assert rhythm("OWN") == ("A", "organisation", 7, "own")
    assert rhythm("TIER") == ("重要", "own", 14, "tier")  # stored text kept, its cadence found
    assert rhythm("INH") == ("A", "organisation", 30, "organisation tier")
    assert rhythm("INB") == ("C", "organisation", 10, "organisation")
    assert rhythm("NEVER") == ("B", "own", 60, "tier")
    assert rhythm("NOTHING") == ("", "", None, "")
    assert rhythm("GOLD") == ("Gold", "own", None, "")
    assert organisation_rhythm(orgs["BETA"], DEFAULT_TIERS).cadence_days == 10
    custom = TierTable([Tier("Gold", (), 5)])
    gold = contact_rhythm(contacts["GOLD"], None, custom)
    assert (gold.tier, gold.cadence_days) == ("Gold", 5)


def test_due_order_and_arithmetic() -> None:
    data = tables()
    times = scan_times(data, TODAY)
    items = due_list(data, DEFAULT_TIERS, times, TODAY, days=7)
    got = [(i.id, i.days_over, i.last.date if i.last else None, i.next.date if i.next else None)
           for i in items]
    assert got == [
        ("NEVER", None, None, None),  # never met, with a cadence: due, first
        ("SOLO", None, None, None),  # a firm without people, of a tier: due as itself
        ("TIER", 20, "2026-10-20", None),  # 14 days after the firm's visit E3 (not E2): 3 Nov
        ("INB", 12, "2026-11-01", None),  # Beta's own 10 days
        ("INH", 4, "2026-10-20", "2026-11-28"),  # E6 is after today: 30 days after E3
        ("OWN", -4, "2026-11-20", None),  # due in 4 days
    ]
    assert [i.id for i in due_list(data, DEFAULT_TIERS, times, TODAY)] == [
        "NEVER", "SOLO", "TIER", "INB", "INH"]
    assert [i.id for i in due_list(data, DEFAULT_TIERS, times, TODAY, days=30, tier="A")] == [
        "INH", "OWN"]  # the tier as it applies: inherited from ACME
    assert [i.id for i in due_list(data, DEFAULT_TIERS, times, TODAY, days=30, tier="C")] == [
        "INB"]  # Beta's tier, with Beta's own cadence
    assert due_list(data, DEFAULT_TIERS, times, TODAY, tier="VIP")[0].kind == "organisation"
    # ACME and Beta are followed through their people; they are not listed a second time
    assert {s for s in due_subjects(data, DEFAULT_TIERS) if s[0] == "organisation"} == {
        ("organisation", "SOLO")}
    inb = next(i for i in due_list(data, DEFAULT_TIERS, times, TODAY, days=30) if i.id == "INB")
    assert (inb.due_on, inb.days_over, inb.days_since, inb.state) == (date(2026, 11, 11), 12, 22,
                                                                      "overdue")


def test_index_and_scan_agree() -> None:
    data = tables()
    index = SearchIndex(data)
    entries = data["entries"]

    def documents(positions: list[int]) -> dict:
        return {index.entry_at(p)[0]: entries[index.entry_at(p)[0]] for p in positions}

    for day in (TODAY, date(2026, 10, 20), date(2026, 11, 28), date(2027, 1, 1)):
        assert index_times(index, data, day, documents) == scan_times(data, day)


def test_index_and_scan_agree_on_the_corpus() -> None:
    index = SearchIndex(CORPUS)
    entries = CORPUS["entries"]

    def documents(positions: list[int]) -> dict:
        return {index.entry_at(p)[0]: entries[index.entry_at(p)[0]] for p in positions}

    rng = random.Random(5)
    for _ in range(3):
        day = ANCHOR - timedelta(days=rng.randint(0, 400))
        fast, plain = index_times(index, CORPUS, day, documents), scan_times(CORPUS, day)
        assert fast == plain
        assert due_list(CORPUS, DEFAULT_TIERS, fast, day, days=10) == \
            due_list(CORPUS, DEFAULT_TIERS, plain, day, days=10)


def _journal(path: Path) -> Journal:
    journal = Journal(path)
    journal.add_document("organisation", "ACME", {"tier": "A"})
    journal.add_document("contact", "李四", {"tier": "VIP"}, organisation="ACME")
    journal.add_document("contact", "王五", organisation="ACME")
    journal.add_document("contact", "Nobody")
    journal.add_entry(event="拜访 ACME", date="2026-10-01", links=LinkRequest(organisations=["ACME"]))
    journal.add_entry(event="Call 李四", date="2026-11-01", links=LinkRequest(contacts=["李四"]))
    journal.add_entry(event="Lunch 王五", date="2026-11-30", status="planned",
                      links=LinkRequest(contacts=["王五"]))
    return journal


def test_journal_due_command(cli, jfile: Path) -> None:
    _journal(jfile)
    text = cli("due", "--today", "2026-11-23")
    assert text.code == 0, text
    lines = text.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("23 days over   王五 (ACME)  A     every 30d")  # 30 days after 1 Oct
    assert "last 2026-10-01 拜访 ACME  next 2026-11-30 Lunch 王五" in lines[0]
    assert lines[1] == "8 days over    李四 (ACME)  VIP   every 14d  last 2026-11-01 Call 李四"
    data = json.loads(cli("due", "--today", "2026-11-23", "--format", "json", "--tier", "高").out)
    assert [(d["name"], d["tier"], d["tier_from"], d["cadence_from"], d["days_over"]) for d in data] \
        == [("王五", "A", "organisation", "organisation tier", 23)]
    quiet = cli("due", "--today", "2026-10-02")
    assert quiet.code == 0 and quiet.out == "" and "nobody is due" in quiet.err
    assert len(cli("due", "--today", "2026-10-02", "--days", "30").out.splitlines()) == 2
    for args, message in ((("due", "--days", "-1"), "--days must be 0 or more"),
                          (("due", "--tier", "Z"), "unknown tier 'Z'")):
        result = cli(*args)
        assert result.code == 1 and message in result.err and result.err.count("\n") == 1


def test_contact_list_filters_and_sorts(cli, jfile: Path) -> None:
    _journal(jfile)
    by_due = cli("contact", "list", "--sort", "due", "--today", "2026-11-23").out.splitlines()
    assert [line.split("  ")[1] for line in by_due] == ["王五 (ACME)", "李四 (ACME)", "Nobody"]
    assert "A (org)  every 30d  last 2026-10-01  23 days over" in by_due[0]
    assert by_due[2].endswith("Nobody  never seen")
    vip = cli("contact", "list", "--tier", "重要", "--format", "json", "--today", "2026-11-23")
    (item,) = json.loads(vip.out)
    assert item["name"] == "李四" and item["cadence_in_effect"] == 14 and item["days_over"] == 8
    by_last = cli("contact", "list", "--sort", "last").out.splitlines()
    assert [line.split("  ")[1] for line in by_last] == ["Nobody", "王五 (ACME)", "李四 (ACME)"]
    by_tier = cli("contact", "list", "--sort", "tier").out.splitlines()
    assert [line.split("  ")[1] for line in by_tier] == ["李四 (ACME)", "王五 (ACME)", "Nobody"]
    orgs = cli("org", "list", "--tier", "A").out
    assert "ACME  A  every 30d  last 2026-11-01" in orgs
    shown = cli("contact", "show", "王五").out
    assert "tier:         A (the organisation's)" in shown
    assert "visit every:  30 days (the organisation's tier)" in shown


def test_search_by_tier(cli, jfile: Path) -> None:
    _journal(jfile)
    events = [json.loads(cli("search", query, "--format", "json").out) for query in
              ("tier:VIP", "tier:高", "-tier:a")]
    assert [[e["event"] for e in found] for found in events] == [
        ["Call 李四"], ["Lunch 王五", "Call 李四", "拜访 ACME"], []]
    bad = cli("search", "tier:nope")
    assert bad.code == 1 and "unknown tier 'nope'" in bad.err
