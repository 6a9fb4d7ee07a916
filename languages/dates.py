"""Finding the travel date in a sentence: relative words per language, weekdays, then dateparser."""
from __future__ import annotations

import datetime as dt
import logging
import re

from .folding import fold
from .registry import LanguageSpec
from .routing import get_language
from .scripts import UNSPACED_SCRIPTS

log = logging.getLogger(__name__)
MAX_DATEPARSER_CHARS = 400
# dateparser's names for languages whose registry code differs.
_DATEPARSER_CODES = {"no": "nb", "tl": "fil"}


def _word_pattern(words: list[str], spec: LanguageSpec, *, stem: bool = False) -> re.Pattern | None:
    folded = sorted({fold(w, spec.script) for w in words if w.strip()}, key=len, reverse=True)
    if not folded:
        return None
    if spec.script in UNSPACED_SCRIPTS:
        return re.compile("|".join(re.escape(w) for w in folded))
    if not spec.matching.inflected:
        return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in folded)})(?!\w)")
    # Inflected languages: "holnap" also matches "holnapra"; weekday stems drop their last letter
    # ("пятница" -> "пятниц-у"). Words under four letters must match whole ("ma" is not "maga").
    parts = []
    for word in folded:
        if len(word) < 4:
            parts.append(re.escape(word))
        else:
            parts.append(re.escape(word[:-1] if stem and len(word) > 4 else word) + r"\w{0,4}")
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")


def _relative(folded: str, spec: LanguageSpec, today: dt.date) -> dt.date | None:
    words = spec.date_words
    for offset, choices in ((2, words.day_after_tomorrow), (1, words.tomorrow), (0, words.today)):
        pattern = _word_pattern(choices, spec)
        if pattern and pattern.search(folded):
            return today + dt.timedelta(days=offset)
    return None


def _weekday(folded: str, spec: LanguageSpec, today: dt.date) -> dt.date | None:
    for index, name in enumerate(spec.weekdays):
        pattern = _word_pattern([name], spec, stem=True)
        if pattern and pattern.search(folded):
            ahead = (index - today.weekday()) % 7 or 7
            return today + dt.timedelta(days=ahead)
    return None


def _dateparser(text: str, code: str, today: dt.date) -> dt.date | None:
    from dateparser.search import search_dates  # deferred: dateparser loads slowly

    base = dt.datetime.combine(today, dt.time(12))
    try:
        found = search_dates(text[:MAX_DATEPARSER_CHARS], languages=[_DATEPARSER_CODES.get(code, code)],
                             settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"})
    except Exception as exc:  # dateparser raises many kinds on odd input; a miss is fine here
        log.debug("dateparser failed on %r: %s", text[:40], exc)
        return None
    for matched, value in found or []:
        if any(ch.isalpha() for ch in matched) and value.date() >= today:
            return value.date()
    return None


def find_date(text: str, code: str, today: dt.date | None = None) -> dt.date | None:
    """The travel date named in `text` in language `code`, or None when it names none.

    Relative words ("mañana", "pasado mañana") and weekdays come from languages.yaml (dateparser
    misses several); explicit dates ("5 de diciembre") go through dateparser in that language.
    """
    language = get_language(code) or get_language("en")
    spec = language.spec
    today = today or dt.date.today()
    folded = fold(text, spec.script)
    return (_relative(folded, spec, today) or _weekday(folded, spec, today)
            or _dateparser(text, spec.code, today))
