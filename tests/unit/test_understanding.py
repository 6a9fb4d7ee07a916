"""The offline agent's reading of requests in English and Spanish, with relative dates."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant import understand
from languages import find_date

from ..conftest import TODAY

TOMORROW = TODAY + dt.timedelta(days=1)
NEXT_FRIDAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize("text, language, expected", [
    ("Find me a flight from Madrid to London tomorrow", "en", ("MAD", "LON", TOMORROW)),
    ("to Paris from New York next Friday", "en", ("NYC", "PAR", NEXT_FRIDAY)),
    ("Madrid to London the day after tomorrow", "en", ("MAD", "LON", TODAY + dt.timedelta(days=2))),
    ("any flights london -> dubai on December 5?", "en", ("LON", "DXB", dt.date(2026, 12, 5))),
    ("Quiero un vuelo de Madrid a Londres mañana", "es", ("MAD", "LON", TOMORROW)),
    ("Busco vuelos desde Barcelona a París el próximo viernes", "es", ("BCN", "PAR", NEXT_FRIDAY)),
    ("¿Hay vuelos de Ciudad de México a Nueva York pasado mañana?", "es", ("MEX", "NYC", TODAY + dt.timedelta(days=2))),
    ("a Londres desde Madrid el 5 de diciembre", "es", ("MAD", "LON", dt.date(2026, 12, 5))),
    ("vuelos de bogota a madrid manana", "es", ("BOG", "MAD", TOMORROW)),  # typed without accents
])
def test_reads_origin_destination_and_date(text, language, expected):
    slots = understand(text, language, TODAY)
    assert (slots.origin, slots.destination, slots.date) == expected


def test_one_city_is_a_destination_unless_marked_as_origin():
    assert understand("flights to London", "en", TODAY).destination == "LON"
    assert understand("leaving from London", "en", TODAY).origin == "LON"


def test_airline_is_picked_up():
    assert understand("Iberia flights from Madrid to Rome tomorrow", "en", TODAY).airline == "IB"
    assert understand("vuelos de Madrid a Roma con Iberia mañana", "es", TODAY).airline == "IB"
    assert understand("flights to Singapore tomorrow", "en", TODAY).airline is None


@pytest.mark.parametrize("text", ["hello", "what's the weather", "", "🙂🙂", "שלום", "12345"])
def test_nothing_understood(text):
    assert not understand(text, "en", TODAY).found_anything


def test_weekday_is_the_next_one_never_today():
    saturday = TODAY
    assert find_date("on Saturday", "en", saturday) == saturday + dt.timedelta(days=7)
    assert find_date("el sábado", "es", saturday) == saturday + dt.timedelta(days=7)
