"""Dates as people say them, per language family (today is Saturday 2026-11-21).

These strings are not those of tests/data/understanding/dates.yaml (the benchmark's cases).
"""
from __future__ import annotations

import datetime as dt

import pytest

from languages import find_date
from languages.dates import calendar

from ..conftest import TODAY


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


CASES = [
    # English: ordinals in words and digits, weekdays, weekends, spans, numeric dates (US order)
    ("en", "April first", d(4, 1, 2027)),                    # already past this year: next year
    ("en", "on the 20th", d(12, 20)),                        # the 20th has passed this month
    ("en", "Wednesday April sixth", d(4, 6, 2027)),          # the explicit date wins over the weekday
    ("en", "next Wednesday", d(11, 25)),
    ("en", "on Saturday", d(11, 28)),                        # strictly after today (a Saturday)
    ("en", "this weekend", d(11, 21)),
    ("en", "next weekend please", d(11, 28)),
    ("en", "in two weeks", d(12, 5)),
    ("en", "in 3 days", d(11, 24)),
    ("en", "a week from today", d(11, 28)),
    ("en", "12/15", d(12, 15)),
    ("en", "15/12", d(12, 15)),                              # no 15th month: read day first
    ("en", "the twenty-third of December", d(12, 23)),
    ("en", "November 2nd", d(11, 2, 2027)),
    ("en", "on 2027-01-09", d(1, 9, 2027)),
    # Spanish, Portuguese, Italian, French: "primero", "1er", "dentro de", "quinze jours"
    ("es", "el primero de abril", d(4, 1, 2027)),
    ("es", "el 3 de enero", d(1, 3, 2027)),
    ("es", "dentro de 5 días", d(11, 26)),
    ("es", "el martes", d(11, 24)),
    ("es", "el sábado por la mañana", d(11, 28)),            # "mañana" here is the morning
    ("es", "12/15", d(12, 15)),
    ("pt", "dia 2 de fevereiro", d(2, 2, 2027)),
    ("pt", "daqui a 4 dias", d(11, 25)),
    ("pt", "fim de semana que vem", d(11, 28)),
    ("it", "il 3 gennaio", d(1, 3, 2027)),
    ("it", "tra 5 giorni", d(11, 26)),
    ("it", "martedì prossimo", d(11, 24)),
    ("fr", "le premier avril", d(4, 1, 2027)),
    ("fr", "dans 10 jours", d(12, 1)),
    ("fr", "dans quinze jours", d(12, 5)),
    ("fr", "lundi prochain", d(11, 23)),
    # German: ordinal words with endings, "15.12.", spans
    ("de", "am ersten April", d(4, 1, 2027)),
    ("de", "am 3. Januar", d(1, 3, 2027)),
    ("de", "15.12.", d(12, 15)),
    ("de", "in 5 Tagen", d(11, 26)),
    ("de", "in einer Woche", d(11, 28)),
    ("de", "am Dienstag", d(11, 24)),
    # Russian: genitive months and ordinals, "через"
    ("ru", "15 декабря", d(12, 15)),
    ("ru", "третьего января", d(1, 3, 2027)),
    ("ru", "через 5 дней", d(11, 26)),
    ("ru", "через неделю", d(11, 28)),
    ("ru", "во вторник", d(11, 24)),
    # Japanese, Chinese, Korean: next calendar week's weekday, month-day with counters
    ("ja", "12月15日", d(12, 15)),
    ("ja", "来週の月曜日", d(11, 23)),
    ("ja", "5日後に", d(11, 26)),
    ("ja", "今週末", d(11, 21)),
    ("zh", "下周五", d(11, 27)),
    ("zh", "我想下周五从上海飞往悉尼", d(11, 27)),
    ("zh", "下星期天", d(11, 29)),                            # next week's Sunday, not tomorrow
    ("zh", "十二月二十日", d(12, 20)),
    ("zh", "12月15号", d(12, 15)),
    ("zh", "五天后", d(11, 26)),
    ("ko", "다음 주 금요일", d(11, 27)),
    ("ko", "다음주 일요일", d(11, 29)),
    ("ko", "12월 15일", d(12, 15)),
    ("ko", "5일 후", d(11, 26)),
    ("ko", "토요일에", d(11, 28)),
    # Arabic, Hindi, Turkish
    ("ar", "25 ديسمبر", d(12, 25)),
    ("ar", "بعد خمسة أيام", d(11, 26)),
    ("ar", "يوم السبت", d(11, 28)),
    ("hi", "25 दिसंबर", d(12, 25)),
    ("hi", "पांच दिन बाद", d(11, 26)),
    ("hi", "मंगलवार को", d(11, 24)),
    ("tr", "25 Aralık'ta", d(12, 25)),
    ("tr", "beş gün sonra", d(11, 26)),
    ("tr", "salı günü", d(11, 24)),
    ("tr", "bu hafta sonu", d(11, 21)),
    ("tr", "ayın 5'inde", d(12, 5)),
]


@pytest.mark.parametrize("code, text, expected", CASES, ids=[f"{c}:{t}" for c, t, _ in CASES])
def test_date_forms(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text", [
    ("en", "the first flight to Paris"),       # an ordinal with no month is no date
    ("en", "3 cheapest flights to Paris"),
    ("en", "from London to Paris at 7.30"),    # a time, not July 30th, in English
    ("es", "por la mañana a Londres"),         # "in the morning", not tomorrow
])
def test_no_date_where_none_is_named(code, text, today):
    assert find_date(text, code, today) is None


def test_signature_and_defaults_stay():
    assert find_date("tomorrow", "en", TODAY) == d(11, 22)
    assert find_date("tomorrow", "xx", TODAY) == d(11, 22)             # unknown codes read as English
    assert find_date("tomorrow", "en") == dt.date.today() + dt.timedelta(days=1)


def test_calendar_arithmetic():
    assert calendar.next_month_day(2, 29, TODAY) == d(2, 29, 2028)      # the next leap year
    assert calendar.next_month_day(11, 21, TODAY) == TODAY              # today still counts
    assert calendar.next_day_of_month(31, d(11, 5)) == d(12, 31)         # November has no 31st
    assert calendar.coming_weekday(5, TODAY) == d(11, 28)
    assert calendar.next_week_weekday(6, TODAY) == d(11, 29)
    assert calendar.next_week_weekday(0, d(11, 23)) == d(11, 30)         # said on a Monday
    assert calendar.weekend(d(11, 18), next_week=False) == d(11, 21)     # said on a Wednesday
    assert calendar.weekend(d(11, 22), next_week=False) == d(11, 22)     # said on the Sunday
    assert calendar.weekend(TODAY, 4, next_week=False) == d(11, 27)      # a Friday weekend
