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
    # holidays: the next one on or after today, in the language's own names
    ("en", "home for xmas", d(12, 25)),
    ("en", "new years day", d(1, 1, 2027)),
    ("es", "para la Nochebuena", d(12, 24)),
    ("de", "zu Silvester", d(12, 31)),
    ("pt", "voo de Natal para Recife no Natal", d(12, 25)),   # "de Natal" is the city, "no Natal" the day
    ("sv", "över jul", d(12, 25)),
    ("ru", "на Пасху", d(5, 2, 2027)),                         # Orthodox Easter
    ("it", "a Pasqua", d(3, 28, 2027)),
    ("ja", "元旦に", d(1, 1, 2027)),
    ("zh", "春節", d(2, 6, 2027)),                              # Traditional characters, lunar table
    ("fa", "نوروز", d(3, 21, 2027)),                           # 1 Farvardin, Solar Hijri
    # day numbers in words, compounds read whole, ordinals alone
    ("en", "on the thirty-first", d(12, 31)),
    ("en", "january twenty first", d(1, 21, 2027)),
    ("ru", "двадцать девятого ноября", d(11, 29)),
    ("pl", "trzydziestego pierwszego grudnia", d(12, 31)),
    ("ar", "في الخامس من يناير", d(1, 5, 2027)),
    ("el", "την 2η Φεβρουαρίου", d(2, 2, 2027)),
    # month names in case forms and regional month names
    ("et", "2. veebruaril", d(2, 2, 2027)),
    ("lv", "2. februārī", d(2, 2, 2027)),
    ("sr", "2. фебруара", d(2, 2, 2027)),
    ("sl", "2. februarja", d(2, 2, 2027)),
    ("ar", "2 آذار", d(3, 2, 2027)),                           # Levantine March
    ("fa", "۱ فروردین", d(3, 21, 2027)),
    # as typed: plain letters, romanised, Traditional Chinese, glued parts of the day
    ("tr", "YARIN SABAH", d(11, 22)),
    ("tr", "persembe", d(11, 26)),
    ("bg", "v chetvartak", d(11, 26)),                         # ъ typed "a"
    ("el", "tin Pempti", d(11, 26)),
    ("hi", "parso shaam", d(11, 23)),
    ("zh", "禮拜天", d(11, 22)),
    ("nl", "donderdagochtend", d(11, 26)),
    ("vi", "thứ Năm tuần sau", d(11, 26)),
]


@pytest.mark.parametrize("code, text, expected", CASES, ids=[f"{c}:{t}" for c, t, _ in CASES])
def test_date_forms(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text", [
    ("en", "the first flight to Paris"),       # an ordinal with no month is no date
    ("en", "3 cheapest flights to Paris"),
    ("en", "from London to Paris at 7.30"),    # a time, not July 30th, in English
    ("es", "por la mañana a Londres"),         # "in the morning", not tomorrow
    # clock times and hours are no date (dateparser reads "17 heures" as 17 hours from now)
    ("fr", "après 17 heures"),
    ("en", "before 10 am"),
    ("ja", "午前9時まで"),
    ("tr", "sabah 9'dan önce"),
    ("de", "gegen 20 Uhr"),
    ("pt", "voo de Natal para Recife"),        # the city, not Christmas
    ("es", "el primer vuelo a Madrid"),        # an ordinal before a noun is no day
    ("ru", "первый рейс"),
    ("vi", "sau 3 giờ chiều"),                 # "sáu" is six, not an ordinal day
])
def test_no_date_where_none_is_named(code, text, today):
    assert find_date(text, code, today) is None


def test_signature_and_defaults_stay():
    assert find_date("tomorrow", "en", TODAY) == d(11, 22)
    assert find_date("tomorrow", "xx", TODAY) == d(11, 22)             # unknown codes read as English
    assert find_date("tomorrow", "en") == dt.date.today() + dt.timedelta(days=1)


def test_time_with_a_date_keeps_the_date(today):
    assert find_date("demain après 17 heures", "fr", today) == d(11, 22)
    assert find_date("明日の午後3時以降", "ja", today) == d(11, 22)
    assert find_date("am 15. Dezember nach 18 Uhr", "de", today) == d(12, 15)


def test_solar_hijri_and_easter():
    assert calendar.from_solar_hijri(1405, 9, 24) == d(12, 15)           # 24 Azar
    assert calendar.from_solar_hijri(1406, 1, 1) == d(3, 21, 2027)        # Nowruz
    assert calendar.from_solar_hijri(1403, 12, 30) == d(3, 20, 2025)      # a leap year's last day
    assert calendar.solar_hijri_year(TODAY) == 1405
    assert calendar.easter(2027) == d(3, 28, 2027)
    assert calendar.easter(2027, orthodox=True) == d(5, 2, 2027)


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
