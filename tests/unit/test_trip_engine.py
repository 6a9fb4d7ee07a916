"""Trip details through the engine (offline agent, no voice): the tool call lists the filters, the
results obey them and both panes say so; the model's tool arguments are checked the same way."""
from __future__ import annotations

import datetime as dt

from assistant import EventType, Session
from assistant.agents import SEARCH_TOOL, outcome_for_model, tool_details, tool_query
from flight_search import FlightQuery, SearchOutcome, apply_trip_details, search_flights
from languages import PartOfDay, SortOrder, TripDetails

from ..conftest import TODAY

TOMORROW = "2026-11-22"


async def turn(session: Session, text: str) -> list:
    return [event async for event in session.handle_text(text)]


def one(events, kind):
    found = [e for e in events if e.type == kind]
    return found[-1] if found else None


async def test_nonstop_morning_cheapest_reaches_the_tool_call_and_both_panes():
    session = Session("en", today=TODAY, llm=None, voices=None)
    events = await turn(session, "Nonstop from Madrid to London tomorrow in the morning, cheapest please")
    call, result = one(events, EventType.TOOL_CALL), one(events, EventType.TOOL_RESULT)
    reply = one(events, EventType.PRE_SPEECH_TEXT)
    assert call.arguments == {"origin": "MAD", "destination": "LON", "date": TOMORROW, "airline": None,
                              "nonstop": True, "part_of_day": "morning", "sort": "cheapest"}
    searched = await search_flights(FlightQuery("MAD", "LON", dt.date(2026, 11, 22)))
    expected = apply_trip_details(searched.flights, TripDetails(nonstop=True, part_of_day=PartOfDay.MORNING,
                                                                 sort=SortOrder.CHEAPEST))
    assert 0 < result.count == len(expected) < len(searched.flights)
    assert all(f.stops == 0 and 5 <= f.departure.hour < 12 for f in expected)
    assert [f.price for f in expected] == sorted(f.price for f in expected)
    assert "_Applied: nonstop, morning departures, and cheapest first._" in reply.chat_markdown
    assert "Applied: nonstop, morning departures, and cheapest first." in reply.speech_text
    shown_at = [reply.chat_markdown.index(f"{f.airline} {f.flight_number} ") for f in expected]
    assert shown_at == sorted(shown_at)  # the chat lists them cheapest first


async def test_details_said_early_are_kept_until_the_search():
    session = Session("en", today=TODAY, llm=None, voices=None)
    asked = await turn(session, "a nonstop flight to London in the evening")
    assert one(asked, EventType.PRE_SPEECH_TEXT).chat_markdown == "Where are you flying from?"
    await turn(session, "from Madrid")
    events = await turn(session, "tomorrow")
    arguments = one(events, EventType.TOOL_CALL).arguments
    assert arguments["nonstop"] is True and arguments["part_of_day"] == "evening"
    reply = one(events, EventType.PRE_SPEECH_TEXT).chat_markdown
    assert "nonstop" in reply and "evening departures" in reply


async def test_a_return_date_is_noted_and_the_search_stays_one_way():
    session = Session("es", today=TODAY, llm=None, voices=None)
    events = await turn(session, "De Madrid a Londres el viernes, volviendo el domingo")
    call = one(events, EventType.TOOL_CALL)
    assert call.arguments["date"] == "2026-11-27" and call.arguments["return_date"] == "2026-11-29"
    reply = one(events, EventType.PRE_SPEECH_TEXT)
    assert "Busco el vuelo de ida; tomo nota de la vuelta el dom, 29 nov." in reply.chat_markdown
    assert "vuelta el veintinueve de noviembre" in reply.speech_text


async def test_filters_that_leave_nothing_are_named():
    session = Session("en", today=TODAY, llm=None, voices=None)
    events = await turn(session, "from London to Tokyo tomorrow, nonstop, leaving before 5 am")
    assert one(events, EventType.TOOL_RESULT).count == 0
    reply = one(events, EventType.PRE_SPEECH_TEXT)
    assert reply.chat_markdown.startswith("None of the ")
    assert "match: nonstop and leaving before 5:00" in reply.chat_markdown
    assert "leaving before five AM" in reply.speech_text


def test_the_tool_schema_offers_the_filters():
    properties = SEARCH_TOOL["function"]["parameters"]["properties"]
    for name in ("nonstop", "part_of_day", "depart_after", "depart_before", "arrive_by", "sort",
                 "one_way", "return_date"):
        assert name in properties
    assert SEARCH_TOOL["function"]["parameters"]["required"] == ["origin", "destination", "date"]


def test_tool_query_checks_the_filters():
    base = {"origin": "MAD", "destination": "LHR", "date": "2026-12-05"}
    assert isinstance(tool_query({**base, "nonstop": True, "sort": "cheapest"}, "en", TODAY), FlightQuery)
    assert tool_query({**base, "part_of_day": "brunch"}, "en", TODAY).startswith("part_of_day must be one of")
    assert tool_query({**base, "arrive_by": "five"}, "en", TODAY).startswith("arrive_by must be a time")
    assert "in the past" in tool_query({**base, "return_date": "2026-01-01"}, "en", TODAY)
    assert tool_details(base, TODAY) is None
    assert tool_details({**base, "depart_after": "18:30", "nonstop": None}, TODAY) == TripDetails(
        depart_after=dt.time(18, 30))


def test_the_model_sees_what_was_applied():
    details = TripDetails(nonstop=True, sort=SortOrder.CHEAPEST)
    outcome = SearchOutcome([], "demo", unfiltered_count=5)
    seen = outcome_for_model(outcome, 3, details, "de")
    assert seen["applied"] == {"nonstop": True, "sort": "cheapest"}
    assert seen["applied_in_words"] == ["nonstop", "günstigste zuerst"] and seen["found_before_filters"] == 5
    assert "applied" not in outcome_for_model(outcome, 3)


async def test_the_engine_runs_in_other_languages():
    async def run(code: str, text: str) -> dict:
        session = Session(code, today=TODAY, llm=None, voices=None)
        return one(await turn(session, text), EventType.TOOL_CALL).arguments

    japanese = await run("ja", "明日の午前中に東京からソウルへ直行便で、一番安いの")
    assert (japanese["part_of_day"], japanese["nonstop"], japanese["sort"]) == ("morning", True, "cheapest")
    german = await run("de", "Morgen von Berlin nach Wien, direkt, vor 9 Uhr")
    assert german["nonstop"] is True and german["depart_before"] == "09:00"
