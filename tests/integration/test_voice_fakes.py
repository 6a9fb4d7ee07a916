"""The voice-provider fakes, proven with the real SDKs pointed at them (no adapters of ours involved).

Deepgram (deepgram-sdk 7.x live `/v1/listen`), OpenAI (openai 3.x chat completions, streaming and
tools), Cartesia (cartesia 4.x `/tts/sse` and `/tts/bytes`). Real speech comes from the offline
espeak-ng voice, resampled to 16 kHz linear16.
"""
from __future__ import annotations

import asyncio
import base64
import json
import time
from functools import cache

import cartesia
import httpx
import numpy as np
import openai
import pytest
import soxr
import websockets
from cartesia import AsyncCartesia
from deepgram import AsyncDeepgramClient
from deepgram.core.api_error import ApiError
from openai import AsyncOpenAI

from assistant.providers.espeak_tts import speak_pcm
from tests.fakes.cartesia import FakeCartesia
from tests.fakes.deepgram import FakeDeepgram
from tests.fakes.openai_chat import FakeOpenAIChat, ToolCall

pytestmark = pytest.mark.filterwarnings(  # deepgram-sdk imports a deprecated websockets name
    "ignore:websockets.exceptions.InvalidStatusCode is deprecated:DeprecationWarning")

# --- Deepgram --------------------------------------------------------------------------------

RATE = 16000
CHUNK = RATE // 50 * 2          # 20 ms of linear16
LIVE_OPTIONS = {"model": "nova-3", "language": "en", "encoding": "linear16", "sample_rate": RATE, "channels": 1,
                "interim_results": True, "endpointing": 300, "utterance_end_ms": 1000, "punctuate": True,
                "smart_format": True}


@cache
def speech(text: str, silence_s: float = 0.6) -> bytes:
    """`text` spoken by espeak-ng, as 16 kHz linear16, followed by `silence_s` of zeros."""
    chunk = speak_pcm(text)
    samples = soxr.resample(chunk.samples, chunk.sample_rate, RATE).astype(np.int16)
    return np.concatenate([samples, np.zeros(int(silence_s * RATE), np.int16)]).tobytes()


async def send_audio(socket, pcm: bytes) -> None:
    for i in range(0, len(pcm), CHUNK):
        await socket.send_media(pcm[i:i + CHUNK])


def deepgram(fake: FakeDeepgram, api_key: str | None = None) -> AsyncDeepgramClient:
    return AsyncDeepgramClient(api_key=api_key or fake.api_key, environment=fake.environment())


class Inbox:
    """Collects what the socket client yields, in a background task."""

    def __init__(self, socket) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()
        self.error: BaseException | None = None
        self.task = asyncio.create_task(self._read(socket))

    async def _read(self, socket) -> None:
        try:
            async for message in socket:
                await self.queue.put(message)
        except Exception as exc:  # noqa: BLE001 - handed to the test
            self.error = exc
        finally:
            await self.queue.put(None)

    async def until(self, kind: str, timeout: float = 5.0) -> list:
        """Messages up to and including the first of type `kind`."""
        seen = []
        while True:
            message = await asyncio.wait_for(self.queue.get(), timeout)
            assert message is not None, f"socket ended before {kind}: {seen}, error={self.error!r}"
            seen.append(message)
            if message.type == kind:
                return seen


