"""Hedged fallback chain vs the seed's sequential design, with the primary tier hung.

Both run the same `FallbackChain` code with the same fake tiers (primary never answers within its
5 s timeout, secondary answers in 200 ms, demo in 5 ms); the seed's design is the chain with
hedging switched off (it waits out the full timeout, then moves on). Prints `speedup: X` last.
Run: python bench/fallback.py [runs]
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flight_search import FallbackChain, FlightQuery  # noqa: E402
from flight_search.providers.base import FlightProvider, ProviderOptions  # noqa: E402
from flight_search.providers.demo import generate_flights  # noqa: E402

import datetime as dt  # noqa: E402

PRIMARY_TIMEOUT_S = 5.0
HEDGE_DELAY_S = 1.5


class FixedLatencyTier(FlightProvider):
    def __init__(self, name: str, latency_s: float | None, timeout_s: float) -> None:
        self.name, self.latency_s = name, latency_s
        self.options = ProviderOptions(timeout_s=timeout_s)

    async def search(self, query):
        await asyncio.sleep(3600 if self.latency_s is None else self.latency_s)
        return generate_flights(query)


def tiers() -> list[FlightProvider]:
    return [FixedLatencyTier("primary", None, PRIMARY_TIMEOUT_S),
            FixedLatencyTier("secondary", 0.2, 5.0), FixedLatencyTier("demo", 0.005, 3.0)]


async def time_to_answer(hedge_delay_s: float) -> tuple[float, str | None]:
    query = FlightQuery("MAD", "LON", dt.date.today() + dt.timedelta(days=1))
    began = time.perf_counter()
    outcome = await FallbackChain(tiers(), hedge_delay_s=hedge_delay_s).run(query)
    return time.perf_counter() - began, outcome.source


async def main(runs: int) -> None:
    hedged, sequential = [], []
    for _ in range(runs):  # interleaved, so both designs see the same machine load
        seconds, source = await time_to_answer(HEDGE_DELAY_S)
        hedged.append(seconds)
        assert source == "secondary", source
        seconds, source = await time_to_answer(1e9)
        sequential.append(seconds)
        assert source == "secondary", source
    h, s = statistics.median(hedged), statistics.median(sequential)
    print(f"runs: {runs}")
    print(f"hedged chain (hedge {HEDGE_DELAY_S} s), median time to answer: {h:.3f} s")
    print(f"seed design (sequential, {PRIMARY_TIMEOUT_S} s timeout), median time to answer: {s:.3f} s")
    print(f"speedup: {s / h:.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
