"""Hostile input for the vCard, jrnl and hand-over bundle importers.

Whatever a file holds — markup (``[/]``), ANSI escapes, control characters, NUL, megabyte values,
RTL and combining characters, lone surrogates, wrong charsets, truncation, the wrong JSON shape,
random bytes — ``journal import`` must answer properly:

* no traceback; exit 0 or 1; a failure of the whole file is exactly one ``journal: …`` line and
  exit 1; per-item rejections are one clean line each (no raw control characters);
* the data file is either byte-for-byte unchanged or valid (loads, ``journal doctor`` passes), and
  then the good items mixed into the hostile file are in it;
* importing the same file again changes nothing.

Each test runs a bounded number of examples in the fast subset and many more under ``-m slow``;
the counts go into the reliability tally (``hostile inputs tried``).
"""

from __future__ import annotations

import copy
import errno
import itertools
import json
import os
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from journal.doctor import diagnose
from journal.interchange.bundle import build_bundle, dump_bundle
from journal.interchange.sample import load_sample
from journal.service import Journal, LinkRequest
from journal.storage import load_file
from journal.text import fold

from ._support import (
    CONTROL_RE,
    JOURNAL_EXE,
    TRACEBACK_RE,
    Result,
    record_stats,
    run_cli,
    run_hypothesis,
    temp_leftovers,
)

FAST, SLOW = 30, 300
BUDGETS = [pytest.param(FAST, id="fast"), pytest.param(SLOW, id="slow", marks=pytest.mark.slow)]

FRAGMENTS = [
    "[/]", "[bold]x[/bold]", "[@click=app.quit]", "\x1b[31m", "\x1b]0;pwned\x07", "\x1b[2J", "\x00",
    "\x07", "\x08", "\r", "\n", "\r\n", "\t", "\x0b", "\x0c", "\x7f", "\x85", "\u2028", "\u202e",
    "\u200f", "\u200b", "\ufeff", "e\u0301", "\u0301", "Z\u0364\u0351\u0313", "\ud800", "\udfff",
    "'", '"', "\\", "\\n", "\\,", "\\;", ";", "；", ",", ":", "=", "=E5=BC", "=\r\n", "(", ")",
    "张伟 (工商银行)", "ＡＢＣ", "--", "%s", "${HOME}", "<<<<<<< HEAD", "null", "{}", "[]",
    "01M83XQX7EG7D9HZR5587NPX6N", "2026-02-30", "--0229", "1604-05-17", " ", "\u3000", "🙂",
    "👨‍👩‍👧", "\U0010ffff", "\ufffe", "شكرا", "שלום", "İ", "ß", "BEGIN:VCARD", "END:VCARD",
    "0" * 30,
]
HUGE = ["x" * 1_000_000, "长" * 300_000, "\n" * 50_000, "[/]" * 50_000, "a" * 201, "n" * 501]

hostile = st.one_of(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=8).map("".join),
    st.text(max_size=30),
    st.sampled_from(FRAGMENTS),
    st.sampled_from(HUGE),
)
tried: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _tally() -> Iterator[None]:
    yield
    record_stats(hostile_inputs_tried=sum(tried.values()))


_run = run_hypothesis


class Target:
    """A journal (fresh per example, copied from a seed) that one import goes into."""

    def __init__(self, folder: Path, seed: bytes | None) -> None:
        self.folder, self.seed = folder, seed
        self.count = itertools.count()

    def new(self) -> Path:
        path = self.folder / f"j{next(self.count)}" / "journal.json"
        path.parent.mkdir(mode=0o700)
        if self.seed is not None:
            path.write_bytes(self.seed)
            path.chmod(0o600)
        return path


