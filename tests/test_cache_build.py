"""The search cache's build checks a file's canonical form table by table (no second copy of the
file): it must agree with comparing the whole dump, on canonical files and near misses."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import journal.search.cache.build as build
from journal.search.cache.build import canonical_bytes, is_canonical
from tests.corpus import generate_tables

TABLES = generate_tables(90, 12, seed=5)


def _agree(tables: dict[str, Any], raw: bytes) -> bool:
    expected = canonical_bytes(tables) == raw
    assert is_canonical(tables, raw) == expected
    return expected


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "_CHUNK", 7)  # many chunks, and a short last one


def test_a_canonical_file_and_its_tables_in_any_order() -> None:
    raw = canonical_bytes(TABLES)
    assert _agree(orjson.loads(raw), raw)
    shuffled = {**TABLES, "entries": dict(reversed(list(TABLES["entries"].items())))}
    assert _agree(dict(reversed(list(shuffled.items()))), raw)
    assert _agree({**TABLES, "projects": {}}, canonical_bytes({**TABLES, "projects": {}}))
    assert _agree({}, canonical_bytes({})) and _agree({"meta": {}}, canonical_bytes({"meta": {}}))


@pytest.mark.parametrize("damage", [
    lambda raw: orjson.dumps(orjson.loads(raw)),  # compact
    lambda raw: raw[:-1],  # no final newline
    lambda raw: raw + b"\n",
    lambda raw: raw.replace(b'\n      "date"', b'\n       "date"', 1),  # re-indented
    lambda raw: raw.replace("张".encode(), b"\\u5f20", 1),  # the same text, escaped
    lambda raw: raw.replace(b"},\n    \"", b"}, \n    \"", 1),
])
def test_near_misses_are_not_canonical(damage: Any) -> None:
    raw = damage(canonical_bytes(TABLES))
    assert not _agree(TABLES, raw)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 89), st.sampled_from(["event", "summary", "status"]), st.text(max_size=8))
def test_one_changed_document_is_seen(k: int, field: str, text: str) -> None:
    raw = canonical_bytes(TABLES)
    changed = copy.deepcopy(TABLES)
    doc = changed["entries"][sorted(changed["entries"])[k]]
    doc[field] = str(doc.get(field, "")) + text
    assert not _agree(changed, raw) or text == ""
