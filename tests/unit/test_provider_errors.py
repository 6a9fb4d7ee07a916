"""Mapping SDK failures to the project's error set at the adapter's edge."""
from __future__ import annotations

import asyncio
import json

from livekit.api import ServerError

from assistant.providers.base import ErrorKind
from assistant.providers.errors import provider_error


def test_a_status_attribute_is_read_like_status_code():
    mapped = provider_error(ServerError("unauthenticated", "bad key", status=401), "livekit")
    assert mapped.kind == ErrorKind.AUTH and mapped.status == 401 and "HTTP 401" in str(mapped)
    assert provider_error(ServerError("unavailable", "busy", status=503), "livekit").retryable


def test_timeouts_parsers_and_unknowns_have_their_own_kinds():
    assert provider_error(asyncio.TimeoutError(), "x").kind == ErrorKind.TIMEOUT
    assert provider_error(json.JSONDecodeError("bad", "{", 0), "x").kind == ErrorKind.MALFORMED
    assert "unexpected RuntimeError" in str(provider_error(RuntimeError("sk-secret"), "x"))


def test_secrets_are_redacted_from_the_message():
    mapped = provider_error(ValueError("key sk-live-123456 was refused"), "openai", secrets=["sk-live-123456"])
    assert "sk-live-123456" not in str(mapped)
