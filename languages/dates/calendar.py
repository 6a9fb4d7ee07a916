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
