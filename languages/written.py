"""Chat (written) formatting with babel: prices, times, dates and durations per locale."""
from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_currency
from babel.units import format_unit

from .routing import get_language


def locale_of(code: str) -> str:
    """The babel locale of a language code (English for unknown codes)."""
    language = get_language(code)
    return language.locale if language else "en_US"


def written_price(amount: float, currency: str, code: str) -> str:
    """245 USD in es -> "245 US$"; cents are shown only when the price has them."""
    locale = locale_of(code)
    if not float(amount).is_integer():
        return format_currency(amount, currency, locale=locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return format_currency(amount, currency, locale=locale, currency_digits=False,
                           format=pattern.replace(".00", ""))


def written_time(value: dt.time, code: str) -> str:
    """A short local time: 14:30 / 2:30 PM."""
    return format_time(value, format="short", locale=locale_of(code))


def written_date(value: dt.date, code: str) -> str:
    """Weekday, day and month: "Sun, Nov 22" / "dom, 22 nov" (the language's CLDR skeleton,
    `written_date.skeleton` in languages.yaml, "MMMEd" unless a language needs another)."""
    language = get_language(code)
    skeleton = language.spec.written_date.skeleton if language else "MMMEd"
    return format_skeleton(skeleton, value, locale=locale_of(code))


def written_duration(minutes: int, code: str) -> str:
    """135 -> "2 hr, 15 min" (locale's short units)."""
    hours, rest = divmod(int(minutes), 60)
    locale = locale_of(code)
    parts = []
    if hours:
        parts.append(format_unit(hours, "duration-hour", length="short", locale=locale))
    if rest or not hours:
        parts.append(format_unit(rest, "duration-minute", length="short", locale=locale))
    return _joined_units(parts, locale)


def _joined_units(parts: list[str], locale: str) -> str:
    # Some CLDR locales lack the narrow unit list patterns (bg, th: babel raises KeyError) or
    # repeat a part through them (ar: "2 س و15 د و15 د"): try the next style.
    for style in ("unit-narrow", "unit-short", "unit", "standard"):
        try:
            joined = format_list(parts, style=style, locale=locale)
        except KeyError:
            continue
        if all(joined.count(part) == 1 for part in parts):
            return joined
    return " ".join(parts)