async def test_deepgram_interim_final_utterance_end_and_second_utterance_on_same_socket(fake_deepgram):
    fake_deepgram.script = ["Book a flight to Madrid.", "Tomorrow morning, please."]
    async with deepgram(fake_deepgram).listen.v1.connect(**LIVE_OPTIONS) as socket:
        inbox = Inbox(socket)
        await send_audio(socket, speech("Book a flight to Madrid"))
        first = await inbox.until("UtteranceEnd")
        results = [m for m in first if m.type == "Results"]
        interims, final = results[:-1], results[-1]
        assert interims and all(not m.is_final for m in interims)
        transcripts = [m.channel.alternatives[0].transcript for m in interims]
        assert all("Book a flight to Madrid.".startswith(t) for t in transcripts)
        assert [len(t.split()) for t in transcripts] == sorted(len(t.split()) for t in transcripts)
        assert final.is_final and final.speech_final and not final.from_finalize
        alternative = final.channel.alternatives[0]
        assert alternative.transcript == "Book a flight to Madrid."
        assert [w.word for w in alternative.words] == ["book", "a", "flight", "to", "madrid"]
        assert alternative.words[-1].punctuated_word == "Madrid."
        assert final.start == 0 and final.duration > 1.0
        assert final.metadata.model_info.arch == "nova-3" and final.metadata.request_id
        assert first[-1].type == "UtteranceEnd" and first[-1].last_word_end == alternative.words[-1].end

        await socket.send_keep_alive()
        await send_audio(socket, speech("Tomorrow morning please"))
        second = await inbox.until("UtteranceEnd")
        final2 = [m for m in second if m.type == "Results"][-1]
        assert final2.channel.alternatives[0].transcript == "Tomorrow morning, please."
        assert final2.is_final and final2.speech_final
        assert final2.start == pytest.approx(final.start + final.duration, abs=0.011)

        await socket.send_finalize()      # nothing pending: an empty final
        flushed = (await inbox.until("Results"))[-1]
        assert flushed.from_finalize and flushed.is_final and flushed.channel.alternatives[0].transcript == ""

        await socket.send_close_stream()
        metadata = (await inbox.until("Metadata"))[-1]
        assert metadata.request_id == final.metadata.request_id and metadata.channels == 1
        assert await asyncio.wait_for(inbox.queue.get(), 2) is None and inbox.error is None
        assert socket._websocket.close_code == 1000

    sent = len(speech("Book a flight to Madrid")) + len(speech("Tomorrow morning please"))
    assert metadata.duration == pytest.approx(sent / 2 / RATE, abs=0.011)
    assert fake_deepgram.connections == 1 and fake_deepgram.audio_bytes == [sent]
    assert fake_deepgram.connection_params == [{
        "model": "nova-3", "language": "en", "encoding": "linear16", "sample_rate": "16000", "channels": "1",
        "interim_results": "true", "endpointing": "300", "utterance_end_ms": "1000", "punctuate": "true",
        "smart_format": "true"}]
    assert fake_deepgram.connection_headers[0]["authorization"] == f"Token {fake_deepgram.api_key}"
    assert (fake_deepgram.keepalives, fake_deepgram.finalizes, fake_deepgram.close_streams) == (1, 1, 1)
    assert fake_deepgram.results_sent == len([m for m in fake_deepgram.messages_sent if m["type"] == "Results"])


async def test_deepgram_finalize_flushes_speech_without_punctuation(fake_deepgram):
    fake_deepgram.script, fake_deepgram.detected_language = ["¿Hay vuelos a Lima?"], "es"
    options = dict(LIVE_OPTIONS, language="multi", punctuate=False, smart_format=False, interim_results=False,
                   vad_events=True)
    async with deepgram(fake_deepgram).listen.v1.connect(**options) as socket:
        inbox = Inbox(socket)
        await send_audio(socket, speech("Hay vuelos a Lima", silence_s=0.0))
        await socket.send_finalize()
        started, final = await inbox.until("Results")   # no interims without interim_results
        assert started.type == "SpeechStarted" and started.timestamp < 0.1
        assert final.is_final and final.from_finalize and not final.speech_final
        alternative = final.channel.alternatives[0]
        assert alternative.transcript == "hay vuelos a lima" and alternative.languages == ["es"]
        assert {w.language for w in alternative.words} == {"es"}
        await socket.send_close_stream()
        await inbox.until("Metadata")
    assert [m["type"] for m in fake_deepgram.messages_sent] == ["SpeechStarted", "Results", "Metadata"]


async def test_deepgram_idle_connection_is_closed_like_net0001(fake_deepgram):
    fake_deepgram.idle_timeout_s = 0.2
    async with deepgram(fake_deepgram).listen.v1.connect(**LIVE_OPTIONS) as socket:
        inbox = Inbox(socket)
        await asyncio.wait_for(inbox.task, 5)
    assert isinstance(inbox.error, websockets.exceptions.ConnectionClosedError)
    assert inbox.error.rcvd.code == 1011 and "net0001" in inbox.error.rcvd.reason


@pytest.mark.parametrize("fault, status", [(None, 401), ("reject_401", 401), ("server_error_500", 500)])
async def test_deepgram_rejected_upgrade_is_an_api_error(fake_deepgram, fault, status):
    fake_deepgram.fault = fault
    key = "wrong-key" if fault is None else None
    with pytest.raises(ApiError) as error:
        async with deepgram(fake_deepgram, key).listen.v1.connect(**LIVE_OPTIONS):
            pass
    assert error.value.status_code == status
    assert fake_deepgram.connections == 1 and fake_deepgram.audio_bytes == [0]


