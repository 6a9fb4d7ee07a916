"""The words a language names dates with: months and weekdays from CLDR (babel), day numbers
from num2words and ICU (see names.py), and the rest (relative words, "in N days", weekends) from
languages.yaml; all folded by `fold_date`, so "yarin" finds "yarın" and 禮拜 finds 礼拜."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from ..folding import fold
from ..registry import LanguageSpec
from ..routing import get_language
from ..scripts import UNSPACED_SCRIPTS
from .names import babel_names, number_words, typed_forms

log = logging.getLogger(__name__)
# Written without spaces, or glued to case endings and particles: names match inside longer words.
_SUFFIXED_SCRIPTS = frozenset({"Hangul"})
_CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
CJK_NUMBER = "[〇零一二两兩三四五六七八九十]{1,3}"


def cjk_number(text: str) -> int | None:
    """The value of a Chinese-character number up to 99 ("十五" -> 15, "二十一" -> 21)."""
    if not text:
        return None
    if "十" not in text:
        return _CJK_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (_CJK_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (_CJK_DIGITS.get(ones, 0) if ones else 0)


def alternation(words, spec: LanguageSpec, *, stem: bool = False, prefixed: bool = False,
                long_stem: bool = False, inflect: bool = True) -> str:
    """A regex alternation matching any of `words` (folded) as whole words in `spec`'s script.

    In inflected languages (and Hangul, where particles are glued on) a word may carry a short
    ending; with `stem`, words over four letters also lose their last letter first
    ("пятница" -> "пятниц-у", "joulukuu" -> "joulukuu-ta"). With `prefixed`, the language's glued
    prepositions may come first (Hebrew "בדצמבר" is "in December"). With `long_stem`, for names that
    count only beside a day number (months): words of six letters or more lose two ("detsember" ->
    "detsemb-ril"), a fleeting vowel may drop ("marec" -> "marc-a", "duben" -> "dubn-a") and a name
    of three letters takes a short ending ("maj" -> "maj-a"); a stem keeps four letters, so that
    "Dubaj" is no "dub-en" and "Marsylia" no "mar-zec". `inflect=False`: the words exactly.
    """
    folded = sorted({fold(w, spec.script) for w in words if w and w.strip()}, key=len, reverse=True)
    if not folded:
        return "(?!)"
    if spec.script in UNSPACED_SCRIPTS:
        return trie_pattern(folded)
    inflected = inflect and (spec.matching.inflected or spec.script in _SUFFIXED_SCRIPTS)
    shortest = 2 if spec.script in _SUFFIXED_SCRIPTS else 4
    by_ending: dict[str, list[str]] = {}
    for word in folded:
        for literal, ending in (_inflected(word, shortest, stem, long_stem) if inflected else [(word, "")]):
            by_ending.setdefault(ending, []).append(literal)
    parts = [trie_pattern(literals) + ending for ending, literals in by_ending.items()]
    glued = sorted({fold(p, spec.script) for p in spec.matching.attached_prefixes}, key=len, reverse=True)
    prefix = "(?:" + "|".join(map(re.escape, glued)) + ")?" if prefixed and glued else ""
    return r"(?<!\w)" + prefix + "(?:" + "|".join(parts) + r")(?!\w)"


_VOWELS = frozenset("aeiouyаеёиоуыэюяєії")
_ENDING, _LONG_ENDING = r"['\w]{0,4}", r"['\w]{0,5}"


def _inflected(word: str, shortest: int, stem: bool, long_stem: bool) -> list[tuple[str, str]]:
    """(literal stem, ending pattern) pairs for `word` with the endings `alternation` allows."""
    last = word.rpartition(" ")[2]
    if len(word) < shortest:
        short = long_stem and len(last) == 3 and last.isalpha()
        return [(word, r"['\w]{0,2}" if short else "")]
    if long_stem and len(last) >= 6 and word[-2:].isalpha():
        patterns = [(word[:-2], _LONG_ENDING)]
    elif stem and len(last) > 4 and word[-1].isalpha():
        patterns = [(word[:-1], _LONG_ENDING)]
    else:
        patterns = [(word, _ENDING)]
    if long_stem and (fleeting := _without_fleeting_vowel(last)):
        patterns.append((word[:len(word) - len(last)] + fleeting, r"['\w]{1,4}"))
    return patterns


def trie_pattern(literals, *, tokens: bool = False) -> str:
    """A regex matching any of `literals` exactly, written as a trie ("(?:pet(?:ak|uk))"): the same
    matches as their alternation, but compiled fast when romanised spellings make them many. With
    `tokens`, each literal is a sequence of regex pieces (escaped letters, an ending, a space)."""
    root: dict = {}
    for literal in literals:
        node = root
        for piece in (literal if tokens else map(re.escape, literal)):
            node = node.setdefault(piece, {})
        node[""] = {}
    if not root:
        return "(?!)"

    def pattern(node: dict) -> str:
        ends = "" in node
        # letters before the open pieces (endings, spaces), so that a longer word is tried first
        pieces = sorted((p for p in node if p), key=lambda p: (p.startswith("\\") and len(p) > 2, p))
        branches = [piece + pattern(node[piece]) for piece in pieces]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return "(?:" + pattern(root) + ")"


def _without_fleeting_vowel(word: str) -> str | None:
    """`word` without the vowel of its last syllable where Slavic cases drop it ("marec" -> "marc",
    "lipiec" -> "lipc", "септембар" -> "септембр"), or None."""
    if len(word) < 5 or word[-1] in _VOWELS or not word[-1].isalpha():
        return None
    for vowel in ("ie", "e", "a", "е", "а"):
        rest = word[:-1 - len(vowel)]
        if word[:-1].endswith(vowel) and len(rest) >= 3 and rest[-1] not in _VOWELS:
            return rest + word[-1]
    return None


def word_pattern(words, spec: LanguageSpec, *, stem: bool = False) -> re.Pattern | None:
    """`alternation` of `words` as typed (see `typed_forms`) compiled, or None when `words` is empty."""
    forms = {form for w in words if w and w.strip() for form in typed_forms(w, spec)}
    if not forms:
        return None
    return re.compile(alternation(forms, spec, stem=stem))


@dataclass(frozen=True)
class DateVocabulary:
    """One language's date words, folded, with the number each stands for."""

    spec: LanguageSpec
    months: dict[str, int]        # folded month name (any form) -> 1..12
    month_abbreviations: frozenset[str]  # the folded month names that are only abbreviations
    weekdays: dict[str, int]      # folded weekday name -> 0 (Monday) .. 6
    numbers: dict[str, int]       # folded number word (cardinal or ordinal) -> value
    ordinals: dict[str, int]      # the ordinal ones among them
    day_first: bool               # numeric dates: 15/12 (True) or 12/15 (False)
    separators: str               # between numeric day and month: "/" and the locale's own
    month_first: bool             # "December 15" (en, hu, lt, zh) rather than "15 December"

    def lookup(self, table: dict[str, int], matched: str) -> int | None:
        """The value of a matched (possibly inflected) word or words: exact, else the known word
        whose stems (one or two letters off each word) match longest ("dwudziestego piątego")."""
        matched = " ".join(matched.split())
        if matched in table:
            return table[matched]
        said = matched.split(" ")
        best = None
        for word, value in table.items():
            parts = word.split(" ")
            if len(parts) != len(said) or len(word) < 2:
                continue
            length = 0
            for part, heard in zip(parts, said):
                stems = [part[:len(part) - cut] for cut in (0, 1, 2) if cut == 0 or len(part) - cut >= 3]
                stem = next((s for s in stems if heard.startswith(s) and (s == part or len(part) > 4)), None)
                if stem is None:
                    break
                length += len(stem)
            else:
                if best is None or length > best[0]:
                    best = (length, value)
        return best[1] if best else None


