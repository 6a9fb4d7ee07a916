"""Airports from `airportsdata`: coordinates, time zones, countries, great-circle distances."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from languages import city_airports


@dataclass(frozen=True)
class Airport:
    iata: str
    name: str
    city: str
    country: str
    lat: float
    lon: float
    tz: str


@lru_cache(maxsize=1)
def _airports() -> dict[str, dict]:
    import airportsdata  # deferred: the table is ~28k rows

    return airportsdata.load("IATA")


def airport(code: str) -> Airport | None:
    """An airport by IATA code, or None."""
    row = _airports().get(code.upper())
    if row is None:
        return None
    return Airport(row["iata"], row["name"], row["city"], row["country"],
                   float(row["lat"]), float(row["lon"]), row["tz"])


def airports_for(code: str) -> list[Airport]:
    """The airports a city code (LON) or airport code (MAD) stands for, main one first."""
    return [a for a in (airport(c) for c in city_airports(code)) if a is not None]


def is_known_place(code: str) -> bool:
    """True when `code` is a gazetteer city or an airport airportsdata knows."""
    return bool(airports_for(code))


def distance_km(a: Airport, b: Airport) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
