"""1 vs 50 concurrent voice sessions through the engine, fake providers of fixed latency.

Each session is an `assistant.Session` with a live `assistant.voice.VoiceChannel` and the fakes of
bench/fixed_latency.py (STT final 100 ms after the end of speech, first model sentence 320 ms,
first TTS audio 90 ms: a 510 ms floor). A session speaks, waits for the whole answer to be played,
and speaks again; the player pulls the channel's output as fastrtc's emit loop does. The turn
latency is the engine's own `first_audio_out` (end of speech -> first 20 ms frame out).

`--mic speech` (default): every session has a live microphone that streams 20 ms frames in real
time for its whole life (silence, and real espeak-ng speech when it talks), through the offline
Silero VAD, the resamplers and the STT stream, as a visitor pressing Record does.
`--mic none`: no audio at all; the fake STT ends each utterance itself (provider endpointing), so
only the turn engine is measured (floor 410 ms: model + TTS).

A ticker task sleeps 5 ms in a loop and records how late it wakes: the event loop's lag (goal:
never more than 20 ms). Sessions start spread over `--stagger-s` so they do not speak in lockstep.
Prints the p95 turn latency of 1 session and of N concurrent sessions, the loop lag of each phase,
and last `p95_ratio: X` (N sessions / 1 session, goal <= 1.10).

    python bench/concurrency.py [--sessions 50] [--turns 2] [--baseline-turns 8] [--mic speech|none]
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections import deque

import numpy as np

from fixed_latency import FRAME_S, FixedStt, fixed_session, open_channel, speech_frames, until_turn_metrics

SILENCE = (48000, np.zeros((1, 960), np.int16))


class LoopLag:
    """A task that sleeps `tick_s` over and over; each wake-up's overshoot is the loop's lag then.

    It also keeps the loop thread's CPU time over each tick (a late tick with little CPU means the
    thread was not running: the OS gave the core to another process, or a native call waited)
    and the longest garbage collection."""

    def __init__(self, tick_s: float = 0.005) -> None:
        self.tick_s = tick_s
        self.lags_ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.gc_max_ms = 0.0
        self._gc_began = 0.0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            began, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(self.tick_s)
            self.lags_ms.append((time.perf_counter() - began - self.tick_s) * 1000)
            self.cpu_ms.append((time.thread_time() - cpu) * 1000)

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            self.gc_max_ms = max(self.gc_max_ms, (time.perf_counter() - self._gc_began) * 1000)

    def __enter__(self) -> LoopLag:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc) -> None:
        assert self._task is not None
        self._task.cancel()
        gc.callbacks.remove(self._on_gc)

    def worst(self) -> str:
        """The latest tick and how much of it the loop thread spent on the CPU."""
        if not self.lags_ms:
            return "no ticks"
        index = int(np.argmax(self.lags_ms))
        return f"{self.lags_ms[index]:.1f} ms late, {self.cpu_ms[index]:.1f} ms CPU on the loop thread"

    def max(self) -> float:
        return max(self.lags_ms, default=0.0)

    def busy_share(self) -> float:
        """Share of the wall time the loop thread spent on the CPU (over the ticks so far)."""
        wall = sum(self.lags_ms) + self.tick_s * 1000 * len(self.lags_ms)
        return sum(self.cpu_ms) / wall if wall else 0.0

    def p99(self) -> float:
        return float(np.percentile(self.lags_ms, 99)) if self.lags_ms else 0.0


class Microphone:
    """A visitor's live microphone: 20 ms frames at wall-clock pace (silence unless `say` queued
    speech). A late frame is handed over at once, as WebRTC's receive queue would."""

    def __init__(self, channel) -> None:
        self.channel = channel
        self.script: deque = deque()
        self.task = asyncio.get_running_loop().create_task(self._run())

    def say(self, mic_frames: list) -> None:
        self.script.extend(mic_frames)

    async def _run(self) -> None:
        start, sent = time.perf_counter(), 0
        while True:
            await self.channel.receive(self.script.popleft() if self.script else SILENCE)
            sent += 1
            await asyncio.sleep(max(start + sent * FRAME_S - time.perf_counter(), 0))

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def talk(turns: int, mic_mode: str, utterance: list, delay_s: float = 0.0) -> list[float]:
    """One visitor: `turns` spoken turns in one voice stream; the first_audio_out of each, in ms."""
    await asyncio.sleep(delay_s)
    stt = FixedStt()
    channel = await open_channel(fixed_session(), stt)
    mic = Microphone(channel) if mic_mode == "speech" else None
    latencies = []
    try:
        await asyncio.sleep(0.3)   # the stream has been open a moment before the visitor speaks
        for _ in range(turns):
            if mic is not None:
                mic.say(utterance)
            else:
                stt.streams[-1].utter()
            metrics = await until_turn_metrics(channel, timeout=30.0)
            latencies.append(metrics.stages_ms["first_audio_out"])
            while channel.assistant_busy:   # the answer is still playing: the visitor listens
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
    finally:
        if mic is not None:
            await mic.close()
        await channel.close()
    return latencies


async def phase(sessions: int, turns: int, mic_mode: str, utterance: list, stagger_s: float):
    gc.collect()
    with LoopLag() as lag:
        began = time.perf_counter()
        delays = [stagger_s * i / sessions for i in range(sessions)]
        results = await asyncio.gather(*(talk(turns, mic_mode, utterance, d) for d in delays))
        wall = time.perf_counter() - began
    latencies = [ms for per_session in results for ms in per_session]
    return latencies, lag, wall


