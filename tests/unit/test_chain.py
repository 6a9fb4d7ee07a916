"""The fallback chain: order, hedging, cancellation, empty answers, the circuit breaker, faults."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from flight_search import (AttemptStatus, CircuitBreaker, FallbackChain, FlightQuery, provider_names,
                           search_flights)
from flight_search.providers import faults
from flight_search.providers.base import ErrorKind, FlightProvider, ProviderError, ProviderOptions
from flight_search.providers.demo import generate_flights

from ..conftest import TODAY

QUERY = FlightQuery("MAD", "LON", TODAY)


class FakeTier(FlightProvider):
    """A provider with a fixed latency and behaviour: answer, hang, fail or return nothing."""

    def __init__(self, name: str, latency_s: float = 0.0, behaviour: str = "ok", timeout_s: float = 5.0):
        self.name, self.latency_s, self.behaviour = name, latency_s, behaviour
        self.options = ProviderOptions(timeout_s=timeout_s)
        self.calls = 0
        self.cancelled = False

    async def search(self, query):
        self.calls += 1
        try:
            await asyncio.sleep(3600 if self.behaviour == "hang" else self.latency_s)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if self.behaviour == "fail":
            raise ProviderError(ErrorKind.SERVER_ERROR, "500 from fake", provider=self.name, status=500)
        if self.behaviour == "empty":
            return []
        return generate_flights(query)


def statuses(outcome) -> dict[str, str]:
    return {a.provider: a.status.value for a in outcome.attempts}


async def test_first_tier_answers_and_later_tiers_are_not_needed():
    tiers = [FakeTier("primary", 0.01), FakeTier("secondary"), FakeTier("demo")]
    outcome = await FallbackChain(tiers, hedge_delay_s=1.0).run(QUERY)
    assert outcome.source == "primary" and outcome.flights
    assert statuses(outcome) == {"primary": "ok", "secondary": "skipped", "demo": "skipped"}
    assert tiers[1].calls == tiers[2].calls == 0


async def test_failure_moves_on_at_once():
    tiers = [FakeTier("primary", behaviour="fail"), FakeTier("secondary", behaviour="empty"), FakeTier("demo")]
    outcome = await FallbackChain(tiers, hedge_delay_s=10.0).run(QUERY)
    assert outcome.source == "demo" and outcome.used_fallback
    assert statuses(outcome) == {"primary": "server_error", "secondary": "empty", "demo": "ok"}
    assert outcome.attempts[0].error == "500 from fake"


async def test_hedging_starts_the_next_tier_and_cancels_the_loser():
    tiers = [FakeTier("primary", behaviour="hang"), FakeTier("secondary", 0.02), FakeTier("demo")]
    loop = asyncio.get_running_loop()
    began = loop.time()
    outcome = await FallbackChain(tiers, hedge_delay_s=0.1).run(QUERY)
    elapsed = loop.time() - began
    assert outcome.source == "secondary"
    assert statuses(outcome) == {"primary": "cancelled", "secondary": "ok", "demo": "skipped"}
    assert tiers[0].cancelled and elapsed < 1.0
    hedge_start = outcome.attempts[1].started_ms
    assert 90 <= hedge_start <= 400
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftover == []


async def test_per_tier_timeout():
    tiers = [FakeTier("primary", behaviour="hang", timeout_s=0.05), FakeTier("demo")]
    outcome = await FallbackChain(tiers, hedge_delay_s=10.0).run(QUERY)
    assert statuses(outcome) == {"primary": "timeout", "demo": "ok"}


async def test_every_tier_failing_gives_no_source():
    tiers = [FakeTier("primary", behaviour="fail"), FakeTier("demo", behaviour="empty")]
    outcome = await FallbackChain(tiers, hedge_delay_s=1.0).run(QUERY)
    assert outcome.source is None and outcome.flights == []


async def test_circuit_breaker_skips_a_failing_tier():
    now = [0.0]
    breaker = CircuitBreaker(failures=2, window_s=60, clock=lambda: now[0])
    primary = FakeTier("primary", behaviour="fail")
    for _ in range(2):
        await FallbackChain([primary, FakeTier("demo")], hedge_delay_s=1.0, breaker=breaker).run(QUERY)
    outcome = await FallbackChain([primary, FakeTier("demo")], hedge_delay_s=1.0, breaker=breaker).run(QUERY)
    assert primary.calls == 2
    assert statuses(outcome)["primary"] == "skipped" and "circuit" in outcome.attempts[0].error
    now[0] = 61.0  # the window has passed: the tier is tried again
    await FallbackChain([primary, FakeTier("demo")], hedge_delay_s=1.0, breaker=breaker).run(QUERY)
    assert primary.calls == 3


@pytest.mark.parametrize("kind, status", [
    ("rate_limit_429", "rate_limited"), ("server_error_500", "server_error"), ("malformed", "malformed"),
    ("refused", "refused"), ("empty", "empty"), ("ok", "ok"),
])
async def test_demo_tier_faults(kind, status):
    real_tiers_down = {name: "refused" for name in provider_names() if name != "demo"}
    outcome = await search_flights(QUERY, faults={**real_tiers_down, "demo": kind})
    assert statuses(outcome)["demo"] == status
    assert bool(outcome.flights) == (status == "ok")


async def test_demo_timeout_fault(monkeypatch):
    from flight_search import chain

    monkeypatch.setattr(faults, "HANG_SECONDS", 30.0)
    tier = chain.build_providers({"demo": "timeout"})[0][-1]
    tier.options = ProviderOptions(timeout_s=0.05)
    outcome = await search_flights(QUERY, providers=[tier])
    assert statuses(outcome) == {"demo": "timeout"}


async def test_unknown_fault_or_tier_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown fault 'meltdown'"):
        await search_flights(QUERY, faults={"demo": "meltdown"})
    with pytest.raises(ValueError, match="unknown tier 'nope'"):
        await search_flights(QUERY, faults={"nope": "ok"})


def test_query_validates_codes():
    with pytest.raises(ValueError):
        FlightQuery("Madrid", "LON", TODAY)
    with pytest.raises(ValueError):
        FlightQuery("MAD", "LON", "tomorrow")
    assert FlightQuery("mad", "lon", dt.date(2026, 1, 1)).origin == "MAD"
    assert AttemptStatus("skipped") == AttemptStatus.SKIPPED
