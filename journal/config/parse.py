"""Turning the parsed TOML document into a :class:`~journal.config.model.Config`, strictly.

Every value is checked and a bad one is refused with the key it sits under (``tiers[2].cadence_days:
expected a whole number of days from 1 to 3660, got "two weeks"``): a typo in a configuration must
not silently become "no cadence". Unknown keys are refused too, with the keys that exist, because a
misspelt key (``cadance_days``) would otherwise be ignored without a word. A section that is absent
takes its defaults; one that is present is taken as written (an empty ``templates`` means none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from journal.config.model import (
    MAX_CADENCE,
    MAX_TIER_NAME,
    Config,
    ConfigError,
    Template,
    Tier,
    TierTable,
)
from journal.i18n import _
from journal.text import fold

_TEMPLATE_KEYS = ("event", "aliases", "summary", "complaint")
_TIER_KEYS = ("name", "labels", "cadence_days")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 50 else text[:47] + "…"


def _text(value: Any, key: str, *, limit: int, one_line: bool = True, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise ConfigError(_("{key}: expected text in quotes, got {show}").format(key=key, show=_show(value)))
    if "\x00" in value:
        raise ConfigError(_("{key}: contains a NUL character").format(key=key))
    if one_line:
        value = " ".join(value.split())
    if not empty and not value.strip():
        raise ConfigError(_("{key}: must not be empty").format(key=key))
    if len(value) > limit:
        raise ConfigError(_("{key}: too long ({n_value} characters, at most {limit})").format(key=key, n_value=len(value), limit=limit))
    return value


def _texts(value: Any, key: str, *, limit: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ConfigError(_('{key}: expected a list of texts, e.g. ["重要"], got {show}').format(key=key, show=_show(value)))
    return tuple(_text(v, f"{key}[{i + 1}]", limit=limit, empty=False) for i, v in enumerate(value))


def _cadence(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_CADENCE:
        raise ConfigError(_("{key}: expected a whole number of days from 1 to {MAX_CADENCE}, "
                            "got {show}").format(key=key, MAX_CADENCE=MAX_CADENCE, show=_show(value)))
    return value


def _unknown(table: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in known:
            place = f"{where}." if where else ""
            raise ConfigError(_("{place}{key}: unknown key (known here: {join})").format(place=place, key=key, join=', '.join(known)))


def read_owner(value: Any) -> dict[str, Any]:
    return {"owner": _text(value, "owner", limit=200)}


def read_language(value: Any) -> dict[str, Any]:
    from journal.i18n.choose import describe_choices, normalize

    text = _text(value, "language", limit=40)
    if not text.strip() or text.strip().lower() == "auto":
        return {"language": ""}
    code = normalize(text)
    if code is None:
        raise ConfigError(_("language: unknown language {show}; use {describe_choices} or "
                            '"auto" (follow LANG)').format(show=_show(text), describe_choices=describe_choices()))
    return {"language": code}


def read_tiers(value: Any) -> dict[str, Any]:
    if not isinstance(value, list):
        raise ConfigError(_("tiers: expected a list of [[tiers]] tables"))
    tiers = []
    seen: dict[str, str] = {}
    for number, item in enumerate(value, start=1):
        where = f"tiers[{number}]"
        if not isinstance(item, dict):
            raise ConfigError(_("{where}: expected a table with name, labels, cadence_days").format(where=where))
        _unknown(item, _TIER_KEYS, where)
        if "name" not in item:
            raise ConfigError(_('{where}.name: missing (every tier needs a name, e.g. "VIP")').format(where=where))
        name = _text(item["name"], f"{where}.name", limit=MAX_TIER_NAME, empty=False)
        labels = _texts(item.get("labels", []), f"{where}.labels", limit=MAX_TIER_NAME)
        cadence = (_cadence(item["cadence_days"], f"{where}.cadence_days")
                   if "cadence_days" in item else None)
        for text in (name, *labels):
            other = seen.get(fold(text))
            if other is not None:
                raise ConfigError(_("{where}: {text!r} already names tier {other!r}; each "
                                    "name and label must be unique").format(where=where, text=text, other=other))
            seen[fold(text)] = name
        tiers.append(Tier(name, labels, cadence))
    return {"tiers": TierTable(tiers)}


def read_templates(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(_("templates: expected [templates.NAME] tables"))
    templates: dict[str, Template] = {}
    events: dict[str, str] = {}
    for key, item in value.items():
        where = f"templates.{key}"
        if not key.strip() or not key.isprintable() or len(key) > 40:
            raise ConfigError(_("templates: {show} is not a usable template name").format(show=_show(key)))
        if not isinstance(item, dict):
            raise ConfigError(_("{where}: expected a table with event, summary, aliases, "
                                "complaint").format(where=where))
        _unknown(item, _TEMPLATE_KEYS, where)
        if "event" not in item:
            raise ConfigError(_('{where}.event: missing (the event it writes, e.g. "拜访记录")').format(where=where))
        event = _text(item["event"], f"{where}.event", limit=500, empty=False)
        aliases = _texts(item.get("aliases", []), f"{where}.aliases", limit=500)
        summary = _text(item.get("summary", ""), f"{where}.summary", limit=20_000, one_line=False)
        complaint = item.get("complaint", False)
        if not isinstance(complaint, bool):
            raise ConfigError(_("{where}.complaint: expected true or false, got {show}").format(where=where, show=_show(complaint)))
        for text in (event, *aliases):
            other = events.get(fold(text))
            if other is not None and other != key:
                raise ConfigError(_("{where}: the event {text!r} already picks template "
                                    "{other!r}").format(where=where, text=text, other=other))
            events[fold(text)] = key
        templates[key] = Template(key, event, summary, aliases, complaint)
    return {"templates": templates}


#: Top-level key -> reader returning the Config fields it sets. Other features add theirs here.
READERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "owner": read_owner,
    "language": read_language,
    "tiers": read_tiers,
    "templates": read_templates,
}


def config_from_toml(data: Mapping[str, Any]) -> Config:
    """The configuration a parsed TOML document describes; raises :class:`ConfigError` (without
    the file name: the caller adds it)."""
    _unknown(data, tuple(READERS), "")
    values: dict[str, Any] = {}
    for key, reader in READERS.items():
        if key in data:
            values.update(reader(data[key]))
    return Config(**values)
