"""A local fake of Cartesia's text-to-speech HTTP API (`https://api.cartesia.ai/tts/sse` and `/tts/bytes`).

URL layout: `http://127.0.0.1:<port>/tts/sse` (Server-Sent Events) and `/tts/bytes` (the audio as
one streamed body). Point the real SDK at it with

    AsyncCartesia(api_key=fake.api_key, base_url=fake.url, websocket_base_url=fake.ws_url, max_retries=0)

(`websocket_base_url` keeps the SDK's sockets off wss://). The streaming WebSocket `/tts/websocket`,
which livekit-plugins-cartesia uses, is served too: see tests/fakes/cartesia_ws.py.
`await client.tts.generate_sse(model_id=..., transcript=..., voice={"id": ...}, output_format=
{"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000}, language="es")` returns an
`AsyncStream` of `TTSSSEChunkEvent` (`.type == "chunk"`, `.data` base64, `.audio` bytes), optional
`TTSSSETimestampsEvent` (with `add_timestamps=True`), then a `TTSSSEDoneEvent`.

Authentication: `Authorization: Bearer <api_key>` (what cartesia 4.x sends) or `X-API-Key: <api_key>`,
else 401; a missing `Cartesia-Version` header gets a 400. Both as Cartesia's error JSON
`{"error_code", "title", "message", "request_id", "doc_url"}` (the SDK raises
`cartesia.AuthenticationError` / `cartesia.BadRequestError`).

Validation (400): `model_id`, `transcript` (non-empty) and `voice` (an id string or `{"id": ...}`)
are required; `output_format.container` must be "raw" (SSE) or "raw"/"wav" (bytes), `encoding`
"pcm_s16le" or "pcm_f32le" (the fake does not encode mu-law/A-law/mp3), `sample_rate` one of 8000,
16000, 22050, 24000, 44100, 48000; `language` (when given) must be in `supported_languages` (the 42
sonic-3 languages by default).

Audio: a quiet 220 Hz tone (amplitude 0.1 of full scale), `ms_per_char` (55) ms per character of the
transcript, capped at `max_seconds` (20), at the requested rate and encoding; in chunks of `chunk_ms`
(50) ms. SSE wire format, as Cartesia sends it:

    event: chunk
    data: {"type": "chunk", "data": "<base64>", "done": false, "status_code": 206, "step_time": 9.5, "context_id": ...}

    event: done
    data: {"type": "done", "done": true, "status_code": 200, "context_id": ...}

Helpers: `expected_samples(transcript, sample_rate)` (the length the fake will produce),
`bytes_per_sample(encoding)`.

Knobs (reset by `reset()`): `api_key`, `first_byte_delay_s` (0, before the first chunk),
`chunk_delay_s` (0, between chunks), `ms_per_char`, `max_seconds`, `chunk_ms`,
`supported_languages`, `disconnect_after_chunks` (2), `retry_after_s` (1), `slow_drip_delay_s`
(0.2), and `fault` (sticky) / `next_faults` (one-shot, first; "ok" = none):
- "timeout": hangs before the headers (until the client gives up or the server stops).
- "rate_limit_429": 429 + `retry-after` (`cartesia.RateLimitError`; the SDK retries 429 by
  itself unless `max_retries=0`).
- "server_error_500": 500 (`cartesia.InternalServerError`).
- "malformed": SSE data that is not JSON (iterating raises `json.JSONDecodeError`); for
  `/tts/bytes`, a body with an odd number of bytes (not whole samples).
- "disconnect_mid_stream": the connection is cut after `disconnect_after_chunks` chunks
  (iterating raises `httpx.RemoteProtocolError`: cartesia does not wrap it).
- "unsupported_language": a 400 for the request's language, as for a language the model lacks.
- "slow_drip": every chunk comes `slow_drip_delay_s` (0.2) late, on both endpoints: each chunk is on
  time for a per-chunk timeout above that, but a sentence of several chunks takes longer in total
  (and its audio arrives slower than it plays).

Recorded: `requests` (the JSON bodies), `headers` (one dict per request, lower-case names),
`paths` (which endpoint each request hit).

Fixture: `fake_cartesia` (tests/fakes/fixtures.py, imported by tests/integration/conftest.py): one
server per session, `reset()` around each test.
"""
from __future__ import annotations

import asyncio
import base64
import json
import struct
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from .cartesia_ws import InvalidRequest as _Invalid, serve_websocket
from .server import BackgroundServer, DeliberateDrop, FaultKnobs

HANG_SECONDS = 3600.0
SAMPLE_RATES = (8000, 16000, 22050, 24000, 44100, 48000)
ENCODINGS = {"pcm_s16le": 2, "pcm_f32le": 4}
SONIC_3_LANGUAGES = frozenset((
    "en", "de", "es", "fr", "ja", "pt", "zh", "hi", "ko", "it", "nl", "pl", "ru", "sv", "tr", "tl", "bg", "ro", "ar",
    "cs", "el", "fi", "hr", "ms", "sk", "da", "ta", "uk", "hu", "no", "vi", "bn", "th", "he", "ka", "id", "te", "gu",
    "kn", "ml", "mr", "pa"))
