"""`journal export --format csv|xlsx|json|md|ics|vcard`: each format read back by what reads it
(our own import for csv/json/vcard, openpyxl for xlsx, the icalendar library for ics), filters,
and the output rules (private file, never the journal itself, no workbook on a terminal)."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from journal.interchange.sample import load_sample
from journal.names.resolve import label
from journal.service import Journal, LinkRequest
from journal.storage import load_file

TODAY = date(2026, 11, 23)
HUACHEN = "华辰精密机械有限公司"
XINGHAI = "上海星海物流有限公司"
TRICKY = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture
def rich(jfile: Path) -> Path:
    """The sample fortnight plus what the sample lacks: namesakes in one meeting, an end time
    crossing midnight, a recurring series with a reminder, an all-day plan, expenses, a field this
    version does not know, a formula-like event, control characters and a birthday on 29 February."""
    journal = Journal(jfile)
    load_sample(journal, TODAY)
    journal.add_entry(event="三方会谈 two 张伟", date="2026-11-18", time="16:00",
                      summary="华辰的张伟和星海的张伟谈物流合作。",
                      links=LinkRequest(contacts=[f"张伟 ({HUACHEN})", f"张伟 ({XINGHAI})"]))
    night, _ = journal.add_entry(event="Year-end gala", date="2026-11-27", time="22:00",
                                 end_time="01:30", status="planned", tags=["dinner"],
                                 links=LinkRequest(organisations=["Acme Robotics"]))
    weekly, _ = journal.add_entry(event="Weekly pipeline call", date="2026-11-30", time="09:00",
                                  end_time="09:30", status="planned", summary="Agenda, pipeline")
    journal.edit_entry(weekly.id, {"recurrence": "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8",
                                   "remind_at": "2026-11-30T08:45"})
    journal.add_entry(event="Branch training day", date="2026-12-02", status="planned",
                      tags=["training"])
    taxi, _ = journal.add_entry(event=TRICKY, date="2026-11-19", time="18:00",
                                summary="line one\x1b[31m red\nline two; with, punctuation")
    journal.edit_entry(taxi.id, {"expenses": [{"amount": 86.5, "currency": "CNY", "note": "taxi"},
                                              {"amount": 120, "currency": "CNY", "note": "dinner"}]})
    journal.add_document("contact", "Leap Li", {"birthday": "1988-02-29", "tier": "C",
                                                 "notes": "Likes tea; hates, commas\nSecond line",
                                                 "phones": ["+86 139 0000 1111", "021-5555"],
                                                 "emails": ["leap@example.com"]},
                         organisation="Acme Robotics")
    with journal.store.transaction() as tx:  # a field a newer version (or another machine) wrote
        doc = dict(tx.get("entries", night.id))
        tx.replace("entries", night.id, doc | {"priority": "high"})
    journal.set_day_note("2026-11-19", "Rainy day.\n# not a heading")
    journal.set_review("2026-W47", "## 本周工作\n签约绿源代发")
    return jfile


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _export(cli, tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    result = cli("export", "--today", TODAY.isoformat(), *args, "-o", str(out))
    assert result.code == 0, result
    assert result.out == "" and f"to {out}" in result.err
    assert _mode(out) == 0o600
    return out


def entry_contents(path: Path) -> list[tuple]:
    """Entries as a person sees them: fields and links by name (ids and stamps aside)."""
    data = load_file(path)
    out = []
    for doc in data["entries"].values():
        links = tuple(tuple(sorted(label(data, kind, i) for i in doc.get(f"{kind}_ids", ())))
                      for kind in ("contact", "project", "organisation"))
        out.append((doc["date"], doc.get("time"), doc.get("end_time"), doc["event"],
                    doc.get("summary", ""), doc.get("status"), tuple(doc.get("tags", ())),
                    json.dumps(doc.get("expenses", [])), doc.get("remind_at"),
                    doc.get("recurrence"), links))
    return sorted(out, key=repr)


CONTACT_FIELDS = ("title", "phones", "emails", "birthday", "tier", "cadence_days", "notes", "tags")


def contact_contents(path: Path) -> dict[str, dict[str, Any]]:
    data = load_file(path)
    return {label(data, "contact", i): {k: d.get(k) for k in CONTACT_FIELDS}
            for i, d in data["contacts"].items()}


# -- CSV ---------------------------------------------------------------------------------------------


def test_csv_round_trip_into_an_empty_journal(cli, rich: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path, "all.csv")
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == ("date,time,end_time,event,summary,projects,contacts,organisations,status,"
                      "tags,expenses,remind_at,recurrence,priority,origin,carried_from,id")
    target = tmp_path / "empty.json"
    result = cli("import", str(out), file=target)
    assert result.code == 0 and "imported 32 entries, rejected 0 rows" in result.out, result
    assert entry_contents(target) == entry_contents(rich)
    text = out.read_text(encoding="utf-8")
    assert "86.5 CNY taxi; 120 CNY dinner" in text
    assert f"张伟 ({HUACHEN}); 张伟 ({XINGHAI})" in text  # namesakes told apart
    assert ",high," in text  # a field this version does not know still goes out
    again = cli("import", str(out), file=target)
    assert "imported 0 entries" in again.out and "skipped 32 already present" in again.out


def test_csv_for_excel_and_gb18030(cli, rich: Path, tmp_path: Path) -> None:
    excel = _export(cli, tmp_path, "excel.csv", "--excel")
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert "'" + TRICKY.replace('"', '""') in raw.decode("utf-8-sig")  # Excel will not run it
    target = tmp_path / "from-excel.json"
    assert cli("import", str(excel), file=target).code == 0
    assert entry_contents(target) == entry_contents(rich)  # the guard comes off on import

    gb = _export(cli, tmp_path, "gb.csv", "--encoding", "gb18030")
    assert "拜访华辰精密机械".encode("gb18030") in gb.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.read_bytes().decode("utf-8")
    target = tmp_path / "from-gb.json"
    assert cli("import", str(gb), file=target).code == 0
    assert entry_contents(target) == entry_contents(rich)

    both = cli("export", "--format", "csv", "--excel", "--encoding", "gb18030")
    assert both.code == 1 and "GB18030 needs no mark" in both.err
    wrong = cli("export", "--format", "md", "--excel")
    assert wrong.code == 1 and "apply to --format csv" in wrong.err


# -- JSON --------------------------------------------------------------------------------------------


def test_json_round_trip_keeps_ids_and_everything(cli, rich: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path, "all.json")
    again = _export(cli, tmp_path, "again.json")
    assert out.read_bytes() == again.read_bytes()  # deterministic
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data)[:3] == ["format", "version", "scope"]
    target = tmp_path / "empty.json"
    result = cli("import", str(out), file=target)
    assert result.code == 0 and "rejected 0" in result.out, result
    original, copy = load_file(rich), load_file(target)
    for table in ("entries", "contacts", "projects", "organisations", "days", "reviews"):
        assert copy[table] == original[table], table  # same ids, same fields, same stamps
    assert copy["entries"][next(i for i, d in original["entries"].items()
                                if d["event"] == "Year-end gala")]["priority"] == "high"
    before = target.read_bytes()
    second = cli("import", str(out), file=target)
    assert "imported 0 " in second.out and "merged 0" in second.out, second
    assert target.read_bytes() == before  # no duplicates, not one byte changed


def test_filtered_json_carries_what_its_entries_link_to(cli, rich: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path, "xinghai.json", "--org", XINGHAI)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scope"] == f"entries matching org:{XINGHAI}"
    events = {e["event"] for e in data["entries"].values()}
    assert events == {"电话：张伟（星海物流）", "拜访星海物流", "三方会谈 two 张伟"}
    # the meeting also links 华辰's 张伟: that contact and their organisation travel in full
    assert {c["name"] for c in data["contacts"].values()} == {"张伟"} and len(data["contacts"]) == 2
    assert {o["name"] for o in data["organisations"].values()} == {HUACHEN, XINGHAI}
    assert {p["name"] for p in data["projects"].values()} == {"星海 供应链金融"}
    target = tmp_path / "empty.json"
    assert cli("import", str(out), file=target).code == 0
    assert cli("doctor", file=target).code == 0  # no dangling link


# -- vCard -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_vcard_round_trip(cli, rich: Path, tmp_path: Path, version: str) -> None:
    extra = ("--vcard3",) if version == "3.0" else ()
    out = _export(cli, tmp_path, f"all-{version}.vcf", *extra)
    raw = out.read_bytes()
    assert raw.count(b"BEGIN:VCARD") == 10 and f"VERSION:{version}".encode() in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded, never mid-character
    raw.decode("utf-8")
    text = raw.decode("utf-8").replace("\r\n ", "")
    assert "CATEGORIES:VIP\r\n" in text and "X-JOURNAL-TIER:VIP" in text
    assert "NOTE:Likes tea\\; hates\\, commas\\nSecond line" in text
    if version == "4.0":
        assert "BDAY:--0315" in text and "BDAY:19880229" in text
    else:
        assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15" in text and "BDAY:1988-02-29" in text
    target = tmp_path / "empty.json"
    result = cli("import", str(out), file=target)
    assert result.code == 0 and "imported 10 contacts" in result.out, result
    assert contact_contents(target) == contact_contents(rich)
    assert "imported 0 contacts" in cli("import", str(out), file=target).out


def test_vcard_of_an_organisation_holds_its_people_only(cli, rich: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path, "acme.vcf", "--org", "Acme Robotics")
    names = [line[3:] for line in out.read_text(encoding="utf-8").splitlines()
             if line.startswith("FN:")]
    assert names == ["Leap Li", "Tom Baker", "陈静"]  # not the others at Acme's meetings
    one = _export(cli, tmp_path, "one.vcf", "contact", f"张伟 ({XINGHAI})")
    assert one.read_text(encoding="utf-8").count("BEGIN:VCARD") == 1
    ambiguous = cli("export", "--format", "vcard", "contact", "张伟")
    assert ambiguous.code == 1 and "is ambiguous" in ambiguous.err


# -- iCalendar ---------------------------------------------------------------------------------------


def _calendar(path: Path) -> dict[str, Any]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_ics_events_read_back_with_icalendar(cli, rich: Path, tmp_path: Path) -> None:
    data = load_file(rich)
    ids = {d["event"]: i for i, d in data["entries"].items()}
    events = _calendar(_export(cli, tmp_path, "plans.ics"))
    planned = {i for i, d in data["entries"].items() if d["status"] == "planned"}
    birthdays = {f"birthday-{i}@journal" for i, d in data["contacts"].items() if d.get("birthday")}
    assert set(events) == {f"{i}@journal" for i in planned} | birthdays

    visit = events[f"{ids['拜访绿源食品 签署代发协议']}@journal"]
    assert visit.decoded("dtstart") == datetime(2026, 11, 23, 10, 30)  # floating local time
    assert visit.decoded("dtend") == datetime(2026, 11, 23, 12, 0)
    assert str(visit["summary"]) == "拜访绿源食品 签署代发协议"
    assert "With: 王芳 (绿源食品集团)" in str(visit["description"])
    assert str(visit["status"]) == "CONFIRMED"

    gala = events[f"{ids['Year-end gala']}@journal"]
    assert gala.decoded("dtstart") == datetime(2026, 11, 27, 22, 0)
    assert gala.decoded("dtend") == datetime(2026, 11, 28, 1, 30)  # across midnight
    assert str(gala["location"]) == "深圳南山区科技园"  # the organisation's address

    weekly = events[f"{ids['Weekly pipeline call']}@journal"]
    assert weekly.decoded("dtend") - weekly.decoded("dtstart") == timedelta(minutes=30)
    rule = weekly["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO"] and rule["COUNT"] == [8]
    alarms = list(weekly.walk("VALARM"))
    assert len(alarms) == 1 and alarms[0].decoded("trigger") == timedelta(minutes=-15)
    assert str(alarms[0]["action"]) == "DISPLAY"

    training = events[f"{ids['Branch training day']}@journal"]
    assert training.decoded("dtstart") == date(2026, 12, 2)  # all day
    assert training.decoded("dtend") == date(2026, 12, 3)

    lina = events[next(u for u in birthdays if "李娜" in str(events[u]["summary"]))]
    assert lina.decoded("dtstart") == date(2000, 3, 15) and lina["rrule"]["FREQ"] == ["YEARLY"]
    leap = events[next(u for u in birthdays if "Leap Li" in str(events[u]["summary"]))]
    assert leap.decoded("dtstart") == date(1988, 2, 29)
    assert leap["rrule"]["BYMONTHDAY"] == [-1]  # 28 February in the other years


def test_ics_uids_are_stable_and_a_change_wins(cli, rich: Path, tmp_path: Path) -> None:
    first = _calendar(_export(cli, tmp_path, "a.ics"))
    journal = Journal(rich)
    entry = next(e for e in journal.entries_between("2026-11-24", "2026-11-24")
                 if e.status == "planned" and e.time == "10:00")
    assert _calendar(_export(cli, tmp_path, "same.ics")).keys() == first.keys()
    with journal.store.transaction() as tx:  # moved a minute later, as a person would
        doc = tx.get("entries", entry.id)
        later = (datetime.fromisoformat(doc["updated_at"].rstrip("Z")) + timedelta(minutes=1))
        tx.replace("entries", entry.id, doc | {"date": "2026-11-25",
                                               "updated_at": later.isoformat() + "Z"})
    second = _calendar(_export(cli, tmp_path, "b.ics"))
    uid = f"{entry.id}@journal"
    assert second.keys() == first.keys()  # moved, not duplicated
    assert second[uid].decoded("dtstart") == datetime(2026, 11, 25, 10, 0)
    assert int(second[uid]["sequence"]) > int(first[uid]["sequence"])


def test_ics_with_a_status_filter_and_a_bad_rule(cli, rich: Path, tmp_path: Path) -> None:
    journal = Journal(rich)
    odd, _ = journal.add_entry(event="Odd rule", date="2026-12-01", status="planned")
    journal.edit_entry(odd.id, {"recurrence": "FREQ=SOMETIMES"})
    out = tmp_path / "cancelled.ics"
    result = cli("export", "status:cancelled", "-o", str(out))
    assert result.code == 0, result
    events = _calendar(out)
    assert [str(e["summary"]) for u, e in events.items()
            if not u.startswith("birthday-")] == ["绿源食品 dinner"]
    assert all(str(e["status"]) == "CANCELLED" for u, e in events.items()
               if not u.startswith("birthday-"))
    noted = cli("export", "--format", "ics", "from:2026-12-01", "-o", str(tmp_path / "odd.ics"))
    assert noted.code == 0 and "not understood" in noted.err
    odd_calendar = _calendar(tmp_path / "odd.ics")
    assert "rrule" not in odd_calendar[f"{odd.id}@journal"]
    birthdays = {u for u in odd_calendar if u.startswith("birthday-")}
    assert len(birthdays) == 2  # a period narrows the entries, not whose birthdays show
    acme = _calendar(_export(cli, tmp_path, "acme.ics", "--org", "Acme Robotics"))
    assert [str(e["summary"]) for u, e in acme.items() if u.startswith("birthday-")] == [
        "Birthday: Leap Li (Acme Robotics)"]


# -- Excel -------------------------------------------------------------------------------------------


def test_xlsx_read_back_with_openpyxl(cli, rich: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(_export(cli, tmp_path, "journal.xlsx"))
    assert book.sheetnames == ["Entries", "Contacts", "Projects", "Organisations", "Day notes",
                               "Reviews"]
    sheet = book["Entries"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("Date", "Time", "End", "Event", "Summary") and header[-1] == "Id"
    assert len(rows) == 33
    first = rows[1]
    assert isinstance(first[0], datetime) and isinstance(first[1], time)  # real cells
    assert sheet["A2"].number_format == "yyyy-mm-dd" and sheet["B2"].number_format == "hh:mm"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Q33"
    assert sheet.column_dimensions["D"].width >= 20 and sheet.column_dimensions["E"].width == 60
    tricky = next(c for c in sheet["D"] if c.value == TRICKY)
    assert tricky.data_type == "s"  # text, not a formula
    summary = sheet.cell(row=tricky.row, column=5).value
    assert "\x1b" not in summary and "\\x1b[31m red" in summary
    contacts = {r[0]: r for r in book["Contacts"].iter_rows(min_row=2, values_only=True)}
    assert contacts["Leap Li"][5] == datetime(1988, 2, 29)
    assert contacts["李娜"][5] == "03-15 (no year)"
    assert contacts["Tom Baker"][7] == 30  # cadence is a number
    assert [r[0] for r in book["Day notes"].iter_rows(min_row=2, values_only=True)] == [
        datetime(2026, 11, 11), datetime(2026, 11, 19), datetime(2026, 11, 20),
        datetime(2026, 11, 23)]
    assert [r[:2] for r in book["Reviews"].iter_rows(min_row=2, values_only=True)][-1] == (
        "2026-W47", "## 本周工作\n签约绿源代发")


def test_xlsx_is_not_for_the_screen(cli, rich: Path, tmp_path: Path) -> None:
    result = cli("export", "--format", "xlsx")
    assert result.code == 1 and "give -o FILE.xlsx" in result.err
    piped = subprocess.run([sys.executable, "-m", "journal", "--file", str(rich), "export",
                            "--format", "xlsx", "from:2026-11-20"], capture_output=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(piped.stdout))["Entries"].max_row > 1


def test_week_and_month_as_a_sheet(cli, rich: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    week = tmp_path / "week.xlsx"
    result = cli("week", "--today", TODAY.isoformat(), "-o", str(week))
    assert result.code == 0 and "(xlsx)" in result.out, result
    assert _mode(week) == 0o600
    sheet = load_workbook(week).active
    assert sheet.title == "Week 2026-W48"
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[0] == "Week 2026-W48 · 23–29 Nov 2026"  # as the Markdown report's title
    for heading in ("Day by day", "By client", "By project", "Still open", "Summary"):
        assert heading in cells
    assert "Focus: 绿源 signing, Emily's LC documents." in cells  # the day note
    assert "拜访绿源食品 签署代发协议" in cells and datetime(2026, 11, 23) in cells
    month = tmp_path / "month.xlsx"
    assert cli("month", "2026-11", "--today", TODAY.isoformat(), "--format", "xlsx", "-o",
               str(month)).code == 0
    cells = [c for row in load_workbook(month).active.iter_rows(values_only=True) for c in row]
    assert "Top clients" in cells and "November 2026" in cells and TRICKY in cells
    assert cli("week", "--format", "xlsx").code == 1


# -- Markdown ----------------------------------------------------------------------------------------


def test_markdown_diary(cli, rich: Path) -> None:
    result = cli("export", "--format", "md")
    assert result.code == 0, result
    md = result.out
    assert md.startswith("# Work journal\n\nThe whole journal: 32 entries, 2026-11-11 – 2026-12-02.")
    days = [line for line in md.splitlines() if line.startswith("### ")]
    assert days[0] == "### Wednesday 11 November 2026" and days[-1] == "### Wednesday 2 December 2026"
    assert md.index("## November 2026") < md.index("## December 2026")
    assert "> 季度末冲刺：存款目标还差 800 万。" in md and "> \\# not a heading" in md
    assert f"  With: 张伟 ({HUACHEN}), 张伟 ({XINGHAI})" in md
    assert "- **22:00–01:30** Year-end gala *(planned)*" in md and "  Priority: high" in md
    assert "  Expenses: 86.5 CNY taxi; 120 CNY dinner" in md
    assert "  Recurrence: RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8" in md
    assert "  - 预计需要 2000 万授信" in md  # the user's bullets stay bullets
    assert "\x1b" not in md and "  line one\\x1b[31m red  \n" in md


def test_filters_like_search(cli, rich: Path) -> None:
    week = cli("export", "--format", "csv", "--from", "2026-11-23", "--to", "2026-11-24")
    dates = [line[:10] for line in week.out.splitlines()[1:]]
    assert dates and set(dates) == {"2026-11-23", "2026-11-24"}
    assert dates == sorted(dates)  # oldest first
    same = cli("export", "--format", "csv", "from:2026-11-23", "to:2026-11-24")
    assert same.out == week.out
    words = cli("export", "--format", "md", "visit", "-cancelled", "contact:zw")
    assert words.code == 1 and "is ambiguous" in words.err  # zw: both 张伟, as in search
    pinyin = cli("export", "--format", "csv", "contact:wangfang", "tag:visit")
    assert {line.split(",")[3] for line in pinyin.out.splitlines()[1:]} == {
        "绿源食品 代发工资方案演示", "拜访绿源食品 签署代发协议"}
    md = cli("export", "--format", "md", "--on", "2026-11-19").out
    assert "Rainy day." in md and "Year-end gala" not in md
    none = cli("export", "--format", "md", "no-such-word-anywhere")
    assert none.code == 0 and "0 entries" in none.out


def test_output_is_private_and_never_the_journal(cli, rich: Path, tmp_path: Path) -> None:
    before = rich.read_bytes()
    for args in (("--format", "json"), ("--format", "csv")):
        result = cli("export", *args, "-o", str(rich))
        assert result.code == 1 and "is the journal file itself" in result.err
    assert rich.read_bytes() == before
    folder = cli("export", "-o", str(tmp_path))
    assert folder.code == 1 and "is a folder" in folder.err
    link = tmp_path / "link.md"
    target = tmp_path / "elsewhere.md"
    target.write_text("keep", encoding="utf-8")
    link.symlink_to(target)
    assert cli("export", "-o", str(link)).code == 0
    assert target.read_text(encoding="utf-8") == "keep"  # the link is replaced, not followed
    assert not link.is_symlink() and _mode(link) == 0o600


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_never_gets_raw_control_characters(rich: Path) -> None:
    from journal.cli import main

    for fmt in ("csv", "ics", "vcard", "md", "json"):
        out, err = _Terminal(), io.StringIO()
        assert main(["--file", str(rich), "export", "--format", fmt, "status:done"], stdout=out,
                    stderr=err) == 0, err.getvalue()
        assert "\x1b" not in out.getvalue(), fmt
    out = _Terminal()
    main(["--file", str(rich), "export", "--format", "csv", "on:2026-11-19"], stdout=out,
         stderr=io.StringIO())
    assert "line one\\x1b[31m red" in out.getvalue()
    piped = subprocess.run([sys.executable, "-m", "journal", "--file", str(rich), "export",
                            "--format", "csv", "on:2026-11-19"], capture_output=True, timeout=120)
    assert b"line one\x1b[31m red" in piped.stdout  # into a file or a pipe: the data as it is