def _check(result: Result, path: Path, before: bytes | None, what: str) -> dict[str, Any] | None:
    """The common promises; returns the data when the import wrote the file."""
    tried[what] += 1
    assert result.code in (0, 1), result
    assert not TRACEBACK_RE.search(result.err), result.err
    for line in result.err.splitlines():
        assert not CONTROL_RE.search(line), result.err
    if result.code == 1 and "rejected" not in result.err:  # the whole file refused
        assert len(result.err.splitlines()) == 1 and result.err.startswith("journal: "), result
    after = path.read_bytes() if path.exists() else None
    assert temp_leftovers(path) == []
    if after == before:
        return None
    assert result.code == 0, ("a failed import changed the file", result)
    data = load_file(path)
    problems, _ = diagnose(data)
    assert problems == [], problems
    return data


def _again_changes_nothing(path: Path, source: Path) -> None:
    before = path.read_bytes()
    again = run_cli(path, "import", str(source))
    assert again.code in (0, 1) and not TRACEBACK_RE.search(again.err), again
    assert path.read_bytes() == before, ("a second import changed the file", again)


# -- vCard ------------------------------------------------------------------------------------------

PROPS = ["FN", "N", "ORG", "TITLE", "TEL", "EMAIL", "BDAY", "NOTE", "CATEGORIES", "X-WECHAT",
         "item1.EMAIL", "PHOTO", ""]
PARAMS = ["", ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE", ";CHARSET=GB18030;ENCODING=QUOTED-PRINTABLE",
          ";ENCODING=QUOTED-PRINTABLE", ";ENCODING=b", ";CHARSET=zlib;ENCODING=QUOTED-PRINTABLE",
          ";CHARSET=unicode_escape;ENCODING=b", ';TYPE="cell;voice"', ";CELL;VOICE", ";X-APPLE-OMIT-YEAR=1604",
          ";VALUE=uri", ";=", ";;;"]
prop_line = st.tuples(st.sampled_from(PROPS), st.sampled_from(PARAMS), hostile)
hostile_card = st.tuples(st.lists(prop_line, max_size=6), st.booleans())  # (lines, closed)


def _qp(text: str, charset: str) -> str:
    return "".join(f"={b:02X}" for b in text.encode(charset))


def _good_card(i: int, style: int) -> tuple[str, list[str]]:
    name = f"Good Person {i}"
    if style == 0:
        return name, ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", "ORG:好公司", "TEL:138 0000 000" + str(i),
                      "NOTE:正常的备注\\n第二行", "END:VCARD"]
    if style == 1:
        return name, ["BEGIN:VCARD", "VERSION:2.1",
                      f"FN;CHARSET=GB18030;ENCODING=QUOTED-PRINTABLE:{_qp(name, 'gb18030')}",
                      f"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp('华辰', 'utf-8')}", "END:VCARD"]
    return name, ["BEGIN:VCARD", "VERSION:4.0", f"FN:{name}", "BDAY:--0517", "EMAIL:g@x.example",
                  "END:VCARD"]


def _vcard_text(cards: list[tuple[list[tuple[str, str, str]], bool]], good: list[list[str]],
                newline: str, fold_at: int) -> str:
    lines: list[str] = []
    for card, good_card in itertools.zip_longest(cards, good):
        if card is not None:
            props, closed = card
            lines += ["BEGIN:VCARD", "VERSION:3.0"]
            for name, params, value in props:
                line = f"{name}{params}:{value}"
                if fold_at and len(line) > fold_at:  # fold as exporters do (a space continues)
                    line = line[:fold_at] + newline + " " + line[fold_at:]
                lines.append(line)
            if closed:
                lines.append("END:VCARD")
        if good_card is not None:
            lines += good_card
    return newline.join(lines) + newline


