"""The language lint: what a native reader notices in a rendered reply, as pure rules.

`lint_reply(chat, speech, language)` returns one `LintIssue` per problem found, each naming its rule
and quoting the offending text. The rules are script-aware, not per-example:

- `doubled_punctuation`: ".." (not an ellipsis), ",.", ". .", "。。", an abbreviation's dot glued
  to the next word ("ธ.ค.ค่ะ"), a space before a comma or full stop.
- `misplaced_punctuation`: in speech, a clock colon or digit between spelled words
  ("üksteist:viis", "0viis"), a full stop before a lower-case word ("kaks. detsember").
- `space_in_unspaced_script`: a space between digits or characters of a script written without
  spaces (Han, Japanese): "1 5 2航班", "5458 人民币", "八万 えん".
- `mixed_numerals`: ASCII digits and native numerals in one expression ("十二月2日"), or digits
  left in speech where the language spells numbers ("con 2 escalas").
- `foreign_script`: in the speech of a non-Latin language, words in another script than the
  language's own (English airline names read by a Japanese voice), except allowed brand forms.
- `leftover_markup`: markdown, HTML or `{placeholder}` left in the speech; unbalanced `**` or a
  placeholder in the chat.
- `untranslated_template`: words of the English reply templates in another language's reply.
- `repeated_word`: a template word twice in a row ("Penerbangan Penerbangan Malaysia").
- `language_pattern`: per-language grammar patterns from `configs/qa.yaml` (a cardinal where the
  day needs an ordinal, a detached conjunction, a masculine ordinal before a month...).

Settings (allowed brand forms, the per-language patterns) come from `configs/qa.yaml`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from languages import get_language, load_config
from languages.scripts import char_script

UNSPACED = frozenset({"Han", "Japanese"})
# Numerals that are not ASCII digits: CJK numerals and the native digits of other scripts.
_HAN_NUMERALS = "〇零一二三四五六七八九十百千万萬億亿两兩"
_NATIVE_DIGIT = re.compile(r"[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0BE6-\u0BEF"
                           r"\u0C66-\u0C6F\u0E50-\u0E59]")
_MARKUP_SPEECH = re.compile(r"\*\*|__|`|#|\[|\]|\{[a-z_]*\}|</?[A-Za-z][^<>]*>|\\|\|")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_DOUBLED = re.compile(r"(?<![.…])\.\.(?![.…])|[,;:]\s*[.。]|[.。]\s+[.。,]|。。|、、|，，|,,")
_SPACE_BEFORE = re.compile(r"(?<=\S)\s+[,.](?=\s|$)")


class LanguagePattern(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: str
    pattern: str
    pane: str = Field(default="speech", pattern=r"^(speech|chat|both)$")
    why: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class LintSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    allowed_foreign_words: list[str] = Field(default_factory=list)
    patterns: dict[str, list[LanguagePattern]] = Field(default_factory=dict)


class _QaFile(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    lint: LintSettings = LintSettings()


@lru_cache(maxsize=1)
def lint_settings() -> LintSettings:
    """The `lint:` section of `configs/qa.yaml`, validated."""
    return load_config("qa.yaml", _QaFile).lint


@dataclass(frozen=True)
class LintIssue:
    """One problem: which rule, in which pane, and the offending text."""

    rule: str
    pane: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.pane}): '{self.excerpt}'"


def _excerpt(text: str, start: int, end: int, around: int = 12) -> str:
    return text[max(0, start - around):end + around].strip()


def _letters_run(text: str, start: int) -> int:
    """The end of the run of letters (and their combining marks) starting at `start`."""
    end = start
    while end < len(text) and (text[end].isalpha() or unicodedata.category(text[end]).startswith("M")):
        end += 1
    return end


def doubled_punctuation(text: str, pane: str, code: str) -> list[LintIssue]:
    issues = [LintIssue("doubled_punctuation", pane, _excerpt(text, m.start(), m.end()))
              for m in _DOUBLED.finditer(text)]
    issues += [LintIssue("doubled_punctuation", pane, _excerpt(text, m.start(), m.end()))
               for m in _SPACE_BEFORE.finditer(text)]
    # An abbreviation's dot followed at once by a word of two or more letters ("ธ.ค.ค่ะ"), where
    # the run after it is not itself abbreviated ("ธ.ค." is fine, "e.g." is fine).
    for match in re.finditer(r"(?<=\w)\.(?=\w)", text):
        if text[match.start() - 1].isdigit() or text[match.end()].isdigit():
            continue
        end = _letters_run(text, match.end())
        if end - match.end() >= 2 and (end >= len(text) or text[end] != "."):
            issues.append(LintIssue("doubled_punctuation", pane, _excerpt(text, match.start(), end)))
    return issues


_CASED = frozenset({"Latin", "Cyrillic", "Greek"})


def misplaced_punctuation(text: str, pane: str, code: str) -> list[LintIssue]:
    """In speech: a clock colon or a digit between spelled words ("üksteist:viis", "0viis"), and a
    full stop followed by a lower-case word in a cased script ("kaks. detsember")."""
    if pane != "speech":
        return []
    language = get_language(code)
    issues = [LintIssue("misplaced_punctuation", pane, _excerpt(text, m.start(), m.end()))
              for m in re.finditer(r"[^\W\d_]:[^\W\d_]|[^\W\d_]\d|\d[^\W\d_]", text)]
    if language is not None and language.script in _CASED:
        issues += [LintIssue("misplaced_punctuation", pane, _excerpt(text, m.start(), m.end()))
                   for m in re.finditer(r"[^\W\d_]\.\s+([^\W\d_]+)", text)
                   if m[1][0].islower() and m[1] == m[1].lower()]   # "easyJet" starts a sentence lower-case
    return issues


def _unspaced(char: str) -> bool:
    return char.isdigit() or char in _HAN_NUMERALS or char_script(char) in UNSPACED


def space_in_unspaced_script(text: str, pane: str, code: str) -> list[LintIssue]:
    language = get_language(code)
    if language is None or language.script not in UNSPACED:
        return []
    issues = []
    for match in re.finditer(r"(\S)[ \u00a0\u202f]+(\S)", text):
        left, right = match[1], match[2]
        both_digits = left.isdigit() and right.isdigit()
        if both_digits or (_unspaced(left) and _unspaced(right) and not (left.isdigit() and right.isdigit())):
            if both_digits and pane == "chat":
                continue  # "VS 807 · 9:50": codes and numbers in a list are separate items
            if pane == "chat" and (left.isdigit() or right.isdigit()):
                continue  # CLDR units ("16 時間") keep their space in writing
            issues.append(LintIssue("space_in_unspaced_script", pane, _excerpt(text, match.start(), match.end())))
    return issues


_UNIT = "[年月日号時时点分]?"
_HAN_MIXED = re.compile(rf"[0-9]{_UNIT}[{_HAN_NUMERALS}]|[{_HAN_NUMERALS}]{_UNIT}[0-9]")


def mixed_numerals(text: str, pane: str, code: str) -> list[LintIssue]:
    # Han numerals also occur in words (周一 "Monday"): only a numeral touching a digit, or parted
    # from it by one date or time unit (十二月2日), is one mixed expression.
    issues = [LintIssue("mixed_numerals", pane, _excerpt(text, m.start(), m.end(), 4))
              for m in _HAN_MIXED.finditer(text)]
    for token in re.findall(r"[^\s,，、。.·:;()（）]+", text):
        if re.search(r"[0-9]", token) and _NATIVE_DIGIT.search(token):
            issues.append(LintIssue("mixed_numerals", pane, token))
    return issues


def _own_script(letter_script: str, script: str) -> bool:
    return letter_script == script or (script == "Japanese" and letter_script == "Han")


def foreign_script(text: str, pane: str, code: str) -> list[LintIssue]:
    language = get_language(code)
    if pane != "speech" or language is None or language.script == "Latin":
        return []
    allowed = {word.casefold() for word in lint_settings().allowed_foreign_words}
    issues = []
    for match in re.finditer(r"[^\W\d_][\w'’\-]*", text):
        word = match.group()
        scripts = {s for s in map(char_script, word) if s}
        if scripts and not any(_own_script(s, language.script) for s in scripts) and word.casefold() not in allowed:
            issues.append(LintIssue("foreign_script", pane, _excerpt(text, match.start(), match.end(), 6)))
    return issues


def digits_in_speech(text: str, pane: str, code: str) -> list[LintIssue]:
    """Digits left in speech where the language's numbers are spelled out (one style per reply)."""
    from languages.spoken import spoken_numbers_supported  # deferred: the speller loads ICU

    if pane != "speech" or not spoken_numbers_supported(code):
        return []
    return [LintIssue("mixed_numerals", pane, _excerpt(text, m.start(), m.end()))
            for m in re.finditer(r"\d+", text)]


