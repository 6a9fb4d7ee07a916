"""A local fake of Deepgram's live transcription WebSocket (`wss://api.deepgram.com/v1/listen`).

URL layout: `ws://127.0.0.1:<port>/v1/listen?model=...&language=...&encoding=linear16&...` (the
path `deepgram-sdk` 7.x's `client.listen.v1.connect(...)` opens under the environment's
`production` URL). Point the real SDK at it with `FakeDeepgram.environment()`:

    client = AsyncDeepgramClient(api_key=fake.api_key, environment=fake.environment())
    async with client.listen.v1.connect(model="nova-3", language="en", encoding="linear16",
                                        sample_rate=16000, interim_results=True, endpointing=300,
                                        utterance_end_ms=1000, punctuate=True) as socket:
        await socket.send_media(pcm_bytes)            # binary frames: linear16 audio
        await socket.send_keep_alive() / send_finalize() / send_close_stream()
        async for message in socket: ...              # ListenV1Results / ListenV1UtteranceEnd / ...

Authentication: `Authorization: Token <api_key>` (also `Bearer <api_key>`, or the
`Sec-WebSocket-Protocol: token, <api_key>` browser form). A wrong key gets HTTP 401 on the upgrade
(the SDK raises `deepgram.core.api_error.ApiError` with `status_code` 401), like Deepgram.
An unknown `encoding`, or `encoding` without `sample_rate`, gets HTTP 400.

Behaviour. Transcripts are SCRIPTED; when they are sent is decided by the audio:
- Audio is read as linear16 at `sample_rate` (interleaved if `channels` > 1) in 10 ms frames; a
  frame is speech when its RMS >= `speech_rms` (int16 units, default 500).
- When speech starts, the next scripted utterance is taken (`script`, in order; then cycled if
  `cycle`, else `default_transcript`, "hello"). With `vad_events=true` a `SpeechStarted` is sent.
- While speech goes on, with `interim_results=true`, an interim `Results` (is_final false) is sent
  about every `interim_every_s` (0.5) s of audio with a growing prefix of the words
  (`words_per_second`, 2.5, of audio so far, at least one word).
- After `endpointing` ms (query parameter; 300 when absent; `endpointing=false` disables it) of
  non-speech audio following speech, the final `Results` (is_final true, speech_final true) is
  sent; then, when `interim_results=true` and `utterance_end_ms` is set, an `UtteranceEnd` at once
  (the real service waits utterance_end_ms after the last word; the fake does not).
- `{"type":"Finalize"}` sends a final for the audio so far (is_final true, speech_final false,
  from_finalize true; an empty transcript when no speech was pending).
- `{"type":"CloseStream"}` flushes a pending utterance as a final (speech_final true), then sends a
  `Metadata` message and closes the socket with code 1000.
- `{"type":"KeepAlive"}` is counted; any other text gets an `Error` message (variant SchemaError).
- With `punctuate=true` or `smart_format=true` the transcript is the scripted text verbatim;
  otherwise it is lower-cased with the punctuation removed, as Deepgram does.
- `language=multi` adds `languages: [detected_language]` to the alternative and each word.
- Results carry the real shape: type, channel_index [0, 1], duration, start (seconds of audio since
  the previous final), is_final, speech_final, from_finalize, channel.alternatives[0]{transcript,
  confidence, words[{word, start, end, confidence, punctuated_word}]}, metadata{request_id,
  model_info{name, version, arch}, model_uuid}. The upgrade response carries `dg-request-id`.

Knobs (reset by `reset()`): `api_key`, `script` (assigning restarts it), `cycle`,
`default_transcript`, `speech_rms`, `interim_every_s`, `words_per_second`, `detected_language`,
`idle_timeout_s` (None; else no message for that long -> close 1011 like Deepgram's NET-0001),
`delay_s` (0.5, for "slow_results"), `hang_s` (3600, for "timeout"), and `fault`, read per
connection / per message:
- None: normal.
- "reject_401" / "server_error_500": HTTP 401 / 500 on the upgrade.
- "rate_limit_429": HTTP 429 on the upgrade, with `retry-after: 1` (Deepgram's TOO_MANY_REQUESTS).
- "timeout": the upgrade is never answered: the server holds the handshake for `hang_s` (3600)
  seconds or until it stops, so the client's connect timeout fires.
- "drop_after_first_result": the TCP connection is cut (no close frame, the client sees 1006)
  right after the first Results message.
- "malformed": every Results message is replaced by non-JSON text (deepgram-sdk 7.x's `async for`
  over the socket skips such a message with a "Skipping unknown WebSocket message" warning; its
  `start_listening` raises `json.JSONDecodeError`).
- "slow_results": every message is sent `delay_s` late (a live stream's "slow drip": the socket stays
  healthy, but transcripts land later and later).

Recorded: `connections` (upgrade attempts, rejected ones included), `connection_params` (one dict
of query parameters per attempt), `connection_headers`, `audio_bytes` (list, bytes received per
connection, index-aligned with `connection_params`), `keepalives`, `finalizes`, `close_streams`,
`results_sent` (totals), `messages_sent` (every JSON message sent, as dicts, in order).

Fixture: `fake_deepgram` (tests/fakes/fixtures.py, imported by tests/integration/conftest.py): one
server per session, `reset()` around each test.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import math
import string
import uuid
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from .server import BackgroundServer

ENCODINGS = {"linear16", "linear32", "flac", "alaw", "mulaw", "amr-nb", "amr-wb", "opus", "ogg-opus",
             "speex", "g729"}
_PUNCTUATION = string.punctuation + "¿¡。、！？，．：；「」…«»“”‘’"
_NET0001 = ("Deepgram did not receive audio data or a text message within the timeout window. "
            "See https://dpgr.am/net0001")


class _Drop(Exception):
    """Ends the connection without a close frame."""


class FakeDeepgram(BackgroundServer):
    """Deepgram's `/v1/listen` live-streaming WebSocket on ws://127.0.0.1:<free port>."""

    name = "deepgram"

    def __init__(self) -> None:
        super().__init__()
        self.app = Starlette(routes=[WebSocketRoute("/v1/listen", self._listen)])
        self.reset()

    def reset(self) -> None:
        """Forget every knob and counter (called before each test)."""
        self.api_key = "fake-deepgram-key"
        self.script = []
        self.cycle = False
        self.default_transcript = "hello"
        self.speech_rms = 500.0
        self.interim_every_s = 0.5
        self.words_per_second = 2.5
        self.detected_language = "en"
        self.idle_timeout_s: float | None = None
        self.delay_s = 0.5
        self.hang_s = 3600.0
        self.fault: str | None = None
        self.connections = 0
        self.connection_params: list[dict[str, str]] = []
        self.connection_headers: list[dict[str, str]] = []
        self.audio_bytes: list[int] = []
        self.keepalives = self.finalizes = self.close_streams = self.results_sent = 0
        self.messages_sent: list[dict[str, Any]] = []

    @property
    def script(self) -> list[str]:
        return self._script

    @script.setter
    def script(self, utterances: list[str]) -> None:
        self._script = list(utterances)
        self._script_pos = 0

    def next_transcript(self) -> str:
        """The next scripted utterance (then cycled, or `default_transcript`)."""
        if self._script_pos < len(self._script):
            text = self._script[self._script_pos]
        elif self.cycle and self._script:
            text = self._script[self._script_pos % len(self._script)]
        else:
            return self.default_transcript
        self._script_pos += 1
        return text

    def environment(self) -> Any:
        """A `DeepgramClientEnvironment` whose every URL points at this server."""
        from deepgram import DeepgramClientEnvironment

        return DeepgramClientEnvironment(base=self.url, production=self.ws_url, agent=self.ws_url,
                                         agent_rest=self.url)

    # --- the WebSocket -----------------------------------------------------------------------
    async def _deny(self, ws: WebSocket, status: int, err_code: str, message: str, request_id: str,
                    extra_headers: dict[str, str] | None = None) -> None:
        body = {"err_code": err_code, "err_msg": message, "request_id": request_id}
        await ws.send_denial_response(JSONResponse(body, status_code=status, headers={
            "dg-error": message, "dg-request-id": request_id, **(extra_headers or {})}))

    async def _listen(self, ws: WebSocket) -> None:
        request_id = str(uuid.uuid4())
        params = dict(ws.query_params)
        headers = dict(ws.headers)
        self.connections += 1
        self.connection_params.append(params)
        self.connection_headers.append(headers)
        self.audio_bytes.append(0)
        index = len(self.audio_bytes) - 1

        scheme, _, key = headers.get("authorization", "").partition(" ")
        subprotocol = None
        protocols = ws.scope.get("subprotocols") or []
        if not key and len(protocols) >= 2 and protocols[0].lower() == "token":
            scheme, key, subprotocol = "token", protocols[1], "token"
        if self.fault == "server_error_500":
            return await self._deny(ws, 500, "INTERNAL_SERVER_ERROR", "Internal server error.", request_id)
        if self.fault == "rate_limit_429":
            return await self._deny(ws, 429, "TOO_MANY_REQUESTS", "Too many requests. Please try again later.",
                                    request_id, {"retry-after": "1"})
        if self.fault == "timeout":
            await self.hang(self.hang_s)   # never answer the handshake; ends at shutdown
            return await self._deny(ws, 504, "TIMEOUT", "timeout", request_id)
        if self.fault == "reject_401" or scheme.lower() not in ("token", "bearer") or key != self.api_key:
            return await self._deny(ws, 401, "INVALID_AUTH", "Invalid credentials.", request_id)
        encoding = params.get("encoding")
        if encoding is not None and encoding not in ENCODINGS:
            return await self._deny(ws, 400, "Bad Request", f"Unknown encoding: {encoding}", request_id)
        if encoding is not None and "sample_rate" not in params:
            return await self._deny(ws, 400, "Bad Request",
                                    "sample_rate is required when encoding is specified", request_id)

        await ws.accept(subprotocol=subprotocol, headers=[(b"dg-request-id", request_id.encode())])
        stream = _Stream(self, ws, params, request_id)
        try:
            while True:
                try:
                    if self.idle_timeout_s is None:
                        message = await ws.receive()
                    else:
                        message = await asyncio.wait_for(ws.receive(), self.idle_timeout_s)
                except TimeoutError:
                    await ws.close(1011, _NET0001)
                    return
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("bytes") is not None:
                    self.audio_bytes[index] += len(message["bytes"])
                    await stream.audio(message["bytes"])
                elif message.get("text") is not None and await stream.control(message["text"]):
                    return
        except _Drop:
            return  # returning without a close frame: uvicorn closes the TCP connection
        except (WebSocketDisconnect, OSError):
            return


