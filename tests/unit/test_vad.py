"""Offline VAD on real (espeak-ng) speech: Silero probabilities, fastrtc's pause-detection protocol
and the streaming speech segmenter with live preset switching."""
from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from assistant.voice.audio import resample
from assistant.providers.base import AudioChunk
from assistant.providers.espeak_tts import speak_pcm
from assistant.settings import EnvironmentPreset, environment_presets
from assistant.voice.vad import (SAMPLE_RATE, WINDOW, SileroVad, SpeechSegmenter, VadEvent, VadEventKind,
                           VadOptions, options_for_preset, speech_timestamps)

ESPEAK_RATE = 22050
STARTED, ENDED = VadEventKind.SPEECH_STARTED, VadEventKind.SPEECH_ENDED


def spoken(text: str) -> np.ndarray:
    """espeak speech at 22050 Hz with the leading and trailing silence cut off."""
    samples = speak_pcm(text).samples
    loud = np.flatnonzero(np.abs(samples) > 200)
    return samples[loud[0]:loud[-1] + 1]


def gap(seconds: float, rate: int = ESPEAK_RATE) -> np.ndarray:
    return np.zeros(round(seconds * rate), np.int16)


@pytest.fixture(scope="module")
def first() -> np.ndarray:
    return spoken("Find me a flight from Madrid to London tomorrow")


@pytest.fixture(scope="module")
def second() -> np.ndarray:
    return spoken("I want to fly to Tokyo on Friday")


@pytest.fixture(scope="module")
def model() -> SileroVad:
    vad = SileroVad()
    vad.warmup()
    return vad


def preset(name: str) -> EnvironmentPreset:
    return environment_presets()[name]


def run(segmenter: SpeechSegmenter, signal: np.ndarray, rate: int = ESPEAK_RATE,
        on_chunk=None) -> list[VadEvent]:
    """Stream `signal` in 20 ms chunks; `on_chunk(time_s)` runs before each chunk."""
    events: list[VadEvent] = []
    step = rate // 50
    for start in range(0, len(signal), step):
        if on_chunk:
            on_chunk(start / rate)
        events += segmenter.push(AudioChunk(rate, signal[start:start + step]))
    return events + segmenter.finish()


# --- SileroVad -------------------------------------------------------------------------------

