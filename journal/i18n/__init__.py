"""The translation layer: every word the program shows a person goes through :func:`_`.

English is the source language: the texts in the code are the English interface, and a catalog
(``zh_CN.po`` beside this module, read by :mod:`journal.i18n.po`) gives the Simplified Chinese one.
The language is one process-wide choice made at start (``--lang``, the configuration's ``language``,
then the environment: see :mod:`journal.i18n.choose`) and is never written into the journal: the
data stays language-neutral, only what is shown changes.

Use:

- ``_("Saved {name}").format(name=...)`` for a text shown now. Placeholders are named ``{…}``
  fields filled *after* translation (an f-string would be translated too late: its words are
  already mixed with the data);
- ``ngettext("{n} entry", "{n} entries", n).format(n=n)`` where English needs a plural;
- ``N_("Quit")`` marks a text defined before the language is known (a class attribute, a module
  table); whoever shows it calls ``_(text)`` then;
- ``pgettext("navigation", "Month")`` where one English word means two things (its context tells
  the translator which); ``NC_`` marks such a text for later, as ``N_`` does.

``python -m journal.i18n`` brings the catalog in step with the code (new texts added untranslated,
texts no longer used dropped); tests/test_i18n.py fails on a text shown without the layer, on an
untranslated or stale catalog entry and on placeholders that differ between the two languages.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["LANGUAGES", "NC_", "N_", "_", "chinese", "language", "ngettext", "pgettext",
           "set_language"]

#: The interface languages: code -> the language's own name.
LANGUAGES = {"en": "English", "zh": "简体中文"}
#: The catalog of each language other than the source one.
CATALOGS = {"zh": Path(__file__).with_name("zh_CN.po")}

_language = "en"
_table: dict[str | tuple[str, str], str | list[str]] = {}


def set_language(code: str) -> None:
    """Show everything from now on in ``code`` (a key of :data:`LANGUAGES`)."""
    global _language, _table
    if code not in LANGUAGES:
        raise ValueError(f"unknown interface language {code!r}")
    if code == _language:
        return
    _table = _load(code) if code in CATALOGS else {}
    _language = code


def _load(code: str) -> dict[str | tuple[str, str], str | list[str]]:
    from journal.i18n.po import load_translations

    return load_translations(CATALOGS[code].read_text(encoding="utf-8"))


def language() -> str:
    """The interface language's code (``en``, ``zh``)."""
    return _language


def chinese() -> bool:
    """Whether the interface is Chinese (names then sort by pinyin, dates read 12月5日)."""
    return _language == "zh"


def _(message: str) -> str:
    """``message`` in the interface language (itself when the catalog lacks it)."""
    if not _table:
        return message
    found = _table.get(message)
    return found if isinstance(found, str) else message


def N_(message: str) -> str:  # noqa: N802 - gettext's own name, known to every extractor
    """Marks ``message`` for the catalog without translating it (it is shown later through
    :func:`_`, once the language is known)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` that goes with ``n``, in the interface language.
    Chinese has one form; English two."""
    if _table:
        found = _table.get((singular, plural))
        if isinstance(found, list) and found:
            return found[0]
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    """``message`` in the interface language, as meant in ``context``."""
    if not _table:
        return message
    found = _table.get(f"{context}\x04{message}")
    return found if isinstance(found, str) else message


def NC_(context: str, message: str) -> str:  # noqa: N802 - gettext's naming
    """Marks ``message`` (in ``context``) for the catalog without translating it."""
    return message
