"""The batched VAD (one Silero inference per tick for every live stream) against the per-stream path,
on real (espeak-ng) speech: same speech segments, each stream its own recurrent state, streams that
leave mid-batch, backlogs, live preset switching. No timing is asserted."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import threading

import numpy as np
import pytest

from assistant.voice.audio import resample
from assistant.providers.base import AudioChunk
from assistant.settings import EnvironmentPreset, environment_presets
from assistant.voice.vad import SAMPLE_RATE, WINDOW, SileroVad, SpeechSegmenter, VadEventKind
from assistant.voice.batched_vad import BatchedVad, SileroOnnx, VadSlot, shared_model
from tests.conftest import ROOT
from tests.speech_audio import speech

RATE = 48000
STARTED, ENDED = VadEventKind.SPEECH_STARTED, VadEventKind.SPEECH_ENDED


def preset(name: str) -> EnvironmentPreset:
    return environment_presets()[name]


def chunks(signal: np.ndarray, rate: int = RATE) -> list[AudioChunk]:
    step = rate // 50   # 20 ms, as WebRTC sends them
    return [AudioChunk(rate, signal[i:i + step]) for i in range(0, len(signal), step)]


@pytest.fixture(scope="module")
def clips() -> list[np.ndarray]:
    """Three different streams: two utterances, one, and one that starts late."""
    two = np.concatenate([speech("Find me a flight from Madrid to London tomorrow", tail_s=1.4),
                          speech("I want to fly to Tokyo on Friday", lead_s=0.0)])
    return [two, speech("hello there"), np.concatenate([np.zeros(RATE, np.int16), speech("And to Rome?")])]


def alone(signal: np.ndarray, name: str = "medium") -> tuple[list, SpeechSegmenter]:
    """The per-stream path: the segmenter's own Silero state, batch 1, on this thread."""
    segmenter = SpeechSegmenter(lambda: preset(name), vad_model=SileroVad())
    events = [event for chunk in chunks(signal) for event in segmenter.push(chunk)]
    return events, segmenter


class BatchedStream:
    """A segmenter whose windows go through a `BatchedVad`, as a `VoiceChannel` feeds it."""

    def __init__(self, vad: BatchedVad, getter=lambda: preset("medium")) -> None:
        self.segmenter = SpeechSegmenter(getter)
        self.events: list = []
        self.probabilities: list[float] = []
        self.slot: VadSlot = vad.open(self._result)

    def _result(self, window: np.ndarray, probability: float) -> None:
        self.probabilities.append(probability)
        self.events += self.segmenter.step(window, probability)

    def push(self, chunk: AudioChunk) -> None:
        for window in self.segmenter.windows(chunk):
            self.slot.submit(window)


async def run_together(vad: BatchedVad, signals: list[np.ndarray], getters=None) -> list[BatchedStream]:
    """Every stream sends its next 20 ms frame, then the loop turns once (ticks run in between)."""
    streams = [BatchedStream(vad, *([getters[i]] if getters else [])) for i in range(len(signals))]
    frames = [chunks(signal) for signal in signals]
    for index in range(max(map(len, frames))):
        for stream, own in zip(streams, frames):
            if index < len(own):
                stream.push(own[index])
        await asyncio.sleep(0)
    for stream in streams:
        await stream.slot.settled()
    return streams


def summary(events: list) -> list[tuple]:
    return [(e.kind, round(e.at_s, 3), round(e.duration_s, 3), e.forced) for e in events]


async def test_batched_and_per_stream_vad_give_the_same_speech_segments(clips):
    (stream,) = await run_together(BatchedVad(), clips[:1])
    expected, segmenter = alone(clips[0])
    assert [e.kind for e in expected] == [STARTED, ENDED, STARTED, ENDED]
    assert summary(stream.events) == summary(expected)
    assert np.array_equal(stream.segmenter.utterance_audio().samples, segmenter.utterance_audio().samples)
    speech16k = resample(clips[0], RATE, SAMPLE_RATE)
    reference = SileroVad().probabilities(speech16k)
    assert np.allclose(stream.probabilities, reference[:len(stream.probabilities)], atol=1e-5)


async def test_streams_in_one_batch_keep_their_own_state(clips):
    vad = BatchedVad()
    streams = await run_together(vad, clips)
    for stream, signal in zip(streams, clips):
        assert summary(stream.events) == summary(alone(signal)[0])
    stats = vad.stats()
    assert stats.windows == sum(len(s.probabilities) for s in streams)
    assert stats.batches < stats.windows / 2, "windows of different streams shared model calls"


