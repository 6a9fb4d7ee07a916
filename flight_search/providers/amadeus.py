"""Amadeus Self-Service adapter: OAuth2 client credentials + Flight Offers Search (v2).

Wire protocol (https://developers.amadeus.com):
- POST /v1/security/oauth2/token, form grant_type=client_credentials&client_id=..&client_secret=..
  -> {"access_token": "...", "expires_in": 1799, "token_type": "Bearer", ...}
- GET /v2/shopping/flight-offers?originLocationCode=MAD&destinationLocationCode=LON&departureDate=...
  -> {"data": [offer...], "dictionaries": {"carriers": {"IB": "IBERIA"}, ...}}

Constraints: the token is cached until shortly before it expires and refreshed by one task
at a time (asyncio.Lock); a 401 on search refreshes it once and retries once. Credentials and
tokens never appear in messages or reprs.
"""
from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import httpx

from ..models import Flight, FlightQuery
from .base import ProviderOptions
from .http import HttpFlightProvider, airline_name, flight_digits, journey_minutes, parse_local_datetime

TOKEN_PATH = "/v1/security/oauth2/token"
SEARCH_PATH = "/v2/shopping/flight-offers"
MAX_OFFERS = 20
TOKEN_MARGIN_S = 60.0      # refresh this long before expiry (at most 10 % of the lifetime)


def parse_flight_offers(body: dict[str, Any]) -> list[Flight]:
    """Flights from a Flight Offers Search body; KeyError/ValueError/TypeError on a bad shape."""
    carriers = (body.get("dictionaries") or {}).get("carriers") or {}
    flights = []
    for offer in body["data"]:
        itinerary = offer["itineraries"][0]
        segments = itinerary["segments"]
        first, last = segments[0], segments[-1]
        carrier = first["carrierCode"]
        minutes = journey_minutes(itinerary)
        flights.append(Flight(
            airline=carrier, airline_name=airline_name(carrier, carriers.get(carrier)),
            flight_number=flight_digits(first["number"]),
            origin=first["departure"]["iataCode"], destination=last["arrival"]["iataCode"],
            departure=parse_local_datetime(first["departure"]["at"]),
            arrival=parse_local_datetime(last["arrival"]["at"]),
            duration_minutes=minutes, stops=len(segments) - 1,
            price=float(offer["price"]["total"]), currency=offer["price"]["currency"]))
    return flights


class AmadeusProvider(HttpFlightProvider):
    """Amadeus Flight Offers Search. Credentials default to AMADEUS_CLIENT_ID / _SECRET,
    the base URL to AMADEUS_BASE_URL or the test environment."""

    name = "amadeus"
    ENV_KEYS = ("AMADEUS_CLIENT_ID", "AMADEUS_CLIENT_SECRET")
    BASE_URL_ENV = "AMADEUS_BASE_URL"
    DEFAULT_BASE_URL = "https://test.api.amadeus.com"

    def __init__(self, *, client_id: str | None = None, client_secret: str | None = None,
                 base_url: str | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 options: ProviderOptions | None = None, currency: str | None = None,
                 max_offers: int = MAX_OFFERS, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(base_url=base_url, transport=transport, options=options)
        self._client_id = (client_id if client_id is not None else os.environ.get(self.ENV_KEYS[0], "")).strip()
        self._client_secret = (client_secret if client_secret is not None
                               else os.environ.get(self.ENV_KEYS[1], "")).strip()
        self.currency, self.max_offers, self._clock = currency, max_offers, clock
        self._token: str | None = None
        self._token_expires = 0.0
        self._old_tokens: deque[str] = deque(maxlen=3)   # still redacted if an API echoes them
        self._lock = asyncio.Lock()
        self.token_refreshes = 0                         # for metrics and tests

    def _secrets(self) -> tuple[str, ...]:
        return (self._client_secret, self._client_id, self._token or "", *self._old_tokens)

    def _reset_loop_bound(self) -> None:
        self._lock = asyncio.Lock()

    async def _access_token(self) -> str:
        """A valid bearer token: the cached one, or a new one (one refresh at a time)."""
        async with self._lock:
            if self._token and self._clock() < self._token_expires:
                return self._token
            response = await self._send("POST", TOKEN_PATH, data={
                "grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret})
            body = self._json(response, what="token")
            token, lifetime = str(body["access_token"]), float(body.get("expires_in", 1799))
            if self._token:
                self._old_tokens.append(self._token)
            self._token = token
            self._token_expires = self._clock() + lifetime - min(TOKEN_MARGIN_S, lifetime * 0.1)
            self.token_refreshes += 1
            return token

    async def _forget_token(self, used: str) -> None:
        """Drop `used` after a 401, unless another task already replaced it."""
        async with self._lock:
            if self._token == used:
                self._old_tokens.append(used)
                self._token, self._token_expires = None, 0.0

    def _params(self, query: FlightQuery) -> dict[str, str | int]:
        params: dict[str, str | int] = {
            "originLocationCode": query.origin, "destinationLocationCode": query.destination,
            "departureDate": query.date.isoformat(), "adults": 1, "max": self.max_offers,
            "nonStop": "false"}
        if query.airline:
            params["includedAirlineCodes"] = query.airline
        if self.currency:
            params["currencyCode"] = self.currency
        return params

    async def _offers(self, query: FlightQuery, token: str) -> httpx.Response:
        return await self._send("GET", SEARCH_PATH, params=self._params(query),
                                headers={"Authorization": f"Bearer {token}"})

    async def _search(self, query: FlightQuery) -> list[Flight]:
        self._require_keys(bool(self._client_id and self._client_secret))
        token = await self._access_token()
        response = await self._offers(query, token)
        if response.status_code == 401:  # expired or revoked early: refresh once, retry once
            await self._forget_token(token)
            response = await self._offers(query, await self._access_token())
        return parse_flight_offers(self._json(response))
