"""Chat vs speech formatting of results, and the spoken / written formatters, in several languages."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from flight_search import FlightQuery, SearchOutcome, chat_markdown, search_flights, speech_text
from flight_search.formatting import SPEECH_FORBIDDEN
from languages.spoken import (spoken_date, spoken_duration, spoken_flight_number, spoken_number,
                              spoken_price, spoken_time)
from languages import all_languages
from languages.written import written_date, written_duration, written_price, written_time

from ..conftest import TODAY


@pytest.fixture(scope="module")
def madrid_london():
    query = FlightQuery("MAD", "LON", TODAY + dt.timedelta(days=1))
    return query, asyncio.run(search_flights(query))


@pytest.mark.parametrize("language, city", [("en", "London"), ("es", "Londres")])
def test_chat_is_a_markdown_list(madrid_london, language, city):
    query, outcome = madrid_london
    chat = chat_markdown(outcome, query, language, limit=6)
    items = [line for line in chat.splitlines() if line[:2].rstrip(".").isdigit()]
    assert len(items) == min(6, len(outcome.flights))
    assert city in chat and "MAD" in chat and "**" in chat


@pytest.mark.parametrize("language", ["en", "es"])
def test_speech_is_plain_words_with_at_most_three_flights(madrid_london, language):
    query, outcome = madrid_london
    speech = speech_text(outcome, query, language, limit=3)
    assert not SPEECH_FORBIDDEN.search(speech)
    assert not any(ch.isdigit() for ch in speech)
    assert "MAD" not in speech and "LHR" not in speech
    named = [f for f in outcome.flights if f.airline_name in speech]
    assert 1 <= speech.count(" flight " if language == "en" else "Vuelo ") <= 3
    assert named


def test_no_flights_says_so():
    query = FlightQuery("MAD", "LON", TODAY)
    empty = SearchOutcome([], None, [])
    assert "couldn't find" in speech_text(empty, query, "en")
    assert "No encontré" in chat_markdown(empty, query, "es")


@pytest.mark.parametrize("amount, currency, language, expected", [
    (245, "USD", "es", "doscientos cuarenta y cinco dólares"),
    (245, "USD", "en", "two hundred and forty-five dollars"),
    (1250, "EUR", "es", "mil doscientos cincuenta euros"),
    (99.6, "EUR", "en", "one hundred euro"),
])
def test_spoken_price(amount, currency, language, expected):
    assert spoken_price(amount, currency, language) == expected


@pytest.mark.parametrize("time, language, expected", [
    (dt.time(14, 30), "en", "two thirty PM"),
    (dt.time(7, 5), "en", "seven oh five AM"),
    (dt.time(0, 0), "en", "twelve AM"),
    (dt.time(14, 30), "es", "las catorce y treinta"),
    (dt.time(13, 0), "es", "las trece en punto"),
    (dt.time(1, 15), "es", "la una y quince"),
])
def test_spoken_time(time, language, expected):
    assert spoken_time(time, language) == expected


def test_spoken_date_duration_and_flight_number():
    assert spoken_date(dt.date(2026, 11, 21), "es") == "veintiuno de noviembre"
    assert spoken_date(dt.date(2026, 11, 21), "en") == "November twenty-first"
    assert spoken_duration(135, "es") == "dos horas y quince minutos"
    assert spoken_duration(45, "en") == "forty-five minutes"
    assert spoken_flight_number("Iberia", "3166", "es") == "Iberia tres uno seis seis"
    assert spoken_number(21, "en", ordinal=True) == "twenty-first"


def test_written_formats_follow_the_locale():
    assert written_price(245, "USD", "es") == "245\xa0US$"
    assert written_price(245.5, "EUR", "en") == "€245.50"
    assert written_time(dt.time(14, 30), "en") == "2:30\u202fPM"
    assert written_time(dt.time(14, 30), "es") == "14:30"
    assert written_date(dt.date(2026, 11, 22), "es") == "dom, 22 nov"
    assert written_duration(135, "en") == "2 hr 15 min"


@pytest.mark.parametrize("code", [language.code for language in all_languages()])
def test_every_language_writes_hours_and_minutes(code):
    # bg and th have no narrow unit list pattern in CLDR, ar's repeats the last part
    text = written_duration(135, code)
    assert text.count("15") == 1 and ("2" in text or code == "he")   # Hebrew writes "two hours" as a word


@pytest.mark.parametrize("code, expected", [("ja", "十一月二十三日"), ("ko", "십일월 이십삼일"),
                                            ("vi", "ngày hai mươi ba tháng mười một")])
def test_a_month_written_as_a_number_is_said_in_words(code, expected):
    assert spoken_date(dt.date(2026, 11, 23), code) == expected


def test_serbian_numbers_are_said_in_cyrillic():
    assert spoken_number(139, "sr") == "сто тридесет девет"
    assert spoken_date(dt.date(2026, 11, 23), "sr") == "двадесет трећи новембар"
