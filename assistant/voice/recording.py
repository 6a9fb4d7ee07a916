"""A conversation's recording: visitor left, assistant right, 48 kHz stereo WAV, plus its events as JSON.

Constraints:
- Memory stays bounded whatever the length: each channel is appended to its own raw 16-bit file as
  audio arrives, and events to a JSON-lines file; `export` interleaves the channels block by block.
- Natural gaps are kept: a chunk lands at the time it arrived (on the recorder's clock), or right
  after the channel's previous chunk when that ended later (audio made faster than real time).
- At most `max_seconds` of audio per channel; later audio is dropped and the export says so.
- Files live in a scratch directory (`assistant.voice.scratch`), made on first use, removed by `close`
  and, for recordings nobody closed, pruned after a few hours.
"""
from __future__ import annotations

import json
import threading
import time
import wave
from pathlib import Path
from typing import Callable

import numpy as np

from .audio import resample
from ..events import Event
from .scratch import scratch_dir

RATE = 48_000
JITTER_S = 0.06          # arrival jitter below this is not a gap: continuous speech stays continuous
BLOCK_FRAMES = RATE      # frames interleaved per step of `export`
CHANNELS = ("visitor", "assistant")


FLUSH_BYTES = 64 * 1024  # buffered per file, then appended; no file stays open between writes


class _Appender:
    """Bytes appended to a file in chunks of `FLUSH_BYTES`, the file opened only to write them (a store
    of hundreds of conversations must not hold hundreds of open files)."""

    def __init__(self, path: Path) -> None:
        self.path, self._buffer = path, bytearray()
        path.touch()

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            with open(self.path, "ab") as out:
                out.write(self._buffer)
            self._buffer = bytearray()   # a new, empty one: clear() may keep the old capacity


class _Track:
    """One channel: a raw int16 file and the next free sample index."""

    def __init__(self, path: Path) -> None:
        self.path, self.cursor, self.dropped_s = path, 0, 0.0
        self.file = _Appender(path)

    def place(self, samples: np.ndarray, start: int, limit: int) -> None:
        if start - self.cursor < round(JITTER_S * RATE):
            start = self.cursor
        room = max(0, limit - start)
        if len(samples) > room:
            self.dropped_s += (len(samples) - room) / RATE
            samples = samples[:room]
        if not len(samples):
            return
        for gap_start in range(self.cursor, start, RATE):   # silence in 1 s pieces: a long pause is not a big allocation
            self.file.write(bytes(2 * min(RATE, start - gap_start)))
        self.file.write(samples.astype("<i2").tobytes())
        self.cursor = start + len(samples)


class ConversationRecorder:
    """Records one session's two voices and its events. Thread-safe: frames arrive from stream handlers."""

    def __init__(self, session_id: str, *, max_seconds: float = 900.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.session_id, self.max_seconds, self.clock = session_id, max_seconds, clock
        self.started = clock()
        self.started_wall = time.time()
        self.folder: Path | None = None
        self._tracks: dict[str, _Track] = {}
        self._events = None
        self._lock = threading.Lock()

    def _open(self) -> None:
        if self.folder is None:
            self.folder = scratch_dir("recordings")
            self._tracks = {name: _Track(self.folder / f"{name}.raw") for name in CHANNELS}
            self._events = _Appender(self.folder / "events.jsonl")

    def add_audio(self, channel: str, samples: np.ndarray, sample_rate: int, *, starts_now: bool = False) -> None:
        """Mono int16 audio of `channel` ('visitor' or 'assistant') that just ended (a received or
        played frame), or that starts now (`starts_now`: a reply handed to a player)."""
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}")
        if samples is None or not len(samples) or sample_rate <= 0:
            return
        pcm = np.asarray(samples, dtype=np.int16).reshape(-1)   # mono int16, as the engine hands it out
        if sample_rate != RATE:
            pcm = resample(pcm, sample_rate, RATE)
        now = round((self.clock() - self.started) * RATE)
        start = now if starts_now else max(0, now - len(pcm))
        with self._lock:
            self._open()
            self._tracks[channel].place(pcm, start, round(self.max_seconds * RATE))

    def add_event(self, event: Event) -> None:
        """Append one event (as `to_dict()`, without audio samples) to the events file."""
        record = event.to_dict()
        with self._lock:
            self._open()
            self._events.write((json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8"))

    def flush(self) -> None:
        """Write what is buffered to the files now (an idle conversation holds no buffers)."""
        with self._lock:
            for track in self._tracks.values():
                track.file.flush()
            if self._events is not None:
                self._events.flush()

    @property
    def buffered_bytes(self) -> int:
        """Bytes held in memory, not yet written to the files."""
        files = [t.file for t in self._tracks.values()] + ([self._events] if self._events is not None else [])
        return sum(f.buffered for f in files)

    @property
    def seconds(self) -> float:
        return max((t.cursor for t in self._tracks.values()), default=0) / RATE

    def export(self) -> tuple[Path, Path] | None:
        """Write `conversation-<id>.wav` (stereo, 48 kHz) and `conversation-<id>.json`; None when nothing
        was recorded yet."""
        with self._lock:
            if self.folder is None:
                return None
            for track in self._tracks.values():
                track.file.flush()
            self._events.flush()
            wav_path = self.folder / f"conversation-{self.session_id}.wav"
            frames = max(t.cursor for t in self._tracks.values())
            with wave.open(str(wav_path), "wb") as out, \
                    open(self._tracks["visitor"].path, "rb") as left, open(self._tracks["assistant"].path, "rb") as right:
                out.setnchannels(2)
                out.setsampwidth(2)
                out.setframerate(RATE)
                for offset in range(0, frames, BLOCK_FRAMES):
                    count = min(BLOCK_FRAMES, frames - offset)
                    block = np.zeros((count, 2), "<i2")
                    for column, source in enumerate((left, right)):
                        data = np.frombuffer(source.read(count * 2), "<i2")
                        block[:len(data), column] = data
                    out.writeframes(block.tobytes())
            json_path = self.folder / f"conversation-{self.session_id}.json"
            events = [json.loads(line) for line in (self.folder / "events.jsonl").read_text(encoding="utf-8").splitlines()]
            summary = {"session_id": self.session_id, "started_at": self.started_wall, "sample_rate": RATE,
                       "channels": {"left": "visitor", "right": "assistant"}, "seconds": round(frames / RATE, 3),
                       "dropped_seconds": {n: round(t.dropped_s, 3) for n, t in self._tracks.items()},
                       "max_seconds": self.max_seconds, "events": events}
            json_path.write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
            return wav_path, json_path

    def close(self) -> None:
        """Close and delete the recording's files."""
        import shutil

        with self._lock:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
            self.folder, self._tracks, self._events = None, {}, None
