"""Language code normalisation and the STT / TTS routes of each language."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .registry import Language, LanguageSpec, TtsRoute, languages_file

MAX_CODE_CHARS = 64
# Deprecated or alternative primary subtags -> the registry's code.
_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "nb": "no", "nn": "no", "fil": "tl",
            "cmn": "zh", "yue": "zh", "per": "fa", "ger": "de", "fre": "fr", "spa": "es"}
_TAG = re.compile(r"^(?P<lang>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|\d{3}))?(?:-.*)?$")
_NAME_WITH_REGION = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<region>[^()]+)\)\s*$")
_REGION_WORDS = {"us": "US", "usa": "US", "united states": "US", "uk": "GB", "gb": "GB",
                 "united kingdom": "GB", "britain": "GB", "brazil": "BR", "brasil": "BR",
                 "portugal": "PT", "mexico": "MX", "méxico": "MX", "spain": "ES", "españa": "ES",
                 "latin america": "419", "latam": "419", "canada": "CA", "switzerland": "CH",
                 "belgium": "BE", "taiwan": "TW", "hong kong": "HK", "china": "CN",
                 "australia": "AU", "india": "IN", "traditional": "Hant", "simplified": "Hans"}


@dataclass(frozen=True)
class Resolution:
    """What a language code resolved to, and how (shown on the route card)."""

    input: str
    language: Language | None
    region: str | None = None
    script: str | None = None
    stt_language: str | None = None
    note: str = ""


@lru_cache(maxsize=1)
def _registry() -> dict[str, Language]:
    data = languages_file()
    return {spec.code.lower(): _build(spec) for spec in data.languages}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for spec in languages_file().languages:
        for name in (spec.name, spec.native_name):
            names[name.casefold()] = spec.code.lower()
    return names


def clear_caches() -> None:
    _registry.cache_clear()
    _names.cache_clear()
    normalize_code.cache_clear()


def all_languages() -> list[Language]:
    """Every language in the registry, in file order."""
    return list(_registry().values())


def get_language(code: str) -> Language | None:
    """The registry entry for any spelling of a language code, or None if unknown."""
    return normalize_code(code).language


def _tts_route(spec: LanguageSpec) -> TtsRoute:
    defaults = languages_file().defaults
    if spec.tts.cartesia:
        return TtsRoute("cartesia", defaults.cartesia_model, spec.code,
                        spec.tts.voice_id or defaults.cartesia_voice_id, spec.tts.espeak_voice,
                        f"Cartesia {defaults.cartesia_model} speaks {spec.name}")
    if spec.tts.espeak_voice:
        return TtsRoute("espeak", None, spec.code, None, spec.tts.espeak_voice,
                        f"Cartesia {defaults.cartesia_model} has no {spec.name} voice: "
                        f"offline espeak-ng voice '{spec.tts.espeak_voice}'")
    return TtsRoute("none", None, spec.code, None, None, f"no voice speaks {spec.name}: text only")


def _stt_options(model: str, language: str, smart_format: bool) -> dict:
    defaults = languages_file().defaults
    route = dict(defaults.stt)
    route.update(model=model, language=language)
    if smart_format:
        route["smart_format"] = True
    return route


def _build(spec: LanguageSpec) -> Language:
    return Language(code=spec.code, name=spec.name, native_name=spec.native_name,
                    script=spec.script, locale=spec.locale,
                    stt=_stt_options(spec.stt.model, spec.stt.language, spec.stt.smart_format),
                    tts=_tts_route(spec), phrases=dict(spec.phrases),
                    qa_utterances=list(spec.qa_utterances), spec=spec)


def _from_name(text: str) -> tuple[str | None, str | None]:
    """'English (US)' -> ('en', 'US'); 'spanish' -> ('es', None)."""
    names = _names()
    match = _NAME_WITH_REGION.match(text)
    if match:
        code = names.get(match["name"].strip().casefold())
        region_word = match["region"].strip().casefold()
        region = _REGION_WORDS.get(region_word, region_word.upper() if len(region_word) == 2 else None)
        return code, region
    return names.get(text.strip().casefold()), None


@lru_cache(maxsize=512)
def normalize_code(code: str) -> Resolution:
    """Resolve `en`, `EN`, `en_us`, `English (US)`, `es-MX`, `zh-Hant`, ... to a registry language."""
    raw = code if isinstance(code, str) else ""
    text = raw.strip()[:MAX_CODE_CHARS]
    shown = text if len(raw) <= MAX_CODE_CHARS else text + "…"
    if not text:
        return Resolution(shown, None, note="empty language code")
    registry = _registry()
    lang_code, region = _from_name(text)
    script = None
    if lang_code is None:
        match = _TAG.match(text.replace("_", "-").lower())
        if match is None:
            return Resolution(shown, None, note=f"'{shown}' is not a language code")
        lang_code = _ALIASES.get(match["lang"], match["lang"])
        script = match["script"].title() if match["script"] else None
        region = match["region"].upper() if match["region"] else None
    if region in ("Hans", "Hant"):
        script, region = region, None
    language = registry.get(lang_code)
    if language is None:
        return Resolution(shown, None, note=f"'{shown}' is not a supported language")
    stt = language.spec.stt
    stt_language = stt.language
    if script and script in stt.scripts:
        stt_language = stt.scripts[script]
    if region and region in stt.regions:
        stt_language = stt.regions[region]
    parts = [f"'{shown}' -> {language.name} ({language.code})"]
    if stt_language != stt.language:
        parts.append(f"speech-to-text variant {stt_language}")
    elif region or script:
        parts.append(f"no separate variant for {region or script}")
    return Resolution(shown, language, region, script, stt_language, "; ".join(parts))


def stt_route(code: str) -> dict:
    """Deepgram live options for a language code; unknown codes get the multilingual fallback.

    Besides Deepgram's own options the route carries `resolved` (the registry code or None)
    and `note` (how the input was read), for the UI's route card; adapters drop those two.
    """
    resolution = normalize_code(code)
    if resolution.language is None:
        fallback = languages_file().defaults.fallback_stt
        route = _stt_options(fallback["model"], fallback["language"], smart_format=False)
        route.update(resolved=None, note=resolution.note + ": multilingual fallback")
        return route
    spec = resolution.language.spec.stt
    route = _stt_options(spec.model, resolution.stt_language or spec.language, spec.smart_format)
    route.update(resolved=resolution.language.code, note=resolution.note)
    return route


def offline_stt_language(code: str) -> str | None:
    """The registry code when the offline recogniser takes voice input in this language, else None
    (configs/languages.yaml `offline_stt`: where the model is not good enough, visitors type)."""
    language = get_language(code)
    return language.code if language is not None and language.spec.offline_stt else None


def filler_words(code: str) -> list[str]:
    """The language's hesitation words (a transcript of only these is not answered)."""
    language = get_language(code)
    return list(language.spec.fillers) if language is not None else []


def tts_route(code: str) -> TtsRoute:
    """The voice for a language code: Cartesia sonic-3 where it speaks it, else offline espeak-ng."""
    language = get_language(code)
    if language is None:
        english = get_language("en")
        base = english.tts if english else TtsRoute("espeak", None, "en", None, "en", "")
        return TtsRoute(base.provider, base.model, base.language, base.voice, base.offline_voice,
                        f"unknown language '{str(code)[:MAX_CODE_CHARS]}': English voice")
    return language.tts
