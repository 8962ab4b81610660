"""`journal search`, `journal week`, `journal month` as users run them: every output format,
highlighting, names, bad input, -o files, pinned dates, and the cache following outside changes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import orjson
import pytest

from journal.interchange.sample import load_sample
from journal.search.cache.reader import cache_paths
from journal.search.query import join_arguments
from journal.service import Journal
from journal.storage import dump_canonical
from tests.corpus import ANCHOR, generate_tables
from tests.helpers import run_process

TODAY = "2026-11-23"
ESC = "\x1b["


@pytest.fixture
def sample(jfile: Path) -> Path:
    """The welcome screen's sample fortnight around 23 Nov 2026 (a Monday)."""
    load_sample(Journal(jfile), date(2026, 11, 23))
    return jfile


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# -- search ---------------------------------------------------------------------------------------
def test_json_is_exactly_what_list_shows(cli, sample: Path) -> None:  # noqa: ANN001
    found = cli("search", "华辰", "--format", "json")
    assert found.code == 0, found.err
    views = json.loads(found.out)
    listed = {v["id"]: v for v in json.loads(cli("list", "--format", "json").out)}
    assert views and views == [listed[v["id"]] for v in views]
    assert [v["date"] + (v["time"] or "") for v in views] == \
        sorted((v["date"] + (v["time"] or "") for v in views), reverse=True)  # newest first


