"""Audio utilities: frame normalisation, streaming resampling, framing, mu-law, level meter, PCM."""
from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import soxr

from assistant.voice.audio import (AudioInputError, FrameCutter, LevelMeter, StreamingResampler,
                             from_pcm16_bytes, mulaw_decode, mulaw_encode, normalize_frame,
                             pcm16_bytes, resample, silence, to_float32)

RAMP = np.array([0, 1000, -1000, 32767, -32768, 12345], np.int16)


def sine(rate: int, seconds: float, freq: float = 440.0, amplitude: float = 16000.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return np.rint(amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def db_below(reference: np.ndarray, other: np.ndarray) -> float:
    """How far the difference between two signals lies below the reference, in dB."""
    reference = reference.astype(np.float64)
    error = reference - other.astype(np.float64)
    error_rms = math.sqrt(np.mean(error ** 2))
    return math.inf if error_rms == 0 else 20 * math.log10(math.sqrt(np.mean(reference ** 2)) / error_rms)


# --- normalize_frame ---------------------------------------------------------------------------

def test_int16_mono_passes_through_without_copy():
    samples = RAMP.copy()
    chunk = normalize_frame((48000, samples))
    assert chunk.sample_rate == 48000
    assert chunk.samples.dtype == np.int16
    assert np.shares_memory(chunk.samples, samples)
    assert chunk.samples.tolist() == RAMP.tolist()


@pytest.mark.parametrize("shape", ["(n,)", "(1,n)", "(n,1)"])
@pytest.mark.parametrize("dtype", [np.int16, np.float32, np.float64])
def test_mono_shapes_and_dtypes(shape, dtype):
    base = RAMP if dtype == np.int16 else to_float32(RAMP).astype(dtype)
    data = {"(n,)": base, "(1,n)": base.reshape(1, -1), "(n,1)": base.reshape(-1, 1)}[shape]
    chunk = normalize_frame((16000, data))
    assert chunk.samples.dtype == np.int16 and chunk.samples.ndim == 1
    assert chunk.samples.tolist() == RAMP.tolist()  # float -> int16 is exact for int16/32768 values


@pytest.mark.parametrize("layout", ["channels_first", "channels_last"])
@pytest.mark.parametrize("dtype", [np.int16, np.float32])
def test_stereo_is_averaged_to_mono(layout, dtype):
    left = np.array([1000, -2000, 30000, 0, 8], np.int16)
    right = np.array([3000, 2000, 32000, -32768, 8], np.int16)
    stereo = np.stack([left, right])                       # (2, n), as fastrtc sends it
    if layout == "channels_last":
        stereo = stereo.T                                  # (n, 2)
    if dtype == np.float32:
        stereo = stereo.astype(np.float32) / 32768
    chunk = normalize_frame((48000, stereo))
    assert chunk.samples.tolist() == [2000, 0, 31000, -16384, 8]


def test_fastrtc_style_2x960_frame():
    frame = np.stack([sine(48000, 0.02), sine(48000, 0.02)])
    assert frame.shape == (2, 960)
    assert np.array_equal(normalize_frame((48000, frame)).samples, sine(48000, 0.02))


def test_integer_widths_are_full_scale_for_their_dtype():
    as_int32 = RAMP.astype(np.int32) << 16
    assert normalize_frame((8000, as_int32)).samples.tolist() == RAMP.tolist()
    as_int8 = np.array([0, 127, -128], np.int8)
    assert normalize_frame((8000, as_int8)).samples.tolist() == [0, 32512, -32768]
    as_int64 = RAMP.astype(np.int64) << 48
    assert normalize_frame((8000, as_int64)).samples.tolist() == RAMP.tolist()


def test_unsigned_8_bit_pcm_is_centred_on_128():
    chunk = normalize_frame((8000, np.array([128, 0, 255, 129], np.uint8)))
    assert chunk.samples.tolist() == [0, -32768, 32512, 256]


def test_floats_are_cleaned_and_clipped():
    data = np.array([0.5, -0.5, 2.0, -3.0, np.nan, np.inf, -np.inf, 1.0], np.float64)
    assert normalize_frame((24000, data)).samples.tolist() == [16384, -16384, 32767, -32768, 0, 0, 0, 32767]


def test_float16_and_huge_floats_clip_without_wrapping_or_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        half = normalize_frame((8000, np.array([2.0, -2.0, 0.5, np.nan], np.float16))).samples
        huge = normalize_frame((8000, np.array([1e38, -1e38], np.float32))).samples
    assert half.tolist() == [32767, -32768, 16384, 0]
    assert huge.tolist() == [32767, -32768]


def test_nan_in_one_channel_silences_only_that_sample():
    stereo = np.array([[np.nan, 0.5, 0.25], [0.5, 0.5, 0.25]], np.float32)
    assert normalize_frame((8000, stereo)).samples.tolist() == [0, 16384, 8192]


def test_float_round_trip_is_exact_for_every_int16_value():
    every = np.arange(-32768, 32768, dtype=np.int16)
    assert np.array_equal(normalize_frame((16000, to_float32(every))).samples, every)


@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 2), (1, 0)])
def test_empty_arrays_give_an_empty_chunk(shape):
    chunk = normalize_frame((48000, np.zeros(shape, np.float32)))
    assert chunk.sample_rate == 48000
    assert chunk.samples.dtype == np.int16 and chunk.samples.shape == (0,)


