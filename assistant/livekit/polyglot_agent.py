"""`PolyglotAgent`: the flight-search voice agent as a `livekit.agents.Agent`.

It shares the engine's parts: the model path's system prompt and `search_flights` schema, the tool's
argument checks (`tool_query`), the fallback chain, the localised phrases. Its pipeline hooks:
- `llm_node` lends the conversation to the offline LLM (see `conversation.py`), then runs the default;
- `tts_node` publishes the chat markdown of each sentence (through `chat_sink`) before that sentence
  reaches the voice, and hands the voice the speech formatting instead (no markdown, numbers in words
  where the language says them so; an offline reply's own spoken text).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass

from livekit import rtc
from livekit.agents import Agent, ModelSettings, RunContext, ToolError, function_tool

from flight_search import FlightQuery, SearchOutcome, filtered_outcome, search_flights
from languages import phrase

from ..agents import SEARCH_TOOL, outcome_for_model, system_prompt, tool_details, tool_query
from ..limits import RateLimitExceeded
from ..settings import app_settings, environment_presets
from ..speech import SentenceBuffer, speech_from_chat
from ..turn import speech_sentences
from .conversation import Conversation, lend

log = logging.getLogger(__name__)
SearchFn = Callable[[FlightQuery], Awaitable[SearchOutcome]]
CHAT_TOPIC = "polyglot.chat"


@dataclass(frozen=True)
class ChatPiece:
    """The chat formatting of a reply so far, published before its sentence is spoken. `id` is the
    reply's (stable across its pieces), `seq` counts every piece of the conversation."""

    id: str
    seq: int
    language: str
    markdown: str
    final: bool
    type: str = "chat_markdown"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


ChatSink = Callable[[ChatPiece], Awaitable[None]]