@pytest.mark.parametrize("budget", BUDGETS)
def test_vcard_import_of_hostile_content(tmp_path: Path, budget: int) -> None:
    seed = tmp_path / "seed.json"
    Journal(seed).add_document("contact", "Good Person 0", {"phones": ["1"]}, organisation="好公司")
    targets = Target(tmp_path, seed.read_bytes())

    @_run(budget, st.lists(hostile_card, max_size=3), st.lists(st.integers(0, 2), max_size=2),
          st.sampled_from(["\r\n", "\n", "\r"]), st.sampled_from([0, 0, 7, 75]),
          st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16", "truncate", "raw"]),
          st.binary(max_size=300), st.integers(0, 10_000))
    def body(cards: list, good_styles: list[int], newline: str, fold_at: int, encoding: str,
             raw: bytes, cut: int) -> None:
        path = targets.new()
        source = path.parent / "contacts.vcf"
        good = [_good_card(i, style) for i, style in enumerate(good_styles)]
        text = _vcard_text(cards, [lines for _, lines in good], newline, fold_at)
        if encoding == "raw":
            content = raw
        elif encoding == "truncate":
            content = text.encode("utf-8", "surrogatepass")[:cut]
        else:
            content = text.encode(encoding, "replace" if encoding == "gb18030" else "surrogatepass")
        source.write_bytes(content)
        before = path.read_bytes()
        result = run_cli(path, "import", str(source))
        data = _check(result, path, before, "vcard")
        if data is None:
            return
        if encoding == "utf-8":
            names = {fold(d["name"]) for d in data["contacts"].values()}
            for name, _ in good:
                assert fold(name) in names, (name, result)
        _again_changes_nothing(path, source)


# -- jrnl -------------------------------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63), st.floats(), hostile)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8)
jrnl_item = st.one_of(
    st.fixed_dictionaries({}, optional={
        "date": st.one_of(st.sampled_from(["2026-11-20", "2026-02-30", "2026-11-20T09:00", ""]),
                          hostile, values),
        "time": st.one_of(st.sampled_from(["09:30", "24:00", "9:30", ""]), hostile, values),
        "title": st.one_of(hostile, values), "body": st.one_of(hostile, values),
        "tags": st.one_of(st.lists(st.one_of(hostile, st.sampled_from(["@a", "#b", "@", "@@"])),
                                   max_size=3), values),
        "starred": values}),
    values)


def _good_entry(i: int) -> dict[str, Any]:
    return {"date": "2026-11-21", "time": f"1{i}:00", "title": f"Good entry {i}.",
            "body": "正常内容 @client", "tags": ["@client"], "starred": bool(i % 2)}


@pytest.mark.parametrize("budget", BUDGETS)
def test_jrnl_import_of_hostile_content(tmp_path: Path, budget: int) -> None:
    seed = tmp_path / "seed.json"
    Journal(seed).add_entry(event="Good entry 0", date="2026-11-21", time="10:00",
                            summary="正常内容 @client")
    targets = Target(tmp_path, seed.read_bytes())
    shapes = ["export", "export", "export", "list", "scalar", "entries-object", "no-entries"]

    @_run(budget, st.sampled_from(shapes), st.lists(jrnl_item, max_size=4), st.integers(0, 2),
          st.sampled_from(["ascii", "utf-8", "truncate", "raw", "utf-16", "bom"]),
          st.binary(max_size=300), st.integers(0, 5_000), values)
    def body(shape: str, items: list, n_good: int, encoding: str, raw: bytes, cut: int,
             other: Any) -> None:
        path = targets.new()
        source = path.parent / "jrnl.json"
        good = [_good_entry(i) for i in range(n_good)]
        entries = [x for pair in itertools.zip_longest(items, good) for x in pair if x is not None]
        data: Any = {"tags": {"@client": n_good}, "entries": entries}
        if shape == "list":
            data = entries
        elif shape == "scalar":
            data = other
        elif shape == "entries-object":
            data = {"entries": {"a": other}}
        elif shape == "no-entries":
            data = {"tags": other}
        text = json.dumps(data, ensure_ascii=encoding == "ascii")
        content = {"truncate": lambda: text.encode("utf-8", "surrogatepass")[:cut],
                   "raw": lambda: raw,
                   "utf-16": lambda: text.encode("utf-16", "surrogatepass"),
                   "bom": lambda: b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass"),
                   }.get(encoding, lambda: text.encode("utf-8", "surrogatepass"))()
        source.write_bytes(content)
        before = path.read_bytes()
        result = run_cli(path, "import", str(source))
        written = _check(result, path, before, "jrnl")
        if shape == "export" and encoding in ("ascii", "bom") and result.code == 0:
            events = {d["event"] for d in load_file(path)["entries"].values()}
            for entry in good:
                assert entry["title"].rstrip(".") in events, (entry, result)
        if written is not None:
            _again_changes_nothing(path, source)


