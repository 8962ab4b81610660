"""Which interface language to use: ``--lang``, else the configuration's ``language``, else the
environment, as gettext reads it.

The environment: the locale comes from ``LC_ALL``, else ``LC_MESSAGES``, else ``LANG``; a ``C`` or
``POSIX`` locale means English whatever else is set (as in GNU gettext). Otherwise ``LANGUAGE``, a
list of preferences (``zh_CN:en``), is tried first, then the locale. Simplified Chinese is what
``zh_CN``, ``zh_SG``, ``zh_Hans`` (any region or encoding after it) and a bare ``zh`` name;
Traditional Chinese (``zh_TW``, ``zh_HK``, ``zh_Hant``) and everything else fall back to English,
the language the program is written in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from journal.i18n import LANGUAGES

#: What users may write for each language (``--lang``, ``language =`` in the configuration);
#: compared case-insensitively with ``-`` and ``_`` alike.
_NAMES = {
    "en": "en", "english": "en", "en_us": "en", "en_gb": "en",
    "zh": "zh", "zh_cn": "zh", "zh_sg": "zh", "zh_hans": "zh", "zh_hans_cn": "zh",
    "cn": "zh", "chinese": "zh", "中文": "zh", "简体中文": "zh", "汉语": "zh",
}
#: A locale name of Simplified Chinese: ``zh``, ``zh_CN``, ``zh_SG``, ``zh_Hans`` (+ ``.UTF-8``,
#: ``@modifier``, a region after the script).
_SIMPLIFIED_RE = re.compile(r"^zh(?:[_-](?:cn|sg|hans(?:[_-][a-z]+)?))?(?:[.@].*)?$", re.I)
_ENGLISH_RE = re.compile(r"^en(?:[_-][a-z]+)?(?:[.@].*)?$", re.I)


def normalize(text: str) -> str | None:
    """The language code ``text`` names (``zh-CN``, ``Chinese``, ``中文`` → ``zh``), or None."""
    key = text.strip().lower().replace("-", "_")
    return _NAMES.get(key)


def describe_choices() -> str:
    """``en (English), zh (简体中文)`` for messages and help."""
    return ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())


def _locale_language(name: str) -> str | None:
    if _SIMPLIFIED_RE.match(name):
        return "zh"
    if _ENGLISH_RE.match(name):
        return "en"
    return None


def from_environment(env: Mapping[str, str]) -> str:
    """The language the environment asks for (English when it names none we have)."""
    locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    base = locale.split(".")[0].split("@")[0]
    if not locale or base in ("C", "POSIX"):
        # GNU gettext ignores LANGUAGE under the C locale; an unset locale is the C locale.
        return "en"
    for wanted in env.get("LANGUAGE", "").split(":"):
        if wanted and (found := _locale_language(wanted)):
            return found
    return _locale_language(locale) or "en"


def lang_option(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in a command line, wherever it stands (before or after the command,
    ``--lang zh`` or ``--lang=zh``; the last one wins, as argparse takes it), without parsing the
    rest: the language must be known before the help texts are made."""
    found = None
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def choose(option: str | None, configured: str | None, env: Mapping[str, str]) -> str:
    """The language to use: a valid ``--lang`` value, else the configured one (``auto`` or none:
    ask the environment), else the environment."""
    for value in (option, configured):
        if value and value.strip().lower() != "auto" and (code := normalize(value)):
            return code
    return from_environment(env)