def _folded_table(named: dict[int, set[str]], spec: LanguageSpec, *, spellings: bool = True) -> dict[str, int]:
    """Every typed form of every name -> its number; a form two numbers share is dropped."""
    table: dict[str, int] = {}
    clashes: set[str] = set()
    for number, names in named.items():
        for name in names:
            for form in typed_forms(name, spec, spellings=spellings):
                if table.get(form, number) != number:
                    clashes.add(form)
                table[form] = number
    return {form: n for form, n in table.items() if form not in clashes}


@lru_cache(maxsize=64)
def vocabulary(code: str) -> DateVocabulary:
    """The date vocabulary of language `code` (unknown codes get English)."""
    spec = (get_language(code) or get_language("en")).spec
    cldr = babel_names(spec)
    day_names = cldr.days
    for index, name in enumerate(spec.weekdays):
        day_names[index].add(name)
    for index, aliases in spec.date_words.weekday_aliases.items():
        day_names[index].update(aliases)
    months, weekdays = _folded_table(cldr.months, spec), _folded_table(day_names, spec)
    wide = {form for names in cldr.months.values() for name in names - cldr.month_abbreviations
            for form in typed_forms(name, spec)}
    abbreviations = frozenset(form for name in cldr.month_abbreviations for form in typed_forms(name, spec)
                              if form in months and form not in wide)
    named, ordinal_words = number_words(spec)
    numbers = {w: n for w, n in _folded_table(named, spec, spellings=False).items() if w not in weekdays}  # vi "thứ ba"
    ordinals = {form: numbers[form] for n, ws in named.items() for w in ws & ordinal_words
                for form in typed_forms(w, spec, spellings=False) if numbers.get(form) == n}
    order = spec.date_words.numeric_order
    if order is None:
        letters = [ch for ch in cldr.short_pattern if ch in "dM"]
        order = "dm" if letters and letters[0] == "d" else "md"
    separators = "/" + "".join(sorted({ch for ch in cldr.short_pattern if ch in ".-"}))
    return DateVocabulary(spec, months, abbreviations, weekdays, numbers, ordinals, order == "dm", separators,
                          cldr.month_first)
