"""A conversation: per-visitor state and the turn loop that turns input into typed events."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import AsyncIterator

from flight_search import FlightQuery, SearchOutcome, chat_markdown, search_flights, speech_text
from languages import get_language, phrase

from .events import (ErrorEvent, Event, Filler, Notice, PreSpeechText, Thinking, ToolCall,
                     ToolResult, TurnMetrics, UserTranscript)
from .settings import app_settings, environment_presets
from .text_input import clean_text
from .understanding import Slots, understand

log = logging.getLogger(__name__)
EVENT_LOG_LIMIT = 500
_DONE = object()


@dataclass(frozen=True)
class Reply:
    """The assistant's answer: markdown for the chat pane, plain words for the voice."""

    chat_markdown: str
    speech_text: str
    language: str


class Turn:
    """One user turn: numbers events, times the stages, runs tools on the agent's behalf."""

    def __init__(self, session: "Session", number: int) -> None:
        self.session, self.number = session, number
        self.queue: asyncio.Queue = asyncio.Queue()
        self.started = time.perf_counter()
        self.timings = {"understand_ms": 0.0, "tool_ms": 0.0, "format_ms": 0.0}
        self.flight_source: str | None = None

    def emit(self, event_type: type[Event], **fields) -> Event:
        event = self.session._make(event_type, turn=self.number, **fields)
        self.queue.put_nowait(event)
        return event

    async def search_flights(self, query: FlightQuery) -> SearchOutcome:
        """Run the search tool: tool_call, a filler if it is slow, then tool_result."""
        self.emit(ToolCall, name="search_flights", arguments=query.as_arguments())
        began = time.perf_counter()
        task = asyncio.create_task(self.session.search(query))
        try:
            done, _ = await asyncio.wait({task}, timeout=app_settings().one_moment_after_ms / 1000)
            if not done:
                self.emit(Filler, text=phrase(self.session.language, "one_moment"))
            outcome = await task
        finally:
            if not task.done():  # the turn was cancelled: the search goes with it
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self.timings["tool_ms"] += (time.perf_counter() - began) * 1000
        self.flight_source = outcome.source
        self.emit(ToolResult, name="search_flights", source=outcome.source, count=len(outcome.flights),
                  attempts=[{"provider": a.provider, "status": a.status.value, "latency_ms": a.latency_ms,
                             "error": a.error, "started_ms": a.started_ms} for a in outcome.attempts],
                  used_fallback=outcome.used_fallback)
        return outcome


class OfflineAgent:
    """The rule-based assistant: reads slots, asks for what is missing, searches, formats."""

    name = "offline"

    async def reply(self, turn: Turn, text: str) -> Reply:
        session = turn.session
        language = session.language
        began = time.perf_counter()
        slots = understand(text, language, session.today())
        turn.timings["understand_ms"] = (time.perf_counter() - began) * 1000
        if not slots.found_anything:
            return session.say("did_not_understand")
        wanted = session.pending.merged(slots)
        if wanted.origin and wanted.origin == wanted.destination:
            session.pending = Slots(origin=wanted.origin, date=wanted.date, airline=wanted.airline)
            return session.say("same_city")
        missing = wanted.missing()
        if missing:
            session.pending = wanted
            return session.say(f"ask_{missing}")
        session.pending = Slots()
        query = FlightQuery(wanted.origin, wanted.destination, wanted.date, wanted.airline)
        outcome = await turn.search_flights(query)
        began = time.perf_counter()
        settings = app_settings()
        reply = Reply(chat_markdown(outcome, query, language, limit=settings.max_flights_chat),
                      speech_text(outcome, query, language, limit=settings.max_flights_speech), language)
        turn.timings["format_ms"] = (time.perf_counter() - began) * 1000
        return reply


class Session:
    """One visitor's conversation. `async for event in session.handle_text(text)` runs a turn."""

    def __init__(self, language: str = "en", environment: str = "medium", interruptions: bool = True,
                 *, session_id: str | None = None, today: dt.date | None = None) -> None:
        resolved = get_language(language)
        self.language = resolved.code if resolved else "en"
        if environment not in environment_presets():
            environment = app_settings().default_environment
        self.environment, self.interruptions = environment, interruptions
        self.id = session_id or uuid.uuid4().hex[:12]
        self.agent = OfflineAgent()
        self.pending = Slots()
        self.events: deque[Event] = deque(maxlen=EVENT_LOG_LIMIT)
        self._seq = 0
        self._turns = 0
        self._today = today
        self._lock = asyncio.Lock()

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _make(self, event_type: type[Event], **fields) -> Event:
        self._seq += 1
        event = event_type(session_id=self.id, seq=self._seq, **fields)
        self.events.append(event)
        return event

    def say(self, key: str, **values) -> Reply:
        """A reply that is one localised phrase, the same in both panes."""
        text = phrase(self.language, key, **values)
        return Reply(text, text, self.language)

    async def search(self, query: FlightQuery) -> SearchOutcome:
        """The flight search tool (overridable: tests and the simulation tab pass their own)."""
        return await search_flights(query)

    async def handle_text(self, text: object) -> AsyncIterator[Event]:
        """Run one typed turn, yielding its events in order (see DESIGN.md)."""
        async with self._lock:
            self._turns += 1
            turn = Turn(self, self._turns)
            task = asyncio.create_task(self._run_turn(turn, text))
            try:
                while True:
                    event = await turn.queue.get()
                    if event is _DONE:
                        break
                    yield event
                await task
            finally:
                if not task.done():
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)

    async def _run_turn(self, turn: Turn, raw: object) -> None:
        try:
            await self._turn_body(turn, raw)
        except Exception as exc:  # the booth never shows a traceback: say what failed instead
            log.exception("turn %s of session %s failed", turn.number, self.id)
            turn.emit(ErrorEvent, message=phrase(self.language, "error"), stage="assistant",
                      detail=f"{type(exc).__name__}: {str(exc)[:160]}")
        finally:
            turn.queue.put_nowait(_DONE)

    async def _turn_body(self, turn: Turn, raw: object) -> None:
        settings = app_settings()
        cleaned = clean_text(raw, settings.max_input_chars)
        if not cleaned.text:
            turn.emit(Notice, kind="empty_input", text=phrase(self.language, "empty_input"))
            reply = self.say("empty_input")
        else:
            turn.emit(UserTranscript, text=cleaned.text, final=True, source="text")
            if cleaned.truncated:
                turn.emit(Notice, kind="input_truncated",
                          text=phrase(self.language, "input_truncated", limit=settings.max_input_chars))
            turn.emit(Thinking, text=phrase(self.language, "thinking"))
            reply = await self.agent.reply(turn, cleaned.text)
        turn.emit(PreSpeechText, chat_markdown=reply.chat_markdown, speech_text=reply.speech_text,
                  language=reply.language)
        turn.emit(TurnMetrics, total_ms=round((time.perf_counter() - turn.started) * 1000, 1),
                  understand_ms=round(turn.timings["understand_ms"], 1),
                  tool_ms=round(turn.timings["tool_ms"], 1), format_ms=round(turn.timings["format_ms"], 1),
                  providers={"speech_to_text": "typed", "assistant": self.agent.name,
                             "flight_data": turn.flight_source or "", "voice": "text only"})
