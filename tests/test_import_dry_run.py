"""`journal import --dry-run`: for every format, the counts the real import then gives, and not one
byte written (no data file, no backup)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from journal.interchange.sample import load_sample
from journal.search.cache.reader import cache_paths
from journal.service import Journal
from journal.storage import BACKUP_DIR

DATA = Path(__file__).resolve().parent / "data"
SOURCES = {
    "csv": "date,time,event,contacts,organisations\n2026-11-20,09:30,Visit,Li Na,ACME\n"
           "2026-11-20,10:30,Call,Li Na,\n2026-02-30,11:00,Bad date,,\n",
    "vcf": (DATA / "phone_export.vcf"),
    "jrnl.json": (DATA / "jrnl_export.json"),
    "jrnl.txt": (DATA / "jrnl_written_by_jrnl.txt"),
}


def _numbers(line: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", line)]


def _write(tmp_path: Path, name: str) -> Path:
    source = SOURCES[name]
    path = tmp_path / f"source.{name.split('.')[-1]}"
    if isinstance(source, Path):
        path.write_bytes(source.read_bytes())
    else:
        path.write_text(source, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_dry_run_predicts_and_writes_nothing(cli, jfile: Path, tmp_path: Path, name: str) -> None:
    Journal(jfile).add_entry(event="already here", date="2026-11-01")
    source = _write(tmp_path, name)
    before = jfile.read_bytes()
    rehearsal = cli("import", str(source), "--dry-run")
    assert rehearsal.code == 0, rehearsal
    assert rehearsal.out.endswith(" (dry run: nothing written)\n")
    assert rehearsal.out.startswith("would import ")
    assert jfile.read_bytes() == before
    assert not (jfile.parent / BACKUP_DIR).exists()
    assert not cache_paths(jfile)[0].exists()  # not even the search cache a real import leaves
    real = cli("import", str(source))
    assert real.code == 0, real
    assert _numbers(rehearsal.out) == _numbers(real.out)  # the same counts, word for word
    assert rehearsal.err.replace("would create", "created") == real.err
    assert jfile.read_bytes() != before
    assert cache_paths(jfile)[0].exists()  # the real import indexed what it wrote
    again = cli("import", str(source), "--dry-run")
    assert re.match(r"would import 0 ", again.out), again.out


def test_dry_run_of_a_journal_export_and_of_a_new_journal(cli, jfile: Path, tmp_path: Path) -> None:
    load_sample(Journal(jfile), date(2026, 11, 23))
    export = tmp_path / "all.json"
    assert cli("export", "-o", str(export)).code == 0
    fresh = tmp_path / "fresh" / "journal.json"
    fresh.parent.mkdir()
    result = cli("import", str(export), "--dry-run", file=fresh)
    assert result.code == 0 and "would import 50 documents and entries, would merge 0" in result.out
    assert not fresh.exists()  # the journal is not created by a rehearsal
    assert "would import 0 documents and entries, would merge 0, unchanged 50" in \
        cli("import", str(export), "--dry-run").out
    handover = tmp_path / "huachen.json"
    assert cli("export", "org", "华辰精密机械有限公司", "--format", "json", "-o", str(handover)).code == 0
    assert "would import 12 documents and entries" in cli("import", str(handover), "--dry-run",
                                                          file=fresh).out
    assert not fresh.exists()
