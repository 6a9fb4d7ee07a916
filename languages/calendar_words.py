"""Words a flight request uses for when, not where: weekdays, months, "tomorrow", "evening".

Turkish "çarşamba" (Wednesday) is also a town with an airport, Hindi "शाम" (evening) is an old name
of Damascus: a name that is one of these words is never read as a place (a case form of one only
when it is capitalised). Month and weekday names come from
CLDR through the date vocabulary; the rest from the language's `date_words` and `trip_details`.
"""
from __future__ import annotations

from functools import lru_cache

from .folding import fold_name
from .routing import get_language


@lru_cache(maxsize=64)
def calendar_words(code: str) -> frozenset[str]:
    """Folded single words of language `code` that name a day, a month or a part of the day."""
    from .dates.lexicon import vocabulary

    language = get_language(code) or get_language("en")
    spec = language.spec
    vocab = vocabulary(language.code)
    words = [*vocab.months, *vocab.weekdays, *spec.weekdays]
    dates, trips = spec.date_words, spec.trip_details
    for listed in (dates.today, dates.tomorrow, dates.day_after_tomorrow, dates.weekend,
                   trips.morning, trips.afternoon, trips.evening, trips.night):
        words += listed
    return frozenset(folded for w in words if (folded := fold_name(w)) and " " not in folded)


def clear_caches() -> None:
    """Forget the per-language word sets (after the configs change)."""
    calendar_words.cache_clear()