async def vad_cpu_per_window(streams: int, seconds: float = 3.0) -> tuple[float, float]:
    """The VAD path of `streams` live streams alone, as fast as it runs: each stream's 20 ms 48 kHz
    frames of real speech are resampled and cut into windows on the loop, one batched inference per
    round runs in the worker thread. Returns ms of CPU per window per stream: (loop thread, worker)."""
    from assistant.settings import environment_presets
    from assistant.voice.vad import SpeechSegmenter
    from assistant.voice.batched_vad import BatchedVad

    preset = next(iter(environment_presets().values()))
    audio = speech_frames(lead_s=0.2, tail_s=0.8)
    rounds = int(seconds / FRAME_S)
    batched = BatchedVad()
    await batched.warm()
    segmenters = [SpeechSegmenter(lambda: preset) for _ in range(streams)]
    slots = [batched.open(lambda window, p, seg=seg: seg.step(window, p)) for seg in segmenters]
    began = time.thread_time()
    for index in range(rounds):
        for segmenter, slot in zip(segmenters, slots):
            for window in segmenter.windows(audio[index % len(audio)]):
                slot.submit(window)
        await asyncio.sleep(0)
    for slot in slots:
        await slot.settled()
    loop_cpu = time.thread_time() - began
    stats = batched.stats()
    for slot in slots:
        slot.close()
    return 1000 * loop_cpu / stats.windows, 1000 * stats.worker_cpu_s / stats.windows


async def main(args) -> None:
    utterance = speech_frames(lead_s=0.1, tail_s=0.0)   # the microphone's own silence follows
    await talk(1, args.mic, utterance)                    # warm-up: VAD model, imports, caches
    from assistant.voice.batched_vad import shared_batched_vad

    vad = shared_batched_vad()
    cpu0 = time.process_time()
    one, lag1, wall1 = await phase(1, args.baseline_turns, args.mic, utterance, 0.0)
    cpu1, vad1 = time.process_time(), vad.stats()
    many, lag_n, wall_n = await phase(args.sessions, args.turns, args.mic, utterance, args.stagger_s)
    cpu_n, vad_n = time.process_time(), vad.stats()
    p95_one, p95_many = np.percentile(one, 95), np.percentile(many, 95)
    n = args.sessions
    print(f"mic: {args.mic}; turn latency = end of speech -> first audio frame out (engine's first_audio_out)")
    print(f"{'phase':<14}{'turns':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'lag max ms':>12}{'lag p99 ms':>12}"
          f"{'CPU %':>8}{'loop %':>8}")
    for name, values, lag, wall, cpu in (("1 session", one, lag1, wall1, cpu1 - cpu0),
                                          (f"{n} sessions", many, lag_n, wall_n, cpu_n - cpu1)):
        print(f"{name:<14}{len(values):>6}{np.percentile(values, 50):>9.1f}{np.percentile(values, 95):>9.1f}"
              f"{max(values):>9.1f}{lag.max():>12.1f}{lag.p99():>12.1f}{100 * cpu / wall:>8.0f}"
              f"{100 * lag.busy_share():>8.0f}")
    print(f"worst tick, 1 session: {lag1.worst()}; longest gc {lag1.gc_max_ms:.1f} ms")
    print(f"worst tick, {n} sessions: {lag_n.worst()}; longest gc {lag_n.gc_max_ms:.1f} ms")
    if args.mic == "speech":   # every live stream's windows go to one batched Silero call per tick
        windows, batches = vad_n.windows - vad1.windows, vad_n.batches - vad1.batches
        print(f"batched VAD during the {n}-session phase: {windows} windows in {batches} batches "
              f"({windows / max(batches, 1):.1f} streams per batch); worker thread "
              f"{1000 * (vad_n.worker_cpu_s - vad1.worker_cpu_s) / max(windows, 1):.3f} ms CPU per window, "
              f"loop thread (batch in, results out) {1000 * (vad_n.loop_cpu_s - vad1.loop_cpu_s) / max(windows, 1):.3f} ms")
        loop_ms, worker_ms = await vad_cpu_per_window(n)
        print(f"vad_worker_cpu_ms_per_window: {worker_ms:.3f} (inference, in the worker thread; {n} streams)")
        print(f"vad_loop_ms_per_window: {loop_ms:.3f} (resample, cut, batch in, results out, segmenter; "
              f"{n} streams need {n * loop_ms / 32 * 100:.1f} % of the loop)")
    print(f"p95_1_session_ms: {p95_one:.1f}")
    print(f"p95_{n}_sessions_ms: {p95_many:.1f}")
    print(f"max_loop_lag_ms_1_session: {lag1.max():.1f}")
    print(f"max_loop_lag_ms: {lag_n.max():.1f}")
    print(f"p99_loop_lag_ms: {lag_n.p99():.1f}")
    print(f"p95_ratio: {p95_many / p95_one:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent sessions in the second phase (default 50)")
    parser.add_argument("--turns", type=int, default=2, help="turns per session with N sessions (default 2)")
    parser.add_argument("--baseline-turns", type=int, default=8, help="turns of the single session (default 8)")
    parser.add_argument("--mic", choices=["speech", "none"], default="speech",
                        help="speech: live microphone through the VAD; none: the STT ends each utterance")
    parser.add_argument("--stagger-s", type=float, default=3.0, help="sessions start spread over this (default 3 s)")
    asyncio.run(main(parser.parse_args()))
