"""Per-machine preferences of the app (not of the journal): a small JSON file in the config dir.

Why not in the journal file: the journal is synced between machines, but whether *this* laptop pulls
when the app opens or pushes when it quits is a property of the machine (its network, its user's
habits). So the settings live in ``settings.json`` in the platform's user config directory
(``~/.config/journal/`` on Linux), or wherever ``$JOURNAL_CONFIG`` points (tests, portable set-ups).

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

ENV_CONFIG = "JOURNAL_CONFIG"
FILE_NAME = "settings.json"


def settings_path() -> Path:
    """``$JOURNAL_CONFIG`` if set, else ``settings.json`` in the user config dir."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("journal", appauthor=False)) / FILE_NAME


@dataclass
class Settings:
    """What the app may do on its own with git (both off by default: syncing talks to a server,
    which a user should opt into)."""

    #: Run a sync (commit, fetch, merge, push) in the background when the app opens.
    pull_on_open: bool = False
    #: Run a sync before the app quits (the app waits for it; pressing q again quits at once).
    sync_on_quit: bool = False
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
    from journal.storage_private import write_private

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(path, text.encode("utf-8"))
    except OSError as exc:
        raise JournalError(f"cannot save settings to {path}: {exc.strerror or exc}") from None
    return path
