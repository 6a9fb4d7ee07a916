"""Every provider x every network fault: the turn completes through the fallback, says why, and
keeps the user's words.

Real SDK adapters (`assistant/providers/`, `flight_search/providers/`) talk to the local fakes.
Timeouts are cut to fractions of a second so the matrix stays fast. "slow_drip" means every chunk
arrives on time for a per-chunk timeout while the whole reply takes longer than the timeout.
STT faults are judged differently: the channel reports the failure and reconnects (or says voice
input is unavailable), and typed text still works.
"""
from __future__ import annotations

import pytest

from assistant import EventType, Session
from assistant.providers.base import VoiceOptions
from assistant.providers.cartesia_tts import CartesiaTTS
from assistant.providers.deepgram_stt import DeepgramSTT
from assistant.providers.espeak_tts import EspeakTTS
from assistant.providers.openai_llm import OpenAILLM
from assistant.settings import voice_settings
from assistant.voice import VoiceChannel
from assistant.voice.voices import Voices
from demo.chat_view import ChatView
from flight_search.providers import faults as flight_faults
from flight_search.providers.amadeus import AmadeusProvider
from flight_search.providers.base import ProviderOptions
from flight_search.providers.demo import DemoProvider
from flight_search.providers.duffel import DuffelProvider
from languages import tts_route
from tests.conftest import TODAY
from tests.speech_audio import speech

from .conftest import REQUEST, TieredSession, assert_words_kept, feed, of_type, outputs_until, run_turn, silent_session

FAULTS = ["timeout", "rate_limit_429", "server_error_500", "malformed", "disconnect_mid_stream", "slow_drip"]
TIMEOUT_S = 0.6          # every provider's timeout in this file
DRIP_S = 0.15            # slow drip: one chunk every 0.15 s, well on time against TIMEOUT_S


def assert_fallback(events, view: ChatView, stage: str, failed: str, used: str) -> None:
    fallback = of_type(events, EventType.PROVIDER_FALLBACK)
    assert len(fallback) == 1, [e.reason for e in fallback]
    assert (fallback[0].stage, fallback[0].failed, fallback[0].used) == (stage, failed, used)
    assert fallback[0].reason and len(fallback[0].reason) < 300
    assert view.badges[stage][1] == "fallback" and fallback[0].reason in view.badges[stage][2]
    assert events[-1].type == EventType.TURN_METRICS and not of_type(events, EventType.ERROR)


# --- LLM: OpenAI ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fault", FAULTS)
async def test_llm_fault_falls_back_to_the_offline_agent(fault, fake_openai, closing):
    fake_openai.reply_text = "I found flights for you today."   # 8 chunks: 1.2 s of drip
    llm = closing(OpenAILLM(fake_openai.api_key, model="gpt-4o-mini", base_url=fake_openai.base_url,
                            options=VoiceOptions(timeout_s=TIMEOUT_S)))
    async for _ in llm.stream([{"role": "user", "content": "warm up"}], []):   # SDK import and client
        pass                                                                   # are not the fault
    fake_openai.fault, fake_openai.slow_drip_delay_s = fault, DRIP_S
    session = Session("en", today=TODAY, llm=llm, voices=None)
    session.agent.timeout_s = TIMEOUT_S
    view = ChatView()
    events = await run_turn(session, REQUEST, view)
    assert_fallback(events, view, "assistant", "openai", "offline")
    assert_words_kept(events, view, REQUEST)
    reply = of_type(events, EventType.PRE_SPEECH_TEXT)[-1]
    assert reply.final and "London" in reply.chat_markdown and of_type(events, EventType.TOOL_RESULT)
    assert events[-1].providers["assistant"] == "offline (fallback)"


# --- TTS: Cartesia ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fault", FAULTS)
async def test_tts_fault_falls_back_to_the_offline_voice(fault, fake_cartesia, closing):
    fake_cartesia.chunk_ms, fake_cartesia.max_seconds = 200, 1.2   # a sentence is 6 chunks: 0.9 s of drip
    cloud = closing(CartesiaTTS(fake_cartesia.api_key, base_url=fake_cartesia.url,
                                options=VoiceOptions(timeout_s=TIMEOUT_S)))
    async for _ in cloud.synthesize("warm up", tts_route("en")):   # SDK import and client are not the fault
        pass
    fake_cartesia.fault, fake_cartesia.slow_drip_delay_s = fault, DRIP_S
    session = Session("en", today=TODAY, llm=None, voices=Voices(cloud, EspeakTTS()))
    view = ChatView()
    events = await run_turn(session, "hello", view)
    assert_fallback(events, view, "voice", "cartesia", "espeak")
    assert_words_kept(events, view, "hello")
    audio = of_type(events, EventType.AUDIO)
    fallback_at = events.index(of_type(events, EventType.PROVIDER_FALLBACK)[0])
    assert audio and {e.provider for e in events[fallback_at:] if e.type == EventType.AUDIO} == {"espeak"}
    assert events[-1].providers["voice"] == "espeak (fallback)"


