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


def test_wrapped_lines_keep_their_indent() -> None:
    """At 80 columns a bullet's second line starts under its words, a summary's under the
    summary, a quote's with its bar — not at the left edge."""
    markdown = ("## Day by day\n\n"
                "- 10:00 授信审批会 Credit committee (planned) — 刘洋 · 华辰精密机械有限公司 · "
                "华辰 流动资金贷款 2000万 and more words to wrap\n"
                "  华辰 2000 万流动资金贷款上会。The committee meets at ten and wants the audit "
                "reports of the last three years\n"
                "> a day note that is long enough to need a second line at this width, surely\n")
    lines = render_report(markdown, width=60).plain.splitlines()
    assert all(len(line) <= 60 for line in lines)
    bullet = lines.index(next(line for line in lines if line.startswith("  • 10:00")))
    assert lines[bullet + 1].startswith("    ") and not lines[bullet + 1].startswith("     ")
    summary = next(i for i, line in enumerate(lines) if "华辰 2000 万" in line)
    assert lines[summary].startswith("    华辰") and lines[summary + 1].startswith("    ")
    quotes = [line for line in lines if line.startswith("▌ ")]
    assert len(quotes) == 2
    assert render_report(markdown).plain.count("\n") == markdown.count("\n") - 1  # no width