def test_numpy_integer_rate_and_list_pair_are_accepted():
    chunk = normalize_frame([np.int64(22050), [0.0, 0.25]])
    assert chunk.sample_rate == 22050 and isinstance(chunk.sample_rate, int)
    assert chunk.samples.tolist() == [0, 8192]


@pytest.mark.parametrize("frame", [None, RAMP, {"rate": 16000}, (16000,), (16000, RAMP, "extra"), "16000"])
def test_rejects_anything_but_a_pair(frame):
    with pytest.raises(AudioInputError, match="pair"):
        normalize_frame(frame)


@pytest.mark.parametrize("rate", [0, -16000, 192001, 48000.0, True, np.True_, "48000", None, float("nan")])
def test_rejects_bad_sample_rates(rate):
    with pytest.raises(AudioInputError, match="sample rate"):
        normalize_frame((rate, RAMP))


def test_max_sample_rate_is_allowed():
    assert normalize_frame((192000, RAMP)).sample_rate == 192000


@pytest.mark.parametrize("data", [
    np.array(["a", "b"]), np.array([b"a"]), np.array([1, None], dtype=object),
    np.array([1 + 2j]), np.array([True, False]), np.array(["2020-01-01"], dtype="datetime64[D]"),
])
def test_rejects_non_numeric_dtypes(data):
    with pytest.raises(AudioInputError, match="dtype"):
        normalize_frame((16000, data))


@pytest.mark.parametrize("data", [np.zeros((2, 2, 2), np.int16), np.int16(5)])
def test_rejects_wrong_dimensions(data):
    with pytest.raises(AudioInputError, match="1-D or 2-D"):
        normalize_frame((16000, data))


def test_rejects_ragged_sample_lists():
    with pytest.raises(AudioInputError, match="array of numbers"):
        normalize_frame((16000, [[1, 2], [3]]))


def test_audio_input_error_is_a_value_error():
    assert issubclass(AudioInputError, ValueError)


# --- StreamingResampler ------------------------------------------------------------------------

def stream_in_chunks(resampler: StreamingResampler, signal: np.ndarray, chunk: int) -> tuple[np.ndarray, list[int]]:
    pieces = [resampler.process(signal[i:i + chunk]) for i in range(0, len(signal), chunk)]
    sizes = [len(p) for p in pieces]
    pieces.append(resampler.flush())
    return np.concatenate(pieces), sizes


