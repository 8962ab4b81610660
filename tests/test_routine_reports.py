"""Plan against done in the week, month and quarter reports; the written review on top; the
expenses report."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from journal.reports.expenses import (
    build_expense_report,
    render_expenses_csv,
    render_expenses_json,
    render_expenses_text,
)
from journal.reports.render import plan_sentence, render_json, render_markdown, render_text
from journal.reports.summary import build_period_report
from journal.search.index import SearchIndex
from journal.widgets.report_view import render_report

MON, SUN = date(2026, 11, 23), date(2026, 11, 29)


def e(day: str, event: str, status: str = "done", **kw: Any) -> dict[str, Any]:
    return {"date": day, "event": event, "status": status, **kw}


def tables() -> dict[str, Any]:
    """Week 2026-W48 of a manager at two clients: 8 planned (6 done as planned, 1 carried to next
    week, 1 carried within the week and done), 1 cancelled plan, 1 still open, 3 that came up."""
    return {
        "organisations": {"HC": {"name": "华辰"}, "NW": {"name": "Northwind"}},
        "projects": {"LOAN": {"name": "授信", "organisation_id": "HC"}},
        "contacts": {"ZW": {"name": "张伟", "organisation_id": "HC"}},
        "entries": {
            "P1": e("2026-11-23", "拜访华辰", origin="planned", time="09:00", end_time="10:30",
                    contact_ids=["ZW"], project_ids=["LOAN"],
                    expenses=[{"amount": 45, "currency": "CNY", "note": "taxi"}]),
            "P2": e("2026-11-23", "Team meeting", origin="planned", time="17:00", end_time="18:00"),
            "P3": e("2026-11-24", "Northwind review", origin="planned", organisation_ids=["NW"],
                    time="10:00", end_time="11:00",
                    expenses=[{"amount": 120, "currency": "HKD", "note": "taxi"}]),
            "P4": e("2026-11-25", "Credit memo", origin="planned", project_ids=["LOAN"],
                    carried_from=["2026-11-24"]),  # carried within the week, then done
            "P5": e("2026-11-26", "Call 张伟", origin="planned", contact_ids=["ZW"]),
            "P6": e("2026-11-27", "Site visit", origin="planned", organisation_ids=["HC"]),
            "P7": e("2026-11-30", "Northwind KYC", "planned", origin="planned",
                    organisation_ids=["NW"], carried_from=["2026-11-27"]),  # carried out
            "P8": e("2026-11-27", "Dinner", "cancelled", organisation_ids=["NW"],
                    expenses=[{"amount": 500, "currency": "CNY", "note": "not spent"}]),
            "P9": e("2026-11-29", "Prepare next week", "planned", origin="planned"),
            "U1": e("2026-11-24", "Walk-in client", time="15:00", end_time="15:30",
                    organisation_ids=["HC"],
                    expenses=[{"amount": 0.1, "currency": "CNY", "note": ""},
                              {"amount": 0.2, "currency": "CNY", "note": ""}]),
            "U2": e("2026-11-25", "Call from Northwind", organisation_ids=["NW"]),
            "U3": e("2026-11-26", "Urgent fix", priority="high"),
            "X1": e("2026-10-30", "Old carried in", origin="planned", carried_from=["2026-10-29"]),
        },
        "days": {"2026-11-27": {"note": "小结：华辰的材料不全"}},
        "reviews": {"2026-W48": {"text": "## 本周工作\n拜访华辰。\n\n## 问题与风险\n- 材料不全"},
                    "2026-11": {"text": "## 本月工作\n十一月"},
                    "2026-Q4": {"text": "## 本季度工作\n四季度"}},
    }


def test_plan_against_done_in_a_week() -> None:
    r = build_period_report(tables(), MON, SUN, today=SUN, kind="week")
    p = r.plan
    assert (p.planned, p.done_as_planned, p.carried_over, p.cancelled, p.still_open, p.unplanned) \
        == (9, 6, 1, 1, 1, 3)
    assert p.planned == p.done_as_planned + p.carried_over + p.cancelled + p.still_open
    assert (p.minutes_as_planned, p.minutes_unplanned) == (90 + 60 + 60, 30)
    assert p.expenses == {"CNY": 45.3, "HKD": 120}  # done only: the cancelled dinner is not spent
    assert [x.id for x in r.carried] == ["P7"]
    assert plan_sentence(p) == ("9 planned: 6 done as planned, 1 carried over, 1 cancelled, "
                                "1 still open; 3 came up")


def test_plan_figures_per_client_and_project() -> None:
    r = build_period_report(tables(), MON, SUN, today=SUN, kind="week")
    orgs = {g.name: g.plan for g in r.by_organisation}
    hc, nw = orgs["华辰"], orgs["Northwind"]
    # 华辰: P1 (via contact and project), P4 (project), P5 (contact), P6; U1 came up
    assert (hc.planned, hc.done_as_planned, hc.unplanned, hc.expenses) == (4, 4, 1, {"CNY": 45.3})
    # Northwind: P3 done, P7 carried out (counted though dated next week), P8 cancelled, U2
    assert (nw.planned, nw.done_as_planned, nw.carried_over, nw.cancelled, nw.unplanned) == \
        (3, 1, 1, 1, 1)
    assert nw.expenses == {"HKD": 120}
    projects = {g.name: g.plan for g in r.by_project}
    assert (projects["授信"].planned, projects["授信"].done_as_planned) == (2, 2)


def test_the_written_review_comes_first_in_every_format() -> None:
    r = build_period_report(tables(), MON, SUN, today=SUN, kind="week")
    assert r.review_id == "2026-W48" and r.review.startswith("## 本周工作")
    md = render_markdown(r)
    lines = md.splitlines()
    assert lines[:3] == ["# Week 2026-W48 · 23–29 Nov 2026", "", "## 本周工作"]
    assert md.index("- 材料不全") < md.index("---") < md.index("| Entries |") < md.index("## Plan and done")
    assert "| 9 | 6 | 1 | 1 | 1 | 3 |" in md
    assert "~~Dinner~~ (cancelled)" in md
    assert "Credit memo (carried from Tue 24 Nov)" in md
    assert "## Carried over" in md and "Northwind KYC (planned, carried from Fri 27 Nov)" in md
    assert "> 小结：华辰的材料不全" in md  # the day's note under its day
    text = render_text(r)
    assert text.index("## 本周工作") < text.index("Plan: 9 planned: 6 done as planned")
    assert "! Urgent fix (high priority)" in text
    data = json.loads(render_json(r))
    assert data["review"].startswith("## 本周工作") and data["plan"]["carried_over"] == 1
    drawn = render_report(md, title=False).plain
    assert drawn.startswith("本周工作") and "Dinner" in drawn and "~~" not in drawn


def test_month_and_quarter() -> None:
    month = build_period_report(tables(), date(2026, 11, 1), date(2026, 11, 30), today=SUN,
                                kind="month")
    assert month.review == "## 本月工作\n十一月"
    # in the month, P7 (carried from 27 Nov to 30 Nov) stays inside: not carried over
    assert (month.plan.planned, month.plan.carried_over, month.plan.still_open) == (9, 0, 2)
    quarter = build_period_report(tables(), date(2026, 10, 1), date(2026, 12, 31), today=SUN,
                                  kind="quarter")
    assert quarter.label == "2026-Q4" and quarter.next_label == "2027-Q1"
    assert quarter.days == [] and quarter.review == "## 本季度工作\n四季度"
    assert [(m.label, m.plan.planned, m.plan.unplanned) for m in quarter.months] == [
        ("October 2026", 1, 0), ("November 2026", 9, 3), ("December 2026", 0, 0)]
    md = render_markdown(quarter)
    assert md.startswith("# Quarter 2026-Q4 · 1 Oct – 31 Dec 2026\n")
    assert "## Month by month" in md and "## Day by day" not in md
    assert "| Nov 2026 | 4h00 | 9 | 6 | 0 | 1 | 2 | 3 |" in md
    assert "## Top clients" in md


def test_the_index_and_a_scan_agree() -> None:
    data = tables()
    index = SearchIndex(data)
    for kind, (a, b) in (("week", (MON, SUN)), ("month", (date(2026, 11, 1), date(2026, 11, 30))),
                         ("quarter", (date(2026, 10, 1), date(2026, 12, 31)))):
        plain = build_period_report(data, a, b, today=SUN, kind=kind)  # type: ignore[arg-type]
        fast = build_period_report(data, a, b, today=SUN, kind=kind, index=index)  # type: ignore[arg-type]
        assert render_json(plain) == render_json(fast)


def test_expenses_report_totals_per_currency_and_groups() -> None:
    r = build_expense_report(tables(), MON, SUN)
    assert r.totals == {"CNY": 45.3, "HKD": 120}
    assert [(x.entry_id, x.amount) for x in r.lines] == [("P1", 45), ("P3", 120), ("U1", 0.1),
                                                         ("U1", 0.2)]
    by_org = build_expense_report(tables(), MON, SUN, "org")
    assert [(g.name, g.totals) for g in by_org.groups] == [("华辰", {"CNY": 45.3}),
                                                           ("Northwind", {"HKD": 120})]
    by_contact = build_expense_report(tables(), MON, SUN, "contact")
    assert [(g.name, g.totals) for g in by_contact.groups] == [
        ("张伟", {"CNY": 45}), ("(no contact)", {"CNY": 0.3, "HKD": 120})]
    text = render_expenses_text(by_org)
    assert "华辰: 45.3 CNY" in text and "Total: 45.3 CNY · 120 HKD (4 expenses)" in text
    data = json.loads(render_expenses_json(by_org))
    assert data["totals"] == {"CNY": 45.3, "HKD": 120} and data["groups"][1]["name"] == "Northwind"
    rows = list(csv.reader(io.StringIO(render_expenses_csv(by_org))))
    assert rows[0][:4] == ["org", "date", "event", "amount"]
    assert rows[1][:5] == ["华辰", "2026-11-23", "拜访华辰", "45", "CNY"]


def test_expenses_csv_cells_are_not_formulas() -> None:
    data = tables()
    data["entries"]["P1"]["event"] = "=HYPERLINK(\"x\")"
    rows = list(csv.reader(io.StringIO(render_expenses_csv(build_expense_report(data, MON, SUN)))))
    assert rows[1][1] == "'=HYPERLINK(\"x\")"