def test_probability_is_high_in_speech_and_low_in_silence(model, first):
    speech16k = resample(first, ESPEAK_RATE, SAMPLE_RATE)
    probs = model.probabilities(np.concatenate([gap(1.0, SAMPLE_RATE), speech16k, gap(1.0, SAMPLE_RATE)]))
    lead = round(SAMPLE_RATE / WINDOW)                   # windows in one second
    speech_windows = probs[lead + 3: lead + len(speech16k) // WINDOW - 3]
    assert np.median(speech_windows) > 0.8
    assert np.mean(speech_windows >= 0.5) > 0.85
    assert probs[:lead].max() < 0.1
    # Silero's recurrent state decays for ~200 ms after speech, and espeak's tail varies by a few samples
    # from run to run, so the trailing silence is judged from its seventh window on
    assert probs[-lead + 6:].max() < 0.1


def test_probability_is_low_for_quiet_white_noise(model):
    noise = np.random.default_rng(7).normal(0, 1500, SAMPLE_RATE * 2).astype(np.int16)
    assert model.probabilities(noise).max() < 0.3


def test_probabilities_cover_whole_windows_from_a_fresh_state(model, first):
    speech16k = resample(first, ESPEAK_RATE, SAMPLE_RATE)[:WINDOW * 10 + 100]
    probs = model.probabilities(speech16k)
    assert probs.shape == (10,) and probs.dtype == np.float32
    assert np.array_equal(model.probabilities(speech16k), probs)      # no state leaks between calls
    as_float = speech16k.astype(np.float32) / 32768
    assert np.allclose(model.probabilities(as_float), probs, atol=1e-6)
    assert model.probabilities(np.zeros(WINDOW - 1, np.int16)).size == 0


def test_each_stream_keeps_its_own_recurrent_state(model, first):
    speech16k = resample(first, ESPEAK_RATE, SAMPLE_RATE)
    noise = np.random.default_rng(1).normal(0, 3000, len(speech16k)).astype(np.int16)
    windows = len(speech16k) // WINDOW
    alone = model.probabilities(speech16k)
    a, b = model.open_stream(), model.open_stream()
    interleaved = []
    for i in range(windows):
        interleaved.append(a.probability(speech16k[i * WINDOW:(i + 1) * WINDOW]))
        b.probability(noise[i * WINDOW:(i + 1) * WINDOW])
    assert np.allclose(interleaved, alone, atol=1e-6)
    with pytest.raises(ValueError, match="512"):
        a.probability(np.zeros(480, np.int16))


def test_vad_protocol_call_reports_speech_seconds_and_chunks(model, first):
    signal = np.concatenate([gap(0.5), first, gap(1.0)])
    options = VadOptions(threshold=0.5, min_speech_duration_ms=250, min_silence_duration_ms=500,
                         speech_pad_ms=100)
    seconds, chunks = model.vad((ESPEAK_RATE, signal), options)
    speech_s = len(first) / ESPEAK_RATE
    assert speech_s - 0.3 < seconds < speech_s + 0.5
    assert len(chunks) >= 1 and all(set(c) == {"start", "end"} for c in chunks)
    assert all(isinstance(c["start"], int) and isinstance(c["end"], int) for c in chunks)
    assert chunks[0]["start"] == pytest.approx(0.5 * SAMPLE_RATE - 1600, abs=0.15 * SAMPLE_RATE)
    assert chunks[-1]["end"] <= round(len(signal) * SAMPLE_RATE / ESPEAK_RATE)
    assert seconds == pytest.approx(sum(c["end"] - c["start"] for c in chunks) / SAMPLE_RATE)


def test_vad_accepts_fastrtc_frames_and_silence(model, first):
    stereo48k = np.stack([resample(first, ESPEAK_RATE, 48000)] * 2).astype(np.float32) / 32768
    seconds, chunks = model.vad((48000, stereo48k), None)          # (channels, n) float, defaults
    assert seconds > 1.5 and chunks
    assert model.vad((16000, np.zeros(16000, np.int16)), VadOptions()) == (0.0, [])
    assert model.vad((48000, np.zeros((1, 0), np.int16)), None) == (0.0, [])


def test_vad_is_safe_to_share_between_threads(model, first, second):
    clips = [(ESPEAK_RATE, np.concatenate([gap(0.3), text[:ESPEAK_RATE], gap(0.5)])) for text in (first, second)] * 2
    expected = [model.vad(clip, VadOptions(min_silence_duration_ms=300)) for clip in clips]
    results: list = [None] * len(clips)

    def work(i: int) -> None:
        results[i] = model.vad(clips[i], VadOptions(min_silence_duration_ms=300))
    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clips))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


def test_drives_fastrtc_reply_on_pause_offline(model, first):
    """fastrtc's own handler accepts our model and detects the pause after real speech."""
    fastrtc = pytest.importorskip("fastrtc")
    handler = fastrtc.ReplyOnPause(lambda audio: iter([audio]), model=model, can_interrupt=False,
                                   model_options=options_for_preset(preset("quiet")))
    signal = resample(np.concatenate([gap(0.5), first, gap(2.0)]), ESPEAK_RATE, 48000)
    paused_at = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its log messages need a live connection
        for start in range(0, len(signal), 960):
            handler.receive((48000, signal[start:start + 960].reshape(1, -1)))
            if handler.event.is_set():
                paused_at = start / 48000
                break
    speech_end = 0.5 + len(first) / ESPEAK_RATE
    assert handler.state.started_talking
    assert paused_at is not None and speech_end < paused_at < speech_end + 1.5


# --- speech_timestamps -----------------------------------------------------------------------

def test_speech_timestamps_hysteresis_min_speech_and_padding():
    probs = np.array([0.0] * 5 + [0.9] * 10 + [0.4] * 3 + [0.9] * 5 + [0.0] * 20 + [0.9] * 2 + [0.0] * 20)
    options = VadOptions(threshold=0.5, min_speech_duration_ms=100, min_silence_duration_ms=200,
                         speech_pad_ms=32)
    chunks = speech_timestamps(probs, len(probs) * WINDOW, options)
    # 0.4 lies between threshold-0.15 and threshold: speech continues; the 2-window blip is too short
    assert chunks == [{"start": 5 * WINDOW - WINDOW, "end": 23 * WINDOW + WINDOW}]


