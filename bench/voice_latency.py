"""End of speech -> first audio out, through the real voice engine with fake providers of fixed latency.

The providers are in-process fakes that only wait: STT gives its final transcript 100 ms after the
end of speech, the model's first sentence arrives 320 ms after the request and the other two over
the next 1.5 s, TTS sends its first audio 90 ms after each request. The floor is 100 + 320 + 90 ms;
`overhead_ratio` is what the console adds on top (goal <= 1.03). The same turn with the reply
handed over whole (no sentence streaming) shows what streaming per sentence saves (goal >= 2x).

The speech is real audio (espeak-ng) through the offline Silero VAD; the origin of each turn is the
moment the VAD reports the end of speech, the end is the first 20 ms frame handed to WebRTC.

    python bench/voice_latency.py [runs]
"""
from __future__ import annotations

import asyncio
import statistics
import sys
from pathlib import Path
from typing import AsyncIterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from assistant import EventType, Session  # noqa: E402
from assistant.providers.base import (AudioChunk, LanguageModel, LlmDelta, SpeechToText, SttStream,  # noqa: E402
                                      TextToSpeech, Transcript)
from assistant.voice import VoiceChannel  # noqa: E402
from assistant.voices import Voices  # noqa: E402
from tests.speech_audio import frames, speech  # noqa: E402

STT_FINAL_S, LLM_FIRST_S, LLM_REST_S, TTS_FIRST_S = 0.100, 0.320, 1.5, 0.090
REPLY = ["There are six flights tomorrow morning.", "The cheapest leaves at eight ten for a hundred and twenty euros.",
         "Shall I tell you about the others?"]
FLOOR_MS = (STT_FINAL_S + LLM_FIRST_S + TTS_FIRST_S) * 1000


class FixedStt(SpeechToText):
    name = "fixed-stt"

    async def connect(self, route: dict, sample_rate: int) -> SttStream:
        return FixedStream()


class FixedStream(SttStream):
    def __init__(self) -> None:
        self.results: asyncio.Queue[Transcript] = asyncio.Queue()

    async def send(self, pcm16: bytes) -> None:
        pass

    async def finalize(self) -> None:
        async def later() -> None:
            await asyncio.sleep(STT_FINAL_S)
            self.results.put_nowait(Transcript("what flights are there tomorrow", is_final=True, speech_final=True))
        asyncio.get_running_loop().create_task(later())

    async def transcripts(self) -> AsyncIterator[Transcript]:
        while True:
            yield await self.results.get()


class FixedLlm(LanguageModel):
    name = "fixed-llm"

    def __init__(self, streamed: bool) -> None:
        self.streamed = streamed

    async def stream(self, messages: list[dict], tools: list[dict]) -> AsyncIterator[LlmDelta]:
        gap = LLM_REST_S / (len(REPLY) - 1)
        await asyncio.sleep(LLM_FIRST_S)
        if not self.streamed:   # the whole reply, handed over once it is complete
            await asyncio.sleep(LLM_REST_S)
            yield LlmDelta(text=" ".join(REPLY))
            return
        for index, sentence in enumerate(REPLY):
            if index:
                await asyncio.sleep(gap)
            yield LlmDelta(text=sentence + " ")


class FixedTts(TextToSpeech):
    name = "fixed-tts"

    async def synthesize(self, text, route) -> AsyncIterator[AudioChunk]:
        await asyncio.sleep(TTS_FIRST_S)
        samples = np.full(int(24000 * 0.06 * len(text) / 10), 300, np.int16)   # ~60 ms per 10 characters
        for start in range(0, len(samples), 2400):
            yield AudioChunk(24000, samples[start:start + 2400])


async def one_turn(streamed: bool, audio: np.ndarray) -> float:
    """ms from the VAD's end of speech to the first frame out, for one spoken turn."""
    session = Session("en", llm=FixedLlm(streamed), voices=Voices(FixedTts(), None))
    channel = VoiceChannel(session, FixedStt())
    await channel.start()
    await asyncio.sleep(0.05)   # the STT connection opens (at a booth it is open long before anyone speaks)

    async def microphone() -> None:   # in real time, as WebRTC delivers it
        for frame in frames(audio):
            await channel.receive(frame)
            await asyncio.sleep(0.02)

    feeding = asyncio.create_task(microphone())
    first_out = None
    while first_out is None:   # the player pulls at the same time, as fastrtc's emit loop does
        item = await channel.next_output(5.0)
        if item is None:
            raise RuntimeError("no turn")
        if not isinstance(item, tuple) and item.type == EventType.TURN_METRICS:
            first_out = item.stages_ms["first_audio_out"]
    await feeding
    await channel.close()
    return first_out


async def main(runs: int) -> None:
    audio = speech("what flights are there tomorrow", lead_s=0.3, tail_s=1.2)
    await one_turn(True, audio)   # warm-up: VAD model, imports
    streamed = [await one_turn(True, audio) for _ in range(runs)]
    whole = [await one_turn(False, audio) for _ in range(runs)]
    s_med, w_med = statistics.median(streamed), statistics.median(whole)
    print(f"end of speech -> first audio out, median of {runs} runs (floor {FLOOR_MS:.0f} ms = "
          f"STT {STT_FINAL_S * 1000:.0f} + LLM first sentence {LLM_FIRST_S * 1000:.0f} + TTS {TTS_FIRST_S * 1000:.0f})")
    print(f"{'mode':<28}{'median ms':>10}{'min ms':>9}{'max ms':>9}")
    print(f"{'streamed per sentence':<28}{s_med:>10.1f}{min(streamed):>9.1f}{max(streamed):>9.1f}")
    print(f"{'whole reply, then voice':<28}{w_med:>10.1f}{min(whole):>9.1f}{max(whole):>9.1f}")
    print(f"streamed_speedup: {w_med / s_med:.2f}")
    print(f"overhead_ratio: {s_med / FLOOR_MS:.3f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
