"""Search: the query parser, name resolution and the index, checked against brute force.

Every expected result here is computed independently of journal.search.index — by scanning the raw
documents — so the index's shortcuts (posting lists, bisected dates, the haystack blob) are checked
against the plain meaning of each filter, alone and in random combinations.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from journal.errors import AmbiguousNameError, JournalError, NotFoundError, ValidationError
from journal.search.index import SearchIndex, entry_organisations
from journal.search.query import Query, Term, parse_query
from journal.text import fold
from tests.corpus import ANCHOR, generate_tables

TABLES = generate_tables(3000, 300, seed=7)
INDEX = SearchIndex(TABLES)
ENTRIES: dict[str, dict[str, Any]] = TABLES["entries"]
CONTACTS: dict[str, dict[str, Any]] = TABLES["contacts"]
PROJECTS: dict[str, dict[str, Any]] = TABLES["projects"]
ORGS: dict[str, dict[str, Any]] = TABLES["organisations"]
Pred = Callable[[dict[str, Any]], bool]


# -- brute force ----------------------------------------------------------------------------------
def ids_named(table: dict[str, dict[str, Any]], name: str) -> list[str]:
    return [i for i, d in table.items() if d["name"] == name]


def eff_orgs(e: dict[str, Any]) -> set[str]:
    out = set(e.get("organisation_ids", []))
    out |= {CONTACTS[c]["organisation_id"] for c in e.get("contact_ids", []) if "organisation_id" in CONTACTS[c]}
    out |= {PROJECTS[p]["organisation_id"] for p in e.get("project_ids", []) if "organisation_id" in PROJECTS[p]}
    return out


def fields(e: dict[str, Any]) -> list[str]:
    texts = [e["event"], e.get("summary", ""), *e.get("tags", [])]
    texts += [CONTACTS[c]["name"] for c in e.get("contact_ids", [])]
    texts += [PROJECTS[p]["name"] for p in e.get("project_ids", [])]
    texts += [ORGS[o]["name"] for o in eff_orgs(e)]
    return [fold(t) for t in texts]


def has_word(w: str) -> Pred:
    return lambda e: any(fold(w) in f for f in fields(e))


def brute(*preds: Pred) -> list[str]:
    hits = [i for i, e in ENTRIES.items() if all(p(e) for p in preds)]
    return sorted(hits, key=lambda i: (ENTRIES[i]["date"], ENTRIES[i].get("time", ""), i), reverse=True)


def in_range(a: str, b: str) -> Pred:
    return lambda e: a <= e["date"] <= b


def neg(p: Pred) -> Pred:
    return lambda e: not p(e)


ZW_ICBC, ZW_CCB = (i for i, d in CONTACTS.items() if d["name"] == "张伟" and d["organisation_id"] in
                   (list(ORGS)[0], list(ORGS)[1]))
ICBC = ids_named(ORGS, "工商银行")[0]
ACME = ids_named(ORGS, "Acme Corp")[0]
ALICE = ids_named(CONTACTS, "Alice Johnson")[0]
A_PROJECT = next(p for p, d in PROJECTS.items() if "organisation_id" in d)

# (query text, predicate) atoms; combinations of them must agree with brute force.
ATOMS: list[tuple[str, Pred]] = [
    ("visit", has_word("visit")),
    ("拜访", has_word("拜访")),
    ("KYC", has_word("kyc")),
    ('"term sheet"', has_word("term sheet")),
    ("客户", has_word("客户")),
    ("工商银行", has_word("工商银行")),
    ("张伟", has_word("张伟")),
    ("-loan", neg(has_word("loan"))),
    ('-"the client"', neg(has_word("the client"))),
    ('contact:"Alice Johnson"', lambda e: ALICE in e.get("contact_ids", [])),
    ('contact:"张伟 (工商银行)"', lambda e: ZW_ICBC in e.get("contact_ids", [])),
    (f"contact:{ZW_CCB.lower()}", lambda e: ZW_CCB in e.get("contact_ids", [])),
    (f"project:{A_PROJECT}", lambda e: A_PROJECT in e.get("project_ids", [])),
    ("org:工商银行", lambda e: ICBC in eff_orgs(e)),
    ('org:"Acme Corp"', lambda e: ACME in eff_orgs(e)),
    ("-org:acme", lambda e: ACME not in eff_orgs(e)),
    ("tag:loan", lambda e: "loan" in e.get("tags", [])),
    ("tag:拜访", lambda e: "拜访" in e.get("tags", [])),
    ("-tag:vip", lambda e: "vip" not in e.get("tags", [])),
    ("status:done", lambda e: e["status"] == "done"),
    ("status:planned", lambda e: e["status"] == "planned"),
    ("-status:cancelled", lambda e: e["status"] != "cancelled"),
    ("on:2026-11", in_range("2026-11-01", "2026-11-30")),
    ("on:2026-W47", in_range("2026-11-16", "2026-11-22")),
    ('on:"last week"', in_range("2026-11-16", "2026-11-22")),
    ("on:上周", in_range("2026-11-16", "2026-11-22")),
    ("from:上个月", in_range("2026-10-01", "9999-12-31")),
    ("from:2026-10-01", in_range("2026-10-01", "9999-12-31")),
    ("to:2026-09", in_range("0000", "2026-09-30")),
    ("-on:2026-11", neg(in_range("2026-11-01", "2026-11-30"))),
]


# -- single filters and combinations ----------------------------------------------------------------
@pytest.mark.parametrize(("text", "pred"), ATOMS, ids=[a[0] for a in ATOMS])
def test_each_filter_matches_brute_force(text: str, pred: Pred) -> None:
    expected = brute(pred)
    assert INDEX.search(text, today=ANCHOR) == expected
    assert INDEX.search(text, today=ANCHOR, limit=7) == expected[:7]


def test_corpus_makes_the_filters_meaningful() -> None:
    """Each atom selects some entries but not all, or the comparisons above prove little."""
    for text, pred in ATOMS:
        n = len(brute(pred))
        assert 0 < n < len(ENTRIES), text


@pytest.mark.parametrize("pair", list(itertools.combinations(range(len(ATOMS)), 2))[::7])
def test_pairs_match_brute_force(pair: tuple[int, int]) -> None:
    (t1, p1), (t2, p2) = ATOMS[pair[0]], ATOMS[pair[1]]
    assert INDEX.search(f"{t1} {t2}", today=ANCHOR) == brute(p1, p2)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4), st.sampled_from([None, 1, 5, 50]))
def test_random_combinations_match_brute_force(atoms: list[tuple[str, Pred]], limit: int | None) -> None:
    query = " ".join(t for t, _ in atoms)
    expected = brute(*(p for _, p in atoms))
    assert INDEX.search(query, today=ANCHOR, limit=limit) == expected[:limit]


def test_empty_query_lists_everything_newest_first() -> None:
    assert INDEX.search("") == brute()
    assert INDEX.search("   ", limit=3) == brute()[:3]
    assert INDEX.search("", limit=0) == []


def test_words_are_case_width_and_phrase_aware() -> None:
    assert INDEX.search("ＫＹＣ") == INDEX.search("kyc") == brute(has_word("kyc"))
    assert INDEX.search('"TERM SHEET"') == brute(has_word("term sheet"))
    assert INDEX.search("term sheet") == brute(has_word("term"), has_word("sheet"))
    assert INDEX.search("zzz-no-such-word") == []


def test_phrase_does_not_match_across_fields() -> None:
    tables = {"entries": {"E1": {"date": "2026-01-01", "event": "alpha", "summary": "beta",
                                 "tags": ["gamma", "delta"], "status": "done"}}}
    ix = SearchIndex(tables)
    assert ix.search("alpha beta gamma") == ["E1"]
    assert ix.search('"alpha beta"') == []
    assert ix.search('"gamma delta"') == []


def test_organisation_reached_through_contacts_and_projects() -> None:
    tables = {
        "organisations": {"O1": {"name": "工商银行"}, "O2": {"name": "Other"}},
        "contacts": {"C1": {"name": "张伟", "organisation_id": "O1"}},
        "projects": {"P1": {"name": "授信", "organisation_id": "O1"}},
        "entries": {
            "E1": {"date": "2026-01-01", "event": "direct", "organisation_ids": ["O1"], "status": "done"},
            "E2": {"date": "2026-01-02", "event": "via contact", "contact_ids": ["C1"], "status": "done"},
            "E3": {"date": "2026-01-03", "event": "via project", "project_ids": ["P1"], "status": "done"},
            "E4": {"date": "2026-01-04", "event": "elsewhere", "organisation_ids": ["O2"], "status": "done"},
            "E5": {"date": "2026-01-05", "event": "nothing", "status": "planned"},
        }}
    ix = SearchIndex(tables)
    assert ix.search("org:工商银行") == ["E3", "E2", "E1"]
    assert ix.entries_for("organisation", "O1") == ["E3", "E2", "E1"]
    assert ix.entries_for("contact", "C1") == ["E2"]
    assert ix.entries_for("project", "P1") == ["E3"]
    assert ix.entries_for("contact", "nope") == []
    assert ix.search("工商银行") == ["E3", "E2", "E1"]  # the organisation's name is searchable too
    assert entry_organisations(tables["entries"]["E2"], tables["contacts"], tables["projects"]) == ["O1"]


def test_entries_for_matches_brute_force() -> None:
    assert INDEX.entries_for("organisation", ICBC) == brute(lambda e: ICBC in eff_orgs(e))
    assert INDEX.entries_for("contact", ALICE) == brute(lambda e: ALICE in e.get("contact_ids", []))
    assert INDEX.entries_for("project", A_PROJECT) == brute(lambda e: A_PROJECT in e.get("project_ids", []))


def test_between_and_last_done() -> None:
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    assert INDEX.between(start, end) == brute(in_range("2026-10-01", "2026-10-31"))[::-1]
    assert INDEX.between(end, start) == []
    done = [ENTRIES[i]["date"] for i in brute(lambda e: ALICE in e.get("contact_ids", []) and
                                                  e["status"] == "done" and e["date"] <= "2026-11-01")]
    assert INDEX.last_done(ALICE, date(2026, 11, 1)) == (date.fromisoformat(done[0]) if done else None)
    assert INDEX.last_done("nobody", date(2026, 11, 1)) is None


def test_order_is_date_time_id_descending_with_untimed_last_within_a_day() -> None:
    tables = {"entries": {
        "B": {"date": "2026-01-02", "event": "x", "status": "done"},
        "A": {"date": "2026-01-02", "time": "09:00", "event": "x", "status": "done"},
        "C": {"date": "2026-01-02", "time": "09:00", "event": "x", "status": "done"},
        "D": {"date": "2026-01-01", "time": "23:00", "event": "x", "status": "done"},
        "E": {"date": "2026-01-03", "event": "x", "status": "done"}}}
    assert SearchIndex(tables).search("x") == ["E", "C", "A", "B", "D"]


def test_dates_use_today_and_chinese_words() -> None:
    assert INDEX.search("on:今天", today=ANCHOR) == brute(in_range("2026-11-23", "2026-11-23"))
    assert INDEX.search("on:昨天", today=ANCHOR) == brute(in_range("2026-11-22", "2026-11-22"))
    assert INDEX.search("from:本月 to:本月", today=ANCHOR) == brute(in_range("2026-11-01", "2026-11-30"))
    assert INDEX.search('on:"2026-10-01..2026-10-15"') == brute(in_range("2026-10-01", "2026-10-15"))
    later = date(2026, 12, 8)
    assert INDEX.search("on:上周", today=later) == brute(in_range("2026-11-30", "2026-12-06"))
    assert INDEX.search("from:2026-12 to:2026-11") == []


def test_status_spellings() -> None:
    done = brute(lambda e: e["status"] == "done")
    assert INDEX.search("status:DONE") == INDEX.search("status:完成") == INDEX.search("status:d") == done
    cancelled = brute(lambda e: e["status"] == "cancelled")
    assert INDEX.search("status:canceled") == INDEX.search("status:取消") == cancelled
    assert INDEX.search("status:done status:planned") == []
    assert INDEX.search("status:done -status:done") == []


def test_same_field_twice_means_both() -> None:
    expected = brute(lambda e: {"loan", "fx"} <= set(e.get("tags", [])))
    assert INDEX.search("tag:loan tag:FX") == expected
    assert INDEX.search("tag:#loan") == brute(lambda e: "loan" in e.get("tags", []))
    assert INDEX.search("tag:no-such-tag") == []


# -- errors -----------------------------------------------------------------------------------------
def test_bad_values_raise_journal_errors() -> None:
    with pytest.raises(ValidationError, match="status"):
        INDEX.search("status:bogus")
    with pytest.raises(JournalError, match="nonsense"):
        INDEX.search("on:nonsense")
    with pytest.raises(NotFoundError, match="nobody-at-all"):
        INDEX.search("contact:nobody-at-all")
    with pytest.raises(AmbiguousNameError) as err:
        INDEX.search("contact:张伟")
    assert {i for i, _ in err.value.candidates} == {ZW_ICBC, ZW_CCB}
    assert "张伟 (工商银行)" in str(err.value) and "张伟 (建设银行)" in str(err.value)


_PIECES = [*'ab 张伟"-:()\\#\n\x00', "contact:", "on:", "tag:", "org:", "status:", "from:", "客户：", "“"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), st.text(max_size=20)))
def test_any_text_parses_and_only_journal_errors_escape(text: str) -> None:
    q = parse_query(text)
    assert isinstance(q, Query)
    try:
        INDEX.search(q, today=ANCHOR, limit=5)
    except JournalError:
        pass
    manual = Query((Term("text", text), Term("text", text, negated=True)))  # unparsed values too
    if fold(text):  # a word and its negation: nothing; an empty word is no condition at all
        assert INDEX.search(manual, limit=5) == []


# -- the parser ------------------------------------------------------------------------------------
def test_parse_query_terms() -> None:
    q = parse_query('visit "term sheet" -loan -"the client" contact:"张 伟" Tag:x foo:bar on:"last week"')
    assert q.terms == (
        Term("text", "visit"), Term("text", "term sheet", quoted=True),
        Term("text", "loan", negated=True), Term("text", "the client", negated=True, quoted=True),
        Term("contact", "张 伟", quoted=True), Term("tag", "x"), Term("text", "foo:bar"),
        Term("on", "last week", quoted=True))
    assert q.words == ["visit", "term sheet", "foo:bar"]
    assert q.excluded_words == ["loan", "the client"]
    assert q.has_filters


def test_parse_query_is_lenient() -> None:
    assert parse_query('client "term sh').words == ["client", "term sh"]
    assert parse_query("contact: visit").terms == (Term("text", "visit"),)
    assert parse_query('org:"工商').terms == (Term("org", "工商", quoted=True),)
    assert parse_query("a - b").words == ["a", "b"]
    assert parse_query("客户：工商银行").terms == (Term("org", "工商银行"),)  # full-width colon
    assert parse_query("“term sheet”").words == ["term sheet"]
    assert parse_query("10:30 http://x").words == ["10:30", "http://x"]
    assert parse_query("-status:done").terms == (Term("status", "done", negated=True),)
    assert not parse_query("")
    assert not parse_query(None)  # type: ignore[arg-type]


def test_highlight_terms() -> None:
    assert INDEX.highlight_terms('visit -loan "term sheet" tag:x visit') == ["visit", "term sheet"]


# -- names ------------------------------------------------------------------------------------------
def test_resolve_exact_prefix_substring_levels() -> None:
    tables = {"contacts": {"A1": {"name": "Anna"}, "A2": {"name": "Annabel"}, "A3": {"name": "Joanna"}}}
    ix = SearchIndex(tables)
    assert ix.resolve("contact", "anna") == "A1"  # exact beats the prefix match Annabel
    assert ix.resolve("contact", "ANNAB") == "A2"
    assert ix.resolve("contact", "oann") == "A3"
    with pytest.raises(AmbiguousNameError) as err:
        ix.resolve("contact", "ann")
    assert [i for i, _ in err.value.candidates] == ["A1", "A2"]  # Joanna is only a substring
    with pytest.raises(NotFoundError):
        ix.resolve("contact", "bob")
    with pytest.raises(ValidationError):
        ix.resolve("contact", "  ")


def test_resolve_namesakes_by_organisation_or_id() -> None:
    assert INDEX.resolve("contact", '"张伟 (工商银行)"') == ZW_ICBC
    assert INDEX.resolve("contact", "张伟（建设银行）") == ZW_CCB
    assert INDEX.resolve("contact", "张伟(工商") == ZW_ICBC
    assert INDEX.resolve("contact", ZW_CCB.lower()) == ZW_CCB
    assert INDEX.search("contact:张伟(工商银行)") == brute(lambda e: ZW_ICBC in e.get("contact_ids", []))
    assert INDEX.label("contact", ZW_ICBC) == "张伟 (工商银行)"


def pinyin_expected(query: str) -> set[str]:
    """Contacts whose name spells ``query`` in full pinyin or initials (any heteronym reading),
    computed with pypinyin's public API."""
    out = set()
    for cid, doc in CONTACTS.items():
        readings = pinyin(doc["name"], style=Style.NORMAL, heteronym=True)
        fulls = {"".join(c) for c in itertools.product(*readings)}
        inits = {"".join(r[0] for r in c) for c in itertools.product(*readings)}
        if query in {f.replace(" ", "").lower() for f in fulls} or query in inits:
            out.add(cid)
    return out


