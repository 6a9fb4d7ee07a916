"""The voice engine end to end: speech audio -> VAD + Deepgram (fake) -> turn -> text, then audio.

Real SDK clients talk to the local fakes; the speech is real audio made offline by espeak-ng.
"""
from __future__ import annotations

import asyncio

import pytest

from assistant import EventType, Session
from assistant.providers.base import VoiceOptions
from assistant.providers.cartesia_tts import CartesiaTTS
from assistant.providers.deepgram_stt import DeepgramSTT
from assistant.providers.espeak_tts import EspeakTTS
from assistant.providers.openai_llm import OpenAILLM
from assistant.voice import VoiceChannel
from assistant.voice.voices import Voices
from tests.conftest import TODAY
from tests.speech_audio import frames, speech

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
REQUEST = "from Madrid to London tomorrow"


async def feed(channel: VoiceChannel, samples) -> None:
    """Stream `samples` as 20 ms frames, then wait for the batched VAD to answer for the last one."""
    for frame in frames(samples):
        await channel.receive(frame)
        await asyncio.sleep(0)
    await channel.vad_settled()


async def collect(channel: VoiceChannel, until: EventType, timeout: float = 10.0) -> list:
    """Outputs in order ('frame' for audio) until an event of type `until` (inclusive)."""
    items = []
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        item = await channel.next_output(0.2)
        if item is None:
            continue
        items.append(("frame", item[1]) if isinstance(item, tuple) else item)
        if not isinstance(item, tuple) and item.type == until:
            return items
    raise AssertionError(f"no {until.value} within {timeout} s; got {[getattr(i, 'type', i) for i in items]}")


def events_of(items, kind: EventType) -> list:
    return [i for i in items if not isinstance(i, tuple) and i.type == kind]


def frame_positions(items) -> list[int]:
    return [n for n, i in enumerate(items) if isinstance(i, tuple)]


@pytest.fixture
def offline_voices():
    return Voices(None, EspeakTTS())


def stt_for(fake) -> DeepgramSTT:
    return DeepgramSTT(fake.api_key, base_url=fake.url)


async def test_spoken_request_gets_text_then_audio(fake_deepgram, offline_voices):
    fake_deepgram.script = [REQUEST]
    session = Session("en", today=TODAY, llm=None, voices=offline_voices)
    channel = VoiceChannel(session, stt_for(fake_deepgram))
    await channel.start()
    await feed(channel, speech(REQUEST))
    items = await collect(channel, EventType.TURN_METRICS)
    await channel.close()

    interim = [e for e in events_of(items, EventType.USER_TRANSCRIPT) if not e.final]
    final = [e for e in events_of(items, EventType.USER_TRANSCRIPT) if e.final]
    assert interim and final and final[0].text == REQUEST and final[0].source == "voice"
    vad = [e.kind for e in events_of(items, EventType.VAD)]
    assert vad[:2] == ["speech_started", "speech_ended"]
    call = events_of(items, EventType.TOOL_CALL)[0]
    assert (call.arguments["origin"], call.arguments["destination"]) == ("MAD", "LON")
    reply_at = items.index(events_of(items, EventType.PRE_SPEECH_TEXT)[0])
    assert frame_positions(items) and min(frame_positions(items)) > reply_at, "text strictly before audio"
    metrics = events_of(items, EventType.TURN_METRICS)[0]
    assert metrics.providers["speech_to_text"] == "deepgram" and metrics.providers["voice"] == "espeak"
    for stage in ("stt_final", "tool_start", "tool_end", "tts_first_byte", "first_audio_out"):
        assert stage in metrics.stages_ms
    assert metrics.stages_ms["first_audio_out"] >= metrics.stages_ms["tts_first_byte"]
    seqs = [i.seq for i in items if not isinstance(i, tuple)]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), "every event once, in order"


async def test_one_stt_connection_serves_every_turn(fake_deepgram, offline_voices):
    fake_deepgram.script = ["hello", REQUEST]
    session = Session("en", today=TODAY, llm=None, voices=offline_voices)
    channel = VoiceChannel(session, stt_for(fake_deepgram))
    await channel.start()
    for _ in range(2):
        await feed(channel, speech("hello there" if _ == 0 else REQUEST))
        await collect(channel, EventType.TURN_METRICS)
    await channel.close()
    assert fake_deepgram.connections == 1
    assert session.current_turn == 2


