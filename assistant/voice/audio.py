"""Audio utilities for the voice path: frame normalisation, streaming resampling, fixed-size
framing, G.711 mu-law, a level meter and PCM byte conversions.

All samples handed between stages are mono int16 (`AudioChunk`). Everything here runs on every
20 ms WebRTC frame, so it is vectorised numpy with no per-sample Python loops.
"""
from __future__ import annotations

import math
from numbers import Integral

import numpy as np
import soxr

from ..providers.base import AudioChunk

__all__ = [
    "MAX_SAMPLE_RATE", "AudioInputError", "FrameCutter", "LevelMeter", "StreamingResampler",
    "from_pcm16_bytes", "mulaw_decode", "mulaw_encode", "normalize_frame", "pcm16_bytes",
    "resample", "silence", "to_float32",
]

MAX_SAMPLE_RATE = 192_000
_INT16_SCALE = 32768.0  # float <-> int16 scale; int16 -> float32 -> int16 round-trips exactly


class AudioInputError(ValueError):
    """Audio that cannot be used, with a message a person can act on."""


def _check_sample_rate(sample_rate) -> int:
    if isinstance(sample_rate, (bool, np.bool_)) or not isinstance(sample_rate, Integral):
        raise AudioInputError(
            f"The sample rate must be a whole number of Hz, got {sample_rate!r} ({type(sample_rate).__name__}).")
    if not 0 < sample_rate <= MAX_SAMPLE_RATE:
        raise AudioInputError(f"The sample rate must be between 1 and {MAX_SAMPLE_RATE} Hz, got {sample_rate}.")
    return int(sample_rate)


def _to_int16(data: np.ndarray) -> np.ndarray:
    """Scale any numeric dtype to int16: floats are -1..1, integers are full scale for their width."""
    kind = data.dtype.kind
    if data.dtype == np.int16:
        return data
    if kind == "f":
        if data.dtype.itemsize < 4:  # float16 cannot hold 32767
            data = data.astype(np.float32)
        with np.errstate(over="ignore", invalid="ignore"):  # huge values overflow to inf: clipped below
            scaled = data * _INT16_SCALE
        np.rint(scaled, out=scaled)
        np.minimum(scaled, 32767, out=scaled)
        np.maximum(scaled, -32768, out=scaled)
        finite = np.isfinite(data)
        if not finite.all():  # NaN and +-inf carry no signal: silence, not full scale
            scaled[~finite] = 0
        return scaled.astype(np.int16)
    bits = data.dtype.itemsize * 8
    if kind == "u":  # unsigned PCM (8-bit WAV): the midpoint is silence; flipping the top bit recentres it
        data = (data ^ data.dtype.type(1 << (bits - 1))).view(np.dtype(f"i{data.dtype.itemsize}"))
    if bits > 16:
        return (data >> (bits - 16)).astype(np.int16)
    return (data.astype(np.int32) << (16 - bits)).astype(np.int16)


def normalize_frame(frame) -> AudioChunk:
    """Turn a `(sample_rate, array)` pair from WebRTC or a caller into a mono int16 `AudioChunk`.

    The array may be int8/16/32/64, unsigned (uint8 PCM) or float (-1..1; NaN and inf become 0,
    the rest is clipped); shaped (n,), (1, n), (n, 1), (2, n) or (n, 2). In 2-D arrays the shorter
    axis holds the channels ((channels, n) when square, as fastrtc sends); channels are averaged.
    An int16 mono array is returned without a copy. Raises `AudioInputError` for anything else.
    """
    if not isinstance(frame, (tuple, list)) or len(frame) != 2:
        size = f" of {len(frame)} items" if isinstance(frame, (tuple, list)) else ""
        raise AudioInputError(f"Audio must be a (sample_rate, samples) pair, got a {type(frame).__name__}{size}.")
    sample_rate = _check_sample_rate(frame[0])
    try:
        data = frame[1] if isinstance(frame[1], np.ndarray) else np.asarray(frame[1])
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise AudioInputError(f"Audio samples must be an array of numbers: {exc}") from exc
    if data.dtype.kind not in "iuf":
        raise AudioInputError(f"Audio samples must be integers or floats, got dtype {data.dtype}.")
    if data.ndim == 0 or data.ndim > 2:
        raise AudioInputError(
            f"Audio samples must be a 1-D or 2-D (channels) array, got shape {data.shape}.")
    if data.size == 0:
        return AudioChunk(sample_rate, np.zeros(0, np.int16))
    if data.ndim == 2:
        channel_axis = 0 if data.shape[0] <= data.shape[1] else 1
        if data.shape[channel_axis] == 1:
            data = data.reshape(-1)
        else:
            data = _mix_down(data, channel_axis)
    return AudioChunk(sample_rate, np.ascontiguousarray(_to_int16(data)))


