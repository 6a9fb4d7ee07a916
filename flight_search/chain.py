"""The fallback chain: tiers in order, hedged, each with its own timeout and circuit breaker."""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from languages import load_config

from .models import Attempt, AttemptStatus, Flight, FlightQuery, SearchOutcome
from .providers.base import ErrorKind, FlightProvider, ProviderError, ProviderOptions
from .providers.faults import check_fault

_STATUS_OF_KIND = {
    ErrorKind.TIMEOUT: AttemptStatus.TIMEOUT, ErrorKind.RATE_LIMITED: AttemptStatus.RATE_LIMITED,
    ErrorKind.SERVER_ERROR: AttemptStatus.SERVER_ERROR, ErrorKind.MALFORMED: AttemptStatus.MALFORMED,
    ErrorKind.REFUSED: AttemptStatus.REFUSED, ErrorKind.AUTH: AttemptStatus.REFUSED,
    ErrorKind.BAD_REQUEST: AttemptStatus.MALFORMED,
}
_FAILURES = {AttemptStatus.TIMEOUT, AttemptStatus.RATE_LIMITED, AttemptStatus.SERVER_ERROR,
             AttemptStatus.MALFORMED, AttemptStatus.REFUSED}


class TierConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    timeout_s: float = Field(gt=0, le=60)


class BreakerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    failures: int = Field(ge=1)
    window_s: float = Field(gt=0)


class ChainConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    tiers: list[TierConfig] = Field(min_length=1)
    hedge_delay_s: float = Field(gt=0)
    breaker: BreakerConfig


@lru_cache(maxsize=1)
def chain_config() -> ChainConfig:
    """The validated `configs/flight_search.yaml`."""
    return load_config("flight_search.yaml", ChainConfig)


def provider_names() -> list[str]:
    """Tier names in the order the chain tries them."""
    return [tier.name for tier in chain_config().tiers]


class CircuitBreaker:
    """Skips a tier that failed `failures` times within the last `window_s` seconds."""

    def __init__(self, failures: int, window_s: float, clock=time.monotonic) -> None:
        self.failures, self.window_s, self.clock = failures, window_s, clock
        self._history: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, name: str) -> deque[float]:
        history, now = self._history[name], self.clock()
        while history and now - history[0] > self.window_s:
            history.popleft()
        return history

    def is_open(self, name: str) -> bool:
        return len(self._recent(name)) >= self.failures

    def record_failure(self, name: str) -> None:
        self._recent(name).append(self.clock())

    def record_success(self, name: str) -> None:
        self._history[name].clear()


@dataclass
class _Running:
    provider: FlightProvider
    task: asyncio.Task
    started: float


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


