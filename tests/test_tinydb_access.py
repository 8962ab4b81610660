"""The journal file is a TinyDB database: scripts can query it with TinyDB's own API."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import Query

from journal.errors import StorageError
from journal.service import Journal, LinkRequest
from journal.storage import open_tinydb


def test_open_tinydb_queries_the_journal_with_ulid_ids(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    journal = Journal(path)
    visit, _ = journal.add_entry(event="拜访客户", date="2026-11-23", tags=["loan"],
                                 links=LinkRequest(contacts=["张伟"]))
    journal.add_entry(event="Team meeting", date="2026-11-24")
    db = open_tinydb(path)
    found = db.table("entries").search(Query().tags.any(["loan"]))
    assert [doc.doc_id for doc in found] == [visit.id]
    assert found[0]["event"] == "拜访客户"
    contact_id = visit.contact_ids[0]
    assert db.table("contacts").get(doc_id=contact_id)["name"] == "张伟"
    assert len(db.table("entries")) == 2


def test_open_tinydb_refuses_writes_and_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_entry(event="Call", date="2026-11-23")
    before = path.read_bytes()
    db = open_tinydb(path)
    with pytest.raises(StorageError, match="read-only"):
        db.table("entries").insert({"event": "x", "date": "2026-11-23", "status": "done"})
    assert path.read_bytes() == before


def test_open_tinydb_refuses_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_text("{not json")
    with pytest.raises(StorageError):
        open_tinydb(path)
    assert path.read_text() == "{not json"
