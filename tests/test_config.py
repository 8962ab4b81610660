"""The configuration file (config.toml): defaults, reading and validating it, `journal config`,
`journal tiers` editing it, and where it and the per-machine settings live."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from journal.config import DEFAULT_TIERS, Config, ConfigError, Template, Tier, TierTable
from journal.config.files import config_path, load_config, parse_config_text, render_config
from journal.errors import ValidationError
from journal.service import Journal
from journal.settings import settings_path
from journal.storage import load_file


def test_no_file_means_the_defaults(private_config: Path) -> None:
    config = load_config()
    assert config == Config() and config.owner == ""
    assert [(t.name, t.labels, t.cadence_days) for t in config.tiers] == [
        ("VIP", ("重要",), 14), ("A", ("高",), 30), ("B", ("中",), 60), ("C", ("低",), 90)]
    assert config.tiers.canonical("重要") == "VIP" and config.tiers.canonical(" vip ") == "VIP"
    assert config.tiers.canonical("ｖｉｐ") == "VIP" and config.tiers.canonical("") == ""
    with pytest.raises(ValidationError, match=r"unknown tier 'D': use VIP \(重要\), A \(高\)"):
        config.tiers.canonical("D")
    assert config.template("visit").event == "拜访记录"
    assert config.template("Client visit").key == "visit-en"  # by its event too
    assert config.template_for_event("拜访").key == "visit"  # an alias
    assert config.templates["complaint"].complaint


def test_rendered_file_reads_back_exactly() -> None:
    hostile = Template("x y", 'ev "q"', 'a"""\n\\b\r"\t\x01', ("别名",), True)
    for config in (Config(), Config(owner='李明 "Li" \\'),
                   Config(tiers=TierTable([]), templates={}),
                   Config(tiers=TierTable([Tier("金", ("Gold", "g 1"), None)]),
                          templates={"x y": hostile})):
        assert parse_config_text(render_config(config), "t") == config


