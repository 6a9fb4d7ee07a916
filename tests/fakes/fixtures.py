"""Pytest fixtures for the voice-provider fakes; `tests/integration/conftest.py` imports them.

- `fake_deepgram` -> `tests.fakes.deepgram.FakeDeepgram` (live `/v1/listen` WebSocket)
- `fake_openai`   -> `tests.fakes.openai_chat.FakeOpenAIChat` (`/v1/chat/completions`)
- `fake_cartesia` -> `tests.fakes.cartesia.FakeCartesia` (`/tts/sse`, `/tts/bytes`)
- `amadeus_server`, `duffel_server` -> `tests.fakes.flight_apis.FakeApiServer`
- `fake_livekit` -> `tests.fakes.livekit.FakeLiveKit` (Twirp RoomService / AgentDispatchService)
- `closing` -> registers an SDK-backed adapter to be closed on the test's own event loop

Each server runs once per test session (a background uvicorn thread on a free 127.0.0.1 port) and
is `reset()` before and after every test, so knobs and recordings never leak between tests.
To use them from another test directory, import them into that directory's conftest.py:
`from tests.fakes.fixtures import fake_deepgram, fake_openai, fake_cartesia  # noqa: F401`
(the session-scoped `_running_*` fixtures they depend on come along through the module, so import
those names too).
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.cartesia import FakeCartesia
from tests.fakes.deepgram import FakeDeepgram
from tests.fakes.flight_apis import FakeApiServer
from tests.fakes.livekit import FakeLiveKit
from tests.fakes.openai_chat import FakeOpenAIChat


@pytest.fixture(scope="session")
def _running_deepgram() -> Iterator[FakeDeepgram]:
    with FakeDeepgram() as server:
        yield server


@pytest.fixture(scope="session")
def _running_openai() -> Iterator[FakeOpenAIChat]:
    with FakeOpenAIChat() as server:
        yield server


@pytest.fixture(scope="session")
def _running_cartesia() -> Iterator[FakeCartesia]:
    with FakeCartesia() as server:
        yield server


@pytest.fixture
def fake_deepgram(_running_deepgram: FakeDeepgram) -> Iterator[FakeDeepgram]:
    """The fake Deepgram live-streaming WebSocket, with every knob and counter reset."""
    _running_deepgram.reset()
    yield _running_deepgram
    _running_deepgram.reset()


@pytest.fixture
def fake_openai(_running_openai: FakeOpenAIChat) -> Iterator[FakeOpenAIChat]:
    """The fake OpenAI Chat Completions API, with every knob and counter reset."""
    _running_openai.reset()
    yield _running_openai
    _running_openai.reset()


@pytest.fixture
def fake_cartesia(_running_cartesia: FakeCartesia) -> Iterator[FakeCartesia]:
    """The fake Cartesia TTS API, with every knob and counter reset."""
    _running_cartesia.reset()
    yield _running_cartesia
    _running_cartesia.reset()


# --- LiveKit (tests.fakes.livekit.FakeLiveKit: Twirp RoomService / AgentDispatchService) ------
@pytest.fixture(scope="session")
def _running_livekit() -> Iterator[FakeLiveKit]:
    with FakeLiveKit() as server:
        yield server


@pytest.fixture
def fake_livekit(_running_livekit: FakeLiveKit) -> Iterator[FakeLiveKit]:
    """The fake LiveKit Twirp API, with every knob, room, dispatch and recording reset."""
    _running_livekit.reset()
    yield _running_livekit
    _running_livekit.reset()


# --- the flight APIs (tests.fakes.flight_apis.FakeApiServer) --------------------------------------
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
