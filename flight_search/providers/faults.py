"""Fault kinds for simulation and tests, and how the demo tier acts them out.

Real adapters get the same kinds at their HTTP transport (see `simulated.py`), so their own
parsing and error mapping run; the demo tier has no transport, so it acts them out here.
"""
from __future__ import annotations

import asyncio

from .base import ErrorKind, ProviderError

FAULT_KINDS = ("ok", "slow", "timeout", "rate_limit_429", "server_error_500", "malformed", "empty", "refused")
SLOW_SECONDS = 2.0       # "slow": answers, but after this long
HANG_SECONDS = 3600.0    # "timeout": never answers; the chain's per-tier timeout ends it


def check_fault(kind: str) -> str:
    """Validate a fault kind name, raising ValueError with the list of valid ones."""
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault '{kind}', expected one of: {', '.join(FAULT_KINDS)}")
    return kind


async def raise_for_demo_fault(kind: str, provider: str) -> None:
    """Sleep or raise as the fault says; returns normally for ok, slow and empty."""
    check_fault(kind)
    if kind == "slow":
        await asyncio.sleep(SLOW_SECONDS)
    elif kind == "timeout":
        await asyncio.sleep(HANG_SECONDS)
    elif kind == "rate_limit_429":
        raise ProviderError(ErrorKind.RATE_LIMITED, "429 Too Many Requests", provider=provider, status=429)
    elif kind == "server_error_500":
        raise ProviderError(ErrorKind.SERVER_ERROR, "500 Internal Server Error", provider=provider, status=500)
    elif kind == "malformed":
        raise ProviderError(ErrorKind.MALFORMED, "response could not be read", provider=provider)
    elif kind == "refused":
        raise ProviderError(ErrorKind.REFUSED, "connection refused", provider=provider)