TONE_HZ = 220.0
AMPLITUDE = 0.1


def bytes_per_sample(encoding: str) -> int:
    return ENCODINGS[encoding]


def wav_header(sample_rate: int, encoding: str, data_bytes: int) -> bytes:
    """A 44-byte RIFF/WAVE header for mono PCM (format 1) or IEEE float (format 3) data."""
    width = bytes_per_sample(encoding)
    tag = 3 if encoding == "pcm_f32le" else 1
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, tag, 1, sample_rate, sample_rate * width, width, 8 * width)
            + b"data" + struct.pack("<I", data_bytes))



class FakeCartesia(FaultKnobs, BackgroundServer):
    """Cartesia's `/tts/sse`, `/tts/bytes` and `/tts/websocket` on http://127.0.0.1:<free port>."""

    name = "cartesia"

    def __init__(self) -> None:
        super().__init__()
        self.app = Starlette(routes=[Route("/tts/sse", self._sse, methods=["POST"]),
                                     Route("/tts/bytes", self._bytes, methods=["POST"]),
                                     WebSocketRoute("/tts/websocket", self._websocket)])
        self.reset()

    def reset(self) -> None:
        """Forget every knob and counter (called before each test)."""
        self.api_key = "fake-cartesia-key"
        self.first_byte_delay_s = 0.0
        self.chunk_delay_s = 0.0
        self.ms_per_char = 55.0
        self.max_seconds = 20.0
        self.chunk_ms = 50.0
        self.supported_languages: set[str] | frozenset[str] = SONIC_3_LANGUAGES
        self.disconnect_after_chunks = 2
        self.retry_after_s = 1
        self.slow_drip_delay_s = 0.2
        self.fault: str | None = None
        self.next_faults: list[str] = []
        self.requests: list[Any] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []


    def expected_samples(self, transcript: str, sample_rate: int) -> int:
        """How many samples the fake synthesises for `transcript`."""
        seconds = min(len(transcript) * self.ms_per_char / 1000, self.max_seconds)
        return round(seconds * sample_rate)

    def synthesise(self, transcript: str, sample_rate: int, encoding: str) -> bytes:
        n = self.expected_samples(transcript, sample_rate)
        tone = AMPLITUDE * np.sin(2 * np.pi * TONE_HZ * np.arange(n) / sample_rate)
        if encoding == "pcm_f32le":
            return tone.astype("<f4").tobytes()
        return np.round(tone * 32767).astype("<i2").tobytes()

    # --- request checks ----------------------------------------------------------------------
    @staticmethod
    def _error(status: int, title: str, message: str, code: str, headers: dict[str, str] | None = None) -> Response:
        return JSONResponse({"error_code": code, "title": title, "message": message,
                             "request_id": str(uuid.uuid4()), "doc_url": "https://docs.cartesia.ai/api-reference"},
                            status_code=status, headers=headers)

    async def _accept(self, request: Request, containers: tuple[str, ...]) -> tuple[dict[str, Any], str | None] | Response:
        """Record the request; the body and the fault, or the error response to send."""
        self.paths.append(request.url.path)
        self.headers.append(dict(request.headers))
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        self.requests.append(body)
        fault = self.take_fault()
        auth = request.headers.get("authorization", "")
        key = auth[7:] if auth.lower().startswith("bearer ") else request.headers.get("x-api-key", "")
        if key != self.api_key:
            return self._error(401, "Unauthorized", "Invalid API key.", "unauthorized")
        if not request.headers.get("cartesia-version"):
            return self._error(400, "Bad request", "Cartesia-Version header is required.", "missing_version")
        try:
            self._validate(body, containers)
        except _Invalid as exc:
            return self._error(400, "Invalid request", exc.message, exc.code)
        assert isinstance(body, dict)
        if fault == "timeout":
            await self.hang(HANG_SECONDS, request)
            return self._error(504, "Timeout", "timeout", "timeout")
        if fault == "rate_limit_429":
            return self._error(429, "Too many requests", "You have exceeded the concurrency limit of your plan.",
                               "rate_limited", headers={"retry-after": str(self.retry_after_s)})
        if fault == "server_error_500":
            return self._error(500, "Internal server error", "An internal error occurred. Please try again.",
                               "internal_error")
        if fault == "unsupported_language":
            return self._error(400, "Invalid request", self._language_message(body), "unsupported_language")
        return body, fault

    @staticmethod
    def _language_message(body: dict[str, Any]) -> str:
        return (f"Language '{body.get('language') or body.get('locale')}' is not supported by model "
                f"'{body.get('model_id')}'.")

    def _validate(self, body: Any, containers: tuple[str, ...]) -> None:
        if not isinstance(body, dict):
            raise _Invalid("Request body must be a JSON object.")
        for name in ("model_id", "transcript", "voice", "output_format"):
            if not body.get(name):
                raise _Invalid(f"Missing required field: {name}.")
        voice = body["voice"]
        if not isinstance(voice, str) and not (isinstance(voice, dict) and voice.get("id")):
            raise _Invalid("voice must be a voice id or an object with an id.")
        fmt = body["output_format"]
        if not isinstance(fmt, dict) or fmt.get("container") not in containers:
            raise _Invalid(f"output_format.container must be one of {', '.join(containers)}.")
        if fmt.get("encoding") not in ENCODINGS:
            raise _Invalid(f"Unsupported output_format.encoding: {fmt.get('encoding')} "
                           "(the fake speaks pcm_s16le and pcm_f32le).")
        if fmt.get("sample_rate") not in SAMPLE_RATES:
            raise _Invalid(f"Unsupported output_format.sample_rate: {fmt.get('sample_rate')}.")
        language = body.get("language") or body.get("locale")
        if language and language.split("-")[0] not in self.supported_languages:
            raise _Invalid(self._language_message(body), "unsupported_language")

    def _chunks(self, body: dict[str, Any]) -> list[bytes]:
        fmt = body["output_format"]
        audio = self.synthesise(body["transcript"], fmt["sample_rate"], fmt["encoding"])
        step = max(1, int(fmt["sample_rate"] * self.chunk_ms / 1000)) * bytes_per_sample(fmt["encoding"])
        return [audio[i:i + step] for i in range(0, len(audio), step)]

    async def _pace(self, index: int, fault: str | None = None) -> None:
        delay = self.first_byte_delay_s if index == 0 else self.chunk_delay_s
        if fault == "slow_drip":
            delay = self.slow_drip_delay_s
        await asyncio.sleep(delay)   # sleep(0) too: lets a client that went away be noticed

    # --- endpoints -----------------------------------------------------------------------------
    async def _sse(self, request: Request) -> Response:
        accepted = await self._accept(request, ("raw",))
        if isinstance(accepted, Response):
            return accepted
        body, fault = accepted
        return StreamingResponse(self._events(body, fault), media_type="text/event-stream",
                                 headers={"x-request-id": str(uuid.uuid4())})

    async def _events(self, body: dict[str, Any], fault: str | None) -> AsyncIterator[bytes]:
        context_id = body.get("context_id")
        chunks = self._chunks(body)
        for i, chunk in enumerate(chunks):
            if fault == "disconnect_mid_stream" and i >= self.disconnect_after_chunks:
                raise DeliberateDrop("disconnect_mid_stream")
            started = time.perf_counter()
            await self._pace(i, fault)
            event = {"type": "chunk", "data": base64.b64encode(chunk).decode(), "done": False,
                     "status_code": 206, "step_time": round((time.perf_counter() - started) * 1000 + 5, 3),
                     "context_id": context_id}
            data = json.dumps(event)
            if fault == "malformed":
                data = "chunk:" + data[: len(data) // 2]
            yield f"event: chunk\ndata: {data}\n\n".encode()
        if body.get("add_timestamps"):
            words = body["transcript"].split()
            total = self.expected_samples(body["transcript"], body["output_format"]["sample_rate"])
            seconds = total / body["output_format"]["sample_rate"]
            step = seconds / max(1, len(words))
            stamps = {"words": words, "start": [round(i * step, 3) for i in range(len(words))],
                      "end": [round((i + 1) * step, 3) for i in range(len(words))]}
            event = {"type": "timestamps", "done": False, "status_code": 206, "word_timestamps": stamps,
                     "context_id": context_id}
            yield f"event: timestamps\ndata: {json.dumps(event)}\n\n".encode()
        done = {"type": "done", "done": True, "status_code": 200, "context_id": context_id}
        yield f"event: done\ndata: {json.dumps(done)}\n\n".encode()

    async def _websocket(self, websocket: WebSocket) -> None:
        await serve_websocket(self, websocket)

    async def _bytes(self, request: Request) -> Response:
        accepted = await self._accept(request, ("raw", "wav"))
        if isinstance(accepted, Response):
            return accepted
        body, fault = accepted
        fmt = body["output_format"]
        chunks = self._chunks(body)
        media_type = "application/octet-stream"
        if fmt["container"] == "wav":
            media_type = "audio/wav"
            chunks = [wav_header(fmt["sample_rate"], fmt["encoding"], sum(map(len, chunks)))] + chunks
        if fault == "malformed":
            chunks = [b"".join(chunks)[:-1] or b"\0"]

        async def body_iter() -> AsyncIterator[bytes]:
            for i, chunk in enumerate(chunks):
                if fault == "disconnect_mid_stream" and i >= self.disconnect_after_chunks:
                    raise DeliberateDrop("disconnect_mid_stream")
                await self._pace(i, fault)
                yield chunk

        return StreamingResponse(body_iter(), media_type=media_type)
