"""Regex pieces the date readers share: literal words, number words, a day and a month token, and
what may follow a date in a sentence."""
from __future__ import annotations

import re
from functools import lru_cache

from ..scripts import UNSPACED_SCRIPTS
from .lexicon import CJK_NUMBER, DateVocabulary, alternation, cjk_number, trie_pattern, vocabulary
from .names import fold_date


def spaced(vocab: DateVocabulary) -> bool:
    """Whether the language's script puts spaces between words."""
    return vocab.spec.script not in UNSPACED_SCRIPTS


def folded_words(vocab: DateVocabulary, words) -> list[str]:
    """`words` folded for date matching, blanks left out."""
    return [fold_date(w, vocab.spec.script) for w in words if w.strip()]


def literal(vocab: DateVocabulary, words) -> str:
    """Words as an alternation of literal text (no word boundaries: used inside larger patterns)."""
    folded = sorted(set(folded_words(vocab, words)), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in folded) + ")" if folded else "(?!)"


def number_alternation(vocab: DateVocabulary, table: dict[str, int] | None = None) -> str:
    """Number words (cardinal and ordinal, each word of a compound inflected) as whole words."""
    words = sorted(vocab.numbers if table is None else table, key=len, reverse=True)
    if not words:
        return "(?!)"
    if not spaced(vocab):
        return "(?:" + "|".join(map(re.escape, words)) + ")"

    def stemmed(word: str) -> list[str]:  # a word ending in a vowel sign (Tamil மூன்று) keeps it
        if len(word) > 4 and word[-1].isalpha():
            return [*map(re.escape, word[:-1]), r"\w{0,4}"]
        return list(map(re.escape, word))

    def pieces(words: str) -> list[str]:
        parts = [stemmed(part) for part in words.split(" ")]
        return [piece for i, part in enumerate(parts) for piece in ([r"\s+"] if i else []) + part]

    return rf"(?<!\w){trie_pattern([pieces(w) for w in words], tokens=True)}(?!\w)"


def number_value(vocab: DateVocabulary, digits: str | None, word: str | None, cjk: str | None) -> int | None:
    """The value of a number matched as digits, as a number word or in Chinese numerals."""
    if digits:
        return int(digits)
    if cjk:
        return cjk_number(cjk)
    return vocab.lookup(vocab.numbers, word) if word else None


def day_token(vocab: DateVocabulary, suffix: str, *, words: bool = True) -> str:
    """A day of the month: digits with an ordinal ending, a number word (unless `words` is False:
    the thousands of Russian or Finnish forms are slow to compile), or Chinese numerals."""
    said = number_alternation(vocab) if words else "(?!)"
    return (rf"(?:(?P<d{suffix}>\d{{1,2}})(?!\d)(?:{literal(vocab, vocab.spec.date_words.ordinal_suffixes)}|\.)?"
            rf"|(?P<w{suffix}>{said})|(?P<c{suffix}>{CJK_NUMBER}))"
            rf"(?:\s*{literal(vocab, vocab.spec.date_words.day_after)})?")


def month_token(vocab: DateVocabulary, name: str = "month") -> str:
    """A month name in any case form, as group `name`; an abbreviation ("úno", "lis") only as written."""
    spec = vocab.spec
    names = [name for name in vocab.months if name not in vocab.month_abbreviations]
    return (f"(?P<{name}>{alternation(names, spec, prefixed=True, stem=True, long_stem=True)}"
            f"|{alternation(vocab.month_abbreviations, spec, prefixed=True, inflect=False)})")


_GAP = r"[\s,.\-]*"


def date_gap(vocab: DateVocabulary) -> str:
    """What may stand between a day and its month: spaces, punctuation, a filler ("de", "of")."""
    filler = literal(vocab, vocab.spec.date_words.filler)
    return rf"{_GAP}(?:{filler}{_GAP})?" if spaced(vocab) else rf"\s*(?:{filler})?\s*"


def template_heads(templates) -> list[str]:
    """The words before "{time}" in time-bound templates ("prije {time}" -> "prije")."""
    return [t.split("{time}")[0].strip() for t in templates if t.split("{time}")[0].strip()]


def goes_on_as_date(folded: str, end: int, code: str) -> bool:
    """Whether what follows position `end` may follow a date (punctuation, the end, or a word that
    goes with dates or trips in language `code`; anything where words are not spaced or, as in
    Korean, a counter is glued to its number), rather than
    a noun the number before counts ("на 2 человека", "pro 2 osoby")."""
    pattern = _follow(code)
    return pattern is None or pattern.match(folded, end) is not None


@lru_cache(maxsize=64)
def _follow(code: str) -> re.Pattern | None:
    vocab = vocabulary(code)  # Korean glues particles and counters to numbers: "21일까지", "2명"
    return re.compile(follow_pattern(code)) if spaced(vocab) and vocab.spec.script != "Hangul" else None


@lru_cache(maxsize=64)
def follow_pattern(code: str) -> str:
    """A lookahead: what may come after a day of the month (see `goes_on_as_date`)."""
    vocab = vocabulary(code)
    spec, words, trip = vocab.spec, vocab.spec.date_words, vocab.spec.trip_details
    closers = [*spec.markers.from_.words, *spec.markers.to.words, *spec.markers.articles, *words.filler,
               *words.day_after, *words.day_before, *words.next, *words.today, *words.tomorrow,
               *words.day_after_tomorrow, *words.range_to, *trip.morning, *trip.afternoon, *trip.evening,
               *trip.night, *trip.return_before, *trip.return_after, *trip.nonstop, *trip.one_way,
               *trip.cheapest, *trip.earliest,
               *template_heads([*trip.depart_before, *trip.depart_after, *trip.arrive_by])]
    months = alternation(vocab.months, spec, stem=True, long_stem=True)
    weekdays = alternation(vocab.weekdays, spec, stem=True)
    return rf"(?=\s*(?:$|[^\w\s]|{literal(vocab, closers)}(?!\w)|{months}|{weekdays}))"
