"""The command line of repeating entries, reminders, follow-ups and the agenda, as a user types it."""

from __future__ import annotations

from pathlib import Path

import orjson


def first_id(out: str) -> str:
    return out.split()[0]


def series_of(cli, day: str) -> str:
    listed = orjson.loads(cli("list", "--on", day, "--format", "json").out)
    return next(v["series"] for v in listed if "series" in v)


def test_add_a_repeating_entry_with_a_reminder(cli, jfile: Path) -> None:
    added = cli("add", "Team meeting 周会", "-d", "2026-12-07", "-t", "9:00",
                "--repeat", "weekly on mon,thu until 2027-06-30", "--remind", "15m", "-c", "张伟")
    assert added.code == 0, added.err
    sid = added.out.strip()
    stored = orjson.loads(jfile.read_bytes())["entries"][sid]
    assert (stored["recurrence"], stored["status"], stored["remind_at"]) == (
        "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630", "planned", "2026-12-07T08:45")
    shown = cli("show", f"{sid}@2026-12-10")
    assert "remind:        2026-12-10 08:45" in shown.out and "series:" in shown.out
    assert "repeats" in cli("show", sid).out
    listed = cli("list", "--on", "2026-12-07..2026-12-14").out.splitlines()
    assert [first_id(line) for line in listed] == [f"{sid}@2026-12-07", f"{sid}@2026-12-10",
                                                   f"{sid}@2026-12-14"]


def test_a_repeating_entry_starts_on_its_first_day(cli) -> None:
    sid = cli("add", "Month-end report", "-d", "2026-12-02", "--repeat", "每月最后一天").out.strip()
    assert orjson.loads(cli("show", sid, "--format", "json").out)[0]["date"] == "2026-12-31"


def test_bad_repeat_and_remind_are_one_line_errors_and_write_nothing(cli, jfile: Path) -> None:
    for args in (["--repeat", "every blue moon"], ["--repeat", "FREQ=SECONDLY"],
                 ["--remind", "soonish"], ["--repeat", "weekly", "--status", "done"]):
        bad = cli("add", "X", *args)
        assert bad.code != 0 and bad.err.startswith("journal: ") and bad.err.count("\n") == 1
    assert not jfile.exists()


def test_edit_one_occurrence_the_following_and_delete(cli, jfile: Path) -> None:
    sid = cli("add", "Standup", "-d", "2026-12-07", "-t", "9:00", "--repeat", "工作日").out.strip()
    assert cli("edit", f"{sid}@2026-12-08", "--status", "done", "-s", "short one").code == 0
    assert cli("edit", f"{sid}@2026-12-09", "-t", "10:00", "--date", "2026-12-09").code == 0
    split = cli("edit", f"{sid}@2026-12-14", "-t", "08:30", "--scope", "following")
    assert split.code == 0 and "split the series" in split.err
    assert cli("delete", f"{sid}@2026-12-10", "--yes").code == 0
    rows = orjson.loads(cli("list", "--on", "2026-12-07..2026-12-15", "--format", "json").out)
    assert [(r["date"], r["time"], r["status"]) for r in rows] == [
        ("2026-12-07", "09:00", "planned"), ("2026-12-08", "09:00", "done"),
        ("2026-12-09", "10:00", "planned"), ("2026-12-11", "09:00", "planned"),
        ("2026-12-14", "08:30", "planned"), ("2026-12-15", "08:30", "planned")]
    bad = cli("edit", f"{sid}@2026-12-07", "--tag", "x")
    assert bad.code != 0 and "series" in bad.err
    assert cli("edit", sid, "--repeat", "none").code == 0
    assert "recurrence" not in orjson.loads(jfile.read_bytes())["entries"][sid]


def test_remind_ack_and_snooze(cli) -> None:
    a = cli("add", "Call Li", "-d", "2026-12-07", "-t", "10:00", "--status", "planned",
            "--remind", "15m").out.strip()
    b = cli("add", "Lunch", "-d", "2026-12-07", "-t", "12:00", "--status", "planned",
            "--remind", "11:00").out.strip()
    early = cli("remind", "--now", "2026-12-07T09:00")
    assert (early.code, early.out) == (0, "")
    due = cli("remind", "--now", "2026-12-07T11:30")
    assert due.code == 0 and [line.split()[-1] for line in due.out.splitlines()] == [a, b]
    assert due.out.splitlines()[0].startswith("2026-12-07 09:45  Call Li  (2026-12-07 10:00)")
    assert cli("remind", "--ack", a[-6:], "--now", "2026-12-07T11:30").code == 0
    snoozed = cli("remind", "--snooze", b, "--for", "1h", "--now", "2026-12-07T11:30")
    assert "until 2026-12-07 12:30" in snoozed.err
    assert cli("remind", "--now", "2026-12-07T12:00").out == ""
    data = orjson.loads(cli("remind", "--format", "json", "--now", "2026-12-07T12:30").out)
    assert [d["id"] for d in data] == [b]
    assert cli("remind", "--ack-all", "--now", "2026-12-07T12:30").code == 0
    assert cli("remind", "--now", "2026-12-08T12:30").out == ""
    bad = cli("remind", "--for", "1h")
    assert bad.code != 0 and "--snooze" in bad.err


def test_follow_up_links_both_ways(cli) -> None:
    visit = cli("add", "Visit ACME", "-d", "2026-12-08", "-c", "张伟", "-o", "ACME").out.strip()
    up = cli("follow-up", visit, "--in", "7d", "--today", "2026-12-08")
    assert up.code == 0 and "follow-up on 2026-12-15" in up.err
    up_id = up.out.strip()
    shown = orjson.loads(cli("show", up_id, "--format", "json").out)[0]
    assert (shown["date"], shown["status"], shown["contacts"], shown["organisations"],
            shown["follows"]) == ("2026-12-15", "planned", ["张伟 (ACME)"], ["ACME"], visit)
    assert "follows up:    2026-12-08 Visit ACME" in cli("show", up_id).out
    second = cli("follow-up", visit, "Send the term sheet", "--on", "2026-12-11").out.strip()
    original = cli("show", visit).out
    assert up_id in original and second in original
    assert "(2 open follow-ups)" in cli("list", "--on", "2026-12-08").out
    bad = cli("follow-up", visit, "--in", "soon")
    assert bad.code != 0 and bad.err.startswith("journal: invalid delay")


def test_agenda_text_and_json(cli) -> None:
    cli("add", "Standup", "-d", "2026-12-07", "-t", "9:00", "--repeat", "workdays")
    cli("add", "Visit Ningbo bank", "-d", "2026-12-09", "-t", "14:00", "--status", "planned")
    cli("add", "Send minutes", "-d", "2026-12-04", "--status", "planned")
    text = cli("agenda", "--now", "2026-12-09T08:00")
    assert text.code == 0
    lines = text.out.splitlines()
    assert lines[0] == "Agenda 2026-12-09"
    assert any("↻ Standup" in line for line in lines) and "Overdue (still planned)" in lines
    data = orjson.loads(cli("agenda", "--days", "3", "--format", "json", "--now",
                            "2026-12-09T08:00").out)
    assert [p["date"] for p in data["plan"]] == ["2026-12-09", "2026-12-09", "2026-12-10",
                                                 "2026-12-11"]
    assert [o["event"] for o in data["overdue"]][0] == "Send minutes"
    bad = cli("agenda", "--days", "0")
    assert bad.code != 0
