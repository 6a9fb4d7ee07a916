"""Offline voice activity detection: Silero VAD v5 as ONNX in onnxruntime (the model file comes
inside the `livekit-plugins-silero` wheel: no download, no torch) and a streaming speech segmenter
driven by the environment presets.

The model is recurrent: each stream carries a state (2 x 128 floats) and the last 64 samples of its
previous window from one 512-sample window to the next. Weights live once per process in one
`SileroOnnx` session (loaded on first use, not at import: cold start); a stream is only its state.
Live voice streams share one batched inference per tick (`assistant/voice/batched_vad.py`); the calls here
(`SileroStream`, `probabilities`, fastrtc's `vad`, `SpeechSegmenter.push`) run batch 1 through the
same session on the calling thread, so both paths compute the same probabilities.
"""
from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import numpy as np

from .audio import (
    FrameCutter,
    StreamingResampler,
    normalize_frame,
    resample,
    to_float32,
)
from ..providers.base import AudioChunk
from ..settings import EnvironmentPreset
from .batched_vad import (
    CONTEXT,
    SAMPLE_RATE,
    STATE_ROWS,
    STATE_WIDTH,
    WINDOW,
    WINDOW_S,
    SileroOnnx,
    shared_model,
)

__all__ = [
    "SAMPLE_RATE", "WINDOW", "SileroStream", "SileroVad", "SpeechSegmenter", "VadEvent", "VadEventKind",
    "VadOptions", "options_for_preset", "shared_vad", "speech_timestamps",
]

MAX_PREFIX_S = 2.0                 # the largest prefix_padding_s a preset may set
_EPS = 1e-9


@dataclass
class VadOptions:
    """Options of a one-shot `SileroVad.vad` call; same fields and defaults as fastrtc's
    `SileroVadOptions`, which may be passed instead. `window_size_samples` is ignored (always 512)."""

    threshold: float = 0.5
    min_speech_duration_ms: int = 250
    max_speech_duration_s: float = float("inf")
    min_silence_duration_ms: int = 2000
    window_size_samples: int = WINDOW
    speech_pad_ms: int = 400


def options_for_preset(preset: EnvironmentPreset) -> VadOptions:
    """fastrtc `ReplyOnPause` model options matching an environment preset."""
    return VadOptions(threshold=preset.threshold,
                      min_speech_duration_ms=round(preset.min_speaking_s * 1000),
                      min_silence_duration_ms=round(preset.min_silence_s * 1000),
                      speech_pad_ms=round(preset.prefix_padding_s * 1000))


class SileroStream:
    """One stream's recurrent state: feed consecutive 16 kHz windows in order."""

    def __init__(self, model: SileroOnnx) -> None:
        self._model = model
        self._input = np.zeros((1, CONTEXT + WINDOW), np.float32)
        self._state = np.zeros((STATE_ROWS, 1, STATE_WIDTH), np.float32)

    def probability(self, window: np.ndarray) -> float:
        """Speech probability (0..1) of the next 512 samples at 16 kHz (int16, or float in -1..1)."""
        if len(window) != WINDOW:
            raise ValueError(f"a VAD window is {WINDOW} samples at 16 kHz, got {len(window)}")
        self._input[0, :CONTEXT] = self._input[0, WINDOW:]
        self._input[0, CONTEXT:] = to_float32(window) if window.dtype == np.int16 else window
        probs, self._state = self._model.run(self._input, self._state)
        return float(probs[0])

    def reset(self) -> None:
        """Forget the recurrent state (a new, unrelated stream follows)."""
        self._input.fill(0)
        self._state = np.zeros_like(self._state)


