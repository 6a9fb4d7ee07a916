"""assistant.agents: a model's search_flights arguments as a FlightQuery, and a search as the model sees it."""
from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from assistant.agents import SEARCH_TOOL, outcome_for_model, tool_query
from flight_search import FlightQuery, SearchOutcome, search_flights
from flight_search.models import Attempt, AttemptStatus, Flight

from ..conftest import TODAY

TOMORROW = TODAY + dt.timedelta(days=1)


def args(origin="MAD", destination="LHR", date="2026-12-05", **extra) -> dict:
    return {"origin": origin, "destination": destination, "date": date, **extra}


# -- places --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("origin, destination, expected", [
    ("MAD", "LHR", ("MAD", "LHR")),
    ("mad", "lhr", ("MAD", "LHR")),                    # codes in any case
    (" MAD ", "LHR", ("MAD", "LHR")),
    ("Madrid", "London", ("MAD", "LON")),              # English city names: city codes
    ("Paris", "Tokyo", ("PAR", "TYO")),
    ("New York", "LHR", ("NYC", "LHR")),
])
def test_places_in_english(origin, destination, expected):
    query = tool_query(args(origin, destination), "en", TODAY)
    assert isinstance(query, FlightQuery)
    assert (query.origin, query.destination) == expected


@pytest.mark.parametrize("language, origin, destination, expected", [
    ("es", "Madrid", "Londres", ("MAD", "LON")),       # the session language's name
    ("es", "Nueva York", "Londres", ("NYC", "LON")),
    ("es", "Madrid", "London", ("MAD", "LON")),        # English still works in a Spanish session
    ("es", "MAD", "Londres", ("MAD", "LON")),
])
def test_places_in_the_session_language(language, origin, destination, expected):
    query = tool_query(args(origin, destination), language, TODAY)
    assert isinstance(query, FlightQuery)
    assert (query.origin, query.destination) == expected


@pytest.mark.parametrize("origin, destination, named", [
    ("Atlantis", "LHR", "Atlantis"),
    ("MAD", "Atlantis", "Atlantis"),
    ("ZZZ", "LHR", "ZZZ"),                             # three letters, but no such place
    ("Gotham", "Narnia", "Gotham"),                    # both bad: the first is named
])
def test_a_bad_place_returns_a_message_naming_it(origin, destination, named):
    result = tool_query(args(origin, destination), "en", TODAY)
    assert isinstance(result, str)
    assert result.startswith("unknown place") and named in result


@pytest.mark.parametrize("arguments", [
    {"destination": "LHR", "date": "2026-12-05"},       # origin missing
    args(origin=""),
    args(origin=None),
    args(destination="   "),
])
def test_a_missing_place_returns_a_message(arguments):
    result = tool_query(arguments, "en", TODAY)
    assert isinstance(result, str) and result.startswith("unknown place")


@pytest.mark.parametrize("origin, destination", [("MAD", "MAD"), ("Madrid", "MAD"), ("Londres", "London")])
def test_the_same_place_twice_returns_a_message(origin, destination):
    assert isinstance(tool_query(args(origin, destination), "es", TODAY), str)


# -- dates ---------------------------------------------------------------------------------------------

def test_an_iso_date():
    query = tool_query(args(date="2026-12-05"), "en", TODAY)
    assert query.date == dt.date(2026, 12, 5)


@pytest.mark.parametrize("language, word", [("en", "tomorrow"), ("es", "mañana"), ("es", "tomorrow")])
def test_a_relative_date_word(language, word):
    query = tool_query(args(date=word), language, TODAY)
    assert isinstance(query, FlightQuery)
    assert query.date == TOMORROW


def test_a_written_date_in_the_session_language():
    query = tool_query(args(date="5 de diciembre"), "es", TODAY)
    assert query.date == dt.date(2026, 12, 5)


@pytest.mark.parametrize("raw", ["someday maybe", "2026-02-30", "2026-13-01", "not-a-date"])
def test_a_bad_date_returns_a_message(raw):
    result = tool_query(args(date=raw), "en", TODAY)
    assert isinstance(result, str)
    assert result.startswith("unreadable date") and raw in result


def test_a_missing_date_returns_a_message():
    result = tool_query({"origin": "MAD", "destination": "LHR"}, "en", TODAY)
    assert isinstance(result, str) and result.startswith("unreadable date")


def test_a_long_bad_date_is_cut_in_the_message():
    raw = "x" * 500
    result = tool_query(args(date=raw), "en", TODAY)
    assert isinstance(result, str) and len(result) < 80


def test_places_are_checked_before_the_date():
    result = tool_query(args(origin="Atlantis", date="never"), "en", TODAY)
    assert result.startswith("unknown place")


