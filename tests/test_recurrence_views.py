"""Occurrences in search results and week reports (through the search cache), as if entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson

from journal.names.resolve import LinkRequest
from journal.recurrence.rules import parse_repeat
from journal.search.occurrences import search_window, series_in_bytes
from journal.search.query import parse_query
from journal.service import Journal
from journal.storage import load_file


def make(jfile: Path) -> str:
    j = Journal(jfile)
    j.add_entry(event="Visit ACME", date="2026-12-08", links=LinkRequest(contacts=["张伟"]))
    sid = j.add_entry(event="Team meeting 周会", date="2026-12-07", time="09:00",
                      recurrence=parse_repeat("每周一", start=date(2026, 12, 7)),
                      links=LinkRequest(contacts=["张伟"]))[0].id
    j.set_occurrence_status(f"{sid}@2026-12-07", "done")
    j.edit_entry(f"{sid}@2026-12-14", {"summary": "budget 预算"})
    return sid


def ids(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines()]


def test_search_finds_occurrences_not_the_series_itself(cli, jfile: Path) -> None:
    sid = make(jfile)
    found = cli("search", "周会", "--today", "2026-12-09")
    assert found.code == 0
    assert ids(found.out) == [f"{sid}@{d}" for d in ("2027-01-04", "2026-12-28", "2026-12-21",
                                                    "2026-12-14", "2026-12-07")]
    assert sid not in ids(found.out)
    assert ids(cli("search", "预算", "--today", "2026-12-09").out) == [f"{sid}@2026-12-14"]
    linked = cli("search", "contact:张伟", "on:2026-12-07..2026-12-14", "--today", "2026-12-09")
    assert len(ids(linked.out)) == 3
    assert ids(cli("search", "周会", "-n", "1", "--today", "2026-12-09").out) == [f"{sid}@2027-01-04"]
    data = orjson.loads(cli("search", "status:done", "--format", "json", "--today", "2026-12-09").out)
    assert [d["id"] for d in data][1] == f"{sid}@2026-12-07"  # after the done visit of the 8th
    # a named period reaches any year
    assert ids(cli("search", "周会", "on:2030-01", "--today", "2026-12-09").out)[-1] == f"{sid}@2030-01-07"


def test_week_report_counts_occurrences(cli, jfile: Path) -> None:
    make(jfile)
    data = orjson.loads(cli("week", "2026-W50", "--format", "json", "--today", "2026-12-09").out)
    assert data["totals"]["entries"] == 2 and data["totals"]["done"] == 2
    planned = [e["event"] for e in data["planned_next"]]
    assert planned == ["Team meeting 周会"]


def test_list_shows_occurrences(cli, jfile: Path) -> None:
    sid = make(jfile)
    out = cli("list", "--on", "2026-12-14").out
    assert sid + "@2026-12-14" in out and "Team meeting" in out


def test_series_are_found_in_the_file_bytes(jfile: Path) -> None:
    sid = make(jfile)
    raw = jfile.read_bytes()
    found = series_in_bytes(raw)
    assert found is not None and list(found) == [sid]
    assert found[sid] == load_file(jfile)["entries"][sid]
    assert series_in_bytes(b'{"entries": {"x": 1}}') is None  # not the canonical layout


def test_search_window() -> None:
    today = date(2026, 12, 9)
    assert search_window(parse_query("x"), today) == (date(2025, 12, 8), date(2027, 1, 9))
    assert search_window(parse_query("on:2026-11"), today) == (date(2026, 11, 1), date(2026, 11, 30))
    low, high = search_window(parse_query("from:2026-01"), today)
    assert low == date(2026, 1, 1) and high > today


def test_ics_export_carries_deleted_and_changed_occurrences(cli, jfile: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    sid = make(jfile)  # the 7th ticked, the 14th edited
    Journal(jfile).delete_entry(f"{sid}@2026-12-21")
    out = tmp_path / "out.ics"
    assert cli("export", "--format", "ics", "-o", str(out)).code == 0
    events = [c for c in Calendar.from_ical(out.read_bytes()).walk("VEVENT")
              if str(c["uid"]).startswith(sid)]
    series = next(e for e in events if "rrule" in e)
    assert [d.dt.isoformat() for d in series["exdate"].dts] == ["2026-12-21T09:00:00"]
    changed = {e["recurrence-id"].dt.isoformat(): e for e in events if "recurrence-id" in e}
    assert set(changed) == {"2026-12-07T09:00:00", "2026-12-14T09:00:00"}
    assert "budget 预算" in str(changed["2026-12-14T09:00:00"]["description"])


def test_the_series_found_are_noted_for_the_same_bytes_only(cli, jfile: Path) -> None:
    """A warm search does not read the whole file to find the repeating entries again: the
    derived note keeps them, bound to the digest of the bytes they were found in. Other bytes, or
    a damaged note, only cost the search again."""
    from journal.search.cache.reader import open_journal
    from journal.storage import derived_note

    sid = make(jfile)
    for _ in range(2):  # the first may answer from the parsed file while the cache is built
        assert cli("search", "周会", "--today", "2026-12-09").code == 0
    note = derived_note(jfile, "series")
    assert note.exists() and sid.encode() in note.read_bytes()
    cached = open_journal(jfile)
    assert list(cached.series()) == [sid]
    other = Journal(jfile).add_entry(event="Daily check", date="2026-12-09",
                                     recurrence="FREQ=DAILY")[0].id
    assert sorted(open_journal(jfile).series()) == sorted([sid, other])  # new bytes: found again
    note.write_bytes(note.read_bytes()[:-5])  # damaged
    assert sorted(open_journal(jfile).series()) == sorted([sid, other])
    found = ids(cli("search", "Daily check", "on:2026-12-10", "--today", "2026-12-09").out)
    assert found == [f"{other}@2026-12-10"]
