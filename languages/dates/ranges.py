"""A range of days: "del 14 al 21 de diciembre", "vom 14. bis 21. Dezember", "14-21 December",
"December 14-21", "from 28 December to 4 January", "14.-21.12.", "12月14日から21日まで".

The first day is the departure, the second the return; days in digits or Han numerals (a range
said in number words is not read as one). The word between the two days is the
language's `date_words.range_to` ("al", "bis", "до", "到") or a dash; the month may be said once,
after the second day (or before the first, where the month comes first) or with each.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from . import calendar
from .lexicon import DateVocabulary, vocabulary
from .patterns import date_gap, day_token, goes_on_as_date, literal, month_token, number_value, spaced
from .readers import MONTH_FIRST_SCRIPTS, _month_value

_DASHES = "-\u2013\u2014~\u301c\uff5e"  # hyphen, en and em dash, tilde, wave dashes (ja 〜)


def _connector(vocab: DateVocabulary) -> str:
    """Between the two days: a dash or a range word, then perhaps an article ("to the", "til den")."""
    words = vocab.spec.date_words
    glued = not spaced(vocab) or vocab.spec.script == "Hangul"  # "14日から", "14일부터"
    start, end = ("", "") if glued else (r"(?<![^\W\d_])", r"(?!\w)")
    articles = literal(vocab, [*words.day_before, *words.filler, *vocab.spec.markers.articles])
    dash = rf"(?:(?<![^\W\d_])[{_DASHES}]|[{_DASHES}](?![^\W\d_]))"  # not inside "vingt-deux"
    return (rf"\s*(?:{dash}|{start}{literal(vocab, words.range_to)}{end})"
            rf"\s*(?:{articles}{end}\s*)?")


@lru_cache(maxsize=64)
def _connector_pattern(code: str) -> re.Pattern:
    return re.compile(_connector(vocabulary(code)))


def _numeric_month(second: int) -> str:
    return rf"(?P<d{second}>\d{{1,2}})\s*[./-]\s*(?P<nm>\d{{1,2}})(?!\d)\.?"


@lru_cache(maxsize=64)
def _patterns(code: str) -> list[tuple[str, re.Pattern]]:
    """(shape, pattern) of the ways language `code` says a range: "ddm" (14-21 December), "mdd"
    (December 14-21), "dmdm", "mdmd" (a month with each day), "ddn" (14.-21.12.)."""
    vocab = vocabulary(code)
    gap, to = date_gap(vocab), _connector(vocab)
    day1, day2 = day_token(vocab, "1", words=False), day_token(vocab, "2", words=False)  # as typed: digits
    month, month2 = month_token(vocab), month_token(vocab, "month2")
    shapes = [("mdd", month + gap + day1 + to + day2), ("mdmd", month + gap + day1 + to + month2 + gap + day2)]
    if vocab.spec.script not in MONTH_FIRST_SCRIPTS:  # 十二月十五日: "十" is no day before "二月"
        shapes += [("ddm", day1 + to + day2 + gap + month), ("dmdm", day1 + gap + month + to + day2 + gap + month2)]
        if vocab.day_first:
            shapes.append(("ddn", r"(?<![\d.])" + day1 + to + _numeric_month(2)))
    return [(shape, re.compile(pattern)) for shape, pattern in shapes]


def _previous(month: int) -> int:
    return 12 if month == 1 else month - 1


def _dates(shape: str, match: re.Match, vocab: DateVocabulary, today: dt.date) -> tuple[dt.date, dt.date] | None:
    groups = match.groupdict()
    first_day = number_value(vocab, groups["d1"], groups["w1"], groups["c1"])
    second_day = number_value(vocab, groups["d2"], groups.get("w2"), groups.get("c2"))
    if not first_day or not second_day or not (1 <= first_day <= 31 and 1 <= second_day <= 31):
        return None
    if shape == "ddn":
        month = int(match["nm"]) if 1 <= int(match["nm"]) <= 12 else None
    else:
        month = _month_value(vocab, match["month"])
    if month is None:
        return None
    if shape in ("dmdm", "mdmd"):
        second_month = _month_value(vocab, match["month2"])
    elif shape == "mdd":  # "December 28-3": the second day is in the next month
        second_month = month if second_day >= first_day else month % 12 + 1
    else:  # "28-3 January": the month is the second day's, the first is in the month before
        second_month, month = month, month if second_day >= first_day else _previous(month)
    first = calendar.next_month_day(month, first_day, today)
    second = calendar.next_month_day(second_month, second_day, first) if first and second_month else None
    return (first, second) if first and second else None


def _in_order(shape: str, match: re.Match, folded: str, vocab: DateVocabulary) -> bool:
    """A range that ends in a bare day ("December 14 - 2 people") or is in the order the locale does
    not write ("pro 2 do 3 osob") counts only where nothing it counts follows."""
    in_order = shape.startswith("m") == vocab.month_first and not shape.endswith("d")
    return in_order or goes_on_as_date(folded, match.end(), vocab.spec.code)


def date_range(folded: str, vocab: DateVocabulary, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first range of days said in `folded` (departure, return), or None."""
    code = vocab.spec.code
    if not _connector_pattern(code).search(folded):  # most sentences: the big patterns stay uncompiled
        return None
    found = sorted((match.start(), -match.end(), shape, match) for shape, pattern in _patterns(code)
                   for match in [pattern.search(folded)] if match and _in_order(shape, match, folded, vocab))
    for _, _, shape, match in found:
        dates = _dates(shape, match, vocab, today)
        if dates:
            return dates
    return None


def range_start(folded: str, vocab: DateVocabulary, today: dt.date) -> dt.date | None:
    """The departure of a range of days ("del 14 al 21 de diciembre": the 14th), as a date reader."""
    dates = date_range(folded, vocab, today)
    return dates[0] if dates else None
