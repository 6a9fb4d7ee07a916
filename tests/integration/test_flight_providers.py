"""The Amadeus and Duffel adapters against local fake servers over real HTTP, and the built-in
simulated APIs through the fallback chain. No transport injection in the HTTP tests."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from flight_search.chain import FallbackChain
from flight_search.models import AttemptStatus, Flight, FlightQuery
from flight_search.providers import faults
from flight_search.providers.amadeus import AmadeusProvider
from flight_search.providers.base import ErrorKind, ProviderError, ProviderOptions
from flight_search.providers.demo import DemoProvider, generate_flights
from flight_search.providers.duffel import DuffelProvider
from flight_search.providers.http import HttpFlightProvider, parse_iso_duration
from flight_search.providers.simulated import simulated_provider, simulated_transport
from tests.fakes.flight_apis import FakeApiServer, closed_port_url

QUERY = FlightQuery("LON", "NYC", dt.date(2025, 11, 3))
SENTINEL = "SENTINEL-s3cr3t-9f2c41"
# Hand-written bodies in each API's real shape, checked field by field below.
AMADEUS_BODY = {"meta": {"count": 2}, "data": [
    {"type": "flight-offer", "id": "1", "source": "GDS", "itineraries": [{"duration": "PT14H15M", "segments": [
        {"departure": {"iataCode": "SYD", "terminal": "1", "at": "2025-11-01T11:35:00"},
         "arrival": {"iataCode": "MNL", "terminal": "2", "at": "2025-11-01T16:50:00"},
         "carrierCode": "PR", "number": "212", "duration": "PT8H15M", "id": "1", "numberOfStops": 0},
        {"departure": {"iataCode": "MNL", "at": "2025-11-01T19:20:00"},
         "arrival": {"iataCode": "BKK", "at": "2025-11-01T21:50:00"},
         "carrierCode": "PR", "number": "732", "duration": "PT3H30M", "id": "2", "numberOfStops": 0}]}],
     "price": {"currency": "EUR", "total": "355.34", "base": "255.00", "grandTotal": "355.34"}},
    {"type": "flight-offer", "id": "2", "itineraries": [{"duration": "PT10H5M", "segments": [
        {"departure": {"iataCode": "SYD", "at": "2025-11-01T15:00:00"},
         "arrival": {"iataCode": "BKK", "at": "2025-11-01T21:05:00"},
         "carrierCode": "TG", "number": "0476", "duration": "PT10H5M", "id": "3"}]}],
     "price": {"currency": "EUR", "total": "402.10"}}],
    "dictionaries": {"carriers": {"PR": "PHILIPPINE AIRLINES", "TG": "THAI AIRWAYS INTERNATIONAL"}}}
DUFFEL_BODY = {"data": {"id": "orq_0000AhTmH2Thpl4RIn7T2m", "live_mode": False, "offers": [
    {"id": "off_1", "total_amount": "512.00", "total_currency": "GBP", "slices": [{"duration": "PT10H10M", "segments": [
        {"origin": {"iata_code": "LHR"}, "destination": {"iata_code": "DUB"}, "departing_at": "2025-11-03T08:00:00",
         "arriving_at": "2025-11-03T09:20:00", "marketing_carrier": {"iata_code": "EI", "name": "Aer Lingus"},
         "marketing_carrier_flight_number": "153", "duration": "PT01H20M"},
        {"origin": {"iata_code": "DUB"}, "destination": {"iata_code": "JFK"}, "departing_at": "2025-11-03T11:20:00",
         "arriving_at": "2025-11-03T13:10:00", "marketing_carrier": {"iata_code": "EI", "name": "Aer Lingus"},
         "marketing_carrier_flight_number": "105", "duration": "PT06H50M"}]}]},
    {"id": "off_2", "total_amount": "189.43", "total_currency": "GBP", "slices": [{"duration": "PT07H55M", "segments": [
        {"origin": {"iata_code": "LHR"}, "destination": {"iata_code": "JFK"}, "departing_at": "2025-11-03T10:25:00",
         "arriving_at": "2025-11-03T13:20:00", "marketing_carrier": {"iata_code": "ZZ", "name": "Duffel Airways"},
         "marketing_carrier_flight_number": "0912", "duration": "PT07H55M"}]}]}]}}


def make(api: str, server: FakeApiServer, timeout_s: float = 3.0, **credentials: str) -> HttpFlightProvider:
    """The real adapter for `api`, pointed at `server` (or a closed port when server is None)."""
    url = server.url if server else closed_port_url()
    options = ProviderOptions(timeout_s=timeout_s)
    if api == "amadeus":
        return AmadeusProvider(client_id=credentials.get("client_id", server.client_id if server else "id"),
                               client_secret=credentials.get("secret", server.client_secret if server else "s"),
                               base_url=url, options=options)
    return DuffelProvider(access_token=credentials.get("secret", server.access_token if server else "t"),
                          base_url=url, options=options)


@pytest.fixture(params=["amadeus", "duffel"])
def api_server(request, amadeus_server, duffel_server) -> FakeApiServer:
    """Each fake server in turn."""
    return amadeus_server if request.param == "amadeus" else duffel_server


async def failure(provider: HttpFlightProvider, query: FlightQuery = QUERY) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await provider.search(query)
    return caught.value


# --- happy paths ---------------------------------------------------------------------------
async def test_amadeus_maps_real_shape(amadeus_server):
    amadeus_server.search_body = AMADEUS_BODY
    async with make("amadeus", amadeus_server) as provider:
        pr, tg = await provider.search(FlightQuery("SYD", "BKK", dt.date(2025, 11, 1)))
    assert pr == Flight("PR", "Philippine Airlines", "212", "SYD", "BKK", dt.datetime(2025, 11, 1, 11, 35),
                        dt.datetime(2025, 11, 1, 21, 50), 855, 1, 355.34, "EUR")
    assert (tg.airline, tg.flight_number, tg.stops, tg.duration_minutes, tg.price) == ("TG", "476", 0, 605, 402.10)
    assert tg.airline_name.startswith("Thai Airways")
    assert amadeus_server.last_params == {"originLocationCode": "SYD", "destinationLocationCode": "BKK",
                                          "departureDate": "2025-11-01", "adults": "1", "max": "20",
                                          "nonStop": "false"}


async def test_duffel_maps_real_shape_and_sends_real_request(duffel_server):
    duffel_server.search_body = DUFFEL_BODY
    async with make("duffel", duffel_server) as provider:
        zz, ei = await provider.search(FlightQuery("LHR", "JFK", dt.date(2025, 11, 3)))
    assert zz == Flight("ZZ", "Duffel Airways", "912", "LHR", "JFK", dt.datetime(2025, 11, 3, 10, 25),
                        dt.datetime(2025, 11, 3, 13, 20), 475, 0, 189.43, "GBP")
    assert (ei.airline, ei.flight_number, ei.origin, ei.destination, ei.stops, ei.duration_minutes) == \
        ("EI", "153", "LHR", "JFK", 1, 610)
    assert (ei.departure, ei.arrival, ei.price) == (dt.datetime(2025, 11, 3, 8), dt.datetime(2025, 11, 3, 13, 10), 512.0)
    assert duffel_server.last_json == {"data": {
        "slices": [{"origin": "LHR", "destination": "JFK", "departure_date": "2025-11-03"}],
        "passengers": [{"type": "adult"}], "cabin_class": "economy"}}
    assert duffel_server.last_params["return_offers"] == "true"
    assert duffel_server.last_headers["duffel-version"] == "v2"
    assert duffel_server.last_headers["authorization"] == f"Bearer {duffel_server.access_token}"


async def test_generated_offers_round_trip_to_the_demo_flights(api_server):
    async with make(api_server.api, api_server) as provider:
        flights = await provider.search(QUERY)
    assert flights == generate_flights(QUERY) and any(f.stops for f in flights)


async def test_airline_filter(amadeus_server, duffel_server):
    async with make("amadeus", amadeus_server) as amadeus:
        flights = await amadeus.search(FlightQuery("MAD", "LON", dt.date(2025, 11, 3), airline="IB"))
    assert amadeus_server.last_params["includedAirlineCodes"] == "IB"
    assert flights and {f.airline for f in flights} == {"IB"}
    duffel_server.search_body = DUFFEL_BODY
    async with make("duffel", duffel_server) as duffel:
        flights = await duffel.search(FlightQuery("LHR", "JFK", dt.date(2025, 11, 3), airline="EI"))
    assert [f.code for f in flights] == ["EI153"]


# --- Amadeus token lifecycle ---------------------------------------------------------------
async def test_token_is_cached_across_searches_and_concurrent_callers(amadeus_server):
    async with make("amadeus", amadeus_server) as provider:
        await provider.search(QUERY)
        await asyncio.gather(*(provider.search(QUERY) for _ in range(4)))
    assert amadeus_server.token_requests == 1 and amadeus_server.search_requests == 5


async def test_token_is_refreshed_after_expiry(amadeus_server):
    amadeus_server.token_expires_in = 1
    async with make("amadeus", amadeus_server) as provider:
        await provider.search(QUERY)
        await provider.search(QUERY)           # within 0.9 s: still cached
        assert amadeus_server.token_requests == 1
        await asyncio.sleep(1.0)
        await provider.search(QUERY)
    assert amadeus_server.token_requests == 2
    assert amadeus_server.seen_tokens[0] != amadeus_server.seen_tokens[-1]


async def test_token_is_refreshed_once_on_401(amadeus_server):
    async with make("amadeus", amadeus_server) as provider:
        await provider.search(QUERY)
        amadeus_server.revoke_tokens()
        assert await provider.search(QUERY)
        assert amadeus_server.token_requests == 2
        amadeus_server.fault = "unauthorized_401"   # still 401 after the refresh: give up
        error = await failure(provider)
    assert (error.kind, error.retryable, error.status) == (ErrorKind.AUTH, False, 401)
    assert amadeus_server.token_requests == 3 and amadeus_server.search_requests == 5


async def test_bad_client_credentials(amadeus_server):
    async with make("amadeus", amadeus_server, secret="wrong") as provider:
        error = await failure(provider)
    assert (error.kind, error.retryable, error.status) == (ErrorKind.AUTH, False, 401)
    assert "Client credentials are invalid" in str(error) and amadeus_server.search_requests == 0


# --- faults over real HTTP -----------------------------------------------------------------
@pytest.mark.parametrize("fault, kind, retryable, status", [
    ("rate_limit_429", ErrorKind.RATE_LIMITED, True, 429),
    ("server_error_500", ErrorKind.SERVER_ERROR, True, 500),
    ("server_error_503", ErrorKind.SERVER_ERROR, True, 503),
    ("request_timeout_408", ErrorKind.TIMEOUT, True, 408),
    ("bad_request_400", ErrorKind.BAD_REQUEST, False, 400),
    ("unauthorized_401", ErrorKind.AUTH, False, 401),
    ("forbidden_403", ErrorKind.AUTH, False, 403),
    ("malformed", ErrorKind.MALFORMED, False, 200),
])
async def test_fault_maps_to_error_kind(api_server, fault, kind, retryable, status):
    api_server.fault = fault
    async with make(api_server.api, api_server) as provider:
        error = await failure(provider)
    assert (error.kind, error.retryable, error.status, error.provider) == (kind, retryable, status, api_server.api)
    assert 0 < len(str(error)) <= 120
    if status == 429:
        assert "retry after 1 s" in str(error)


async def test_timeout_is_retryable(api_server, monkeypatch):
    monkeypatch.setattr(faults, "HANG_SECONDS", 1.0)
    api_server.fault = "timeout"
    async with make(api_server.api, api_server, timeout_s=0.3) as provider:
        error = await failure(provider)
    assert (error.kind, error.retryable) == (ErrorKind.TIMEOUT, True)


async def test_slow_answers_within_the_timeout(api_server, monkeypatch):
    monkeypatch.setattr(faults, "SLOW_SECONDS", 0.2)
    api_server.fault = "slow"
    async with make(api_server.api, api_server) as provider:
        assert await provider.search(QUERY) == generate_flights(QUERY)


@pytest.mark.parametrize("api", ["amadeus", "duffel"])
async def test_refused_is_retryable(api):
    async with make(api, None) as provider:
        error = await failure(provider)
    assert (error.kind, error.retryable) == (ErrorKind.REFUSED, True)


async def test_empty_answer_is_an_empty_list(api_server):
    api_server.fault = "empty"
    async with make(api_server.api, api_server) as provider:
        assert await provider.search(QUERY) == []


@pytest.mark.parametrize("body", [{"unexpected": True}, {"data": [{"itineraries": []}]},
                                  {"data": {"offers": [{"slices": [{"segments": [{"departing_at": "soon"}]}]}]}}])
async def test_wrong_shape_is_malformed(api_server, body):
    api_server.search_body = body
    async with make(api_server.api, api_server) as provider:
        error = await failure(provider)
    assert (error.kind, error.retryable) == (ErrorKind.MALFORMED, False)


# --- secrets ---------------------------------------------------------------------------------
async def test_secrets_never_reach_messages_or_reprs(amadeus_server, duffel_server):
    amadeus_server.echo_credentials = duffel_server.echo_credentials = True
    async with make("amadeus", amadeus_server, secret=SENTINEL) as amadeus:   # token endpoint echoes
        error = await failure(amadeus)
        assert "***" in str(error) and SENTINEL not in str(error) + repr(amadeus)
    amadeus_server.client_secret, amadeus_server.fault = SENTINEL, "server_error_500"
    async with make("amadeus", amadeus_server) as amadeus:                    # search echoes the token
        error = await failure(amadeus)
    (token,) = amadeus_server.valid_tokens
    assert "***" in str(error) and token not in str(error) and SENTINEL not in str(error)
    duffel_server.access_token, duffel_server.fault = SENTINEL, "server_error_500"
    async with make("duffel", duffel_server) as duffel:
        error = await failure(duffel)
        assert "***" in str(error) and SENTINEL not in str(error) + repr(duffel)
    async with make("duffel", duffel_server, secret=SENTINEL + "-old") as duffel:
        error = await failure(duffel)
    assert error.kind == ErrorKind.AUTH and SENTINEL not in str(error)


def test_configured_and_missing_keys(monkeypatch):
    for key in ("AMADEUS_CLIENT_ID", "AMADEUS_CLIENT_SECRET", "DUFFEL_ACCESS_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    assert AmadeusProvider.missing_keys() == ["AMADEUS_CLIENT_ID", "AMADEUS_CLIENT_SECRET"]
    assert not AmadeusProvider.configured() and DuffelProvider.missing_keys() == ["DUFFEL_ACCESS_TOKEN"]
    monkeypatch.setenv("AMADEUS_CLIENT_ID", SENTINEL)
    monkeypatch.setenv("AMADEUS_CLIENT_SECRET", SENTINEL)
    assert AmadeusProvider.configured() and AmadeusProvider.missing_keys() == []


async def test_missing_keys_fail_fast_without_a_request(monkeypatch):
    monkeypatch.delenv("DUFFEL_ACCESS_TOKEN", raising=False)
    async with DuffelProvider(base_url=closed_port_url()) as provider:
        error = await failure(provider)
    assert (error.kind, error.retryable, str(error)) == (ErrorKind.AUTH, False, "missing DUFFEL_ACCESS_TOKEN")


# --- the simulated APIs through the fallback chain -------------------------------------------
@pytest.mark.parametrize("api", ["amadeus", "duffel"])
@pytest.mark.parametrize("fault, status, hedge_s, timeout_s", [
    ("ok", AttemptStatus.OK, 1.0, 2.0),
    ("slow", AttemptStatus.CANCELLED, 0.05, 2.0),    # the next tier answers first
    ("timeout", AttemptStatus.TIMEOUT, 5.0, 0.3),
    ("rate_limit_429", AttemptStatus.RATE_LIMITED, 1.0, 2.0),
    ("server_error_500", AttemptStatus.SERVER_ERROR, 1.0, 2.0),
    ("malformed", AttemptStatus.MALFORMED, 1.0, 2.0),
    ("empty", AttemptStatus.EMPTY, 1.0, 2.0),
    ("refused", AttemptStatus.REFUSED, 1.0, 2.0),
    ("unauthorized_401", AttemptStatus.REFUSED, 1.0, 2.0),
])
async def test_simulated_provider_through_the_chain(api, fault, status, hedge_s, timeout_s, monkeypatch):
    monkeypatch.setattr(faults, "SLOW_SECONDS", 0.5)
    simulated = simulated_provider(api, fault, latency_ms=(1, 5), seed=7, options=ProviderOptions(timeout_s=timeout_s))
    outcome = await FallbackChain([simulated, DemoProvider()], hedge_delay_s=hedge_s).run(QUERY)
    assert [a.provider for a in outcome.attempts] == [api, "demo"]
    assert outcome.attempts[0].status == status
    if status == AttemptStatus.OK:
        assert outcome.source == api and outcome.flights == generate_flights(QUERY)
        assert outcome.attempts[1].status == AttemptStatus.SKIPPED
    else:
        assert outcome.source == "demo" and outcome.attempts[1].status == AttemptStatus.OK
    await simulated.aclose()


def test_simulated_transport_rejects_unknown_faults_and_apis():
    with pytest.raises(ValueError, match="unknown fault"):
        simulated_transport("amadeus", "gremlins")
    with pytest.raises(ValueError, match="unknown API"):
        simulated_transport("sabre", None)


def test_a_provider_survives_a_new_event_loop():
    provider = simulated_provider("amadeus", latency_ms=(1, 2))
    for _ in range(2):  # the second loop gets a fresh client and token lock
        assert asyncio.run(provider.search(QUERY)) == generate_flights(QUERY)


def test_iso_durations():
    assert [parse_iso_duration(t) for t in ("PT2H25M", "PT02H26M", "PT45M", "P1DT2H", "PT10H")] == [145, 146, 45, 1560, 600]
    with pytest.raises(ValueError):
        parse_iso_duration("2h25")