async def test_deepgram_drop_after_first_result_is_an_abnormal_close(fake_deepgram):
    fake_deepgram.fault = "drop_after_first_result"
    with pytest.raises(websockets.exceptions.ConnectionClosedError):
        async with deepgram(fake_deepgram).listen.v1.connect(**LIVE_OPTIONS) as socket:
            inbox = Inbox(socket)
            await send_audio(socket, speech("Book a flight to Madrid"))
            await asyncio.wait_for(inbox.task, 5)
            assert inbox.error is not None
            raise inbox.error
    assert fake_deepgram.results_sent == 1


async def test_deepgram_malformed_message(fake_deepgram, caplog):
    """`recv()` raises on non-JSON text; `async for` over the socket logs a warning and skips it."""
    fake_deepgram.fault = "malformed"
    async with deepgram(fake_deepgram).listen.v1.connect(**LIVE_OPTIONS) as socket:
        await socket.send_finalize()
        with pytest.raises(json.JSONDecodeError):
            await asyncio.wait_for(socket.recv(), 5)
        inbox = Inbox(socket)
        await socket.send_finalize()
        await socket.send_close_stream()
        assert [m.type for m in await inbox.until("Metadata")] == ["Metadata"]
    assert fake_deepgram.results_sent == 2
    assert "Skipping unknown WebSocket message" in caplog.text


async def test_deepgram_slow_results_and_bad_control_message(fake_deepgram):
    fake_deepgram.fault, fake_deepgram.delay_s = "slow_results", 0.3
    async with deepgram(fake_deepgram).listen.v1.connect(**LIVE_OPTIONS) as socket:
        inbox = Inbox(socket)
        started = time.monotonic()
        await socket.send_finalize()
        await inbox.until("Results")
        assert time.monotonic() - started >= 0.3
        await socket._send({"type": "Nonsense"})
        error = (await inbox.until("Error"))[-1]
        assert error.variant == "SchemaError"


# --- OpenAI ----------------------------------------------------------------------------------

TOOLS = [{"type": "function", "function": {
    "name": "search_flights", "description": "Search flights",
    "parameters": {"type": "object", "properties": {"origin": {"type": "string"},
                                                   "destination": {"type": "string"},
                                                   "date": {"type": "string"}}}}}]
ARGS = {"origin": "MAD", "destination": "LIM", "date": "2026-11-23", "note": "¿ida y vuelta?"}


_clients: list = []


@pytest.fixture(autouse=True)
async def _close_clients():
    """Close the SDK clients a test made (their finalisers would otherwise run on a closed loop)."""
    yield
    while _clients:
        await _clients.pop().close()


def chat(fake: FakeOpenAIChat, **kwargs) -> AsyncOpenAI:
    options = {"api_key": fake.api_key, "base_url": fake.base_url, "max_retries": 0}
    _clients.append(AsyncOpenAI(**(options | kwargs)))
    return _clients[-1]


async def test_openai_streams_a_tool_call_then_the_reply(fake_openai):
    fake_openai.tool_call = ARGS
    fake_openai.reply_text = "There are two flights. The first leaves at 9. The second at 14."
    client = chat(fake_openai)
    messages = [{"role": "system", "content": "You book flights."},
                {"role": "user", "content": "Vuelos de Madrid a Lima mañana"}]
    stream = await client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS,
                                                  stream=True)
    calls: dict[int, dict] = {}
    finish, pieces = None, 0
    async for chunk in stream:
        assert chunk.object == "chat.completion.chunk" and chunk.model == "gpt-4o-mini"
        choice = chunk.choices[0]
        for call in choice.delta.tool_calls or []:
            slot = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
            slot["id"] = call.id or slot["id"]
            slot["name"] += (call.function.name or "") if call.function else ""
            slot["arguments"] += (call.function.arguments or "") if call.function else ""
            pieces += 1
        finish = choice.finish_reason or finish
    assert finish == "tool_calls" and pieces > 3          # the arguments came in several chunks
    (call,) = calls.values()
    assert call["name"] == "search_flights" and call["id"].startswith("call_")
    assert json.loads(call["arguments"]) == ARGS

    messages += [{"role": "assistant", "content": None, "tool_calls": [{
                     "id": call["id"], "type": "function",
                     "function": {"name": call["name"], "arguments": call["arguments"]}}]},
                 {"role": "tool", "tool_call_id": call["id"], "content": '{"flights": 2}'}]
    stream = await client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS,
                                                  stream=True, stream_options={"include_usage": True})
    chunks = [chunk async for chunk in stream]
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert deltas[0].role == "assistant"
    assert "".join(d.content or "" for d in deltas) == fake_openai.reply_text
    assert len(deltas) > 10 and chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0

    assert len(fake_openai.requests) == 2 and fake_openai.requests[1]["messages"][-1]["role"] == "tool"
    assert fake_openai.requests[0]["tools"] == TOOLS and fake_openai.requests[0]["stream"] is True
    assert fake_openai.headers[0]["authorization"] == f"Bearer {fake_openai.api_key}"