def leftover_markup(text: str, pane: str, code: str) -> list[LintIssue]:
    if pane == "speech":
        return [LintIssue("leftover_markup", pane, _excerpt(text, m.start(), m.end()))
                for m in _MARKUP_SPEECH.finditer(text)]
    issues = [LintIssue("leftover_markup", pane, _excerpt(text, m.start(), m.end()))
              for m in _PLACEHOLDER.finditer(text)]
    for line in text.splitlines():
        if line.count("**") % 2:
            issues.append(LintIssue("leftover_markup", pane, line[:60]))
    return issues


@lru_cache(maxsize=64)
def _template_words(code: str) -> frozenset[str]:
    """Words of the English templates that the language's own templates do not use."""
    english, own = get_language("en"), get_language(code)
    if own is None or english is None or own.code == "en":
        return frozenset()

    def words(phrases: dict[str, str]) -> set[str]:
        return {w.casefold() for text in phrases.values()
                for w in re.findall(r"[A-Za-z]{4,}", _PLACEHOLDER.sub(" ", text))}
    place_words = {w.casefold() for names in own.spec.city_names.values() for name in names
                   for w in re.findall(r"[A-Za-z]{4,}", name)}   # "Mexico City" is a name, not a template word
    return frozenset(words(english.phrases) - words(own.phrases) - place_words - {"madrid", "london"})


