"""Shared parts of the voice benchmarks: fake providers of fixed latency and a driver for one spoken turn.

The fakes only wait: the STT gives its final transcript `final_s` after the end of speech (or after
`utter`, for turns that skip the microphone), the model's first sentence arrives `first_s` after
the request and the rest over the next `rest_s`, the TTS sends its first audio `first_s` after each
request. Defaults are the figures of `voice_latency.py`; pass 0 for providers that answer at once.
Used by voice_latency.py, concurrency.py and soak.py.
"""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from collections.abc import AsyncIterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from assistant import EventType, Session  # noqa: E402
from assistant.providers.base import (AudioChunk, LanguageModel, LlmDelta, SpeechToText, SttStream,  # noqa: E402
                                      TextToSpeech, Transcript)
from assistant.voice import VoiceChannel  # noqa: E402
from assistant.voice.voices import Voices  # noqa: E402
from tests.speech_audio import frames, speech  # noqa: E402

STT_FINAL_S, LLM_FIRST_S, LLM_REST_S, TTS_FIRST_S = 0.100, 0.320, 1.5, 0.090
REPLY = ["There are six flights tomorrow morning.", "The cheapest leaves at eight ten for a hundred and twenty euros.",
         "Shall I tell you about the others?"]
FLOOR_MS = (STT_FINAL_S + LLM_FIRST_S + TTS_FIRST_S) * 1000
UTTERANCE = "what flights are there tomorrow"
FRAME_S = 0.02

__all__ = ["FLOOR_MS", "FRAME_S", "FixedLlm", "FixedStream", "FixedStt", "FixedTts", "LLM_FIRST_S", "LLM_REST_S",
           "REPLY", "STT_FINAL_S", "TTS_FIRST_S", "UTTERANCE", "fixed_session", "frames", "microphone",
           "open_channel", "speech", "speech_frames", "until_turn_metrics"]


class FixedStt(SpeechToText):
    """Opens `FixedStream`s; `streams` keeps them so a driver can make one speak without audio."""

    name = "fixed-stt"

    def __init__(self, final_s: float = STT_FINAL_S, text: str = UTTERANCE) -> None:
        self.final_s, self.text = final_s, text
        self.streams: list[FixedStream] = []

    async def connect(self, route: dict, sample_rate: int) -> SttStream:
        stream = FixedStream(self.final_s, self.text)
        self.streams.append(stream)
        return stream


class FixedStream(SttStream):
    """Ignores the audio; the final transcript comes `final_s` after `finalize` (the VAD heard the
    end of speech) or `utter` (the provider's own endpointing, no microphone needed)."""

    def __init__(self, final_s: float = STT_FINAL_S, text: str = UTTERANCE) -> None:
        self.final_s, self.text = final_s, text
        self.results: asyncio.Queue[Transcript] = asyncio.Queue()
        self._pending: set[asyncio.Task] = set()

    async def send(self, pcm16: bytes) -> None:
        pass

    def _later(self) -> None:
        async def later() -> None:
            await asyncio.sleep(self.final_s)
            self.results.put_nowait(Transcript(self.text, is_final=True, speech_final=True))
        task = asyncio.get_running_loop().create_task(later())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def finalize(self) -> None:
        self._later()

    def utter(self) -> None:
        """The provider hears a whole utterance and ends it itself (speech_final after `final_s`)."""
        self._later()

    async def transcripts(self) -> AsyncIterator[Transcript]:
        while True:
            yield await self.results.get()

    async def close(self) -> None:
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*self._pending, return_exceptions=True)


class FixedLlm(LanguageModel):
    """Streams REPLY: the first sentence after `first_s`, the others spread over `rest_s` (or the whole
    reply at once after `first_s + rest_s` when `streamed` is False)."""

    name = "fixed-llm"

    def __init__(self, streamed: bool = True, first_s: float = LLM_FIRST_S, rest_s: float = LLM_REST_S) -> None:
        self.streamed, self.first_s, self.rest_s = streamed, first_s, rest_s

    async def stream(self, messages: list[dict], tools: list[dict]) -> AsyncIterator[LlmDelta]:
        gap = self.rest_s / (len(REPLY) - 1)
        await asyncio.sleep(self.first_s)
        if not self.streamed:   # the whole reply, handed over once it is complete
            await asyncio.sleep(self.rest_s)
            yield LlmDelta(text=" ".join(REPLY))
            return
        for index, sentence in enumerate(REPLY):
            if index:
                await asyncio.sleep(gap)
            yield LlmDelta(text=sentence + " ")


class FixedTts(TextToSpeech):
    """First audio `first_s` after each request; ~60 ms of 24 kHz audio per 10 characters, in 100 ms chunks."""

    name = "fixed-tts"

    def __init__(self, first_s: float = TTS_FIRST_S) -> None:
        self.first_s = first_s

    async def synthesize(self, text, route) -> AsyncIterator[AudioChunk]:
        await asyncio.sleep(self.first_s)
        samples = np.full(int(24000 * 0.06 * len(text) / 10), 300, np.int16)
        for start in range(0, len(samples), 2400):
            yield AudioChunk(24000, samples[start:start + 2400])


def fixed_session(language: str = "en", *, streamed: bool = True, scale: float = 1.0) -> Session:
    """A session whose model and voice are the fixed-latency fakes (`scale` multiplies their latency)."""
    return Session(language, llm=FixedLlm(streamed, LLM_FIRST_S * scale, LLM_REST_S * scale),
                   voices=Voices(FixedTts(TTS_FIRST_S * scale), None))


async def open_channel(session: Session, stt: SpeechToText | None = None) -> VoiceChannel:
    """A started voice stream on `session` with a connected STT (at a booth it is open long before anyone speaks)."""
    channel = VoiceChannel(session, stt if stt is not None else FixedStt())
    await channel.start()
    while channel.transcriber is not None and not channel.transcriber.connected:
        await asyncio.sleep(0.005)
    return channel


def speech_frames(text: str = UTTERANCE, lead_s: float = 0.3, tail_s: float = 1.2) -> list[tuple[int, np.ndarray]]:
    """Real speech (espeak-ng, 48 kHz) cut into the 20 ms frames WebRTC delivers."""
    return frames(speech(text, lead_s=lead_s, tail_s=tail_s))


async def microphone(channel: VoiceChannel, mic_frames: list[tuple[int, np.ndarray]]) -> None:
    """Feed frames in real time, as WebRTC delivers them: frame i at start + i * 20 ms (a late frame
    is handed over at once, so a busy loop catches up rather than slowing the speaker down)."""
    start = time.perf_counter()
    for index, frame in enumerate(mic_frames):
        await channel.receive(frame)
        delay = start + (index + 1) * FRAME_S - time.perf_counter()
        await asyncio.sleep(max(delay, 0))


async def until_turn_metrics(channel: VoiceChannel, timeout: float = 5.0):
    """Pull the channel's output (events and frames, as fastrtc's emit loop does) until a turn's
    metrics arrive; they follow the turn's last audio frame. Returns the TurnMetrics event."""
    while True:
        item = await channel.next_output(timeout)
        if item is None:
            raise RuntimeError(f"no turn metrics within {timeout} s")
        if not isinstance(item, tuple) and item.type == EventType.TURN_METRICS:
            return item
