"""One user turn: numbers its events, times its stages, runs tools, and speaks the reply per sentence."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flight_search import FlightQuery, SearchOutcome, filtered_outcome
from languages import TripDetails, phrase

from .events import Audio, Event, Filler, PreSpeechText, ProviderFallback, ToolCall, ToolResult
from .settings import app_settings
from .speech import split_sentences

if TYPE_CHECKING:
    from .session import Session
    from .voice.voices import ReplyVoice


@dataclass(frozen=True)
class Reply:
    """The assistant's answer: markdown for the chat pane, plain words for the voice.
    `streamed` is True when its sentences were already handed to the voice as they were made."""

    chat_markdown: str
    speech_text: str
    language: str
    streamed: bool = False


def speech_sentences(text: str) -> list[str]:
    """The sentences of a finished speech text, in order."""
    sentences, rest = split_sentences(text)
    return sentences + ([rest.strip()] if rest.strip() else [])


class Turn:
    """The events, timings and voice of one turn. `origin` is when the user finished (perf_counter)."""

    def __init__(self, session: "Session", number: int, *, origin: float | None = None,
                 voice: "ReplyVoice | None" = None) -> None:
        self.session, self.number = session, number
        self.queue: asyncio.Queue = asyncio.Queue()
        self.started = time.perf_counter()
        self.origin = origin if origin is not None else self.started
        self.timings = {"understand_ms": 0.0, "tool_ms": 0.0, "format_ms": 0.0}
        self.stages_ms: dict[str, float] = {}
        self.providers: dict[str, str] = {}
        self.flight_source: str | None = None
        self.voice = voice
        self._sentences: asyncio.Queue[str | None] = asyncio.Queue()
        self._speaker: asyncio.Task | None = None
        self._sentence_count = 0
        self._spoken: list[str] = []

    def emit(self, event_type: type[Event], **fields) -> Event:
        event = self.session._make(event_type, turn=self.number, **fields)
        self.queue.put_nowait(event)
        return event

    def mark(self, stage: str) -> None:
        """Record the first time a stage happened, as ms since the turn's origin."""
        if stage not in self.stages_ms:
            self.stages_ms[stage] = round((time.perf_counter() - self.origin) * 1000, 1)

    async def search_flights(self, query: FlightQuery, details: TripDetails | None = None) -> SearchOutcome:
        """Run the search tool: tool_call, a filler if it is slow, then tool_result. The trip
        details (filters, order) are applied to the results and listed in the tool call's
        arguments. Raises `RateLimitExceeded` past the session's searches a minute."""
        self.session.search_limit.take()
        arguments = {**query.as_arguments(), **(details.as_arguments() if details else {})}
        self.emit(ToolCall, name="search_flights", arguments=arguments)
        self.mark("tool_start")
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
        outcome = filtered_outcome(outcome, details)
        self.timings["tool_ms"] += (time.perf_counter() - began) * 1000
        self.stages_ms["tool_end"] = round((time.perf_counter() - self.origin) * 1000, 1)
        self.flight_source = outcome.source
        self.emit(ToolResult, name="search_flights", source=outcome.source, count=len(outcome.flights),
                  attempts=[{"provider": a.provider, "status": a.status.value, "latency_ms": a.latency_ms,
                             "error": a.error, "started_ms": a.started_ms} for a in outcome.attempts],
                  used_fallback=outcome.used_fallback)
        return outcome

    # -- the reply: text first, then its audio, sentence by sentence --------------------------------

    def stream_sentence(self, chat_so_far: str, sentence_speech: str) -> None:
        """A model produced one more sentence: show the text so far, then speak the sentence."""
        self._spoken.append(sentence_speech)
        self.emit(PreSpeechText, chat_markdown=chat_so_far, speech_text=" ".join(self._spoken),
                  language=self.session.language, final=False)
        self._speak(sentence_speech)

    async def finish(self, reply: Reply) -> None:
        """Show the whole reply, speak whatever was not streamed, and wait until the voice is done."""
        speech = " ".join(self._spoken) if reply.streamed else reply.speech_text
        self.emit(PreSpeechText, chat_markdown=reply.chat_markdown, speech_text=speech,
                  language=reply.language, final=True)
        if not reply.streamed:
            for sentence in speech_sentences(reply.speech_text):
                self._speak(sentence)
        if self._speaker is not None:
            self._sentences.put_nowait(None)
            await self._speaker

    def _speak(self, sentence: str) -> None:
        if self.voice is None or not sentence.strip():
            return
        if self._speaker is None:
            self._speaker = asyncio.create_task(self._speak_in_order())
        self._sentences.put_nowait(sentence)

    async def _speak_in_order(self) -> None:
        voice = self.voice
        assert voice is not None
        reported = ""

        def report_fallback() -> None:   # once per reason, before the audio the fallback voice made
            nonlocal reported
            if voice.fallback_reason and voice.fallback_reason != reported:
                reported = voice.fallback_reason
                self.emit(ProviderFallback, stage="voice", failed=voice.route.provider, used=voice.provider,
                          reason=voice.fallback_reason)

        while (sentence := await self._sentences.get()) is not None:
            index, self._sentence_count = self._sentence_count, self._sentence_count + 1
            async for chunk in voice.speak(sentence):
                report_fallback()
                self.mark("tts_first_byte")
                self.emit(Audio, sample_rate=chunk.sample_rate, samples=chunk.samples, sentence=index,
                          provider=voice.provider)
                self.mark("first_audio")
            report_fallback()
        self.providers["voice"] = voice.provider + (" (fallback)" if voice.fallback_reason else "")

    async def cancel_voice(self) -> None:
        """Stop speaking (the turn was interrupted or failed)."""
        if self._speaker is not None and not self._speaker.done():
            self._speaker.cancel()
            await asyncio.gather(self._speaker, return_exceptions=True)
