"""The week summary's Markdown drawn as styled text: structure recognised, user text literal."""

from __future__ import annotations

from datetime import date

from journal.reports.render import render_markdown
from journal.reports.summary import build_period_report
from journal.service import Journal, LinkRequest
from journal.widgets.report_view import inline, render_report


def test_escapes_are_undone_and_bold_is_drawn() -> None:
    line = inline(r"**华辰\_精密** costs \*5\* \[USD\] \| [bold]")
    assert line.plain == "华辰_精密 costs *5* [USD] | [bold]"
    bold = [span for span in line.spans if "bold" in str(span.style)]
    assert "".join(line.plain[s.start:s.end] for s in bold) == "华辰_精密"


def test_a_real_report_keeps_its_text_and_loses_its_syntax(tmp_path) -> None:  # noqa: ANN001
    journal = Journal(tmp_path / "j.json")
    journal.set_day_note("2026-11-23", "# not a heading | *x*")
    journal.add_entry(event="- [link=x] **not bold**", summary="1. 第一行\n> quoted",
                      date="2026-11-23", time="09:00", links=LinkRequest(contacts=["张伟 [VIP]"]))
    markdown = render_markdown(build_period_report(journal.tables, date(2026, 11, 23),
                                                   date(2026, 11, 29), today=date(2026, 11, 23),
                                                   kind="week"))
    text = render_report(markdown).plain
    for literal in ("# not a heading | *x*", "- [link=x] **not bold**", "1. 第一行", "> quoted",
                    "张伟 [VIP]"):
        assert literal in text, (literal, text)
    assert "\\" not in text and "|---" not in text
    assert "Entries 1  ·  Done 1" in text  # the totals table as labelled figures
    assert "  • 09:00 - [link=x]" in text  # a bullet, its event literal
