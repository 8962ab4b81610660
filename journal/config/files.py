"""Where the configuration file lives, reading it (``tomllib``) and writing it.

The file is ``config.toml`` in the user config directory (``~/.config/journal/`` on Linux), beside
the app's per-machine ``settings.json``; ``--config PATH`` or ``$JOURNAL_CONFIG`` point elsewhere.
Older set-ups pointed ``$JOURNAL_CONFIG`` at ``settings.json`` itself: such a value still works, and
the configuration is then ``config.toml`` in that folder.

No file means the defaults. A file that cannot be used (not a regular file, not UTF-8, not TOML, a
bad value) is an error naming the file and the key; nothing is ever written over it except by an
explicit edit (``journal tiers …``, ``journal config init``), and such a write produces the whole
file from the configuration (comments included, the ones a user added are not kept — the file says
so at its top), atomically and privately (mode 0600).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from journal.config.model import Config, ConfigError, Template, TierTable
from journal.i18n import _

ENV_CONFIG = "JOURNAL_CONFIG"
FILE_NAME = "config.toml"
SETTINGS_NAME = "settings.json"
#: A configuration is a few kilobytes; anything far bigger is not one (and must not eat memory).
MAX_BYTES = 1_000_000


def config_path(explicit: Path | str | None = None) -> Path:
    """``explicit`` (``--config``), else ``$JOURNAL_CONFIG``, else ``config.toml`` in the user
    config dir. A ``.json`` value of ``$JOURNAL_CONFIG`` names the settings file of older set-ups:
    the configuration is then beside it."""
    if explicit:
        return Path(explicit).expanduser()
    override = os.environ.get(ENV_CONFIG)
    if override:
        path = Path(override).expanduser()
        return path.with_name(FILE_NAME) if path.suffix.lower() == ".json" else path
    from platformdirs import user_config_dir

    return Path(user_config_dir("journal", appauthor=False)) / FILE_NAME


def settings_beside(config: Path) -> Path:
    """The per-machine settings file that goes with the configuration file ``config``."""
    return config.with_name(SETTINGS_NAME)


def read_config_text(path: Path) -> str | None:
    """The file's text, or None when there is no file. Only a regular file is read (a FIFO would
    hang, a device never end), without following a FIFO planted in its place."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(_("{path}: is a folder, not a configuration file").format(path=path)) from None
    except OSError as exc:
        raise ConfigError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    except ValueError:  # a NUL in the path
        raise ConfigError(_("{path!r}: not a file name").format(path=str(path)[:60])) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(_("{path}: is a folder, not a configuration file").format(path=path))
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(_("{path}: not a regular file").format(path=path))
        if info.st_size > MAX_BYTES:
            raise ConfigError(_("{path}: too big for a configuration ({st_size} bytes)").format(path=path, st_size=info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(_("{path}: cannot read ({value})").format(path=path, value=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(_("{path}: not UTF-8 text (byte {start}); save it as UTF-8").format(path=path, start=exc.start)) from None


def parse_config_text(text: str, origin: str) -> Config:
    """The configuration in TOML ``text``; errors name ``origin`` (the file)."""
    import tomllib

    from journal.config.parse import config_from_toml

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("{origin}: not valid TOML ({exc})").format(origin=origin, exc=exc)) from None
    try:
        return config_from_toml(data)
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def load_config(path: Path | None = None) -> Config:
    """The configuration at ``path`` (default :func:`config_path`); the defaults without a file."""
    path = path or config_path()
    text = read_config_text(path)
    return Config() if text is None else parse_config_text(text, str(path))


# -- writing ----------------------------------------------------------------------------------------
def _basic(text: str) -> str:
    """A TOML basic string (one line): quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _multiline(text: str) -> str:
    """A TOML multi-line basic string: what the user reads and edits for a template's summary."""
    if "\n" not in text:
        return _basic(text)
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\r":
            out.append("\\r")
        elif ch not in "\n\t" and (ord(ch) < 0x20 or ord(ch) == 0x7F):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"""\n' + "".join(out) + '"""'


def _key(name: str) -> str:
    """A table key: bare when TOML allows it, else quoted."""
    bare = name and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in name)
    return name if bare else _basic(name)


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(_basic(i) for i in items) + "]"


HEADER = """\
# journal configuration (TOML). Documented in the README, section "Configuration".
# `journal config check` validates it; `journal tiers …` rewrites this file from its values,
# so comments you add here are not kept.
"""


def _render_owner(config: Config) -> list[str]:
    return ["# Your name: the default owner of every client, and who hands a client over.",
            f"owner = {_basic(config.owner)}", ""]


def _render_language(config: Config) -> list[str]:
    return ["# The interface language: \"en\" (English), \"zh\" (简体中文), or \"auto\" to follow",
            "# LANG / LC_ALL / LANGUAGE. `journal --lang zh` overrides it for one run. Only what",
            "# is shown changes; the journal file is the same in every language.",
            f"language = {_basic(config.language or 'auto')}", ""]


def _render_tiers(tiers: TierTable) -> list[str]:
    lines = ["# Client tiers, most valuable first. A contact or organisation is stored with the",
             "# tier's name; the labels are other names you may type for it. cadence_days: the",
             "# default number of days between contacts (a contact's own cadence overrides it).",
             "# A contact without a tier of its own has its organisation's."]
    if not tiers.tiers:
        lines.append("tiers = []")
    for tier in tiers:
        lines += ["", "[[tiers]]", f"name = {_basic(tier.name)}", f"labels = {_list(tier.labels)}"]
        if tier.cadence_days is not None:
            lines.append(f"cadence_days = {tier.cadence_days}")
    return [*lines, ""]


def _render_templates(templates: dict[str, Template]) -> list[str]:
    lines = ["# Templates per kind of entry: `journal add --template KEY`, or choose the event",
             "# (or an alias) in the app's editor and an empty summary is filled in.",
             "# complaint = true marks such entries as complaints."]
    if not templates:
        lines += ["[templates]"]  # an empty table: no templates (not the defaults)
    for key, template in templates.items():
        lines += ["", f"[templates.{_key(key)}]", f"event = {_basic(template.event)}"]
        if template.aliases:
            lines.append(f"aliases = {_list(template.aliases)}")
        if template.complaint:
            lines.append("complaint = true")
        lines.append(f"summary = {_multiline(template.summary)}")
    return [*lines, ""]


def render_config(config: Config) -> str:
    """The whole configuration as a documented TOML file (:func:`parse_config_text` reads back
    exactly ``config``). Top-level keys first, tables after: TOML requires that order."""
    lines = [HEADER, *_render_owner(config), *_render_language(config), *_render_tiers(config.tiers),
             *_render_templates(dict(config.templates))]
    return "\n".join(lines).rstrip("\n") + "\n"


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write ``config`` to ``path`` (default :func:`config_path`) atomically, mode 0600, in a
    private folder created if needed. The text is checked to read back as ``config`` first."""
    from journal.errors import JournalError
    from journal.storage import atomic_write

    path = path or config_path()
    text = render_config(config)
    if parse_config_text(text, str(path)) != config:  # pragma: no cover - a bug in render_config
        raise ConfigError(_("{path}: refusing to write a configuration that would not read "
                            "back").format(path=path))
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ConfigError(_("{path}: not a regular file; not writing over it").format(path=path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(_("{path}: cannot write ({value})").format(path=path, value=exc.strerror or exc)) from None
    except JournalError as exc:
        raise ConfigError(str(exc).replace("the file was left unchanged",
                                           "the configuration was left unchanged")) from None
    return path
