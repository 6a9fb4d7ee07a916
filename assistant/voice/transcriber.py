"""One persistent speech-to-text connection per voice session, with reconnects and keep-alives.

Interim transcripts are reported as they come; final pieces are gathered until the provider (or
our VAD, through `finalize`) says the utterance ended, then the whole utterance is handed over.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from typing import Awaitable, Callable

from ..providers.base import ProviderError, SpeechToText, SttStream, Transcript

log = logging.getLogger(__name__)
MAX_BUFFERED_BYTES = 16000 * 2 * 5   # audio kept while reconnecting: 5 s of 16 kHz linear16


class LiveTranscriber:
    """Keeps one STT stream open, reconnecting with backoff after a drop; sends KeepAlive when idle."""

    def __init__(self, stt: SpeechToText, route: dict, sample_rate: int, *,
                 on_interim: Callable[[str], None], on_utterance: Callable[[str], Awaitable[None]],
                 on_state: Callable[[str, str], None], backoff_s: list[float], keepalive_s: float,
                 on_failed: Callable[[str], Awaitable[None]] | None = None, max_failures: int = 0) -> None:
        self.stt, self.route, self.sample_rate = stt, route, sample_rate
        self.on_failed, self.max_failures = on_failed, max_failures   # 0: retry for ever
        self.on_interim, self.on_utterance, self.on_state = on_interim, on_utterance, on_state
        self.backoff_s, self.keepalive_s = backoff_s, keepalive_s
        self.connections = 0
        self.final_at: float | None = None       # perf_counter of the last final piece
        self._stream: SttStream | None = None
        self._connected = asyncio.Event()
        self._pieces: list[str] = []
        self._pending_audio: deque[bytes] = deque()
        self._pending_bytes = 0
        self._last_sent = time.monotonic()
        self._supervisor: asyncio.Task | None = None
        self._closing = False
        self._finalize_requested = False

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def start(self) -> None:
        """Connect in the background; audio sent before the connection is up is buffered."""
        self._supervisor = asyncio.create_task(self._run())

    async def _run(self) -> None:
        failures = 0
        while not self._closing:
            try:
                self._stream = await self.stt.connect(self.route, self.sample_rate)
            except ProviderError as exc:
                failures += 1
                if not exc.retryable or failures == self.max_failures:   # failed for good
                    reason = f"{exc.kind.value}: {exc}" + ("" if not exc.retryable else f" ({failures} attempts)")
                    self.on_state("stt_failed", reason)
                    if self.on_failed is not None:
                        await self.on_failed(reason)
                    return
                delay = self.backoff_s[min(failures - 1, len(self.backoff_s) - 1)]
                self.on_state("stt_reconnecting", f"{exc.kind.value}: {exc}; retry in {delay:g} s")
                await asyncio.sleep(delay)
                continue
            failures = 0
            self.connections += 1
            self.on_state("stt_connected", f"{self.stt.name} connection {self.connections}")
            self._connected.set()
            await self._flush_pending()
            if self._finalize_requested:   # speech ended while we were reconnecting
                await self.finalize()
            keepalive = asyncio.create_task(self._keep_alive())
            try:
                await self._read(self._stream)
            finally:
                self._connected.clear()
                keepalive.cancel()
                await asyncio.gather(keepalive, return_exceptions=True)
            if not self._closing:
                self.on_state("stt_dropped", "the speech-to-text connection dropped; reconnecting")
                await asyncio.sleep(self.backoff_s[0])

    async def _read(self, stream: SttStream) -> None:
        try:
            async for transcript in stream.transcripts():
                await self._on_transcript(transcript)
        except ProviderError as exc:
            log.info("STT stream ended: %s", exc)

    async def _on_transcript(self, transcript: Transcript) -> None:
        if transcript.text and not transcript.is_final:
            self.on_interim(" ".join([*self._pieces, transcript.text]))
        if transcript.text and transcript.is_final:
            self._pieces.append(transcript.text)
            self.final_at = time.perf_counter()
            self.on_interim(" ".join(self._pieces))
        if not (transcript.is_final or transcript.utterance_end):
            return
        if transcript.speech_final or transcript.utterance_end or self._finalize_requested:
            self._finalize_requested = False
            if self._pieces:
                text, self._pieces = " ".join(self._pieces), []
                await self.on_utterance(text)

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.keepalive_s / 2)
            if time.monotonic() - self._last_sent >= self.keepalive_s and self._stream is not None:
                with contextlib.suppress(ProviderError):
                    await self._stream.keep_alive()
                    self._last_sent = time.monotonic()

    async def _flush_pending(self) -> None:
        """Send the audio kept while disconnected; stop (keeping the rest) if the stream fails again."""
        while self._pending_audio and self.connected and self._stream is not None:
            chunk = self._pending_audio.popleft()
            self._pending_bytes -= len(chunk)
            try:
                await self._stream.send(chunk)
            except ProviderError as exc:
                log.info("STT send failed while catching up: %s", exc)
                self._pending_audio.appendleft(chunk)
                self._pending_bytes += len(chunk)
                self._connected.clear()
                return

    async def send(self, pcm16: bytes) -> None:
        """Send audio; while disconnected the most recent seconds are kept and sent after reconnecting."""
        if not self.connected or self._stream is None:
            self._pending_audio.append(pcm16)
            self._pending_bytes += len(pcm16)
            while self._pending_bytes > MAX_BUFFERED_BYTES:
                self._pending_bytes -= len(self._pending_audio.popleft())
            return
        try:
            await self._stream.send(pcm16)
            self._last_sent = time.monotonic()
        except ProviderError as exc:
            log.info("STT send failed: %s", exc)
            self._connected.clear()

    async def finalize(self) -> None:
        """The VAD heard the end of speech: ask for the final transcript now."""
        self._finalize_requested = True
        if self.connected and self._stream is not None:
            with contextlib.suppress(ProviderError):
                await self._stream.finalize()

    def discard_partial(self) -> None:
        """Forget words heard so far (audio was discarded while the assistant spoke)."""
        self._pieces = []
        self._finalize_requested = False

    async def close(self) -> None:
        self._closing = True
        if self._stream is not None:
            await self._stream.close()
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
