"""The user's configuration: one documented, validated TOML file (see :mod:`journal.config.files`).

Import from here: ``load_config``, ``config_path``, ``Config``, ``ConfigError``. Loading costs a
file read and a ``tomllib`` parse, so callers load it only when a command needs it.
"""

from journal.config.files import (
    config_path,
    load_config,
    render_config,
    save_config,
    settings_beside,
)
from journal.config.model import (
    DEFAULT_TEMPLATES,
    DEFAULT_TIERS,
    Config,
    ConfigError,
    Template,
    Tier,
    TierTable,
)

__all__ = ["DEFAULT_TEMPLATES", "DEFAULT_TIERS", "Config", "ConfigError", "Template", "Tier",
           "TierTable", "config_path", "load_config", "render_config", "save_config",
           "settings_beside"]
