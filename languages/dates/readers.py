"""One reader per way of naming a date. Each takes folded text and returns a date or None."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from . import calendar
from .lexicon import CJK_NUMBER, DateVocabulary, alternation, vocabulary, word_pattern
from .names import typed_forms
from .patterns import (date_gap, day_token, folded_words, goes_on_as_date, literal, month_token,
                       number_alternation, number_value, spaced)

MONTH_FIRST_SCRIPTS = frozenset({"Han", "Japanese", "Hangul"})


@lru_cache(maxsize=64)
def _month_day_patterns(code: str) -> tuple[re.Pattern, re.Pattern]:
    vocab = vocabulary(code)
    gap = date_gap(vocab)
    month = month_token(vocab)
    month_first = re.compile(month + gap + day_token(vocab, "2"))
    if vocab.spec.script in MONTH_FIRST_SCRIPTS:  # 十二月十五日: "十" is no day before "二月"
        return re.compile("(?!)"), month_first
    return re.compile(day_token(vocab, "1") + gap + month), month_first


def month_day(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"15 декабря", "the fifth of January", "April first", "12月15日", "ngày 15 tháng 12".

    The locale's own order first: in Czech "do Dubaje 1. února" is 1 February, not "Dubaj 1"; the
    other order only where nothing it counts follows ("pro 2 osoby" is "for 2 people", not 2 Dec)."""
    found = []
    code = vocab.spec.code
    for index, pattern in enumerate(_month_day_patterns(code)):
        for match in pattern.finditer(folded):
            n = str(index + 1)
            # what follows the day itself: the match may already hold the language's "on" after it (3 அன்று)
            day_end = max(match.end(group) for group in (f"d{n}", f"w{n}", f"c{n}") if match.group(group))
            if index == 1 and not vocab.month_first and not goes_on_as_date(folded, day_end, code):
                continue
            day = number_value(vocab, match[f"d{n}"], match[f"w{n}"], match[f"c{n}"])
            month = _month_value(vocab, match["month"])
            if day and month and 1 <= day <= 31:
                found.append((index != int(vocab.month_first), match.start(), month, day))
                break
    for _, _, month, day in sorted(found):
        date = calendar.next_month_day(month, day, today)
        if date:
            return date
    return None


def _month_value(vocab: DateVocabulary, matched: str) -> int | None:
    return _prefixed_value(vocab, vocab.months, matched)


def _prefixed_value(vocab: DateVocabulary, table: dict[str, int], matched: str) -> int | None:
    value = vocab.lookup(table, matched)
    if value is None:  # a glued preposition: "בדצמבר", "ביום שישי"
        for prefix in folded_words(vocab, vocab.spec.matching.attached_prefixes):
            if matched.startswith(prefix) and (value := vocab.lookup(table, matched[len(prefix):])) is not None:
                break
    return value


# Not inside a longer number or range ("14-21.12."); a hyphen after a glued prefix is fine (he "ב-15.12").
_NUMERIC = re.compile(r"(?<![\d:.,/])(?<![\d.]-)(?P<a>\d{1,4})\s*(?P<sep>[./-])\s*(?P<b>\d{1,2})"
                      r"(?:\s*(?P=sep)\s*(?P<c>\d{2,4}))?\.?(?![\d:]|\s*(?:%|h\b))")


