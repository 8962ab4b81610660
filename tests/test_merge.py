"""Tests for the three-way merge of data files (journal.sync.merge).

The merge decides whether two machines' work survives a sync, so every rule has a small hand-made case,
the four scenarios from the sync issue are spelled out, and hypothesis checks the promises the rest of
the program relies on: nothing a side still has is lost, the result is deterministic and symmetric, and
merging with an unchanged side is a no-op.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.errors import StorageError
from journal.sync.merge import (
    MergeStats,
    is_set_field,
    merge_data,
    merge_data_with_stats,
    merge_docs,
)

NOW = "2026-11-23T10:00:00.000000Z"
T1 = "2026-11-20T09:00:00.000000Z"
T2 = "2026-11-21T09:00:00.000000Z"
T3 = "2026-11-22T09:00:00.000000Z"


def canon(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)


def lean(data: dict[str, Any]) -> dict[str, Any]:
    """The expected output form: empty top-level fields of each document omitted."""
    return {
        table: {i: {k: v for k, v in doc.items() if v is not None and v != "" and v != []} for i, doc in docs.items()}
        for table, docs in data.items()
    }


def entry(**fields: Any) -> dict[str, Any]:
    doc = {"date": "2026-11-20", "event": "Visit", "status": "done", "created_at": T1, "updated_at": T1}
    doc.update(fields)
    return doc


def merge3(base: Any, ours: Any, theirs: Any) -> dict[str, Any]:
    """Merge and check symmetry on the way: every hand-made case must also hold with sides swapped."""
    result = merge_data(base, ours, theirs, now=NOW)
    assert merge_data(base, theirs, ours, now=NOW) == result
    return result


def one(base: Any, ours: Any, theirs: Any, table: str = "entries") -> dict[str, Any]:
    """Merge single documents with id X (None = absent) and return the resulting X (None = deleted)."""
    wrap = lambda doc: {table: {} if doc is None else {"X": doc}}  # noqa: E731
    return merge3(None if base is None else wrap(base), wrap(ours), wrap(theirs))[table].get("X")


# -- document level ------------------------------------------------------------------------------


def test_added_on_one_side_is_kept() -> None:
    base = {"entries": {"A": entry()}}
    ours = {"entries": {"A": entry(), "B": entry(event="new")}}
    assert merge3(base, ours, base) == {"entries": {"A": entry(), "B": entry(event="new")}}


def test_added_on_both_sides_identically_is_one_document() -> None:
    assert one(None, entry(summary="s"), entry(summary="s")) == entry(summary="s")


def test_added_on_both_sides_differently_merges_against_empty_doc() -> None:
    ours = {"note": "morning", "created_at": T1, "updated_at": T2}
    theirs = {"note": "evening", "created_at": T2, "updated_at": T3, "mood": "ok"}
    merged = one(None, ours, theirs, table="days")
    assert merged == {
        "note": "evening",
        "mood": "ok",
        "created_at": T1,
        "updated_at": T3,
        "conflicts": [{"field": "note", "value": "morning", "updated_at": T2, "recorded_at": NOW}],
    }


def test_deleted_on_one_side_unchanged_on_other_is_deleted() -> None:
    assert one(entry(), None, entry()) is None


def test_delete_against_a_merely_normalised_copy_is_still_a_delete() -> None:
    # base was written before lean documents; the other side only re-wrote it lean: no edit
    assert one(entry(summary="", tags=[], time=None), None, entry()) is None


def test_deleted_on_one_side_edited_on_other_keeps_the_edit() -> None:
    assert one(entry(), None, entry(summary="more", updated_at=T2)) == entry(summary="more", updated_at=T2)


def test_deleted_on_both_sides_is_deleted() -> None:
    assert merge3({"entries": {"X": entry()}}, {"entries": {}}, {"entries": {}}) == {"entries": {}}


def test_edited_on_one_side_takes_that_side() -> None:
    assert one(entry(summary="a"), entry(summary="b", updated_at=T2), entry(summary="a")) == entry(
        summary="b", updated_at=T2
    )


# -- field level ---------------------------------------------------------------------------------


def test_field_changed_on_one_side_only_wins_including_removal() -> None:
    base = entry(summary="old", time="09:00", remind_at="2026-11-20T08:00")
    ours = entry(summary="new", time="09:00", updated_at=T2)  # also removed remind_at
    theirs = entry(summary="old", time="10:00", remind_at="2026-11-20T08:00", updated_at=T3)
    assert one(base, ours, theirs) == entry(summary="new", time="10:00", updated_at=T3)


def test_missing_none_empty_string_and_empty_list_are_the_same_value() -> None:
    base = entry(summary="", tags=[], time=None, event="e")
    ours = entry(event="e2", updated_at=T2)
    theirs = entry(summary=None, tags=None, time="", event="e", end_time="11:00", updated_at=T2)
    merged = one(base, ours, theirs)
    assert merged == entry(event="e2", end_time="11:00", updated_at=T2)
    assert "conflicts" not in merged


@pytest.mark.parametrize("field", ["contact_ids", "project_ids", "organisation_ids", "tags", "phones", "emails", "x_ids"])
def test_set_fields_merge_additions_and_removals_of_both_sides(field: str) -> None:
    base = entry(**{field: ["a", "b", "c"]})
    ours = entry(**{field: ["d", "a", "b"]}, updated_at=T2)  # + d, − c
    theirs = entry(**{field: ["e", "c"]}, updated_at=T3)  # + e, − a, − b
    merged = one(base, ours, theirs)
    assert merged[field] == ["d", "e"]
    assert "conflicts" not in merged
    assert is_set_field(field)


def test_set_field_emptied_by_merge_is_omitted() -> None:
    merged = one(entry(tags=["a", "b"]), entry(tags=["b"], summary="x"), entry(tags=["a"], time="09:00"))
    assert "tags" not in merged


def test_set_field_changed_on_one_side_keeps_that_sides_order() -> None:
    # the first phone may be the primary one; with nothing to merge there is no reason to reorder
    merged = one(entry(phones=["1"]), entry(phones=["2", "1"], summary="s"), entry(phones=["1"], time="09:00"))
    assert merged["phones"] == ["2", "1"]


def test_conflicts_lists_are_unioned_deduplicated_and_sorted() -> None:
    old = {"field": "summary", "value": "v0", "updated_at": T1, "recorded_at": T1}
    a = {"field": "time", "value": "09:00", "updated_at": T1, "recorded_at": T2}
    b = {"field": "event", "value": "E", "updated_at": T1, "recorded_at": T3}
    ours = entry(summary="s", conflicts=[a, old], updated_at=T2)
    theirs = entry(time="10:00", conflicts=[old, b], updated_at=T2)
    merged = one(entry(conflicts=[old]), ours, theirs)
    assert merged["conflicts"] == [b, old, a]


def test_conflict_record_dismissed_on_one_side_stays_dismissed() -> None:
    old = {"field": "summary", "value": "v0", "updated_at": T1, "recorded_at": T1}
    merged = one(entry(conflicts=[old]), entry(summary="resolved", updated_at=T2), entry(conflicts=[old], time="9"))
    assert "conflicts" not in merged


def test_created_at_earliest_and_updated_at_latest() -> None:
    merged = one(entry(), entry(created_at=T2, updated_at=T3, summary="a"), entry(created_at=T1, updated_at=T2, time="1"))
    assert (merged["created_at"], merged["updated_at"]) == (T1, T3)


def test_field_changed_differently_on_both_sides_later_updated_at_wins() -> None:
    merged = one(entry(summary="base"), entry(summary="mine", updated_at=T2), entry(summary="yours", updated_at=T3))
    assert merged["summary"] == "yours"
    assert merged["conflicts"] == [{"field": "summary", "value": "mine", "updated_at": T2, "recorded_at": NOW}]


def test_tie_on_updated_at_is_broken_by_value_symmetrically() -> None:
    merged = one(entry(summary="base"), entry(summary="aaa", updated_at=T2), entry(summary="bbb", updated_at=T2))
    assert merged["summary"] == "bbb"  # canonical JSON '"bbb"' > '"aaa"'; one() checked both orders
    assert merged["conflicts"][0]["value"] == "aaa"


def test_same_change_on_both_sides_records_no_conflict() -> None:
    merged = one(entry(summary="base"), entry(summary="same", updated_at=T2), entry(summary="same", updated_at=T3, time="1"))
    assert merged["summary"] == "same"
    assert "conflicts" not in merged


def test_removal_that_loses_is_recorded_as_null() -> None:
    merged = one(entry(summary="base"), entry(updated_at=T2), entry(summary="edited", updated_at=T3))
    assert merged["summary"] == "edited"
    assert merged["conflicts"] == [{"field": "summary", "value": None, "updated_at": T2, "recorded_at": NOW}]


def test_structured_values_conflict_as_a_whole() -> None:
    ours = entry(expenses=[{"amount": 12, "currency": "CNY", "note": "taxi"}], updated_at=T3)
    theirs = entry(expenses=[{"amount": 30, "currency": "EUR", "note": "lunch"}], updated_at=T2)
    merged = one(entry(), ours, theirs)
    assert merged["expenses"] == ours["expenses"]
    assert merged["conflicts"][0]["value"] == theirs["expenses"]


def test_schema_version_takes_the_highest() -> None:
    base = {"meta": {"schema": {"schema_version": 1}}}
    merged = merge3(base, {"meta": {"schema": {"schema_version": 3}}}, {"meta": {"schema": {"schema_version": 2}}})
    assert merged == {"meta": {"schema": {"schema_version": 3}}}


# -- tables, inputs and outputs --------------------------------------------------------------------


def test_unknown_tables_are_merged_not_dropped() -> None:
    base = {"entries": {}, "widgets": {"w": {"colour": "red", "size": 1, "updated_at": T1}}}
    ours = {"entries": {}, "widgets": {"w": {"colour": "blue", "size": 1, "updated_at": T2}}}
    theirs = {"entries": {}, "widgets": {"w": {"colour": "red", "size": 2, "updated_at": T2}}, "gadgets": {"g": {"a": 1}}}
    assert merge3(base, ours, theirs) == {
        "entries": {},
        "gadgets": {"g": {"a": 1}},
        "widgets": {"w": {"colour": "blue", "size": 2, "updated_at": T2}},
    }


def test_table_dropped_on_both_sides_is_dropped_and_missing_table_counts_as_empty() -> None:
    base = {"entries": {"X": entry()}, "old": {"o": {"a": 1}}}
    assert merge3(base, {"entries": {"X": entry()}}, {}) == {"entries": {}}


def test_no_common_ancestor() -> None:
    assert merge3(None, {"entries": {"A": entry()}}, {"entries": {"B": entry()}}) == {
        "entries": {"A": entry(), "B": entry()}
    }


def test_inputs_are_not_mutated_and_output_does_not_alias_them() -> None:
    base = {"entries": {"X": entry(tags=["a"], summary="")}}
    ours = {"entries": {"X": entry(tags=["a", "b"], summary="o", updated_at=T2), "Y": entry(tags=["t"])}}
    theirs = {"entries": {"X": entry(tags=[], summary="t", updated_at=T3), "Y": entry(tags=["t"])}}
    snapshot = copy.deepcopy((base, ours, theirs))
    result = merge_data(base, ours, theirs, now=NOW)
    assert (base, ours, theirs) == snapshot
    for doc in result["entries"].values():
        doc["tags"].append("mutated")
        doc.setdefault("conflicts", []).append({})
    assert (base, ours, theirs) == snapshot


def test_output_omits_empty_values_everywhere() -> None:
    data = {"entries": {"X": entry(summary="", tags=[], time=None)}}
    assert merge3(data, data, data) == {"entries": {"X": entry()}}


def test_default_now_is_a_utc_timestamp() -> None:
    merged = merge_data({"e": {"X": {"a": 1}}}, {"e": {"X": {"a": 2}}}, {"e": {"X": {"a": 3}}})
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", merged["e"]["X"]["conflicts"][0]["recorded_at"])


def test_result_is_independent_of_input_dict_order() -> None:
    base = {"entries": {"X": entry(), "Y": entry()}}
    ours = {"entries": {"Y": entry(summary="y"), "X": entry(tags=["b", "a"])}, "days": {}}
    theirs = {"days": {"2026-11-20": {"note": "n"}}, "entries": {"X": entry(tags=["c"], summary="x"), "Y": entry()}}
    results = [merge_data(base, ours, theirs, now=NOW), merge_data(reorder(base), reorder(ours), reorder(theirs), now=NOW)]
    assert canon(results[0]) == canon(results[1])
    assert list(results[0]) == sorted(results[0])


@pytest.mark.parametrize("bad", [{"entries": []}, {"entries": {"X": "text"}}])
def test_non_object_table_or_document_is_a_storage_error(bad: dict[str, Any]) -> None:
    with pytest.raises(StorageError):
        merge_data({}, bad, {"entries": {"X": entry()}}, now=NOW)


def test_merge_docs_applies_the_document_rules() -> None:
    base = entry(summary="b", tags=["a"])
    assert merge_docs(base, base, entry(summary="t", tags=[]), now=NOW) == entry(summary="t")
    merged = merge_docs(base, entry(summary="o", tags=["a"], updated_at=T3), entry(summary="t", tags=["a", "z"]), now=NOW)
    assert merged["summary"] == "o" and merged["tags"] == ["a", "z"] and merged["conflicts"][0]["value"] == "t"
    assert merge_docs(None, {"note": "x"}, {"note": "x"}, now=NOW) == {"note": "x"}


def test_stats_count_what_the_merge_brought_into_ours() -> None:
    base = {"entries": {i: entry() for i in "ABCDE"}}
    ours = {"entries": {"A": entry(summary="o", updated_at=T2), "B": entry(summary="o", updated_at=T2),
                        "C": entry(), "D": entry(), "N": entry()}}
    theirs = {"entries": {"A": entry(time="09:00", updated_at=T2), "B": entry(summary="t", updated_at=T3),
                          "C": entry(time="10:00", updated_at=T3), "E": entry(summary="e", updated_at=T2),
                          "M": entry()}}
    result, stats = merge_data_with_stats(base, ours, theirs, now=NOW)
    assert sorted(result["entries"]) == ["A", "B", "C", "E", "M", "N"]
    assert stats == MergeStats(added=2, deleted=1, updated=1, merged=2, conflicted=1, revived=1)
    assert str(stats) == "2 added, 1 updated, 1 deleted, 2 edited on both sides, 1 conflict, 1 kept despite a deletion"
    assert MergeStats().describe() == "no changes"


# -- the four scenarios of the sync issue ---------------------------------------------------------


def test_scenario_both_sides_add_fifty_entries() -> None:
    base = {"entries": {f"BASE{i:022d}": entry() for i in range(10)}}
    ours = copy.deepcopy(base)
    theirs = copy.deepcopy(base)
    for i in range(50):
        ours["entries"][f"A{i:025d}"] = entry(event=f"a{i}")
        theirs["entries"][f"B{i:025d}"] = entry(event=f"b{i}")
    result, stats = merge_data_with_stats(base, ours, theirs, now=NOW)
    assert len(result["entries"]) == 110  # 10 shared + 100 new
    assert stats.added == 50 and stats.merged == 0


def test_scenario_summary_on_one_side_contact_and_time_on_the_other() -> None:
    base = entry(summary="first draft", time="09:00", contact_ids=["C1"])
    a = entry(summary="A's summary", time="09:00", contact_ids=["C1"], updated_at=T2)
    b = entry(summary="first draft", time="14:30", contact_ids=["C1", "C2"], updated_at=T3)
    merged = one(base, a, b)
    assert merged == entry(summary="A's summary", time="14:30", contact_ids=["C1", "C2"], updated_at=T3)


def test_scenario_both_change_summary_later_wins_other_kept() -> None:
    merged = one(entry(summary="x"), entry(summary="A text", updated_at=T3), entry(summary="B text", updated_at=T2))
    assert merged["summary"] == "A text"
    assert [(c["field"], c["value"]) for c in merged["conflicts"]] == [("summary", "B text")]


def test_scenario_delete_on_one_side_edit_on_the_other() -> None:
    merged = one(entry(summary="x"), None, entry(summary="B's edit", updated_at=T2))
    assert merged == entry(summary="B's edit", updated_at=T2)


# -- properties ----------------------------------------------------------------------------------

IDS = [f"ID{i}" for i in range(4)]
TABLES = ["entries", "days", "widgets"]
STAMPS = st.sampled_from([T1, T2, T3])
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "summary": st.sampled_from(["", "a", "b", "会议纪要", "x\ny"]),
    "time": st.sampled_from([None, "09:00", "10:00"]),
    "cadence_days": st.sampled_from([None, 7, 30]),
    "tags": st.lists(st.sampled_from(["x", "y", "z", "工作"]), max_size=3, unique=True),
    "contact_ids": st.lists(st.sampled_from(IDS), max_size=3, unique=True),
    "expenses": st.lists(st.fixed_dictionaries({"amount": st.sampled_from([1, 2]), "note": st.sampled_from(["", "t"])}),
                         max_size=2),
    "conflicts": st.lists(st.fixed_dictionaries({"field": st.sampled_from(["summary", "time"]),
                                                 "value": st.sampled_from(["p", "q"]), "recorded_at": STAMPS}),
                          max_size=2),
    "created_at": STAMPS,
}
DOCS = st.fixed_dictionaries({"updated_at": STAMPS}, optional=VALUES)


def apply_edits(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """One side's history since base: random adds, deletes, field edits and link changes."""
    side = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 8))):
        docs = side.setdefault(draw(st.sampled_from([*TABLES, "entries", "entries"])), {})
        op = draw(st.sampled_from(["add", "delete", "set", "unset", "link"]))
        if op == "add":
            docs.setdefault(draw(st.sampled_from(IDS)), draw(DOCS))
            continue
        if not docs:
            continue
        doc_id = draw(st.sampled_from(sorted(docs)))
        doc = docs[doc_id]
        if op == "delete":
            del docs[doc_id]
            continue
        field = draw(st.sampled_from([*sorted(VALUES), "summary", "summary", "time"]))  # collide more often
        if op == "set":
            doc[field] = draw(VALUES[field])
        elif op == "unset":
            doc.pop(field, None)
        else:
            links = set(doc.get("contact_ids") or [])
            links ^= {draw(st.sampled_from(IDS))}
            doc["contact_ids"] = sorted(links)
        doc["updated_at"] = draw(STAMPS)
    return side


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any]]:
    base = draw(st.dictionaries(st.sampled_from(TABLES), st.dictionaries(st.sampled_from(IDS), DOCS, max_size=4)))
    ours, theirs = apply_edits(draw, base), apply_edits(draw, base)
    return (None if draw(st.booleans()) and not base else base), ours, theirs


