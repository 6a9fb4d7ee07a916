"""Spoken formatting: numbers, prices, times, dates, durations and flight numbers as words.

Each function is pure and takes a language code. Where num2words has no support for a language,
digits are kept (the route card says so, see `spoken_numbers_supported`).
"""
from __future__ import annotations

import datetime as dt
import re

import cyrtranslit
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, get_currency_name
from babel.units import format_unit
from num2words import CONVERTER_CLASSES, num2words

from .registry import LanguageSpec
from .routing import get_language


def _spec(code: str) -> LanguageSpec:
    language = get_language(code) or get_language("en")
    assert language is not None, "languages.yaml has no English entry"
    return language.spec


def spoken_numbers_supported(code: str) -> bool:
    """Whether numbers are spelled out as words in this language (num2words covers it)."""
    spec = _spec(code)
    return bool(spec.num2words) and spec.num2words in CONVERTER_CLASSES


def spoken_number(value: int, code: str, *, ordinal: bool = False) -> str:
    """`value` in words ("doscientos cuarenta y cinco"), or digits where unsupported."""
    spec = _spec(code)
    if spoken_numbers_supported(code):
        try:
            words = num2words(value, lang=spec.num2words, to="ordinal" if ordinal else "cardinal")
            return _in_own_script(words, spec)
        except (NotImplementedError, KeyError, ValueError, TypeError, AttributeError):
            if ordinal:
                return spoken_number(value, code)
    return str(value)


def _in_own_script(words: str, spec: LanguageSpec) -> str:
    # num2words writes Serbian in Latin letters; a Cyrillic reply must not switch script mid-sentence.
    if spec.script == "Cyrillic" and spec.code in cyrtranslit.supported() and re.search("[a-z]", words):
        return cyrtranslit.to_cyrillic(words, spec.code)
    return words


def _currency_word(currency: str, amount: int, spec: LanguageSpec) -> str:
    converter = CONVERTER_CLASSES.get(spec.num2words or "")
    forms = getattr(converter, "CURRENCY_FORMS", {}) if converter else {}
    if currency in forms:
        unit = forms[currency][0]
        if isinstance(unit, str):   # languages without plural forms store one word (ko: '원')
            return unit
        singular, plural = unit[:2]
        return singular if amount == 1 else plural
    return get_currency_name(currency, count=amount, locale=spec.locale)


def spoken_price(amount: float, currency: str, code: str) -> str:
    """A price rounded to whole units with the currency spoken: "doscientos cuarenta y cinco dólares"."""
    spec = _spec(code)
    whole = int(round(amount))
    return f"{spoken_number(whole, code)} {_currency_word(currency, whole, spec)}"


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
        minute_words = spoken_number(value.minute, code)
        if value.minute < 10 and rule.minute_pad:
            minute_words = rule.minute_pad.format(minute=minute_words)
        text = rule.pattern.format(hour=hour_words, minute=minute_words, period=period)
    return " ".join(text.split())


def spoken_date(value: dt.date, code: str) -> str:
    """A date as said aloud: "November twenty-second" / "22 de noviembre" (day in words)."""
    spec = _spec(code)
    # Some locales write the month as a number ("11月", "tháng 11"): say that number too.
    month = re.sub(r"\d+", lambda m: spoken_number(int(m.group()), code),
                   format_date(value, "MMMM", locale=spec.locale))
    day = spoken_number(value.day, code, ordinal=spec.spoken_date.day == "ordinal")
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
    """Airline name then each digit spoken: ("Iberia", "3166") -> "Iberia three one six six"."""
    digits = [spoken_number(int(ch), code) for ch in str(number) if ch.isdigit()]
    return " ".join([airline_name, *digits])
