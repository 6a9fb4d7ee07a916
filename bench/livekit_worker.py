"""The LiveKit worker's own CPU per turn, 1 session vs N concurrent text-mode sessions in one process,
and what one worker process sustains on this 2-core machine.

Each session is the worker's `PolyglotAgent` in a real `AgentSession` with `offline_llm()` (zero keys:
offline agent, demo flight data), driven in text mode (`session.run(user_input=...)`, as the framework's
test helpers do; no LiveKit server). A session alternates a request without a date (the agent asks for
it) and "tomorrow" (the agent searches and answers), in its own language (en, es, ja, ar in turn).
CPU is the process's (`time.process_time`, every thread) over each phase, divided by the turns run.

What audio adds is measured too, per session: the Silero VAD plugin over real speech (CPU per second
of audio: it runs for every second a visitor's microphone is open) and a voiced turn (espeak-ng through
the agent's TTS node into a recording sink) against the same turn in text mode. Not measured here
(they need a room): WebRTC's Opus decode/encode and resampling in the `livekit` native library.

Capacity: a visitor takes a turn every `--turn-every-s` (15) seconds of conversation and keeps the
microphone open throughout; a process is held to `--load` (0.7, the framework's production
`load_threshold`) of one core (its Python runs on one event loop). The framework runs each room in a
process of its own by default, so the peak RSS of a fresh process serving one voiced room is measured
too (`--memory-gb`, 24: this machine). Prints the figures side by side and last
`sessions_per_process: X` (voiced sessions in one process, i.e. with `job_executor_type=thread`).

    python bench/livekit_worker.py [--sessions 50] [--turns 6]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
for variable in ("DEEPGRAM_API_KEY", "OPENAI_API_KEY", "CARTESIA_API_KEY", "AMADEUS_CLIENT_ID",
                 "AMADEUS_CLIENT_SECRET", "DUFFEL_ACCESS_TOKEN"):
    os.environ.pop(variable, None)   # the zero-key defaults, whatever the shell has set

import numpy as np  # noqa: E402
from livekit import rtc  # noqa: E402
from livekit.agents import AgentSession  # noqa: E402

from agent import PolyglotAgent, offline_llm  # noqa: E402
from assistant.livekit.espeak_tts import EspeakTTS  # noqa: E402
from assistant.livekit.pipeline import silero_vad  # noqa: E402
from assistant.livekit.worker import prewarm  # noqa: E402
from tests.fakes.livekit_audio import RecordingSpeaker  # noqa: E402
from tests.speech_audio import speech  # noqa: E402

TODAY = dt.date(2026, 11, 21)
SCRIPTS = {
    "en": ("I need a flight from Madrid to London", "tomorrow"),
    "es": ("Quiero un vuelo de Madrid a Londres", "mañana"),
    "ja": ("東京からロンドンまでのフライト", "明日"),
    "ar": ("أريد رحلة من القاهرة إلى دبي", "غدا"),
}
LANGUAGES = tuple(SCRIPTS)


async def conversation(language: str, turns: int, *, voiced: bool = False) -> list[float]:
    """One session's turns; returns each turn's wall time (s)."""
    llm = offline_llm()
    session = AgentSession(llm=llm, tts=EspeakTTS(language) if voiced else None)
    if voiced:
        session.output.audio = RecordingSpeaker()
    await session.start(PolyglotAgent(language, today=TODAY))
    walls = []
    try:
        for turn in range(turns):
            began = time.perf_counter()
            await session.run(user_input=SCRIPTS[language][turn % 2])
            walls.append(time.perf_counter() - began)
    finally:
        await session.aclose()
        await llm.aclose()
    return walls


async def phase(sessions: int, turns: int, *, voiced: bool = False) -> dict:
    cpu, wall = time.process_time(), time.perf_counter()
    results = await asyncio.gather(*(conversation(LANGUAGES[i % len(LANGUAGES)], turns, voiced=voiced)
                                     for i in range(sessions)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    turn_walls = sorted(w for walls in results for w in walls)
    count = len(turn_walls)
    return {"turns": count, "cpu_s_per_turn": cpu / count, "wall_s": wall,
            "p95_turn_ms": 1000 * turn_walls[min(count - 1, int(0.95 * count))],
            "median_turn_ms": 1000 * statistics.median(turn_walls)}


async def vad_cpu_per_audio_second(seconds: float = 20.0) -> float:
    """CPU seconds of the Silero VAD plugin per second of microphone audio (48 kHz, 10 ms frames)."""
    vad = silero_vad("medium")
    spoken = speech("Find me a flight from Madrid to London tomorrow, please.", "en-us", rate=48000)
    audio = np.tile(spoken, int(np.ceil(seconds * 48000 / len(spoken))))[: int(seconds * 48000)]
    stream = vad.stream()
    events = 0

    async def drain() -> None:
        nonlocal events
        async for _ in stream:
            events += 1

    reader = asyncio.create_task(drain())
    cpu = time.process_time()
    for start in range(0, len(audio) - 480 + 1, 480):
        stream.push_frame(rtc.AudioFrame(audio[start:start + 480].tobytes(), 48000, 1, 480))
        if start % 48000 == 0:
            await asyncio.sleep(0)
    stream.end_input()
    await reader
    cpu = time.process_time() - cpu
    await stream.aclose()
    return cpu / seconds


def one_room_rss_mb() -> float:
    """Peak RSS of a fresh process that prewarms and serves one voiced room, as a job process does."""
    done = subprocess.run([sys.executable, __file__, "--one-room"], capture_output=True, text=True, timeout=600)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    logging.getLogger("livekit.agents").setLevel(logging.ERROR)
    if "--one-room" in sys.argv:
        prewarm()
        asyncio.run(conversation("es", 4, voiced=True))
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--turns", type=int, default=6, help="turns per session (even: ask + answer pairs)")
    parser.add_argument("--turn-every-s", type=float, default=15.0)
    parser.add_argument("--load", type=float, default=0.7)
    parser.add_argument("--memory-gb", type=float, default=24.0)
    args = parser.parse_args()

    prewarm()
    asyncio.run(phase(2, 2))                                   # warm-up: imports, caches, first search
    one = asyncio.run(phase(1, args.turns * 2))
    many = asyncio.run(phase(args.sessions, args.turns))
    voiced = asyncio.run(phase(4, args.turns, voiced=True))
    text4 = asyncio.run(phase(4, args.turns))
    vad = asyncio.run(vad_cpu_per_audio_second())
    rss = one_room_rss_mb()

    print(f"{'':34}{'1 session':>12}{f'{args.sessions} sessions':>14}")
    print(f"{'turns run':34}{one['turns']:>12}{many['turns']:>14}")
    print(f"{'CPU ms per turn (text mode)':34}{one['cpu_s_per_turn'] * 1000:>12.1f}{many['cpu_s_per_turn'] * 1000:>14.1f}")
    print(f"{'median turn wall ms':34}{one['median_turn_ms']:>12.1f}{many['median_turn_ms']:>14.1f}")
    print(f"{'p95 turn wall ms':34}{one['p95_turn_ms']:>12.1f}{many['p95_turn_ms']:>14.1f}")
    print(f"cpu_ratio ({args.sessions} vs 1): {many['cpu_s_per_turn'] / one['cpu_s_per_turn']:.2f}")
    tts_extra = max(0.0, voiced["cpu_s_per_turn"] - text4["cpu_s_per_turn"])
    print(f"voiced turn (espeak-ng via the TTS node): {voiced['cpu_s_per_turn'] * 1000:.1f} ms CPU vs "
          f"{text4['cpu_s_per_turn'] * 1000:.1f} ms text, 4 sessions each (+{tts_extra * 1000:.1f} ms)")
    print(f"Silero VAD: {vad * 1000:.2f} ms CPU per second of microphone audio ({vad * 100:.2f} % of a core per open mic)")

    budget = args.load * args.turn_every_s                     # CPU seconds one process may spend per turn interval
    text_sessions = budget / many["cpu_s_per_turn"]
    voiced_cost = voiced["cpu_s_per_turn"] + vad * args.turn_every_s
    voiced_sessions = budget / voiced_cost
    print(f"per session every {args.turn_every_s:g} s: text {many['cpu_s_per_turn'] * 1000:.1f} ms, voiced "
          f"{voiced_cost * 1000:.1f} ms CPU (turn {voiced['cpu_s_per_turn'] * 1000:.1f} + VAD {vad * args.turn_every_s * 1000:.1f})")
    memory_rooms = 0.8 * args.memory_gb * 1024 / rss
    print(f"one room in its own process (the framework's default executor): peak RSS {rss:.0f} MB, "
          f"{memory_rooms:.0f} such processes in 80 % of {args.memory_gb:g} GB")
    print(f"text_sessions_per_process: {text_sessions:.0f}")
    print(f"voiced_sessions_on_2_cores: {min(2 * voiced_sessions, memory_rooms):.0f}")
    print(f"sessions_per_process: {voiced_sessions:.0f}")


if __name__ == "__main__":
    main()
