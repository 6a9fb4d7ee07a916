"""City names in every language: finding them in a sentence and naming them back."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .registry import LanguageSpec, cities_file
from .routing import get_language
from .scripts import UNSPACED_SCRIPTS

_STRIP_MARKS_SCRIPTS = frozenset({"Latin", "Cyrillic", "Greek"})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


def fold(text: str, script: str) -> str:
    """Casefold; for Latin, Cyrillic and Greek also drop accents (typed input often lacks them)."""
    text = unicodedata.normalize("NFC", text.translate(_APOSTROPHES)).casefold()
    if script in _STRIP_MARKS_SCRIPTS:
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return text


@dataclass(frozen=True)
class CityMention:
    """A city found in folded text: its code, where it is, and any glued prefix or case ending."""

    city: str
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern
    by_name: dict[str, str]
    script: str


@lru_cache(maxsize=128)
def _matcher(code: str) -> _Matcher:
    language = get_language(code) or get_language("en")
    spec: LanguageSpec = language.spec
    by_name: dict[str, str] = {}
    for city in cities_file().cities:
        for name in [*spec.city_names.get(city.code, []), city.name]:
            by_name.setdefault(fold(name, spec.script), city.code)
    names = sorted(by_name, key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    prefixes = "|".join(re.escape(fold(p, spec.script)) for p in spec.matching.attached_prefixes)
    if spec.script in UNSPACED_SCRIPTS:
        body = f"(?P<prefix>)(?P<name>{alternation})(?P<suffix>)"
    else:
        prefix = f"(?P<prefix>{prefixes})?" if prefixes else "(?P<prefix>)"
        suffix = r"(?P<suffix>'?\w{0,6})" if spec.matching.inflected else "(?P<suffix>)"
        body = rf"(?<!\w){prefix}(?P<name>{alternation}){suffix}(?!\w)"
    return _Matcher(re.compile(body), by_name, spec.script)


def find_cities(text: str, code: str) -> list[CityMention]:
    """Cities named in `text` (any spelling listed for language `code`, or English), in order."""
    matcher = _matcher(code)
    folded = fold(text, matcher.script)
    mentions = []
    for match in matcher.pattern.finditer(folded):
        mentions.append(CityMention(matcher.by_name[match["name"]], match.start(), match.end(),
                                    match["prefix"] or "", match["suffix"] or ""))
    return mentions


@lru_cache(maxsize=1)
def _airport_to_city() -> dict[str, str]:
    mapping = {}
    for city in cities_file().cities:
        mapping[city.code] = city.code
        for airport in city.airports:
            mapping.setdefault(airport, city.code)
    return mapping


def city_code_for(code: str) -> str | None:
    """The gazetteer city for a city or airport code (LHR -> LON), or None if not listed."""
    return _airport_to_city().get(code.upper())


def city_airports(code: str) -> list[str]:
    """Airports of a gazetteer city code; a plain airport code returns itself."""
    for city in cities_file().cities:
        if city.code == code.upper():
            return list(city.airports)
    return [code.upper()]


def city_name(code: str, language_code: str) -> str | None:
    """The name of the city of a city or airport code in a language ("LHR", "es" -> "Londres")."""
    city = city_code_for(code)
    if city is None:
        return None
    language = get_language(language_code)
    names = language.spec.city_names.get(city) if language else None
    if names:
        return names[0]
    return next(c.name for c in cities_file().cities if c.code == city)


def clear_caches() -> None:
    """Forget the matchers built from `cities.yaml` (after the registry's files change)."""
    _matcher.cache_clear()
    _airport_to_city.cache_clear()
