"""CSV import: encodings, lists, rejected rows with line numbers, idempotence."""

from __future__ import annotations

from pathlib import Path

from journal.service import Journal
from journal.storage import load_file

CSV = (
    "date,time,event,summary,projects,contacts,organisations\n"
    "2026-11-02,09:30,拜访客户,讨论贷款续期,贷款续期,张伟;李娜,工商银行\n"
    "2026-11-02,,Call,\"Follow-up, with comma\",,Li Na,\n"
    "2026-02-30,10:00,Bad date,,,,\n"
    "2026-11-03,25:00,Bad time,,,,\n"
    "2026-11-04,11:00,,no event,,,\n"
    "2026-11-05,14:00,Meeting,\"multi\nline\",Loan;贷款续期,,ACME\n"
)


def test_import_utf8_reports_rejects_and_is_idempotent(cli, tmp_path: Path, jfile: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CSV, encoding="utf-8")
    first = cli("import", str(source))
    assert first.code == 0, first.err
    assert "imported 3 entries, rejected 3 rows" in first.out
    assert "line 4: rejected" in first.err and "2026-02-30" in first.err
    assert "line 5: rejected" in first.err and "25:00" in first.err
    assert "line 6: rejected" in first.err and "event" in first.err
    data = load_file(jfile)
    assert len(data["entries"]) == 3
    assert {c["name"] for c in data["contacts"].values()} == {"张伟", "李娜", "Li Na"}
    visit = next(e for e in data["entries"].values() if e["event"] == "拜访客户")
    assert len(visit["contact_ids"]) == 2 and visit["time"] == "09:30"
    meeting = next(e for e in data["entries"].values() if e["event"] == "Meeting")
    assert meeting["summary"] == "multi\nline" and len(meeting["project_ids"]) == 2
    before = jfile.read_bytes()
    second = cli("import", str(source))
    assert "imported 0 entries" in second.out and "skipped 3 already present" in second.out
    assert jfile.read_bytes() == before
    # No backup: the first import created the file, the second had nothing to write (a no-op
    # import must not rotate the useful backups away).
    assert Journal(jfile).store.list_backups() == []
    source.write_text(CSV.replace("Meeting", "Another meeting"), encoding="utf-8")
    assert "imported 1 entry" in cli("import", str(source)).out
    backups = Journal(jfile).store.list_backups()
    assert len(backups) == 1 and backups[0].read_bytes() == before


def test_import_bom_and_gb18030(cli, tmp_path: Path, jfile: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeff".encode() + CSV.encode("utf-8"))
    assert "imported 3" in cli("import", str(bom)).out
    gb = tmp_path / "gb.csv"
    gb.write_bytes(CSV.replace("拜访客户", "电话回访").encode("gb18030"))
    result = cli("import", str(gb))
    assert "imported 1 entry" in result.out, result
    assert any(e["event"] == "电话回访" for e in load_file(jfile)["entries"].values())


def test_import_bad_files_fail_cleanly(cli, tmp_path: Path, jfile: Path) -> None:
    cli("add", "seed")
    before = jfile.read_bytes()
    cases = {"missing.csv": None, "noheader.csv": b"foo,bar\n1,2\n", "empty.csv": b"",
             "binary.csv": b"\x00\x01\x02\xff\xfe"}
    for name, raw in cases.items():
        path = tmp_path / name
        if raw is not None:
            path.write_bytes(raw)
        result = cli("import", str(path))
        assert result.code == 1 and result.err.startswith("journal: "), (name, result)
        assert result.err.count("\n") == 1
    assert jfile.read_bytes() == before
