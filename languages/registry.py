"""The language registry: `configs/languages.yaml` and `configs/cities.yaml`, validated."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from string import Formatter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .configfile import ConfigError, load_config

PHRASE_KEYS: dict[str, frozenset[str]] = {
    "greeting": frozenset(),
    "welcome_back": frozenset(),
    "thinking": frozenset(),
    "searching": frozenset(),
    "one_moment": frozenset(),
    "no_flights": frozenset({"origin", "destination", "date"}),
    "fallback_apology": frozenset(),
    "interruptions_on": frozenset(),
    "interruptions_off": frozenset(),
    "did_not_understand": frozenset(),
    "results_intro": frozenset({"origin", "destination", "date"}),
    "results_intro_airline": frozenset({"airline", "origin", "destination", "date"}),
    "speech_flight": frozenset({"airline", "flight_number", "departure", "arrival", "stops", "price"}),
    "more_in_chat": frozenset(),
    "nonstop": frozenset(),
    "one_stop": frozenset(),
    "stops": frozenset({"count"}),
    "ask_origin": frozenset(),
    "ask_destination": frozenset(),
    "ask_date": frozenset(),
    "same_city": frozenset(),
    "empty_input": frozenset(),
    "input_truncated": frozenset({"limit"}),
    "slow_down": frozenset(),
    "voice_full": frozenset(),
    "error": frozenset(),
}


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a format string."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SttSpec(Strict):
    model: str
    language: str
    smart_format: bool = True
    regions: dict[str, str] = Field(default_factory=dict)
    scripts: dict[str, str] = Field(default_factory=dict)


class TtsSpec(Strict):
    cartesia: bool
    espeak_voice: str | None = None
    voice_id: str | None = None


class MatchingSpec(Strict):
    inflected: bool = False
    attached_prefixes: list[str] = Field(default_factory=list)


class MarkerSpec(Strict):
    words: list[str] = Field(default_factory=list)
    suffixes: list[str] = Field(default_factory=list)


class Markers(Strict):
    # "before": prepositions ("from Madrid"); "after": postpositions ("マドリードから", "मैड्रिड से").
    position: Literal["before", "after"] = "before"
    from_: MarkerSpec = Field(alias="from")
    to: MarkerSpec


class DateWords(Strict):
    today: list[str]
    tomorrow: list[str]
    day_after_tomorrow: list[str]
    next: list[str] = Field(default_factory=list)


class SpokenTime(Strict):
    clock: Literal[12, 24]
    pattern: str
    pattern_exact: str
    minute_pad: str | None = None
    periods: list[str] | None = None
    hours: dict[int, str] = Field(default_factory=dict)
    hour_prefix: str = ""

    @model_validator(mode="after")
    def _periods_for_12h(self) -> "SpokenTime":
        if self.clock == 12 and (not self.periods or len(self.periods) != 2):
            raise ValueError("a 12-hour clock needs two periods (before noon, after noon)")
        return self


class SpokenDate(Strict):
    pattern: str
    day: Literal["cardinal", "ordinal"] = "cardinal"


class LanguageSpec(Strict):
    code: str
    name: str
    native_name: str
    script: str
    locale: str
    stt: SttSpec
    tts: TtsSpec
    num2words: str | None
    matching: MatchingSpec = MatchingSpec()
    markers: Markers
    date_words: DateWords
    weekdays: list[str] = Field(min_length=7, max_length=7)
    spoken_time: SpokenTime
    spoken_date: SpokenDate
    city_names: dict[str, list[str]]
    phrases: dict[str, str]
    qa_utterances: list[str] = Field(min_length=3)

    @field_validator("phrases")
    @classmethod
    def _all_phrases(cls, phrases: dict[str, str]) -> dict[str, str]:
        for key, needed in PHRASE_KEYS.items():
            if key not in phrases or not phrases[key].strip():
                raise ValueError(f"missing phrase '{key}'")
            found = placeholders(phrases[key])
            if found != needed:
                raise ValueError(f"phrase '{key}' has placeholders {sorted(found)}, expected {sorted(needed)}")
        return phrases


class Defaults(Strict):
    cartesia_model: str
    cartesia_voice_id: str
    stt: dict[str, bool | int]
    fallback_stt: dict[str, str]


class LanguagesFile(Strict):
    defaults: Defaults
    languages: list[LanguageSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> "LanguagesFile":
        seen: set[str] = set()
        for spec in self.languages:
            if spec.code.lower() in seen:
                raise ValueError(f"language code '{spec.code}' appears twice")
            seen.add(spec.code.lower())
        return self


class City(Strict):
    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: str
    airports: list[str] = Field(min_length=1)


class CitiesFile(Strict):
    cities: list[City]


@dataclass(frozen=True)
class TtsRoute:
    """Where a language's voice comes from: Cartesia (`provider="cartesia"`) or offline espeak-ng."""

    provider: Literal["cartesia", "espeak", "none"]
    model: str | None
    language: str
    voice: str | None
    offline_voice: str | None
    reason: str


@dataclass(frozen=True)
class Language:
    """One supported language, as the rest of the app sees it."""

    code: str
    name: str
    native_name: str
    script: str
    locale: str
    stt: dict
    tts: TtsRoute
    phrases: dict[str, str]
    qa_utterances: list[str]
    spec: LanguageSpec = field(repr=False, compare=False)


@lru_cache(maxsize=1)
def languages_file() -> LanguagesFile:
    """The validated `configs/languages.yaml` (cached; tests may `cache_clear()` it)."""
    data = load_config("languages.yaml", LanguagesFile)
    cities = {city.code for city in cities_file().cities}
    for index, spec in enumerate(data.languages):
        missing = sorted(cities - set(spec.city_names))
        if missing:
            raise ConfigError("configs/languages.yaml", f"languages[{index}].city_names",
                              f"{spec.code} has no name for {', '.join(missing[:5])}")
    return data


@lru_cache(maxsize=1)
def cities_file() -> CitiesFile:
    """The validated `configs/cities.yaml`."""
    return load_config("cities.yaml", CitiesFile)


def clear_caches() -> None:
    """Forget loaded files (used by tests that point `POLYGLOT_CONFIG_DIR` elsewhere)."""
    from . import places, routing  # local import: both depend on this module

    languages_file.cache_clear()
    cities_file.cache_clear()
    routing.clear_caches()
    places._matcher.cache_clear()
    places._airport_to_city.cache_clear()