@pytest.mark.parametrize("typed", ["ouyangnana", "OuYang NaNa", "oynn", "zhugeliang", "zgl", "ZHU GE LIANG"])
def test_resolve_by_pinyin(typed: str) -> None:
    key = "".join(typed.lower().split())
    expected = pinyin_expected(key)
    assert len(expected) == 1
    assert INDEX.resolve("contact", typed) == expected.pop()


def test_pinyin_ambiguity_lists_candidates() -> None:
    with pytest.raises(AmbiguousNameError) as err:
        INDEX.resolve("contact", "zw")
    found = {i for i, _ in err.value.candidates}
    assert found == pinyin_expected("zw")
    assert {ZW_ICBC, ZW_CCB, ids_named(CONTACTS, "赵文")[0]} <= found
    assert str(err.value).startswith("contact 'zw' is ambiguous: ")
    with pytest.raises(AmbiguousNameError):
        INDEX.search("contact:zhangwei")
    assert INDEX.search("contact:zgl") == brute(
        lambda e: ids_named(CONTACTS, "诸葛亮")[0] in e.get("contact_ids", []))


def test_pinyin_prefix_is_the_last_resort() -> None:
    tables = {"contacts": {"C1": {"name": "欧阳娜娜"}, "C2": {"name": "Ouyang Smith"}}}
    ix = SearchIndex(tables)
    assert ix.resolve("contact", "ouyang") == "C2"  # a name prefix beats any pinyin match
    assert ix.resolve("contact", "ouyangnana") == "C1"
    assert ix.resolve("contact", "ouyangn") == "C1"  # pinyin prefix: nothing else matches
    assert ix.resolve("contact", "oy") == "C1"  # initials prefix
    with pytest.raises(NotFoundError):
        ix.resolve("contact", "ouyangx")