def test_speech_timestamps_split_close_chunks_in_the_middle():
    probs = np.array([0.9] * 10 + [0.0] * 8 + [0.9] * 10)
    options = VadOptions(threshold=0.5, min_speech_duration_ms=0, min_silence_duration_ms=100,
                         speech_pad_ms=200)
    first_chunk, second_chunk = speech_timestamps(probs, len(probs) * WINDOW, options)
    assert first_chunk == {"start": 0, "end": 14 * WINDOW}
    assert second_chunk == {"start": 14 * WINDOW, "end": 28 * WINDOW}


# --- SpeechSegmenter -------------------------------------------------------------------------

def test_two_utterances_give_one_start_and_end_each(model, first, second):
    signal = np.concatenate([gap(0.5), first, gap(1.5), second, gap(1.0)])
    segmenter = SpeechSegmenter(lambda: preset("medium"), vad_model=model)
    events: list[VadEvent] = []
    seen: list[tuple[VadEventKind, int, bool]] = []
    for start in range(0, len(signal), 441):
        for event in segmenter.push(AudioChunk(ESPEAK_RATE, signal[start:start + 441])):
            events.append(event)
            seen.append((event.kind, len(segmenter.utterance_audio().samples), segmenter.speaking))
    events += segmenter.finish()
    assert [e.kind for e in events] == [STARTED, ENDED, STARTED, ENDED]
    first_s, second_s = len(first) / ESPEAK_RATE, len(second) / ESPEAK_RATE
    second_start = 0.5 + first_s + 1.5
    assert events[0].at_s == pytest.approx(0.5, abs=0.15)
    assert events[1].at_s == pytest.approx(0.5 + first_s, abs=0.15)
    assert events[1].duration_s == pytest.approx(first_s, abs=0.25)
    assert events[2].at_s == pytest.approx(second_start, abs=0.15)
    assert events[3].duration_s == pytest.approx(second_s, abs=0.25)
    assert all(e.duration_s == 0 and not e.forced for e in events if e.kind is STARTED)
    # audio is kept from SPEECH_ENDED until the next start, and speaking flips with the events
    assert [(kind, has_audio > 0, speaking) for kind, has_audio, speaking in seen] == [
        (STARTED, False, True), (ENDED, True, False), (STARTED, False, True), (ENDED, True, False)]
    assert not segmenter.speaking


def test_utterance_audio_holds_the_speech_with_prefix_padding(model, first):
    signal = np.concatenate([gap(0.5), first, gap(1.2)])
    segmenter = SpeechSegmenter(lambda: preset("quiet"), vad_model=model)
    (started, ended) = run(segmenter, signal)
    audio = segmenter.utterance_audio()
    assert audio.sample_rate == SAMPLE_RATE and audio.samples.dtype == np.int16
    padding = preset("quiet").prefix_padding_s
    expected = ended.duration_s + 2 * padding
    assert audio.seconds == pytest.approx(expected, abs=2 * WINDOW / SAMPLE_RATE)
    # the utterance is the stream itself, from prefix_padding_s before the detected start
    first_sample = round((started.at_s - padding) * SAMPLE_RATE)
    stream16k = resample(signal, ESPEAK_RATE, SAMPLE_RATE)
    assert np.array_equal(audio.samples, stream16k[first_sample:first_sample + len(audio.samples)])
    # Silero reacts a window or two late; the padding still reaches back before the onset
    assert started.at_s - padding <= 0.5
    speech16k = resample(first, ESPEAK_RATE, SAMPLE_RATE)
    def energy(samples: np.ndarray) -> float:
        return float(np.sum(samples.astype(np.float64) ** 2))
    assert energy(audio.samples) > 0.95 * energy(speech16k)  # nearly all the speech energy is kept


