"""Map any SDK failure to the project's `ProviderError`, at the adapter's edge, with secrets redacted."""
from __future__ import annotations

import asyncio
import json
import os
from typing import Iterable

from flight_search.providers.http import kind_for_status, redact, short

from .base import ErrorKind, ProviderError


def env_key(name: str) -> str:
    """The stripped value of a credential env var ('' when unset)."""
    return os.environ.get(name, "").strip()


def provider_error(exc: BaseException, provider: str, secrets: Iterable[str] = ()) -> ProviderError:
    """A ProviderError for an exception raised by an SDK, a websocket, a timeout or a parser.

    Works by duck typing so the SDKs stay optional imports: Stainless clients (OpenAI, Cartesia)
    and Deepgram's `ApiError` carry `status_code`, aiohttp and LiveKit errors `status`; connection errors are recognised by class name.
    """
    if isinstance(exc, ProviderError):
        return exc
    name = type(exc).__name__
    names = {cls.__name__ for cls in type(exc).__mro__}
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if status is None and isinstance(getattr(exc, "status", None), int):   # aiohttp / LiveKit's ServerError
        status = exc.status
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)) or "APITimeoutError" in names:
        kind, text = ErrorKind.TIMEOUT, f"no answer in time ({name})"
    elif isinstance(status, int) and status >= 300:
        kind, text = kind_for_status(status), f"HTTP {status} ({name})"
    elif names & {"APIConnectionError", "ConnectError", "ConnectionRefusedError", "InvalidURI",
                  "InvalidHandshake", "gaierror"}:
        kind, text = ErrorKind.REFUSED, f"could not connect ({name})"
    elif names & {"ConnectionClosed", "ConnectionClosedError", "WebSocketConnectionClosedError",
                  "RemoteProtocolError", "ReadError", "ConnectionResetError", "IncompleteRead"}:
        kind, text = ErrorKind.SERVER_ERROR, f"connection dropped mid-stream ({name})"
    elif isinstance(exc, json.JSONDecodeError) or names & {"APIResponseValidationError", "ValidationError"}:
        kind, text = ErrorKind.MALFORMED, f"reply could not be read ({name})"
    elif isinstance(exc, (KeyError, IndexError, TypeError, ValueError, AttributeError)):
        kind, text = ErrorKind.MALFORMED, f"unexpected reply ({name}: {exc})"
    else:
        kind, text = ErrorKind.SERVER_ERROR, f"unexpected {name}"
    return ProviderError(kind, short(redact(text, secrets)), provider=provider,
                         status=status if isinstance(status, int) else None)
