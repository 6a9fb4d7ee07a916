"""The words a language names dates with: months and weekdays from CLDR (babel), day numbers
from num2words, and the rest (relative words, "in N days", weekends) from languages.yaml."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from ..folding import fold
from ..registry import LanguageSpec
from ..routing import get_language
from ..scripts import UNSPACED_SCRIPTS

log = logging.getLogger(__name__)
# Written without spaces, or glued to case endings and particles: names match inside longer words.
_SUFFIXED_SCRIPTS = frozenset({"Hangul"})
# num2words knows these languages' numbers, but dates there are written in digits (and the number
# words are also common words: Korean 일 is "one", "day" and "work").
_NO_NUMBER_WORDS = frozenset({"ko", "ja", "zh"})
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


def alternation(words, spec: LanguageSpec, *, stem: bool = False, prefixed: bool = False) -> str:
    """A regex alternation matching any of `words` (folded) as whole words in `spec`'s script.

    In inflected languages (and Hangul, where particles are glued on) a word may carry a short
    ending; with `stem`, words over four letters also lose their last letter first
    ("пятница" -> "пятниц-у", "joulukuu" -> "joulukuu-ta"). With `prefixed`, the language's glued
    prepositions may come first (Hebrew "בדצמבר" is "in December").
    """
    folded = sorted({fold(w, spec.script) for w in words if w and w.strip()}, key=len, reverse=True)
    if not folded:
        return "(?!)"
    if spec.script in UNSPACED_SCRIPTS:
        return "(?:" + "|".join(re.escape(w) for w in folded) + ")"
    inflected = spec.matching.inflected or spec.script in _SUFFIXED_SCRIPTS
    parts = []
    shortest = 2 if spec.script in _SUFFIXED_SCRIPTS else 4
    for word in folded:
        escaped = re.escape(word)
        if inflected and len(word) >= shortest:
            last = word.rsplit(" ", 1)[-1]  # only a last word long enough loses a letter
            cut = word[:-1] if stem and len(last) > 4 and word[-1].isalpha() else word
            escaped = re.escape(cut) + r"['\w]{0,4}"
        parts.append(escaped)
    glued = sorted({fold(p, spec.script) for p in spec.matching.attached_prefixes}, key=len, reverse=True)
    prefix = "(?:" + "|".join(map(re.escape, glued)) + ")?" if prefixed and glued else ""
    return r"(?<!\w)" + prefix + "(?:" + "|".join(parts) + r")(?!\w)"


def word_pattern(words, spec: LanguageSpec, *, stem: bool = False) -> re.Pattern | None:
    """`alternation` compiled, or None when `words` is empty."""
    if not any(w and w.strip() for w in words):
        return None
    return re.compile(alternation(words, spec, stem=stem))


@dataclass(frozen=True)
class DateVocabulary:
    """One language's date words, folded, with the number each stands for."""

    spec: LanguageSpec
    months: dict[str, int]        # folded month name (any form) -> 1..12
    weekdays: dict[str, int]      # folded weekday name -> 0 (Monday) .. 6
    numbers: dict[str, int]       # folded number word (cardinal or ordinal) -> value
    day_first: bool               # numeric dates: 15/12 (True) or 12/15 (False)
    separators: str               # between numeric day and month: "/" and the locale's own

    def lookup(self, table: dict[str, int], matched: str) -> int | None:
        """The value of a matched (possibly inflected) word: exact, else the longest known stem."""
        if matched in table:
            return table[matched]
        best = None
        for word, value in table.items():
            stem = word[:-1] if len(word) > 4 else word
            if len(word) >= 2 and matched.startswith(stem) and (best is None or len(word) > best[0]):
                best = (len(word), value)
        return best[1] if best else None


def _babel_names(locale: str) -> tuple[dict[int, set[str]], dict[int, set[str]], str]:
    from babel import Locale  # deferred: babel loads its locale data lazily anyway
    from babel.dates import get_date_format

    loc = Locale.parse(locale)
    months: dict[int, set[str]] = {m: set() for m in range(1, 13)}
    days: dict[int, set[str]] = {d: set() for d in range(7)}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in loc.months[context][width].items():
                if width == "wide" or len(name.rstrip(".")) >= 3 or not name.isascii():
                    months[number].update({name, name.rstrip(".")})
        for number, name in loc.days[context]["wide"].items():
            days[number].add(name)
    for number, name in loc.days["format"]["abbreviated"].items():
        if any("\u4e00" <= ch <= "\u9fff" for ch in name) and len(name) >= 2:
            days[number].add(name)  # Chinese 周五 beside 星期五
    return months, days, get_date_format("short", locale=loc).pattern


def _number_words(spec: LanguageSpec) -> dict[int, set[str]]:
    words: dict[int, set[str]] = {n: set() for n in range(1, 32)}
    if spec.num2words and spec.code not in _NO_NUMBER_WORDS:
        from num2words import num2words

        for n in range(1, 32):
            for kind in ("cardinal", "ordinal"):
                try:
                    words[n].add(num2words(n, lang=spec.num2words, to=kind))
                except (NotImplementedError, KeyError, ValueError, AttributeError) as exc:
                    log.debug("num2words has no %s %s for %s: %s", kind, n, spec.code, exc)
    for n, extra in spec.date_words.numbers.items():
        words.setdefault(n, set()).update(extra)
    return words


@lru_cache(maxsize=64)
def vocabulary(code: str) -> DateVocabulary:
    """The date vocabulary of language `code` (unknown codes get English)."""
    spec = (get_language(code) or get_language("en")).spec
    script = spec.script
    month_names, day_names, short_pattern = _babel_names(spec.locale)
    months = {fold(name, script): n for n, names in month_names.items() for name in names}
    weekdays = {fold(name, script): d for d, names in day_names.items() for name in names}
    for index, name in enumerate(spec.weekdays):
        weekdays[fold(name, script)] = index
    for index, aliases in spec.date_words.weekday_aliases.items():
        weekdays.update({fold(name, script): index for name in aliases})
    numbers = {fold(w, script): n for n, ws in _number_words(spec).items() for w in ws if w.strip()}
    order = spec.date_words.numeric_order
    if order is None:
        letters = [ch for ch in short_pattern if ch in "dM"]
        order = "dm" if letters and letters[0] == "d" else "md"
    separators = "/" + "".join(sorted({ch for ch in short_pattern if ch in ".-"}))
    return DateVocabulary(spec, months, weekdays, numbers, order == "dm", separators)
