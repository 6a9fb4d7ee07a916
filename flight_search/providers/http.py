"""Shared httpx plumbing for the real flight-API adapters.

Every failure of an HTTP adapter is turned into a `ProviderError` here, at the adapter's edge:
status codes and httpx exceptions map to an `ErrorKind` (whose `retryable` flag the chain
reads), and the short message carries the API's own error text, redacted and truncated.

Constraints:
- Credentials never appear in a message: every message goes through `redact` with the
  provider's secrets before it is stored, and no httpx exception is chained (`from None`),
  because httpx requests carry the Authorization header.
- Messages are at most `MAX_MESSAGE` characters (they are shown in the UI's attempt table).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from collections.abc import Iterable
from typing import Any, Self

import httpx

from ..airlines import airline as airline_spec
from ..models import Flight, FlightQuery
from .base import ErrorKind, FlightProvider, ProviderError, ProviderOptions

MAX_MESSAGE = 120
_BEARER = re.compile(r"(?i)(bearer\s+)\S+")
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def kind_for_status(status: int) -> ErrorKind:
    """The error kind of a non-2xx HTTP status (408/429/5xx are the retryable ones)."""
    if status == 408:
        return ErrorKind.TIMEOUT
    if status == 429:
        return ErrorKind.RATE_LIMITED
    if status >= 500:
        return ErrorKind.SERVER_ERROR
    if status in (401, 403):
        return ErrorKind.AUTH
    if 400 <= status < 500:
        return ErrorKind.BAD_REQUEST
    return ErrorKind.MALFORMED  # 1xx/3xx: we never follow redirects, so this is unexpected


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret (and anything after "Bearer ") replaced by ***."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _BEARER.sub(r"\1***", text)


def short(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` on one line, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def error_detail(body: Any) -> str:
    """The human text of an API error body: Amadeus `errors[0].detail|title`, Duffel
    `errors[0].message`, OAuth2 `error_description|error`; "" when there is none."""
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        for key in ("detail", "message", "title", "code"):
            if first.get(key):
                return str(first[key])
    for key in ("error_description", "message", "title", "error"):
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    return ""


def error_for_response(response: httpx.Response, provider: str, secrets: Iterable[str] = (),
                       what: str = "") -> ProviderError:
    """A ProviderError for a non-2xx response, with the API's own message when it gave one."""
    try:
        detail = error_detail(response.json())
    except ValueError:
        detail = ""
    message = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if what:
        message = f"{what}: {message}"
    retry_after = response.headers.get("retry-after", "").strip()
    if response.status_code == 429 and retry_after.isdigit():
        message += f" (retry after {retry_after} s)"  # before the detail, so truncation keeps it
    if detail:
        message += f": {detail}"
    return ProviderError(kind_for_status(response.status_code), short(redact(message, secrets)),
                         provider=provider, status=response.status_code)


def error_for_exception(exc: BaseException, provider: str, secrets: Iterable[str] = ()) -> ProviderError:
    """A ProviderError for an httpx exception, a timeout or a parsing error."""
    name = type(exc).__name__
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, (httpx.TimeoutException, TimeoutError, asyncio.TimeoutError)):
        kind, text = ErrorKind.TIMEOUT, f"no answer in time ({name})"
    elif isinstance(exc, httpx.ConnectError):
        kind, text = ErrorKind.REFUSED, f"could not connect ({name})"
    elif isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        kind, text = ErrorKind.BAD_REQUEST, f"bad base URL ({name})"
    elif isinstance(exc, (httpx.DecodingError, httpx.TooManyRedirects)):
        kind, text = ErrorKind.MALFORMED, f"response could not be read ({name})"
    elif isinstance(exc, (httpx.TransportError, httpx.HTTPError)):
        kind, text = ErrorKind.SERVER_ERROR, f"connection failed mid-request ({name})"
    elif isinstance(exc, ValueError) and "JSON" in name + str(exc):
        kind, text = ErrorKind.MALFORMED, "response is not valid JSON"
    elif isinstance(exc, (KeyError, IndexError, TypeError, ValueError, AttributeError)):
        kind, text = ErrorKind.MALFORMED, f"unexpected response shape ({name}: {exc})"
    else:
        kind, text = ErrorKind.MALFORMED, f"unexpected {name}"
    return ProviderError(kind, short(redact(text, secrets)), provider=provider)


def parse_iso_duration(text: str) -> int:
    """Minutes of an ISO-8601 duration such as PT2H25M, PT02H26M or P1DT2H (ValueError if not one)."""
    match = _DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        raise ValueError(f"not an ISO-8601 duration: {text!r}")
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return round(days * 1440 + hours * 60 + minutes + seconds / 60)


def journey_minutes(journey: dict[str, Any]) -> int:
    """Minutes of one journey (Amadeus itinerary, Duffel slice): its own `duration` when given,
    else the sum of its segments' durations (layovers unknown)."""
    if journey.get("duration"):
        return parse_iso_duration(journey["duration"])
    return sum(parse_iso_duration(segment["duration"]) for segment in journey["segments"])


