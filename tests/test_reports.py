"""Weekly / monthly reports: a small hand-made week with known answers, then consistency checks
on a generated corpus (every number recomputed from the raw documents)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from journal.dates import iso_week_bounds, month_bounds
from journal.errors import ValidationError
from journal.reports.render import md, render_json, render_markdown, render_text
from journal.reports.summary import NO_ORGANISATION, NO_PROJECT, build_period_report
from journal.search.index import SearchIndex
from tests.corpus import ANCHOR, generate_tables

MON, SUN = date(2026, 11, 16), date(2026, 11, 22)
TODAY = date(2026, 11, 20)


def e(day: str, event: str, status: str = "done", **kw: Any) -> dict[str, Any]:
    return {"date": day, "event": event, "status": status, **kw}


def week_tables() -> dict[str, Any]:
    return {
        "organisations": {"ICBC": {"name": "工商银行"}, "ACME": {"name": "Acme | Corp"},
                          "CCB": {"name": "建设银行"}},
        "contacts": {
            "ZW1": {"name": "张伟", "organisation_id": "ICBC", "cadence_days": 7, "birthday": "1980-11-25"},
            "ZW2": {"name": "张伟", "organisation_id": "CCB", "cadence_days": 10},
            "LI": {"name": "李娜", "birthday": "--11-29"},
            "BOB": {"name": "Bob", "organisation_id": "ACME"},
            "CAROL": {"name": "Carol", "cadence_days": 30},
            "WANG": {"name": "老王", "cadence_days": 14},
        },
        "projects": {"P1": {"name": "授信 2026", "organisation_id": "ICBC"},
                     "P2": {"name": "Internal tooling"}},
        "entries": {
            "E1": e("2026-11-16", "拜访工商银行", time="09:00", end_time="10:30", contact_ids=["ZW1"],
                    project_ids=["P1"], tags=["visit"],
                    expenses=[{"amount": 100.5, "currency": "CNY", "note": "taxi"}]),
            "E2": e("2026-11-16", "Call Bob", time="14:00", contact_ids=["BOB"], summary="line one\n\n# two"),
            "E3": e("2026-11-17", "Late call", time="23:00", end_time="01:00", organisation_ids=["CCB"],
                    summary="evil \x1b[31m red",
                    expenses=[{"amount": 20, "currency": "usd", "note": ""},
                              {"amount": 0.1, "currency": "CNY", "note": ""},
                              {"amount": 0.2, "currency": "CNY", "note": ""}]),
            "E4": e("2026-11-18", "Lunch with 张伟", "planned", contact_ids=["ZW2"]),
            "E5": e("2026-11-19", "Cancelled meeting", "cancelled", time="10:00", end_time="11:00",
                    contact_ids=["ZW1"], expenses=[{"amount": 50, "currency": "CNY", "note": ""}]),
            "E6": e("2026-11-20", "# Write report", project_ids=["P2"]),
            "E7": e("2026-11-22", "Planned demo", "planned", time="15:00", end_time="16:00",
                    organisation_ids=["ACME"]),
            "E8": e("2026-11-23", "Next week visit", "planned", contact_ids=["ZW1"]),
            "E9": e("2026-11-24", "Done early", "done"),
            "E10": e("2026-10-01", "Old visit", contact_ids=["WANG"]),
            "E11": e("2026-11-25", "Future done does not count as met", contact_ids=["WANG"]),
        },
        "days": {"2026-11-18": {"note": "- Busy\n# not a heading"}, "2026-11-21": {"note": "Weekend"},
                 "2026-11-30": {"note": "outside"}},
    }


@pytest.fixture
def week() -> Any:
    return build_period_report(week_tables(), MON, SUN, today=TODAY, kind="week")


def test_week_totals(week: Any) -> None:
    t = week.totals
    assert (t.entries, t.done, t.planned, t.cancelled) == (7, 4, 2, 1)
    assert (t.minutes, t.timed_entries, t.time_only_entries) == (90 + 120, 2, 1)
    assert t.planned_minutes == 60
    assert t.expenses == {"CNY": 100.8, "USD": 20}  # done only; exact decimal sums
    assert week.label == "2026-W47" and week.next_label == "2026-W48"
    assert (week.next_start, week.next_end) == (date(2026, 11, 23), date(2026, 11, 29))


def test_week_days_in_order_with_notes(week: Any) -> None:
    assert [(d.date.day, d.weekday, [x.id for x in d.entries]) for d in week.days] == [
        (16, "Monday", ["E1", "E2"]), (17, "Tuesday", ["E3"]), (18, "Wednesday", ["E4"]),
        (19, "Thursday", ["E5"]), (20, "Friday", ["E6"]), (21, "Saturday", []), (22, "Sunday", ["E7"])]
    assert week.days[2].note == "- Busy\n# not a heading"
    first = week.days[0].entries[0]
    assert [r.name for r in first.contacts] == ["张伟"]
    assert [r.name for r in first.organisations] == ["工商银行"]  # via contact and project: once
    assert [r.name for r in first.projects] == ["授信 2026"]
    assert first.minutes == 90


def test_week_groups(week: Any) -> None:
    orgs = [(g.name, g.entries, g.done, g.minutes, g.entry_ids) for g in week.by_organisation]
    assert orgs == [("Acme | Corp", 2, 1, 0, ["E2", "E7"]), ("工商银行", 2, 1, 90, ["E1", "E5"]),
                    ("建设银行", 2, 1, 120, ["E3", "E4"]), (NO_ORGANISATION, 1, 1, 0, ["E6"])]
    projects = [(g.name, g.entries, g.entry_ids) for g in week.by_project]
    assert projects == [("Internal tooling", 1, ["E6"]), ("授信 2026", 1, ["E1"]),
                        (NO_PROJECT, 5, ["E2", "E3", "E4", "E5", "E7"])]
    assert week.top_organisations == [] and week.overdue_contacts == []  # months only


def test_week_people_open_and_next(week: Any) -> None:
    assert [(m.name, m.organisation, m.meetings) for m in week.contacts_met] == [
        ("Bob", "Acme | Corp", 1), ("张伟", "工商银行", 1)]
    assert [x.id for x in week.still_open] == ["E4", "E7"]
    assert [x.id for x in week.planned_next] == ["E8"]
    assert [(b.name, b.date, b.turns) for b in week.birthdays_next] == [
        ("张伟", date(2026, 11, 25), 46), ("李娜", date(2026, 11, 29), None)]


def test_month_top_lists_and_overdue_contacts() -> None:
    start, end = month_bounds(TODAY)
    r = build_period_report(week_tables(), start, end, today=TODAY, kind="month")
    assert r.label == "November 2026" and r.next_label == "December 2026"
    assert [(g.name, g.entries) for g in r.top_organisations] == [
        ("工商银行", 3), ("Acme | Corp", 2), ("建设银行", 2)]
    assert NO_ORGANISATION not in [g.name for g in r.top_organisations]
    # never met first; E11 is after today: does not count. ZW2 (张伟 at 建设银行) has only a
    # planned entry of its own, but E3 visited 建设银行 itself 6 days ago: that counts for its people
    assert [(o.name, o.last_contact, o.days_since, o.overdue_days) for o in r.overdue_contacts] == [
        ("Carol", None, None, None), ("老王", date(2026, 10, 1), 50, 36)]
    md_text = render_markdown(r)
    assert md_text.startswith("# November 2026\n")
    assert "## Top clients" in md_text and "## Overdue contacts" in md_text
    assert "- Carol: every 30 days, never met" in md_text
    assert "## By client" not in md_text


def test_markdown_structure_and_escaping(week: Any) -> None:
    out = render_markdown(week)
    assert out.startswith("# Week 2026-W47 · 16–22 Nov 2026\n")
    assert "| 7 | 4 | 2 | 1 | 3 h 30 min (+1 with a start time only) | 100.80 CNY · 20.00 USD |" in out
    assert "- \\# Write report — Internal tooling" in out  # would be a heading inside the bullet
    assert "> \\- Busy\n> \\# not a heading" in out
    assert "  \\# two" in out  # summary line
    assert "Acme \\| Corp" in out
    assert "\x1b" not in out and "\\x1b" in out
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert headings == ["# Week 2026-W47 · 16–22 Nov 2026", "## Plan and done", "## Day by day",
                        "### Monday 16 Nov",
                        "### Tuesday 17 Nov", "### Wednesday 18 Nov", "### Thursday 19 Nov",
                        "### Friday 20 Nov", "### Saturday 21 Nov", "### Sunday 22 Nov", "## By client",
                        "## By project", "## People met", "## Still open",
                        "## Planned for next week (2026-W48)", "## Birthdays next week (2026-W48)"]
    assert "- **工商银行**: 2 entries, 1 done, 1 h 30 min" in out
    assert "- Mon 23 Nov Next week visit (planned) — 张伟 · 工商银行" in out
    assert out.endswith("\n") and not out.endswith("\n\n")


@pytest.mark.parametrize(("raw", "escaped"), [
    ("# x", "\\# x"), ("#tag", "#tag"), ("- x", "\\- x"), ("-5 °C", "-5 °C"), ("1. x", "1\\. x"),
    ("12.5 h", "12.5 h"), ("---", "\\---"), ("a | b", "a \\| b"), ("*x*", "\\*x\\*"),
    ("snake_case", "snake_case"), ("_x_", "\\_x\\_"), ("<b>", "\\<b>"), ("[a](b)", "\\[a\\](b)"),
    ("> q", "\\> q"), ("a > b", "a > b"), ("&amp;", "\\&amp;"), ("R&D", "R&D"), ("a\nb", "a b"),
])
def test_md_escape(raw: str, escaped: str) -> None:
    assert md(raw) == escaped


def test_text_rendering(week: Any) -> None:
    out = render_text(week)
    lines = out.splitlines()
    assert lines[0] == "Week 2026-W47 · 16–22 Nov 2026" and set(lines[1]) == {"="}
    assert "7 entries: 4 done, 2 still planned, 1 cancelled" in out
    assert "Expenses (done): 100.80 CNY · 20.00 USD" in out
    assert "  09:00–10:30 拜访工商银行 — 张伟 · 工商银行 · 授信 2026" in out
    assert "  --:--       # Write report — Internal tooling" in out
    assert "  note: Weekend" in out
    assert "\x1b" not in out and "evil \\x1b[31m red" in out


def test_json_is_complete_and_stable(week: Any) -> None:
    out = render_json(week)
    data = json.loads(out)
    assert out == render_json(build_period_report(week_tables(), MON, SUN, today=TODAY, kind="week"))

    def keys_sorted(v: Any) -> bool:
        if isinstance(v, dict):
            return list(v) == sorted(v) and all(keys_sorted(x) for x in v.values())
        if isinstance(v, list):
            return all(keys_sorted(x) for x in v)
        return True

    assert keys_sorted(data)
    assert data["start"] == "2026-11-16" and data["kind"] == "week" and data["title"].startswith("Week")
    assert data["totals"]["expenses"] == {"CNY": 100.8, "USD": 20}
    assert data["days"][0]["entries"][0]["contacts"] == [{"id": "ZW1", "name": "张伟"}]
    assert "张伟" in out  # UTF-8, not \u escapes


def test_empty_period_and_bad_arguments() -> None:
    r = build_period_report({}, MON, SUN, today=TODAY, kind="week")
    assert r.totals.entries == 0 and r.days == [] and r.by_organisation == []
    assert "No entries." in render_markdown(r) and "No entries." in render_text(r)
    json.loads(render_json(r))
    with pytest.raises(ValidationError):
        build_period_report({}, SUN, MON, today=TODAY, kind="week")
    with pytest.raises(ValidationError):
        build_period_report({}, MON, SUN, today=TODAY, kind="year")  # type: ignore[arg-type]


def test_year_boundary_week_and_leap_birthday() -> None:
    tables = {"contacts": {"C": {"name": "Leap", "birthday": "2000-02-29"}},
              "entries": {"E": e("2027-01-03", "x")}}
    start, end = iso_week_bounds(date(2026, 12, 30))
    r = build_period_report(tables, start, end, today=end, kind="week")
    assert r.label == "2026-W53" and r.next_label == "2027-W01"
    assert render_markdown(r).startswith("# Week 2026-W53 · 28 Dec 2026 – 3 Jan 2027")
    feb = build_period_report(tables, date(2027, 1, 1), date(2027, 1, 31), today=end, kind="month")
    assert [(b.date, b.turns) for b in feb.birthdays_next] == [(date(2027, 2, 28), 27)]


def test_an_untimed_entry_comes_first_in_its_day_as_in_the_day_view() -> None:
    """Within a day: untimed entries (by id), then the timed ones by time — the order of the day
    view, ``journal list`` and the search index — in every part of a week and a month report."""
    tables: dict[str, Any] = {
        "organisations": {"ICBC": {"name": "工商银行"}},
        "entries": {
            "A": e("2026-11-17", "Morning visit", time="09:00", end_time="10:00",
                   organisation_ids=["ICBC"]),
            "B": e("2026-11-17", "Write up notes", organisation_ids=["ICBC"]),
            "C": e("2026-11-17", "Afternoon call", "planned", time="14:00", organisation_ids=["ICBC"]),
            "D": e("2026-11-17", "Send the offer", "planned", organisation_ids=["ICBC"]),
            "E": e("2026-11-16", "Late on Monday", time="23:30"),
            "F": e("2026-11-24", "Next week, timed", "planned", time="08:00"),
            "G": e("2026-11-24", "Next week, untimed", "planned"),
        },
    }
    order = ["E", "B", "D", "A", "C"]
    index = SearchIndex(tables)
    assert index.between(MON, SUN) == order  # what the day view shows, day after day
    start, end = month_bounds(TODAY)
    for kind, (a, b), more in (("week", (MON, SUN), []), ("month", (start, end), ["G", "F"])):
        for idx in (None, index):
            r = build_period_report(tables, a, b, today=TODAY, kind=kind, index=idx)  # type: ignore[arg-type]
            assert [x.id for d in r.days for x in d.entries] == order + more
            assert [x.id for x in r.days[1].entries] == ["B", "D", "A", "C"]
            assert [g.entry_ids for g in r.by_organisation] == [["B", "D", "A", "C"], ["E", *more]]
            assert [x.id for x in r.still_open] == ["D", "C", *more]
    week = build_period_report(tables, MON, SUN, today=TODAY, kind="week")
    assert [x.id for x in week.planned_next] == ["G", "F"]
    md_text = render_markdown(week)
    assert (md_text.index("- Write up notes") < md_text.index("- Send the offer")
            < md_text.index("- 09:00–10:00 Morning visit") < md_text.index("- 14:00 Afternoon call"))
    text = render_text(week)
    assert (text.index("--:--       Write up notes") < text.index("09:00–10:00 Morning visit")
            < text.index("14:00       Afternoon call"))


# -- consistency on a generated corpus -----------------------------------------------------------
CORPUS = generate_tables(2000, 200, seed=11)


def eff_orgs(doc: dict[str, Any]) -> set[str]:
    out = set(doc.get("organisation_ids", []))
    for c in doc.get("contact_ids", []):
        out |= {CORPUS["contacts"][c]["organisation_id"]} if "organisation_id" in CORPUS["contacts"][c] else set()
    for p in doc.get("project_ids", []):
        out |= {CORPUS["projects"][p]["organisation_id"]} if "organisation_id" in CORPUS["projects"][p] else set()
    return out


@pytest.mark.parametrize("weeks_back", [0, 1, 5, 12])
def test_corpus_week_matches_brute_force(weeks_back: int) -> None:
    start, end = iso_week_bounds(ANCHOR - timedelta(weeks=weeks_back))
    r = build_period_report(CORPUS, start, end, today=ANCHOR, kind="week")
    docs = {i: d for i, d in CORPUS["entries"].items() if start.isoformat() <= d["date"] <= end.isoformat()}
    assert r.totals.entries == len(docs) == sum(len(d.entries) for d in r.days)
    for day in r.days:  # the day view's order: untimed first, then by time
        ids = [x.id for x in day.entries]
        assert ids == sorted(ids, key=lambda i: (docs[i].get("time") or "", i))
    status = Counter(d["status"] for d in docs.values())
    assert (r.totals.done, r.totals.planned, r.totals.cancelled) == (
        status["done"], status["planned"], status["cancelled"])
    per_org = Counter(o for d in docs.values() for o in (eff_orgs(d) or {None}))
    assert {g.id: g.entries for g in r.by_organisation} == dict(per_org)
    met = Counter(c for d in docs.values() if d["status"] == "done" for c in d.get("contact_ids", []))
    assert {m.id: m.meetings for m in r.contacts_met} == dict(met)
    counts = [g.entries for g in r.by_organisation if g.id is not None]
    assert counts == sorted(counts, reverse=True)
    for out in (render_markdown(r), render_text(r), render_json(r)):
        assert out.endswith("\n")


def test_corpus_month_overdue_matches_brute_force() -> None:
    start, end = month_bounds(ANCHOR)
    r = build_period_report(CORPUS, start, end, today=ANCHOR, kind="month")
    expected = set()
    defaults = {"VIP": 14, "A": 30, "B": 60, "C": 90}  # the default tiers' cadences
    orgs = CORPUS["organisations"]
    for cid, c in CORPUS["contacts"].items():
        org = orgs.get(c.get("organisation_id") or "", {})
        every = c.get("cadence_days") or defaults.get(c.get("tier") or "") \
            or org.get("cadence_days") or defaults.get(org.get("tier") or "")
        if not every:
            continue
        seen = [d["date"] for d in CORPUS["entries"].values() if d["status"] == "done"
                and (cid in d.get("contact_ids", []) or c.get("organisation_id")
                     in d.get("organisation_ids", [])) and d["date"] <= ANCHOR.isoformat()]
        if not seen or (ANCHOR - date.fromisoformat(max(seen))).days > every:
            expected.add(cid)
    assert {o.id for o in r.overdue_contacts} == expected
    overdue = [o.overdue_days for o in r.overdue_contacts if o.overdue_days is not None]
    assert overdue == sorted(overdue, reverse=True)
    assert len(r.top_organisations) <= 10


def test_an_index_gives_the_same_reports() -> None:
    index = SearchIndex(CORPUS)
    for kind, (start, end) in (("week", iso_week_bounds(ANCHOR)), ("month", month_bounds(ANCHOR)),
                               ("month", month_bounds(date(2026, 6, 1)))):
        plain = build_period_report(CORPUS, start, end, today=ANCHOR, kind=kind)  # type: ignore[arg-type]
        fast = build_period_report(CORPUS, start, end, today=ANCHOR, kind=kind, index=index)  # type: ignore[arg-type]
        assert fast == plain
    hand = week_tables()
    start, end = month_bounds(TODAY)
    assert (build_period_report(hand, start, end, today=TODAY, kind="month", index=SearchIndex(hand))
            == build_period_report(hand, start, end, today=TODAY, kind="month"))