PATCHES = st.fixed_dictionaries({"updated_at": STAMPS}, optional={k: st.one_of(st.none(), v) for k, v in VALUES.items()})


@st.composite
def collisions(draw: st.DrawFn) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any]]:
    """Both sides edit the same few documents: the field-by-field and conflict paths, which random
    histories reach only now and then."""
    base = {"entries": draw(st.dictionaries(st.sampled_from(IDS[:2]), DOCS, min_size=1))}
    sides = []
    for _ in range(2):
        side = copy.deepcopy(base)
        for doc in side["entries"].values():
            doc.update(draw(PATCHES))
        sides.append(side)
    return (None if draw(st.booleans()) else base), sides[0], sides[1]


SCENARIOS = st.one_of(histories(), collisions())


def reorder(value: Any) -> Any:
    """The same data with every dict's insertion order reversed."""
    if isinstance(value, dict):
        return {k: reorder(value[k]) for k in reversed(list(value))}
    return value


def lean_doc(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not None and v != "" and v != []}


PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(SCENARIOS)
def test_property_nothing_a_side_still_has_is_lost(h: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = h
    result = merge_data(base, ours, theirs, now=NOW)
    for table in set(ours) | set(theirs):
        for doc_id in set(ours.get(table, {})) | set(theirs.get(table, {})):
            if doc_id in result[table]:
                continue
            # the only way to disappear: deleted on one side, untouched on the other
            kept = ours.get(table, {}).get(doc_id) or theirs.get(table, {}).get(doc_id)
            other = theirs if doc_id in ours.get(table, {}) else ours
            assert doc_id not in other.get(table, {})
            assert base is not None and lean_doc(base[table][doc_id]) == lean_doc(kept)


@PROPS
@given(SCENARIOS)
def test_property_deterministic_whatever_the_dict_order(h: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = h
    first = canon(merge_data(base, ours, theirs, now=NOW))
    assert canon(merge_data(copy.deepcopy(base), copy.deepcopy(ours), copy.deepcopy(theirs), now=NOW)) == first
    assert canon(merge_data(reorder(base), reorder(ours), reorder(theirs), now=NOW)) == first


@PROPS
@given(SCENARIOS)
def test_property_symmetric(h: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = h
    assert merge_data(base, ours, theirs, now=NOW) == merge_data(base, theirs, ours, now=NOW)


@PROPS
@given(SCENARIOS)
def test_property_merging_with_itself_or_an_unchanged_side_is_a_no_op(h: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = h
    assert merge_data(base, ours, ours, now=NOW) == lean(ours)
    if base is not None:
        assert merge_data(base, ours, base, now=NOW) == lean(ours)
        assert merge_data(base, base, theirs, now=NOW) == lean(theirs)


@PROPS
@given(SCENARIOS)
def test_property_inputs_untouched_and_no_edit_is_lost(h: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = h
    snapshot = copy.deepcopy(h)
    result = merge_data(base, ours, theirs, now=NOW)
    assert h == snapshot
    for table, docs in result.items():
        for doc_id, doc in docs.items():
            b = lean_doc(((base or {}).get(table) or {}).get(doc_id) or {})
            o = lean_doc(ours.get(table, {}).get(doc_id) or {})
            t = lean_doc(theirs.get(table, {}).get(doc_id) or {})
            if not (o and t) or o in (t, b) or t == b:
                continue  # decided per document, covered by the other properties
            recorded = {(c["field"], orjson.dumps(c["value"])) for c in doc.get("conflicts", [])}
            for field in set(o) | set(t):
                if field in ("conflicts", "created_at", "updated_at") or is_set_field(field):
                    continue
                for side in (o, t):  # each side's edit is the result or recorded as a conflict
                    value = side.get(field)
                    if value != b.get(field) and value != doc.get(field):
                        assert (field, orjson.dumps(value)) in recorded
