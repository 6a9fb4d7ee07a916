"""A conversation: per-visitor state and the turn loop that turns input into typed events."""
from __future__ import annotations

import asyncio
from contextlib import aclosing
import datetime as dt
import logging
import time
import uuid
from collections import deque
from typing import AsyncIterator

from flight_search import FlightQuery, SearchOutcome, search_flights
from languages import get_language, phrase

from .agents import LlmAgent, OfflineAgent
from .limits import RateLimitExceeded, SlidingWindowLimit
from .memory import release_free_memory
from .events import Audio, ErrorEvent, Event, Notice, Thinking, TurnMetrics, UserTranscript
from .providers.base import LanguageModel
from .settings import app_settings, environment_presets, voice_settings
from .text_input import clean_text
from .turn import Reply, Turn
from .understanding import Slots
from .voice.recording import ConversationRecorder
from .voice.voices import Voices

log = logging.getLogger(__name__)
EVENT_LOG_LIMIT = 500
_DONE = object()


_DEFAULT = object()


class Session:
    """One visitor's conversation. `async for event in session.handle_text(text)` runs a turn.

    `llm` and `voices` default to the providers chosen from the environment (OpenAI and Cartesia
    when their keys are set, else the offline agent and espeak-ng); pass `llm=None` to force the
    offline agent and `voices=None` for a silent, text-only session.
    """

    def __init__(self, language: str = "en", environment: str = "medium", interruptions: bool = True,
                 *, session_id: str | None = None, today: dt.date | None = None,
                 llm: LanguageModel | None | object = _DEFAULT, voices: Voices | None | object = _DEFAULT) -> None:
        from .providers import default_llm
        from .voice.voices import default_voices

        resolved = get_language(language)
        self.language = resolved.code if resolved else "en"
        if environment not in environment_presets():
            environment = app_settings().default_environment
        self.environment, self.interruptions = environment, interruptions
        self.id = session_id or uuid.uuid4().hex[:12]
        model = default_llm() if llm is _DEFAULT else llm
        self.agent: OfflineAgent | LlmAgent = LlmAgent(model) if model is not None else OfflineAgent()
        self.voices: Voices | None = default_voices() if voices is _DEFAULT else voices  # type: ignore[assignment]
        self.pending = Slots()
        self.understood: Slots | None = None    # the last turn's reading, merged (for the route card)
        self.events: deque[Event] = deque(maxlen=EVENT_LOG_LIMIT)
        self.history: deque[dict] = deque(maxlen=2 * max(voice_settings().history_turns, 1))
        self.current_turn = 0
        self._seq = 0
        self._today = today
        self._lock = asyncio.Lock()
        self.recorder: ConversationRecorder | None = None   # set by whoever wants the conversation recorded
        limits = app_settings()
        self.turn_limit = SlidingWindowLimit("turns", limits.turns_per_minute)
        self.search_limit = SlidingWindowLimit("searches", limits.searches_per_minute)

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    @property
    def in_turn(self) -> bool:
        """A turn is running (its events are still coming)."""
        return self._lock.locked()

    def compact(self, keep_events: int) -> None:
        """Shrink an idle conversation: the event log keeps its last `keep_events` events (the
        recording keeps them all, on disk) and the recorder's buffers go to disk. The language,
        the model's history and the pending slots stay."""
        if len(self.events) > keep_events:
            recent = list(self.events)[-keep_events:] if keep_events else []
            self.events = deque(recent, maxlen=EVENT_LOG_LIMIT)
        if self.recorder is not None:
            self.recorder.flush()

    def _make(self, event_type: type[Event], **fields) -> Event:
        self._seq += 1
        event = event_type(session_id=self.id, seq=self._seq, **fields)
        # the log keeps audio events without their samples: 500 of them would hold minutes of voice
        self.events.append(event.without_samples() if isinstance(event, Audio) else event)
        if self.recorder is not None:
            self.recorder.add_event(event)
        return event

    def note(self, event_type: type[Event], **fields) -> Event:
        """Record an event outside a turn (voice activity, state changes); it belongs to the last turn."""
        return self._make(event_type, turn=self.current_turn, **fields)

    def say(self, key: str, **values) -> Reply:
        """A reply that is one localised phrase, the same in both panes."""
        text = phrase(self.language, key, **values)
        return Reply(text, text, self.language)

    def history_for_model(self) -> list[dict]:
        """Earlier user and assistant messages, oldest first, for a language model."""
        return list(self.history)

    async def search(self, query: FlightQuery) -> SearchOutcome:
        """The flight search tool (overridable: tests and the simulation tab pass their own)."""
        return await search_flights(query)

    def handle_text(self, text: object) -> AsyncIterator[Event]:
        """Run one typed turn, yielding its events in order (see DESIGN.md)."""
        return self._handle(text, source="text")

    def handle_voice(self, text: str, *, origin: float | None = None, stages_ms: dict[str, float] | None = None,
                     stt: str = "deepgram") -> AsyncIterator[Event]:
        """Run one spoken turn from its final transcript. `origin` is the end of speech
        (perf_counter), `stages_ms` what happened before the transcript (e.g. `stt_final`) and `stt` the
        recogniser that heard it (the turn's metrics name it)."""
        return self._handle(text, source="voice", origin=origin, stages_ms=stages_ms, stt=stt)

    async def speak(self, key: str, **values) -> AsyncIterator[Event]:
        """Say one localised phrase as its own turn (e.g. "interruptions are now on")."""
        async with self._lock:
            turn = self._new_turn(None)
            task = asyncio.create_task(self._guarded(turn, turn.finish(self.say(key, **values))))
            async with aclosing(self._drain(turn, task)) as events:
                async for event in events:
                    yield event

    def _new_turn(self, origin: float | None) -> Turn:
        self.current_turn += 1
        voice = self.voices.for_reply(self.language) if self.voices is not None else None
        return Turn(self, self.current_turn, origin=origin, voice=voice)

    async def _handle(self, raw: object, *, source: str, origin: float | None = None,
                      stages_ms: dict[str, float] | None = None, stt: str = "typed") -> AsyncIterator[Event]:
        async with self._lock:
            turn = self._new_turn(origin)
            turn.stages_ms.update(stages_ms or {})
            task = asyncio.create_task(self._guarded(turn, self._turn_body(turn, raw, source, stt)))
            async with aclosing(self._drain(turn, task)) as events:
                async for event in events:
                    yield event
        release_free_memory()   # a turn frees its audio and search results: give the pages back (rate-limited)

    async def _drain(self, turn: Turn, task: asyncio.Task) -> AsyncIterator[Event]:
        try:
            while True:
                event = await turn.queue.get()
                if event is _DONE:
                    break
                yield event
            await task
        finally:
            if not task.done():  # the consumer stopped early (interrupted): the work stops too
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _guarded(self, turn: Turn, body) -> None:
        try:
            await body
        except Exception as exc:  # the booth never shows a traceback: say what failed instead
            log.exception("turn %s of session %s failed", turn.number, self.id)
            turn.emit(ErrorEvent, message=phrase(self.language, "error"), stage="assistant",
                      detail=f"{type(exc).__name__}: {str(exc)[:160]}")
        finally:
            await turn.cancel_voice()
            turn.queue.put_nowait(_DONE)

    async def _turn_body(self, turn: Turn, raw: object, source: str, stt: str = "typed") -> None:
        settings = app_settings()
        cleaned = clean_text(raw, settings.max_input_chars)
        if not cleaned.text:
            turn.emit(Notice, kind="empty_input", text=phrase(self.language, "empty_input"))
            reply = self.say("empty_input")
        else:
            turn.emit(UserTranscript, text=cleaned.text, final=True, source=source)
            if cleaned.truncated:
                turn.emit(Notice, kind="input_truncated",
                          text=phrase(self.language, "input_truncated", limit=settings.max_input_chars))
            try:
                self.turn_limit.take()
                turn.emit(Thinking, text=phrase(self.language, "thinking"))
                reply = await self.agent.reply(turn, cleaned.text)
            except RateLimitExceeded as exc:   # the words stay in the chat; nothing more is searched
                turn.emit(Notice, kind="rate_limited", text=f"{phrase(self.language, 'slow_down')} ({exc})")
                reply = self.say("slow_down")
            self.history.extend([{"role": "user", "content": cleaned.text},
                                 {"role": "assistant", "content": reply.chat_markdown}])
        await turn.finish(reply)
        turn.mark("reply_done")
        providers = {"speech_to_text": stt if source == "voice" else "typed",
                     "assistant": turn.providers.get("assistant", self.agent.name),
                     "flight_data": turn.flight_source or "",
                     "voice": turn.providers.get("voice", "text only")}
        turn.emit(TurnMetrics, total_ms=round((time.perf_counter() - turn.started) * 1000, 1),
                  understand_ms=round(turn.timings["understand_ms"], 1),
                  tool_ms=round(turn.timings["tool_ms"], 1), format_ms=round(turn.timings["format_ms"], 1),
                  providers=providers, stages_ms=dict(turn.stages_ms))
