"""Start-up: every room loads and validates its own configuration files; this asks each of them once.

A room never imports another room's configuration code; `validate_all` is the one place that knows
them all. A broken file raises `languages.ConfigError`, whose message names the file and the field
(`app.py` prints it as one line and exits).
"""
from __future__ import annotations

import logging
import threading

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


_warmed: set[str] = set()
_warm_lock = threading.Lock()


def warm_up(language: str) -> threading.Thread | None:
    """Load the world gazetteer and the language's word tables in the background, once per language
    (first start: the gazetteer is built from its data packages, ~5-15 s; later loads take under a
    second). Called when a page loads or picks a language, so neither the server's start nor the
    visitor's first turn waits for it."""
    with _warm_lock:
        if language in _warmed:
            return None
        _warmed.add(language)

    def run() -> None:
        try:
            languages.prepare_reading(language)
        except Exception:  # the first turn loads it again and reports what fails
            logging.getLogger(__name__).exception("warming up the gazetteer failed")

    thread = threading.Thread(target=run, name="polyglot-warm-up", daemon=True)
    thread.start()
    return thread
