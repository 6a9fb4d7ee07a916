"""The offline recogniser (faster-whisper, int8, on the model POLYGLOT_WHISPER_MODEL names, else the Whisper
base test model joined from its packages): real-time factor per language, end of speech -> transcript and
-> first audio out through the voice channel with zero keys, and the event loop's lag while 3 streams
transcribe at once.

The speech is espeak-ng (the first QA utterance of each language), which Whisper finds harder than
human speech. RTF = seconds of recognition per second of audio, median of 3 (goal <= 0.4 for English); loop lag
goal < 20 ms; end of speech -> first audio out goal <= 2 s (offline agent and voice). The RTF and the
lag are measured again with one CTranslate2 thread instead of `cpu_threads` (2), side by side: on 2
cores the recogniser's threads compete with the event loop for the CPU.

    python bench/offline_stt.py [--languages en,es,de,fr,ru,ja,ar,hi] [--turns 5]
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import tempfile
from pathlib import Path

import numpy as np
from concurrency import LoopLag
from fixed_latency import microphone, speech_frames, until_turn_metrics

from assistant import Session
from assistant.providers import offline_stt_for
from assistant.providers.base import AudioChunk
from assistant.providers.espeak_tts import EspeakTTS
from assistant.providers.whisper_stt import WhisperSTT
from assistant.voice import VoiceChannel
from assistant.voice.voices import Voices
from languages import get_language, tts_route
from tests.speech_audio import speech
from tests.whisper_model import MISSING, join_base_model

REQUEST = "I want to fly from Madrid to London tomorrow"


def model_dir(scratch: Path) -> str:
    path = os.environ.get("POLYGLOT_WHISPER_MODEL") or join_base_model(scratch / "whisper-base")
    if path is None:
        raise SystemExit(MISSING)
    return str(path)


async def rtf(stt, code: str, repeats: int = 3) -> tuple[float, str]:
    """Median real-time factor of the language's first QA utterance over `repeats` runs, and what was heard."""
    language = get_language(code)
    voice = tts_route(code).offline_voice or code
    audio = AudioChunk(16000, speech(language.qa_utterances[0], voice, 16000, lead_s=0.2, tail_s=0.2))
    results = [await stt.transcribe(audio, code) for _ in range(repeats)]
    return statistics.median(r.elapsed_s / r.audio_s for r in results), results[0].text or f"({results[0].rejected})"


async def spoken_turn(stt) -> tuple[float, float]:
    """(end of speech -> transcript, end of speech -> first audio out) in ms, zero keys."""
    session = Session("en", llm=None, voices=Voices(None, EspeakTTS()))
    channel = VoiceChannel(session, None, offline_stt=stt)
    await channel.start()
    feeding = asyncio.create_task(microphone(channel, speech_frames(REQUEST)))
    metrics = await until_turn_metrics(channel, timeout=30)
    await feeding
    await channel.close()
    return metrics.stages_ms["stt_final"], metrics.stages_ms["first_audio_out"]


async def concurrent_streams(stt, streams: int) -> LoopLag:
    with LoopLag() as lag:
        await asyncio.gather(*(spoken_turn(stt) for _ in range(streams)))
    return lag


async def main(codes: list[str], turns: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        stt = offline_stt_for(model_dir(Path(scratch)))
        load_s = await stt.load()
        await rtf(stt, "en", repeats=1)   # warm-up: the first real transcription pays for allocations
        print(f"model {stt.name} loaded in {load_s:.2f} s; int8, {stt.whisper.cpu_threads} threads, beam {stt.whisper.beam_size}")
        print(f"{'lang':<6}{'rtf':>6}  heard")
        rates = {}
        for code in codes:
            rates[code], heard = await rtf(stt, code)
            print(f"{code:<6}{rates[code]:>6.2f}  {heard[:70]}", flush=True)
        results = [await spoken_turn(stt) for _ in range(turns)]
        to_text, to_audio = [r[0] for r in results], [r[1] for r in results]
        print(f"end of speech -> transcript ({turns} turns): p50 {statistics.median(to_text):.0f} ms, "
              f"p95 {np.percentile(to_text, 95):.0f} ms")
        print(f"end of speech -> first audio out: p50 {statistics.median(to_audio):.0f} ms, "
              f"p95 {np.percentile(to_audio, 95):.0f} ms")
        lag = await concurrent_streams(stt, 3)
        one = WhisperSTT(dataclasses.replace(stt.whisper, cpu_threads=1), fillers=stt.fillers, name=stt.name)
        await one.load()
        await rtf(one, "en", repeats=1)
        one_rtf, _heard = await rtf(one, "en")
        one_lag = await concurrent_streams(one, 3)
        print(f"{'threads':<9}{'rtf_en':>7}{'max lag ms':>12}{'p99 lag ms':>12}  (3 streams at once; worst tick)")
        for threads, rate, phase in ((stt.whisper.cpu_threads, rates.get("en", 0.0), lag), (1, one_rtf, one_lag)):
            print(f"{threads:<9}{rate:>7.2f}{phase.max():>12.1f}{phase.p99():>12.1f}  {phase.worst()}")
        print(f"max_loop_lag_ms: {lag.max():.1f}")
        stt.close()
        one.close()
        if "en" in rates:
            print(f"rtf_en: {rates['en']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="en,es,de,fr,ru,ja,ar,hi", help="codes separated by commas")
    parser.add_argument("--turns", type=int, default=5, help="spoken turns through the voice channel")
    options = parser.parse_args()
    asyncio.run(main([c.strip() for c in options.languages.split(",") if c.strip()], options.turns))
