"""One room's conversation as the LiveKit worker keeps it: the engine's session state plus what the
offline LLM and the agent's nodes hand each other within a turn.

The agent lends its conversation to the offline LLM for the length of each `llm_node` call through a
context variable: the framework builds the LLM stream inside that call, so the stream's task inherits
it, also behind `llm.FallbackAdapter`. An LLM used outside a `PolyglotAgent` keeps one of its own.
"""
from __future__ import annotations

import contextvars
import datetime as dt
from collections import deque
from dataclasses import dataclass, field

from flight_search import FlightQuery, SearchOutcome

from ..session import Session
from ..turn import Reply

_LENT: contextvars.ContextVar["Conversation | None"] = contextvars.ContextVar("polyglot_conversation", default=None)
_KEPT_REPLIES = 8


@dataclass
class Conversation:
    """A visitor's conversation: language, pending slots and limits (the engine's `Session`), the
    searches the tool ran (by call id) and the offline replies whose spoken form is already known."""

    session: Session
    searches: dict[str, tuple[FlightQuery, SearchOutcome]] = field(default_factory=dict)
    replies: deque[Reply] = field(default_factory=lambda: deque(maxlen=_KEPT_REPLIES))

    @classmethod
    def new(cls, language: str = "en", environment: str = "medium", interruptions: bool = True, *,
            today: dt.date | None = None) -> "Conversation":
        """A fresh conversation (the engine session is text-only: LiveKit brings the voice)."""
        return cls(Session(language, environment, interruptions, llm=None, voices=None, today=today))

    @property
    def language(self) -> str:
        return self.session.language

    def speech_for(self, chat_text: str) -> str | None:
        """The speech formatting of an offline reply whose chat text is `chat_text`, if it was one."""
        wanted = chat_text.strip()
        for reply in reversed(self.replies):
            if reply.chat_markdown.strip() == wanted:
                return reply.speech_text
        return None


def lend(conversation: Conversation) -> None:
    """Make `conversation` the one the offline LLM answers in, for the current task's context."""
    _LENT.set(conversation)


def lent() -> Conversation | None:
    """The conversation lent to the current context, if any."""
    return _LENT.get()