class PolyglotAgent(Agent):
    """The agent of one room: its language is fixed; environment and interruptions change live."""

    def __init__(self, language: str = "en", environment: str = "medium", interruptions: bool = True, *,
                 today: dt.date | None = None, search: SearchFn | None = None,
                 chat_sink: ChatSink | None = None, greet_on_enter: bool = True) -> None:
        self.conversation = Conversation.new(language, environment, interruptions, today=today)
        self.interruptions = bool(interruptions)
        self.published: deque[ChatPiece] = deque(maxlen=200)   # the last pieces sent, newest last
        self.chat_sink = chat_sink
        self._search = search or search_flights
        self._seq = 0
        self.greet_on_enter, self.greeted = greet_on_enter, False
        super().__init__(instructions=system_prompt(self.language, self.conversation.session.today()))

    @property
    def language(self) -> str:
        return self.conversation.language

    @property
    def environment(self) -> str:
        return self.conversation.session.environment

    @property
    def allow_interruptions(self) -> bool:   # read by the framework at every speech: a toggle is live
        return self.interruptions

    # -- the tool -----------------------------------------------------------------------------------

    @function_tool(raw_schema=SEARCH_TOOL["function"])
    async def search_flights(self, raw_arguments: dict[str, object], context: RunContext) -> str:
        """Search flights through the fallback chain; the model sees the tier and the first offers."""
        session = self.conversation.session
        query = tool_query(raw_arguments, self.language, session.today())
        if isinstance(query, str):
            raise ToolError(query)
        try:
            session.search_limit.take()
        except RateLimitExceeded as exc:
            raise ToolError(f"{phrase(self.language, 'slow_down')} ({exc})") from None
        details = tool_details(raw_arguments, session.today())  # valid: tool_query checked it
        delay_s = app_settings().one_moment_after_ms / 1000
        async with context.with_filler(phrase(self.language, "one_moment"), delay=delay_s):
            outcome = filtered_outcome(await self._search(query), details)
        self.conversation.remember_search(context.function_call.call_id, query, outcome, details)
        log.info("search_flights %s -> %s (%d flights, fallback=%s)", query.as_arguments(), outcome.source,
                 len(outcome.flights), outcome.used_fallback)
        return json.dumps(outcome_for_model(outcome, app_settings().max_flights_chat, details, self.language),
                          ensure_ascii=False)

    # -- live settings (data messages) ----------------------------------------------------------------

    def apply_environment(self, environment: str, vad: object | None = None) -> bool:
        """Switch to another VAD preset of `configs/environments.yaml`; False for an unknown name.
        `vad` (the session's Silero VAD) is updated in place, so nothing reconnects."""
        preset = environment_presets().get(environment)
        if preset is None:
            return False
        self.conversation.session.environment = environment
        if vad is not None and hasattr(vad, "update_options"):
            vad.update_options(**silero_options(environment))
        return True

    def set_interruptions(self, enabled: bool) -> str:
        """Turn interruptions on or off and return what the agent says about it, in its language."""
        self.interruptions = bool(enabled)
        self.conversation.session.interruptions = self.interruptions
        return phrase(self.language, "interruptions_on" if enabled else "interruptions_off")

    # -- pipeline nodes -----------------------------------------------------------------------------

    async def on_enter(self) -> None:
        if self.greet_on_enter:   # else the worker greets the first visitor when they arrive
            self.greet()

    def greet(self) -> None:
        """Say the greeting, once per conversation."""
        if not self.greeted:
            self.greeted = True
            self.session.say(phrase(self.language, "greeting"))

    def welcome_back(self) -> None:
        """Greet a visitor who rejoined the room."""
        self.session.say(phrase(self.language, "welcome_back"))

    async def llm_node(self, chat_ctx, tools, model_settings: ModelSettings):
        # each llm_node runs in a task of its own, so this reaches that task's LLM stream only
        lend(self.conversation)
        async for chunk in Agent.default.llm_node(self, chat_ctx, tools, model_settings):
            yield chunk

    async def tts_node(self, text: AsyncIterable[str], model_settings: ModelSettings) -> AsyncIterator[rtc.AudioFrame]:
        async for frame in Agent.default.tts_node(self, self.speakable(text), model_settings):
            yield frame

    async def speakable(self, text: AsyncIterable[str]) -> AsyncIterator[str]:
        """What the voice says for a streamed chat reply, one sentence at a time; the chat markdown of
        each sentence is published first. An offline reply is spoken as its own speech text."""
        reply_id, shown, buffer, pending = f"reply-{uuid.uuid4().hex[:10]}", "", SentenceBuffer(), ""
        async for delta in text:
            pending += delta
            offline, partial = self.conversation.offline_reply(pending)
            if offline is not None:   # both formats are known whole
                shown, pending = offline.chat_markdown, ""
                await self._publish(reply_id, shown, final=False)
                for sentence in speech_sentences(offline.speech_text):
                    yield sentence
                continue
            if partial:
                continue
            for sentence in buffer.push(pending):
                shown = f"{shown} {sentence}".strip()
                await self._publish(reply_id, shown, final=False)
                yield speech_from_chat(sentence, self.language)
            pending = ""
        for sentence in buffer.flush() + ([pending.strip()] if pending.strip() else []):
            shown = f"{shown} {sentence}".strip()
            await self._publish(reply_id, shown, final=False)
            yield speech_from_chat(sentence, self.language)
        if shown:
            await self._publish(reply_id, shown, final=True)

    async def _publish(self, reply_id: str, markdown: str, *, final: bool) -> None:
        self._seq += 1
        piece = ChatPiece(reply_id, self._seq, self.language, markdown, final)
        self.published.append(piece)
        if self.chat_sink is not None:
            try:
                await self.chat_sink(piece)
            except Exception:   # the voice goes on even when the room refused a data packet
                log.warning("could not publish chat piece %s/%d", reply_id, piece.seq, exc_info=True)


def silero_options(environment: str) -> dict[str, float]:
    """A preset of `configs/environments.yaml` as `silero.VAD` options."""
    preset = environment_presets()[environment]
    return {"min_silence_duration": preset.min_silence_s, "activation_threshold": preset.threshold,
            "prefix_padding_duration": preset.prefix_padding_s, "min_speech_duration": preset.min_speaking_s}
