"""Namesakes and loose names: two 张伟, a 王芳 with and one without an organisation, an id typed in
part, pinyin in a ``Name (Organisation`` form, and a search that narrows an ambiguous name with its
other filters. Expected results are worked out by hand from the small journal below."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from journal.errors import AmbiguousNameError, NotFoundError
from journal.names.matching import NameMatcher, id_prefix_hits
from journal.names.resolve import NameIndex
from journal.search.index import SearchIndex
from journal.storage import load_file

STAMP = "2026-11-01T00:00:00.000000Z"
ICBC, CCB, LVYUAN = "01M90000000000000000001CBC", "01M90000000000000000000CCB", "01M90000000000000000004VYN"
ZW_ICBC, ZW_CCB = "01M91000000000000000000ZW1", "01M92000000000000000000ZW2"
ZHAOWEN = "01M93000000000000000000ZWN"  # 赵文: also "zw"
# minted in the same instant: their ids share all but the last character
WF_ALONE, WF_LVYUAN = "01M94000000000000000000WF1", "01M94000000000000000000WF2"
EMILY = "01M96000000000000000000EMY"


def _entry(day: str, event: str, contacts: list[str], tags: list[str] = (),
           orgs: list[str] = ()) -> dict:
    doc = {"date": day, "event": event, "status": "done", "contact_ids": contacts,
           "created_at": STAMP, "updated_at": STAMP}
    if tags:
        doc["tags"] = list(tags)
    if orgs:
        doc["organisation_ids"] = list(orgs)
    return doc


def tables() -> dict:
    def person(name: str, org: str | None = None) -> dict:
        return {"name": name, "created_at": STAMP, "updated_at": STAMP} | (
            {"organisation_id": org} if org else {})

    return {
        "organisations": {ICBC: person("中国工商银行"), CCB: person("建设银行"),
                          LVYUAN: person("绿源食品集团")},
        "contacts": {ZW_ICBC: person("张伟", ICBC), ZW_CCB: person("张伟", CCB),
                     ZHAOWEN: person("赵文"), WF_ALONE: person("王芳"),
                     WF_LVYUAN: person("王芳", LVYUAN), EMILY: person("Emily Chen")},
        "projects": {},
        "entries": {
            "01M97000000000000000000E01": _entry("2026-11-02", "拜访工商", [ZW_ICBC], ["loan"]),
            "01M97000000000000000000E02": _entry("2026-11-03", "建行电话", [ZW_CCB], ["call"]),
            "01M97000000000000000000E03": _entry("2026-11-04", "工商 again", [ZW_ICBC], ["call"]),
            "01M97000000000000000000E04": _entry("2026-11-05", "赵文 lunch", [ZHAOWEN], ["lunch"]),
            "01M97000000000000000000E05": _entry("2026-11-06", "王芳 team", [WF_ALONE]),
        },
        "days": {}, "meta": {"schema_version": 1},
    }


def events(index: SearchIndex, query: str) -> list[str]:
    return [index.tables["entries"][i]["event"] for i in index.search(query)]


# -- the matcher -------------------------------------------------------------------------------
def test_whole_label_picks_the_namesake_without_an_organisation() -> None:
    data = tables()
    assert NameMatcher("contact", data).resolve("王芳") == WF_ALONE
    assert NameMatcher("contact", data).resolve("王芳 (绿源食品集团)") == WF_LVYUAN
    assert NameIndex(data, "contact").find("王芳") == [WF_ALONE]  # what `add -c 王芳` links
    assert NameIndex(data, "contact").find("王芳（绿源食品集团）") == [WF_LVYUAN]
    with pytest.raises(AmbiguousNameError):  # neither 张伟 is labelled just "张伟"
        NameIndex(data, "contact").resolve("张伟")


def test_pinyin_with_a_part_of_the_organisation() -> None:
    matcher = NameMatcher("contact", tables())
    assert matcher.resolve('"zw (工商"') == ZW_ICBC  # closing parenthesis left out
    assert matcher.resolve("zw (工商)") == ZW_ICBC
    assert matcher.resolve("zhangwei（建设") == ZW_CCB
    assert matcher.resolve("张伟 (工商") == ZW_ICBC
    with pytest.raises(NotFoundError):
        matcher.resolve("zw (农业")


def test_an_id_prefix_names_one_document() -> None:
    data = tables()
    matcher = NameMatcher("contact", data)
    assert matcher.resolve(ZW_CCB[:10].lower()) == ZW_CCB
    assert NameIndex(data, "contact").find(ZW_CCB[:6]) == [ZW_CCB]
    with pytest.raises(NotFoundError):
        NameIndex(data, "contact").resolve("01M9")  # too short to be taken for an id
    with pytest.raises(AmbiguousNameError, match="give more of the id") as err:
        NameIndex(data, "contact").resolve("01M9400")  # the two 王芳 minted in one instant
    assert {i for i, _ in err.value.candidates} == {WF_ALONE, WF_LVYUAN}
    with pytest.raises(AmbiguousNameError):
        matcher.resolve("01m9400")
    assert id_prefix_hits("01M9", data["contacts"]) == []  # below the minimum length
    assert id_prefix_hits("01m91000", data["contacts"]) == [ZW_ICBC]
    assert id_prefix_hits(ZW_ICBC, data["contacts"]) == [ZW_ICBC]
    assert id_prefix_hits("张伟张伟张伟", data["contacts"]) == []


def test_ranked_offers_every_level_best_first() -> None:
    matcher = NameMatcher("contact", tables())
    # "zw": no name holds the letters, so pinyin: both 张伟 and 赵文
    assert set(matcher.ranked("zw")) == {ZW_ICBC, ZW_CCB, ZHAOWEN}
    # "em": the start of Emily Chen, and of no pinyin here
    assert matcher.ranked("em") == [EMILY]
    # "wang": a prefix of no name, the pinyin of both 王芳
    assert set(matcher.ranked("wang")) == {WF_ALONE, WF_LVYUAN}
    # the exact name wins, the label-qualified namesake follows as a prefix match
    assert matcher.ranked("王芳") == [WF_ALONE, WF_LVYUAN]
    assert matcher.candidates("王芳") == [WF_ALONE]


# -- search: an ambiguous name narrowed by the other filters ----------------------------------------
def test_ambiguous_name_narrows_with_the_other_filters() -> None:
    index = SearchIndex(tables())
    with pytest.raises(AmbiguousNameError) as err:
        index.search("contact:zw")  # three people have entries
    assert {i for i, _ in err.value.candidates} == {ZW_ICBC, ZW_CCB, ZHAOWEN}
    assert events(index, "contact:zw org:工商") == ["工商 again", "拜访工商"]
    assert events(index, "contact:zw tag:loan") == ["拜访工商"]
    assert events(index, "contact:zw lunch") == ["赵文 lunch"]
    assert events(index, "contact:zw on:2026-11-03") == ["建行电话"]
    assert events(index, "contact:zw nothing-like-this") == []  # no error: nothing matches
    with pytest.raises(AmbiguousNameError) as err:
        index.search("contact:zw tag:call")  # both 张伟 have calls; 赵文 does not
    assert {i for i, _ in err.value.candidates} == {ZW_ICBC, ZW_CCB}
    message = str(err.value)
    assert "张伟 (中国工商银行)" in message and "张伟 (建设银行)" in message
    assert "赵文" not in message and "more filters" in message
    with pytest.raises(AmbiguousNameError):
        index.search("-contact:zw")  # which to leave out would be a guess


def test_search_finds_the_namesake_without_organisation() -> None:
    index = SearchIndex(tables())
    assert events(index, "contact:王芳") == ["王芳 team"]
    assert events(index, 'contact:"zw (工商"') == ["工商 again", "拜访工商"]


# -- the CLI -------------------------------------------------------------------------------------
@pytest.fixture
def sample(jfile: Path) -> Path:
    jfile.write_bytes(orjson.dumps(tables()))
    return jfile


def test_add_with_an_id_prefix_links_and_never_creates(cli, sample: Path) -> None:
    result = cli("add", "Call", "-c", ZW_CCB[:10].lower())
    assert result.code == 0, result.err
    assert "created" not in result.err
    data = load_file(sample)
    assert len(data["contacts"]) == 6
    assert data["entries"][result.out.strip()]["contact_ids"] == [ZW_CCB]
    ambiguous = cli("add", "Call", "-c", "01M9400")  # the two 王芳
    assert ambiguous.code == 1
    assert "matches 2" in ambiguous.err and "give more of the id" in ambiguous.err
    assert load_file(sample) == data  # nothing created, nothing added
    shown = cli("contact", "show", ZW_ICBC[:8])
    assert shown.code == 0 and "中国工商银行" in shown.out


def test_add_names_the_namesake_without_organisation(cli, sample: Path) -> None:
    result = cli("add", "Tea", "-c", "王芳")
    assert result.code == 0, result.err
    assert load_file(sample)["entries"][result.out.strip()]["contact_ids"] == [WF_ALONE]


def test_search_cli_narrows_and_says_when_nothing_matches(cli, sample: Path) -> None:
    result = cli("search", "contact:zw", "org:工商", "--format", "json")
    assert [e["event"] for e in json.loads(result.out)] == ["工商 again", "拜访工商"]
    result = cli("search", 'contact:"zw (工商"', "--format", "json")
    assert [e["event"] for e in json.loads(result.out)] == ["工商 again", "拜访工商"]
    result = cli("search", "nothing-like-this")
    assert result.code == 0 and result.out == ""
    assert result.err.strip() == "no entries match 'nothing-like-this'"
    result = cli("search", "nothing-like-this", "--format", "json")
    assert json.loads(result.out) == [] and result.err == ""


def test_nested_parentheses_do_not_recurse() -> None:
    matcher = NameMatcher("contact", tables())
    with pytest.raises(NotFoundError):
        matcher.resolve("a (" * 2000)
    assert matcher.ranked("张伟 (工商 (x") == []
