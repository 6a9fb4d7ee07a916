"""Malformed audio into the voice path: `VoiceChannel.receive` and fastrtc's `ConsoleStreamHandler`.

Each kind of frame is sent 50 times in a row (one second of a stream): nothing may raise, every
`error` event has stage `input`, there is at most one per kind of problem (exactly one when the
frame cannot be used at all), and the channel still takes a good frame afterwards. Frames that are
unusual but usable (int32, float64, stereo in either layout, 8 / 44.1 / 96 kHz) are converted.
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from assistant import EventType
from assistant.voice.audio import AudioInputError, normalize_frame
from assistant.voice import VoiceChannel
from demo.sessions import ConversationStore
from tests.conftest import ROOT
from tests.speech_audio import speech

from .conftest import REQUEST, feed, of_type, outputs_until, silent_session

RATE = 48000


def tone(rate: int, amplitude: float = 0.01) -> np.ndarray:
    """20 ms of 440 Hz as int16. The bad frames are quiet (RMS ~230) so the fake Deepgram never
    takes them for speech: only the real speech afterwards may make an utterance."""
    t = np.arange(rate // 50) / rate
    return (amplitude * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)


TONE = tone(RATE) / 32768.0                                   # the same 20 ms as float64 -1..1
GOOD_FRAME = (RATE, tone(RATE, 0.5).reshape(1, -1))            # loud: the level meter moves


USABLE = {   # odd but valid: converted, at most one note
    "empty": (RATE, np.zeros(0, np.int16)),
    "one_sample": (RATE, np.array([1200], np.int16)),
    "int32": (RATE, (TONE * 2**31 * 0.99).astype(np.int32)),
    "float64": (RATE, TONE),
    "nan_inf": (RATE, np.where(np.arange(len(TONE)) % 3 == 0, np.nan, np.where(TONE > 0, np.inf, -np.inf))),
    "stereo_channels_first": (RATE, np.stack([TONE, -TONE]).astype(np.float32)),
    "stereo_channels_last": (RATE, np.stack([tone(RATE), tone(RATE)], axis=1)),
    "rate_8k": (8000, tone(8000)),
    "rate_44k1": (44100, tone(44100)),
    "rate_96k": (96000, tone(96000)),
}
UNUSABLE = {   # cannot be used at all: exactly one clear message
    "zero_rate": (0, tone(RATE)),
    "negative_rate": (-48000, tone(RATE)),
    "absurd_rate": (10**9, tone(RATE)),
    "float_rate": (48000.5, tone(RATE)),
    "bool_rate": (True, tone(RATE)),
    "strings": (RATE, np.array(["a", "b"])),
    "complex": (RATE, TONE.astype(np.complex64)),
    "three_dimensions": (RATE, np.zeros((2, 2, 240), np.int16)),
    "ragged_list": (RATE, [[1, 2], [3]]),
    "bare_array": np.zeros(960, np.int16),
    "none": None,
    "triple": (RATE, tone(RATE), "extra"),
}


def input_errors(session) -> list:
    return of_type(session.events, EventType.ERROR)


@pytest.mark.parametrize("kind", [*USABLE, *UNUSABLE])
async def test_malformed_frames_are_reported_once_and_the_channel_goes_on(kind):
    frame = {**USABLE, **UNUSABLE}[kind]
    session = silent_session()
    channel = VoiceChannel(session, None)
    await channel.start()
    for _ in range(50):
        await channel.receive(frame)
    errors = input_errors(session)
    assert {e.stage for e in errors} <= {"input"}
    assert len(errors) == 1 if kind in UNUSABLE else len(errors) <= 1, [e.detail for e in errors]
    for error in errors:
        assert error.message and 0 < len(error.detail) <= 160
    await channel.receive(GOOD_FRAME)   # a good frame still reaches the level meter
    assert channel.level > 0.3
    assert len(input_errors(session)) == len(errors)
    await channel.close()


async def test_after_every_kind_of_bad_frame_speech_still_makes_a_turn(fake_deepgram):
    from assistant.providers.deepgram_stt import DeepgramSTT

    fake_deepgram.script = [REQUEST]
    session = silent_session()
    channel = VoiceChannel(session, DeepgramSTT(fake_deepgram.api_key, base_url=fake_deepgram.url))
    await channel.start()
    for frame in [*USABLE.values(), *UNUSABLE.values()] * 3:   # interleaved, rate changes included
        await channel.receive(frame)
    await feed(channel, speech(REQUEST))
    items = await outputs_until(channel, lambda e: e.type == EventType.TURN_METRICS)
    await channel.close()
    final = [e for e in of_type(items, EventType.USER_TRANSCRIPT) if e.final]
    assert final and final[0].text == REQUEST
    assert of_type(items, EventType.TOOL_CALL)[0].arguments["destination"] == "LON"
    vad = [e.kind for e in of_type(session.events, EventType.VAD)]
    assert vad[:2] == ["speech_started", "speech_ended"]
    expected = set()
    for frame in UNUSABLE.values():
        with pytest.raises(AudioInputError) as caught:
            normalize_frame(frame)
        expected.add(str(caught.value)[:160])
    assert sorted(e.detail for e in input_errors(session)) == sorted(expected), "one message per kind"


async def test_the_fastrtc_stream_handler_takes_bad_frames(monkeypatch):
    from demo import voice_stream

    store = ConversationStore()
    monkeypatch.setattr(voice_stream, "conversations", lambda: store)   # not the process-wide store
    handler = voice_stream.ConsoleStreamHandler()
    handler.set_args(["__webrtc_value__", "visitor-audio-fuzz"])       # what the page sends
    await handler.start_up()
    conversation = store.get("visitor-audio-fuzz")
    assert conversation is not None and conversation.channel is handler.voice
    for frame in [*USABLE.values(), *UNUSABLE.values()] * 2:
        await handler.receive(frame)
    await feed(handler, speech("hello there"))
    kinds, loop = [], asyncio.get_running_loop()
    deadline = loop.time() + 10
    while kinds.count("vad") < 2 and loop.time() < deadline:   # speech started, then ended
        out = await handler.emit()
        if out is not None and not isinstance(out, tuple):
            kinds.append(out.args[-1])   # AdditionalOutputs(visitor id, event kind)
    errors = input_errors(conversation.session)
    assert errors and {e.stage for e in errors} == {"input"}
    assert len(errors) == len({e.detail for e in errors}), "every frame kind was sent twice: one message"
    assert "error" in kinds and kinds.count("vad") == 2, kinds
    before = asyncio.all_tasks()
    handler.shutdown()   # closes the channel in a task of its own: wait for it
    await asyncio.gather(*(asyncio.all_tasks() - before))
    assert conversation.channel is None


def test_ten_minutes_in_one_chunk_is_refused_quickly():
    # A subprocess, so a blocked call can be stopped at the limit instead of burning 30 s of CPU;
    # the limit starts once the imports are done ("ready").
    script = textwrap.dedent("""
        import asyncio, json, numpy as np
        from assistant import EventType, Session
        from assistant.voice import VoiceChannel
        async def main():
            session = Session("en", llm=None, voices=None)
            channel = VoiceChannel(session, None)
            await channel.receive((48000, np.zeros(960, np.float32)))   # warm up the VAD
            print("ready", flush=True)
            await channel.receive((48000, np.zeros(48000 * 600, np.float32)))
            await channel.receive((48000, np.full(960, 0.5, np.float32)))
            print(json.dumps({"errors": [e.stage for e in session.events if e.type == EventType.ERROR],
                              "level": channel.level}))
        asyncio.run(main())
    """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout.readline().strip() == "ready"
        out, err = process.communicate(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("receive() of a 10-minute chunk was still running after 3 s (the event loop is blocked)")
    assert process.returncode == 0, err[-2000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["errors"] == ["input"] and report["level"] > 0.3