async def test_speech_while_answering_interrupts_and_cancels_the_turn(fake_deepgram, offline_voices):
    fake_deepgram.script = [REQUEST, "stop"]
    session = Session("en", today=TODAY, llm=None, voices=offline_voices)
    interrupted = []
    channel = VoiceChannel(session, stt_for(fake_deepgram), on_interrupt=lambda: interrupted.append(True))
    await channel.start()
    await feed(channel, speech(REQUEST))
    items = await collect(channel, EventType.PRE_SPEECH_TEXT)
    first_turn = items[-1].turn
    assert channel.assistant_busy
    await feed(channel, speech("stop", lead_s=0.0, tail_s=0.3))
    assert interrupted, "the player was told to drop its queued audio"
    rest = []
    while (item := await channel.next_output(0.3)) is not None:
        rest.append(item)
    states = [e for e in rest if not isinstance(e, tuple) and e.type == EventType.STATE and e.state == "interrupted"]
    assert states and f"turn {first_turn}" in states[0].detail
    metrics = [e for e in rest if not isinstance(e, tuple) and e.type == EventType.TURN_METRICS and e.turn == first_turn]
    assert all(m.interrupted for m in metrics)
    next_reply = next(n for n, e in enumerate(rest) if not isinstance(e, tuple) and e.type == EventType.PRE_SPEECH_TEXT)
    assert not [e for e in rest[:next_reply] if isinstance(e, tuple)], "no audio of the interrupted turn is played"
    await channel.close()
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()
                and "assistant" in repr(t.get_coro())]
    assert not leftover


async def test_with_interruptions_off_user_audio_is_discarded_while_answering(fake_deepgram, offline_voices):
    fake_deepgram.script = [REQUEST]
    session = Session("en", today=TODAY, llm=None, voices=offline_voices, interruptions=False)
    channel = VoiceChannel(session, stt_for(fake_deepgram))
    await channel.start()
    await feed(channel, speech(REQUEST))
    await collect(channel, EventType.PRE_SPEECH_TEXT)
    starts_before = len([e for e in session.events if e.type == EventType.VAD])
    await feed(channel, speech("wait a moment", lead_s=0.0, tail_s=0.2))
    assert channel.discarded_s > 0.5
    assert len([e for e in session.events if e.type == EventType.VAD]) == starts_before
    items = await collect(channel, EventType.TURN_METRICS)
    assert not events_of(items, EventType.STATE) or all(e.state != "interrupted" for e in events_of(items, EventType.STATE))
    await channel.close()


async def test_without_a_deepgram_key_the_vad_still_reports_speech(offline_voices):
    session = Session("en", today=TODAY, llm=None, voices=offline_voices)
    channel = VoiceChannel(session, None)
    await channel.start()
    await feed(channel, speech(REQUEST))
    items = []
    while (item := await channel.next_output(0.2)) is not None:
        items.append(item)
    notice = events_of(items, EventType.NOTICE)[0]
    assert "DEEPGRAM_API_KEY" in notice.text and "type instead" in notice.text
    ended = [e for e in events_of(items, EventType.VAD) if e.kind == "speech_ended"]
    assert len(ended) == 1 and 1.0 < ended[0].duration_s < 4.0
    assert not events_of(items, EventType.USER_TRANSCRIPT)


async def test_bad_audio_frames_give_one_clear_message(offline_voices):
    import numpy as np

    channel = VoiceChannel(Session("en", llm=None, voices=offline_voices), None)
    for frame in [(0, np.zeros(10)), (48000, np.array(["a"])), (48000, np.zeros((2, 2, 2))), (0, np.zeros(10))]:
        await channel.receive(frame)
    await channel.receive((48000, np.array([np.nan, np.inf], dtype=np.float64)))
    errors = [e for e in channel.session.events if e.type == EventType.ERROR]
    assert len(errors) == 3 and {e.stage for e in errors} == {"input"}