async def test_openai_timing_knobs_and_responder(fake_openai):
    fake_openai.responder = lambda body: (ToolCall("get_weather", {"city": "Lima"})
                                          if body["messages"][-1]["content"] == "weather" else "Uno. Dos. Tres.")
    fake_openai.first_token_delay_s, fake_openai.chunk_delay_s = 0.2, 0.05
    client = chat(fake_openai)
    started = time.monotonic()
    stream = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}],
                                                  stream=True)
    arrivals = [time.monotonic() - started async for chunk in stream if chunk.choices[0].delta.content]
    assert arrivals[0] >= 0.2 and arrivals[-1] - arrivals[0] >= 0.05 * (len(arrivals) - 1) * 0.9
    fake_openai.first_token_delay_s = fake_openai.chunk_delay_s = 0
    reply = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "weather"}])
    assert reply.choices[0].finish_reason == "tool_calls"
    assert reply.choices[0].message.tool_calls[0].function.name == "get_weather"
    reply = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert reply.object == "chat.completion" and reply.choices[0].message.content == "Uno. Dos. Tres."


async def test_openai_rate_limit_and_auth_errors(fake_openai):
    fake_openai.fault = "rate_limit_429"
    with pytest.raises(openai.RateLimitError) as error:
        await chat(fake_openai).chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}],
                                                        stream=True)
    assert error.value.status_code == 429 and error.value.code == "rate_limit_exceeded"
    assert error.value.response.headers["retry-after"] == "1"
    fake_openai.fault = None
    with pytest.raises(openai.AuthenticationError) as error:
        await chat(fake_openai, api_key="sk-wrong-key").chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}])
    assert error.value.code == "invalid_api_key" and "sk-wrong-key" not in str(error.value)


@pytest.mark.parametrize("fault", ["timeout", "slow_drip"])
async def test_openai_client_timeout_is_honoured(fake_openai, fault):
    fake_openai.fault = fault
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        stream = await chat(fake_openai, timeout=0.3).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}], stream=True)
        async for _ in stream:
            pass
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("fault, exception", [
    ("server_error_500", openai.InternalServerError),
    ("malformed", json.JSONDecodeError),
    ("disconnect_mid_stream", openai.APIConnectionError),
])
async def test_openai_faults_surface_as_errors(fake_openai, fault, exception):
    fake_openai.fault = fault
    received = 0
    with pytest.raises(exception):
        stream = await chat(fake_openai).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}], stream=True)
        async for _ in stream:
            received += 1
    assert received == (3 if fault == "disconnect_mid_stream" else 0)


async def test_openai_one_shot_fault_then_retry_succeeds(fake_openai):
    fake_openai.next_faults = ["server_error_500"]
    client = chat(fake_openai, max_retries=1)
    reply = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert reply.choices[0].message.content == fake_openai.reply_text and len(fake_openai.requests) == 2


# --- Cartesia --------------------------------------------------------------------------------

def tts(fake: FakeCartesia, **kwargs) -> AsyncCartesia:
    options = {"api_key": fake.api_key, "base_url": fake.url, "websocket_base_url": fake.ws_url, "max_retries": 0}
    _clients.append(AsyncCartesia(**(options | kwargs)))
    return _clients[-1]


SSE_REQUEST = {"model_id": "sonic-3", "transcript": "Hay dos vuelos a Lima mañana.",
               "voice": {"id": "voice-es-1"}, "language": "es"}