def numeric(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"15/12" or "12/15" in the locale's order, "24.12.", "2026-12-24"; a swap only for "/" when
    the locale's order gives no date ("15/12" read in the US)."""
    for match in _NUMERIC.finditer(folded):
        a, b, c = match["a"], match["b"], match["c"]
        if len(a) == 4:  # ISO: year-month-day
            if c and match["sep"] == "-":
                date = calendar.next_month_day(int(b), int(c), today, year=int(a))
                if date:
                    return date
            continue
        if match["sep"] not in vocab.separators:  # "7.30" is a time in English
            continue
        year = None
        if c:
            year = int(c) + (2000 if len(c) == 2 else 0)
        day, month = (int(a), int(b)) if vocab.day_first else (int(b), int(a))
        orders = [(day, month)] + ([(month, day)] if match["sep"] == "/" else [])
        for d, m in orders:
            if 1 <= m <= 12 and 1 <= d <= 31:
                date = calendar.next_month_day(m, d, today, year=year)
                if date:
                    return date
    return None


def _glued(words, vocab: DateVocabulary) -> list[str]:
    """`words` folded, and each glued to a one-word part of the day, as Dutch and German write
    "morgenavond", "Dienstagabend" (Swedish with a linking s: "tisdagskväll")."""
    trip = vocab.spec.trip_details
    parts = {p.rsplit(" ", 1)[-1] for p in folded_words(vocab, [*trip.morning, *trip.afternoon, *trip.evening, *trip.night])}
    folded = [w for word in words for w in typed_forms(word, vocab.spec)]
    if not spaced(vocab):
        return folded
    return folded + [w + link + p for w in folded if " " not in w for p in parts for link in ("", "s")]


@lru_cache(maxsize=64)
def _relative_patterns(code: str) -> list[tuple[re.Pattern, int]]:
    vocab = vocabulary(code)
    words = vocab.spec.date_words
    choices = ((2, words.day_after_tomorrow), (1, words.tomorrow), (0, words.today))
    return [(re.compile(alternation(_glued(said, vocab), vocab.spec)), offset) for offset, said in choices if said]


def relative(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"today", "tomorrow", "the day after tomorrow" and their equivalents ("morgenavond")."""
    for pattern, offset in _relative_patterns(vocab.spec.code):
        if pattern.search(folded):
            return today + dt.timedelta(days=offset)
    return None


@lru_cache(maxsize=64)
def _duration_patterns(code: str) -> list[tuple[re.Pattern, int]]:
    vocab = vocabulary(code)
    spec, words = vocab.spec, vocab.spec.date_words
    space = r"\s+" if spaced(vocab) else r"\s*"
    number = rf"(?:(?P<d>\d{{1,3}})|(?P<w>{number_alternation(vocab)})|(?P<c>{CJK_NUMBER}))"
    patterns = []
    after = literal(vocab, words.in_after)
    fortnight = alternation(folded_words(vocab, words.two_weeks), spec, stem=False)
    if words.two_weeks:  # first: "dans quinze jours" is two weeks, not fifteen days
        if words.in_before:
            patterns.append((alternation(folded_words(vocab, words.in_before), spec) + space + fortnight, -14))
        if words.in_after:
            patterns.append((fortnight + r"\s*" + after, -14))
    ending = r"['\w]{0,4}" if spec.matching.inflected else ""
    for unit_words, days in ((words.day_units, 1), (words.week_units, 7)):
        if not unit_words:
            continue
        unit = literal(vocab, unit_words) + ending
        if words.in_before:  # the number may go unsaid: "через неделю", "za tydzień"
            patterns.append((alternation(folded_words(vocab, words.in_before), spec) + space + f"(?:{number}\\s*)?" + unit, days))
        if words.in_after:
            patterns.append((number + r"\s*" + unit + r"\s*" + after, days))
    return [(re.compile(p), days) for p, days in patterns]


def in_duration(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"in 3 days", "in two weeks", "через две недели", "三天后", "3日後", "בעוד שבועיים"."""
    names = [m.span() for m in _weekday_pattern(vocab.spec.code).finditer(folded)]
    for pattern, days in _duration_patterns(vocab.spec.code):
        match = next((m for m in pattern.finditer(folded)  # vi "thứ sáu tuần": "sáu" is of Friday
                      if not any(s <= m.start() < e for s, e in names)), None)
        if not match:
            continue
        if days < 0:  # a single word for the whole span
            return today + dt.timedelta(days=-days)
        said = match["d"] or match["w"] or match["c"]
        count = number_value(vocab, match["d"], match["w"], match["c"]) if said else 1
        if count and count <= 366 // days:
            return today + dt.timedelta(days=count * days)
    return None


@lru_cache(maxsize=64)
def _weekend_patterns(code: str) -> list[tuple[re.Pattern, bool]]:
    vocab = vocabulary(code)
    words = vocab.spec.date_words
    found = ((word_pattern(choices, vocab.spec, stem=True), next_week)
             for choices, next_week in ((words.next_weekend, True), (words.weekend, False)))
    return [(pattern, next_week) for pattern, next_week in found if pattern]


def weekend(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"next weekend" (next week's Saturday), "this weekend" (this week's Saturday)."""
    for pattern, next_week in _weekend_patterns(vocab.spec.code):
        if pattern.search(folded):
            return calendar.weekend(today, vocab.spec.date_words.weekend_day, next_week=next_week)
    return None


@lru_cache(maxsize=64)
def _weekday_pattern(code: str) -> re.Pattern:
    vocab = vocabulary(code)
    return re.compile(alternation(_glued(vocab.weekdays, vocab), vocab.spec, stem=True, prefixed=True))


def weekday(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """The coming weekday; after a "next week" word (zh 下周, ja 来週の, ko 다음 주), or before one
    said after it (vi thứ Sáu tuần sau), next calendar week's."""
    match = _weekday_pattern(vocab.spec.code).search(folded)
    if not match:
        return None
    index = _prefixed_value(vocab, vocab.weekdays, match.group())
    if index is None:
        return None
    before = folded[:match.start()].rstrip()
    after = folded[match.end():].lstrip()
    words = vocab.spec.date_words
    if (any(before.endswith(word) for word in folded_words(vocab, words.next_week))
            or any(after.startswith(word) for word in folded_words(vocab, words.next_week_after))):
        return calendar.next_week_weekday(index, today)
    return calendar.coming_weekday(index, today)