async def test_a_backlog_is_delivered_in_order_in_one_hop(clips):
    vad = BatchedVad()
    stream = BatchedStream(vad)
    for chunk in chunks(clips[1]):   # the whole clip at once, as frames that arrived late
        stream.push(chunk)
    await stream.slot.settled()
    assert vad.stats().batches == 1
    assert summary(stream.events) == summary(alone(clips[1])[0])


class GatedModel(SileroOnnx):
    """The real model, whose calls wait until the test opens the gate (a batch held in flight)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate, self.entered = threading.Event(), threading.Event()

    def run(self, inputs, state):
        self.entered.set()
        self.gate.wait(10)
        return super().run(inputs, state)


async def test_a_stream_leaving_mid_batch_is_not_delivered_and_its_row_starts_fresh(clips):
    model = GatedModel()
    vad = BatchedVad(model)
    staying, leaving = BatchedStream(vad), BatchedStream(vad)
    first = chunks(clips[0])
    for chunk in first[:40]:
        staying.push(chunk)
        leaving.push(chunk)
    await asyncio.sleep(0)
    await asyncio.get_running_loop().run_in_executor(None, model.entered.wait, 10)   # the batch is in flight
    delivered_before = len(leaving.probabilities)
    leaving.slot.close()
    newcomer = BatchedStream(vad)                    # takes the row the leaver had
    assert newcomer.slot.row == leaving.slot.row
    model.gate.set()
    for chunk in first[40:]:
        staying.push(chunk)
    for chunk in chunks(clips[1]):
        newcomer.push(chunk)
    await staying.slot.settled()
    await newcomer.slot.settled()
    assert len(leaving.probabilities) == delivered_before == 0
    assert not leaving.slot.busy
    assert summary(staying.events) == summary(alone(clips[0])[0])
    assert summary(newcomer.events) == summary(alone(clips[1])[0]), "no state left over from the leaver"
    leaving.slot.submit(np.zeros(WINDOW, np.int16))   # a closed slot ignores late windows
    assert not leaving.slot.busy


@pytest.mark.parametrize("initial,switched_to,utterances", [("noisy", "quiet", 2), ("quiet", "noisy", 1)])
async def test_preset_switching_mid_stream_takes_effect_in_the_batched_path(initial, switched_to, utterances):
    """As tests/unit/test_vad.py: a 0.7 s pause splits under quiet but not under noisy; the preset
    changes while the first utterance is spoken, with other streams in the same batches."""
    signal = np.concatenate([speech("Find me a flight from Madrid to London tomorrow", tail_s=0.7),
                             speech("I want to fly to Tokyo on Friday", lead_s=0.0, tail_s=1.1)])
    current = {"name": initial}
    calls: list[str] = []

    def getter() -> EnvironmentPreset:
        calls.append(current["name"])
        return preset(current["name"])

    vad = BatchedVad()
    switching = BatchedStream(vad, getter)
    others = [BatchedStream(vad) for _ in range(3)]
    for index, chunk in enumerate(chunks(signal)):
        if index * 0.02 >= 1.5:
            current["name"] = switched_to
        for stream in (switching, *others):
            stream.push(chunk)
        await switching.slot.settled()   # paced as a live microphone: the switch lands at its audio time
    assert [e.kind for e in switching.events] == [STARTED, ENDED] * utterances
    assert calls[0] == initial and calls[-1] == switched_to
    assert len(calls) == len(switching.probabilities), "the preset is read on every window"


async def test_slots_of_an_earlier_event_loop_are_dropped():
    vad = BatchedVad()

    def old_loop() -> VadSlot:
        async def submit() -> VadSlot:
            slot = vad.open(lambda window, probability: None)
            slot.submit(np.zeros(WINDOW, np.int16))
            return slot
        return asyncio.run(submit())   # that loop ends with the window still waiting

    stale = await asyncio.get_running_loop().run_in_executor(None, old_loop)
    fresh = BatchedStream(vad)
    fresh.push(AudioChunk(SAMPLE_RATE, np.zeros(WINDOW, np.int16)))
    await fresh.slot.settled()
    assert stale.closed and vad.open_streams == 1 and len(fresh.probabilities) == 1


def test_importing_the_vad_loads_no_model():
    """Cold start: onnxruntime and the model load with the first stream, not at import."""
    code = ("import sys, assistant.voice.vad, assistant.voice; "
            "print('onnxruntime' in sys.modules, not assistant.voice.batched_vad.shared_model().loaded)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.stdout.split() == ["False", "True"], out.stderr[-500:]


def test_the_shared_model_comes_from_the_installed_wheel():
    model = shared_model()
    model.load()
    probs, state = model.run(np.zeros((3, 576), np.float32), np.zeros((2, 3, 128), np.float32))
    assert probs.shape == (3,) and state.shape == (2, 3, 128) and probs.max() < 0.1
