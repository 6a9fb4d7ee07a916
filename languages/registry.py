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
    "did_not_catch": frozenset(),
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
    # Trip details said back (flight_search/formatting.py): labels joined into {filters}.
    "filter_nonstop": frozenset(),
    "filter_morning": frozenset(),
    "filter_afternoon": frozenset(),
    "filter_evening": frozenset(),
    "filter_night": frozenset(),
    "filter_depart_after": frozenset({"time"}),
    "filter_depart_before": frozenset({"time"}),
    "filter_arrive_by": frozenset({"time"}),
    "filter_one_way": frozenset(),
    "sort_cheapest": frozenset(),
    "sort_earliest": frozenset(),
    "filters_applied": frozenset({"filters"}),
    "no_flights_filtered": frozenset({"count", "origin", "destination", "date", "filters"}),
    "return_noted": frozenset({"date"}),
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
    capitalised_nouns: bool = False   # every noun is capitalised (German): a capital marks no place


class MarkerSpec(Strict):
    words: list[str] = Field(default_factory=list)
    suffixes: list[str] = Field(default_factory=list)


class Markers(Strict):
    # "before": prepositions ("from Madrid"); "after": postpositions ("マドリードから", "मैड्रिड से").
    position: Literal["before", "after"] = "before"
    from_: MarkerSpec = Field(alias="from")
    to: MarkerSpec
    # Articles that may stand between a from/to word and the name ("para o Porto", "to the Bronx").
    articles: list[str] = Field(default_factory=list)
    # Words for an airport that may stand between them too ("z lotniska Chopina", "से ... हवाई अड्डे से").
    airport_words: list[str] = Field(default_factory=list)


class DateWords(Strict):
    today: list[str]
    tomorrow: list[str]
    day_after_tomorrow: list[str]
    next: list[str] = Field(default_factory=list)
    # What CLDR and num2words lack (see languages/dates): "in" N days / N days "later".
    in_before: list[str] = Field(default_factory=list)
    in_after: list[str] = Field(default_factory=list)
    day_units: list[str] = Field(default_factory=list)
    week_units: list[str] = Field(default_factory=list)
    two_weeks: list[str] = Field(default_factory=list)       # one word: "fortnight", "שבועיים"
    numbers: dict[int, list[str]] = Field(default_factory=dict)  # beside num2words: "a" = 1
    weekend: list[str] = Field(default_factory=list)
    next_weekend: list[str] = Field(default_factory=list)
    next_week: list[str] = Field(default_factory=list)       # "X of next calendar week": 下周, 来週の
    next_week_after: list[str] = Field(default_factory=list)  # ... said after X: vi thứ Sáu "tuần sau"
    day_before: list[str] = Field(default_factory=list)      # a day of the month after: "el día" 20
    day_after: list[str] = Field(default_factory=list)       # ... before: 20 "числа", 20 "号"
    ordinal_suffixes: list[str] = Field(default_factory=list)  # 20"th", 20"e"
    ordinal_dot: bool = False                                # "28." alone is a day: "za Zagreb 28."
    range_to: list[str] = Field(default_factory=list)       # between two days of a range: "al", "bis"
    filler: list[str] = Field(default_factory=list)          # between day and month: "de", "of"
    weekday_aliases: dict[int, list[str]] = Field(default_factory=dict)  # 0 = Monday: 6: [星期天]
    not_dates: list[str] = Field(default_factory=list)       # "por la mañana" names no day
    numeric_order: Literal["dm", "md"] | None = None         # 15/12 vs 12/15 when CLDR's differs
    weekend_day: int = Field(default=5, ge=0, le=6)          # the weekend's first travel day
    # More CLDR locales whose month/weekday names people use: sr_Latn, Levantine ar_SY ("كانون الأول").
    locales: list[str] = Field(default_factory=list)
    ordinals: dict[int, list[str]] = Field(default_factory=dict)  # beside num2words/ICU: "первого"
    solar_hijri_months: list[str] = Field(default_factory=list)  # fa: فروردین .. اسفند (1..12)
    # Letters people type as another in date words: Bulgarian ъ as а ("петак", "сабота").
    typed_letters: dict[str, str] = Field(default_factory=dict)


