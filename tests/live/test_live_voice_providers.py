"""Live smoke tests of the voice providers: one call each through our adapters.

Skipped unless that provider's key is set; run with `pytest -m live tests/live`. A retryable
failure (rate limit, outage, timeout) skips: it says nothing about our adapter.
"""
from __future__ import annotations

import os

import pytest

from assistant.voice.audio import pcm16_bytes
from assistant.providers.base import ProviderError
from assistant.providers.cartesia_tts import CartesiaTTS
from assistant.providers.deepgram_stt import DeepgramSTT
from assistant.providers.openai_llm import OpenAILLM
from assistant.settings import voice_settings
from languages import stt_route, tts_route
from tests.speech_audio import speech

pytestmark = pytest.mark.live


def key(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.skip(f"{name} is not set")
    return value


async def _or_skip(coroutine):
    try:
        return await coroutine
    except ProviderError as error:
        if error.retryable:
            pytest.skip(f"{error.provider} unavailable: {error}")
        raise


async def test_deepgram_transcribes_spoken_english():
    stream = await _or_skip(DeepgramSTT(key("DEEPGRAM_API_KEY")).connect(stt_route("en"), 16000))
    audio = speech("I want to fly from Madrid to London", rate=16000)
    for start in range(0, len(audio), 320):
        await stream.send(pcm16_bytes(audio[start:start + 320]))
    await stream.finalize()
    words = []
    async for transcript in stream.transcripts():
        if transcript.is_final and transcript.text:
            words.append(transcript.text.lower())
        if transcript.speech_final or transcript.utterance_end or "london" in " ".join(words):
            break
    await stream.close()
    assert "london" in " ".join(words)


async def test_openai_calls_the_flight_tool():
    from assistant.agents import SEARCH_TOOL

    llm = OpenAILLM(key("OPENAI_API_KEY"), model=voice_settings().llm_model)

    async def collect():
        return [d async for d in llm.stream([{"role": "user", "content": "Flights from Madrid to London on 2027-01-15"}],
                                            [SEARCH_TOOL])]
    deltas = await _or_skip(collect())
    tools = [d.tool for d in deltas if d.tool]
    assert tools and tools[0].name == "search_flights"
    assert {"origin", "destination", "date"} <= set(tools[0].arguments)


async def test_cartesia_speaks_spanish():
    tts = CartesiaTTS(key("CARTESIA_API_KEY"))

    async def collect():
        return [c async for c in tts.synthesize("Hola, ¿a dónde quieres volar?", tts_route("es"))]
    chunks = await _or_skip(collect())
    assert sum(len(c.samples) for c in chunks) > 24000 * 0.5
