"""Conversation recordings: two voices on a shared time line, events beside them, bounded memory."""
from __future__ import annotations

import json
import tracemalloc
import wave

import numpy as np
import pytest

from assistant import Session
from assistant.voice.recording import RATE, ConversationRecorder


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def tone(seconds: float, rate: int, level: int = 8000) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * 440 * t)).astype(np.int16)


def read_stereo(path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, RATE)
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2)


def loud(channel: np.ndarray, start_s: float, end_s: float) -> bool:
    part = channel[round(start_s * RATE):round(end_s * RATE)].astype(np.float64)
    return bool(len(part)) and float(np.sqrt(np.mean(part ** 2))) > 1000


def test_each_voice_has_its_channel_and_the_pause_between_them_is_kept():
    clock = Clock()
    recorder = ConversationRecorder("s1", clock=clock)
    for _ in range(50):                       # the visitor speaks for 1 s in 20 ms frames at 16 kHz
        clock.now += 0.02
        recorder.add_audio("visitor", tone(0.02, 16000), 16000)
    clock.now += 1.5                          # 1.5 s of thinking
    recorder.add_audio("assistant", tone(2.0, 24000), 24000, starts_now=True)
    wav_path, json_path = recorder.export()
    stereo = read_stereo(wav_path)
    left, right = stereo[:, 0], stereo[:, 1]
    assert len(stereo) == pytest.approx(4.5 * RATE, abs=RATE * 0.01)
    assert loud(left, 0.05, 1.0) and not loud(left, 1.1, 4.4)
    assert not loud(right, 0.0, 2.45) and loud(right, 2.55, 4.45)
    summary = json.loads(json_path.read_text(encoding="utf-8"))
    assert summary["channels"] == {"left": "visitor", "right": "assistant"} and summary["sample_rate"] == RATE
    recorder.close()


def test_frames_with_arrival_jitter_stay_continuous_and_a_real_gap_stays_a_gap():
    clock = Clock()
    recorder = ConversationRecorder("s2", clock=clock)
    for jitter in [0.01, 0.035, 0.025, 0.01] * 10:   # 20 ms frames arriving unevenly, in real time on average
        clock.now += jitter
        recorder.add_audio("visitor", tone(0.02, RATE), RATE)
    continuous = recorder.seconds
    assert continuous == pytest.approx(40 * 0.02, abs=0.001)
    clock.now += 2.0
    recorder.add_audio("visitor", tone(0.02, RATE), RATE)
    assert recorder.seconds == pytest.approx(clock.now - 100.0, abs=0.001)
    recorder.close()


def test_audio_past_the_limit_is_dropped_and_the_export_says_so():
    clock = Clock()
    recorder = ConversationRecorder("s3", max_seconds=1.0, clock=clock)
    recorder.add_audio("assistant", tone(3.0, RATE), RATE, starts_now=True)
    wav_path, json_path = recorder.export()
    assert len(read_stereo(wav_path)) == RATE
    assert json.loads(json_path.read_text())["dropped_seconds"]["assistant"] == pytest.approx(2.0)
    recorder.close()


async def test_a_session_records_its_events_without_audio_samples():
    session = Session("es", llm=None, voices=None)
    session.recorder = ConversationRecorder(session.id)
    events = [e async for e in session.handle_text("de Madrid a Londres mañana")]
    _wav, json_path = session.recorder.export()
    recorded = json.loads(json_path.read_text(encoding="utf-8"))["events"]
    assert [e["seq"] for e in recorded] == [e.seq for e in events]
    assert recorded[0]["type"] == "user_transcript" and recorded[0]["text"] == "de Madrid a Londres mañana"
    assert all("samples" not in e for e in recorded)
    folder = session.recorder.folder
    session.recorder.close()
    assert not folder.exists()


def test_nothing_recorded_means_no_files():
    recorder = ConversationRecorder("s4")
    assert recorder.export() is None and recorder.folder is None


def test_a_long_recording_keeps_memory_flat():
    clock = Clock()
    recorder = ConversationRecorder("s5", max_seconds=900, clock=clock)
    frame = tone(0.02, RATE)
    tracemalloc.start()
    for _ in range(15_000):                   # 5 minutes of 20 ms frames on both channels
        clock.now += 0.02
        recorder.add_audio("visitor", frame, RATE)
        recorder.add_audio("assistant", frame, RATE)
    _current, peak_adding = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    wav_path, _json = recorder.export()
    _current, peak_export = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size_mb = wav_path.stat().st_size / 1e6
    assert size_mb > 50                       # 5 min of 48 kHz stereo int16 is ~57.6 MB on disk ...
    assert peak_adding < 2e6 and peak_export < 2e6   # ... and never in memory
    recorder.close()


def test_recordings_hold_no_open_files_between_writes():
    import os

    before = len(os.listdir("/proc/self/fd"))
    recorders = [ConversationRecorder(f"fd{n}") for n in range(50)]
    for recorder in recorders:
        recorder.add_audio("visitor", tone(0.5, RATE), RATE)
    assert len(os.listdir("/proc/self/fd")) <= before + 2
    for recorder in recorders:
        recorder.close()


async def test_the_session_log_keeps_audio_lengths_but_not_samples():
    from assistant.providers.espeak_tts import EspeakTTS
    from assistant.voice.voices import Voices

    session = Session("en", llm=None, voices=Voices(None, EspeakTTS()))
    played = [e async for e in session.handle_text("hello") if e.type.value == "audio"]
    logged = [e for e in session.events if e.type.value == "audio"]
    assert played and len(played[0].samples) > 1000, "consumers still get the voice"
    assert [len(e.samples) for e in logged] == [0] * len(logged)
    assert [e.n_samples for e in logged] == [len(e.samples) for e in played]
