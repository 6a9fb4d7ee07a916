"""The LiveKit agent on the real framework, in text mode (`AgentSession(llm=...)`, `session.run(...)`,
`result.expect...`): no LiveKit server and no keys. The offline LLM answers; the tool searches the real
fallback chain (demo data without keys; simulated tiers under `faults=`)."""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import logging

import pytest
from livekit.agents import AgentSession

from agent import PolyglotAgent, offline_llm
from flight_search import search_flights
from languages import phrase
from tests.conftest import TODAY
from tests.fakes.livekit_audio import RecordingSpeaker

TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
REQUESTS = {
    "en": ("Find me a flight from Madrid to London tomorrow", "MAD", "LON", "Here are flights from Madrid to London"),
    "es": ("Quiero un vuelo de Madrid a Londres mañana", "MAD", "LON", "Estos son los vuelos de Madrid a Londres"),
    "ja": ("明日の東京からロンドンまでのフライト", "TYO", "LON", "東京発ロンドン行きのフライト"),
    "ar": ("أريد رحلة من القاهرة إلى دبي غدا", "CAI", "DXB", "إليك الرحلات من القاهرة إلى دبي"),
}
ALL_TIERS_DOWN = {"amadeus": "server_error_500", "duffel": "server_error_500"}


async def started(agent: PolyglotAgent):
    llm = offline_llm()
    session = AgentSession(llm=llm)
    await session.start(agent)
    return llm, session


async def closed(llm, session) -> None:
    await session.aclose()
    await llm.aclose()


def messages(result) -> list[str]:
    return [e.item.text_content for e in result.events if e.type == "message"]


@pytest.mark.parametrize("language", sorted(REQUESTS))
async def test_request_reaches_search_flights_and_answers_in_its_language(language):
    text, origin, destination, heading = REQUESTS[language]
    llm, session = await started(PolyglotAgent(language, today=TODAY))
    try:
        result = await session.run(user_input=text)
        result.expect.next_event().is_function_call(
            name="search_flights",
            arguments={"origin": origin, "destination": destination, "date": TOMORROW, "airline": None})
        result.expect.skip_next_event_if(type="message", role="assistant")   # "one moment", if slow
        output = result.expect.next_event().is_function_call_output().event().item
        found = json.loads(output.output)
        assert found["source"] == "demo" and found["count"] > 0
        answer = result.expect.next_event().is_message(role="assistant").event().item.text_content
        result.expect.no_more_events()
        assert heading in answer
        assert found["flights"][0]["airline"] in answer
    finally:
        await closed(llm, session)


async def test_a_missing_date_is_asked_for_then_remembered():
    llm, session = await started(PolyglotAgent("en", today=TODAY))
    try:
        first = await session.run(user_input="I need a flight from Madrid to London")
        first.expect.next_event().is_message(role="assistant")
        first.expect.no_more_events()
        assert messages(first) == [phrase("en", "ask_date")]
        second = await session.run(user_input="tomorrow please")
        second.expect.next_event().is_function_call(
            name="search_flights", arguments={"origin": "MAD", "destination": "LON", "date": TOMORROW, "airline": None})
    finally:
        await closed(llm, session)


async def test_an_unknown_city_is_named_back_and_not_searched():
    llm, session = await started(PolyglotAgent("en", today=TODAY))
    try:
        result = await session.run(user_input="A flight from Xyzzyville to London tomorrow")
        result.expect.next_event().is_message(role="assistant")
        result.expect.no_more_events()
        assert messages(result) == [phrase("en", "unknown_place", name="Xyzzyville")]
    finally:
        await closed(llm, session)


async def test_the_tool_failing_over_to_demo_data_says_so():
    search = functools.partial(search_flights, faults=ALL_TIERS_DOWN)
    llm, session = await started(PolyglotAgent("es", today=TODAY, search=search))
    try:
        result = await session.run(user_input="Quiero un vuelo de Madrid a Londres mañana")
        result.expect.contains_function_call(name="search_flights")
        output = result.expect.contains_function_call_output().event().item
        assert json.loads(output.output)["source"] == "demo"
        assert phrase("es", "fallback_apology") in messages(result)[-1]
    finally:
        await closed(llm, session)


