"""`journal import` of vCard files and jrnl exports, and picking the importer by extension/content.

Real files (tests/data holds a GB18030 quoted-printable export as old Android phones write it, an
iPhone/vCard 4.0 mix with broken cards, and a real `jrnl --export json`), run through the in-process
CLI and once through a real process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from journal.service import Journal
from journal.storage import load_file
from tests.helpers import run_process

DATA = Path(__file__).resolve().parent / "data"
ANDROID = DATA / "android_gb18030.vcf"
PHONE = DATA / "phone_export.vcf"
JRNL = DATA / "jrnl_export.json"
JRNL_EXE = Path(shutil.which("jrnl", path=str(Path(sys.executable).parent)) or "/tmp/jrnl-venv/bin/jrnl")


def contacts_by_label(path: Path) -> dict[str, dict]:
    data = load_file(path)
    orgs = data["organisations"]
    out = {}
    for doc in data["contacts"].values():
        org = orgs.get(doc.get("organisation_id", ""), {}).get("name")
        out[f"{doc['name']} ({org})" if org else doc["name"]] = doc
    return out


# -- vCard ------------------------------------------------------------------------------------------


def test_android_gb18030_quoted_printable_vcard(cli, jfile: Path) -> None:
    result = cli("import", str(ANDROID))
    assert result.code == 0, result
    assert result.out.strip() == ("imported 2 contacts, merged 0, unchanged 0 (already present), "
                                  "rejected 0; created 2 organisations")
    assert "created organisation 绿源食品集团" in result.err
    people = contacts_by_label(jfile)
    wang = people["王芳 (绿源食品集团)"]
    assert wang["title"] == "首席财务官"
    assert wang["phones"] == ["0571-8888 6666", "13912345678"]
    assert wang["birthday"] == "1978-09-03"
    assert wang["notes"] == "喜欢喝龙井茶。孩子明年高考，别在六月约饭。下次拜访带上理财方案的中文版。"
    zhang = people["张伟 (华辰精密机械有限公司)"]  # an org name split by a soft line break
    assert zhang["emails"] == ["zhangwei@huachen.example"]
    assert len(zhang["phones"]) == 2


def test_vcard_merges_into_existing_contacts_without_overwriting(cli, jfile: Path,
                                                                  tmp_path: Path) -> None:
    journal = Journal(jfile)
    journal.add_document("organisation", "ＡＣＭＥ Robotics")
    journal.add_document("contact", "张伟", {"title": "财务总监", "phones": ["+8613812345678"],
                                            "notes": "喜欢喝茶"}, organisation="华辰精密机械有限公司")
    journal.add_document("contact", "张伟", {"phones": ["021-5555"]}, organisation="上海星海物流")
    card = tmp_path / "merge.vcf"
    card.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:张伟\nORG:华辰精密机械有限公司\nTITLE:CFO\n"
        "TEL:+86 138 1234 5678\nTEL:+86 139 0000 0000\nEMAIL:zw@huachen.example\n"
        "BDAY:--0517\nNOTE:另一条备注\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Tom Baker\nORG:acme robotics\nEND:VCARD\n",
        encoding="utf-8")
    result = cli("import", str(card))
    assert result.code == 0, result
    assert "imported 1 contact, merged 1, unchanged 0" in result.out
    assert "line 1: merged into 张伟 (华辰精密机械有限公司): added 1 phone, 1 e-mail, birthday" \
        in result.err
    assert "kept the journal's title (the card says 'CFO')" in result.err
    people = contacts_by_label(jfile)
    zhang = people["张伟 (华辰精密机械有限公司)"]
    assert zhang["title"] == "财务总监" and zhang["notes"] == "喜欢喝茶"  # nothing overwritten
    assert zhang["phones"] == ["+86 139 0000 0000", "+8613812345678"]  # same number not doubled
    assert zhang["birthday"] == "--05-17"
    assert people["张伟 (上海星海物流)"]["phones"] == ["021-5555"]  # the namesake is untouched
    assert "Tom Baker (ＡＣＭＥ Robotics)" in people  # ORG matched folded, no new organisation
    assert len(load_file(jfile)["organisations"]) == 3


def test_importing_the_same_vcard_twice_changes_nothing(cli, jfile: Path) -> None:
    cli("add", "seed")
    assert cli("import", str(ANDROID)).code == 0
    assert cli("import", str(PHONE)).code == 0
    before = jfile.read_bytes()
    backups = cli("backups").out.count("import")
    for source in (ANDROID, PHONE):
        again = cli("import", str(source))
        assert "imported 0 contacts, merged 0" in again.out, again
    assert jfile.read_bytes() == before
    assert cli("backups").out.count("import") == backups  # a no-op import keeps no backup
    assert cli("doctor").code == 0


def test_phone_export_with_broken_cards(cli, jfile: Path) -> None:
    result = cli("import", str(PHONE))
    assert result.code == 0, result
    assert result.out.startswith("imported 4 contacts, merged 0, unchanged 0 (already present), "
                                 "rejected 3")
    err = result.err.splitlines()
    assert "line 36: rejected: the card has no name (FN or N)" in err
    assert any(line.startswith("line 47: rejected: line 50: not a vCard property") for line in err)
    assert "line 52: rejected: card not closed (END:VCARD missing; truncated file?)" in err
    assert "line 41: birthday 'sometime in May' is not a date; left out" in err
    numbers = [int(line.split(":")[0].split()[1]) for line in err if line.startswith("line ")]
    assert numbers == sorted(numbers)  # reported in file order
    people = contacts_by_label(jfile)
    emily = people["Emily Chen (Northwind Trading Ltd)"]
    assert emily["birthday"] == "--03-15"  # Apple's year-less birthday
    assert emily["emails"] == ["emily.chen@northwind.example", "emily@chen-family.example"]
    assert emily["notes"] == "Met at the HKTDC fair 2024.\nPrefers WhatsApp, not calls. Kids: 2; boy and girl."
    assert emily["tags"] == ["Clients", "VIP"]
    david = people["David Wong (Northwind Trading Ltd)"]
    assert david["phones"] == ["+852-9876-5432"] and david["birthday"] == "--07-04"
    assert people["李娜 (华辰精密机械有限公司)"]["notes"] == "负责人，拍板的是她。"
    assert "birthday" not in people["Tom Baker"]


def test_vcard_utf16_from_outlook_and_bad_files(cli, jfile: Path, tmp_path: Path) -> None:
    outlook = tmp_path / "outlook.vcf"
    outlook.write_bytes("BEGIN:VCARD\r\nVERSION:3.0\r\nN:王;芳\r\nEND:VCARD\r\n".encode("utf-16"))
    assert cli("import", str(outlook)).code == 0
    assert "王芳" in contacts_by_label(jfile)
    before = jfile.read_bytes()
    cases = {"empty.vcf": b"", "text.vcf": b"hello\nworld\n", "nul.vcf": b"BEGIN:VCARD\x00\n",
             "allbad.vcf": b"BEGIN:VCARD\nVERSION:3.0\nTEL:1\nEND:VCARD\nBEGIN:VCARD\nFN:x\n",
             "damaged.vcf": "BEGIN:VCARD\nFN:张伟\n".encode() + b"NOTE:\xff\xfe\nEND:VCARD\n",
             "charset.vcf": b"BEGIN:VCARD\nFN;CHARSET=klingon;ENCODING=QUOTED-PRINTABLE:=41\n"
                            b"END:VCARD\n"}
    for name, raw in cases.items():
        path = tmp_path / name
        path.write_bytes(raw)
        result = cli("import", str(path))
        assert result.code == 1, (name, result)
        assert result.err.startswith("journal: ") or "rejected" in result.err, (name, result)
        if "rejected" not in result.err:
            assert result.err.count("\n") == 1, (name, result)
    assert "unknown charset 'klingon'" in cli("import", str(tmp_path / "charset.vcf")).err
    # UTF-8 with a damaged byte is refused, not read as GB18030 mojibake
    assert "not valid UTF-8 at line 3" in cli("import", str(tmp_path / "damaged.vcf")).err
    assert jfile.read_bytes() == before


# -- jrnl -------------------------------------------------------------------------------------------


def test_jrnl_export_import(cli, jfile: Path) -> None:
    result = cli("import", str(JRNL))
    assert result.code == 0, result
    assert result.out.strip() == "imported 7 entries, unchanged 0 (already present), rejected 0"
    entries = sorted(load_file(jfile)["entries"].values(), key=lambda e: (e["date"], e["time"]))
    assert [e["event"] for e in entries][:2] == [
        "拜访工商银行张伟", "Call with Li Na. Follow-up on the FX hedging proposal"]
    first = entries[0]
    assert first["date"] == "2026-11-20" and first["time"] == "09:30"
    assert first["summary"] == "讨论贷款续期，客户希望下周提交材料。 @张伟 @client"
    assert first["tags"] == ["client", "张伟"]
    review = next(e for e in entries if e["event"] == "Quarterly review with Northwind")
    assert review["tags"] == ["emily", "northwind", "review", "starred"]
    lunch = next(e for e in entries if e["event"].startswith("Lunch with 王芳"))
    assert lunch["summary"].splitlines() == [
        "Next steps:", "- brochure in Chinese", "- call back Friday @王芳 @lunch"]
    assert next(e for e in entries if e["event"] == "项目例会").get("summary") is None
    before = jfile.read_bytes()
    again = cli("import", str(JRNL))
    assert again.out.strip() == "imported 0 entries, unchanged 7 (already present), rejected 0"
    assert jfile.read_bytes() == before


def test_jrnl_bad_entries_are_rejected_one_by_one(cli, jfile: Path, tmp_path: Path) -> None:
    source = tmp_path / "jrnl.json"
    source.write_text(json.dumps({"tags": {}, "entries": [
        {"date": "2026-11-20", "time": "09:30", "title": "Good.", "body": "", "tags": []},
        {"date": "2026-02-30", "time": "09:30", "title": "Bad date", "body": ""},
        {"date": "2026-11-21", "time": "25:00", "title": "Bad time"},
        {"date": "2026-11-21", "title": "", "body": "no title"},
        {"date": "2026-11-21", "title": 5},
        "not an object",
        {"date": "2026-11-21", "title": "x", "tags": "@a"},
        {"date": "2026-11-21", "title": "Lone \ud800 surrogate"},
        {"date": "2026-11-22", "title": "L" * 600, "body": "rest"},
    ]}), encoding="utf-8")
    result = cli("import", str(source))
    assert result.code == 0, result
    assert "imported 2 entries, unchanged 0 (already present), rejected 7" in result.out
    for n in range(2, 9):
        assert f"entry {n}: rejected: " in result.err, (n, result.err)
    long = next(e for e in load_file(jfile)["entries"].values() if e["date"] == "2026-11-22")
    assert len(long["event"]) < 100 and long["summary"] == "L" * 600 + "\n\nrest"


@pytest.mark.skipif(not JRNL_EXE.exists(), reason="the jrnl program is not installed")
def test_fixture_is_what_jrnl_exports(tmp_path: Path) -> None:
    """tests/data/jrnl_export.json is real jrnl output: export tests/data/jrnl_journal.txt again."""
    home = tmp_path / "home"
    (home / ".config" / "jrnl").mkdir(parents=True)
    journal_txt = home / "journal.txt"
    shutil.copy(DATA / "jrnl_journal.txt", journal_txt)
    (home / ".config" / "jrnl" / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\ndefault_hour: 9\n"
        "default_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal_txt}\nlinewrap: 79\ntagsymbols: '#@'\n"
        "template: false\ntimeformat: '%Y-%m-%d %H:%M'\nversion: v4.6\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    done = subprocess.run([str(JRNL_EXE), "--export", "json"], env=env, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, done.stderr

    def normal(data: dict) -> list:
        return [{**e, "tags": sorted(e["tags"])} for e in data["entries"]]

    assert normal(json.loads(done.stdout)) == normal(json.loads(JRNL.read_text(encoding="utf-8")))


# -- picking the importer ---------------------------------------------------------------------------


def test_format_by_content_when_the_extension_says_nothing(cli, jfile: Path, tmp_path: Path) -> None:
    vcard = tmp_path / "00001"
    vcard.write_bytes(ANDROID.read_bytes())
    assert "imported 2 contacts" in cli("import", str(vcard)).out
    jrnl = tmp_path / "backup.txt"
    jrnl.write_bytes(JRNL.read_bytes())
    assert "imported 7 entries" in cli("import", str(jrnl)).out
    table = tmp_path / "visits.tsv"
    table.write_text("date,event\n2026-11-20,CSV visit\n", encoding="utf-8")
    assert "imported 1 entry" in cli("import", str(table)).out


def test_unknown_formats_fail_in_one_line(cli, jfile: Path, tmp_path: Path) -> None:
    cli("add", "seed")
    before = jfile.read_bytes()
    cases = {
        "notes.txt": (b"just some notes\n", "unknown format"),
        "data.json": (b"[1, 2, 3]", "unknown JSON format"),
        "shape.json": (b'{"entries": 5}', "unknown JSON format"),
        "trunc.json": (JRNL.read_bytes()[:300], "not valid JSON"),
        "latin.json": (b'{"entries": ["\xe9"]}', "not UTF-8"),
        "journal.json": (before, "journal data file"),
        "bundle.json": (b'{"format": "journal-bundle", "version": 7}', "newer journal"),
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    }
    for name, (raw, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(raw)
        result = cli("import", str(path))
        assert result.code == 1, (name, result)
        assert result.err.startswith("journal: ") and result.err.count("\n") == 1, (name, result)
        assert message in result.err, (name, result.err)
    fifo = tmp_path / "fifo.vcf"
    os.mkfifo(fifo)
    assert "not a regular file" in cli("import", str(fifo)).err
    assert jfile.read_bytes() == before


def test_real_process_imports_a_gb18030_vcard_twice(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    first = run_process("--file", str(path), "import", str(ANDROID))
    assert first.returncode == 0, first.stderr
    assert "imported 2 contacts" in first.stdout
    before = path.read_bytes()
    second = run_process("--file", str(path), "import", str(ANDROID))
    assert second.returncode == 0 and "unchanged 2" in second.stdout, second
    assert path.read_bytes() == before
    shown = run_process("--file", str(path), "contact", "show", "王芳")
    assert "首席财务官" in shown.stdout and "喜欢喝龙井茶" in shown.stdout


def test_a_merge_keeps_fields_this_version_does_not_know(cli, jfile: Path, tmp_path: Path) -> None:
    """A newer program (another machine) may have stored fields we do not know: merging a card
    into that contact must not be what deletes them."""
    doc, _ = Journal(jfile).add_document("contact", "王芳")
    store = Journal(jfile).store
    with store.transaction() as tx:
        tx.replace("contacts", doc.id, {**tx.get("contacts", doc.id), "x_wechat": "wf1978"})
    card = tmp_path / "c.vcf"
    card.write_text("BEGIN:VCARD\nFN:王芳\nTEL:139\nEND:VCARD\n", encoding="utf-8")
    assert "merged 1" in cli("import", str(card)).out
    stored = load_file(jfile)["contacts"][doc.id]
    assert stored["x_wechat"] == "wf1978" and stored["phones"] == ["139"]