def parse_local_datetime(text: str) -> dt.datetime:
    """A naive local datetime from an ISO timestamp ("2025-06-01T07:35:00"); any offset is dropped."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def flight_digits(number: Any) -> str:
    """The digits of a flight number without leading zeros ("0476" -> "476"); ValueError if none."""
    digits = re.sub(r"\D", "", str(number))
    if not digits:
        raise ValueError(f"flight number without digits: {number!r}")
    return str(int(digits))


def airline_name(iata: str, given: str | None) -> str:
    """Our registry's name for a carrier, else the API's name (Title Case when it shouts), else the code."""
    spec = airline_spec(iata)
    if spec is not None:
        return spec.name
    if given:
        return given.title() if given.isupper() else given
    return iata


def matches_airline(flight: Flight, query: FlightQuery) -> bool:
    """True when the query names no airline or the flight's marketing carrier is that airline."""
    return query.airline is None or flight.airline == query.airline


class HttpFlightProvider(FlightProvider):
    """Base of the HTTP adapters: one lazily created AsyncClient, a total deadline per search,
    and the mapping of every failure to ProviderError. Subclasses implement `_search`."""

    name = "http"
    ENV_KEYS: tuple[str, ...] = ()   # names of the env vars holding credentials
    BASE_URL_ENV = ""
    DEFAULT_BASE_URL = ""

    def __init__(self, *, base_url: str | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 options: ProviderOptions | None = None) -> None:
        env_url = os.environ.get(self.BASE_URL_ENV, "").strip() if self.BASE_URL_ENV else ""
        self.base_url = (base_url or env_url or self.DEFAULT_BASE_URL).rstrip("/")
        self.options = options or ProviderOptions()
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def missing_keys(cls) -> list[str]:
        """Names (never values) of the credential env vars that are unset or blank."""
        return [key for key in cls.ENV_KEYS if not os.environ.get(key, "").strip()]

    @classmethod
    def configured(cls) -> bool:
        """True when every credential env var is set."""
        return not cls.missing_keys()

    def __repr__(self) -> str:  # no credentials, ever
        return f"{type(self).__name__}(base_url={self.base_url!r}, timeout_s={self.options.timeout_s})"

    def _secrets(self) -> tuple[str, ...]:
        """Values to redact from every message; subclasses add their credentials and tokens."""
        return ()

    def _reset_loop_bound(self) -> None:
        """Hook: recreate loop-bound state (locks) when the client is rebuilt for a new loop."""

    def client(self) -> httpx.AsyncClient:
        """The provider's AsyncClient, created on first use (again if the event loop changed,
        because pooled connections belong to the loop that opened them)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop or self._client.is_closed:
            if self._client_loop is not None and self._client_loop is not loop:
                self._reset_loop_bound()
            self._client = httpx.AsyncClient(base_url=self.base_url, transport=self._transport,
                                             headers={"Accept": "application/json",
                                                      "User-Agent": "polyglot-console/1.0"})
            self._client_loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client (safe to call twice, or before any search)."""
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            await client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One HTTP request with the tier's timeout; transport failures become ProviderError."""
        try:
            return await self.client().request(method, path, timeout=self.options.timeout_s, **kwargs)
        except httpx.HTTPError as exc:
            raise error_for_exception(exc, self.name, self._secrets()) from None

    def _json(self, response: httpx.Response, what: str = "") -> dict:
        """The JSON object of a 2xx response; ProviderError for any other status or a broken body."""
        if not response.is_success:
            raise error_for_response(response, self.name, self._secrets(), what)
        try:
            body = response.json()
        except ValueError:
            raise ProviderError(ErrorKind.MALFORMED, short(f"{what + ': ' if what else ''}response is not valid JSON"),
                                provider=self.name, status=response.status_code) from None
        if not isinstance(body, dict):
            raise ProviderError(ErrorKind.MALFORMED, "response is not a JSON object",
                                provider=self.name, status=response.status_code)
        return body

    def _require_keys(self, present: bool) -> None:
        if not present:
            raise ProviderError(ErrorKind.AUTH, f"missing {', '.join(self.ENV_KEYS)}", provider=self.name)

    async def search(self, query: FlightQuery) -> list[Flight]:
        """Flights for the query within `options.timeout_s` in total; raises only ProviderError."""
        try:
            async with asyncio.timeout(self.options.timeout_s):
                flights = await self._search(query)
        except ProviderError:
            raise
        except Exception as exc:  # noqa: BLE001 - the contract: nothing but ProviderError escapes
            raise error_for_exception(exc, self.name, self._secrets()) from None
        return sorted(flights, key=lambda f: (f.price, f.departure))

    async def _search(self, query: FlightQuery) -> list[Flight]:
        raise NotImplementedError
