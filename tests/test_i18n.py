"""The translation layer: the catalog, the choice of language, Chinese formats, and the checks that
fail when a text bypasses the layer or the Chinese catalog falls out of step with the code."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path

import pytest

from journal.i18n import CATALOGS, _, chinese, language, ngettext, set_language
from journal.i18n.choose import choose, from_environment, lang_option, normalize
from journal.i18n.extract import MarkError, marked_in, marked_texts, updated_entries
from journal.i18n.formats import (
    date_range,
    day_month_weekday,
    full_date,
    money,
    month_label,
    quarter_label,
    week_label,
)
from journal.i18n.po import PoEntry, load_translations, parse_po, render_po

from .i18n_scan import PACKAGE, scan_file, scan_package


@pytest.fixture
def zh():  # noqa: ANN201 - a fixture
    set_language("zh")
    yield
    set_language("en")


# -- the checks the issue asks for -----------------------------------------------------------------
def test_no_text_shown_bypasses_the_translation_layer() -> None:
    """Every literal shown to a person goes through _(); the message lists each one that does
    not (wrap it, run `python -m journal.i18n`, translate it in zh_CN.po)."""
    found = scan_package()
    assert not found, "texts shown without the translation layer:\n" + "\n".join(map(str, found))


def test_the_scan_catches_a_bypass(tmp_path: Path) -> None:
    """The scanner is not blind: each kind of bypass in a module is reported, marked ones not."""
    module = PACKAGE / "screens" / "_scan_probe.py"
    module.write_text(
        "from journal.i18n import _, N_\n"
        "def f(ctx, app, parser, n):\n"
        "    print('Saved the file')\n"
        "    app.notify(f'{n} entries synced')\n"
        "    parser.add_argument('--x', help='the thing to do')\n"
        "    raise ValueError('no such client')\n"
        "    ctx.out(_('fine: {n}').format(n=n))\n"
        "    app.query_one('#day-list')\n"
        "    return 'Week review', N_('Marked')\n"
        "BINDINGS = [Binding('q', 'quit', 'Quit'), Binding('n', 'new', N_('New'))]\n",
        encoding="utf-8")
    try:
        texts = {b.text for b in scan_file(module)}
    finally:
        module.unlink()
    assert texts == {"Saved the file", "{} entries synced", "the thing to do", "no such client",
                     "Week review", "Quit"}


def test_chinese_catalog_has_every_text_and_no_stale_one() -> None:
    """zh_CN.po holds a translation of every marked text and nothing the code no longer uses
    (`python -m journal.i18n` adds the new ones and drops the stale ones)."""
    entries = parse_po(CATALOGS["zh"].read_text(encoding="utf-8"))
    in_catalog = {e.key: e for e in entries if e.msgid}
    in_code = {m.key for m in marked_texts()}
    missing = sorted(map(str, in_code - set(in_catalog)))
    stale = sorted(map(str, set(in_catalog) - in_code))
    untranslated = sorted(str(k) for k, e in in_catalog.items() if k in in_code and not e.translated)
    assert not missing, f"not in zh_CN.po (run `python -m journal.i18n`): {missing[:20]}"
    assert not stale, f"in zh_CN.po but no longer in the code: {stale[:20]}"
    assert not untranslated, f"untranslated in zh_CN.po ({len(untranslated)}): {untranslated[:20]}"


def _fields(text: str) -> list[str]:
    names = sorted(f"{{{n}{'!' + c if c else ''}}}" for _t, n, _s, c in string.Formatter().parse(text)
                   if n is not None)
    import re

    return names + sorted(re.findall(r"%\(\w+\)[sdr]|%[sdr]", text))


def test_translations_keep_the_placeholders() -> None:
    """A translation fills the same {fields} (and %s of argparse) as its English text, or
    .format() would fail or lose a value in Chinese only."""
    wrong = []
    for entry in parse_po(CATALOGS["zh"].read_text(encoding="utf-8")):
        if not entry.msgid or not entry.translated:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        for text in entry.msgstr:
            if all(_fields(text) != _fields(s) for s in sources):
                wrong.append(f"{entry.msgid!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_a_missing_or_stale_catalog_entry_is_noticed(tmp_path: Path) -> None:
    """The catalog check's own logic: a new text is added untranslated, a gone one dropped."""
    marks = list(marked_in("from journal.i18n import _\nx = _('New text')\n", "m.py"))
    old = [PoEntry("", msgstr=["h"]), PoEntry("Old text", msgstr=["旧"])]
    entries = updated_entries(old, marks)
    assert [e.msgid for e in entries] == ["", "New text"]
    assert not entries[1].translated


