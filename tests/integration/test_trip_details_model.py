"""The model path: the real OpenAI SDK against the local fake asks for search_flights with trip
details; the engine checks them, applies them and lists them in the tool_call event."""
from __future__ import annotations

import json

import pytest

from assistant import EventType, Session
from assistant.providers.openai_llm import OpenAILLM
from tests.conftest import TODAY

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_model_filters_are_applied_and_listed(closing, fake_openai):
    fake_openai.tool_call = {"origin": "MAD", "destination": "LHR", "date": "2026-11-22", "airline": None,
                             "nonstop": True, "part_of_day": "morning", "sort": "cheapest"}
    fake_openai.reply_text = "Here are the cheapest nonstop morning flights."
    llm = closing(OpenAILLM(fake_openai.api_key, model="gpt-4o-mini", base_url=fake_openai.base_url))
    session = Session("en", today=TODAY, llm=llm, voices=None)
    events = [e async for e in session.handle_text("cheapest nonstop Madrid to London tomorrow morning")]
    call = next(e for e in events if e.type == EventType.TOOL_CALL)
    assert call.arguments == {"origin": "MAD", "destination": "LHR", "date": "2026-11-22", "airline": None,
                              "nonstop": True, "part_of_day": "morning", "sort": "cheapest"}
    offered = fake_openai.requests[0]["tools"][0]["function"]["parameters"]["properties"]
    assert {"nonstop", "part_of_day", "sort", "return_date"} <= set(offered)
    seen = json.loads(fake_openai.requests[1]["messages"][-1]["content"])
    assert seen["applied"] == {"nonstop": True, "part_of_day": "morning", "sort": "cheapest"}
    assert seen["applied_in_words"] == ["nonstop", "morning departures", "cheapest first"]
    assert seen["count"] <= seen["found_before_filters"]
    assert seen["flights"] and all(f["stops"] == 0 and 5 <= int(f["departs"][11:13]) < 12 for f in seen["flights"])
    prices = [f["price"] for f in seen["flights"]]
    assert prices == sorted(prices)


async def test_a_bad_model_filter_is_answered_with_a_message(closing, fake_openai):
    fake_openai.tool_call = {"origin": "MAD", "destination": "LHR", "date": "2026-11-22", "part_of_day": "brunch"}
    fake_openai.reply_text = "Which part of the day would you like?"
    llm = closing(OpenAILLM(fake_openai.api_key, model="gpt-4o-mini", base_url=fake_openai.base_url))
    session = Session("en", today=TODAY, llm=llm, voices=None)
    events = [e async for e in session.handle_text("Madrid to London tomorrow at brunch time")]
    assert not [e for e in events if e.type == EventType.TOOL_CALL]
    seen = json.loads(fake_openai.requests[1]["messages"][-1]["content"])
    assert seen["error"].startswith("part_of_day must be one of morning, afternoon, evening, night")
