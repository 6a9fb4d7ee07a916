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
from languages import TripDetails

from ..session import Session
from ..turn import Reply

_LENT: contextvars.ContextVar["Conversation | None"] = contextvars.ContextVar("polyglot_conversation", default=None)
_KEPT_REPLIES = 8
_KEPT_SEARCHES = 8


@dataclass
class Conversation:
    """A visitor's conversation: language, pending slots and limits (the engine's `Session`), the
    searches the tool ran (by call id) and the offline replies not yet spoken (their speech text is known)."""

    session: Session
    searches: dict[str, tuple[FlightQuery, SearchOutcome, TripDetails | None]] = field(default_factory=dict)
    replies: deque[Reply] = field(default_factory=lambda: deque(maxlen=_KEPT_REPLIES))

    @classmethod
    def new(cls, language: str = "en", environment: str = "medium", interruptions: bool = True, *,
            today: dt.date | None = None) -> "Conversation":
        """A fresh conversation (the engine session is text-only: LiveKit brings the voice)."""
        return cls(Session(language, environment, interruptions, llm=None, voices=None, today=today))

    @property
    def language(self) -> str:
        return self.session.language

    def remember_search(self, call_id: str, query: FlightQuery, outcome: SearchOutcome,
                        details: TripDetails | None = None) -> None:
        """Keep a search for the offline LLM to format (the newest few: a model answers them itself)."""
        self.searches[call_id] = (query, outcome, details)
        while len(self.searches) > _KEPT_SEARCHES:
            self.searches.pop(next(iter(self.searches)))

    def offline_reply(self, text_so_far: str) -> tuple[Reply | None, bool]:
        """(the offline reply `text_so_far` is, or None; whether it may still become one). Compared on
        letters and digits only: the framework may have filtered markdown out of the text."""
        wanted = _letters(text_so_far)
        partial = False
        for reply in reversed(self.replies):
            known = _letters(reply.chat_markdown)
            if known == wanted:
                self.replies.remove(reply)
                return reply, False
            partial = partial or known.startswith(wanted)
        return None, partial


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def lend(conversation: Conversation) -> None:
    """Make `conversation` the one the offline LLM answers in, for the current task's context."""
    _LENT.set(conversation)


def lent() -> Conversation | None:
    """The conversation lent to the current context, if any."""
    return _LENT.get()
