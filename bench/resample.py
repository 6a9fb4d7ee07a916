"""Streaming resampler (soxr, stateful) vs scipy.signal.resample applied to each 20 ms chunk.

An older version of this app resampled the 24 kHz TTS output to 48 kHz for WebRTC by calling
`scipy.signal.resample` on every 20 ms chunk on its own. This script feeds the same signal
(about 10 s of offline espeak-ng speech, resampled once to 24 kHz) through both designs in 20 ms
chunks and measures, side by side in one run:
  - time per frame (time.perf_counter over the whole signal, median of several runs), including
    the conversion back to int16 that both designs need;
  - the floor: the bare soxr call with no int16 conversion (not a usable design, a reference);
  - error against a one-shot reference (`soxr.resample` of the whole signal), over the whole
    output and in the few samples around each chunk boundary, in dB below the signal's RMS.
Needs scipy (only this script does). Prints `speedup: X` (scipy time per frame / ours) last.
Run: python bench/resample.py [runs]
"""
from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import scipy.signal
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.voice.audio import StreamingResampler, resample  # noqa: E402
from assistant.providers.espeak_tts import speak_pcm  # noqa: E402

IN_RATE, OUT_RATE = 24_000, 48_000
FRAME_IN = IN_RATE // 50                 # 20 ms
EDGE = 8                                 # output samples either side of a chunk boundary
SENTENCES = ["Find me a flight from Madrid to London tomorrow.",
             "I want to fly to Tokyo on Friday, in the morning.",
             "Show me the cheapest flights with Lufthansa next week."]


def speech_signal(seconds: float = 10.0) -> np.ndarray:
    """About `seconds` of espeak speech at 24 kHz, whole 20 ms frames."""
    pieces, total = [], 0
    while total < seconds * IN_RATE:
        for text in SENTENCES:
            chunk = speak_pcm(text)
            piece = resample(chunk.samples, chunk.sample_rate, IN_RATE)
            pieces.append(piece)
            total += len(piece)
    signal = np.concatenate(pieces)[:int(seconds * IN_RATE)]
    return signal[:len(signal) - len(signal) % FRAME_IN]


def run_ours(frames: list[np.ndarray]) -> np.ndarray:
    resampler = StreamingResampler(IN_RATE, OUT_RATE)
    out = [resampler.process(frame) for frame in frames]
    out.append(resampler.flush())
    return np.concatenate(out)


def run_bare_soxr(frames: list[np.ndarray]) -> np.ndarray:
    """The floor for any soxr-based design: the library call alone, float32 out, no int16 conversion."""
    stream = soxr.ResampleStream(IN_RATE, OUT_RATE, 1, dtype="float32", quality="HQ")
    out = [stream.resample_chunk(frame.astype(np.float32)) for frame in frames]
    out.append(stream.resample_chunk(np.zeros(0, np.float32), last=True))
    return np.concatenate(out)


def run_scipy_per_chunk(frames: list[np.ndarray]) -> np.ndarray:
    out = []
    for frame in frames:
        resampled = scipy.signal.resample(frame, len(frame) * OUT_RATE // IN_RATE)
        out.append(np.clip(np.rint(resampled), -32768, 32767).astype(np.int16))
    return np.concatenate(out)


def time_per_frame_us(design, frames: list[np.ndarray], runs: int) -> float:
    design(frames)  # warm-up: imports, FFT plans, soxr set-up
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        design(frames)
        timings.append((time.perf_counter() - start) / len(frames))
    return statistics.median(timings) * 1e6


def db_below(reference: np.ndarray, output: np.ndarray, where: np.ndarray | None = None) -> float:
    """RMS of (output - reference), at `where` if given, in dB below the reference's RMS."""
    error = output.astype(np.float64) - reference
    if where is not None:
        error = error[where]
    error_rms = math.sqrt(float(np.mean(error ** 2)))
    signal_rms = math.sqrt(float(np.mean(reference ** 2)))
    return math.inf if error_rms == 0 else 20 * math.log10(signal_rms / error_rms)


def main(runs: int) -> None:
    signal = speech_signal()
    frames = [signal[i:i + FRAME_IN] for i in range(0, len(signal), FRAME_IN)]
    reference = soxr.resample(signal.astype(np.float64), IN_RATE, OUT_RATE, quality="HQ")
    frame_out = FRAME_IN * OUT_RATE // IN_RATE
    boundaries = np.arange(frame_out, len(reference), frame_out)
    edges = (boundaries[:, None] + np.arange(-EDGE, EDGE)[None, :]).ravel()

    rows = []
    for name, design in (("StreamingResampler (soxr HQ)", run_ours),
                         ("scipy.signal.resample per chunk", run_scipy_per_chunk),
                         ("(floor: bare soxr call, float out)", run_bare_soxr)):
        output = design(frames)
        assert len(output) == len(reference), (name, len(output), len(reference))
        rows.append((name, time_per_frame_us(design, frames, runs),
                     db_below(reference, output), db_below(reference, output, edges)))

    print(f"{IN_RATE // 1000} kHz -> {OUT_RATE // 1000} kHz, {len(signal) / IN_RATE:.1f} s of espeak speech "
          f"in {len(frames)} frames of 20 ms, median of {runs} runs")
    print(f"{'design':<34}{'us/frame':>10}{'error vs one-shot':>20}{'error at chunk edges':>23}")
    def shown(db: float, width: int) -> str:
        return f"{'identical':>{width + 9}}" if math.isinf(db) else f"{db:>{width}.1f} dB below"
    for name, us, whole_db, edge_db in rows:
        print(f"{name:<34}{us:>10.1f}{shown(whole_db, 11)}{shown(edge_db, 14)}")
    ours, theirs = rows[0][1], rows[1][1]
    print(f"speedup: {theirs / ours:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
