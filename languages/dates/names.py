"""Where a language's date names come from: months and weekdays from CLDR (babel), day numbers
from num2words and ICU's ordinal spellout, and how people type them (romanised, without the
language's special letters, in the other Chinese script)."""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import NamedTuple

from ..folding import fold
from ..registry import LanguageSpec

log = logging.getLogger(__name__)
# Letters typed as their plain neighbour ("yarin" for "yarın", "بكره" for "بكرة"), one for one so
# that folded text keeps its length. Persian and Arabic keyboards give two yehs and two kafs.
_PLAIN = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "أ": "ا", "إ": "ا", "آ": "ا",
                        "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك", "\u200c": " ",
                        **{chr(0xFF10 + n): str(n) for n in range(10)}, "／": "/", "．": ".", "－": "-"})
# Scripts whose romanisation by anyascii is how people type them in Latin letters ("sryada" for
# "сряда", "triti" for "Τρίτη"); Indic and Arabic romanisations differ too much from it.
_ROMANISED_SCRIPTS = frozenset({"Cyrillic", "Greek"})
# num2words knows these languages' numbers, but dates there are written in digits (and the number
# words are also common words: Korean 일 is "one", "day" and "work").
_NO_NUMBER_WORDS = frozenset({"ko", "ja", "zh"})
_ICU_JUNK = re.compile("[\u00ad\u200b\u2018\u2019]")


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # deferred: only Chinese text needs it

    return opencc.OpenCC("t2s")


def fold_date(text: str, script: str) -> str:
    """`fold`, then the plain letter for letters often typed plain, and Simplified Chinese for
    Traditional (下禮拜三 reads as 下礼拜三). Keeps the length of `fold(text)` (but for Han)."""
    folded = fold(text, script).translate(_PLAIN)
    if script == "Han":
        converted = _to_simplified().convert(folded)
        folded = converted if len(converted) == len(folded) else folded
    return folded


def typed_forms(word: str, spec: LanguageSpec, *, spellings: bool = True) -> set[str]:
    """`word` folded, as the language's typing habits change it (`date_words.typed_letters`:
    Bulgarian "петак" for "петък"; Ukrainian without its apostrophe, "пятниця"), and in Latin
    letters where people type the script romanised (see `_romanised`; `spellings=False`: one
    romanisation per system, for the thousands of number words' forms)."""
    folded = fold_date(word, spec.script)
    forms = {folded, folded.translate(str.maketrans(spec.date_words.typed_letters))}
    if spec.script == "Cyrillic":
        forms |= {f.replace("'", "") for f in forms}
    if spec.script in _ROMANISED_SCRIPTS:
        forms |= _romanised(word, spec, spellings)
    return {f for f in forms if f.strip()}


# Latin spellings of one Cyrillic sound that the usual romanisations (BGN/PCGN, ISO 9, the national
# systems, everyday typing) disagree on: я is "ya", "ia" or "ja", ц "ts" or "c"; the hard and soft
# signs (anyascii's "'") are dropped or typed as the vowel they sound like ("petak", "petuk", "petyk").
_LATIN_SPELLINGS = (("ya", "ia", "ja"), ("yu", "iu", "ju"), ("ye", "ie", "je"), ("ts", "c"),
                    ("ch", "c"), ("zh", "z", "j"), ("'", "", "a", "u", "y", "i"))
_SIGNS = str.maketrans({"ʹ": "'", "ʺ": "'", "’": "'"})


def _romanised(word: str, spec: LanguageSpec, spellings: bool) -> set[str]:
    """`word` in Latin letters: by anyascii and ICU's BGN/PCGN system for the language, then with
    each of `_LATIN_SPELLINGS` (for Cyrillic) spelled every usual way."""
    from anyascii import anyascii  # deferred: one table per script, loaded on first use

    if spec.script == "Greek":  # Greeklish: αυ, ευ are typed "av", "ev" ("avrio" for "αύριο")
        word = re.sub("([αε])υ", r"\1β", fold(word, spec.script))
    romans = {anyascii(word)}
    if (bgn := _bgn_transliterator(spec.locale)) is not None:
        romans.add(bgn.transliterate(word))
    forms = {fold_date(roman.translate(_SIGNS), "Latin") for roman in romans}
    if spec.script != "Cyrillic" or not spellings:  # the signs dropped, or ъ typed "a" as in Bulgarian
        return forms | {f.replace("'", "") for f in forms} | {f.replace("'", "a") for f in forms}
    for usual, *others in _LATIN_SPELLINGS:
        forms = {form.replace(usual, choice) for form in forms for choice in (usual, *others)}
    return forms


@lru_cache(maxsize=64)
def _bgn_transliterator(locale: str):
    """ICU's BGN/PCGN romanisation for the language of `locale` ("Russian-Latin/BGN"), or None."""
    try:
        import icu
        from babel import Locale
    except ImportError:
        return None
    name = Locale("en").languages.get(locale.split("_")[0])
    wanted = f"{name}-Latin/BGN"
    if not name or wanted not in set(icu.Transliterator.getAvailableIDs()):
        return None
    return icu.Transliterator.createInstance(wanted)


class CldrNames(NamedTuple):
    """What CLDR says about one language's dates (see `babel_names`)."""

    months: dict[int, set[str]]       # 1..12 -> wide and abbreviated names, both contexts
    month_abbreviations: set[str]     # names that are only abbreviations ("úno", "дек"): never inflected
    days: dict[int, set[str]]         # 0 (Monday)..6 -> wide names
    short_pattern: str                # the short date pattern ("d. M. y"): numeric order, separators
    month_first: bool                 # the long date pattern names the month before the day