# -- hand-over bundles ------------------------------------------------------------------------------

TABLES = ("organisations", "contacts", "projects", "entries")
FIELDS = ["name", "organisation_id", "phones", "notes", "birthday", "date", "time", "event",
          "summary", "status", "contact_ids", "project_ids", "organisation_ids", "tags",
          "updated_at", "created_at", "expenses", "cadence_days", "conflicts", "x"]
mutation = st.tuples(st.sampled_from(["set", "drop", "rekey", "delete", "type", "reference"]),
                     st.sampled_from(TABLES), st.integers(0, 50), st.sampled_from(FIELDS),
                     st.one_of(hostile, values))


def _apply(bundle: dict[str, Any], op: str, table: str, index: int, field: str,
           value: Any) -> set[str]:
    """Mutate one document of ``bundle``; returns the ids it damaged (old and new keys)."""
    docs = bundle["references"]["contacts"] if op == "reference" else bundle[table]
    if not docs:
        return set()
    doc_id = sorted(docs)[index % len(docs)]
    if op == "delete":
        del docs[doc_id]
    elif op == "rekey":
        key = str(value)[:40] if not isinstance(value, str) else value[:40]
        docs[key] = docs.pop(doc_id)
        return {doc_id, key}
    elif op == "type":
        docs[doc_id] = value
    elif not isinstance(docs[doc_id], dict):  # an earlier mutation replaced it already
        pass
    elif op == "drop":
        docs[doc_id].pop(field, None)
    else:
        docs[doc_id][field] = value
    return {doc_id}


@pytest.fixture(scope="module")
def sample_bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("sender") / "journal.json"
    journal = Journal(path)
    load_sample(journal, date(2026, 11, 23))
    journal.add_entry(event="两个张伟", date="2026-11-18", links=LinkRequest(
        contacts=["张伟 (华辰精密机械有限公司)", "张伟 (上海星海物流有限公司)"]))
    return build_bundle(journal, "organisation", "华辰精密机械有限公司")


def _clean_entries(bundle: dict[str, Any], damaged: set[str]) -> set[str]:
    """Entries of the bundle that no mutation touched, directly or through what they link (a
    damaged document makes its members and the entries linking either of them doubtful)."""
    bad = set(damaged)
    members = [*bundle["contacts"].items(), *bundle["projects"].items(),
               *bundle["references"]["contacts"].items()]
    bad |= {i for i, d in members if not isinstance(d, dict) or str(d.get("organisation_id")) in bad}
    clean = set()
    for entry_id, entry in bundle["entries"].items():
        if entry_id in bad or not isinstance(entry, dict):
            continue
        links = [link for f in ("contact_ids", "project_ids", "organisation_ids")
                 for link in entry.get(f, ())]
        if not any(str(link) in bad for link in links):
            clean.add(entry_id)
    return clean


