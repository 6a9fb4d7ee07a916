"""Flight search models: the query, a flight, and the outcome of a search with its attempts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class FlightQuery:
    """What to search: IATA city or airport codes and a date; optionally one airline (IATA)."""

    origin: str
    destination: str
    date: dt.date
    airline: str | None = None

    def __post_init__(self) -> None:
        for name in ("origin", "destination"):
            value = getattr(self, name)
            if not (isinstance(value, str) and len(value) == 3 and value.isalpha()):
                raise ValueError(f"{name} must be a 3-letter IATA code, got {value!r}")
            object.__setattr__(self, name, value.upper())
        if not isinstance(self.date, dt.date):
            raise ValueError(f"date must be a datetime.date, got {self.date!r}")
        if self.airline is not None:
            object.__setattr__(self, "airline", self.airline.upper())

    def as_arguments(self) -> dict:
        """The tool-call arguments of this query (JSON-ready)."""
        return {"origin": self.origin, "destination": self.destination,
                "date": self.date.isoformat(), "airline": self.airline}


@dataclass(frozen=True)
class Flight:
    """One offer. Times are local to their airports; price is the total for one adult."""

    airline: str            # IATA code of the marketing carrier
    airline_name: str
    flight_number: str      # digits only, e.g. "3166"
    origin: str             # departure airport (IATA)
    destination: str        # arrival airport (IATA)
    departure: dt.datetime  # local time at origin
    arrival: dt.datetime    # local time at destination
    duration_minutes: int
    stops: int
    price: float
    currency: str

    @property
    def code(self) -> str:
        """Carrier code and number together: "IB3166"."""
        return f"{self.airline}{self.flight_number}"


class AttemptStatus(str, Enum):
    OK = "ok"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    MALFORMED = "malformed"
    EMPTY = "empty"
    REFUSED = "refused"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Attempt:
    """One tier's try at a search."""

    provider: str
    status: AttemptStatus
    latency_ms: float
    error: str = ""
    started_ms: float = 0.0  # since the search began; for waterfall plots


@dataclass(frozen=True)
class SearchOutcome:
    """Flights found, which tier answered (`source`) and every tier's attempt, in tier order."""

    flights: list[Flight]
    source: str | None
    attempts: list[Attempt] = field(default_factory=list)
    unfiltered_count: int | None = None  # flights found before trip details filtered them

    @property
    def used_fallback(self) -> bool:
        """True when a tier other than the first one tried answered."""
        tried = [a.provider for a in self.attempts if a.status != AttemptStatus.SKIPPED]
        return bool(tried) and self.source is not None and self.source != tried[0]