def babel_names(spec: LanguageSpec) -> CldrNames:
    """Month (1..12) and weekday (0 = Monday) names of the language's locale and of the further
    locales its `date_words.locales` names (sr_Latn, Levantine ar_SY), and its date patterns."""
    from babel import Locale  # deferred: babel loads its locale data lazily anyway
    from babel.dates import get_date_format

    months: dict[int, set[str]] = {m: set() for m in range(1, 13)}
    abbreviations: set[str] = set()
    wide: set[str] = set()
    days: dict[int, set[str]] = {d: set() for d in range(7)}
    for locale in (spec.locale, *spec.date_words.locales):
        loc = Locale.parse(locale)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in loc.months[context][width].items():
                    if width == "wide" or len(name.rstrip(".")) >= 3 or not name.isascii():
                        months[number].update({name, name.rstrip(".")})
                        (abbreviations if width == "abbreviated" else wide).update({name, name.rstrip(".")})
            for number, name in loc.days[context]["wide"].items():
                days[number].add(name)
        for number, name in loc.days["format"]["abbreviated"].items():
            if any("\u4e00" <= ch <= "\u9fff" for ch in name) and len(name) >= 2:
                days[number].add(name)  # Chinese 周五 beside 星期五
    for number, names in months.items():  # ja 12月 is also written 十二月 (zh's CLDR name)
        months[number] |= {name.replace(str(number), _han_number(number)) for name in names
                           if name.startswith(str(number)) and name[len(str(number)):] == "月"}
    locale = Locale.parse(spec.locale)
    long_pattern = get_date_format("long", locale=locale).pattern
    return CldrNames(months, abbreviations - wide, days, get_date_format("short", locale=locale).pattern,
                     long_pattern.find("M") < long_pattern.find("d"))


def _han_number(n: int) -> str:
    """1..99 in Chinese numerals (12 -> 十二), as Chinese and Japanese write months and days."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return ((digits[tens] if tens > 1 else "") + "十" if tens else "") + (digits[ones] if ones else "")


def _icu_ordinals(locale: str) -> dict[int, set[str]]:
    """ICU's ordinal spellouts (every gender and case it has) of 1..31; empty without PyICU."""
    try:
        import icu
    except ImportError:
        return {}
    formatter = icu.RuleBasedNumberFormat(icu.URBNFRuleSetTag.SPELLOUT, icu.Locale(locale))
    names = [formatter.getRuleSetName(i) for i in range(formatter.getNumberOfRuleSetNames())]
    found: dict[int, set[str]] = {}
    for name in (n for n in names if "ordinal" in n):
        for n in range(1, 32):
            words = _ICU_JUNK.sub("", formatter.format(n, name))
            if not any(ch.isdigit() for ch in words):  # Tamil spells 23 as "23ாவது"
                found.setdefault(n, set()).add(words)
    return found


def _compounds(words: dict[int, set[str]], ordinals: set[str]) -> None:
    """Ordinal days 21..31 as tens then ones where no source spelled them ("dvacátého pátého")."""
    for n in range(21, 32):
        if n % 10 == 0 or words.get(n, set()) & ordinals:
            continue
        ones = {w for w in words.get(n % 10, set()) & ordinals if len(w) > 2}
        tens = {w for w in words.get(n - n % 10, set()) if len(w) > 2}
        said = {f"{t} {o}" for t in tens for o in ones}
        words.setdefault(n, set()).update(said)
        ordinals |= said


def number_words(spec: LanguageSpec) -> tuple[dict[int, set[str]], set[str]]:
    """Words for 1..31 (cardinal and ordinal, with their hyphen-less spellings) and which of them
    are ordinals (a day said alone is an ordinal: "on the first", "на двадцатое")."""
    words: dict[int, set[str]] = {n: set() for n in range(1, 32)}
    ordinals: set[str] = set()
    cardinals: set[str] = set()
    if spec.code in _NO_NUMBER_WORDS:
        return words, ordinals
    if spec.num2words:
        from num2words import num2words

        for n in range(1, 32):
            for kind in ("cardinal", "ordinal"):
                try:
                    said = num2words(n, lang=spec.num2words, to=kind)
                except (NotImplementedError, KeyError, ValueError, AttributeError) as exc:
                    log.debug("num2words has no %s %s for %s: %s", kind, n, spec.code, exc)
                    continue
                words[n].add(said)
                (ordinals if kind == "ordinal" else cardinals).add(said)
    ordinals -= cardinals  # num2words "ordinals" of vi, th, bn are the cardinals ("sáu" is six)
    for n, said in _icu_ordinals(spec.locale).items():
        words[n] |= said
        ordinals |= said
    for n, extra in spec.date_words.numbers.items():
        words.setdefault(n, set()).update(extra)
    ordinals |= {w for n, ws in spec.date_words.ordinals.items() for w in ws}
    for n, ws in spec.date_words.ordinals.items():
        words.setdefault(n, set()).update(ws)
    _compounds(words, ordinals)
    for ws in words.values():  # "twenty-third" is also typed "twenty third"
        ws |= {w.replace("-", " ") for w in ws} | {w.replace(" ", "") for w in ws if " " in w}
    ordinals |= {v for w in ordinals for v in (w.replace("-", " "), w.replace(" ", ""))}
    return words, ordinals
