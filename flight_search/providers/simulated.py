"""A built-in simulation of the Amadeus and Duffel HTTP APIs, for booths with no keys.

`simulated_transport` is an httpx transport that answers the real paths of one API with
realistic JSON bodies (built from the demo data, so answers are plausible) after a realistic
latency, and acts out fault kinds AT THE TRANSPORT, so the real adapters' parsing and error
mapping run unchanged. `simulated_provider` wires a real adapter to it with dummy credentials.

The body builders and `search_response` are public: the local fake servers of the
integration tests (tests/fakes/flight_apis.py) serve the same bodies over real HTTP.
Fault kinds: those of `faults.FAULT_KINDS`, plus any `<words>_<4xx|5xx>` (e.g. `bad_request_400`),
which answers with that status and the API's error body.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import httpx

from ..airlines import airline
from ..airports import airport, distance_km
from ..models import Flight, FlightQuery
from . import faults
from .amadeus import AmadeusProvider
from .base import FlightProvider, ProviderError, ProviderOptions
from .demo import generate_flights
from .duffel import DuffelProvider

API_NAMES = ("amadeus", "duffel")
SIM_BASE_URLS = {"amadeus": "https://amadeus.simulated.invalid", "duffel": "https://duffel.simulated.invalid"}
DEFAULT_LATENCY_MS = (150, 600)
_STATUS_FAULT = re.compile(r"^[a-z_]+_([45]\d\d)$")
_CONNECT_FALLBACK = ("FRA", "AMS", "IST", "DXB", "ORD", "SIN")
_DUFFEL_DOCS = "https://duffel.com/docs/api/overview/response-handling"
# status -> (code, title, detail) for Amadeus; (type, code, title, message) for Duffel
_AMADEUS_ERRORS = {
    400: (477, "INVALID FORMAT", "Invalid query parameters"),
    401: (38190, "Invalid access token", "The access token provided in the Authorization header is invalid"),
    403: (38197, "Forbidden", "Access forbidden"),
    404: (38196, "Resource not found", "The targeted resource doesn't exist"),
    429: (38194, "Too many requests", "The network rate limit is exceeded, please try again later"),
    500: (141, "SYSTEM ERROR HAS OCCURRED", None)}
_DUFFEL_ERRORS = {
    400: ("invalid_request_error", "bad_request", "Bad request", "The request was not valid"),
    401: ("authentication_error", "unauthorized", "Unauthorized", "The access token used is not valid"),
    403: ("authentication_error", "insufficient_permissions", "Forbidden", "The token lacks permission"),
    404: ("invalid_request_error", "not_found", "Not found", "The resource you are trying to access does not exist"),
    422: ("validation_error", "invalid_data", "Invalid data", "The data provided is not valid"),
    429: ("rate_limit_error", "rate_limit_exceeded", "Rate limit exceeded", "Too many requests. Please retry later"),
    500: ("api_error", "internal_server_error", "Internal server error", "An internal server error occurred")}


@dataclass(frozen=True)
class SimResponse:
    """A response independent of the server that sends it (httpx transport or Starlette)."""

    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})

    def to_httpx(self, request: httpx.Request) -> httpx.Response:
        """This response as an httpx.Response to `request`."""
        return httpx.Response(self.status, headers=self.headers, content=self.content, request=request)


def check_sim_fault(kind: str | None) -> str | None:
    """A valid simulation fault (None and "ok" mean none); ValueError otherwise."""
    if kind in (None, "ok"):
        return None
    if _STATUS_FAULT.match(kind):
        return kind
    return faults.check_fault(kind)


def _id(prefix: str, *parts: Any) -> str:
    return prefix + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:22]


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> SimResponse:
    """A JSON SimResponse."""
    return SimResponse(status, json.dumps(body).encode(), {"content-type": "application/json", **(headers or {})})


def error_body(api: str, status: int, message: str | None = None) -> dict:
    """The API's own error body for `status`; `message` replaces the human text."""
    if api == "amadeus":
        code, title, detail = _AMADEUS_ERRORS.get(status, (status, "ERROR", None))
        error = {"status": status, "code": code, "title": title}
        if message or detail:
            error["detail"] = message or detail
        return {"errors": [error]}
    kind, code, title, text = _DUFFEL_ERRORS.get(status, ("api_error", "error", "Error", "Request failed"))
    return {"meta": {"status": status, "request_id": _id("FZ", status, message)},
            "errors": [{"type": kind, "code": code, "title": title, "message": message or text,
                        "documentation_url": _DUFFEL_DOCS}]}