def test_an_f_string_cannot_be_marked() -> None:
    with pytest.raises(MarkError, match="f-string"):
        list(marked_in("x = _(f'{a} b')\n", "m.py"))


# -- the catalog format ----------------------------------------------------------------------------
def test_po_round_trip_with_escapes_plurals_and_fuzzy() -> None:
    entries = [PoEntry("", msgstr=["Language: zh_CN\n"]),
               PoEntry('say "hi"\n\tnow\\', msgstr=["说“你好”\n\t现在\\"], references=["a.py"]),
               PoEntry("{n} entry", "{n} entries", ["{n} 条记录"]),
               PoEntry("draft", msgstr=["草稿"], flags={"fuzzy"}),
               PoEntry("Month", msgstr=["月报"], context="navigation")]
    text = render_po(entries)
    again = parse_po(text)
    assert [(e.msgid, e.msgid_plural, e.msgstr, e.flags, e.context) for e in again] == \
        [(e.msgid, e.msgid_plural, e.msgstr, e.flags, e.context) for e in entries]
    table = load_translations(text)
    assert table['say "hi"\n\tnow\\'] == "说“你好”\n\t现在\\"
    assert table[("{n} entry", "{n} entries")] == ["{n} 条记录"]
    assert "draft" not in table  # fuzzy: not yet a translation
    assert table["navigation\x04Month"] == "月报"  # msgctxt: the same word, another meaning


def test_runtime_lookup(zh: None) -> None:
    assert language() == "zh" and chinese()
    assert _("options") == "选项"
    assert _("a text nobody translated") == "a text nobody translated"
    set_language("en")
    assert _("options") == "options"
    assert ngettext("{n} conflict", "{n} conflicts", 2) == "{n} conflicts"
    with pytest.raises(ValueError):
        set_language("fr")


# -- choosing the language -------------------------------------------------------------------------
@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_SG.UTF-8"}, "zh"),
    ({"LANG": "zh_Hans_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "en"),  # Traditional: we have none, English it is
    ({"LANG": "zh_HK.Big5"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),  # LC_ALL wins
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "en_GB.UTF-8", "LANGUAGE": "zh_CN:en"}, "zh"),  # LANGUAGE's preference
    ({"LANG": "C", "LANGUAGE": "zh_CN"}, "en"),  # ignored under the C locale, as gettext does
    ({"LANG": "de_DE.UTF-8", "LANGUAGE": "fr:zh_CN"}, "zh"),  # the first one we have
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({}, "en"),
])
def test_language_from_environment(env: dict[str, str], expected: str) -> None:
    assert from_environment(env) == expected


def test_option_then_configuration_then_environment() -> None:
    env = {"LANG": "zh_CN.UTF-8"}
    assert choose(None, None, env) == "zh"
    assert choose(None, "en", env) == "en"
    assert choose("zh", "en", {}) == "zh"
    assert choose("auto", "en", env) == "en"  # --lang auto: the configuration, then LANG
    assert choose(None, "", env) == "zh"  # language = "auto" in the file
    assert normalize("zh-CN") == normalize("中文") == normalize("Chinese") == "zh"
    assert normalize("fr") is None
    assert lang_option(["add", "x", "--lang", "zh"]) == "zh"
    assert lang_option(["--lang=en", "list"]) == "en"
    assert lang_option(["add", "--", "--lang", "zh"]) is None  # after --, it is text


# -- Chinese formats -------------------------------------------------------------------------------
def test_dates_weeks_months_quarters_in_chinese(zh: None) -> None:
    d = date(2026, 12, 5)
    assert full_date(d) == "2026年12月5日 星期六"
    assert week_label(49) == "第49周"
    assert week_label(49, 2026) == "2026年第49周"
    assert month_label(2026, 12) == "2026年12月"
    assert quarter_label(2026, 4) == "2026年第四季度"
    assert day_month_weekday(d) == "12月5日 周六"
    assert date_range(date(2026, 11, 30), date(2026, 12, 6)) == "2026年11月30日至12月6日"
    assert date_range(date(2026, 12, 1), date(2026, 12, 6)) == "2026年12月1日至6日"


def test_dates_in_english() -> None:
    d = date(2026, 12, 5)
    assert full_date(d) == "Sat 5 Dec 2026"
    assert week_label(49) == "Week 49"
    assert quarter_label(2026, 4) == "Q4 2026"
    assert date_range(date(2026, 11, 30), date(2026, 12, 6)) == "30 Nov – 6 Dec 2026"


def test_money_as_readers_expect(zh: None) -> None:
    assert money("1234.5", "CNY") == "1,234.50元"
    assert money(88, "usd") == "88.00美元"
    assert money("12", "THB") == "12.00 THB"
    set_language("en")
    assert money("1234.5", "CNY") == "1,234.50 CNY"