async def test_a_slow_search_says_one_moment_first():
    holder: dict = {}

    async def search_after_the_filler(query):
        # the search only answers once the filler was said: no timing in the assertion
        moment = phrase("en", "one_moment")
        for _ in range(200):
            if any(getattr(i, "text_content", None) == moment for i in holder["session"].history.items):
                break
            await asyncio.sleep(0.05)
        return await search_flights(query)

    llm, session = await started(PolyglotAgent("en", today=TODAY, search=search_after_the_filler))
    holder["session"] = session
    try:
        result = await session.run(user_input="Madrid to London tomorrow")
        kinds = [e.type for e in result.events]
        said = messages(result)
        assert kinds[0] == "function_call" and said[0] == phrase("en", "one_moment")
        assert kinds.index("function_call_output") > kinds.index("message")
        assert "Here are flights" in said[-1]
    finally:
        await closed(llm, session)


async def test_the_model_path_rejects_bad_tool_arguments_with_a_reason():
    # the same tool serves the OpenAI path: wrong arguments come back to the model as a tool error
    agent = PolyglotAgent("en", today=TODAY)
    from livekit.agents import ToolError

    with pytest.raises(ToolError, match="unknown place"):
        await agent.search_flights({"origin": "Xyzzyville", "destination": "LON", "date": TOMORROW}, None)


def test_agent_py_exposes_the_agent_and_the_offline_llm():
    import agent as entry
    from livekit.agents import Agent
    from livekit.agents.llm import LLM

    assert issubclass(entry.PolyglotAgent, Agent)
    assert isinstance(entry.offline_llm(), LLM)
    built = entry.PolyglotAgent(language="es", environment="noisy", interruptions=False)
    assert (built.language, built.environment, built.allow_interruptions) == ("es", "noisy", False)
    assert [tool.id for tool in built.tools] == ["search_flights"]


# -- dual formatting: the chat markdown is published before its sentence is spoken --------------------

async def test_a_model_reply_is_spoken_in_speech_formatting_after_its_markdown_is_published():
    timeline: list = []

    async def sink(piece):
        timeline.append(("chat", piece.seq, piece.markdown))

    async def model_reply():
        for piece in ("**Iberia** sale a las 14:30", " por €245. ", "¡Buen viaje!"):
            yield piece

    agent = PolyglotAgent("es", today=TODAY, chat_sink=sink)
    async for sentence in agent.speakable(model_reply()):
        timeline.append(("spoken", sentence))
    assert timeline == [
        ("chat", 1, "**Iberia** sale a las 14:30 por €245."),
        ("spoken", "Iberia sale a las catorce y treinta por doscientos cuarenta y cinco euros."),
        ("chat", 2, "**Iberia** sale a las 14:30 por €245. ¡Buen viaje!"),
        ("spoken", "¡Buen viaje!"),
        ("chat", 3, "**Iberia** sale a las 14:30 por €245. ¡Buen viaje!"),
    ]
    assert [p.final for p in agent.published] == [False, False, True]
    assert len({p.id for p in agent.published}) == 1


async def test_in_a_voiced_session_every_reply_shows_before_it_sounds():
    from assistant.livekit.espeak_tts import EspeakTTS

    timeline: list = []

    async def sink(piece):
        timeline.append(("chat", piece.id, piece.final, piece.markdown))

    agent = PolyglotAgent("es", today=TODAY, chat_sink=sink)
    llm = offline_llm()
    session = AgentSession(llm=llm, tts=EspeakTTS("es"))
    speaker = RecordingSpeaker(timeline)
    session.output.audio = speaker
    await session.start(agent)
    try:
        await session.run(user_input="Quiero un vuelo de Madrid a Londres mañana")
    finally:
        await closed(llm, session)
    kinds = [entry[0] for entry in timeline]
    assert kinds[0] == "chat" and timeline[0][3].startswith("¡Hola!")    # the greeting comes first, no tone
    assert kinds.count("audio") >= 2 and kinds.index("audio") > 0   # a third if "one moment" was said
    answer = max(i for i, entry in enumerate(timeline) if entry[0] == "chat" and not entry[2])
    assert timeline[answer][3].startswith("**Estos son los vuelos")
    assert sorted(timeline[answer + 1:]) == [("audio",), ("chat", timeline[answer][1], True, timeline[answer][3])]
    assert speaker.seconds > 5   # the spoken answer: heading plus three flights in words


