"""What every command starts from: Settings loaded from the environment, logging configured."""

from __future__ import annotations

from tds.config import Settings, load_settings
from tds.logging import configure_logging


def load_cli_settings() -> Settings:
    """Settings from the environment, with logging configured; every command starts here."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    return settings
