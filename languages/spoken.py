"""Spoken formatting: numbers, prices, times, dates, durations and flight numbers as words.

Each function is pure and takes a language code. Numbers are spelled by num2words or, where
num2words lacks the language (or its grammar: genders, cases), by CLDR's rule-based spellout
through ICU (`spellout: {engine: icu}` in languages.yaml). Where neither speaks the language,
digits are kept (the route card says so, see `spoken_numbers_supported`).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import cyrtranslit
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, get_currency_name
from babel.units import format_unit
from num2words import CONVERTER_CLASSES, num2words

from .registry import LanguageSpec, Spellout
from .routing import get_language
from .scripts import dominant_script

try:  # PyICU: CLDR spellout rules; optional (it needs the ICU library to build)
    import icu
except ImportError:  # pragma: no cover - exercised where PyICU is not installed
    icu = None

_NUM2WORDS_ERRORS = (NotImplementedError, KeyError, ValueError, TypeError, AttributeError, OverflowError, IndexError)
# Scripts written without spaces between words: spelled digits and currency words are joined.
_JOINED_SCRIPTS = frozenset({"Han", "Japanese"})


def _spec(code: str) -> LanguageSpec:
    language = get_language(code) or get_language("en")
    assert language is not None, "languages.yaml has no English entry"
    return language.spec


def _rules(spec: LanguageSpec) -> Spellout:
    return spec.spellout or Spellout()


@lru_cache(maxsize=64)
def _icu_formatter(locale: str):
    return icu.RuleBasedNumberFormat(icu.URBNFRuleSetTag.SPELLOUT, icu.Locale(locale))


@lru_cache(maxsize=64)
def icu_spells(locale: str, script: str) -> bool:
    """Whether ICU has CLDR spellout rules in this locale (ICU falls back to English words where it
    has none, e.g. Bengali and Telugu in ICU 72)."""
    if icu is None:
        return False
    words = _icu_formatter(locale).format(1234)
    return dominant_script(words) in (script, "Han" if script == "Japanese" else script)


def spoken_numbers_supported(code: str) -> bool:
    """Whether numbers are spelled out as words in this language (num2words or ICU covers it)."""
    spec = _spec(code)
    if _rules(spec).engine == "icu":
        return icu_spells(spec.locale, spec.script)
    return bool(spec.num2words) and spec.num2words in CONVERTER_CLASSES


def _icu_ruleset(locale: str, wanted: str) -> str:
    """`wanted`, or the locale's first rule set that refines it ("%spellout-cardinal" ->
    "%spellout-cardinal-masculine" in Bulgarian, which has no genderless cardinal)."""
    formatter = _icu_formatter(locale)
    names = [formatter.getRuleSetName(i) for i in range(formatter.getNumberOfRuleSetNames())]
    return wanted if wanted in names else next((n for n in names if n.startswith(wanted)), wanted)


def _spell(value: int, spec: LanguageSpec, use: str, ordinal: bool) -> str:
    # A string option names a CLDR rule set (spelled by ICU), a mapping gives num2words arguments;
    # without an option the language's engine spells with its defaults.
    rules = _rules(spec)
    option = getattr(rules, use)
    if isinstance(option, str) or (rules.engine == "icu" and not option):
        if icu is None:
            raise NotImplementedError("PyICU is not installed")
        ruleset = option or ("%spellout-ordinal" if ordinal else "%spellout-cardinal")
        return _icu_formatter(spec.locale).format(value, _icu_ruleset(spec.locale, ruleset))
    return num2words(value, lang=spec.num2words, to="ordinal" if ordinal else "cardinal", **option)


def _tidy(words: str, spec: LanguageSpec) -> str:
    # ICU marks syllable breaks with soft hyphens and Thai word breaks with zero-width spaces.
    words = " ".join(words.replace("\u00ad", "").replace("\u200b", "").split())
    for word in _rules(spec).join_after:
        words = re.sub(rf"(?<!\S){re.escape(word)} (?=\S)", word, words)
    return words


def spoken_number(value: int, code: str, *, ordinal: bool = False, use: str = "cardinal") -> str:
    """`value` in words ("doscientos cuarenta y cinco"), or digits where unsupported.

    `use` picks the language's spelling rule for the job ("cardinal", "day" of a date, "price",
    "count" before a noun): Russian dates take the neuter ordinal, Hebrew prices the masculine
    count, Chinese counts 两 ("两次").
    """
    spec = _spec(code)
    if spoken_numbers_supported(code):
        try:
            words = _in_own_script(_tidy(_spell(value, spec, use, ordinal), spec), spec)
            forms = _rules(spec).word_forms.get(use)
            if forms:   # a word rewritten to "" is dropped
                words = " ".join(filter(None, (_word_form(word, forms) for word in words.split(" "))))
            return words
        except _NUM2WORDS_ERRORS + ((icu.ICUError,) if icu else ()):
            if ordinal or use != "cardinal":
                return spoken_number(value, code)
    return str(value)


def _word_form(word: str, forms: dict[str, str]) -> str:
    # A joined conjunction stays in front of the rewritten word ("وخمسة" -> "وخمس").
    for prefix in ("", "و"):
        if word.startswith(prefix) and word[len(prefix):] in forms:
            return prefix + forms[word[len(prefix):]]
    return word


def _in_own_script(words: str, spec: LanguageSpec) -> str:
    # num2words writes Serbian in Latin letters; a Cyrillic reply must not switch script mid-sentence.
    if spec.script == "Cyrillic" and spec.code in cyrtranslit.supported() and re.search("[a-z]", words):
        return cyrtranslit.to_cyrillic(words, spec.code)
    return words


def _num2words_currency(currency: str, amount: int, spec: LanguageSpec) -> str | None:
    """num2words' own word for the currency in the plural `amount` takes, where it has one in
    the language (some tables hold English words: "pounds sterling" in Hungarian)."""
    converter = CONVERTER_CLASSES.get(spec.num2words or "")
    forms = getattr(converter, "CURRENCY_FORMS", {}).get(currency) if converter else None
    if not forms:
        return None
    unit = forms[0]
    if isinstance(unit, str):   # languages without plural forms store one word (ko: '원')
        return unit
    try:
        word = converter.pluralize(amount, unit)
    except _NUM2WORDS_ERRORS:
        word = unit[0] if amount == 1 else unit[-1]
    english = CONVERTER_CLASSES["en"].CURRENCY_FORMS.get(currency)
    if spec.code != "en" and english and word in english[0]:
        return None
    return word


def _currency_word(currency: str, amount: int, spec: LanguageSpec) -> str:
    """The currency as said after `amount`: the language's own word (languages.yaml, then
    num2words), else CLDR's display name in the plural category of `amount` ("пять долларов США")."""
    if currency in spec.spoken_price.words:
        return spec.spoken_price.words[currency]
    name = _num2words_currency(currency, amount, spec) or get_currency_name(currency, count=amount, locale=spec.locale)
    name = _in_own_script(name, spec)
    if spec.script in _JOINED_SCRIPTS:   # CLDR's "カナダ ドル" is written "カナダドル"
        name = re.sub(r"(?<=\S) (?=\S)", "", name)
    return name