async def test_llm_turn_streams_sentences_through_the_flight_tool(closing, fake_openai, offline_voices):
    fake_openai.tool_call = {"origin": "Madrid", "destination": "LHR", "date": "2026-11-22", "airline": None}
    fake_openai.reply_text = "I found six flights. The first leaves at 08:10 for €124. Shall I book it?"
    llm = closing(OpenAILLM(fake_openai.api_key, model="gpt-4o-mini", base_url=fake_openai.base_url))
    session = Session("en", today=TODAY, llm=llm, voices=offline_voices)
    events = [e async for e in session.handle_text(REQUEST)]
    kinds = [e.type for e in events]
    call = events[kinds.index(EventType.TOOL_CALL)]
    assert call.arguments == {"origin": "MAD", "destination": "LHR", "date": "2026-11-22", "airline": None}
    partial = [e for e in events if e.type == EventType.PRE_SPEECH_TEXT and not e.final]
    assert [p.chat_markdown for p in partial][-1] == fake_openai.reply_text and len(partial) == 3
    for sentence in range(3):   # each sentence's text is out before its audio
        text_at = events.index(partial[sentence])
        audio_at = next(n for n, e in enumerate(events) if e.type == EventType.AUDIO and e.sentence == sentence)
        assert text_at < audio_at
    assert "€" not in partial[1].speech_text and "eight ten" in partial[1].speech_text
    metrics = events[-1]
    assert metrics.providers["assistant"] == "openai" and "llm_first_token" in metrics.stages_ms
    tool_message = fake_openai.requests[1]["messages"][-1]
    assert tool_message["role"] == "tool" and '"source": "demo"' in tool_message["content"]
    assert "English" in fake_openai.requests[0]["messages"][0]["content"]


@pytest.mark.parametrize("fault", ["timeout", "rate_limit_429", "server_error_500", "malformed"])
async def test_llm_failure_hands_the_turn_to_the_offline_agent(closing, fake_openai, offline_voices, fault):
    fake_openai.fault = fault
    llm = closing(OpenAILLM(fake_openai.api_key, model="m", base_url=fake_openai.base_url, options=VoiceOptions(timeout_s=1.0)))
    session = Session("es", today=TODAY, llm=llm, voices=offline_voices)
    session.agent.timeout_s = 1.0
    events = [e async for e in session.handle_text("de Madrid a Londres mañana")]
    fallback = [e for e in events if e.type == EventType.PROVIDER_FALLBACK]
    assert len(fallback) == 1 and fallback[0].stage == "assistant" and fallback[0].used == "offline"
    assert events[0].type == EventType.USER_TRANSCRIPT and events[0].text == "de Madrid a Londres mañana"
    reply = [e for e in events if e.type == EventType.PRE_SPEECH_TEXT][-1]
    assert "Londres" in reply.chat_markdown
    assert events[-1].providers["assistant"] == "offline (fallback)"
    assert any(e.type == EventType.AUDIO for e in events)


async def test_cartesia_voice_and_its_fallback_to_the_offline_voice(closing, fake_cartesia):
    cloud = closing(CartesiaTTS(fake_cartesia.api_key, base_url=fake_cartesia.url, options=VoiceOptions(timeout_s=1.0)))
    session = Session("en", today=TODAY, llm=None, voices=Voices(cloud, EspeakTTS()))
    healthy = [e async for e in session.handle_text("hello")]
    assert {e.provider for e in healthy if e.type == EventType.AUDIO} == {"cartesia"}
    assert healthy[-1].providers["voice"] == "cartesia"

    fake_cartesia.fault = "server_error_500"
    broken = [e async for e in session.handle_text("hello")]
    fallback = [e for e in broken if e.type == EventType.PROVIDER_FALLBACK]
    assert len(fallback) == 1 and fallback[0].stage == "voice" and "server_error" in fallback[0].reason
    assert {e.provider for e in broken if e.type == EventType.AUDIO} == {"espeak"}
    assert broken[-1].providers["voice"] == "espeak (fallback)"