def error_response(api: str, status: int, message: str | None = None) -> SimResponse:
    """An error response as the API sends it (429 with Retry-After and, on Duffel, ratelimit-*)."""
    headers = {}
    if status == 429:
        headers = {"retry-after": "1"}
        if api == "duffel":
            headers |= {"ratelimit-limit": "60", "ratelimit-remaining": "0",
                        "ratelimit-reset": (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
                        .strftime("%a, %d %b %Y %H:%M:%S GMT")}
    return json_response(status, error_body(api, status, message), headers)


def amadeus_token_body(token: str, expires_in: int = 1799) -> dict:
    """Amadeus' OAuth2 token body."""
    return {"type": "amadeusOAuth2Token", "username": "booth@example.com", "application_name": "polyglot",
            "client_id": "client-id-redacted", "token_type": "Bearer", "access_token": token,
            "expires_in": expires_in, "state": "approved", "scope": ""}


def _iso_duration(minutes: int, pad: bool = False) -> str:
    hours, rest = divmod(minutes, 60)
    return f"PT{hours:02d}H{rest:02d}M" if pad else f"PT{hours}H{rest}M" if rest else f"PT{hours}H"


class Leg(NamedTuple):
    """One flown segment of a demo flight (local times)."""

    origin: str
    destination: str
    departure: dt.datetime
    arrival: dt.datetime
    minutes: int
    number: str


def legs(flight: Flight) -> list[Leg]:
    """The segments of a demo flight: direct, or via the carrier's hub with a layover.
    The first leg keeps the flight's number; times are local to each airport."""
    if flight.stops == 0:
        return [Leg(flight.origin, flight.destination, flight.departure, flight.arrival,
                    flight.duration_minutes, flight.flight_number)]
    spec = airline(flight.airline)
    hub = next(h for h in [*(spec.hubs if spec else []), *_CONNECT_FALLBACK]
               if h not in (flight.origin, flight.destination) and airport(h))
    a, h, b = airport(flight.origin), airport(hub), airport(flight.destination)
    d1, d2 = (distance_km(a, h), distance_km(h, b)) if a and b else (1.0, 1.0)
    layover = 5 * round(min(120, max(40, flight.duration_minutes // 5)) / 5)
    flying = max(60, flight.duration_minutes - layover)
    first = min(flying - 30, max(30, round(flying * d1 / ((d1 + d2) or 1))))
    second = flying - first
    layover = flight.duration_minutes - first - second
    dep_tz = ZoneInfo(a.tz if a else "UTC")
    arr1 = (flight.departure.replace(tzinfo=dep_tz) + dt.timedelta(minutes=first)).astimezone(ZoneInfo(h.tz))
    dep2 = arr1 + dt.timedelta(minutes=layover)
    second_number = str(100 + (int(flight.flight_number) * 7 + 13) % 3900)
    return [Leg(flight.origin, hub, flight.departure, arr1.replace(tzinfo=None), first, flight.flight_number),
            Leg(hub, flight.destination, dep2.replace(tzinfo=None), flight.arrival, second, second_number)]


def amadeus_offers_body(flights: list[Flight]) -> dict:
    """A Flight Offers Search body for these flights (shape of GET /v2/shopping/flight-offers)."""
    data, carriers, locations = [], {}, {}
    for index, flight in enumerate(flights, start=1):
        segments = []
        for n, leg in enumerate(legs(flight), start=1):
            segments.append({
                "departure": {"iataCode": leg.origin, "at": leg.departure.isoformat()},
                "arrival": {"iataCode": leg.destination, "at": leg.arrival.isoformat()},
                "carrierCode": flight.airline, "number": leg.number,
                "aircraft": {"code": "320" if leg.minutes < 300 else "789"},
                "operating": {"carrierCode": flight.airline}, "duration": _iso_duration(leg.minutes),
                "id": f"{index}{n}", "numberOfStops": 0, "blacklistedInEU": False})
            for code in (leg.origin, leg.destination):
                place = airport(code)
                locations[code] = {"cityCode": code, "countryCode": place.country if place else "ZZ"}
        carriers[flight.airline] = flight.airline_name.upper()
        price = f"{flight.price:.2f}"
        data.append({
            "type": "flight-offer", "id": str(index), "source": "GDS", "instantTicketingRequired": False,
            "nonHomogeneous": False, "oneWay": False, "lastTicketingDate": flight.departure.date().isoformat(),
            "numberOfBookableSeats": 9,
            "itineraries": [{"duration": _iso_duration(flight.duration_minutes), "segments": segments}],
            "price": {"currency": flight.currency, "total": price, "base": f"{flight.price * 0.8:.2f}",
                      "grandTotal": price},
            "validatingAirlineCodes": [flight.airline],
            "travelerPricings": [{"travelerId": "1", "travelerType": "ADULT", "price": {
                "currency": flight.currency, "total": price}, "fareDetailsBySegment": [
                {"segmentId": s["id"], "cabin": "ECONOMY", "class": "Y"} for s in segments]}]})
    body: dict[str, Any] = {"meta": {"count": len(data)}, "data": data}
    if data:  # Amadeus leaves dictionaries out of an empty answer
        body["dictionaries"] = {"locations": locations, "carriers": carriers}
    return body


def _duffel_place(code: str) -> dict:
    place = airport(code)
    if place is None:
        return {"type": "city", "iata_code": code, "name": code, "id": _id("cit_", code)}
    return {"type": "airport", "iata_code": code, "name": place.name, "city_name": place.city,
            "iata_country_code": place.country, "time_zone": place.tz, "latitude": place.lat,
            "longitude": place.lon, "id": _id("arp_", code)}


def duffel_offer_request_body(query: FlightQuery, flights: list[Flight]) -> dict:
    """An offer request body with offers (shape of POST /air/offer_requests?return_offers=true)."""
    request_id, now = _id("orq_", query), dt.datetime.now(dt.UTC).replace(microsecond=0)
    passenger = {"id": _id("pas_", request_id), "type": "adult", "age": None}
    offers = []
    for flight in flights:
        carrier = {"iata_code": flight.airline, "name": flight.airline_name, "id": _id("arl_", flight.airline)}
        segments = [{
            "id": _id("seg_", flight, leg.number), "origin": _duffel_place(leg.origin),
            "destination": _duffel_place(leg.destination), "departing_at": leg.departure.isoformat(),
            "arriving_at": leg.arrival.isoformat(), "duration": _iso_duration(leg.minutes, pad=True),
            "marketing_carrier": carrier, "marketing_carrier_flight_number": leg.number,
            "operating_carrier": carrier, "operating_carrier_flight_number": leg.number,
            "aircraft": {"iata_code": "320" if leg.minutes < 300 else "789"},
            "passengers": [{"passenger_id": passenger["id"], "cabin_class": "economy",
                            "cabin_class_marketing_name": "Economy"}]} for leg in legs(flight)]
        offers.append({
            "id": _id("off_", flight), "live_mode": False, "created_at": now.isoformat(),
            "expires_at": (now + dt.timedelta(minutes=30)).isoformat(),
            "total_amount": f"{flight.price:.2f}", "total_currency": flight.currency,
            "base_amount": f"{flight.price * 0.8:.2f}", "tax_amount": f"{flight.price * 0.2:.2f}",
            "owner": carrier, "passengers": [passenger],
            "slices": [{"id": _id("sli_", flight), "origin": _duffel_place(flight.origin),
                        "destination": _duffel_place(flight.destination),
                        "duration": _iso_duration(flight.duration_minutes, pad=True), "segments": segments}],
            "payment_requirements": {"requires_instant_payment": False}})
    slice_ = {"origin": _duffel_place(query.origin), "destination": _duffel_place(query.destination),
              "departure_date": query.date.isoformat()}
    return {"data": {"id": request_id, "live_mode": False, "created_at": now.isoformat(),
                     "cabin_class": "economy", "slices": [slice_], "passengers": [passenger],
                     "offers": offers}}


def route(api: str, method: str, path: str) -> str | None:
    """Which endpoint a request hits: "token", "search" or None (unknown: 404)."""
    paths = {"amadeus": {("POST", "/v1/security/oauth2/token"): "token",
                         ("GET", "/v2/shopping/flight-offers"): "search"},
             "duffel": {("POST", "/air/offer_requests"): "search"}}
    return paths[api].get((method.upper(), path.rstrip("/")))


def query_from_request(api: str, params: Mapping[str, str], content: bytes) -> FlightQuery:
    """The query a search request asks for; ValueError (-> 400/422) when it is not valid."""
    try:
        if api == "amadeus":
            airlines = params.get("includedAirlineCodes") or None
            return FlightQuery(params["originLocationCode"], params["destinationLocationCode"],
                               dt.date.fromisoformat(params["departureDate"]),
                               airlines.split(",")[0] if airlines else None)
        first = json.loads(content)["data"]["slices"][0]
        return FlightQuery(first["origin"], first["destination"], dt.date.fromisoformat(first["departure_date"]))
    except (KeyError, IndexError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"missing or invalid field {exc}") from None


def fault_status(fault: str | None) -> int | None:
    """The HTTP status a fault answers with (429 for rate_limit_429), or None."""
    match = _STATUS_FAULT.match(fault or "")
    return int(match.group(1)) if match else None


def search_response(api: str, fault: str | None, query: FlightQuery) -> SimResponse:
    """The search endpoint's answer under a fault (timing faults are the caller's job)."""
    if fault_status(fault):
        return error_response(api, fault_status(fault))
    try:
        flights = [] if fault == "empty" else generate_flights(query)
    except ProviderError as exc:
        return error_response(api, 400 if api == "amadeus" else 422, str(exc))
    if api == "amadeus":
        response = json_response(200, amadeus_offers_body(flights))
    else:
        response = json_response(201, duffel_offer_request_body(query, flights))
    if fault == "malformed":  # cut mid-body, as a dropped proxy or a buggy gateway would
        return SimResponse(200, response.content[: len(response.content) // 2], response.headers)
    return response


class SimulatedTransport(httpx.AsyncBaseTransport):
    """Answers one API's real paths in-process, with latency and an optional fault."""

    def __init__(self, api: str, fault: str | None = None, *,
                 latency_ms: tuple[float, float] = DEFAULT_LATENCY_MS, seed: int | None = None) -> None:
        if api not in API_NAMES:
            raise ValueError(f"unknown API '{api}', expected one of: {', '.join(API_NAMES)}")
        self.api, self.fault, self.latency_ms = api, check_sim_fault(fault), latency_ms
        self._rng = random.Random(seed)
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        await asyncio.sleep(self._rng.uniform(*self.latency_ms) / 1000)
        if self.fault == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        endpoint = route(self.api, request.method, request.url.path)
        if endpoint is None:
            return error_response(self.api, 404).to_httpx(request)
        if endpoint == "token":
            return json_response(200, amadeus_token_body(_id("sim", self.requests, self._rng.random()))
                                 ).to_httpx(request)
        if self.fault == "slow":
            await asyncio.sleep(faults.SLOW_SECONDS)      # read at call time: tests shorten it
        elif self.fault == "timeout":
            await asyncio.sleep(faults.HANG_SECONDS)      # the chain's timeout normally ends this
            raise httpx.ReadTimeout("simulated: no answer", request=request)
        try:
            query = query_from_request(self.api, request.url.params, await request.aread())
        except ValueError as exc:
            return error_response(self.api, 400 if self.api == "amadeus" else 422, str(exc)).to_httpx(request)
        return search_response(self.api, self.fault, query).to_httpx(request)


def simulated_transport(provider_name: str, fault: str | None = None,
                        latency_ms: tuple[float, float] = DEFAULT_LATENCY_MS,
                        seed: int | None = None) -> httpx.AsyncBaseTransport:
    """An httpx transport simulating `provider_name`'s API ("amadeus" or "duffel") with `fault`."""
    return SimulatedTransport(provider_name, fault, latency_ms=latency_ms, seed=seed)


def simulated_provider(name: str, fault: str | None = None, *, latency_ms: tuple[float, float] = DEFAULT_LATENCY_MS,
                       seed: int | None = None, options: ProviderOptions | None = None) -> FlightProvider:
    """The real adapter `name` talking to the simulated API, with dummy credentials."""
    transport = simulated_transport(name, fault, latency_ms=latency_ms, seed=seed)
    if name == "amadeus":
        return AmadeusProvider(client_id="simulated", client_secret="simulated", base_url=SIM_BASE_URLS[name],
                               transport=transport, options=options)
    return DuffelProvider(access_token="simulated", base_url=SIM_BASE_URLS[name], transport=transport,
                          options=options)
