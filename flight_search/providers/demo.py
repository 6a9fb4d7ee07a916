"""Deterministic demo flight data: the same query always gives the same plausible flights."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from zoneinfo import ZoneInfo

from babel.numbers import get_territory_currencies

from ..airlines import AirlineSpec, all_airlines, airline
from ..airports import Airport, airports_for, distance_km
from ..models import Flight, FlightQuery
from .base import ErrorKind, FlightProvider, ProviderError

CRUISE_KMH = 820
GROUND_MINUTES = 35               # taxi, climb and descent on top of cruise time
# Rough value of one US dollar, only to keep demo prices plausible in local currencies.
USD_RATES = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 150.0, "CHF": 0.88, "CAD": 1.37,
             "AUD": 1.52, "AED": 3.67, "SGD": 1.34, "HKD": 7.8, "INR": 83.0, "MXN": 17.0,
             "BRL": 5.0, "KRW": 1350.0, "CNY": 7.2, "SEK": 10.5, "NOK": 10.7, "DKK": 6.9,
             "PLN": 4.0, "CZK": 23.0, "TRY": 32.0, "THB": 36.0, "ZAR": 18.5, "ILS": 3.7}


def _seed(query: FlightQuery) -> int:
    key = f"{query.origin}|{query.destination}|{query.date.isoformat()}|{query.airline or ''}"
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _currency(country: str) -> str:
    currencies = get_territory_currencies(country, start_date=dt.date.today())
    return next((c for c in currencies if c in USD_RATES), "USD")


def _plausible_carriers(origin: Airport, destination: Airport, km: float) -> list[AirlineSpec]:
    """Home carriers of either end; on long routes also long-haul carriers (via their hub)."""
    ends = {origin.country, destination.country}
    home = [a for a in all_airlines() if a.country in ends and (km < 4000 or a.long_haul)]
    if km >= 4000:
        home += [a for a in all_airlines() if a.long_haul and a.region == "Middle East" and a not in home][:3]
    if not home:
        home = [a for a in all_airlines() if a.long_haul][:6]
    return home


def _stops(carrier: AirlineSpec, origin: Airport, destination: Airport, km: float, rng: random.Random) -> int:
    if carrier.country not in {origin.country, destination.country}:
        return 1  # a foreign carrier connects at its hub
    if km > 12000:
        return rng.choice([0, 1])
    return 0 if km < 2500 else rng.choice([0, 0, 0, 1])


class DemoProvider(FlightProvider):
    """Always answers (unless a fault is injected); the last tier of the fallback chain."""

    name = "demo"

    def __init__(self, fault: str | None = None) -> None:
        self.fault = fault

    async def search(self, query: FlightQuery) -> list[Flight]:
        if self.fault:
            from .faults import raise_for_demo_fault  # keeps fault knobs out of the data path

            await raise_for_demo_fault(self.fault, self.name)
            if self.fault == "empty":
                return []
        return generate_flights(query)


def generate_flights(query: FlightQuery) -> list[Flight]:
    """The demo flights for a query, cheapest first."""
    origins, destinations = airports_for(query.origin), airports_for(query.destination)
    if not origins or not destinations:
        raise ProviderError(ErrorKind.BAD_REQUEST, f"unknown airport {query.origin if not origins else query.destination}",
                            provider="demo")
    rng = random.Random(_seed(query))
    km = distance_km(origins[0], destinations[0])
    if query.airline:
        chosen = airline(query.airline)
        carriers = [chosen] if chosen else []
    else:
        carriers = _plausible_carriers(origins[0], destinations[0], km)
    currency = _currency(origins[0].country)
    flights = []
    for index in range(rng.randint(4, 8) if carriers else 0):
        carrier = carriers[index % len(carriers)] if query.airline else rng.choice(carriers)
        dep_airport, arr_airport = rng.choice(origins[:2]), rng.choice(destinations[:2])
        stops = _stops(carrier, dep_airport, arr_airport, km, rng)
        minutes = int(km / CRUISE_KMH * 60 + GROUND_MINUTES + stops * rng.randint(70, 180) + km * 0.01)
        minutes = max(45, 5 * round(minutes / 5))
        departure = dt.datetime.combine(query.date, dt.time(rng.randint(6, 21), rng.choice(range(0, 60, 5))))
        dep_tz, arr_tz = ZoneInfo(dep_airport.tz), ZoneInfo(arr_airport.tz)
        arrival = (departure.replace(tzinfo=dep_tz) + dt.timedelta(minutes=minutes)).astimezone(arr_tz)
        usd = (40 + km * rng.uniform(0.06, 0.11)) * (1.15 if stops == 0 else 0.85)
        flights.append(Flight(
            airline=carrier.iata, airline_name=carrier.name,
            flight_number=str(rng.randint(100, 3999 if km < 4000 else 999)),
            origin=dep_airport.iata, destination=arr_airport.iata,
            departure=departure, arrival=arrival.replace(tzinfo=None),
            duration_minutes=minutes, stops=stops,
            price=float(round(usd * USD_RATES[currency])), currency=currency))
    return sorted(flights, key=lambda f: (f.price, f.departure))