def spoken_price(amount: float, currency: str, code: str) -> str:
    """A price rounded to whole units with the currency spoken: "doscientos cuarenta y cinco dólares"."""
    spec = _spec(code)
    whole = int(round(amount))
    return spec.spoken_price.pattern.format(amount=spoken_number(whole, code, use="price"),
                                            currency=_currency_word(currency, whole, spec))


def plural_category(value: int, code: str) -> str:
    """CLDR's plural category of `value` in the language ("one", "few", "many", "other")."""
    return Locale.parse(_spec(code).locale).plural_form(value)


def spoken_time(value: dt.time, code: str) -> str:
    """A clock time as said aloud: 14:30 -> "two thirty PM" / "las catorce y treinta"."""
    rule = _spec(code).spoken_time
    hour = value.hour
    period = ""
    if rule.clock == 12:
        period = rule.periods[0] if hour < 12 else rule.periods[1]
        hour = hour % 12 or 12
    hour_words = rule.hours.get(value.hour if rule.clock == 24 else hour)
    if hour_words is None:
        hour_words = rule.hour_prefix + spoken_number(hour, code)
    if value.minute == 0:
        text = rule.pattern_exact.format(hour=hour_words, period=period)
    else:
        minute_words = spoken_number(value.minute, code, use="minute")
        if value.minute < 10 and rule.minute_pad:
            minute_words = rule.minute_pad.format(minute=minute_words)
        text = rule.pattern.format(hour=hour_words, minute=minute_words, period=period)
    return " ".join(text.split())


def spoken_date(value: dt.date, code: str) -> str:
    """A date as said aloud: "December second" / "dos de diciembre" / "второе декабря"."""
    spec = _spec(code)
    # Some locales write the month as a number ("11月", "tháng 11"): say that number too.
    month = re.sub(r"\d+", lambda m: spoken_number(int(m.group()), code),
                   format_date(value, "MMMM", locale=spec.locale))
    day = spec.spoken_date.day_words.get(value.day) or spoken_number(
        value.day, code, ordinal=spec.spoken_date.day == "ordinal", use="day")
    endings = sorted(spec.spoken_date.day_endings.items(), key=lambda item: len(item[0]), reverse=True)
    if endings:   # every word of a compound ordinal declines ("dwudziestego pierwszego")
        day = " ".join(next((word[: -len(e)] + r for e, r in endings if word.endswith(e)), word)
                       for word in day.split(" "))
    return spec.spoken_date.pattern.format(day=day, month=month)


def _unit_in_words(value: int, unit: str, spec: LanguageSpec, code: str) -> str:
    text = format_unit(value, unit, length="long", locale=spec.locale)
    return text.replace(format_decimal(value, locale=spec.locale), spoken_number(value, code), 1)


def spoken_duration(minutes: int, code: str) -> str:
    """A duration in words: 135 -> "two hours and fifteen minutes"."""
    spec = _spec(code)
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(_unit_in_words(hours, "duration-hour", spec, code))
    if rest or not hours:
        parts.append(_unit_in_words(rest, "duration-minute", spec, code))
    return format_list(parts, locale=spec.locale)


def spoken_flight_number(airline_name: str, number: str, code: str) -> str:
    """Airline name then each digit spoken: ("Iberia", "3166") -> "Iberia three one six six"
    (in scripts written without spaces the digits are joined: "九七一")."""
    digits = [spoken_number(int(ch), code) for ch in str(number) if ch.isdigit()]
    joiner = "" if _spec(code).script in _JOINED_SCRIPTS and spoken_numbers_supported(code) else " "
    return " ".join(part for part in (airline_name, joiner.join(digits)) if part)
