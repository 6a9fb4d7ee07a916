"""LiveTranscriber with in-process fake streams: buffering while disconnected never spins."""
from __future__ import annotations

import asyncio

from assistant.providers.base import ErrorKind, ProviderError, SpeechToText, SttStream, Transcript
from assistant.voice.transcriber import LiveTranscriber


class BrokenStream(SttStream):
    """Accepts the connection, then fails every send (a socket that died right after opening)."""

    def __init__(self) -> None:
        self.sends = 0
        self.closed = asyncio.Event()

    async def send(self, pcm16: bytes) -> None:
        self.sends += 1
        raise ProviderError(ErrorKind.SERVER_ERROR, "connection dropped mid-stream", provider="fake")

    async def transcripts(self):
        await self.closed.wait()
        return
        yield Transcript("", is_final=True)   # an async generator that ends when closed


class OneBrokenConnection(SpeechToText):
    def __init__(self) -> None:
        self.streams: list[BrokenStream] = []

    async def connect(self, route: dict, sample_rate: int) -> SttStream:
        self.streams.append(BrokenStream())
        return self.streams[-1]


async def test_audio_buffered_before_a_broken_connection_is_kept_and_the_loop_does_not_spin():
    stt = OneBrokenConnection()
    transcriber = LiveTranscriber(stt, {"model": "nova-3", "language": "en"}, 16000,
                                  on_interim=lambda text: None, on_utterance=lambda text: asyncio.sleep(0),
                                  on_state=lambda state, detail: None, backoff_s=[0.05], keepalive_s=5)
    for _ in range(10):   # sent before the connection is up: buffered
        await transcriber.send(b"\0\0" * 320)
    await transcriber.start()
    await asyncio.wait_for(asyncio.sleep(0.2), 1.0)   # would never return if catching up spun forever
    assert stt.streams and stt.streams[0].sends == 1, "the first failed send stops the catch-up"
    assert len(transcriber._pending_audio) == 10 and not transcriber.connected
    await transcriber.close()
