"""A day of the month said alone: "on the 20th", "el día 20", "28 числа", "dne 28.", "28. kuupäeval",
"28-go", "za Zagreb 28.", "on the twenty-fifth", "на двадцатое": the next such day.

A number with nothing that marks it as a day ("на 2 человека", "za 2 osobe", "košta 28.") counts
something else: a bare number after a day word, or a number with only an ordinal dot (Croatian,
Czech, Serbian, Slovak, Slovenian "28."), is a day only where the sentence goes on with punctuation,
its end, or a word that may follow a date (from/to, part of the day, return, a month ...).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from . import calendar
from .lexicon import DateVocabulary, vocabulary
from .patterns import goes_on_as_date, literal, number_alternation, spaced, template_heads


@lru_cache(maxsize=64)
def _digit_patterns(code: str) -> list[tuple[re.Pattern, bool]]:
    """(pattern, whether the sentence must go on as after a date unless a `mark` was matched)."""
    vocab = vocabulary(code)
    words = vocab.spec.date_words
    suffixes = literal(vocab, words.ordinal_suffixes)
    is_spaced = spaced(vocab)
    edge, end = (r"(?<!\w)", r"(?!\w)") if is_spaced else ("", "")
    units = literal(vocab, [*words.day_units, *words.week_units])
    patterns = []
    if words.day_before:  # "на 5 дней" is five days, "на 2 человека" two people: neither is the 5th
        patterns.append((rf"{edge}{literal(vocab, words.day_before)}\s*-?\s*(?P<d>\d{{1,2}})"
                         rf"(?!\d|\s*[:.]\d|\s*{units})(?P<mark>{suffixes}|\.)?", True))
    if words.day_after:
        patterns.append((rf"(?<!\d)(?P<d>\d{{1,2}})(?:{suffixes}|\.)?\s*{literal(vocab, words.day_after)}", False))
    if words.ordinal_suffixes:
        patterns.append((rf"(?<![\d:.])(?P<d>\d{{1,2}}){suffixes}{end}", False))
    if words.ordinal_dot and is_spaced:  # "iz Osijeka za Zagreb 28.", not "28.12." nor "za 2 osobe"
        patterns.append((r"(?<![\w:.,/\-])(?P<d>\d{1,2})\.(?!\s*\d)", True))
    return [(re.compile(p), needs_follow) for p, needs_follow in patterns]


@lru_cache(maxsize=64)
def _counting_words(code: str) -> re.Pattern:
    """Words after which a number counts or times ("za 2.", "prije 10."): "in N days" and time bounds."""
    vocab = vocabulary(code)
    trip = vocab.spec.trip_details
    heads = [*vocab.spec.date_words.in_before, *template_heads([*trip.depart_before, *trip.depart_after, *trip.arrive_by])]
    return re.compile(rf"(?<!\w){literal(vocab, heads)}\s*-?\s*$")


def _counts(folded: str, start: int, code: str) -> bool:
    """Whether the number at `start` follows a currency sign or a word that makes it a count or time."""
    before = folded[:start].rstrip()
    if before and unicodedata.category(before[-1]) == "Sc":
        return True
    return bool(_counting_words(code).search(folded[:start]))


@lru_cache(maxsize=64)
def _word_patterns(code: str) -> list[re.Pattern]:
    """A day said in words: after a day marker ("on the twenty-fifth", "el veinte"), or an ordinal
    alone ("dwudziestego"); either only where no noun follows that it counts ("the first flight")."""
    vocab = vocabulary(code)
    words = vocab.spec.date_words
    if not spaced(vocab) or not vocab.numbers:
        return []
    after = rf"(?:\s*{literal(vocab, words.day_after)})?"
    patterns = [rf"^\W*(?P<w>{number_alternation(vocab, vocab.ordinals)}){after}"]
    if words.day_before:
        patterns.append(rf"(?<!\w){literal(vocab, words.day_before)}\s*-?\s*(?P<w>{number_alternation(vocab)}){after}")
    return [re.compile(p) for p in patterns]


def day_of_month(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """The next day of the month said alone in `folded` (see the module's docstring)."""
    code = vocab.spec.code
    found = []
    for pattern, needs_follow in _digit_patterns(code):
        match = next((m for m in pattern.finditer(folded) if not _counts(folded, m.start("d"), code)
                      and not (needs_follow and not m.groupdict().get("mark") and not goes_on_as_date(folded, m.end(), code))),
                     None)
        if match:
            found.append((match.start(), int(match["d"])))
    for pattern in _word_patterns(code):
        match = next((m for m in pattern.finditer(folded) if goes_on_as_date(folded, m.end(), code)), None)
        if match and (day := vocab.lookup(vocab.numbers, match["w"])):
            found.append((match.start(), day))
    for _, day in sorted(found):
        date = calendar.next_day_of_month(day, today)
        if date:
            return date
    return None
