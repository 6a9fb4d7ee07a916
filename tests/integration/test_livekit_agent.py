"""The LiveKit agent on the real framework, in text mode (`AgentSession(llm=...)`, `session.run(...)`,
`result.expect...`): no LiveKit server and no keys. The offline LLM answers; the tool searches the real
fallback chain (demo data without keys; simulated tiers under `faults=`)."""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json

import pytest
from livekit.agents import AgentSession

from agent import PolyglotAgent, offline_llm
from flight_search import search_flights
from languages import phrase
from tests.conftest import TODAY

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


async def test_an_unknown_city_gets_a_question_and_no_search():
    # The offline agent does not name an unknown place back yet: it asks for the place it could not read.
    llm, session = await started(PolyglotAgent("en", today=TODAY))
    try:
        result = await session.run(user_input="A flight from Xyzzyville to London tomorrow")
        result.expect.next_event().is_message(role="assistant")
        result.expect.no_more_events()
        assert messages(result) == [phrase("en", "ask_origin")]
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