class SileroVad:
    """Silero VAD (offline), usable as fastrtc's `PauseDetectionModel` and as a stream factory.

    Thread-safe: fastrtc shares one model object between all connections.
    """

    def __init__(self, model_path: str | Path | None = None) -> None:
        self.model = SileroOnnx(model_path) if model_path else shared_model()

    def open_stream(self) -> SileroStream:
        """A recurrent state of its own for one stream."""
        return SileroStream(self.model)

    def warmup(self) -> None:
        """Load the model now rather than on the first audio frame."""
        self.probabilities(np.zeros(WINDOW, np.int16))

    def probabilities(self, samples16k: np.ndarray) -> np.ndarray:
        """Speech probability of each whole 512-sample window of a 16 kHz signal, from a fresh
        state (a trailing partial window is ignored). int16, or float in -1..1."""
        samples = np.asarray(samples16k)
        floats = to_float32(samples) if samples.dtype == np.int16 else samples.astype(np.float32)
        stream = self.open_stream()
        return np.array([stream.probability(floats[i * WINDOW:(i + 1) * WINDOW])
                         for i in range(len(floats) // WINDOW)], dtype=np.float32)

    def vad(self, audio: tuple[int, np.ndarray], options=None) -> tuple[float, list[dict]]:
        """fastrtc's `PauseDetectionModel.vad`: seconds of speech in `(sample_rate, samples)` and
        the speech chunks as `{"start", "end"}` sample indices at 16 kHz. `options` is a
        `VadOptions`, a fastrtc `SileroVadOptions`, or None for the defaults.
        Raises `AudioInputError` for audio that is not a usable frame."""
        chunk = normalize_frame(audio)
        samples = resample(chunk.samples, chunk.sample_rate, SAMPLE_RATE)
        if not len(samples):
            return 0.0, []
        padded = np.concatenate((samples, np.zeros(-len(samples) % WINDOW, np.int16)))
        chunks = speech_timestamps(self.probabilities(padded), len(samples), options or VadOptions())
        return sum(c["end"] - c["start"] for c in chunks) / SAMPLE_RATE, chunks


@lru_cache(maxsize=1)
def shared_vad() -> SileroVad:
    """The process-wide `SileroVad` (one ONNX session; each stream has a state of its own)."""
    return SileroVad()


def speech_timestamps(probs: np.ndarray, n_samples: int, options) -> list[dict]:
    """Speech chunks from per-window probabilities, as Silero's reference `get_speech_timestamps`:
    speech starts at a window >= threshold, ends after min_silence of windows < threshold - 0.15,
    chunks not longer than min_speech are dropped, the rest padded by speech_pad on each side
    (gaps shorter than two pads are split in the middle). Over-long chunks are cut at the limit."""
    threshold = options.threshold
    low = threshold - 0.15
    min_speech = SAMPLE_RATE * options.min_speech_duration_ms / 1000
    min_silence = SAMPLE_RATE * options.min_silence_duration_ms / 1000
    pad = SAMPLE_RATE * options.speech_pad_ms / 1000
    max_speech = SAMPLE_RATE * getattr(options, "max_speech_duration_s", math.inf) - WINDOW - 2 * pad

    speeches: list[dict] = []
    start = silence_from = None
    for index, probability in enumerate(probs):
        position = index * WINDOW
        if start is None:
            if probability >= threshold:
                start, silence_from = position, None
            continue
        if probability >= threshold:
            silence_from = None
        elif probability < low and silence_from is None:
            silence_from = position
        if silence_from is not None and position - silence_from >= min_silence:
            if silence_from - start > min_speech:
                speeches.append({"start": start, "end": silence_from})
            start = silence_from = None
        elif position - start > max_speech:
            speeches.append({"start": start, "end": position})
            start = silence_from = None
    if start is not None and n_samples - start > min_speech:
        speeches.append({"start": start, "end": n_samples})

    for i, speech in enumerate(speeches):
        if i == 0:
            speech["start"] = int(max(0, speech["start"] - pad))
        if i + 1 < len(speeches):
            gap = speeches[i + 1]["start"] - speech["end"]
            shift = gap // 2 if gap < 2 * pad else pad
            speech["end"] = int(speech["end"] + shift)
            speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - shift))
        else:
            speech["end"] = int(min(n_samples, speech["end"] + pad))
    return speeches


class VadEventKind(str, Enum):
    """What a `SpeechSegmenter` saw."""

    SPEECH_STARTED = "speech_started"
    SPEECH_ENDED = "speech_ended"


@dataclass(frozen=True)
class VadEvent:
    """A change in one stream. `at_s` is stream time: when speech began (STARTED) or when the last
    speech window ended (ENDED, emitted min_silence_s later). `duration_s` is the speech length of
    an ENDED utterance; `forced` marks an utterance cut at the length cap."""

    kind: VadEventKind
    at_s: float
    duration_s: float = 0.0
    forced: bool = False


class SpeechSegmenter:
    """Turns one live audio stream into speech-started / speech-ended events.

    The preset comes from `preset_getter` on every 32 ms window, so switching the environment
    takes effect mid-stream. Speech starts after `min_speaking_s` of consecutive speech windows
    (probability >= threshold) and ends after `min_silence_s` of non-speech windows. Memory is
    bounded: the pre-roll holds at most MAX_PREFIX_S, an utterance at most `max_utterance_s`
    (then it is ended with `forced=True`).
    """

    def __init__(self, preset_getter: Callable[[], EnvironmentPreset], vad_model: SileroVad | None = None,
                 max_utterance_s: float = 60.0) -> None:
        if max_utterance_s <= 0:
            raise ValueError("max_utterance_s must be positive")
        self._preset_getter = preset_getter
        self._vad_model = vad_model or shared_vad()
        self.max_utterance_s = max_utterance_s
        self._detector: SileroStream | None = None
        self.reset()

    def reset(self) -> None:
        """Forget everything: a new stream starting at time 0."""
        if self._detector is not None:
            self._detector.reset()
        self._resampler: StreamingResampler | None = None
        self._cutter = FrameCutter(WINDOW)
        self._windows_seen = 0
        self._preroll: deque[np.ndarray] = deque(maxlen=math.ceil(MAX_PREFIX_S / WINDOW_S))
        self._candidate: list[np.ndarray] = []
        self._speaking = False
        self._prefix = np.zeros(0, np.int16)
        self._utterance: list[np.ndarray] = []
        self._speech_start_window = 0
        self._last_speech_window = 0
        self._silent_windows = 0
        self._post_pad_windows = 0
        self._finished: np.ndarray | None = None
        self.last_probability = 0.0

    @property
    def speaking(self) -> bool:
        """True between SPEECH_STARTED and SPEECH_ENDED."""
        return self._speaking

    @property
    def stream_time_s(self) -> float:
        """Seconds of 16 kHz audio analysed so far."""
        return self._windows_seen * WINDOW_S

    def utterance_audio(self) -> AudioChunk:
        """The last ended utterance at 16 kHz, with prefix_padding_s before and after the speech;
        empty before the first SPEECH_ENDED and again from the next SPEECH_STARTED."""
        samples = self._finished if self._finished is not None else np.zeros(0, np.int16)
        return AudioChunk(SAMPLE_RATE, samples)

    def push(self, chunk: AudioChunk | tuple[int, np.ndarray]) -> list[VadEvent]:
        """Feed the next frame (any sample rate; a `(rate, array)` pair is normalised first)."""
        return [event for window in self.windows(chunk) for event in self.step(window)]

    def windows(self, chunk: AudioChunk | tuple[int, np.ndarray]) -> list[np.ndarray]:
        """Cut the next frame into the whole 16 kHz windows it completes, for a caller that computes
        their probabilities elsewhere (the batched VAD) and hands each to `step` in order."""
        chunk = chunk if isinstance(chunk, AudioChunk) else normalize_frame(chunk)
        windows: list[np.ndarray] = []
        if self._resampler is None or self._resampler.in_rate != chunk.sample_rate:
            if self._resampler is not None:
                windows += self._cutter.push(self._resampler.flush())
            self._resampler = StreamingResampler(chunk.sample_rate, SAMPLE_RATE)
        windows += self._cutter.push(self._resampler.process(chunk.samples))
        return windows

    def finish(self) -> list[VadEvent]:
        """End of stream: analyse the buffered tail and end an utterance still in progress."""
        windows = self._cutter.push(self._resampler.flush()) if self._resampler else []
        events = [event for window in windows + self._cutter.flush() for event in self.step(window)]
        if self._speaking:
            events.append(self._end(forced=False))
        return events

    def step(self, window: np.ndarray, probability: float | None = None) -> list[VadEvent]:
        """Advance by one 512-sample window; `probability` is its speech probability when the
        caller computed it, else this segmenter's own Silero state computes it."""
        preset = self._preset_getter()
        if probability is None:
            if self._detector is None:
                self._detector = self._vad_model.open_stream()
            probability = self._detector.probability(window)
        self.last_probability = probability
        is_speech = probability >= preset.threshold
        index = self._windows_seen
        self._windows_seen += 1
        if not self._speaking:
            return self._step_idle(window, index, is_speech, preset)
        self._utterance.append(window)
        if is_speech:
            self._last_speech_window, self._silent_windows = index, 0
        else:
            self._silent_windows += 1
        if self._silent_windows * WINDOW_S >= preset.min_silence_s - _EPS:
            return [self._end(forced=False)]
        if (index + 1 - self._speech_start_window) * WINDOW_S >= self.max_utterance_s - _EPS:
            self._last_speech_window = index
            return [self._end(forced=True)]
        return []

    def _step_idle(self, window: np.ndarray, index: int, is_speech: bool,
                   preset: EnvironmentPreset) -> list[VadEvent]:
        if not is_speech:
            self._preroll.extend(self._candidate)
            self._preroll.append(window)
            self._candidate = []
            return []
        self._candidate.append(window)
        if len(self._candidate) * WINDOW_S < preset.min_speaking_s - _EPS:
            return []
        prefix_samples = round(preset.prefix_padding_s * SAMPLE_RATE)
        preroll = np.concatenate(self._preroll) if self._preroll else np.zeros(0, np.int16)
        self._prefix = preroll[len(preroll) - min(prefix_samples, len(preroll)):]
        self._speech_start_window = index + 1 - len(self._candidate)
        self._last_speech_window = index
        self._utterance, self._candidate = self._candidate, []
        self._preroll.clear()
        self._speaking, self._silent_windows, self._finished = True, 0, None
        self._post_pad_windows = math.ceil(prefix_samples / WINDOW)
        return [VadEvent(VadEventKind.SPEECH_STARTED, at_s=self._speech_start_window * WINDOW_S)]

    def _end(self, forced: bool) -> VadEvent:
        speech_windows = self._last_speech_window + 1 - self._speech_start_window
        kept = speech_windows + self._post_pad_windows
        self._finished = np.concatenate([self._prefix, *self._utterance[:kept]])
        self._preroll.extend(self._utterance[speech_windows:])
        self._utterance, self._prefix, self._speaking = [], np.zeros(0, np.int16), False
        end_s = (self._last_speech_window + 1) * WINDOW_S
        return VadEvent(VadEventKind.SPEECH_ENDED, at_s=end_s,
                        duration_s=end_s - self._speech_start_window * WINDOW_S, forced=forced)
