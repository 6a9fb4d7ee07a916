"""Rendered replies for the language lint and the native review sheet, without the engine.

`sample_replies(code)` builds at least 20 replies per language straight from the formatting
functions, with demo flights on varied routes, dates, airlines, stops, prices and times (and one
empty result and one fallback answer), so the whole matrix renders in well under a second per
language. The same inputs give the same replies.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from flight_search.airlines import all_airlines
from flight_search.formatting import chat_markdown, speech_text
from flight_search.models import Attempt, AttemptStatus, FlightQuery, SearchOutcome
from flight_search.providers.demo import generate_flights
from languages.registry import cities_file

SAMPLE_COUNT = 24
_FIRST_DATE = dt.date(2027, 1, 3)


@dataclass(frozen=True)
class RenderedReply:
    """One reply as both panes show it, and the search it answers."""

    index: int
    query: FlightQuery
    chat: str
    speech: str
    flights: int
    airlines: tuple[str, ...]   # IATA codes of the airlines in the reply

    @property
    def route(self) -> str:
        return f"{self.query.origin}-{self.query.destination} {self.query.date.isoformat()}"


def sample_queries(count: int = SAMPLE_COUNT, *, offset: int = 0) -> list[FlightQuery]:
    """`count` searches over the gazetteer's cities, dates across the year, every third for one airline."""
    cities = [city.code for city in cities_file().cities]
    carriers = [airline.iata for airline in all_airlines()]
    queries = []
    for i in range(count):
        n = i + offset
        origin = cities[(n * 7) % len(cities)]
        destination = cities[(n * 7 + 3 + n % 5) % len(cities)]
        date = _FIRST_DATE + dt.timedelta(days=(n * 41) % 365)
        carrier = carriers[(n * 5) % len(carriers)] if n % 3 == 2 else None
        queries.append(FlightQuery(origin, destination, date, carrier))
    return queries


def _fallback(outcome: SearchOutcome) -> SearchOutcome:
    attempts = [Attempt("amadeus", AttemptStatus.TIMEOUT, 3000.0, "timed out"),
                Attempt("demo", AttemptStatus.OK, 1.0)]
    return SearchOutcome(outcome.flights, "demo", attempts)


def sample_replies(code: str, count: int = SAMPLE_COUNT) -> list[RenderedReply]:
    """`count` rendered replies in language `code`: reply 0 finds nothing, reply 1 is a fallback answer."""
    offset = sum(map(ord, code))   # each language sees other routes, all see every kind of reply
    replies = []
    for index, query in enumerate(sample_queries(count, offset=offset)):
        flights = [] if index == 0 else generate_flights(query)
        if index == 2 and flights:   # the demo data has at most one stop: also render a two-stop flight
            flights[0] = replace(flights[0], stops=2)
        outcome = SearchOutcome(flights, "demo", [Attempt("demo", AttemptStatus.OK, 1.0)])
        if index == 1:
            outcome = _fallback(outcome)
        replies.append(RenderedReply(index, query, chat_markdown(outcome, query, code),
                                     speech_text(outcome, query, code), len(flights),
                                     tuple(dict.fromkeys(f.airline for f in flights))))
    return replies
