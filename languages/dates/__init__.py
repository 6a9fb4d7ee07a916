"""Finding the travel date in a sentence, as people say it, in every language.

Clock times ("après 17 heures", "午後5時以降") are blanked first: they name no date. Then readers
run from the most explicit form to the least: a range of days ("del 14 al 21 de diciembre": the
first), a month with a day ("15 декабря", "April first"), a
Solar Hijri date ("۲۴ آذر"), a numeric date in the locale's order ("15/12"), "in N days/weeks", a
day of the month alone ("on the 20th", "on the twenty-fifth"), relative words ("mañana",
"morgenavond"), weekends, weekdays, holidays ("Nochevieja", 元旦), then dateparser, whose dates
count only when they carry no clock time. Month and weekday names come from CLDR (babel), number
words from num2words and ICU, holidays from configs/holidays.yaml, the rest from `date_words` in
configs/languages.yaml.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache

from ..routing import get_language
from . import days, holidays, ranges, readers
from .lexicon import vocabulary, word_pattern
from .names import fold_date
from .patterns import goes_on_as_date
from .times import blank_times

log = logging.getLogger(__name__)
MAX_DATEPARSER_CHARS = 400
# dateparser's names for languages whose registry code differs.
_DATEPARSER_CODES = {"no": "nb", "tl": "fil"}
_READERS = (ranges.range_start, readers.month_day, holidays.solar_hijri, readers.numeric, readers.in_duration,
            days.day_of_month, readers.relative, readers.weekend, readers.weekday, holidays.holiday)
# dateparser gives relative base's noon for "tomorrow", midnight for "15 December"; any other
# time is a clock time or "in 17 hours" read as a date.
_DATE_TIMES = (dt.time(0), dt.time(12))


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
        if any(ch.isalpha() for ch in matched) and value.date() >= today and value.time() in _DATE_TIMES \
                and not _counts_something(text, matched, code):
            return value.date()
    return None


def _counts_something(text: str, matched: str, code: str) -> bool:
    """Whether dateparser's `matched` ends in a number that a noun after it counts ("pro 2 osoby":
    "for 2 people", which dateparser reads as 2 December)."""
    if not matched[-1:].isdigit() or (language := get_language(code)) is None:
        return False
    folded = fold_date(text, language.spec.script)
    start = folded.find(fold_date(matched, language.spec.script))
    return start >= 0 and not goes_on_as_date(folded, start + len(matched), language.code)


@lru_cache(maxsize=64)
def _not_dates(code: str):
    vocab = vocabulary(code)
    return word_pattern(vocab.spec.date_words.not_dates, vocab.spec)


def _without_non_dates(text: str, folded: str, code: str) -> tuple[str, str]:
    """Blank out clock times and phrases that contain a date word but name none ("por la mañana"
    is "in the morning"), in the folded text and, where folding kept its length, in the text
    itself (else dateparser reads the folded text)."""
    folded, spans = blank_times(folded, code)
    pattern = _not_dates(code)
    if pattern is not None:
        spans += [m.span() for m in pattern.finditer(folded)]
    if len(text) != len(folded):
        text = folded
    for start, end in spans:
        folded = folded[:start] + " " * (end - start) + folded[end:]
        text = text[:start] + " " * (end - start) + text[end:]
    return text, folded


def _prepared(text: str, code: str):
    language = get_language(code) or get_language("en")
    text = text[:MAX_DATEPARSER_CHARS]
    text, folded = _without_non_dates(text, fold_date(text, language.spec.script), language.code)
    return language, vocabulary(language.code), text, folded


def find_date_range(text: str, code: str, today: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
    """The departure and return of a range of days named in `text` ("del 14 al 21 de diciembre",
    "14-21 December"), or None when it names none."""
    _, vocab, _, folded = _prepared(text, code)
    return ranges.date_range(folded, vocab, today or dt.date.today())


def find_date(text: str, code: str, today: dt.date | None = None) -> dt.date | None:
    """The travel date named in `text` in language `code`, or None when it names none.

    A day and month already past this year mean next year; a weekday means the coming one
    (strictly after today), or next calendar week's where the language says so (zh 下周五).
    """
    today = today or dt.date.today()
    language, vocab, text, folded = _prepared(text, code)
    for reader in _READERS:
        found = reader(folded, vocab, today)
        if found:
            return found
    return _dateparser(re.sub(r"\s+", " ", text), language.code, today)
