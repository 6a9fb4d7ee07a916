"""End of speech -> first audio out, through the real voice engine with fake providers of fixed latency.

The providers are in-process fakes that only wait (bench/fixed_latency.py): STT gives its final
transcript 100 ms after the end of speech, the model's first sentence arrives 320 ms after the
request and the other two over the next 1.5 s, TTS sends its first audio 90 ms after each request.
The floor is 100 + 320 + 90 ms; `overhead_ratio` is what the console adds on top (goal <= 1.03).
The same turn with the reply handed over whole (no sentence streaming) shows what streaming per
sentence saves (goal >= 2x).

The speech is real audio (espeak-ng) through the offline Silero VAD; the origin of each turn is the
moment the VAD reports the end of speech, the end is the first 20 ms frame handed to WebRTC.

    python bench/voice_latency.py [runs]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics

from fixed_latency import (FLOOR_MS, LLM_FIRST_S, STT_FINAL_S, TTS_FIRST_S, fixed_session, microphone,
                           open_channel, speech_frames, until_turn_metrics)


async def one_turn(streamed: bool, mic_frames: list) -> float:
    """ms from the VAD's end of speech to the first frame out, for one spoken turn."""
    channel = await open_channel(fixed_session(streamed=streamed))
    feeding = asyncio.create_task(microphone(channel, mic_frames))
    metrics = await until_turn_metrics(channel)   # the player pulls at the same time, as fastrtc's emit loop does
    await feeding
    await channel.close()
    return metrics.stages_ms["first_audio_out"]


async def main(runs: int) -> None:
    mic_frames = speech_frames()
    await one_turn(True, mic_frames)   # warm-up: VAD model, imports
    streamed = [await one_turn(True, mic_frames) for _ in range(runs)]
    whole = [await one_turn(False, mic_frames) for _ in range(runs)]
    s_med, w_med = statistics.median(streamed), statistics.median(whole)
    print(f"end of speech -> first audio out, median of {runs} runs (floor {FLOOR_MS:.0f} ms = "
          f"STT {STT_FINAL_S * 1000:.0f} + LLM first sentence {LLM_FIRST_S * 1000:.0f} + TTS {TTS_FIRST_S * 1000:.0f})")
    print(f"{'mode':<28}{'median ms':>10}{'min ms':>9}{'max ms':>9}")
    print(f"{'streamed per sentence':<28}{s_med:>10.1f}{min(streamed):>9.1f}{max(streamed):>9.1f}")
    print(f"{'whole reply, then voice':<28}{w_med:>10.1f}{min(whole):>9.1f}{max(whole):>9.1f}")
    print(f"streamed_speedup: {w_med / s_med:.2f}")
    print(f"overhead_ratio: {s_med / FLOOR_MS:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=5, help="spoken turns per mode (default 5)")
    asyncio.run(main(parser.parse_args().runs))
