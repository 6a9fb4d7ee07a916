"""Fixtures: the local fake servers (flight APIs, Deepgram, OpenAI chat, Cartesia, LiveKit's Twirp API),
one of each per test session and reset around every test; see tests/fakes/fixtures.py."""
from __future__ import annotations

from tests.fakes.fixtures import (  # noqa: F401
    _running_amadeus,
    _running_cartesia,
    _running_deepgram,
    _running_duffel,
    _running_livekit,
    _running_openai,
    amadeus_server,
    closing,
    duffel_server,
    fake_cartesia,
    fake_deepgram,
    fake_livekit,
    fake_openai,
)