# --- flight data: Amadeus, Duffel ---------------------------------------------------------------------
FLIGHT_STATUS = {"timeout": "timeout", "rate_limit_429": "rate_limited", "server_error_500": "server_error",
                 "malformed": "malformed", "disconnect_mid_stream": "server_error", "slow_drip": "timeout"}


@pytest.mark.parametrize("tier", ["amadeus", "duffel"])
@pytest.mark.parametrize("fault", FAULTS)
async def test_flight_tier_fault_falls_back_to_the_next_tier(tier, fault, amadeus_server, duffel_server,
                                                             monkeypatch):
    monkeypatch.setattr(flight_faults, "HANG_SECONDS", 1.0)   # the fake's hang ends after the client gave up
    server = amadeus_server if tier == "amadeus" else duffel_server
    server.fault, server.drip_chunks, server.drip_delay_s = fault, 8, 0.1   # 0.8 s in total
    options = ProviderOptions(timeout_s=TIMEOUT_S)
    amadeus = AmadeusProvider(client_id=amadeus_server.client_id, client_secret=amadeus_server.client_secret,
                              base_url=amadeus_server.url, options=options)
    duffel = DuffelProvider(access_token=duffel_server.access_token, base_url=duffel_server.url, options=options)
    tiers = [amadeus, duffel, DemoProvider()] if tier == "amadeus" else [duffel, DemoProvider()]
    session = TieredSession("en", today=TODAY, llm=None, voices=None, tiers=tiers)
    view = ChatView()
    try:
        events = await run_turn(session, REQUEST, view)
    finally:
        await amadeus.aclose()
        await duffel.aclose()
    (result,) = of_type(events, EventType.TOOL_RESULT)
    assert result.used_fallback and result.source not in (None, tier) and result.count > 0
    first = result.attempts[0]
    assert (first["provider"], first["status"]) == (tier, FLIGHT_STATUS[fault]) and first["error"]
    assert view.badges["flight_data"][1] == "fallback"
    assert_words_kept(events, view, REQUEST)
    assert "London" in of_type(events, EventType.PRE_SPEECH_TEXT)[-1].chat_markdown


# --- STT: Deepgram ----------------------------------------------------------------------------------
STT_FAULT = {"timeout": "timeout", "rate_limit_429": "rate_limit_429", "server_error_500": "server_error_500",
             "malformed": "malformed", "disconnect_mid_stream": "drop_after_first_result",
             "slow_drip": "slow_results"}
REPORTS = {"stt_reconnecting", "stt_dropped", "stt_failed"}   # STATE events that say the STT is in trouble


def reports_trouble(event) -> bool:
    return (event.type in (EventType.ERROR, EventType.NOTICE)
            or (event.type == EventType.STATE and event.state in REPORTS))


@pytest.mark.parametrize("fault", FAULTS)
async def test_stt_fault_is_reported_and_typed_text_still_works(fault, fake_deepgram):
    fake_deepgram.fault, fake_deepgram.hang_s, fake_deepgram.delay_s = STT_FAULT[fault], 5.0, 1.0
    fake_deepgram.script = [REQUEST]
    stt = DeepgramSTT(fake_deepgram.api_key, base_url=fake_deepgram.url,
                      options=VoiceOptions(connect_timeout_s=TIMEOUT_S))
    session = silent_session()
    channel = VoiceChannel(session, stt)
    await channel.start()
    try:
        if fault in ("timeout", "rate_limit_429", "server_error_500"):   # the connection never opens
            items = await outputs_until(channel, reports_trouble, timeout=5)
            assert items[-1].state == "stt_reconnecting" and "retry in" in items[-1].detail   # retryable
        else:   # it opens; speech makes results, and those break (or trickle in late)
            await feed(channel, speech(REQUEST))
            items = await outputs_until(channel, lambda e: e.type == EventType.VAD and e.kind == "speech_ended")
            if not any(reports_trouble(i) for i in items if not isinstance(i, tuple)):
                wait = voice_settings().stt_final_wait_s + 1.0   # the final transcript, or a report, by then
                items += await outputs_until(channel, lambda e: reports_trouble(e) or (
                    e.type == EventType.USER_TRANSCRIPT and e.final), timeout=wait)
        events_so_far = [i for i in items if not isinstance(i, tuple)]
        assert any(reports_trouble(e) or (e.type == EventType.USER_TRANSCRIPT and e.final)
                   for e in events_so_far), f"no report of the {fault} fault"
        if fault == "disconnect_mid_stream":   # dropped after the first result, then connected again
            assert [e.state for e in events_so_far if e.type == EventType.STATE].count("stt_dropped") >= 1
            await outputs_until(channel, lambda e: e.type == EventType.STATE and e.state == "stt_connected")
        view = ChatView()
        events = await run_turn(session, REQUEST, view)   # typed text still works
    finally:
        await channel.close()
    assert_words_kept(events, view, REQUEST)
    assert of_type(events, EventType.TOOL_CALL)[0].arguments["destination"] == "LON"
    assert events[-1].type == EventType.TURN_METRICS and not of_type(events, EventType.ERROR)
