"""The demo flight provider: deterministic, plausible carriers, durations, times and prices."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from flight_search import FlightQuery
from flight_search.airports import airport, airports_for
from flight_search.providers.demo import generate_flights

from ..conftest import TODAY


def utc(moment: dt.datetime, code: str) -> dt.datetime:
    return moment.replace(tzinfo=ZoneInfo(airport(code).tz)).astimezone(dt.timezone.utc)


def test_same_query_same_flights():
    query = FlightQuery("MAD", "LON", TODAY)
    assert generate_flights(query) == generate_flights(FlightQuery("MAD", "LON", TODAY))
    assert generate_flights(query) != generate_flights(FlightQuery("MAD", "LON", TODAY + dt.timedelta(days=1)))


@pytest.mark.parametrize("origin, destination, low_h, high_h", [
    ("MAD", "LON", 1.8, 3.0),      # ~1,250 km
    ("NYC", "PAR", 6.5, 12.0),     # ~5,800 km
    ("SYD", "LAX", 12.5, 20.0),    # ~12,000 km
])
def test_durations_follow_distance(origin, destination, low_h, high_h):
    for flight in generate_flights(FlightQuery(origin, destination, TODAY)):
        if flight.stops == 0:
            assert low_h * 60 <= flight.duration_minutes <= high_h * 60, flight
        elapsed = utc(flight.arrival, flight.destination) - utc(flight.departure, flight.origin)
        assert elapsed == dt.timedelta(minutes=flight.duration_minutes)


def test_airports_belong_to_the_cities_and_prices_are_plausible():
    flights = generate_flights(FlightQuery("MAD", "LON", TODAY))
    assert 4 <= len(flights) <= 8
    london = {a.iata for a in airports_for("LON")}
    for flight in flights:
        assert flight.origin == "MAD" and flight.destination in london
        assert flight.currency == "EUR" and 40 <= flight.price <= 400
        assert flight.departure.date() == TODAY
        assert flight.flight_number.isdigit()
    assert [f.price for f in flights] == sorted(f.price for f in flights)


def test_carriers_fly_the_route():
    spanish_or_british = {"IB", "UX", "VY", "BA", "U2", "FR", "VS", "I2"}
    carriers = {f.airline for f in generate_flights(FlightQuery("MAD", "LON", TODAY))}
    assert carriers and carriers <= spanish_or_british | {"EI", "W6"}, carriers


def test_airline_filter_keeps_one_airline():
    flights = generate_flights(FlightQuery("MAD", "LON", TODAY, airline="IB"))
    assert flights and {f.airline for f in flights} == {"IB"}