class TripWords(Strict):
    """Words for trip details (languages/trip_words.py); time bounds are templates with {time}."""

    morning: list[str] = Field(min_length=1)
    afternoon: list[str] = Field(min_length=1)
    evening: list[str] = Field(min_length=1)
    night: list[str] = Field(min_length=1)
    depart_before: list[str] = Field(min_length=1)
    depart_after: list[str] = Field(min_length=1)
    arrive_by: list[str] = Field(min_length=1)
    am: list[str] = Field(default_factory=list)      # period words of a 12-hour time: "a.m.", "午前"
    pm: list[str] = Field(default_factory=list)
    hour_words: list[str] = Field(default_factory=list)  # "Uhr", "時", "o'clock"
    nonstop: list[str] = Field(min_length=1)
    one_way: list[str] = Field(min_length=1)
    cheapest: list[str] = Field(min_length=1)
    earliest: list[str] = Field(min_length=1)
    return_before: list[str] = Field(default_factory=list)  # the return date follows: "returning"
    return_after: list[str] = Field(default_factory=list)   # ... comes first: "12日に戻る"
    not_details: list[str] = Field(default_factory=list)    # greetings: "good morning" is no filter

    @model_validator(mode="after")
    def _templates(self) -> "TripWords":
        for name in ("depart_before", "depart_after", "arrive_by"):
            for template in getattr(self, name):
                if placeholders(template) != {"time"} or template.count("{time}") != 1:
                    raise ValueError(f"trip_details.{name} template {template!r} needs one {{time}}")
        if not (self.return_before or self.return_after):
            raise ValueError("trip_details needs return_before or return_after words")
        return self


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
    # Endings of the day's words rewritten after spelling, where the speller has only one form
    # ("другий" -> "друге": Ukrainian dates agree with the neuter число; Polish takes the genitive).
    day_endings: dict[str, str] = Field(default_factory=dict)
    # The days as words, where no speller has the form a date needs (Estonian ordinals: neither
    # num2words nor ICU has them).
    day_words: dict[int, str] = Field(default_factory=dict)


SpellOption = str | dict[str, str | bool]


class Spellout(Strict):
    """How numbers become words: num2words (keyword arguments per use) or CLDR's rule-based
    spellout through ICU (a rule set name per use, e.g. "%spellout-ordinal-neuter")."""

    engine: Literal["num2words", "icu"] = "num2words"
    cardinal: SpellOption = Field(default_factory=dict)
    day: SpellOption = Field(default_factory=dict)       # the day of the month in spoken dates
    price: SpellOption = Field(default_factory=dict)     # the amount of a spoken price
    count: SpellOption = Field(default_factory=dict)     # a count before a noun ("two stops")
    minute: SpellOption = Field(default_factory=dict)    # the minutes of a spoken time
    # Whole words rewritten per use after spelling, where the speller lacks a gender: Arabic minutes
    # agree with the feminine دقيقة ("خمسة" -> "خمس"), num2words has only the masculine.
    word_forms: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Words glued to the next one after spelling (Arabic writes the conjunction و joined: "وعشرون").
    join_after: list[str] = Field(default_factory=list)


class SpokenPrice(Strict):
    pattern: str = "{amount} {currency}"
    # The currency as people say it, where CLDR's display name is the long official one ("대한민국 원").
    words: dict[str, str] = Field(default_factory=dict)


class WrittenDate(Strict):
    # A CLDR skeleton (babel.dates.format_skeleton): "MMMEd" -> "Wed, Dec 2".
    skeleton: str = "MMMEd"


class LanguageSpec(Strict):
    code: str
    name: str
    native_name: str
    script: str
    locale: str
    stt: SttSpec
    tts: TtsSpec
    num2words: str | None
    offline_stt: bool   # voice input by the offline recogniser; chosen by the QA voice round trip
    fillers: list[str] = Field(default_factory=list)   # hesitation words: a transcript of only these is dropped
    matching: MatchingSpec = MatchingSpec()
    markers: Markers
    date_words: DateWords
    weekdays: list[str] = Field(min_length=7, max_length=7)
    trip_details: TripWords
    spoken_time: SpokenTime
    spoken_date: SpokenDate
    spellout: Spellout | None = None
    spoken_price: SpokenPrice = SpokenPrice()
    written_date: WrittenDate = WrittenDate()
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
    """Forget the loaded files (`languages.clear_caches` also forgets what was derived from them)."""
    languages_file.cache_clear()
    cities_file.cache_clear()