class _Stream:
    """The state of one live connection."""

    def __init__(self, server: FakeDeepgram, ws: WebSocket, params: dict[str, str], request_id: str) -> None:
        self.server, self.ws, self.request_id = server, ws, request_id
        self.model = params.get("model", "base")
        self.language = params.get("language", "en")
        self.sample_rate = int(params.get("sample_rate") or 16000)
        self.channels = max(1, int(params.get("channels") or 1))
        self.interim = params.get("interim_results") == "true"
        self.punctuate = params.get("punctuate") == "true" or params.get("smart_format") == "true"
        self.vad_events = params.get("vad_events") == "true"
        endpointing = params.get("endpointing")
        self.endpointing_s = (None if endpointing == "false"
                              else int(endpointing) / 1000 if endpointing and endpointing.isdigit() else 0.3)
        utterance_end = params.get("utterance_end_ms")
        self.utterance_end = bool(utterance_end) and utterance_end != "false"
        self.frame_bytes = 2 * self.channels * max(1, self.sample_rate // 100)   # 10 ms of linear16
        self.pending = b""
        self.frames = 0            # 10 ms frames received
        self.cursor = 0.0          # end of the previous final, seconds
        self.text: str | None = None
        self.speech_start = 0.0
        self.speech_end = 0.0
        self.next_interim = 0.0
        self.model_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"deepgram-model:{self.model}"))
        self.sha = hashlib.sha256()

    @property
    def now(self) -> float:
        return self.frames / 100

    # --- input ---------------------------------------------------------------------------------
    async def audio(self, data: bytes) -> None:
        self.sha.update(data)
        data = self.pending + data
        usable = len(data) - len(data) % self.frame_bytes
        self.pending = data[usable:]
        if not usable:
            return
        samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.float64)
        frames = samples.reshape(-1, self.frame_bytes // 2)
        rms = np.sqrt(np.mean(frames * frames, axis=1))
        for value in rms:
            start = self.now
            self.frames += 1
            if value >= self.server.speech_rms:
                if self.text is None:
                    self.text = self.server.next_transcript()
                    self.speech_start = start
                    self.next_interim = start + self.server.interim_every_s
                    if self.vad_events:
                        await self.send({"type": "SpeechStarted", "channel": [0], "timestamp": round(start, 3)})
                self.speech_end = self.now
            elif (self.text is not None and self.endpointing_s is not None
                  and self.now - self.speech_end >= self.endpointing_s):
                await self.final(speech_final=True)
                continue
            if self.text is not None and self.interim and self.now >= self.next_interim:
                self.next_interim += self.server.interim_every_s
                await self.results(self.words_heard(), is_final=False, speech_final=False)

    async def control(self, text: str) -> bool:
        """Handle a text message; True when the connection is finished."""
        try:
            kind = json.loads(text).get("type")
        except (ValueError, AttributeError):
            kind = None
        if kind == "KeepAlive":
            self.server.keepalives += 1
        elif kind == "Finalize":
            self.server.finalizes += 1
            await self.final(speech_final=False, from_finalize=True)
        elif kind == "CloseStream":
            self.server.close_streams += 1
            if self.text is not None:
                await self.final(speech_final=True)
            await self.send(self.metadata())
            await self.ws.close(1000)
            return True
        else:
            await self.send({"type": "Error", "variant": "SchemaError",
                             "description": "Could not parse the client message.", "message": text})
        return False

    # --- output --------------------------------------------------------------------------------
    def words_heard(self) -> int:
        words = (self.text or "").split()
        heard = math.ceil((self.now - self.speech_start) * self.server.words_per_second)
        return min(len(words), max(1, heard))

    async def final(self, *, speech_final: bool, from_finalize: bool = False) -> None:
        count = len((self.text or "").split())
        await self.results(count, is_final=True, speech_final=speech_final, from_finalize=from_finalize)
        had_speech = self.text is not None
        self.text, self.cursor = None, self.now
        if had_speech and speech_final and self.interim and self.utterance_end:
            await self.send({"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": round(self.speech_end, 3)})

    async def results(self, count: int, *, is_final: bool, speech_final: bool, from_finalize: bool = False) -> None:
        tokens = (self.text or "").split()[:count]
        span_start, span_end = self.speech_start, max(self.speech_end, self.speech_start + 0.01)
        step = (span_end - span_start) / max(1, len(self.text.split()) if self.text else 1)
        words = []
        for i, token in enumerate(tokens):
            bare = token.strip(_PUNCTUATION).lower() or token.lower()
            word = {"word": bare, "start": round(span_start + i * step, 3),
                    "end": round(span_start + (i + 1) * step, 3), "confidence": 0.98,
                    "punctuated_word": token if self.punctuate else bare}
            if self.language == "multi":
                word["language"] = self.server.detected_language
            words.append(word)
        transcript = " ".join(tokens) if self.punctuate else " ".join(w["word"] for w in words)
        alternative: dict[str, Any] = {"transcript": transcript, "confidence": 0.98 if tokens else 0.0,
                                       "words": words}
        if self.language == "multi":
            alternative["languages"] = [self.server.detected_language] if tokens else []
        message = {
            "type": "Results", "channel_index": [0, 1],
            "duration": round(self.now - self.cursor, 3), "start": round(self.cursor, 3),
            "is_final": is_final, "speech_final": speech_final, "from_finalize": from_finalize,
            "channel": {"alternatives": [alternative]},
            "metadata": {"request_id": self.request_id, "model_uuid": self.model_uuid,
                         "model_info": self.model_info()},
        }
        self.server.results_sent += 1
        await self.send(message)
        if self.server.fault == "drop_after_first_result":
            raise _Drop()

    def model_info(self) -> dict[str, str]:
        return {"name": f"general-{self.model}", "version": "2026-01-01.0", "arch": self.model}

    def metadata(self) -> dict[str, Any]:
        return {"type": "Metadata", "transaction_key": "deprecated", "request_id": self.request_id,
                "sha256": self.sha.hexdigest(), "created": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
                "duration": round(self.now, 3), "channels": self.channels, "models": [self.model_uuid],
                "model_info": {self.model_uuid: self.model_info()}}

    async def send(self, message: dict[str, Any]) -> None:
        if self.server.fault == "slow_results":
            await asyncio.sleep(self.server.delay_s)
        self.server.messages_sent.append(message)
        text = json.dumps(message)
        if self.server.fault == "malformed" and message["type"] == "Results":
            text = "Results<" + text[: len(text) // 2]
        await self.ws.send_text(text)
