"""The Chinese interface from the command line: --lang, the configuration's language, LANG; help,
messages and errors in Chinese; contacts in pinyin order; the data file the same in every
language."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from journal.i18n import set_language

from .conftest import Result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def people(cli, jfile: Path) -> Path:  # noqa: ANN001
    for name in ("张伟", "Bob", "王芳", "安娜", "陈静", "曾国强"):
        assert cli("contact", "add", name).code == 0
    return jfile


def names_listed(result: Result) -> list[str]:
    return [line.split()[1] for line in result.out.splitlines() if line.strip()]


def test_lang_option_anywhere_on_the_line(cli, people: Path) -> None:  # noqa: ANN001
    english = cli("contact", "list")
    assert names_listed(english)[:2] == ["Bob", "安娜"]  # code points: meaningless for 中文
    for args in (("--lang", "zh", "contact", "list"), ("contact", "list", "--lang", "zh"),
                 ("contact", "list", "--lang=中文")):
        chinese = cli(*args)
        assert chinese.code == 0
        assert names_listed(chinese) == ["安娜", "Bob", "陈静", "王芳", "曾国强", "张伟"]  # A–Z


def test_help_and_errors_in_chinese(cli) -> None:  # noqa: ANN001
    helped = cli("--lang", "zh", "config", "--help")
    assert helped.code == 0
    assert "用法：" in helped.out and "配置文件：show、path、init、check" not in helped.err
    assert "显示本帮助并退出" in helped.out
    wrong = cli("--lang", "zh", "contact", "show", "没有这个人")
    assert wrong.code == 1
    assert wrong.err.startswith("journal：") or "没有" in wrong.err
    bad = cli("--lang", "fr", "list")
    assert bad.code == 2 and "unknown language 'fr'" in bad.err


def test_language_from_the_configuration_and_the_environment(
        cli, private_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    assert "用法：" not in cli("config", "--help").out
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "用法：" in cli("config", "--help").out
    private_config.parent.mkdir(parents=True, exist_ok=True)
    private_config.write_text('language = "en"\n', encoding="utf-8")
    assert "用法：" not in cli("config", "--help").out  # the file wins over LANG
    assert "用法：" in cli("--lang", "zh", "config", "--help").out  # and --lang over the file
    private_config.write_text('language = "klingon"\n', encoding="utf-8")
    checked = cli("config", "check")
    assert checked.code == 1 and "language：未知语言 'klingon'" in checked.err  # LANG: Chinese


def test_config_init_writes_the_language_key(cli, private_config: Path) -> None:  # noqa: ANN001
    assert cli("config", "init").code == 0
    text = private_config.read_text(encoding="utf-8")
    assert 'language = "auto"' in text


def test_switching_language_never_changes_the_file(cli, people: Path) -> None:  # noqa: ANN001
    """Reading, listing, reports and doctor in either language leave the bytes as they were; an
    entry added in Chinese mode is stored as the same data as one added in English."""
    before = _digest(people)
    for lang in ("zh", "en", "zh"):
        for args in (("list",), ("contact", "list"), ("week",), ("doctor",), ("due",)):
            cli("--lang", lang, *args)
        assert _digest(people) == before
    cli("--lang", "zh", "add", "拜访", "-c", "张伟", "--date", "2026-11-23")
    cli("--lang", "en", "add", "拜访", "-c", "王芳", "--date", "2026-11-23")
    text = people.read_text(encoding="utf-8")
    for word in ("星期", "联系人", "已完成", "计划"):  # no interface word is ever stored
        assert word not in text


def test_the_installed_program_follows_lang(tmp_path: Path) -> None:
    """The real program with LANG=zh_CN.UTF-8, as a Chinese user starts it."""
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "JOURNAL_FILE": str(tmp_path / "j.json"),
           "JOURNAL_CONFIG": str(tmp_path / "config.toml")}
    env.pop("LC_ALL", None)
    env.pop("LANGUAGE", None)
    done = subprocess.run([sys.executable, "-m", "journal", "--help"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "工作日志" in done.stdout and "用法：" in done.stdout
    set_language("en")
