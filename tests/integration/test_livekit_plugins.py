"""The worker's real LiveKit plugins against the local fakes that speak each provider's wire protocol:
OpenAI (streamed tool calls, then the offline agent on a fault), Deepgram (live `/v1/listen` with real
PCM), Cartesia (its WebSocket and `/tts/bytes`, then espeak-ng on a fault)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import AgentSession, stt
from livekit.agents.utils import http_context

from agent import PolyglotAgent
from assistant.agents import SEARCH_TOOL, system_prompt
from assistant.livekit.pipeline import (cartesia_tts, deepgram_stt, openai_llm, with_espeak_fallback,
                                        with_offline_fallback)
from languages import phrase
from tests.conftest import TODAY
from tests.fakes.livekit_audio import RecordingSpeaker
from tests.speech_audio import speech

TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()


async def run_turn(agent, model, text):
    session = AgentSession(llm=model)
    await session.start(agent)
    try:
        return await session.run(user_input=text)
    finally:
        await session.aclose()
        await model.aclose()


async def test_openai_plugin_streams_a_tool_call_with_the_console_s_prompt_and_schema(fake_openai):
    fake_openai.tool_call = {"origin": "MAD", "destination": "LON", "date": TOMORROW, "airline": None}
    fake_openai.reply_text = "Hay vuelos de Iberia desde 124 euros."
    model = with_offline_fallback(openai_llm(api_key=fake_openai.api_key, base_url=fake_openai.base_url))
    result = await run_turn(PolyglotAgent("es", today=TODAY), model, "Quiero volar de Madrid a Londres mañana")

    result.expect.next_event().is_function_call(name="search_flights", arguments=fake_openai.tool_call)
    result.expect.skip_next_event_if(type="message", role="assistant")   # "one moment", if slow
    output = json.loads(result.expect.next_event().is_function_call_output().event().item.output)
    assert output["source"] == "demo" and output["flights"]
    message = result.expect.next_event().is_message(role="assistant").event().item.text_content
    result.expect.no_more_events()
    assert message == fake_openai.reply_text

    first, second = fake_openai.requests
    assert first["stream"] is True and first["model"] == "gpt-4o-mini"
    assert first["messages"][0] == {"role": "system", "content": system_prompt("es", TODAY)}
    offered = first["tools"][0]["function"]
    assert offered["name"] == "search_flights"
    assert offered["parameters"]["properties"] == SEARCH_TOOL["function"]["parameters"]["properties"]
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and json.loads(tool_message["content"])["source"] == "demo"


@pytest.mark.parametrize("fault", ["server_error_500", "malformed", "disconnect_mid_stream"])
async def test_openai_failing_hands_the_turn_to_the_offline_agent(fake_openai, fault, caplog):
    caplog.set_level(logging.DEBUG)
    fake_openai.fault = fault
    fake_openai.tool_call = {"origin": "MAD", "destination": "LON", "date": TOMORROW}
    model = with_offline_fallback(openai_llm(api_key=fake_openai.api_key, base_url=fake_openai.base_url))
    result = await run_turn(PolyglotAgent("en", today=TODAY), model, "Flight from Madrid to London tomorrow")

    result.expect.next_event().is_function_call(
        name="search_flights", arguments={"origin": "MAD", "destination": "LON", "date": TOMORROW, "airline": None})
    result.expect.skip_next_event_if(type="message", role="assistant")   # "one moment", if slow
    result.expect.next_event().is_function_call_output()
    answer = result.expect.next_event().is_message(role="assistant").event().item.text_content
    assert "Here are flights from Madrid to London" in answer
    assert fake_openai.requests   # the model was asked first
    assert fake_openai.api_key not in caplog.text


async def test_openai_too_slow_hands_the_turn_to_the_offline_agent(fake_openai):
    fake_openai.first_token_delay_s = 30
    model = with_offline_fallback(openai_llm(api_key=fake_openai.api_key, base_url=fake_openai.base_url),
                                  timeout_s=0.5)
    result = await run_turn(PolyglotAgent("en", today=TODAY), model, "I want to fly from Madrid to London")
    result.expect.next_event().is_message(role="assistant")
    assert [e.item.text_content for e in result.events] == [phrase("en", "ask_date")]


def pcm_frames(samples: np.ndarray, rate: int, frame_ms: int = 20) -> list[rtc.AudioFrame]:
    size = rate * frame_ms // 1000
    return [rtc.AudioFrame(samples[i:i + size].tobytes(), rate, 1, len(samples[i:i + size]))
            for i in range(0, len(samples) - size + 1, size)]


@pytest.mark.parametrize("language, voice, said", [
    ("es", "es", "Quiero un vuelo de Madrid a Londres mañana."),
    ("en", "en-us", "Find me a flight from Madrid to London tomorrow."),
])
async def test_deepgram_plugin_transcribes_real_speech_on_the_language_s_route(fake_deepgram, language, voice, said):
    from languages import stt_route

    fake_deepgram.script = [said]
    recogniser = deepgram_stt(language, api_key=fake_deepgram.api_key, base_url=fake_deepgram.url)
    finals, interims = [], []
    async with http_context.open():   # what a job process provides the plugins with
        stream = recogniser.stream()
        for frame in pcm_frames(speech(said, voice, rate=48000), 48000):
            stream.push_frame(frame)
        stream.end_input()

        async def collect():
            async for event in stream:
                if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT:
                    finals.append(event.alternatives[0].text)
                    return
                if event.type == stt.SpeechEventType.INTERIM_TRANSCRIPT:
                    interims.append(event.alternatives[0].text)

        await asyncio.wait_for(collect(), timeout=20)
        await stream.aclose()
        await recogniser.aclose()
    assert finals == [said] and interims
    route, params = stt_route(language), fake_deepgram.connection_params[0]
    assert (params["model"], params["language"]) == (route["model"], route["language"])
    assert params["encoding"] == "linear16" and params["sample_rate"] == "16000"
    assert fake_deepgram.audio_bytes[0] > 16000 * 2   # more than a second of linear16 reached the server


async def synthesise(voice, text: str) -> tuple[np.ndarray, int]:
    """Stream `text` through a LiveKit TTS, as the agent's TTS node does; (int16 samples, rate)."""
    frames = []
    stream = voice.stream()
    stream.push_text(text)
    stream.end_input()
    async for event in stream:
        frames.append(event.frame)
    await stream.aclose()
    return np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames]), frames[0].sample_rate