def untranslated_template(text: str, pane: str, code: str) -> list[LintIssue]:
    english_words = _template_words(code)
    return [LintIssue("untranslated_template", pane, _excerpt(text, m.start(), m.end()))
            for m in re.finditer(r"(?<![\w-])[A-Za-z]{4,}(?![\w-])", text)
            if m.group().casefold() in english_words]


@lru_cache(maxsize=64)
def _own_template_words(code: str) -> frozenset[str]:
    own = get_language(code)
    if own is None:
        return frozenset()
    from languages.spoken import spoken_number  # deferred: the speller loads ICU

    digits = {spoken_number(n, code).casefold() for n in range(10)}
    return frozenset(w.casefold() for text in own.phrases.values()
                     for w in re.findall(r"[^\W\d_]{5,}", _PLACEHOLDER.sub(" ", text))) - digits


def repeated_word(text: str, pane: str, code: str) -> list[LintIssue]:
    """A template word said twice in a row ("Penerbangan Penerbangan Malaysia"): a filled-in value
    repeats its template (spelled digits may repeat: "два два")."""
    words = _own_template_words(code)
    return [LintIssue("repeated_word", pane, _excerpt(text, m.start(), m.end()))
            for m in re.finditer(r"(?<!\w)([^\W\d_]{5,})\s+\1(?!\w)", text, re.IGNORECASE)
            if m[1].casefold() in words]


def language_pattern(text: str, pane: str, code: str) -> list[LintIssue]:
    issues = []
    for rule in lint_settings().patterns.get(code, []):
        if rule.pane in (pane, "both"):
            issues += [LintIssue(f"{rule.rule}", pane, _excerpt(text, m.start(), m.end()))
                       for m in re.finditer(rule.pattern, text)]
    return issues


RULES = (doubled_punctuation, misplaced_punctuation, space_in_unspaced_script, mixed_numerals, digits_in_speech,
         foreign_script, leftover_markup, untranslated_template, repeated_word, language_pattern)


def lint_text(text: str, pane: str, code: str, *, brands: tuple[str, ...] = ()) -> list[LintIssue]:
    """Every rule on one pane's text ("chat" or "speech"); `brands` are cut out first (the chat shows
    airline brands as the airline writes them)."""
    for brand in sorted(brands, key=len, reverse=True):
        text = text.replace(brand, "")
    return [issue for rule in RULES for issue in rule(text, pane, code)]


def lint_reply(chat: str, speech: str, code: str, *, brands: tuple[str, ...] = ()) -> list[LintIssue]:
    """The lint of one reply: its chat markdown and its speech text in language `code`."""
    return lint_text(chat, "chat", code, brands=brands) + lint_text(speech, "speech", code)