@pytest.mark.parametrize("initial,switched_to,utterances", [("noisy", "quiet", 2), ("quiet", "noisy", 1)])
def test_switching_preset_mid_stream_takes_effect(model, first, second, initial, switched_to, utterances):
    """A 0.7 s pause splits under quiet (min_silence 0.6 s) but not under noisy (1.0 s); the preset
    is switched while the first utterance is spoken, on the same segmenter, and the outcome
    follows the new preset, not the one the stream started with."""
    signal = np.concatenate([gap(0.5), first, gap(0.7), second, gap(1.1)])
    current = {"name": initial}
    calls = []

    def getter() -> EnvironmentPreset:
        calls.append(current["name"])
        return preset(current["name"])

    def switch(time_s: float) -> None:
        if time_s >= 1.5:
            current["name"] = switched_to
    segmenter = SpeechSegmenter(getter, vad_model=model)
    events = run(segmenter, signal, on_chunk=switch)
    assert [e.kind for e in events] == [STARTED, ENDED] * utterances
    assert calls[0] == initial and calls[-1] == switched_to
    assert len(calls) >= len(signal) / ESPEAK_RATE * SAMPLE_RATE // WINDOW - 1  # read on every window


def test_48k_stereo_webrtc_frames(model, first):
    signal48k = resample(np.concatenate([gap(0.5), first, gap(1.2)]), ESPEAK_RATE, 48000)
    segmenter = SpeechSegmenter(lambda: preset("medium"), vad_model=model)
    events = []
    for start in range(0, len(signal48k), 960):
        frame = signal48k[start:start + 960]
        events += segmenter.push((48000, np.stack([frame, frame])))   # fastrtc's (channels, n)
    events += segmenter.finish()
    assert [e.kind for e in events] == [STARTED, ENDED]
    assert events[0].at_s == pytest.approx(0.5, abs=0.15)
    assert events[1].duration_s == pytest.approx(len(first) / ESPEAK_RATE, abs=0.25)
    assert segmenter.stream_time_s == pytest.approx(len(signal48k) / 48000, abs=WINDOW / SAMPLE_RATE)


def test_min_speaking_longer_than_the_speech_never_starts(model, second):
    slow = EnvironmentPreset(label="slow", min_silence_s=0.6, threshold=0.3, prefix_padding_s=0.1,
                             min_speaking_s=5.0)
    signal = np.concatenate([gap(0.5), second, gap(1.0)])
    segmenter = SpeechSegmenter(lambda: slow, vad_model=model)
    assert run(segmenter, signal) == []
    assert segmenter.utterance_audio().samples.size == 0


def test_long_utterance_is_cut_at_the_cap(model, first):
    segmenter = SpeechSegmenter(lambda: preset("quiet"), vad_model=model, max_utterance_s=1.0)
    events = run(segmenter, np.concatenate([gap(0.5), first, gap(1.0)]))
    assert events[0].kind is STARTED and events[1].kind is ENDED and events[1].forced
    assert events[1].duration_s == pytest.approx(1.0, abs=WINDOW / SAMPLE_RATE)
    assert segmenter.utterance_audio().seconds <= 1.0 + 2 * 0.1 + WINDOW / SAMPLE_RATE
    assert [e.kind for e in events].count(STARTED) == [e.kind for e in events].count(ENDED)
    with pytest.raises(ValueError):
        SpeechSegmenter(lambda: preset("quiet"), vad_model=model, max_utterance_s=0)


def test_finish_ends_speech_cut_off_mid_utterance_and_reset_forgets(model, first):
    segmenter = SpeechSegmenter(lambda: preset("medium"), vad_model=model)
    signal = np.concatenate([gap(0.5), first[:ESPEAK_RATE]])
    events = run(segmenter, signal)
    assert [e.kind for e in events] == [STARTED, ENDED]
    assert events[1].duration_s == pytest.approx(1.0, abs=0.2)
    assert segmenter.utterance_audio().samples.size > 0
    segmenter.reset()
    assert segmenter.stream_time_s == 0 and not segmenter.speaking
    assert segmenter.utterance_audio().samples.size == 0
    again = run(segmenter, signal)
    assert [(e.kind, e.at_s) for e in again] == [(e.kind, e.at_s) for e in events]
