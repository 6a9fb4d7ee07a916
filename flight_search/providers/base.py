"""The flight provider interface and the small error set every adapter maps its failures to."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum

from ..models import Flight, FlightQuery


class ErrorKind(str, Enum):
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    MALFORMED = "malformed"
    REFUSED = "refused"          # connection refused / unreachable
    AUTH = "auth"                # bad or missing credentials
    BAD_REQUEST = "bad_request"  # other 4xx


RETRYABLE_KINDS = frozenset({ErrorKind.TIMEOUT, ErrorKind.RATE_LIMITED, ErrorKind.SERVER_ERROR,
                             ErrorKind.REFUSED})


class ProviderError(Exception):
    """A provider failure in our terms. `retryable` says whether trying again may help."""

    def __init__(self, kind: ErrorKind, message: str, *, provider: str = "", status: int | None = None):
        self.kind, self.provider, self.status = kind, provider, status
        self.retryable = kind in RETRYABLE_KINDS
        super().__init__(message)


@dataclass(frozen=True)
class ProviderOptions:
    """Per-tier limits: the timeout of one attempt."""

    timeout_s: float = 5.0


class FlightProvider(ABC):
    """One flight data source. Adapters raise only `ProviderError`."""

    name: str = "provider"
    options: ProviderOptions = ProviderOptions()

    @abstractmethod
    async def search(self, query: FlightQuery) -> list[Flight]:
        """Flights for the query (may be empty). Raises ProviderError on failure."""
