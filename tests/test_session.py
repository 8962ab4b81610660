"""The app's session (journal.session): per-day entry lists built by the same pass that finds
merge conflicts, in the order the day view shows (untimed first, then by time, then by id), and
rebuilt when the file changes (here or in another process); name catalogs and the search index
kept per data generation. No terminal, no Textual: the session is headless."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from journal.config import Config
from journal.service import Journal, LinkRequest
from journal.session import JournalSession


def _session(path: Path) -> JournalSession:
    return JournalSession(Journal(path, config=Config()), Config(), lambda: date(2026, 11, 23))


def _scan(journal: Journal, day: str) -> list[str]:
    """The straightforward answer: every entry of the day, sorted by (time or "", id)."""
    entries = journal.tables["entries"]
    return [i for _, i in sorted((d.get("time") or "", i) for i, d in entries.items()
                                 if d["date"] == day)]


def test_entry_ids_on_a_day_in_display_order_and_after_changes(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    journal = Journal(path)
    for event, day, time in [("late", "2026-11-20", "17:00"), ("untimed", "2026-11-20", None),
                             ("early", "2026-11-20", "08:15"), ("same time", "2026-11-20", "08:15"),
                             ("other day", "2026-11-21", "09:00"), ("untimed 2", "2026-11-20", None)]:
        journal.add_entry(event=event, date=day, time=time)
    app = _session(path)
    shown = app.entry_ids_on("2026-11-20")
    events = [app.journal.tables["entries"][i]["event"] for i in shown]
    assert shown == _scan(journal, "2026-11-20")
    assert set(events[:2]) == {"untimed", "untimed 2"} and shown[0] < shown[1]
    assert set(events[2:4]) == {"early", "same time"} and shown[2] < shown[3]
    assert events[4:] == ["late"]
    assert app.entry_ids_on("2026-11-22") == []
    assert app._days is not None and app._days[0] == app.generation

    # a change made here, then one made by another process: the lists follow
    entry, _ = app.journal.add_entry(event="added here", date="2026-11-20", time="12:00")
    assert entry.id in app.entry_ids_on("2026-11-20")
    other = Journal(path)
    moved = next(i for i in shown if other.tables["entries"][i]["event"] == "late")
    other.edit_entry(moved, {"date": "2026-11-22"})
    assert moved not in app.entry_ids_on("2026-11-20")
    assert app.entry_ids_on("2026-11-22") == [moved]
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        assert app.entry_ids_on(day) == _scan(Journal(path), day)


def test_conflicted_still_finds_every_table(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    journal = Journal(path)
    entry, _ = journal.add_entry(event="Visit", date="2026-11-20")
    plain, _ = journal.add_entry(event="Call", date="2026-11-20")
    record = [{"field": "event", "value": "Visit to ACME", "at": "2026-11-20T09:00:00.000000Z"}]
    with journal.store.transaction() as tx:
        tx.replace("entries", entry.id, {**tx.get("entries", entry.id), "conflicts": record})
        tx.insert("days", {"note": "WFH", "conflicts": record}, doc_id="2026-11-20")
    app = _session(path)
    found = app.conflicted()
    assert found["entries"] == {entry.id} and found["days"] == {"2026-11-20"}
    assert not found["contacts"] and not found["projects"] and not found["organisations"]
    assert set(app.entry_ids_on("2026-11-20")) == {entry.id, plain.id}


def test_names_and_the_index_follow_the_data(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_entry(event="Visit", date="2026-11-20",
                            links=LinkRequest(contacts=["张伟"]))
    session = _session(path)
    assert [i.label for i in session.name_items("contact")] == ["张伟"]
    assert session.current_index() is None  # never built behind the caller's back
    index = session.build_index()
    assert session.current_index() is index and len(index) == 1
    session.journal.add_document("contact", "王芳")
    assert session.current_index() is None  # a new generation: the old index is not current
    assert sorted(i.label for i in session.name_items("contact")) == ["张伟", "王芳"]
    stale = session.generation - 1
    assert not session.adopt_index(stale, session.index_from(session.journal.tables))
    assert session.adopt_index(session.generation, session.index_from(session.journal.tables))
    assert session.current_index() is not None and session.conflict_count() == 0


def test_occurrences_are_listed_as_entries_and_follow_changes(tmp_path: Path) -> None:
    from datetime import datetime

    from journal.recurrence.rules import parse_repeat

    path = tmp_path / "journal.json"
    journal = Journal(path)
    plain = journal.add_entry(event="Visit", date="2026-11-23", time="10:00")[0].id
    sid = journal.add_entry(event="Standup", date="2026-11-16", time="09:00",
                            recurrence=parse_repeat("workdays", start=date(2026, 11, 16)))[0].id
    session = _session(path)
    assert session.entry_ids_on("2026-11-23") == [f"{sid}@2026-11-23", plain]
    assert session.entry_ids_on("2026-11-22") == []  # a Sunday
    assert sid not in session.entry_ids_on("2026-11-16")
    docs = session.entry_tables()["entries"]
    assert docs[f"{sid}@2026-11-23"]["event"] == "Standup" and docs[plain]["event"] == "Visit"
    journal.set_occurrence_status(f"{sid}@2026-11-23", "done")  # a new generation
    assert session.entry_tables()["entries"].get(f"{sid}@2026-11-23") is None  # not worked out yet
    session.entry_ids_on("2026-11-23")
    assert session.entry_tables()["entries"][f"{sid}@2026-11-23"]["status"] == "done"
    up = journal.follow_up(plain, date(2026, 11, 25))
    assert [d["id"] for d in session.follow_ups_of(plain)] == [up.id]
    agenda = session.home_agenda(datetime(2026, 11, 23, 8, 0))
    assert [e.id for e in agenda.follow_ups] == [up.id]


def test_the_home_agenda_waits_for_the_index_to_list_clients_due_in_a_big_journal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At launch of a big journal the first frame must not wait for a pass over every entry to
    find the clients due: the agenda leaves them out until the index is built."""
    import journal.session as session_module

    path = tmp_path / "journal.json"
    journal = Journal(path)
    journal.add_document("contact", "张伟", {"cadence_days": 30})
    journal.add_entry(event="Visit", date="2026-10-01", links=LinkRequest(contacts=["张伟"]))
    session = _session(path)
    now = datetime(2026, 11, 23, 9, 0)
    assert [d.name for d in session.home_agenda(now).clients_due] == ["张伟"]  # small: at once
    monkeypatch.setattr(session_module, "QUICK_STANDINGS_ENTRIES", 1)
    big = _session(path)
    assert not big.standings_are_quick() and big.home_agenda(now).clients_due == []
    big.build_index()
    assert big.standings_are_quick()
    assert [d.name for d in big.home_agenda(now).clients_due] == ["张伟"]
