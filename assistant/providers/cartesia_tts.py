"""The cloud voice: Cartesia `sonic-3` over Server-Sent Events, raw PCM streamed as it is made."""
from __future__ import annotations

import asyncio
from typing import AsyncIterator

import numpy as np

from languages import TtsRoute

from .base import AudioChunk, ErrorKind, LazySdkClient, ProviderError, TextToSpeech, VoiceOptions
from .errors import env_key, provider_error

ENV_KEY = "CARTESIA_API_KEY"
BASE_URL_ENV = "CARTESIA_BASE_URL"   # tests point the SDK at a local fake server


class CartesiaTTS(LazySdkClient, TextToSpeech):
    """Streams `pcm_s16le` at `sample_rate`. Each chunk must arrive within the options' timeout."""

    name = "cartesia"

    def __init__(self, api_key: str, *, sample_rate: int = 24000, base_url: str | None = None,
                 options: VoiceOptions | None = None) -> None:
        self._api_key = api_key
        self.sample_rate = sample_rate
        self.base_url = (base_url or env_key(BASE_URL_ENV) or "").rstrip("/") or None
        self.options = options or VoiceOptions(timeout_s=5.0)
        self._client = None

    def __repr__(self) -> str:  # no credentials, ever
        return f"CartesiaTTS(base_url={self.base_url!r}, sample_rate={self.sample_rate})"

    @classmethod
    def from_env(cls, sample_rate: int, timeout_s: float) -> "CartesiaTTS | None":
        key = env_key(ENV_KEY)
        return cls(key, sample_rate=sample_rate, options=VoiceOptions(timeout_s=timeout_s)) if key else None

    def client(self):
        if self._client is None:
            from cartesia import AsyncCartesia

            kwargs = {"api_key": self._api_key, "max_retries": 0, "timeout": self.options.timeout_s}
            if self.base_url:
                kwargs["base_url"] = self.base_url
                kwargs["websocket_base_url"] = self.base_url.replace("http", "ws", 1)
            self._client = AsyncCartesia(**kwargs)
        return self._client

    async def synthesize(self, text: str, route: TtsRoute) -> AsyncIterator[AudioChunk]:
        if route.provider != "cartesia" or not route.model or not route.voice:
            raise ProviderError(ErrorKind.BAD_REQUEST, f"Cartesia does not speak '{route.language}'",
                                provider=self.name)
        secrets = (self._api_key,)
        leftover = b""
        try:
            stream = await self.client().tts.generate_sse(
                model_id=route.model, transcript=text, voice={"id": route.voice},
                language=route.language,
                output_format={"container": "raw", "encoding": "pcm_s16le", "sample_rate": self.sample_rate})
            events = stream.__aiter__()
            while True:
                try:
                    event = await asyncio.wait_for(events.__anext__(), self.options.timeout_s)
                except StopAsyncIteration:
                    break
                kind = getattr(event, "type", None)
                if kind == "error":
                    raise ProviderError(ErrorKind.SERVER_ERROR, f"Cartesia error: {str(getattr(event, 'error', ''))[:100]}",
                                        provider=self.name)
                if kind == "done":
                    break
                if kind != "chunk":
                    continue
                data = leftover + (event.audio or b"")
                usable = len(data) - len(data) % 2
                leftover = data[usable:]
                if usable:
                    yield AudioChunk(self.sample_rate, np.frombuffer(data[:usable], dtype="<i2").astype(np.int16))
        except Exception as exc:  # mapped at the edge: no SDK error leaves this module
            raise provider_error(exc, self.name, secrets) from None