async def test_a_dropped_stt_connection_reconnects_and_the_next_turn_works(fake_deepgram, offline_voices, monkeypatch):
    fake_deepgram.fault = "drop_after_first_result"
    fake_deepgram.script = ["hello", REQUEST]
    session = Session("en", today=TODAY, llm=None, voices=offline_voices)
    channel = VoiceChannel(session, stt_for(fake_deepgram))
    await channel.start()
    await feed(channel, speech("hello there"))
    for _ in range(30):   # the drop is noticed and a new connection opened
        if fake_deepgram.connections >= 2 and channel.transcriber.connected:
            break
        await asyncio.sleep(0.1)
    fake_deepgram.fault = None
    # The first turn may still be answering (or be replayed from the reconnect buffer) on a slow
    # machine, so wait for the request's tool call rather than the next turn_metrics.
    fake_deepgram.script, fake_deepgram.default_transcript = [REQUEST], REQUEST
    await feed(channel, speech(REQUEST))
    items = await collect(channel, EventType.TOOL_CALL, timeout=15.0)
    await channel.close()
    states = [e.state for e in session.events if e.type == EventType.STATE]
    assert "stt_dropped" in states and states.count("stt_connected") >= 2
    assert events_of(items, EventType.TOOL_CALL)[0].arguments["destination"] == "LON"


async def test_an_idle_stream_sends_keep_alives(fake_deepgram, offline_voices, monkeypatch):
    from assistant import settings

    monkeypatch.setattr(settings.voice_settings(), "__dict__", {**settings.voice_settings().__dict__})
    session = Session("en", today=TODAY, llm=None, voices=offline_voices)
    channel = VoiceChannel(session, stt_for(fake_deepgram))
    await channel.start()
    channel.transcriber.keepalive_s = 0.2
    await asyncio.sleep(0.8)
    await channel.close()
    assert fake_deepgram.keepalives >= 2 and fake_deepgram.connections == 1


async def test_toggling_interruptions_is_said_in_the_session_language(offline_voices):
    session = Session("es", today=TODAY, llm=None, voices=offline_voices)
    channel = VoiceChannel(session, None)
    await channel.set_interruptions(False)
    items = []
    while (item := await channel.next_output(0.3)) is not None:
        items.append(item)
    assert session.interruptions is False
    state = events_of(items, EventType.STATE)[0]
    reply = events_of(items, EventType.PRE_SPEECH_TEXT)[0]
    assert state.state == "interruptions_off" and reply.speech_text == state.detail
    assert "interrupciones están desactivadas" in reply.speech_text
    assert frame_positions(items) and min(frame_positions(items)) > items.index(reply)


async def test_a_voice_conversation_is_recorded_visitor_left_assistant_right(fake_deepgram, offline_voices):
    import json
    import wave

    import numpy as np

    from assistant.voice.recording import RATE, ConversationRecorder

    fake_deepgram.script = [REQUEST]
    session = Session("en", today=TODAY, llm=None, voices=offline_voices)
    session.recorder = ConversationRecorder(session.id)
    channel = VoiceChannel(session, stt_for(fake_deepgram))
    await channel.start()
    said = speech(REQUEST)
    for frame in frames(said):   # the microphone runs in real time, so the recording's clock moves
        await channel.receive(frame)
        await asyncio.sleep(0.02)
    fed_until = session.recorder.clock() - session.recorder.started
    items = await collect(channel, EventType.TURN_METRICS)
    while await channel.next_output(0.2) is not None:   # the rest of the reply's frames are played
        pass
    await channel.close()
    wav_path, json_path = session.recorder.export()
    with wave.open(str(wav_path)) as wav:
        stereo = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2).astype(np.float64)
    left_loud = np.flatnonzero(np.abs(stereo[:, 0]) > 2000) / RATE
    right_loud = np.flatnonzero(np.abs(stereo[:, 1]) > 2000) / RATE
    assert left_loud.size and left_loud.max() <= fed_until, "the visitor's words, on the left"
    assert right_loud.size and right_loud.min() >= left_loud.max(), "the answer comes after, on the right"
    recorded = json.loads(json_path.read_text(encoding="utf-8"))["events"]
    assert {"user_transcript", "tool_call", "turn_metrics"} <= {e["type"] for e in recorded}
    assert len(events_of(items, EventType.TOOL_CALL)) == 1
    session.recorder.close()
