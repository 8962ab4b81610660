"""Per-machine preferences of the app (not of the journal): a small JSON file in the config dir.

Why not in the journal file: the journal is synced between machines, but whether *this* laptop pulls
when the app opens or pushes when it quits is a property of the machine (its network, its user's
habits). So the settings live in ``settings.json`` in the platform's user config directory
(``~/.config/journal/`` on Linux), beside the configuration file ``config.toml`` (``--config`` or
``$JOURNAL_CONFIG`` move both; see :mod:`journal.config`).

The file is optional and never worth a crash: a missing, unreadable or damaged file gives the
defaults, unknown keys are kept when saving (a newer version's settings survive an older app), and a
write is atomic so a crash cannot leave half a file. Headless: the TUI uses it, nothing here imports
textual.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from journal.errors import JournalError
from journal.i18n import _

ENV_CONFIG = "JOURNAL_CONFIG"
FILE_NAME = "settings.json"


def settings_path(config: Path | None = None) -> Path:
    """``settings.json`` beside the configuration file (``config``, from ``--config``, else
    ``$JOURNAL_CONFIG``, else the user config dir: see :mod:`journal.config.files`). A ``.json``
    value of ``$JOURNAL_CONFIG`` is the settings file itself, as older set-ups had it."""
    override = os.environ.get(ENV_CONFIG)
    if config is None and override and Path(override).suffix.lower() == ".json":
        return Path(override).expanduser()
    from journal.config.files import config_path

    return config_path(config).with_name(FILE_NAME)


ENV_REPORTS = "JOURNAL_REPORTS"


def reports_folder(settings: Settings | None = None) -> Path:
    """Where the app saves week summaries: ``$JOURNAL_REPORTS``, else the folder last chosen
    (``reports_dir``), else ``journal`` in the user's documents folder (``~/Documents/journal``
    on Linux and macOS). Never the current directory: the app may have been started anywhere."""
    override = os.environ.get(ENV_REPORTS)
    if override:
        return Path(override).expanduser()
    if settings is not None and settings.reports_dir:
        return Path(settings.reports_dir).expanduser()
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / "journal"


@dataclass
class Settings:
    """What the app may do on its own with git (both off by default: syncing talks to a server,
    which a user should opt into)."""

    #: Run a sync (commit, fetch, merge, push) in the background when the app opens.
    pull_on_open: bool = False
    #: Run a sync before the app quits (the app waits for it; pressing q again quits at once).
    sync_on_quit: bool = False
    #: Where the app offers to save summaries ("": the default, see :func:`reports_folder`);
    #: the folder of the last one saved elsewhere.
    reports_dir: str = ""
    #: Keys this version does not know, kept as they were.
    extra: dict[str, Any] = field(default_factory=dict, repr=False)


_KNOWN = tuple(f.name for f in fields(Settings) if f.name != "extra")


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default :func:`settings_path`); the defaults for whatever is
    missing, unreadable or of the wrong type."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    settings = Settings(extra={k: v for k, v in data.items() if k not in _KNOWN})
    for name in _KNOWN:
        value = data.get(name)
        if isinstance(value, type(getattr(settings, name))):
            setattr(settings, name, value)
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` atomically through the storage layer's private writer (temp file +
    rename, mode 0600); returns the path.

    Raises :class:`JournalError` with the path and the reason when it cannot be written."""
    path = path or settings_path()
    data = {**settings.extra, **{name: getattr(settings, name) for name in _KNOWN}}
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    from journal.storage import write_private

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(path, text.encode("utf-8"))
    except OSError as exc:
        raise JournalError(_("cannot save settings to {path}: {value}").format(path=path, value=exc.strerror or exc)) from None
    return path