def _mix_down(data: np.ndarray, channel_axis: int) -> np.ndarray:
    """Average the channels. A matrix product, because numpy's reduce over a short axis of
    length 2 (the (n, 2) layout) is ~10x slower."""
    channels = data.shape[channel_axis]
    if data.dtype.kind != "f":  # integers: scale to 16 bits, sum exactly in 32 bits, then divide
        ones = np.ones(channels, np.int32)
        wide = _to_int16(data).astype(np.int32)
        summed = ones @ wide if channel_axis == 0 else wide @ ones
        return (summed // channels).astype(np.int16)
    weights = np.full(channels, 1.0 / channels, data.dtype)
    return weights @ data if channel_axis == 0 else data @ weights


def to_float32(samples: np.ndarray) -> np.ndarray:
    """int16 samples as float32 in -1..1 (divided by 32768)."""
    return np.asarray(samples, dtype=np.int16).astype(np.float32) / np.float32(_INT16_SCALE)


def _round_to_int16(values: np.ndarray) -> np.ndarray:
    """float32 values on the int16 scale -> int16, rounded and clipped in place (no temporaries)."""
    np.rint(values, out=values)
    np.minimum(values, 32767, out=values)
    np.maximum(values, -32768, out=values)
    return values.astype(np.int16)


def _require_int16(samples) -> np.ndarray:
    samples = np.asarray(samples)
    if samples.dtype != np.int16 or samples.ndim != 1:
        raise AudioInputError(
            f"Expected mono int16 samples, got dtype {samples.dtype} with shape {samples.shape}.")
    return samples


def resample(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """One-shot resample of a whole mono int16 signal (soxr HQ); returns int16."""
    samples = _require_int16(samples)
    if _check_sample_rate(in_rate) == _check_sample_rate(out_rate):
        return samples
    return _round_to_int16(soxr.resample(samples.astype(np.float32), in_rate, out_rate, quality="HQ"))


class StreamingResampler:
    """Resamples one continuous stream chunk by chunk with no clicks at chunk boundaries.

    Uses soxr's streaming resampler (HQ) on float32 copies of the int16 values (soxr's own int16
    mode adds +-1 LSB dither, even to digital silence); the output of many small chunks is
    bit-identical to `resample()` of the whole signal. Output comes in bursts (soxr holds about
    one filter length), so pair it with `FrameCutter` for fixed frames. One instance per stream:
    it holds filter state. Equal rates pass samples through untouched.
    """

    def __init__(self, in_rate: int, out_rate: int) -> None:
        self.in_rate = _check_sample_rate(in_rate)
        self.out_rate = _check_sample_rate(out_rate)
        self._stream = None if in_rate == out_rate else soxr.ResampleStream(
            self.in_rate, self.out_rate, 1, dtype="float32", quality="HQ")

    @property
    def passthrough(self) -> bool:
        """True when the rates are equal and samples are returned as given."""
        return self._stream is None

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Resample the next chunk of mono int16 samples; may return fewer (or no) samples."""
        samples = _require_int16(samples)
        if self._stream is None:
            return samples
        return _round_to_int16(self._stream.resample_chunk(samples.astype(np.float32)))

    def flush(self) -> np.ndarray:
        """Return the samples still held in the filter; the stream then starts afresh."""
        if self._stream is None:
            return np.zeros(0, np.int16)
        tail = _round_to_int16(self._stream.resample_chunk(np.zeros(0, np.float32), last=True))
        self._stream.clear()
        return tail


class FrameCutter:
    """Buffers int16 samples arriving in uneven bursts and hands out frames of exactly `frame_size`."""

    def __init__(self, frame_size: int) -> None:
        if frame_size <= 0:
            raise ValueError(f"frame_size must be positive, got {frame_size}")
        self.frame_size = int(frame_size)
        self._pending = np.zeros(0, np.int16)

    @property
    def pending(self) -> int:
        """Samples buffered that do not yet fill a frame."""
        return len(self._pending)

    def push(self, samples: np.ndarray) -> list[np.ndarray]:
        """Add samples; return every complete frame now available (copies, not views of the input)."""
        samples = _require_int16(samples)
        if len(self._pending) + len(samples) < self.frame_size:
            self._pending = np.concatenate((self._pending, samples))
            return []
        joined = np.concatenate((self._pending, samples))
        whole = len(joined) - len(joined) % self.frame_size
        frames = list(joined[:whole].reshape(-1, self.frame_size).copy())
        self._pending = joined[whole:].copy()
        return frames

    def flush(self, pad: bool = True) -> list[np.ndarray]:
        """Return the partial frame left (zero-padded to full size when `pad`), or nothing."""
        rest, self._pending = self._pending, np.zeros(0, np.int16)
        if not len(rest):
            return []
        if pad:
            rest = np.concatenate((rest, np.zeros(self.frame_size - len(rest), np.int16)))
        return [rest]


# G.711 mu-law, as the ITU reference code and CPython's audioop: 14-bit magnitude, bias 33.
_MULAW_BIAS = 0x84
_MULAW_CLIP = 8159
_MULAW_SEGMENT_ENDS = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])


def _build_mulaw_tables() -> tuple[np.ndarray, np.ndarray]:
    linear = np.arange(-32768, 32768, dtype=np.int32)
    pcm14 = linear >> 2
    negative = pcm14 < 0
    magnitude = np.minimum(np.where(negative, -pcm14, pcm14), _MULAW_CLIP) + (_MULAW_BIAS >> 2)
    segment = np.searchsorted(_MULAW_SEGMENT_ENDS, magnitude, side="left")
    code = (segment << 4) | ((magnitude >> (segment + 1)) & 0xF)
    code = np.where(segment >= 8, 0x7F, code)
    encoded = (code ^ np.where(negative, 0x7F, 0xFF)).astype(np.uint8)
    # index by the int16 bit pattern read as uint16
    encode_table = np.empty(65536, np.uint8)
    encode_table[linear.astype(np.uint16)] = encoded

    inverted = ~np.arange(256, dtype=np.int32) & 0xFF
    magnitude = (((inverted & 0x0F) << 3) + _MULAW_BIAS) << ((inverted & 0x70) >> 4)
    decode_table = np.where(inverted & 0x80, _MULAW_BIAS - magnitude, magnitude - _MULAW_BIAS).astype(np.int16)
    return encode_table, decode_table


_MULAW_ENCODE, _MULAW_DECODE = _build_mulaw_tables()


def mulaw_encode(samples: np.ndarray) -> np.ndarray:
    """Encode int16 samples as G.711 mu-law bytes (bit-exact with ITU G.711 / `audioop.lin2ulaw`)."""
    return _MULAW_ENCODE[np.asarray(samples, dtype=np.int16).view(np.uint16)]


def mulaw_decode(codes: np.ndarray) -> np.ndarray:
    """Decode G.711 mu-law bytes to int16 samples (bit-exact with `audioop.ulaw2lin`)."""
    return _MULAW_DECODE[np.asarray(codes, dtype=np.uint8)]


class LevelMeter:
    """A microphone level for the UI: RMS in dBFS mapped from -60..0 dB onto 0..1.

    Rises with time constant `attack_s` (most of the way within one 20 ms chunk) and falls with
    time constant `release_s`. Time is counted in samples, so the meter is deterministic.
    """

    FLOOR_DB = -60.0

    def __init__(self, attack_s: float = 0.01, release_s: float = 0.3) -> None:
        if attack_s <= 0 or release_s <= 0:
            raise ValueError("attack_s and release_s must be positive")
        self.attack_s = attack_s
        self.release_s = release_s
        self.level = 0.0

    @classmethod
    def instant_level(cls, samples: np.ndarray) -> float:
        """The 0..1 level of these samples alone, without smoothing."""
        if not len(samples):
            return 0.0
        as_float = np.asarray(samples, dtype=np.float64) / _INT16_SCALE
        rms = math.sqrt(float(np.dot(as_float, as_float)) / len(as_float))
        if rms <= 0.0:
            return 0.0
        db = 20.0 * math.log10(rms)
        return min(1.0, max(0.0, (db - cls.FLOOR_DB) / -cls.FLOOR_DB))

    def update(self, samples: np.ndarray, sample_rate: int) -> float:
        """Feed the next chunk of int16 samples; return the smoothed level (0..1)."""
        if not len(samples):
            return self.level
        target = self.instant_level(samples)
        elapsed_s = len(samples) / sample_rate
        time_constant = self.attack_s if target > self.level else self.release_s
        self.level += (target - self.level) * (1.0 - math.exp(-elapsed_s / time_constant))
        return self.level

    def reset(self) -> None:
        """Back to zero (a new stream)."""
        self.level = 0.0


def silence(sample_rate: int, ms: float) -> np.ndarray:
    """`ms` milliseconds of int16 zeros at `sample_rate` (rounded to whole samples)."""
    return np.zeros(round(sample_rate * ms / 1000.0), np.int16)


def pcm16_bytes(samples: np.ndarray) -> bytes:
    """int16 samples as little-endian linear16 bytes (what Deepgram and WAV expect)."""
    return _require_int16(samples).astype("<i2", copy=False).tobytes()


def from_pcm16_bytes(data: bytes) -> np.ndarray:
    """Little-endian linear16 bytes as int16 samples; a trailing odd byte is ignored."""
    usable = len(data) - len(data) % 2
    return np.frombuffer(data, dtype="<i2", count=usable // 2).astype(np.int16)