# -- airlines ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("airline, iata", [("Iberia", "IB"), ("iberia", "IB"), ("IB", "IB"),
                                           ("British Airways", "BA"), ("Lufthansa", "LH")])
def test_an_airline_name_or_code(airline, iata):
    query = tool_query(args(airline=airline), "en", TODAY)
    assert isinstance(query, FlightQuery) and query.airline == iata


@pytest.mark.parametrize("airline", ["Zorblax Air", "the", None, ""])
def test_no_or_unknown_airline_searches_every_airline(airline):
    query = tool_query(args(airline=airline), "en", TODAY)
    assert isinstance(query, FlightQuery) and query.airline is None


def test_the_query_matches_the_tool_schema():
    required = SEARCH_TOOL["function"]["parameters"]["required"]
    assert required == ["origin", "destination", "date"]
    query = tool_query(args(airline="Iberia"), "en", TODAY)
    assert query.as_arguments() == {"origin": "MAD", "destination": "LHR", "date": "2026-12-05", "airline": "IB"}


# -- outcome_for_model ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def madrid_london():
    query = FlightQuery("MAD", "LON", TOMORROW)
    return query, asyncio.run(search_flights(query))


FIELDS = {"airline", "flight", "departs", "arrives", "duration_minutes", "stops", "price", "currency"}


@pytest.mark.parametrize("limit", [1, 3, 6, 50])
def test_outcome_for_model_from_a_real_search(madrid_london, limit):
    _query, outcome = madrid_london
    assert outcome.source == "demo" and len(outcome.flights) >= 3
    result = outcome_for_model(outcome, limit)
    assert json.loads(json.dumps(result)) == result          # JSON-serialisable, unchanged by a round trip
    assert result["source"] == "demo" and result["count"] == len(outcome.flights)
    assert len(result["flights"]) == min(limit, len(outcome.flights))
    for shown, flight in zip(result["flights"], outcome.flights):
        assert set(shown) == FIELDS
        assert shown["airline"] == flight.airline_name
        assert shown["flight"] == flight.code and shown["flight"].startswith(flight.airline)
        assert dt.datetime.fromisoformat(shown["departs"]) == flight.departure.replace(second=0, microsecond=0)
        assert dt.datetime.fromisoformat(shown["arrives"]) == flight.arrival.replace(second=0, microsecond=0)
        assert len(shown["departs"]) == 16                    # YYYY-MM-DDTHH:MM
        assert shown["departs"].startswith(TOMORROW.isoformat())
        assert shown["duration_minutes"] == flight.duration_minutes and shown["stops"] == flight.stops
        assert isinstance(shown["price"], int) and abs(shown["price"] - flight.price) <= 0.5
        assert shown["currency"] == flight.currency and len(shown["currency"]) == 3


def test_outcome_for_model_of_a_search_with_an_airline():
    query = tool_query(args("Madrid", "Londres", "mañana", airline="Iberia"), "es", TODAY)
    outcome = asyncio.run(search_flights(query))
    result = outcome_for_model(outcome, 6)
    assert result["flights"] and all(f["flight"].startswith("IB") for f in result["flights"])
    assert all(f["airline"] == "Iberia" for f in result["flights"])
    assert json.loads(json.dumps(result)) == result


def test_outcome_for_model_when_nothing_answered():
    outcome = SearchOutcome([], None, [Attempt("demo", AttemptStatus.TIMEOUT, 3000.0, "no answer")])
    result = outcome_for_model(outcome, 6)
    assert result == {"source": None, "count": 0, "flights": []}
    assert json.loads(json.dumps(result)) == result


def test_outcome_for_model_rounds_prices_and_cuts_seconds():
    flight = Flight("IB", "Iberia", "3166", "MAD", "LHR", dt.datetime(2026, 12, 5, 8, 10, 45),
                    dt.datetime(2026, 12, 5, 9, 30, 5), 140, 0, 245.6, "EUR")
    result = outcome_for_model(SearchOutcome([flight], "demo", []), 6)
    assert result["flights"] == [{"airline": "Iberia", "flight": "IB3166", "departs": "2026-12-05T08:10",
                                  "arrives": "2026-12-05T09:30", "duration_minutes": 140, "stops": 0,
                                  "price": 246, "currency": "EUR"}]


def test_a_past_date_returns_a_message_naming_today():
    message = tool_query(args(date="2025-01-01"), "en", TODAY)
    assert isinstance(message, str) and "past" in message and TODAY.isoformat() in message
    assert isinstance(tool_query(args(date=TODAY.isoformat()), "en", TODAY), FlightQuery)
