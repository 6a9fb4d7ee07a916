"""Fixtures: the local fake Amadeus and Duffel servers (one of each per test session, reset per test)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.flight_apis import FakeApiServer


@pytest.fixture(scope="session")
def _running_amadeus() -> Iterator[FakeApiServer]:
    with FakeApiServer("amadeus") as server:
        yield server


@pytest.fixture(scope="session")
def _running_duffel() -> Iterator[FakeApiServer]:
    with FakeApiServer("duffel") as server:
        yield server


@pytest.fixture
def amadeus_server(_running_amadeus: FakeApiServer) -> Iterator[FakeApiServer]:
    """The fake Amadeus API over real HTTP, with every knob and counter reset."""
    _running_amadeus.reset()
    yield _running_amadeus
    _running_amadeus.reset()


@pytest.fixture
def duffel_server(_running_duffel: FakeApiServer) -> Iterator[FakeApiServer]:
    """The fake Duffel API over real HTTP, with every knob and counter reset."""
    _running_duffel.reset()
    yield _running_duffel
    _running_duffel.reset()


# The voice-provider fakes (Deepgram, OpenAI chat, Cartesia) and LiveKit's Twirp API: see tests/fakes/fixtures.py.
from tests.fakes.fixtures import (  # noqa: F401
    _running_cartesia,
    _running_deepgram,
    _running_livekit,
    _running_openai,
    fake_cartesia,
    fake_deepgram,
    fake_livekit,
    fake_openai,
)


@pytest.fixture
async def closing():
    """`closing(adapter)` registers an SDK-backed adapter to be closed on this test's event loop."""
    made = []

    def register(adapter):
        made.append(adapter)
        return adapter

    yield register
    for adapter in made:
        await adapter.aclose()