def test_projects_and_organisations_resolve_too() -> None:
    assert INDEX.resolve("organisation", "工商银行") == ICBC
    assert INDEX.resolve("organisation", "acme") == ACME
    with pytest.raises(AmbiguousNameError, match="use the id$"):
        SearchIndex({"organisations": {"O1": {"name": "X"}, "O2": {"name": "X"}}}).resolve("organisation", "x")
    name = PROJECTS[A_PROJECT]["name"]
    same = ids_named(PROJECTS, name)
    if len(same) == 1:
        assert INDEX.resolve("project", name) == A_PROJECT


def test_no_pypinyin_import_for_search_and_resolve() -> None:
    """Importing pypinyin costs ~0.4 s; search reads its character table directly."""
    code = ("import sys; from tests.corpus import generate_tables;"
            "from journal.search.index import SearchIndex; ix = SearchIndex(generate_tables(50, 20));"
            "ix.search('visit on:上周'); assert ix.resolve('contact', 'oynn');"
            "print(sorted(m for m in sys.modules if m.startswith(('pypinyin', 'textual'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


# -- the corpus itself -------------------------------------------------------------------------------
def test_corpus_is_deterministic_lean_and_ulid_keyed() -> None:
    small = generate_tables(200, 30, seed=3)
    assert small == generate_tables(200, 30, seed=3)
    assert small != generate_tables(200, 30, seed=4)
    assert set(small) == {"contacts", "days", "entries", "meta", "organisations", "projects"}
    crockford = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    for table in ("contacts", "entries", "organisations", "projects"):
        for doc_id, doc in small[table].items():
            assert len(doc_id) == 26 and set(doc_id) <= crockford
            assert all(v not in (None, "", []) for v in doc.values()), doc
    assert len(small["entries"]) == 200
    assert [d["name"] for d in small["contacts"].values()].count("张伟") == 2