def tone_share(samples: np.ndarray, rate: int, hz: float = 220.0) -> float:
    """How much of the signal's energy sits at `hz` (the fake Cartesia's voice is a pure 220 Hz tone)."""
    spectrum = np.abs(np.fft.rfft(samples.astype(float))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[np.abs(freqs - hz) < 5].sum() / spectrum.sum())


async def test_cartesia_plugin_streams_over_its_websocket_on_the_language_s_route(fake_cartesia):
    from languages import tts_route

    voice = cartesia_tts("es", api_key=fake_cartesia.api_key, base_url=fake_cartesia.url)
    async with http_context.open():
        samples, rate = await synthesise(voice, "Hola. ¿A dónde quieres volar mañana?")
        await voice.aclose()
    route = tts_route("es")
    pieces = [r for r in fake_cartesia.requests if r and r["transcript"].strip()]
    assert fake_cartesia.paths[0] == "/tts/websocket" and pieces
    assert {(r["model_id"], r["language"], r["voice"]["id"]) for r in pieces} == {("sonic-3", "es", route.voice)}
    assert rate == 24000
    expected = sum(fake_cartesia.expected_samples(r["transcript"], 24000) for r in pieces)
    assert abs(len(samples) - expected) <= 24000 * 0.05 and tone_share(samples, rate) > 0.9


async def test_cartesia_plugin_one_shot_uses_tts_bytes(fake_cartesia):
    voice = cartesia_tts("ja", api_key=fake_cartesia.api_key, base_url=fake_cartesia.url)
    async with http_context.open():
        frames = [event.frame async for event in voice.synthesize("こんにちは")]
        await voice.aclose()
    samples = sum(f.samples_per_channel for f in frames)
    assert fake_cartesia.paths == ["/tts/bytes"] and fake_cartesia.requests[0]["language"] == "ja"
    assert 0 <= samples - fake_cartesia.expected_samples("こんにちは", 24000) <= 240   # the emitter pads to 10 ms


@pytest.mark.parametrize("fault", ["server_error_500", "disconnect_mid_stream"])
async def test_cartesia_failing_falls_back_to_espeak_ng(fake_cartesia, fault):
    fake_cartesia.fault = fault
    fake_cartesia.disconnect_after_chunks = 0
    voice = with_espeak_fallback(cartesia_tts("es", api_key=fake_cartesia.api_key, base_url=fake_cartesia.url), "es")
    changes = []
    voice.on("tts_availability_changed", lambda event: changes.append((event.tts.provider, event.available)))
    async with http_context.open():
        samples, rate = await synthesise(voice, "Hola, ¿a dónde quieres volar?")
        await voice.aclose()
    assert fake_cartesia.paths and changes[0] == ("Cartesia", False)
    assert rate == 24000 and len(samples) > rate * 0.5       # espeak-ng's 22050 Hz, resampled by the adapter
    assert tone_share(samples, rate) < 0.2                   # speech, not the fake's tone


async def test_a_voiced_turn_keeps_speaking_when_cartesia_fails_mid_session(fake_cartesia):
    from agent import offline_llm

    pieces, timeline = [], []

    async def sink(piece):
        pieces.append(piece)

    voice = with_espeak_fallback(cartesia_tts("es", api_key=fake_cartesia.api_key, base_url=fake_cartesia.url), "es")
    async with http_context.open():
        llm = offline_llm()
        session = AgentSession(llm=llm, tts=voice)
        speaker = RecordingSpeaker(timeline)
        session.output.audio = speaker
        await session.start(PolyglotAgent("es", today=TODAY, chat_sink=sink, greet_on_enter=False))
        try:
            session.current_agent.greet()
            await session.run(user_input="Quiero un vuelo de Madrid a Londres")   # asks for the date: Cartesia
            cartesia_seconds = speaker.seconds
            fake_cartesia.fault = "server_error_500"
            await session.run(user_input="mañana")                              # the results: espeak-ng
        finally:
            await session.aclose()
            await llm.aclose()
    assert cartesia_seconds > 0 and fake_cartesia.paths[0] == "/tts/websocket"
    assert speaker.seconds - cartesia_seconds > 5            # the spoken results, from the fallback voice
    assert timeline.count(("audio",)) >= 3 and pieces[-1].final   # greeting, question, results ("one moment")
    assert pieces[-1].markdown.startswith("**Estos son los vuelos de Madrid a Londres")