def test_json_matches_list_on_a_generated_corpus(cli, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "corpus.json"
    path.write_bytes(dump_canonical(generate_tables(800, 120, seed=3)))
    found = json.loads(cli("search", "org:工商银行", "--format", "json", file=path).out)
    listed = {v["id"]: v for v in json.loads(cli("list", "--format", "json", file=path).out)}
    assert found and all(v == listed[v["id"]] for v in found)


def test_text_is_one_plain_line_per_entry_when_piped(cli, sample: Path) -> None:  # noqa: ANN001
    found = cli("search", "华辰", "--no-notes")
    assert found.code == 0 and ESC not in found.out
    out = lines(found.out)
    assert len(out) == len(json.loads(cli("search", "华辰", "--format", "json").out))
    assert all(len(line.split()[0]) == 26 for line in out)  # the id, then the date
    # day notes and reviews are listed too unless --no-notes, in the same columns
    notes = [line for line in lines(cli("search", "华辰").out) if line not in out]
    assert [line.split()[:2] for line in notes] == [["(review)", "2026-W47"]]  # the sample's
    # the fixed columns are ASCII, so the text after them starts in the same column
    assert len({line.index(line.split()[3]) for line in out if line.split()[2][0].isdigit()}) == 1


def test_text_highlights_matches_with_color(cli, sample: Path) -> None:  # noqa: ANN001
    found = cli("search", "ＴＥＲＭ", "guarantee by", "--color")
    assert f"{ESC}1;31mterm{ESC}0m" in found.out
    assert f"{ESC}1;31mguarantee by{ESC}0m" in found.out
    assert ESC not in cli("search", "term").out


def test_summary_line_shown_is_the_one_that_matched(cli, sample: Path) -> None:  # noqa: ANN001
    found = cli("search", "Inventory")
    assert "Inventory looked healthy." in found.out and "新产线" not in found.out


def test_markdown_is_a_list(cli, sample: Path) -> None:  # noqa: ANN001
    found = cli("search", "term sheet", "--format", "md")
    assert found.code == 0
    assert found.out.startswith("- 2026-11-") and "**Review \\[draft\\] term sheet for 华辰**" in found.out
    assert "\n  Pricing 3.45%" in found.out


def test_limit_and_exclusions_and_mixed_options(cli, sample: Path) -> None:  # noqa: ANN001
    everything = lines(cli("search", "华辰").out)
    assert lines(cli("search", "华辰", "--limit", "2").out) == everything[:2]
    assert lines(cli("search", "-n2", "华辰").out) == everything[:2]
    without = lines(cli("search", "华辰", "-loan").out)
    assert without and len(without) < len(everything) and not any("#loan" in line for line in without)
    assert lines(cli("search", "华辰", "--limit", "1", "-loan").out) == without[:1]
    assert cli("search", "--", "-loan", "华辰").out == cli("search", "华辰", "-loan").out


def test_names_pinyin_and_namesakes(cli, sample: Path) -> None:  # noqa: ANN001
    ambiguous = cli("search", "contact:zw")
    assert ambiguous.code == 1 and ambiguous.out == ""
    assert ambiguous.err.count("\n") == 1 and ambiguous.err.startswith("journal: contact 'zw' is ambiguous")
    assert "张伟 (上海星海物流有限公司)" in ambiguous.err and "张伟 (华辰精密机械有限公司)" in ambiguous.err
    # as the shell passes contact:"张伟 (华辰精密机械有限公司)": one argument with a space
    one = cli("search", "contact:张伟 (华辰精密机械有限公司)", "--format", "json")
    assert one.code == 0 and json.loads(one.out)
    assert all("张伟 (华辰精密机械有限公司)" in v["contacts"] for v in json.loads(one.out))
    assert cli("search", "contact:linа", "--format", "json").code == 1  # a Cyrillic а: no match
    assert json.loads(cli("search", "contact:lina", "--format", "json").out) == \
        json.loads(cli("search", "contact:李娜", "--format", "json").out) != []
    org = json.loads(cli("search", "org:华辰", "--format", "json").out)
    assert any(not v["organisations"] for v in org)  # reached through its contacts / projects


def test_bad_queries_are_one_line_errors(cli, sample: Path) -> None:  # noqa: ANN001
    for args, code in ((["on:someday"], 1), (["status:maybe"], 1), (["contact:nobody"], 1),
                       (["   "], 1), ([], 1), (["visit", "--limit", "-1"], 1),
                       (["visit", "--format", "xml"], 2), (["visit", "--bogus"], 2)):
        result = cli("search", *args)
        assert result.code == code, args
        assert result.err.startswith("journal: ") and result.err.count("\n") == 1, args
        assert "Traceback" not in result.err


def test_missing_file_finds_nothing(cli, tmp_path: Path) -> None:  # noqa: ANN001
    result = cli("search", "visit", file=tmp_path / "none.json")
    assert result.code == 0 and result.out == "" and not (tmp_path / "none.json").exists()


def test_invalid_file_is_reported_not_crashed(cli, jfile: Path) -> None:  # noqa: ANN001
    jfile.write_text('{"entries": {"X": 1}}')
    result = cli("search", "visit")
    assert result.code == 1 and result.err.startswith(f"journal: {jfile}") and "Traceback" not in result.err


def test_join_arguments() -> None:
    assert join_arguments(["contact:张伟 (工商银行)"]) == 'contact:"张伟 (工商银行)"'
    assert join_arguments(["-org:Acme Corp", "on:last week"]) == '-org:"Acme Corp" on:"last week"'
    assert join_arguments(["term sheet"]) == '"term sheet"'
    assert join_arguments(["visit -cancelled", "tag:loan"]) == "visit -cancelled tag:loan"
    assert join_arguments(["org:工商银行 from:2026-01"]) == "org:工商银行 from:2026-01"
    assert join_arguments(["tag:loan visit"]) == "tag:loan visit"
    assert join_arguments(['"a b" c']) == '"a b" c'


# -- the cache follows the file ---------------------------------------------------------------------
def test_outside_writes_are_seen(cli, sample: Path) -> None:  # noqa: ANN001
    assert cli("search", "Zebra").out == ""
    added = run_process("--file", str(sample), "add", "Zebra crossing 斑马线", "-c", "李娜")
    assert added.returncode == 0, added.stderr
    assert "Zebra crossing" in cli("search", "zebra").out
    assert "Zebra crossing" in cli("search", "斑马").out
    # another program rewrites the file in its own (non-canonical) way
    data = json.loads(sample.read_text())
    entry = next(e for e in data["entries"].values() if e["event"].startswith("Zebra"))
    entry["event"] = "Giraffe crossing"
    sample.write_text(json.dumps(data, ensure_ascii=True))
    assert cli("search", "zebra").out == "" and "Giraffe" in cli("search", "giraffe").out


def test_a_corrupted_cache_is_rebuilt_silently(cli, sample: Path) -> None:  # noqa: ANN001
    expected = cli("search", "华辰", "--format", "json").out
    cache = cache_paths(sample)[0]
    data = bytearray(cache.read_bytes())
    for at in range(len(data) // 2, len(data), 997):
        data[at] ^= 0x55
    cache.write_bytes(bytes(data))
    again = cli("search", "华辰", "--format", "json")
    assert again.code == 0 and again.err == "" and again.out == expected
    cache.write_bytes(b"journal-search-cache\n{not json")
    assert cli("search", "华辰", "--format", "json").out == expected
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


# -- week and month ---------------------------------------------------------------------------------
def test_week_defaults_and_names(cli, sample: Path) -> None:  # noqa: ANN001
    this = cli("week", "--today", TODAY)
    assert this.code == 0 and this.out.startswith("# Week 2026-W48 · 23–29 Nov 2026")
    assert cli("week", "2026-W48", "--today", TODAY).out == this.out
    assert cli("week", "2026-11-26", "--today", TODAY).out == this.out
    last = cli("week", "last", "week", "--today", TODAY)
    assert last.out.startswith("# Week 2026-W47 · 16–22 Nov 2026")
    assert cli("week", "上周", "--today", TODAY).out == last.out
    assert cli("week", "--today", TODAY, "last week").out == last.out
    for section in ("## Day by day", "## By client", "## By project", "## People met"):
        assert section in last.out
    assert "| 12 | 10 | 1 | 1 |" in last.out  # entries, done, still planned, cancelled
    assert last.out.index("## 本周工作") < last.out.index("| Entries |")  # the sample's review
    assert "> Focus" not in last.out and "整理客户拜访记录" in last.out


def test_week_formats(cli, sample: Path) -> None:  # noqa: ANN001
    text = cli("week", "last week", "--today", TODAY, "--format", "text")
    assert text.out.startswith("Week 2026-W47 · 16–22 Nov 2026\n=====") and ESC not in text.out
    data = json.loads(cli("week", "last week", "--today", TODAY, "--format", "json").out)
    assert data["label"] == "2026-W47" and data["totals"]["entries"] == 12
    assert data["next_label"] == "2026-W48" and data["planned_next"]


def test_month_defaults_and_extras(cli, sample: Path) -> None:  # noqa: ANN001
    month = cli("month", "--today", TODAY)
    assert month.code == 0 and month.out.startswith("# November 2026")
    assert "## Top clients" in month.out and "## Top projects" in month.out
    assert cli("month", "2026-11", "--today", TODAY).out == month.out
    december = cli("month", "2026-11", "--today", "2026-12-05").out  # overdue depends on today
    assert cli("month", "last month", "--today", "2026-12-05").out == december
    assert cli("month", "上个月", "--today", "2026-12-05").out == december
    later = json.loads(cli("month", "--today", "2027-02-01", "--format", "json").out)
    assert {o["name"] for o in later["overdue_contacts"]} >= {"张伟", "王芳", "Tom Baker"}


def test_bad_periods(cli, sample: Path) -> None:  # noqa: ANN001
    for args in (["week", "2026-13"], ["week", "someday"], ["month", "2026-W47"], ["week", "--today", "x"]):
        result = cli(*args)
        assert result.code == 1 and result.err.startswith("journal: ") and result.err.count("\n") == 1


def test_output_file_is_private_and_atomic(cli, sample: Path, tmp_path: Path) -> None:  # noqa: ANN001
    target = tmp_path / "out" / "week.md"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o644)
    result = cli("week", "last week", "--today", TODAY, "-o", str(target))
    assert result.code == 0 and result.out.strip() == f"wrote week 2026-W47 (md) to {target}"
    assert target.read_text() == cli("week", "last week", "--today", TODAY).out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["week.md"]  # no temp file left
    as_json = tmp_path / "out" / "m.json"
    assert cli("month", "-o", str(as_json), "--today", TODAY).code == 0
    assert json.loads(as_json.read_text())["label"] == "November 2026"


def test_output_never_overwrites_the_journal(cli, sample: Path, tmp_path: Path) -> None:  # noqa: ANN001
    before = sample.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(sample)
    sidecars = (f"{sample}.lock", str(sample.parent / ".journal-cache" / "week.md"))
    for target in (str(sample), os.path.relpath(sample), str(link), str(tmp_path), *sidecars):
        result = cli("week", "-o", target)
        assert result.code == 1 and result.err.startswith("journal: ") and result.err.count("\n") == 1
    assert sample.read_bytes() == before


# -- as separate processes ----------------------------------------------------------------------------
def test_real_processes(sample: Path, tmp_path: Path) -> None:
    env = {"JOURNAL_FILE": str(sample), "NO_COLOR": ""}
    found = run_process("search", "华辰", "-loan", env=env)
    assert found.returncode == 0 and found.stdout and ESC not in found.stdout  # a pipe: no colour
    json_out = run_process("search", "contact:lina", "--format", "json", env=env)
    assert json.loads(json_out.stdout)
    report = tmp_path / "w.txt"
    week = run_process("week", "--today", TODAY, "-o", str(report), env=env)
    assert week.returncode == 0 and report.read_text().startswith("Week 2026-W48")
    bad = run_process("search", "on:never", env=env)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_headless_search_commands_do_not_import_textual(sample: Path) -> None:
    code = ("import sys\nfrom journal.cli import main\n"
            f"main(['--file', {str(sample)!r}, 'search', '华辰'])\n"
            f"main(['--file', {str(sample)!r}, 'week', '--today', '{TODAY}'])\n"
            "sys.stdout.flush()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_corpus_queries_through_the_cli(cli, tmp_path: Path) -> None:  # noqa: ANN001
    from journal.search.index import SearchIndex
    from journal.storage import load_file

    path = tmp_path / "corpus.json"
    path.write_bytes(dump_canonical(generate_tables(1500, 200, seed=11)))
    index = SearchIndex(load_file(path))
    for query in ("拜访", 'contact:"张伟 (建设银行)"', "org:工商银行 from:2026-01", "contact:zgl",
                  "tag:loan -status:done", "on:上周 visit"):
        result = cli("search", query, "--format", "json", "--today", ANCHOR.isoformat(), file=path)
        assert result.code == 0, (query, result.err)
        assert [v["id"] for v in orjson.loads(result.out)] == index.search(query, today=ANCHOR), query


def test_text_lines_are_the_views_lines(tmp_path: Path) -> None:
    """The text output is built straight from documents (no views) for speed: it must be the
    line ``text_line`` makes of the view, highlighted or not."""
    from journal.search.cache.reader import open_journal
    from journal.search.render import Views, query_words, text_line

    path = tmp_path / "corpus.json"
    path.write_bytes(dump_canonical(generate_tables(600, 80, seed=5)))
    cached = open_journal(path)
    docs = cached.documents(cached.index.search_positions(""))
    views, words = Views(cached.index.tables), query_words(["client", "拜访", "Visit"])
    for colour in (False, True):
        assert [views.text(i, d, words, colour) for i, d in docs.items()] == \
            [text_line(views.view(i, d), words, colour) for i, d in docs.items()]