class FallbackChain(FlightProvider):
    """Tries `providers` in order with hedging; behaves as one provider and records who served."""

    name = "chain"

    def __init__(self, providers: list[FlightProvider], *, hedge_delay_s: float,
                 breaker: CircuitBreaker | None = None, skipped: dict[str, str] | None = None,
                 order: list[str] | None = None) -> None:
        self.providers, self.hedge_delay_s = providers, hedge_delay_s
        self.order = order or [p.name for p in providers] + list(skipped or {})
        self.breaker = breaker
        self.skipped = skipped or {}
        self.last_outcome: SearchOutcome | None = None

    async def search(self, query: FlightQuery) -> list[Flight]:
        return (await self.run(query)).flights

    async def run(self, query: FlightQuery) -> SearchOutcome:
        """Search with hedging: the first non-empty answer wins, the rest are cancelled."""
        began = time.perf_counter()
        elapsed_ms = lambda since=began: (time.perf_counter() - since) * 1000  # noqa: E731
        attempts: dict[str, Attempt] = {name: Attempt(name, AttemptStatus.SKIPPED, 0.0, why)
                                        for name, why in self.skipped.items()}
        pending = [p for p in self.providers if p.name not in self.skipped]
        running: dict[asyncio.Task, _Running] = {}
        winner: tuple[str, list[Flight]] | None = None

        def start_next() -> None:
            while pending:
                provider = pending.pop(0)
                if self.breaker and self.breaker.is_open(provider.name):
                    attempts[provider.name] = Attempt(provider.name, AttemptStatus.SKIPPED, 0.0,
                                                      "circuit open after repeated failures", elapsed_ms())
                    continue
                task = asyncio.create_task(asyncio.wait_for(provider.search(query), provider.options.timeout_s))
                running[task] = _Running(provider, task, time.perf_counter())
                return

        start_next()
        try:
            while running and winner is None:
                last_start = max(r.started for r in running.values())
                wait = max(0.0, self.hedge_delay_s - (time.perf_counter() - last_start)) if pending else None
                done, _ = await asyncio.wait(list(running), timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                if not done:
                    start_next()  # hedge: the running tier is slow
                    continue
                for task in done:
                    run = running.pop(task)
                    name, latency = run.provider.name, elapsed_ms(run.started)
                    started_ms = (run.started - began) * 1000
                    status, error, flights = self._result(task)
                    attempts[name] = Attempt(name, status, round(latency, 1), error, round(started_ms, 1))
                    if self.breaker:
                        if status in _FAILURES:
                            self.breaker.record_failure(name)
                        elif status == AttemptStatus.OK:
                            self.breaker.record_success(name)
                    if status == AttemptStatus.OK and winner is None:
                        winner = (name, flights)
                if winner is None and not running:
                    start_next()
        finally:
            for task, run in running.items():
                task.cancel()
                attempts[run.provider.name] = Attempt(run.provider.name, AttemptStatus.CANCELLED,
                                                      round(elapsed_ms(run.started), 1), "another tier answered first",
                                                      round((run.started - began) * 1000, 1))
            if running:
                await asyncio.gather(*running, return_exceptions=True)
        for provider in pending:
            attempts.setdefault(provider.name, Attempt(provider.name, AttemptStatus.SKIPPED, 0.0, "not needed"))
        outcome = SearchOutcome(winner[1] if winner else [], winner[0] if winner else None,
                                [attempts[n] for n in self.order if n in attempts])
        self.last_outcome = outcome
        return outcome

    @staticmethod
    def _result(task: asyncio.Task) -> tuple[AttemptStatus, str, list[Flight]]:
        if task.cancelled():
            return AttemptStatus.CANCELLED, "cancelled", []
        error = task.exception()
        if error is None:
            flights = task.result()
            return (AttemptStatus.OK, "", flights) if flights else (AttemptStatus.EMPTY, "no flights", [])
        if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
            return AttemptStatus.TIMEOUT, "no answer within the tier's timeout", []
        if isinstance(error, ProviderError):
            return _STATUS_OF_KIND[error.kind], _short(error), []
        return AttemptStatus.MALFORMED, f"unexpected {type(error).__name__}: {_short(error)}", []


_default_breaker: CircuitBreaker | None = None


def _shared_breaker() -> CircuitBreaker:
    global _default_breaker
    if _default_breaker is None:
        config = chain_config().breaker
        _default_breaker = CircuitBreaker(config.failures, config.window_s)
    return _default_breaker


_live_providers: dict[str, FlightProvider] = {}  # real adapters keep their token cache and pool


def _adapters() -> dict[str, type]:
    from .providers.amadeus import AmadeusProvider
    from .providers.duffel import DuffelProvider

    return {"amadeus": AmadeusProvider, "duffel": DuffelProvider}


def build_providers(faults: dict[str, str] | None = None) -> tuple[list[FlightProvider], dict[str, str]]:
    """The configured tiers as providers, and the tiers skipped (with why).

    A real tier runs against its API when its keys are set. Without keys it is skipped, except
    in a simulation (`faults` given): then it runs its real adapter against the built-in
    simulated API, so the whole chain can fail over at a booth with no keys.
    """
    from .providers.demo import DemoProvider
    from .providers.simulated import simulated_provider

    faults = faults or {}
    simulating = bool(faults)
    adapters = _adapters()
    providers: list[FlightProvider] = []
    skipped: dict[str, str] = {}
    for tier in chain_config().tiers:
        if tier.name == "demo":
            provider: FlightProvider = DemoProvider(fault=faults.get("demo"))
        elif tier.name not in adapters:
            skipped[tier.name] = f"no adapter named '{tier.name}'"
            continue
        elif simulating:
            provider = simulated_provider(tier.name, faults.get(tier.name))
        elif adapters[tier.name].configured():
            provider = _live_providers.setdefault(tier.name, adapters[tier.name]())
        else:
            skipped[tier.name] = "no key: set " + ", ".join(adapters[tier.name].missing_keys())
            continue
        provider.options = ProviderOptions(timeout_s=tier.timeout_s)
        providers.append(provider)
    return providers, skipped


async def search_flights(query: FlightQuery, *, providers: list[FlightProvider] | None = None,
                         faults: dict[str, str] | None = None,
                         breaker: CircuitBreaker | None = None) -> SearchOutcome:
    """Search through the fallback chain. `faults` maps tier names to fault kinds (simulation)."""
    for name, kind in (faults or {}).items():
        check_fault(kind)
        if name not in provider_names() and providers is None:
            raise ValueError(f"unknown tier '{name}', expected one of: {', '.join(provider_names())}")
    skipped: dict[str, str] = {}
    if providers is None:
        providers, skipped = build_providers(faults)
        if breaker is None and not faults:
            breaker = _shared_breaker()
    order = provider_names() if skipped else None
    chain = FallbackChain(providers, hedge_delay_s=chain_config().hedge_delay_s,
                          breaker=breaker, skipped=skipped, order=order)
    return await chain.run(query)