async def test_an_agent_waiting_for_its_visitor_greets_once_when_told():
    llm, session = await started(PolyglotAgent("es", today=TODAY, greet_on_enter=False))
    try:
        agent = session.current_agent
        assert not agent.greeted
        agent.greet()
        agent.greet()
        said = phrase("es", "greeting")
        for _ in range(100):
            if any(getattr(i, "text_content", None) == said for i in session.history.items):
                break
            await asyncio.sleep(0.05)
        assert [getattr(i, "text_content", None) for i in session.history.items
                if getattr(i, "role", None) == "assistant"] == [said]
    finally:
        await closed(llm, session)


async def test_a_returning_visitor_is_welcomed_back_in_the_room_s_language():
    llm, session = await started(PolyglotAgent("ja", today=TODAY))
    try:
        session.current_agent.welcome_back()
        said = phrase("ja", "welcome_back")
        for _ in range(100):
            if any(getattr(i, "text_content", None) == said for i in session.history.items):
                break
            await asyncio.sleep(0.05)
        assert [i.text_content for i in session.history.items if getattr(i, "role", None) == "assistant"] == [
            phrase("ja", "greeting"), said]
    finally:
        await closed(llm, session)


# -- live settings, metrics, registration --------------------------------------------------------------

async def test_data_messages_switch_the_vad_preset_and_interruptions_live():
    from assistant.livekit.pipeline import silero_vad
    from assistant.livekit.worker import handle_data_message

    vad = silero_vad("medium")
    agent = PolyglotAgent("es", "medium", True, today=TODAY)
    llm = offline_llm()
    session = AgentSession(llm=llm, vad=vad)
    await session.start(agent)
    try:
        assert handle_data_message(b'{"type": "environment_changed", "environment": "noisy"}',
                                   agent, session, vad) == "environment=noisy"
        assert (agent.environment, vad.min_silence_duration) == ("noisy", 1.0)
        assert handle_data_message(b'{"type": "environment_changed", "environment": "stadium"}',
                                   agent, session, vad) is None
        assert agent.environment == "noisy"

        assert handle_data_message(b'{"type": "interruptions", "enabled": false}',
                                   agent, session, vad) == "interruptions=off"
        said = phrase("es", "interruptions_off")
        for _ in range(100):
            if any(getattr(i, "text_content", None) == said for i in session.history.items):
                break
            await asyncio.sleep(0.05)
        assert any(getattr(i, "text_content", None) == said for i in session.history.items)
        assert session.say("prueba").allow_interruptions is False    # the framework reads the toggle
        handle_data_message(b'{"type": "interruptions", "enabled": true}', agent, session, vad)
        assert session.say("prueba").allow_interruptions is True
        assert handle_data_message(b"{not json", agent, session, vad) is None
    finally:
        await closed(llm, session)


async def test_each_turn_logs_one_line_of_the_framework_s_metrics(caplog):
    from assistant.livekit.worker import log_turn_metrics

    llm, session = await started(PolyglotAgent("en", today=TODAY))
    log_turn_metrics(session)
    try:
        with caplog.at_level(logging.INFO, logger="polyglot.worker"):
            await session.run(user_input="Madrid to London tomorrow")
    finally:
        await closed(llm, session)
    lines = [r.getMessage() for r in caplog.records if r.name == "polyglot.worker"]
    assert lines and all(line.startswith("turn metrics: ") for line in lines)
    assert "llm_ttft_ms=" in lines[-1]   # text mode: no STT, VAD or audio stages to report


async def test_the_worker_registers_the_dispatched_agent_name_with_livekit(fake_livekit):
    from livekit.agents import AgentServer

    from assistant.livekit.worker import server_options, worker_agent_name

    options = server_options()
    options.ws_url, options.api_key, options.api_secret = fake_livekit.url, fake_livekit.api_key, fake_livekit.api_secret
    server = AgentServer.from_server_options(options)
    task = asyncio.create_task(server.run(devmode=True))
    try:
        for _ in range(600):   # up to 30 s on a loaded machine
            if fake_livekit.workers or task.done():
                break
            await asyncio.sleep(0.05)
        assert [w.agent_name for w in fake_livekit.workers] == [worker_agent_name()]
        assert worker_agent_name() == "polyglot-flight-agent"
    finally:
        await server.aclose()
        await asyncio.gather(task, return_exceptions=True)
