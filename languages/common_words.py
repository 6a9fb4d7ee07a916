"""Which place names are also everyday words ("nice", "split", "essen", "natal"), from `wordfreq`.

A name is a common word in a language when wordfreq's frequency for it is well above what a place
of that size would get from being talked about: a city of a million people is expected at about
Zipf 4.3 ("boston" 4.7, "denver" 4.2), so "nice" (Zipf 5.4 for a city of 340,000) and "reading"
(5.1 for 320,000) are words first. Such a name only counts as a place where the sentence marks it
as one. Computed once per language from the language's 50,000 most frequent words.
"""
from __future__ import annotations

import logging
import math
from functools import lru_cache

from .folding import fold_name
from .gazetteer import PRIMARY_TIER, gazetteer

log = logging.getLogger(__name__)
TOP_WORDS = 50_000
EXCESS_COMMON = 0.7      # Zipf above a place's expected frequency that makes its name a word first
EXCESS_VERY_COMMON = 2.0
FREQUENT_ZIPF = 3.5       # an everyday word (about once in 300,000 words, or more often)  # so common that not even "to"/"from" makes it a place when written in lower case
# wordfreq's names for languages whose registry code differs.
_WORDFREQ_CODES = {"no": "nb", "tl": "fil", "zh-TW": "zh", "sr": "sh", "hr": "sh"}   # sh: Serbo-Croatian, Latin


HOME_BONUS = 1.0          # Zipf a city gains in the languages of its own country ("københavn" in Danish)
FOREIGN_NAME_PENALTY = 1.0  # Zipf less for a name that is only an alternate name of a place abroad ("sala", Salé)
_CLDR_CODES = {"no": "nb", "tl": "fil", "zh-TW": "zh"}


@lru_cache(maxsize=64)
def home_countries(code: str) -> frozenset[str]:
    """Countries where language `code` is official, regionally too (CLDR via babel): Catalan -> AD, ES."""
    from babel import Locale
    from babel.languages import get_official_languages

    lang = _CLDR_CODES.get(code, code.split("-")[0])
    return frozenset(t for t in Locale("en").territories if len(t) == 2 and t.isalpha()
                     and lang in get_official_languages(t, regional=True, de_facto=True))


def expected_zipf(population: int, names: int = 0) -> float:
    """How often a place of this size is named in text, on wordfreq's Zipf scale; the number of
    languages that have a name for it stands for fame beyond its size (Madrid, Nice, Split)."""
    return 4.3 + 0.6 * (math.log10(max(population, 1_000)) - 6) + 0.003 * min(names, 250)


def _frequent_words(lang: str):
    """(word, Zipf) for the language's most frequent words, read without wordfreq's caches (they
    would keep every language's whole list, ~50 MB each, for the life of the process)."""
    import wordfreq

    read = getattr(wordfreq.get_frequency_list, "__wrapped__", wordfreq.get_frequency_list)
    seen = 0
    for centibels, bucket in enumerate(read(lang)):
        for word in bucket:
            yield word, 9 - centibels / 100
            seen += 1
            if seen >= TOP_WORDS:
                return


@lru_cache(maxsize=128)
def word_excess(code: str, home: bool = False) -> dict[str, float]:
    """Folded place names that are frequent words in language `code`, with their excess Zipf; with
    `home`, a city is expected to be talked about more in the languages of its own country."""
    try:
        import wordfreq

        lang = _WORDFREQ_CODES.get(code, code.split("-")[0])
        if lang not in wordfreq.available_languages():
            return {}
        words = list(_frequent_words(lang))
    except Exception as exc:  # a missing word list only costs precision, never the turn
        log.warning("no word frequencies for %s: %s", code, exc)
        return {}
    index = gazetteer()
    found: dict[str, float] = {}
    for word, zipf in words:
        folded = fold_name(word)
        if folded not in index.index:
            continue
        places = index.lookup(folded)
        countries = home_countries(code) if home else frozenset()
        foreign = FOREIGN_NAME_PENALTY if (min(tier for _, tier in index.index[folded]) > PRIMARY_TIER and
                                           not any(p.country in home_countries(code) for p in places)) else 0.0
        excess = zipf + foreign - max(expected_zipf(p.population, len(p.names)) +
                                      (HOME_BONUS if p.country in countries else 0.0) for p in places) if places else 0.0
        if excess > found.get(folded, EXCESS_COMMON - 1e-9):
            found[folded] = excess
    return {name: value for name, value in found.items() if value >= EXCESS_COMMON}


@lru_cache(maxsize=64)
def _frequent_set(code: str) -> dict[str, float]:
    """Folded words of a language's most frequent 50,000 -> their Zipf frequency."""
    try:
        import wordfreq

        lang = _WORDFREQ_CODES.get(code, code.split("-")[0])
        if lang not in wordfreq.available_languages():
            return {}
        found: dict[str, float] = {}
        for word, zipf in _frequent_words(lang):
            found.setdefault(fold_name(word), zipf)
        return found
    except Exception as exc:  # as above
        log.warning("no word frequencies for %s: %s", code, exc)
        return {}


def commonness(folded: str, code: str, *, marked: bool = False) -> float:
    """How far `folded` is a word rather than a place, in language `code` or English (0 = a place).
    `marked` (after a from/to word) allows for a city's fame at home: "fra københavn"."""
    return max(word_excess(code, marked).get(folded, 0.0), word_excess("en", marked and code == "en").get(folded, 0.0))


def has_word_list(code: str) -> bool:
    """Whether wordfreq knows language `code` (Estonian, Telugu and Thai it does not)."""
    return bool(_frequent_set(code))


def is_frequent_word(folded: str, code: str) -> bool:
    """True when `folded` is an everyday word of language `code` or English (Zipf >= 3.5): not a
    name to guess at when it follows a from/to word."""
    return max(word_zipf(folded, code), word_zipf(folded, "en")) >= FREQUENT_ZIPF


def word_zipf(folded: str, code: str) -> float:
    """The Zipf frequency of a word in language `code` (0 when it is not among its 50,000 most frequent).
    A word in another script than the word list's is looked up transliterated (wordfreq's Serbian is Latin)."""
    table = _frequent_set(code)
    found = table.get(folded, 0.0)
    if not found and not folded.isascii() and _latin_list(code):
        from anyascii import anyascii

        found = table.get(fold_name(anyascii(folded)), 0.0)
    return found


@lru_cache(maxsize=64)
def _latin_list(code: str) -> bool:
    """Whether the language's word list is written in Latin letters (most of its 200 first words)."""
    words = list(_frequent_set(code))[:200]
    return bool(words) and sum(w.isascii() for w in words) > 0.8 * len(words)


def prepare(code: str) -> None:
    """Load what reading places in language `code` needs, so the first turn does not wait for it."""
    gazetteer()
    for lang in {code, "en"}:
        word_excess(lang)
        word_excess(lang, True)
        _frequent_set(lang)


def clear_caches() -> None:
    """Forget the per-language word tables (after the gazetteer changes)."""
    word_excess.cache_clear()
    _frequent_set.cache_clear()
    _latin_list.cache_clear()
