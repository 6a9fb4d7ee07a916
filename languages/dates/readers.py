"""One reader per way of naming a date. Each takes folded text and returns a date or None."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ..scripts import UNSPACED_SCRIPTS
from . import calendar
from .lexicon import CJK_NUMBER, DateVocabulary, alternation, cjk_number, vocabulary, word_pattern
from .names import fold_date, typed_forms

_GAP = r"[\s,.\-]*"
_MONTH_FIRST_SCRIPTS = frozenset({"Han", "Japanese", "Hangul"})
_DIGIT_DAY = r"(?P<{name}>\d{{1,2}})(?!\d)"


def _spaced(vocab: DateVocabulary) -> bool:
    return vocab.spec.script not in UNSPACED_SCRIPTS


def _folded(vocab: DateVocabulary, words) -> list[str]:
    return [fold_date(w, vocab.spec.script) for w in words if w.strip()]


def _literal(vocab: DateVocabulary, words) -> str:
    """Words as an alternation of literal text (no word boundaries: used inside larger patterns)."""
    folded = sorted(set(_folded(vocab, words)), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in folded) + ")" if folded else "(?!)"


def _number_alternation(vocab: DateVocabulary, table: dict[str, int] | None = None) -> str:
    """Number words (cardinal and ordinal, each word of a compound inflected) as whole words."""
    words = sorted(vocab.numbers if table is None else table, key=len, reverse=True)
    if not words:
        return "(?!)"
    if not _spaced(vocab):
        return "(?:" + "|".join(map(re.escape, words)) + ")"

    def stemmed(word: str) -> str:  # a word ending in a vowel sign (Tamil மூன்று) keeps it
        return re.escape(word[:-1]) + r"\w{0,4}" if len(word) > 4 and word[-1].isalpha() else re.escape(word)

    body = "(?:" + "|".join(r"\s+".join(map(stemmed, w.split(" "))) for w in words) + ")"
    return rf"(?<!\w){body}(?!\w)"


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
    """A month name in any case form; an abbreviation ("úno", "lis") only as written."""
    spec = vocab.spec
    names = [name for name in vocab.months if name not in vocab.month_abbreviations]
    return (f"(?P<month>{alternation(names, spec, prefixed=True, stem=True, long_stem=True)}"
            f"|{alternation(vocab.month_abbreviations, spec, prefixed=True, inflect=False)})")


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
    """"15 декабря", "the fifth of January", "April first", "12月15日", "ngày 15 tháng 12".

    The locale's own order first: in Czech "do Dubaje 1. února" is 1 February, not "Dubaj 1"."""
    found = []
    for index, pattern in enumerate(_month_day_patterns(vocab.spec.code)):
        for match in pattern.finditer(folded):
            n = str(index + 1)
            day = _number_value(vocab, match[f"d{n}"], match[f"w{n}"], match[f"c{n}"])
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
    units = _literal(vocab, [*words.day_units, *words.week_units])
    patterns = []
    if words.day_before:  # "на 5 дней" is five days, not the 5th
        patterns.append(rf"{edge}{_literal(vocab, words.day_before)}\s*-?\s*(?P<d>\d{{1,2}})(?!\d|\s*[:.]\d|\s*{units})"
                        rf"(?:{suffixes}|\.)?")
    if words.day_after:
        patterns.append(rf"(?<!\d)(?P<d>\d{{1,2}})(?:{suffixes}|\.)?\s*{_literal(vocab, words.day_after)}")
    if words.ordinal_suffixes:
        patterns.append(rf"(?<![\d:.])(?P<d>\d{{1,2}}){suffixes}{end}")
    return [re.compile(p) for p in patterns]


@lru_cache(maxsize=64)
def _word_day_patterns(code: str) -> list[re.Pattern]:
    """A day said in words: after a day marker ("on the twenty-fifth", "el veinte"), or an ordinal
    alone ("dwudziestego"); either only where no noun follows that it counts ("the first flight")."""
    vocab = vocabulary(code)
    spec, words = vocab.spec, vocab.spec.date_words
    if not _spaced(vocab) or not vocab.numbers:
        return []
    trip = spec.trip_details
    closers = [*spec.markers.from_.words, *spec.markers.to.words, *words.filler, *words.day_after,
               *trip.morning, *trip.afternoon, *trip.evening, *trip.night, *trip.return_before]
    follow = rf"(?=\s*(?:$|[,.;:!?،؟]|{_literal(vocab, closers)}(?!\w)))"
    after = rf"(?:\s*{_literal(vocab, words.day_after)})?"
    patterns = [rf"^\W*(?P<w>{_number_alternation(vocab, vocab.ordinals)}){after}{follow}"]
    if words.day_before:
        patterns.append(rf"(?<!\w){_literal(vocab, words.day_before)}\s*-?\s*(?P<w>{_number_alternation(vocab)})"
                        rf"{after}{follow}")
    return [re.compile(p) for p in patterns]


def day_of_month(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """"on the 20th", "el día 20", "20-го числа", "20号", "tanggal 20", "on the twenty-fifth",
    "на двадцатое": the next such day."""
    found = []
    for pattern in _day_of_month_patterns(vocab.spec.code):
        match = pattern.search(folded)
        if match:
            found.append((match.start(), int(match["d"])))
    for pattern in _word_day_patterns(vocab.spec.code):
        match = pattern.search(folded)
        if match and (day := vocab.lookup(vocab.numbers, match["w"])):
            found.append((match.start(), day))
    for _, day in sorted(found):
        date = calendar.next_day_of_month(day, today)
        if date:
            return date
    return None


def _glued(words, vocab: DateVocabulary) -> list[str]:
    """`words` folded, and each glued to a one-word part of the day, as Dutch and German write
    "morgenavond", "Dienstagabend" (Swedish with a linking s: "tisdagskväll")."""
    trip = vocab.spec.trip_details
    parts = {p.rsplit(" ", 1)[-1] for p in _folded(vocab, [*trip.morning, *trip.afternoon, *trip.evening, *trip.night])}
    folded = [w for word in words for w in typed_forms(word, vocab.spec)]
    if not _spaced(vocab):
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
    space = r"\s+" if _spaced(vocab) else r"\s*"
    number = rf"(?:(?P<d>\d{{1,3}})|(?P<w>{_number_alternation(vocab)})|(?P<c>{CJK_NUMBER}))"
    patterns = []
    after = _literal(vocab, words.in_after)
    fortnight = alternation(_folded(vocab, words.two_weeks), spec, stem=False)
    if words.two_weeks:  # first: "dans quinze jours" is two weeks, not fifteen days
        if words.in_before:
            patterns.append((alternation(_folded(vocab, words.in_before), spec) + space + fortnight, -14))
        if words.in_after:
            patterns.append((fortnight + r"\s*" + after, -14))
    ending = r"['\w]{0,4}" if spec.matching.inflected else ""
    for unit_words, days in ((words.day_units, 1), (words.week_units, 7)):
        if not unit_words:
            continue
        unit = _literal(vocab, unit_words) + ending
        if words.in_before:  # the number may go unsaid: "через неделю", "za tydzień"
            patterns.append((alternation(_folded(vocab, words.in_before), spec) + space + f"(?:{number}\\s*)?" + unit, days))
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
        count = _number_value(vocab, match["d"], match["w"], match["c"]) if said else 1
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
    if (any(before.endswith(word) for word in _folded(vocab, words.next_week))
            or any(after.startswith(word) for word in _folded(vocab, words.next_week_after))):
        return calendar.next_week_weekday(index, today)
    return calendar.coming_weekday(index, today)