@pytest.mark.parametrize("encoding, rate, width, dtype", [("pcm_s16le", 24000, 2, "<i2"),
                                                           ("pcm_f32le", 16000, 4, "<f4")])
async def test_cartesia_sse_streams_audio_of_the_expected_length(fake_cartesia, encoding, rate, width, dtype):
    output_format = {"container": "raw", "encoding": encoding, "sample_rate": rate}
    stream = await tts(fake_cartesia).tts.generate_sse(**SSE_REQUEST, output_format=output_format,
                                                       add_timestamps=True, context_id="turn-1")
    events = [event async for event in stream]
    chunks = [e for e in events if e.type == "chunk"]
    assert [e.type for e in events[-2:]] == ["timestamps", "done"] and events[-1].done
    audio = b"".join(e.audio for e in chunks)
    assert audio == b"".join(base64.b64decode(e.data) for e in chunks)
    expected = fake_cartesia.expected_samples(SSE_REQUEST["transcript"], rate)
    assert len(audio) == expected * width and expected == round(len(SSE_REQUEST["transcript"]) * 0.055 * rate)
    assert len(chunks) > 5 and all(len(c.audio) == rate // 20 * width for c in chunks[:-1])
    assert all(c.context_id == "turn-1" and c.status_code == 206 for c in chunks)
    samples = np.frombuffer(audio, dtype=dtype).astype(np.float64)
    peak = np.abs(samples).max() / (32767 if width == 2 else 1)
    assert 0.05 < peak <= 0.11                                   # a quiet tone
    assert events[-2].word_timestamps.words == SSE_REQUEST["transcript"].split()

    body, headers = fake_cartesia.requests[0], fake_cartesia.headers[0]
    assert body["output_format"] == output_format and body["language"] == "es"
    assert body["voice"] == {"id": "voice-es-1"} and body["model_id"] == "sonic-3"
    assert headers["authorization"] == f"Bearer {fake_cartesia.api_key}" and headers["cartesia-version"]
    assert fake_cartesia.paths == ["/tts/sse"]


async def test_cartesia_bytes_endpoint_and_first_byte_delay(fake_cartesia):
    fake_cartesia.first_byte_delay_s = 0.2
    started = time.monotonic()
    async with tts(fake_cartesia).tts.with_streaming_response.generate(
            model_id="sonic-3", transcript="Hola", voice="voice-es-1", language="es",
            output_format={"container": "wav", "encoding": "pcm_s16le", "sample_rate": 22050}) as response:
        parts = [part async for part in response.iter_bytes()]
    assert time.monotonic() - started >= 0.2
    data = b"".join(parts)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert len(data) == 44 + fake_cartesia.expected_samples("Hola", 22050) * 2
    assert fake_cartesia.paths == ["/tts/bytes"] and fake_cartesia.headers[0]["accept"] == "audio/wav"


@pytest.mark.parametrize("fault, exception", [
    ("rate_limit_429", cartesia.RateLimitError),
    ("server_error_500", cartesia.InternalServerError),
    ("unsupported_language", cartesia.BadRequestError),
    ("malformed", json.JSONDecodeError),
    ("disconnect_mid_stream", httpx.RemoteProtocolError),
    ("timeout", cartesia.APITimeoutError),
])
async def test_cartesia_faults_surface_as_sdk_errors(fake_cartesia, fault, exception):
    fake_cartesia.fault = fault
    received = 0
    started = time.monotonic()
    with pytest.raises(exception):   # a short client timeout only where the fault is a hang
        stream = await tts(fake_cartesia, timeout=0.3 if fault == "timeout" else 5.0).tts.generate_sse(
            **SSE_REQUEST, output_format={"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000})
        async for _ in stream:
            received += 1
    assert received == (2 if fault == "disconnect_mid_stream" else 0)
    assert time.monotonic() - started < (1.5 if fault == "timeout" else 5.0)


async def test_cartesia_rejects_bad_key_and_unsupported_language(fake_cartesia):
    request = dict(SSE_REQUEST, output_format={"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000})
    with pytest.raises(cartesia.AuthenticationError):
        await tts(fake_cartesia, api_key="wrong").tts.generate_sse(**request)
    with pytest.raises(cartesia.BadRequestError) as error:
        await tts(fake_cartesia).tts.generate_sse(**(request | {"language": "xx"}))
    assert "'xx' is not supported" in str(error.value)
