"""Date arithmetic for spoken dates: the next such day on or after today."""
from __future__ import annotations

import datetime as dt


def next_month_day(month: int, day: int, today: dt.date, year: int | None = None) -> dt.date | None:
    """`month`/`day` this year, or next year when it has passed; None when no such day exists."""
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    for candidate_year in (today.year, today.year + 1, today.year + 2):
        try:
            candidate = dt.date(candidate_year, month, day)
        except ValueError:
            continue  # 29 February: try the next years
        if candidate >= today:
            return candidate
    return None


def next_day_of_month(day: int, today: dt.date) -> dt.date | None:
    """The next `day` of a month on or after today ("on the 20th" said on the 21st: next month)."""
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = dt.date(year, month, day)
            if candidate >= today:
                return candidate
        except ValueError:
            pass  # the 31st of a 30-day month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def coming_weekday(weekday: int, today: dt.date) -> dt.date:
    """The next `weekday` (0 = Monday) strictly after today."""
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)


def next_week_weekday(weekday: int, today: dt.date) -> dt.date:
    """`weekday` of next calendar week (Monday to Sunday), as zh 下周X / ja 来週X / ko 다음 주 X mean."""
    next_monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    return next_monday + dt.timedelta(days=weekday)


def weekend(today: dt.date, day: int = 5, *, next_week: bool) -> dt.date:
    """The first day of this weekend (`day`, 5 = Saturday; today when the weekend has begun), or of
    next calendar week's weekend."""
    if next_week:
        return next_week_weekday(day, today)
    if today.weekday() >= day and (day == 5 or today.weekday() == day):
        return today
    return today + dt.timedelta(days=(day - today.weekday()) % 7)


def easter(year: int, *, orthodox: bool = False) -> dt.date:
    """Easter Sunday of `year` (Gregorian computus, or the Orthodox one as a Gregorian date)."""
    from dateutil import easter as computus  # python-dateutil: a dependency of dateparser

    return computus.easter(year, computus.EASTER_ORTHODOX if orthodox else computus.EASTER_WESTERN)


# Years where the Persian calendar's 33-year leap pattern breaks
# (Borkowski's algorithm, as in the jalaali libraries); exact for 1 to 3177 AP.
_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
           2394, 2456, 3178)


def _nowruz(jy: int) -> dt.date:
    """1 Farvardin of Solar Hijri year `jy` as a Gregorian date."""
    gy, leap_j, jp, jump = jy + 621, -14, _BREAKS[0], 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += jump // 33 * 8 + jump % 33 // 4
        jp = jm
    n = jy - jp
    leap_j += n // 33 * 8 + (n % 33 + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gy // 4 - (gy // 100 + 1) * 3 // 4 - 150
    return dt.date(gy, 3, 20 + leap_j - leap_g)


def from_solar_hijri(jy: int, month: int, day: int) -> dt.date:
    """The Gregorian date of day `day` of month `month` (1 = Farvardin) of Solar Hijri year `jy`."""
    offset = (month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30
    return _nowruz(jy) + dt.timedelta(days=offset + day - 1)


def solar_hijri_year(today: dt.date) -> int:
    """The Solar Hijri year `today` falls in."""
    return today.year - 621 if today >= _nowruz(today.year - 621) else today.year - 622
