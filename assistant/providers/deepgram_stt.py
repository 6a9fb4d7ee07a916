"""Speech-to-text with Deepgram's live streaming API, through the official `deepgram-sdk` client.

One `DeepgramStream` is one websocket, kept open for the whole session (never closed after an
utterance). Reconnecting after a drop is the caller's job (`assistant.voice.LiveTranscriber`).
"""
from __future__ import annotations

import asyncio
import contextlib
from typing import AsyncIterator

from .base import ErrorKind, ProviderError, SpeechToText, SttStream, Transcript, VoiceOptions
from .errors import env_key, provider_error

ENV_KEY = "DEEPGRAM_API_KEY"
BASE_URL_ENV = "DEEPGRAM_BASE_URL"   # tests point the SDK at a local fake server
_ROUTE_KEYS = ("model", "language", "punctuate", "interim_results", "endpointing", "utterance_end_ms",
               "smart_format")


def _query_value(value):
    """Deepgram's query parameters take lower-case booleans."""
    return str(value).lower() if isinstance(value, bool) else value


class DeepgramStream(SttStream):
    """An open live-transcription websocket."""

    def __init__(self, socket, stack: contextlib.AsyncExitStack, secrets: tuple[str, ...]) -> None:
        self._socket, self._stack, self._secrets = socket, stack, secrets
        self._closed = False

    async def _call(self, make_send) -> None:
        if self._closed:   # checked before the SDK's coroutine is made, so none is left un-awaited
            raise ProviderError(ErrorKind.SERVER_ERROR, "stream is closed", provider="deepgram")
        try:
            await make_send()
        except Exception as exc:  # mapped at the edge: no SDK or websocket error leaves this module
            raise provider_error(exc, "deepgram", self._secrets) from None

    async def send(self, pcm16: bytes) -> None:
        await self._call(lambda: self._socket.send_media(pcm16))

    async def keep_alive(self) -> None:
        await self._call(self._socket.send_keep_alive)

    async def finalize(self) -> None:
        await self._call(self._socket.send_finalize)

    async def close(self) -> None:
        if self._closed:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._socket.send_close_stream(), 1.0)
        self._closed = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._stack.aclose(), 2.0)

    async def transcripts(self) -> AsyncIterator[Transcript]:
        try:
            async for message in self._socket:
                transcript = _to_transcript(message)
                if transcript is not None:
                    yield transcript
        except Exception as exc:
            if not self._closed:
                raise provider_error(exc, "deepgram", self._secrets) from None


def _to_transcript(message) -> Transcript | None:
    """Our Transcript for a Results or UtteranceEnd message; None for others (Metadata, ...)."""
    kind = getattr(message, "type", None) or (message.get("type") if isinstance(message, dict) else None)
    if kind == "UtteranceEnd":
        return Transcript("", is_final=True, utterance_end=True)
    if kind == "Error":
        detail = getattr(message, "description", None) or getattr(message, "message", "") or "error message"
        raise ProviderError(ErrorKind.SERVER_ERROR, f"Deepgram error: {str(detail)[:100]}", provider="deepgram")
    if kind != "Results":
        return None
    try:
        alternative = message.channel.alternatives[0]
    except (AttributeError, IndexError) as exc:
        raise ProviderError(ErrorKind.MALFORMED, "Results without alternatives", provider="deepgram") from exc
    return Transcript(text=(alternative.transcript or "").strip(), is_final=bool(message.is_final),
                      speech_final=bool(getattr(message, "speech_final", False)),
                      confidence=getattr(alternative, "confidence", None))


class DeepgramSTT(SpeechToText):
    """Deepgram streaming STT. Construct with a key, or `from_env()` (None without `DEEPGRAM_API_KEY`)."""

    name = "deepgram"

    def __init__(self, api_key: str, *, base_url: str | None = None,
                 options: VoiceOptions | None = None) -> None:
        self._api_key = api_key
        self.base_url = (base_url or env_key(BASE_URL_ENV) or "").rstrip("/")
        self.options = options or VoiceOptions(connect_timeout_s=5.0)

    def __repr__(self) -> str:  # no credentials, ever
        return f"DeepgramSTT(base_url={self.base_url!r})"

    @classmethod
    def from_env(cls) -> "DeepgramSTT | None":
        key = env_key(ENV_KEY)
        return cls(key) if key else None

    def _client(self):
        from deepgram import AsyncDeepgramClient
        from deepgram.environment import DeepgramClientEnvironment

        if not self.base_url:
            return AsyncDeepgramClient(api_key=self._api_key)
        ws = self.base_url.replace("https://", "wss://").replace("http://", "ws://")
        environment = DeepgramClientEnvironment(base=self.base_url, production=ws, agent=ws,
                                                agent_rest=self.base_url)
        return AsyncDeepgramClient(api_key=self._api_key, environment=environment)

    async def connect(self, route: dict, sample_rate: int) -> DeepgramStream:
        params = {key: _query_value(route[key]) for key in _ROUTE_KEYS if route.get(key) is not None}
        stack = contextlib.AsyncExitStack()
        try:
            manager = self._client().listen.v1.connect(encoding="linear16", sample_rate=sample_rate,
                                                       channels=1, **params)
            socket = await asyncio.wait_for(stack.enter_async_context(manager), self.options.connect_timeout_s)
        except Exception as exc:
            await stack.aclose()
            raise provider_error(exc, self.name, (self._api_key,)) from None
        return DeepgramStream(socket, stack, (self._api_key,))
