"""Languages: the registry, code normalisation, STT/TTS routing, phrases and spoken formatting."""
from . import calendar_words, common_words, place_matching, places, registry, routing
from .configfile import ConfigError, config_dir, load_config
from .dates import find_date, find_date_range
from .phrases import phrase
from .folding import fold, fold_name
from .place_reading import PlaceReading, prepare_reading, read_places
from .places import PlaceMention, city_airports, city_code_for, city_name, find_places, place_label, same_place
from .registry import Language, TtsRoute
from .routing import (Resolution, all_languages, filler_words, get_language, normalize_code, offline_stt_language,
                      stt_route, tts_route)
from .scripts import dominant_script, is_in_script
from .trip_details import PartOfDay, SortOrder, TripDetails
from .trip_words import find_trip_details, split_return

__all__ = [
    "ConfigError", "prepare_reading", "config_dir", "load_config", "find_date", "find_date_range", "phrase", "PlaceReading", "read_places",
    "place_label", "same_place", "PlaceMention", "city_airports", "city_code_for", "city_name",
    "find_places", "fold", "fold_name", "Language", "TtsRoute", "clear_caches", "validate_config", "Resolution",
    "all_languages", "get_language", "normalize_code", "stt_route", "tts_route", "dominant_script", "is_in_script",
    "PartOfDay", "SortOrder", "TripDetails", "find_trip_details", "split_return", "filler_words", "offline_stt_language",
]


def validate_config() -> None:
    """Load and check `languages.yaml`, `cities.yaml`, `places.yaml` and `holidays.yaml` (raises
    ConfigError naming file and field)."""
    from .dates.holidays import _holidays
    from .gazetteer import places_file

    all_languages()
    places_file()
    _holidays()


def clear_caches() -> None:
    """Forget the loaded files and everything read from them (tests that point `POLYGLOT_CONFIG_DIR` elsewhere)."""
    registry.clear_caches()
    routing.clear_caches()
    places.clear_caches()
    place_matching.clear_caches()
    common_words.clear_caches()
    calendar_words.clear_caches()
    from .dates import holidays

    holidays._holidays.cache_clear()
    holidays._holiday_pattern.cache_clear()