@pytest.mark.parametrize("in_rate,out_rate", [(24000, 48000), (48000, 16000), (22050, 48000)])
def test_streaming_matches_one_shot_soxr(in_rate, out_rate):
    signal = sine(in_rate, 1.0, freq=440) + sine(in_rate, 1.0, freq=1900, amplitude=6000)
    streamed, sizes = stream_in_chunks(StreamingResampler(in_rate, out_rate), signal, in_rate // 50)
    reference = soxr.resample(signal, in_rate, out_rate)
    expected_length = len(signal) * out_rate / in_rate
    assert abs(len(streamed) - expected_length) <= 2
    assert len(streamed) == len(reference)
    assert db_below(reference, streamed) >= 60
    assert np.abs(streamed.astype(int) - reference).max() <= 4   # only soxr's int16 dither differs
    assert 0 in sizes  # output comes in bursts, as the platform notes say


@pytest.mark.parametrize("in_rate,out_rate", [(48000, 16000), (22050, 16000), (16000, 24000)])
def test_streaming_is_bit_identical_to_our_one_shot_resample(in_rate, out_rate):
    signal = sine(in_rate, 0.5, freq=300, amplitude=30000)
    streamed, _ = stream_in_chunks(StreamingResampler(in_rate, out_rate), signal, 441)
    assert np.array_equal(streamed, resample(signal, in_rate, out_rate))


def test_digital_silence_stays_silent():
    streamed, _ = stream_in_chunks(StreamingResampler(24000, 48000), silence(24000, 200), 480)
    assert streamed.size == 9600 and not streamed.any()


def test_flush_starts_a_fresh_stream():
    resampler = StreamingResampler(24000, 48000)
    signal = sine(24000, 0.2)
    first, _ = stream_in_chunks(resampler, signal, 480)
    second, _ = stream_in_chunks(resampler, signal, 480)
    assert np.array_equal(first, second)


def test_equal_rates_pass_through_untouched():
    resampler = StreamingResampler(16000, 16000)
    samples = sine(16000, 0.02)
    assert resampler.passthrough
    assert resampler.process(samples) is samples
    assert resampler.flush().size == 0


def test_resampler_rejects_float_input_and_bad_rates():
    with pytest.raises(AudioInputError, match="int16"):
        StreamingResampler(24000, 48000).process(np.zeros(480, np.float32))
    with pytest.raises(AudioInputError, match="sample rate"):
        StreamingResampler(0, 48000)


def test_one_shot_resample_length_and_passthrough():
    signal = sine(22050, 0.5)
    assert len(resample(signal, 22050, 16000)) == 8000
    assert resample(signal, 22050, 22050) is signal


# --- FrameCutter -------------------------------------------------------------------------------

def test_frame_cutter_turns_bursts_into_fixed_frames():
    signal = np.arange(5000, dtype=np.int16)
    cutter = FrameCutter(512)
    frames, offset = [], 0
    for burst in (0, 1660, 7, 0, 513, 1, 2000, 819):
        frames += cutter.push(signal[offset:offset + burst])
        offset += burst
    assert offset == len(signal)
    assert all(len(frame) == 512 for frame in frames)
    assert len(frames) == 5000 // 512 and cutter.pending == 5000 % 512
    assert np.array_equal(np.concatenate(frames), signal[:len(frames) * 512])
    (last,) = cutter.flush()
    assert len(last) == 512
    assert np.array_equal(last[:5000 % 512], signal[len(frames) * 512:])
    assert not last[5000 % 512:].any()
    assert cutter.pending == 0 and cutter.flush() == []


def test_frame_cutter_flush_without_padding_and_copies():
    cutter = FrameCutter(4)
    burst = np.arange(6, dtype=np.int16)
    (frame,) = cutter.push(burst)
    burst[:] = -1
    assert frame.tolist() == [0, 1, 2, 3]
    assert [f.tolist() for f in cutter.flush(pad=False)] == [[4, 5]]


def test_frame_cutter_rejects_bad_sizes():
    with pytest.raises(ValueError):
        FrameCutter(0)


# --- G.711 mu-law ------------------------------------------------------------------------------

def _audioop():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pytest.importorskip("audioop")


def test_mulaw_encode_is_bit_exact_with_audioop_for_every_int16():
    audioop = _audioop()
    every = np.arange(-32768, 32768, dtype=np.int16)
    encoded = mulaw_encode(every)
    assert encoded.dtype == np.uint8 and encoded.shape == every.shape
    assert encoded.tobytes() == audioop.lin2ulaw(every.tobytes(), 2)


def test_mulaw_decode_is_bit_exact_with_audioop_for_every_code():
    audioop = _audioop()
    codes = np.arange(256, dtype=np.uint8)
    decoded = mulaw_decode(codes)
    assert decoded.dtype == np.int16
    assert decoded.tobytes() == audioop.ulaw2lin(codes.tobytes(), 2)


def test_mulaw_known_values_and_round_trip():
    assert mulaw_encode(np.array([0, 32767, -32768], np.int16)).tolist() == [0xFF, 0x80, 0x00]
    assert mulaw_decode(np.array([0xFF, 0x7F, 0x80, 0x00], np.uint8)).tolist() == [0, 0, 32124, -32124]
    signal = sine(8000, 0.1, amplitude=20000)
    assert db_below(signal, mulaw_decode(mulaw_encode(signal))) > 30  # G.711 is ~38 dB SNR
    assert mulaw_encode(np.zeros(0, np.int16)).size == 0


# --- LevelMeter --------------------------------------------------------------------------------

def test_instant_level_maps_minus_60_to_0_db():
    full_sine = sine(16000, 0.1, amplitude=32767)
    assert LevelMeter.instant_level(full_sine) == pytest.approx(1 - 3.0103 / 60, abs=0.002)
    quieter = sine(16000, 0.1, amplitude=32768 * 0.1 * math.sqrt(2))  # RMS -20 dBFS
    assert LevelMeter.instant_level(quieter) == pytest.approx(40 / 60, abs=0.002)
    assert LevelMeter.instant_level(np.full(100, 10, np.int16)) == 0.0  # -70 dBFS: below the floor
    assert LevelMeter.instant_level(np.zeros(100, np.int16)) == 0.0
    assert LevelMeter.instant_level(np.full(100, -32768, np.int16)) == 1.0


def test_level_meter_attacks_fast_and_releases_slowly():
    meter = LevelMeter(attack_s=0.01, release_s=0.3)
    loud = sine(48000, 0.02, amplitude=32767)
    quiet = silence(48000, 20)
    target = LevelMeter.instant_level(loud)
    peak = meter.update(loud, 48000)
    assert 0.85 * target <= peak <= target              # one 20 ms chunk gets most of the way up
    after_20ms = meter.update(quiet, 48000)
    assert after_20ms > 0.9 * peak                       # but does not drop in one chunk
    levels = [meter.update(quiet, 48000) for _ in range(14)]  # 0.3 s of silence in total
    assert all(a > b for a, b in itertools.pairwise(levels))
    assert math.exp(-1) * peak == pytest.approx(levels[-1], rel=0.01)
    for _ in range(60):
        meter.update(quiet, 48000)
    assert meter.level < 0.01


def test_level_meter_counts_time_in_samples():
    def run(chunk_ms: int) -> float:
        meter = LevelMeter()
        meter.update(sine(16000, 0.1, amplitude=20000), 16000)
        quiet = silence(16000, chunk_ms)
        for _ in range(240 // chunk_ms):
            meter.update(quiet, 16000)
        return meter.level
    assert run(10) == pytest.approx(run(40), rel=1e-9)
    meter = LevelMeter()
    assert meter.update(np.zeros(0, np.int16), 16000) == 0.0
    meter.update(sine(16000, 0.1), 16000)
    meter.reset()
    assert meter.level == 0.0


# --- PCM helpers -------------------------------------------------------------------------------

def test_silence_and_pcm_bytes():
    assert silence(48000, 20).tolist() == [0] * 960
    assert silence(22050, 10).size == 220  # 220.5 rounds to even
    assert silence(16000, 0).size == 0
    assert pcm16_bytes(np.array([1, -2, 256], np.int16)) == b"\x01\x00\xfe\xff\x00\x01"
    assert from_pcm16_bytes(b"\x01\x00\xfe\xff\x00\x01\x07").tolist() == [1, -2, 256]
    assert from_pcm16_bytes(b"").size == 0 and from_pcm16_bytes(b"\x05").size == 0
    every = np.arange(-32768, 32768, dtype=np.int16)
    assert np.array_equal(from_pcm16_bytes(pcm16_bytes(every)), every)
    with pytest.raises(AudioInputError):
        pcm16_bytes(np.zeros(3, np.float32))


def test_to_float32_range():
    floats = to_float32(np.array([-32768, 0, 16384, 32767], np.int16))
    assert floats.dtype == np.float32
    assert floats.tolist() == [-1.0, 0.0, 0.5, pytest.approx(32767 / 32768)]
