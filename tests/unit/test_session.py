"""The turn loop: event order and fields, bad input, failures that keep the user's words."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from assistant import EventType, Session
from flight_search import FlightQuery, SearchOutcome, search_flights

from ..conftest import TODAY


async def run_turn(session: Session, text) -> list:
    return [event async for event in session.handle_text(text)]


def types(events) -> list[str]:
    """Event types in order, a run of audio chunks counted once."""
    kinds = [e.type.value for e in events]
    return [k for i, k in enumerate(kinds) if not (k == "audio" and i and kinds[i - 1] == "audio")]


def reply(events):
    """The last (whole-reply) pre_speech_text event of a turn."""
    return [e for e in events if e.type == EventType.PRE_SPEECH_TEXT][-1]


async def test_search_turn_event_order_and_fields():
    session = Session("es", today=TODAY)
    events = await run_turn(session, "Quiero un vuelo de Madrid a Londres mañana")
    assert types(events) == ["user_transcript", "thinking", "understood", "tool_call", "tool_result",
                             "pre_speech_text", "audio", "turn_metrics"]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert {e.session_id for e in events} == {session.id}
    understood, call, result, reply = events[2], events[3], events[4], events[5]
    assert (understood.origin, understood.destination, understood.date) == ("MAD", "LON", "2026-11-22")
    assert understood.destination_name == "Londres"
    assert call.name == "search_flights"
    assert call.arguments == {"origin": "MAD", "destination": "LON", "date": "2026-11-22", "airline": None}
    assert result.source == "demo" and result.count >= 4 and result.used_fallback is False
    assert "Londres" in reply.chat_markdown and "Londres" in reply.speech_text and reply.language == "es"
    assert events[-1].providers["flight_data"] == "demo"


async def test_sequence_numbers_keep_rising_across_turns():
    session = Session("en", today=TODAY)
    first = await run_turn(session, "hello")
    second = await run_turn(session, "from Madrid to London tomorrow")
    seqs = [e.seq for e in first + second]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert {e.turn for e in second} == {2}


async def test_missing_slots_are_asked_for_and_remembered():
    session = Session("en", today=TODAY)
    ask = await run_turn(session, "I want to fly to London")
    assert reply(ask).chat_markdown == "Where are you flying from?"
    ask_date = await run_turn(session, "from Madrid")
    assert reply(ask_date).chat_markdown == "What date would you like to fly?"
    done = await run_turn(session, "tomorrow")
    call = next(e for e in done if e.type == EventType.TOOL_CALL)
    assert (call.arguments["origin"], call.arguments["destination"]) == ("MAD", "LON")


async def test_same_city_is_questioned():
    events = await run_turn(Session("en", today=TODAY), "from London to London tomorrow")
    assert "same" in reply(events).chat_markdown


@pytest.mark.parametrize("text, language, needle", [
    ("hello", "en", "I can search flights"),
    ("what's the weather", "en", "I can search flights"),
    ("hola", "es", "Puedo buscarte vuelos"),
])
async def test_unparseable_gets_help_in_the_language(text, language, needle):
    events = await run_turn(Session(language, today=TODAY), text)
    assert EventType.ERROR not in [e.type for e in events]
    assert needle in reply(events).chat_markdown


@pytest.mark.parametrize("text", ["", "   ", None, "\x00\x01\x02"])
async def test_empty_input_gets_a_clear_message(text):
    events = await run_turn(Session("en", today=TODAY), text)
    assert types(events) == ["notice", "pre_speech_text", "audio", "turn_metrics"]
    assert "didn't get any text" in events[1].chat_markdown


async def test_huge_input_is_cut_with_a_note():
    events = await run_turn(Session("en", today=TODAY), "from Madrid to London tomorrow " + "x" * 10_000)
    notice = next(e for e in events if e.type == EventType.NOTICE)
    assert notice.kind == "input_truncated" and "2000" in notice.text
    assert len(events[0].text) <= 2000
    assert EventType.TOOL_CALL in [e.type for e in events]


async def test_emoji_and_rtl_text_are_kept_and_answered():
    text = "✈️ 🙂 من مدريد إلى لندن שלום \u202eevil"
    events = await run_turn(Session("en", today=TODAY), text)
    assert events[0].text.startswith("✈️ 🙂 من مدريد")
    assert "\u202e" not in events[0].text
    assert events[-1].type == EventType.TURN_METRICS


class FailingSearchSession(Session):
    """A session whose flight tool breaks (a fake provider, not a patch)."""

    async def search(self, query: FlightQuery) -> SearchOutcome:
        raise RuntimeError("flight tool exploded")


async def test_failure_becomes_an_error_event_and_keeps_the_words():
    events = await run_turn(FailingSearchSession("es", today=TODAY), "de Madrid a Londres mañana")
    assert events[0].type == EventType.USER_TRANSCRIPT and events[0].text == "de Madrid a Londres mañana"
    error = next(e for e in events if e.type == EventType.ERROR)
    assert "Lo siento" in error.message and "RuntimeError" in error.detail
    assert error.stage == "assistant"


class SlowSearchSession(Session):
    async def search(self, query: FlightQuery) -> SearchOutcome:
        await asyncio.sleep(0.9)
        return await search_flights(query)


async def test_slow_search_says_one_moment():
    events = await run_turn(SlowSearchSession("en", today=TODAY), "from Madrid to London tomorrow")
    kinds = types(events)
    assert kinds.index("tool_call") < kinds.index("filler") < kinds.index("tool_result")
    assert next(e for e in events if e.type == EventType.FILLER).text == "One moment, please."


async def test_closing_the_stream_early_cancels_the_turn():
    session = SlowSearchSession("en", today=TODAY)
    stream = session.handle_text("from Madrid to London tomorrow")
    async for event in stream:
        if event.type == EventType.TOOL_CALL:
            break
    await stream.aclose()
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not [t for t in pending if not t.done()]


def test_unknown_language_falls_back_to_english():
    assert Session("xx").language == "en"
    assert Session("es-MX").language == "es"
    assert dt.date.today() == Session("en").today()


class HedgedSearchSession(Session):
    """The first tier hangs, the hedge answers: the turn reports that backup data served."""

    async def search(self, query: FlightQuery) -> SearchOutcome:
        from flight_search import FallbackChain
        from flight_search.providers.base import FlightProvider

        class Tier(FlightProvider):
            def __init__(self, name, delay):
                self.name, self.delay = name, delay

            async def search(self, q):
                await asyncio.sleep(self.delay)
                return (await search_flights(q)).flights  # demo data through the default chain

        return await FallbackChain([Tier("primary", 60), Tier("secondary", 0)], hedge_delay_s=0.05).run(query)


async def test_tool_result_says_when_backup_answered():
    events = await run_turn(HedgedSearchSession("en", today=TODAY), "from Madrid to London tomorrow")
    result = next(e for e in events if e.type == EventType.TOOL_RESULT)
    assert result.source == "secondary" and result.used_fallback is True
    assert "backup data" in reply(events).speech_text
