"""Holidays named as travel dates ("christmas eve", "Nochevieja", 元旦, "zweiter Weihnachtstag"),
from configs/holidays.yaml, and dates in the Solar Hijri calendar ("۲۴ آذر")."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from pydantic import Field, model_validator

from ..configfile import load_config
from ..registry import Strict
from . import calendar
from .lexicon import DateVocabulary, alternation, vocabulary
from .names import typed_forms
from .patterns import day_token, number_value

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class Holiday(Strict):
    """One holiday: when it falls (exactly one rule) and its names per language code."""

    names: dict[str, list[str]]
    date: str | None = Field(default=None, pattern=_MONTH_DAY.pattern)
    solar_hijri: str | None = Field(default=None, pattern=_MONTH_DAY.pattern)
    easter: int | None = None
    orthodox_easter: int | None = None
    nth_weekday: tuple[int, int, int] | None = None  # month, weekday (0 = Monday), n
    dates: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_rule(self) -> "Holiday":
        rules = [self.date, self.solar_hijri, self.easter, self.orthodox_easter, self.nth_weekday,
                 self.dates or None]
        if sum(rule is not None for rule in rules) != 1:
            raise ValueError("a holiday needs exactly one of date, solar_hijri, easter, orthodox_easter, "
                             "nth_weekday, dates")
        return self

    def in_year(self, year: int) -> dt.date | None:
        """This holiday's date in Gregorian `year` (None when it has none that year)."""
        if self.date:
            month, day = map(int, self.date.split("-"))
            return calendar.next_month_day(month, day, dt.date(year, 1, 1), year=year)
        if self.solar_hijri:
            month, day = map(int, self.solar_hijri.split("-"))
            for jy in (year - 622, year - 621):
                date = calendar.from_solar_hijri(jy, month, day)
                if date.year == year:
                    return date
            return None
        if self.easter is not None:
            return calendar.easter(year) + dt.timedelta(days=self.easter)
        if self.orthodox_easter is not None:
            return calendar.easter(year, orthodox=True) + dt.timedelta(days=self.orthodox_easter)
        if self.nth_weekday:
            month, weekday, n = self.nth_weekday
            first = dt.date(year, month, 1)
            return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        return next((d for d in self.dates if d.year == year), None)

    def next_date(self, today: dt.date) -> dt.date | None:
        """The next day of this holiday on or after today."""
        for year in (today.year, today.year + 1):
            date = self.in_year(year)
            if date and date >= today:
                return date
        return None


class Holidays(Strict):
    holidays: list[Holiday]


@lru_cache(maxsize=1)
def _holidays() -> tuple[Holiday, ...]:
    return tuple(load_config("holidays.yaml", Holidays).holidays)


@lru_cache(maxsize=64)
def _holiday_pattern(code: str) -> tuple[re.Pattern | None, dict[str, Holiday]]:
    vocab = vocabulary(code)
    named = {form: holiday for holiday in _holidays()
             for name in holiday.names.get(code, []) for form in typed_forms(name, vocab.spec)}
    if not named:
        return None, named
    return re.compile(alternation(named, vocab.spec, stem=True, prefixed=True)), named


def holiday(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """The next date of the first holiday named ("para o Natal": 25 December)."""
    pattern, named = _holiday_pattern(vocab.spec.code)
    match = pattern.search(folded) if pattern else None
    if not match:
        return None
    said = match.group()
    found = named.get(said) or next((named[n] for n in sorted(named, key=len, reverse=True)
                                     if n in said or said.startswith(n[:-1])), None)
    return found.next_date(today) if found else None


@lru_cache(maxsize=64)
def _solar_hijri_pattern(code: str) -> re.Pattern | None:
    vocab = vocabulary(code)
    months = vocab.spec.date_words.solar_hijri_months
    if not months:
        return None
    names = "|".join(f"(?P<m{i}>{alternation(typed_forms(m, vocab.spec), vocab.spec)})" for i, m in enumerate(months))
    return re.compile(day_token(vocab, "1") + r"\s*(?:" + names + ")")


def solar_hijri(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """A day and a month of the Persian calendar ("۲۴ آذر"), its next occurrence as a Gregorian date."""
    pattern = _solar_hijri_pattern(vocab.spec.code)
    match = pattern.search(folded) if pattern else None
    if not match:
        return None
    day = number_value(vocab, match["d1"], match["w1"], match["c1"])
    month = next(int(k[1:]) + 1 for k, v in match.groupdict().items() if k.startswith("m") and v)
    if not day or not 1 <= day <= 31:
        return None
    year = calendar.solar_hijri_year(today)
    for jy in (year, year + 1):
        date = calendar.from_solar_hijri(jy, month, day)
        if date >= today:
            return date
    return None


def holiday_spans(text: str, code: str) -> list[tuple[int, int]]:
    """Where `text` names a holiday (character offsets), so that "depois do Natal" is read as a day,
    not as the city of Natal; empty where folding changed the text's length."""
    from ..folding import fold

    vocab = vocabulary(code)
    pattern, _ = _holiday_pattern(vocab.spec.code)
    folded = fold(text, vocab.spec.script)
    if pattern is None or len(folded) != len(text):
        return []
    return [match.span() for match in pattern.finditer(folded)]
