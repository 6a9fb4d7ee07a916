"""Live smoke tests: one real search per provider (Amadeus test environment, Duffel test mode).

Skipped unless that provider's keys are set; run with `pytest -m live tests/live`.
A retryable failure (rate limit, outage, timeout) skips rather than fails: it says nothing
about our adapter. Anything else (auth, bad request, a shape we cannot read) fails.
"""
from __future__ import annotations

import datetime as dt

import pytest

from flight_search.models import Flight, FlightQuery
from flight_search.providers.amadeus import AmadeusProvider
from flight_search.providers.base import ProviderError, ProviderOptions
from flight_search.providers.duffel import DuffelProvider
from flight_search.providers.http import HttpFlightProvider

pytestmark = pytest.mark.live
DATE = dt.date.today() + dt.timedelta(days=45)


async def _search(provider: HttpFlightProvider, query: FlightQuery) -> list[Flight]:
    async with provider:
        try:
            return await provider.search(query)
        except ProviderError as error:
            if error.retryable:
                pytest.skip(f"{provider.name} unavailable: {error}")
            raise


def _check(flights: list[Flight], query: FlightQuery) -> None:
    for flight in flights:
        assert flight.departure.date() == query.date and flight.arrival > flight.departure - dt.timedelta(days=1)
        assert flight.flight_number.isdigit() and len(flight.airline) == 2 and flight.airline_name
        assert flight.duration_minutes > 0 and flight.stops >= 0
        assert flight.price > 0 and len(flight.currency) == 3


@pytest.mark.skipif(not AmadeusProvider.configured(), reason="needs " + " and ".join(AmadeusProvider.ENV_KEYS))
async def test_amadeus_live_search():
    query = FlightQuery("MAD", "BCN", DATE)
    flights = await _search(AmadeusProvider(options=ProviderOptions(timeout_s=30)), query)
    _check(flights, query)
    assert all(f.origin == "MAD" and f.destination == "BCN" for f in flights)


@pytest.mark.skipif(not DuffelProvider.configured(), reason="needs " + " and ".join(DuffelProvider.ENV_KEYS))
async def test_duffel_live_search():
    query = FlightQuery("LHR", "JFK", DATE)
    flights = await _search(DuffelProvider(options=ProviderOptions(timeout_s=30)), query)
    _check(flights, query)
    assert flights, "Duffel test mode always offers Duffel Airways (ZZ) on LHR-JFK"
