"""Languages: the registry, code normalisation, STT/TTS routing, phrases and spoken formatting."""
from .configfile import ConfigError, config_dir, load_config
from .dates import find_date
from .phrases import phrase
from .places import CityMention, city_airports, city_code_for, city_name, find_cities, fold
from .registry import Language, TtsRoute, clear_caches
from .routing import (Resolution, all_languages, filler_words, get_language, normalize_code, offline_stt_language,
                      stt_route, tts_route)
from .scripts import dominant_script, is_in_script

__all__ = [
    "ConfigError", "config_dir", "load_config", "find_date", "phrase", "CityMention",
    "city_airports", "city_code_for", "city_name", "find_cities", "fold", "Language", "TtsRoute",
    "clear_caches", "Resolution", "all_languages", "get_language", "normalize_code", "stt_route",
    "tts_route", "dominant_script", "is_in_script", "filler_words", "offline_stt_language",
]
