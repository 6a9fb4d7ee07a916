"""Languages: the registry, code normalisation, STT/TTS routing, phrases and spoken formatting."""
from .configfile import ConfigError, config_dir, load_config
from .dates import find_date
from .phrases import phrase
from .place_reading import PlaceReading, read_places
from .folding import fold, fold_name
from .places import CityMention, PlaceMention, city_airports, city_code_for, city_name, find_cities, find_places, place_label
from .registry import Language, TtsRoute, clear_caches
from .routing import Resolution, all_languages, get_language, normalize_code, stt_route, tts_route
from .scripts import dominant_script, is_in_script

__all__ = [
    "ConfigError", "config_dir", "load_config", "find_date", "phrase", "PlaceReading", "read_places", "place_label", "CityMention",
    "city_airports", "city_code_for", "city_name", "find_cities", "find_places", "PlaceMention", "fold", "fold_name", "Language", "TtsRoute",
    "clear_caches", "Resolution", "all_languages", "get_language", "normalize_code", "stt_route",
    "tts_route", "dominant_script", "is_in_script",
]
