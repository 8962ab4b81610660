"""The client file (`journal export contact|org NAME`) against a fixture journal: every section —
profile with tier, cadence and owner as they apply, owner history, contacts and projects, open
follow-ups, complaints, expenses, the history newest first — compared with the expected files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CASES = [("org", "华辰精密机械有限公司", "client_file_org.md"),
         ("contact", "张伟", "client_file_contact.md")]


@pytest.mark.parametrize(("kind", "name", "expected"), CASES)
def test_client_file_matches_the_fixture(cli, tmp_path: Path, kind: str, name: str,
                                         expected: str) -> None:
    journal = tmp_path / "journal.json"
    shutil.copy(DATA / "client_file.json", journal)
    result = cli("export", kind, name, "--today", "2026-11-23", file=journal)
    assert result.code == 0, result
    got = re.sub(r"exported \d{4}-\d\d-\d\d:", "exported DATE:", result.out, count=1)
    assert got == (DATA / expected).read_text(encoding="utf-8")