@pytest.mark.parametrize("budget", BUDGETS)
def test_bundle_import_of_hostile_content(tmp_path: Path, budget: int,
                                          sample_bundle: dict[str, Any]) -> None:
    seed = tmp_path / "seed.json"
    receiver = Journal(seed)
    receiver.add_document("contact", "张伟", {"notes": "own"}, organisation="上海星海物流有限公司")
    receiver.add_document("organisation", "华辰精密机械有限公司", {"industry": "theirs"})
    targets = Target(tmp_path, seed.read_bytes())

    @_run(budget, st.lists(mutation, max_size=4),
          st.sampled_from(["whole", "whole", "whole", "truncate", "raw", "version", "top"]),
          st.integers(0, 20_000), st.binary(max_size=200), values)
    def body(mutations: list, form: str, cut: int, raw: bytes, other: Any) -> None:
        path = targets.new()
        source = path.parent / "bundle.json"
        bundle = copy.deepcopy(sample_bundle)
        damaged: set[str] = set()
        for op, table, index, field, value in mutations:
            damaged |= _apply(bundle, op, table, index, field, value)
        if form == "version":
            bundle["version"] = other
        elif form == "top":
            bundle[str(other)[:20]] = other
        text = json.dumps(bundle, ensure_ascii=False).encode("utf-8", "surrogatepass")
        source.write_bytes(text[:cut] if form == "truncate" else raw if form == "raw" else text)
        before = path.read_bytes()
        result = run_cli(path, "import", str(source))
        data = _check(result, path, before, "bundle")
        if form == "whole" and result.code == 0 and data is not None:
            for entry_id in _clean_entries(bundle, damaged):
                assert entry_id in data["entries"], (entry_id, result)
        if data is not None:
            _again_changes_nothing(path, source)


# -- a write that fails leaves nothing behind -------------------------------------------------------


@pytest.mark.parametrize("kind", ["vcf", "jrnl", "bundle"])
def test_a_failed_write_leaves_the_file_untouched(tmp_path: Path, kind: str,
                                                  sample_bundle: dict[str, Any],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "journal.json"
    Journal(path).add_entry(event="seed", date="2026-11-01")
    before = path.read_bytes()
    source = tmp_path / {"vcf": "c.vcf", "jrnl": "j.json", "bundle": "b.json"}[kind]
    if kind == "vcf":
        source.write_text("BEGIN:VCARD\nFN:张伟\nORG:新公司\nEND:VCARD\n", encoding="utf-8")
    elif kind == "jrnl":
        source.write_text(json.dumps({"entries": [_good_entry(1)]}), encoding="utf-8")
    else:
        source.write_bytes(dump_bundle(sample_bundle))
    real = os.replace

    def full(src: Any, dst: Any) -> None:
        if str(dst) == str(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(src, dst)

    monkeypatch.setattr(os, "replace", full)
    result = run_cli(path, "import", str(source))
    tried["write failure"] += 1
    assert result.code == 1 and result.err.count("\n") == 1, result
    assert "No space left" in result.err
    assert path.read_bytes() == before and temp_leftovers(path) == []


def test_hostile_files_through_a_real_process(tmp_path: Path) -> None:
    """A real terminal: ANSI escapes and RTL overrides in a card never reach it raw."""
    path = tmp_path / "journal.json"
    source = tmp_path / "evil.vcf"
    source.write_bytes("BEGIN:VCARD\nFN:\x1b[2J\u202eevil\x07\nORG:\x1b]0;title\x07Corp\n"
                       "BDAY:\x1b[31mred\nEND:VCARD\nBEGIN:VCARD\nN:;;\nEND:VCARD\n"
                       "BEGIN:VCARD\nFN:[/] markup\n".encode())
    junk = tmp_path / "junk.json"
    junk.write_bytes(os.urandom(2000))
    for target in (source, junk):
        proc = subprocess.run([str(JOURNAL_EXE), "--file", str(path), "import", str(target)],
                              capture_output=True, timeout=120)
        tried["real process"] += 1
        assert b"\x1b" not in proc.stderr and b"\x1b" not in proc.stdout, proc
        assert b"Traceback" not in proc.stderr, proc.stderr
    names = sorted(d["name"] for d in load_file(path)["contacts"].values())
    assert names == ["\x1b[2J\u202eevil\x07"]  # stored exactly; the unclosed card was refused
