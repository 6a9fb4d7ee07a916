"""Duffel adapter: one offer request with `return_offers=true` (API version v2).

Wire protocol (https://duffel.com/docs/api):
- POST /air/offer_requests?return_offers=true, headers Authorization: Bearer <token>,
  Duffel-Version: v2, body {"data": {"slices": [{"origin", "destination", "departure_date"}],
  "passengers": [{"type": "adult"}], "cabin_class": "economy"}}
  -> 201 {"data": {"id": "orq_...", "offers": [offer...], ...}}

Constraints: Duffel has no airline filter on offer requests, so `query.airline` is applied to
the offers here. The access token never appears in messages or reprs.
"""
from __future__ import annotations

import os
from typing import Any

import httpx

from ..models import Flight, FlightQuery
from .base import ProviderOptions
from .http import (
    HttpFlightProvider,
    airline_name,
    flight_digits,
    journey_minutes,
    matches_airline,
    parse_local_datetime,
)

OFFER_REQUESTS_PATH = "/air/offer_requests"
API_VERSION = "v2"
# Duffel waits this long (ms) for airlines; keep it inside our tier timeout. Duffel's bounds.
SUPPLIER_TIMEOUT_MS = (2000, 60000)


def parse_offer_request(body: dict[str, Any]) -> list[Flight]:
    """Flights from an offer request body; KeyError/ValueError/TypeError on a bad shape."""
    flights = []
    for offer in body["data"]["offers"]:
        journey = offer["slices"][0]
        segments = journey["segments"]
        first, last = segments[0], segments[-1]
        carrier = first["marketing_carrier"]
        minutes = journey_minutes(journey)
        flights.append(Flight(
            airline=carrier["iata_code"], airline_name=airline_name(carrier["iata_code"], carrier.get("name")),
            flight_number=flight_digits(first["marketing_carrier_flight_number"]),
            origin=first["origin"]["iata_code"], destination=last["destination"]["iata_code"],
            departure=parse_local_datetime(first["departing_at"]),
            arrival=parse_local_datetime(last["arriving_at"]),
            duration_minutes=minutes, stops=len(segments) - 1,
            price=float(offer["total_amount"]), currency=offer["total_currency"]))
    return flights


class DuffelProvider(HttpFlightProvider):
    """Duffel offer requests. The token defaults to DUFFEL_ACCESS_TOKEN, the base URL to
    DUFFEL_BASE_URL or https://api.duffel.com."""

    name = "duffel"
    ENV_KEYS = ("DUFFEL_ACCESS_TOKEN",)
    BASE_URL_ENV = "DUFFEL_BASE_URL"
    DEFAULT_BASE_URL = "https://api.duffel.com"

    def __init__(self, *, access_token: str | None = None, base_url: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 options: ProviderOptions | None = None, cabin_class: str = "economy") -> None:
        super().__init__(base_url=base_url, transport=transport, options=options)
        self._access_token = (access_token if access_token is not None
                              else os.environ.get(self.ENV_KEYS[0], "")).strip()
        self.cabin_class = cabin_class

    def _secrets(self) -> tuple[str, ...]:
        return (self._access_token,)

    def _payload(self, query: FlightQuery) -> dict[str, Any]:
        return {"data": {
            "slices": [{"origin": query.origin, "destination": query.destination,
                        "departure_date": query.date.isoformat()}],
            "passengers": [{"type": "adult"}],
            "cabin_class": self.cabin_class}}

    def _supplier_timeout_ms(self) -> int:
        low, high = SUPPLIER_TIMEOUT_MS
        return max(low, min(high, int(self.options.timeout_s * 1000 * 0.8)))

    async def _search(self, query: FlightQuery) -> list[Flight]:
        self._require_keys(bool(self._access_token))
        response = await self._send(
            "POST", OFFER_REQUESTS_PATH,
            params={"return_offers": "true", "supplier_timeout": self._supplier_timeout_ms()},
            json=self._payload(query),
            headers={"Authorization": f"Bearer {self._access_token}", "Duffel-Version": API_VERSION})
        flights = parse_offer_request(self._json(response))
        return [f for f in flights if matches_airline(f, query)]
