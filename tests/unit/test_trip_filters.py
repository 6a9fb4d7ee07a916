"""apply_trip_details: which flights a traveller's details keep, in which order, and how both panes
say it (including when the filters leave nothing)."""
from __future__ import annotations

import datetime as dt

from flight_search import FlightQuery, SearchOutcome, apply_trip_details, chat_markdown, filtered_outcome, speech_text
from flight_search.models import Flight
from flight_search.trip_filters import in_part_of_day
from languages import PartOfDay, SortOrder, TripDetails

from ..conftest import TODAY

QUERY = FlightQuery("MAD", "LON", TODAY)


def flight(number: str, leaves: str, arrives: str, *, stops: int = 0, price: float = 100.0,
           next_day: bool = False) -> Flight:
    departure = dt.datetime.combine(TODAY, dt.time.fromisoformat(leaves))
    arrival = dt.datetime.combine(TODAY + dt.timedelta(days=int(next_day)), dt.time.fromisoformat(arrives))
    return Flight("IB", "Iberia", number, "MAD", "LHR", departure, arrival,
                  int((arrival - departure).total_seconds() // 60), stops, price, "EUR")


FLIGHTS = [
    flight("1", "06:30", "08:00", price=180),
    flight("2", "09:15", "12:40", stops=1, price=90),
    flight("3", "11:00", "12:30", price=120),
    flight("4", "14:20", "15:50", price=70),
    flight("5", "18:45", "20:15", stops=1, price=60),
    flight("6", "22:30", "00:10", price=150, next_day=True),
]


def numbers(flights) -> list[str]:
    return [f.flight_number for f in flights]


def test_no_details_keep_everything_in_order():
    assert numbers(apply_trip_details(FLIGHTS, None)) == ["1", "2", "3", "4", "5", "6"]
    assert numbers(apply_trip_details(FLIGHTS, TripDetails())) == ["1", "2", "3", "4", "5", "6"]


def test_nonstop_and_parts_of_the_day():
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(nonstop=True))) == ["1", "3", "4", "6"]
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(part_of_day=PartOfDay.MORNING))) == ["1", "2", "3"]
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(part_of_day=PartOfDay.AFTERNOON))) == ["4"]
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(part_of_day=PartOfDay.EVENING))) == ["5"]
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(part_of_day=PartOfDay.NIGHT))) == ["6"]
    assert in_part_of_day(dt.time(2, 0), PartOfDay.NIGHT) and not in_part_of_day(dt.time(5, 0), PartOfDay.NIGHT)


def test_time_bounds():
    # a flight at 9:15 does not leave before 9:15
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(depart_before=dt.time(9, 15)))) == ["1"]
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(depart_after=dt.time(14, 20)))) == ["4", "5", "6"]
    # arriving by 20:15 that day: the overnight flight lands after midnight and misses it
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(arrive_by=dt.time(20, 15)))) == ["1", "2", "3", "4", "5"]
    window = TripDetails(depart_after=dt.time(9), depart_before=dt.time(15))
    assert numbers(apply_trip_details(FLIGHTS, window)) == ["2", "3", "4"]


def test_orders():
    assert numbers(apply_trip_details(FLIGHTS, TripDetails(sort=SortOrder.CHEAPEST))) == ["5", "4", "2", "3", "6", "1"]
    shuffled = list(reversed(FLIGHTS))
    assert numbers(apply_trip_details(shuffled, TripDetails(sort=SortOrder.EARLIEST))) == ["1", "2", "3", "4", "5", "6"]
    nonstop_cheapest = TripDetails(nonstop=True, part_of_day=PartOfDay.MORNING, sort=SortOrder.CHEAPEST)
    assert numbers(apply_trip_details(FLIGHTS, nonstop_cheapest)) == ["3", "1"]


def test_both_panes_say_what_was_applied():
    details = TripDetails(nonstop=True, part_of_day=PartOfDay.MORNING, sort=SortOrder.CHEAPEST)
    outcome = filtered_outcome(SearchOutcome(FLIGHTS, "demo"), details)
    assert numbers(outcome.flights) == ["3", "1"] and outcome.unfiltered_count == 6
    chat = chat_markdown(outcome, QUERY, "en", details=details)
    assert "_Applied: nonstop, morning departures, and cheapest first._" in chat
    assert chat.index("IB 3") < chat.index("IB 1 ")
    speech = speech_text(outcome, QUERY, "en", details=details)
    assert "Applied: nonstop, morning departures, and cheapest first." in speech
    spanish = chat_markdown(outcome, QUERY, "es", details=details)
    assert "sin escalas, salidas por la mañana y los más baratos primero" in spanish


def test_when_the_filters_leave_nothing_the_panes_say_which():
    details = TripDetails(nonstop=True, depart_before=dt.time(6), sort=SortOrder.CHEAPEST)
    outcome = filtered_outcome(SearchOutcome(FLIGHTS, "demo"), details)
    assert outcome.flights == []
    chat = chat_markdown(outcome, QUERY, "en", details=details)
    assert chat == ("None of the 6 flights from Madrid to London on Sat, Nov 21 match: "
                    "nonstop and leaving before 6:00\u202fAM.")
    assert "cheapest" not in chat  # an order filters nothing
    speech = speech_text(outcome, QUERY, "en", details=details)
    assert "None of the six flights" in speech and "leaving before six AM" in speech   # numbers in words
    plain = chat_markdown(SearchOutcome([], "demo"), QUERY, "en", details=details)
    assert plain.startswith("I couldn't find any flights")  # the search itself found none


def test_a_return_date_is_noted_in_both_panes():
    details = TripDetails(return_date=dt.date(2026, 11, 29))
    outcome = filtered_outcome(SearchOutcome(FLIGHTS, "demo"), details)
    chat = chat_markdown(outcome, QUERY, "en", details=details)
    assert chat.rstrip().endswith("_I'll search the outbound flight; return on Sun, Nov 29 noted._")
    assert "return on November twenty-ninth noted" in speech_text(outcome, QUERY, "en", details=details)
    assert "29" in chat_markdown(outcome, QUERY, "ja", details=details).splitlines()[-1]
