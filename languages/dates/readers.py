"""One reader per way of naming a date. Each takes folded text and returns a date or None."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ..folding import fold
from ..scripts import UNSPACED_SCRIPTS
from . import calendar
from .lexicon import CJK_NUMBER, DateVocabulary, alternation, cjk_number, vocabulary, word_pattern

_GAP = r"[\s,.\-]*"
_MONTH_FIRST_SCRIPTS = frozenset({"Han", "Japanese", "Hangul"})
_DIGIT_DAY = r"(?P<{name}>\d{{1,2}})(?!\d)"


def _spaced(vocab: DateVocabulary) -> bool:
    return vocab.spec.script not in UNSPACED_SCRIPTS


def _folded(vocab: DateVocabulary, words) -> list[str]:
    return [fold(w, vocab.spec.script) for w in words if w.strip()]


def _literal(vocab: DateVocabulary, words) -> str:
    """Words as an alternation of literal text (no word boundaries: used inside larger patterns)."""
    folded = sorted(set(_folded(vocab, words)), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in folded) + ")" if folded else "(?!)"


def _number_alternation(vocab: DateVocabulary) -> str:
    """Number words (cardinal and ordinal, inflected forms allowed) as whole words."""
    words = sorted(vocab.numbers, key=len, reverse=True)
    if not words:
        return "(?!)"
    parts = [re.escape(w[:-1]) + r"\w{0,4}" if len(w) > 4 and _spaced(vocab) else re.escape(w) for w in words]
    body = "(?:" + "|".join(parts) + ")"
    return rf"(?<!\w){body}(?!\w)" if _spaced(vocab) else body


def _number_value(vocab: DateVocabulary, digits: str | None, word: str | None, cjk: str | None) -> int | None:
    if digits:
        return int(digits)
    if cjk:
        return cjk_number(cjk)
    return vocab.lookup(vocab.numbers, word) if word else None


def _day_token(vocab: DateVocabulary, suffix: str) -> str:
    """A day of the month: digits with an ordinal ending, a number word, or Chinese numerals."""
    return (rf"(?:(?P<d{suffix}>\d{{1,2}})(?!\d)(?:{_literal(vocab, vocab.spec.date_words.ordinal_suffixes)}|\.)?"
            rf"|(?P<w{suffix}>{_number_alternation(vocab)})|(?P<c{suffix}>{CJK_NUMBER}))"
            rf"(?:\s*{_literal(vocab, vocab.spec.date_words.day_after)})?")


def _month_token(vocab: DateVocabulary) -> str:
    spec = vocab.spec
    return f"(?P<month>{alternation(vocab.months, spec, prefixed=True)})"


@lru_cache(maxsize=64)
def _month_day_patterns(code: str) -> tuple[re.Pattern, re.Pattern]:
    vocab = vocabulary(code)
    filler = _literal(vocab, vocab.spec.date_words.filler)
    gap = rf"{_GAP}(?:{filler}{_GAP})?" if _spaced(vocab) else rf"\s*(?:{filler})?\s*"
    month = _month_token(vocab)
    month_first = re.compile(month + gap + _day_token(vocab, "2"))
    if vocab.spec.script in _MONTH_FIRST_SCRIPTS:  # 十二月十五日: "十" is no day before "二月"
        return re.compile("(?!)"), month_first
    return re.compile(_day_token(vocab, "1") + gap + month), month_first


def month_day(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"15 декабря", "the fifth of January", "April first", "12月15日", "ngày 15 tháng 12"."""
    found = []
    for index, pattern in enumerate(_month_day_patterns(vocab.spec.code)):
        for match in pattern.finditer(folded):
            n = str(index + 1)
            day = _number_value(vocab, match[f"d{n}"], match[f"w{n}"], match[f"c{n}"])
            month = _month_value(vocab, match["month"])
            if day and month and 1 <= day <= 31:
                found.append((match.start(), month, day))
                break
    for _, month, day in sorted(found):
        date = calendar.next_month_day(month, day, today)
        if date:
            return date
    return None


def _month_value(vocab: DateVocabulary, matched: str) -> int | None:
    return _prefixed_value(vocab, vocab.months, matched)


def _prefixed_value(vocab: DateVocabulary, table: dict[str, int], matched: str) -> int | None:
    value = vocab.lookup(table, matched)
    if value is None:  # a glued preposition: "בדצמבר", "ביום שישי"
        for prefix in _folded(vocab, vocab.spec.matching.attached_prefixes):
            if matched.startswith(prefix) and (value := vocab.lookup(table, matched[len(prefix):])) is not None:
                break
    return value