@pytest.mark.parametrize(("text", "message"), [
    ("owner = 3", "owner: expected text in quotes, got 3"),
    ("ownr = 'x'", "ownr: unknown key (known here: owner, language, tiers, templates)"),
    ("[[tiers]]\nname = 'VIP'\ncadence_days = 'two weeks'",
     "tiers[1].cadence_days: expected a whole number of days from 1 to 3660, got 'two weeks'"),
    ("[[tiers]]\nname = 'VIP'\ncadence_days = 0", "tiers[1].cadence_days: expected a whole number"),
    ("[[tiers]]\nname = 'VIP'\ncadence_days = true", "tiers[1].cadence_days: expected a whole"),
    ("[[tiers]]\nname = 'VIP'\ncadance_days = 3", "tiers[1].cadance_days: unknown key"),
    ("[[tiers]]\nlabels = ['x']", "tiers[1].name: missing"),
    ("[[tiers]]\nname = ''", "tiers[1].name: must not be empty"),
    ("[[tiers]]\nname = 'A'\n[[tiers]]\nname = 'B'\nlabels = ['a']",
     "tiers[2]: 'a' already names tier 'A'"),
    ("tiers = 'VIP'", "tiers: expected a list of [[tiers]] tables"),
    ("[[tiers]]\nname = 'A'\nlabels = 'x'", "tiers[1].labels: expected a list of texts"),
    ("[templates.v]\nsummary = 'x'", "templates.v.event: missing"),
    ("[templates.v]\nevent = 'e'\ncomplaint = 'yes'", "templates.v.complaint: expected true or false"),
    ("[templates.v]\nevent = 'e'\n[templates.w]\nevent = 'E'", "the event 'E' already picks template 'v'"),
    ("owner = ", "not valid TOML"),
])
def test_bad_values_are_named(private_config: Path, text: str, message: str) -> None:
    private_config.parent.mkdir()
    private_config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(f"{private_config}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_files_that_are_not_a_configuration(private_config: Path) -> None:
    private_config.parent.mkdir()
    private_config.write_bytes(b"owner = '\xff'")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config()
    private_config.unlink()
    os.mkfifo(private_config)  # would hang a naive read
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config()
    private_config.unlink()
    private_config.mkdir()
    with pytest.raises(ConfigError, match="is a folder"):
        load_config()


def test_a_bad_file_fails_only_commands_that_need_it(cli, private_config: Path) -> None:
    assert cli("add", "Visit", "-c", "Li").code == 0  # no configuration needed
    private_config.parent.mkdir()
    private_config.write_text("[[tiers]]\nname = 'VIP'\ncadence_days = 'x'\n", encoding="utf-8")
    for args in (("due",), ("tiers",), ("config", "check"), ("contact", "add", "Wu", "--tier", "A"),
                 ("add", "--template", "visit")):
        result = cli(*args)
        assert result.code == 1, args
        assert result.err.count("\n") == 1 and "tiers[1].cadence_days" in result.err, result.err
    assert cli("list").code == 0


def test_config_init_check_show_path(cli, private_config: Path) -> None:
    assert cli("config", "path").out.strip() == str(private_config)
    shown = cli("config")
    assert shown.code == 0 and "(no file yet" in shown.out and 'name = "VIP"' in shown.out
    assert "no file: the defaults apply" in cli("config", "check").out
    assert cli("config", "init", "--owner", "李明").code == 0
    assert stat.S_IMODE(private_config.stat().st_mode) == 0o600
    assert stat.S_IMODE(private_config.parent.stat().st_mode) == 0o700
    assert load_config().owner == "李明"
    assert "valid (4 tiers, 8 templates)" in cli("config", "check").out
    again = cli("config", "init")
    assert again.code == 1 and "exists already" in again.err
    assert cli("config", "init", "--force").code == 0 and load_config().owner == ""
    other = private_config.parent / "other.toml"
    other.write_text('owner = "王强"\n', encoding="utf-8")
    assert cli("--config", str(other), "config", "check").code == 0
    assert "王强" in cli("--config", str(other), "config").out


def test_tiers_show_and_edit(cli, jfile: Path, private_config: Path) -> None:
    journal = Journal(jfile)
    journal.add_document("contact", "张伟", {"tier": "重要"})  # stored by its name
    journal.add_document("organisation", "ACME", {"tier": "a"})
    assert load_file(jfile)["contacts"].popitem()[1]["tier"] == "VIP"
    shown = cli("tiers").out.splitlines()
    assert shown[0].split() == ["1.", "VIP", "every", "14", "days", "1", "contact,", "0",
                                "organisations", "(重要)"]
    assert cli("tiers", "set", "A", "--cadence", "21", "--labels", "高, 重点").code == 0
    assert cli("tiers", "add", "D", "--cadence", "180", "--after", "C").code == 0
    assert cli("tiers", "add", "S", "--before", "VIP", "--labels", "战略").code == 0
    config = load_config()
    assert [(t.name, t.labels, t.cadence_days) for t in config.tiers] == [
        ("S", ("战略",), None), ("VIP", ("重要",), 14), ("A", ("高", "重点"), 21), ("B", ("中",), 60),
        ("C", ("低",), 90), ("D", (), 180)]
    assert private_config.read_text(encoding="utf-8").startswith("# journal configuration")
    renamed = cli("tiers", "set", "VIP", "--name", "Key")
    assert renamed.code == 0 and "1 contact or organisation now carry" in renamed.out
    assert [d["tier"] for d in load_file(jfile)["contacts"].values()] == ["Key"]
    refused = cli("tiers", "remove", "A")
    assert refused.code == 1 and "carried by 0 contacts and 1 organisation" in refused.err
    assert cli("tiers", "remove", "A", "--force").code == 0
    assert cli("tiers", "order", "Key", "S", "B", "C", "D").code == 0
    assert [t.name for t in load_file_config()] == ["Key", "S", "B", "C", "D"]
    for args, message in ((("tiers", "order", "Key"), "name every tier once"),
                          (("tiers", "add", "key"), "exists already"),
                          (("tiers", "set", "nope", "--cadence", "3"), "no tier 'nope'"),
                          (("tiers", "set", "B", "--name", "c"), "'c' names tier C"),
                          (("tiers", "set", "B", "--cadence", "0"), "from 1 to 3660"),
                          (("tiers", "set", "B"), "nothing to change")):
        before = private_config.read_bytes()
        result = cli(*args)
        assert result.code != 0 and result.err.count("\n") == 1, (args, result.err)
        assert message in result.err, (args, result.err)
        assert private_config.read_bytes() == before
    assert cli("tiers", "show", "--format", "json").code == 0


def load_file_config() -> TierTable:
    return load_config().tiers


def test_tiers_never_write_through_a_symlink(cli, private_config: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.toml"
    target.write_text("owner = 'x'\n", encoding="utf-8")
    private_config.parent.mkdir()
    private_config.symlink_to(target)
    result = cli("tiers", "add", "D")
    assert result.code == 1 and "not a regular file" in result.err
    assert target.read_text(encoding="utf-8") == "owner = 'x'\n"


def test_settings_live_beside_the_configuration(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "c" / "config.toml"))
    assert settings_path() == tmp_path / "c" / "settings.json"
    assert settings_path(tmp_path / "x" / "mine.toml") == tmp_path / "x" / "settings.json"
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "old" / "settings.json"))  # older set-ups
    assert settings_path() == tmp_path / "old" / "settings.json"
    assert config_path() == tmp_path / "old" / "config.toml"
    monkeypatch.delenv("JOURNAL_CONFIG")
    assert config_path().name == "config.toml" and settings_path().parent == config_path().parent


def test_tier_table_order_and_cadence() -> None:
    assert DEFAULT_TIERS.rank("A") == 1 and DEFAULT_TIERS.rank("低") == 3
    assert DEFAULT_TIERS.rank("Gold") == 4 == DEFAULT_TIERS.rank(None)
    assert DEFAULT_TIERS.cadence("中") == 60 and DEFAULT_TIERS.cadence("Gold") is None
