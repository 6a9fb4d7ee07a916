"""Start-up: every room loads and validates its own configuration files; this asks each of them once.

A room never imports another room's configuration code; `validate_all` is the one place that knows
them all. A broken file raises `languages.ConfigError`, whose message names the file and the field
(`app.py` prints it as one line and exits).
"""
from __future__ import annotations

import flight_search
import languages
from assistant import livekit, qa, settings

ROOMS = (settings, languages, flight_search, qa, livekit)   # asked in order: the first broken file is reported


def validate_all() -> None:
    """Load and check every configuration file, so a broken one stops the start (raises ConfigError)."""
    for room in ROOMS:
        room.validate_config()


def clear_caches() -> None:
    """Forget every loaded configuration (tests that point `POLYGLOT_CONFIG_DIR` elsewhere)."""
    for room in ROOMS:
        room.clear_caches()