_NUMERIC = re.compile(r"(?<![\d:.,/-])(?P<a>\d{1,4})\s*(?P<sep>[./-])\s*(?P<b>\d{1,2})"
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


@lru_cache(maxsize=64)
def _day_of_month_patterns(code: str) -> list[re.Pattern]:
    vocab = vocabulary(code)
    words = vocab.spec.date_words
    suffixes = _literal(vocab, words.ordinal_suffixes)
    edge, end = (r"(?<!\w)", r"(?!\w)") if _spaced(vocab) else ("", "")
    patterns = []
    if words.day_before:
        patterns.append(rf"{edge}{_literal(vocab, words.day_before)}\s*-?\s*(?P<d>\d{{1,2}})(?!\d|\s*[:.]\d)"
                        rf"(?:{suffixes}|\.)?")
    if words.day_after:
        patterns.append(rf"(?<!\d)(?P<d>\d{{1,2}})(?:{suffixes}|\.)?\s*{_literal(vocab, words.day_after)}")
    if words.ordinal_suffixes:
        patterns.append(rf"(?<![\d:.])(?P<d>\d{{1,2}}){suffixes}{end}")
    return [re.compile(p) for p in patterns]


def day_of_month(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"on the 20th", "el día 20", "20-го числа", "20号", "tanggal 20": the next such day."""
    found = []
    for pattern in _day_of_month_patterns(vocab.spec.code):
        match = pattern.search(folded)
        if match:
            found.append((match.start(), int(match["d"])))
    for _, day in sorted(found):
        date = calendar.next_day_of_month(day, today)
        if date:
            return date
    return None


def relative(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"today", "tomorrow", "the day after tomorrow" and their equivalents."""
    words = vocab.spec.date_words
    for offset, choices in ((2, words.day_after_tomorrow), (1, words.tomorrow), (0, words.today)):
        pattern = word_pattern(choices, vocab.spec)
        if pattern and pattern.search(folded):
            return today + dt.timedelta(days=offset)
    return None


@lru_cache(maxsize=64)
def _duration_patterns(code: str) -> list[tuple[re.Pattern, int]]:
    vocab = vocabulary(code)
    spec, words = vocab.spec, vocab.spec.date_words
    space = r"\s+" if _spaced(vocab) else r"\s*"
    number = rf"(?:(?P<d>\d{{1,3}})|(?P<w>{_number_alternation(vocab)})|(?P<c>{CJK_NUMBER}))"
    patterns = []
    after = _literal(vocab, words.in_after)
    fortnight = alternation(words.two_weeks, spec, stem=False)
    if words.two_weeks:  # first: "dans quinze jours" is two weeks, not fifteen days
        if words.in_before:
            patterns.append((alternation(words.in_before, spec) + space + fortnight, -14))
        if words.in_after:
            patterns.append((fortnight + r"\s*" + after, -14))
    ending = r"['\w]{0,4}" if spec.matching.inflected else ""
    for unit_words, days in ((words.day_units, 1), (words.week_units, 7)):
        if not unit_words:
            continue
        unit = _literal(vocab, unit_words) + ending
        if words.in_before:  # the number may go unsaid: "через неделю", "za tydzień"
            patterns.append((alternation(words.in_before, spec) + space + f"(?:{number}\\s*)?" + unit, days))
        if words.in_after:
            patterns.append((number + r"\s*" + unit + r"\s*" + after, days))
    return [(re.compile(p), days) for p, days in patterns]


def in_duration(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"in 3 days", "in two weeks", "через две недели", "三天后", "3日後", "בעוד שבועיים"."""
    for pattern, days in _duration_patterns(vocab.spec.code):
        match = pattern.search(folded)
        if not match:
            continue
        if days < 0:  # a single word for the whole span
            return today + dt.timedelta(days=-days)
        said = match["d"] or match["w"] or match["c"]
        count = _number_value(vocab, match["d"], match["w"], match["c"]) if said else 1
        if count and count <= 366 // days:
            return today + dt.timedelta(days=count * days)
    return None


def weekend(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"next weekend" (next week's Saturday), "this weekend" (this week's Saturday)."""
    words = vocab.spec.date_words
    for choices, next_week in ((words.next_weekend, True), (words.weekend, False)):
        pattern = word_pattern(choices, vocab.spec, stem=True)
        if pattern and pattern.search(folded):
            return calendar.weekend(today, words.weekend_day, next_week=next_week)
    return None


@lru_cache(maxsize=64)
def _weekday_pattern(code: str) -> re.Pattern:
    vocab = vocabulary(code)
    return re.compile(alternation(vocab.weekdays, vocab.spec, stem=True, prefixed=True))


def weekday(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """The coming weekday; after a "next week" word (zh 下周, ja 来週の, ko 다음 주) next week's."""
    match = _weekday_pattern(vocab.spec.code).search(folded)
    if not match:
        return None
    index = _prefixed_value(vocab, vocab.weekdays, match.group())
    if index is None:
        return None
    before = folded[:match.start()].rstrip()
    if any(before.endswith(word) for word in _folded(vocab, vocab.spec.date_words.next_week)):
        return calendar.next_week_weekday(index, today)
    return calendar.coming_weekday(index, today)
