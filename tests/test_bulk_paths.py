"""The shortcuts that keep a 100k-row import linear give the answers of the general code: ISO
dates and times read without the grammar, ``Name (Organisation)`` lookups that see an edit made
in the same transaction, ids minted with a cached time prefix, big tables parsed in pieces."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal import dates
from journal.datafile.files import new_id
from journal.dates import DateError, parse_date, parse_time
from journal.names.resolve import NameIndex, Resolver
from journal.service import Journal

CROCKFORD = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def _general_date(text: str) -> object:
    try:
        span = dates._parse_span(text, None, "date")
    except DateError:
        return DateError
    return span.start if span.kind == "day" else span.kind


def _fast_date(text: str) -> object:
    try:
        return parse_date(text)
    except DateError:
        return DateError


@given(st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True))
def test_iso_dates_read_as_the_grammar_reads_them(text: str) -> None:
    assert _fast_date(text) == _general_date(text)


@pytest.mark.parametrize("text", ["2026-02-29", "2024-02-29", "0000-01-01", "2026-13-01",
                                  "9999-12-31", "２０２６-１１-２３", "2026-11-23\n"])
def test_iso_date_edge_cases(text: str) -> None:
    assert _fast_date(text) == _general_date(text)


@given(st.from_regex(r"[0-9]{2}:[0-9]{2}", fullmatch=True))
def test_hh_mm_times_read_as_the_grammar_reads_them(text: str) -> None:
    try:
        expected: object = dates._parse(text, "time", dates._clock)
        expected = "{:02d}:{:02d}".format(*expected)  # type: ignore[str-format]
    except DateError:
        expected = DateError
    try:
        got: object = parse_time(text)
    except DateError:
        got = DateError
    assert got == expected


def test_ids_are_ulids_in_creation_order() -> None:
    ids = [new_id() for _ in range(2000)]
    assert all(CROCKFORD.fullmatch(i) for i in ids) and len(set(ids)) == len(ids)
    later = (time.sleep(0.002), new_id())[1]
    assert later[:10] > ids[0][:10] and later > max(ids[:1])


def _journal(tmp_path: Path) -> Journal:
    journal = Journal(tmp_path / "journal.json")
    for org in ("工商银行", "建设银行"):
        journal.add_document("organisation", org)
    journal.add_document("contact", "张伟", {"organisation_id": journal.resolve("organisation", "工商银行")})
    journal.add_document("contact", "张伟", {"organisation_id": journal.resolve("organisation", "建设银行")})
    return journal


def test_name_and_organisation_finds_the_one_namesake(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    with journal.store.transaction() as tx:
        index = NameIndex(tx.tables, "contact")
        icbc, ccb = index.find("张伟 (工商银行)"), index.find("张伟（建设银行）")
        assert len(icbc) == len(ccb) == 1 and icbc != ccb
        assert index.find("张伟 (工商)") == [] and len(index.find("张伟")) == 2
        assert index.find("ZHANG伟 (工商银行)") == []


def test_an_edit_in_the_same_transaction_is_seen(tmp_path: Path) -> None:
    """The label index is made on the first lookup; a contact moved to another organisation
    afterwards is found under the new one and no longer under the old."""
    journal = _journal(tmp_path)
    with journal.store.transaction() as tx:
        index = NameIndex(tx.tables, "contact", lambda: tx.edits("contacts", "organisations"))
        (icbc,) = index.find("张伟 (工商银行)")
        ccb_org = journal.resolve("organisation", "建设银行")
        tx.replace("contacts", icbc, {**tx.get("contacts", icbc), "organisation_id": ccb_org})
        assert index.find("张伟 (工商银行)") == []
        assert icbc in index.find("张伟 (建设银行)") and len(index.find("张伟 (建设银行)")) == 2
        (ccb,) = [i for i in index.find("张伟 (建设银行)") if i != icbc]
        tx.replace("organisations", ccb_org, {**tx.get("organisations", ccb_org), "name": "CCB"})
        assert index.find("张伟 (建设银行)") == [] and len(index.find("张伟 (ccb)")) == 2
        tx.remove("contacts", ccb)
        assert index.find("张伟 (CCB)") == [icbc]


def test_created_documents_are_found_by_label_at_once(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    with journal.store.transaction() as tx:
        resolver = Resolver(tx, "2026-11-23T00:00:00.000000Z")
        first = resolver.resolve("contact", "李娜 (工商银行)")
        again = resolver.resolve("contact", "李娜 (工商银行)")
        other = resolver.resolve("contact", "李娜 (招商银行)")  # a new namesake, a new organisation
        assert first == again != other
        assert [c.label for c in resolver.created] == ["李娜 (工商银行)", "招商银行", "李娜 (招商银行)"]
        assert resolver.resolve("contact", "李娜 (招商银行)") == other


def _entries_table(raw: bytes) -> tuple[int, int]:
    head = b'\n  "entries": '
    start = raw.find(head) + len(head)
    return start, raw.find(b"\n  },\n", start) + len(b"\n  }")


@pytest.mark.parametrize("chunk", [1, 300, 5000, 1 << 30])
def test_a_table_parsed_in_pieces_is_the_table(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing a big table a few megabytes at a time (the app's launch) gives the same dict, in
    the same order, as parsing it at once — and the same error for a damaged one."""
    import orjson

    from journal.datafile import canonical
    from journal.datafile.canonical import RawTable
    from journal.storage import dump_canonical
    from tests.corpus import generate_tables

    monkeypatch.setattr(canonical, "_PARSE_CHUNK", chunk)
    raw = dump_canonical(generate_tables(200, 20, seed=3))
    start, end = _entries_table(raw)
    parsed = RawTable(raw, start, end).materialize()
    expected = orjson.loads(raw)["entries"]
    assert parsed == expected and list(parsed) == list(expected)
    middle = raw.find(b'"event"', (start + end) // 2)
    broken = raw[:middle] + b'"event" "no colon"' + raw[middle + len(b'"event":'):]
    with pytest.raises(orjson.JSONDecodeError):
        RawTable(broken, *_entries_table(broken)).materialize()
