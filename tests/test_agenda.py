"""Follow-ups (links both ways, open counts) and the agenda's content on a fixture journal."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from journal.agenda.build import agenda_json, agenda_text
from journal.agenda.followups import parse_in
from journal.errors import ValidationError
from journal.names.resolve import LinkRequest
from journal.recurrence.rules import parse_repeat
from journal.service import Journal

TODAY = date(2026, 12, 9)  # a Wednesday


@pytest.mark.parametrize(("typed", "day"), [
    ("7d", "2026-12-16"), ("2w", "2026-12-23"), ("1 month", "2027-01-09"), ("3天", "2026-12-12"),
    ("两周", "2026-12-23"), ("1个月", "2027-01-09"), ("in 3 days", "2026-12-12"), ("1y", "2027-12-09"),
])
def test_follow_up_delays(typed: str, day: str) -> None:
    assert parse_in(typed, TODAY).isoformat() == day


@pytest.mark.parametrize("typed", ["soon", "", "-3d", "99999d"])
def test_bad_delays(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_in(typed, TODAY)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.json")


def test_a_follow_up_copies_the_links_and_points_back(journal: Journal) -> None:
    visit, _ = journal.add_entry(event="Visit ACME", date="2026-12-08", tags=["loan"],
                                 links=LinkRequest(contacts=["张伟"], projects=["授信"],
                                                   organisations=["ACME"]))
    up = journal.follow_up(visit.id, date(2026, 12, 15))
    assert (up.date, up.status, up.event, up.follows_id) == ("2026-12-15", "planned",
                                                              "Follow up: Visit ACME", visit.id)
    assert (up.contact_ids, up.project_ids, up.organisation_ids) == (
        visit.contact_ids, visit.project_ids, visit.organisation_ids)
    assert up.tags == []
    second = journal.follow_up(visit.id, date(2026, 12, 20), event="Send the term sheet", time="10:00")
    assert [e.id for e in journal.follow_ups_of(visit.id)] == [up.id, second.id]
    journal.edit_entry(up.id, {"status": "done"})
    assert journal.follow_up_counts() == {visit.id: (2, 1)}
    view = journal.entry_view(journal.get_entry(visit.id))
    assert view["open_follow_ups"] == 1 and [f["id"] for f in view["follow_ups"]] == [up.id, second.id]
    assert journal.entry_view(journal.get_entry(up.id))["follows"] == visit.id


def test_an_occurrence_can_be_followed_up(journal: Journal) -> None:
    sid = journal.add_entry(event="VIP call", date="2026-12-07",
                            recurrence=parse_repeat("每月第一个周一", start=date(2026, 12, 7)),
                            links=LinkRequest(contacts=["李雷"]))[0].id
    up = journal.follow_up(f"{sid}@2026-12-07", date(2026, 12, 10))
    assert up.follows_id == f"{sid}@2026-12-07"
    assert [e.id for e in journal.follow_ups_of(f"{sid}@2026-12-07")] == [up.id]


def fixture_journal(journal: Journal, tmp_path: Path) -> dict[str, str]:
    ids: dict[str, str] = {}
    add = journal.add_entry
    ids["plan"] = add(event="Visit Bank of Ningbo", date="2026-12-09", time="14:00",
                      status="planned", links=LinkRequest(contacts=["王芳"]))[0].id
    ids["done"] = add(event="Morning call", date="2026-12-09", time="08:30", status="done")[0].id
    ids["series"] = add(event="Standup", date="2026-12-07", time="09:00",
                        recurrence=parse_repeat("工作日", start=date(2026, 12, 7)))[0].id
    ids["overdue"] = add(event="Send minutes", date="2026-12-04", status="planned")[0].id
    add(event="Too old to be overdue", date="2026-11-01", status="planned")
    ids["remind"] = add(event="Credit committee", date="2026-12-09", time="16:00", status="planned",
                        remind_at="2026-12-09T08:00")[0].id
    visit = add(event="Visit ACME", date="2026-12-02", status="done",
                links=LinkRequest(contacts=["张伟"]))[0].id
    ids["follow_up"] = journal.follow_up(visit, date(2026, 12, 11)).id
    journal.follow_up(visit, date(2026, 12, 20), event="Next week's follow-up")
    contact = journal.resolve("contact", "张伟")
    journal.edit_document("contact", contact, {"cadence_days": 5, "birthday": "1980-12-12"})
    return ids


def test_the_agenda_of_a_day(journal: Journal, tmp_path: Path) -> None:
    ids = fixture_journal(journal, tmp_path)
    agenda = journal.agenda(TODAY, now=datetime(2026, 12, 9, 9, 0))
    assert [e.id for e in agenda.plan] == [ids["done"], f"{ids['series']}@2026-12-09", ids["plan"],
                                          ids["remind"]]
    # the standups of Mon and Tue were never ticked: not overdue (the next one comes anyway)
    assert [e.id for e in agenda.overdue] == [ids["overdue"]]
    assert [r.id for r in agenda.reminders] == [ids["remind"]]
    assert [e.id for e in agenda.follow_ups] == [ids["follow_up"]]
    assert [c.name for c in agenda.clients_due] == ["张伟"]
    assert [(b.name, b.days, b.turns) for b in agenda.birthdays] == [("张伟", 3, 46)]
    text = agenda_text(agenda)
    for heading in ("Reminders due", "Plan", "Overdue (still planned)", "Follow-ups due this week",
                    "Clients due for a visit", "Birthdays coming"):
        assert heading in text
    assert "[x] 08:30 Morning call" in text and "↻ Standup" in text
    data = agenda_json(agenda)
    assert data["plan"][1]["series"] == ids["series"]
    assert data["follow_ups"][0]["follows"] and data["birthdays"][0]["turns"] == 46


def test_an_empty_journal_has_an_empty_agenda(journal: Journal) -> None:
    agenda = journal.agenda(TODAY, now=datetime(2026, 12, 9, 9, 0))
    assert agenda.empty
    assert "nothing planned" in agenda_text(agenda)


def test_several_days(journal: Journal, tmp_path: Path) -> None:
    ids = fixture_journal(journal, tmp_path)
    agenda = journal.agenda(TODAY, days=3, now=datetime(2026, 12, 9, 9, 0))
    assert f"{ids['series']}@2026-12-11" in {e.id for e in agenda.plan}
    assert ids["follow_up"] in {e.id for e in agenda.plan}  # in the plan, not listed twice
    assert agenda.follow_ups == []
    with pytest.raises(ValidationError):
        journal.agenda(TODAY, days=0)
