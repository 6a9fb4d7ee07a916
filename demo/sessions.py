"""Conversations by visitor: a returning browser gets its conversation back, a new one starts fresh.

The browser keeps a random visitor id (and a short copy of its chat) in encrypted localStorage
(`gr.BrowserState`); the server keeps the live `Session` and its chat view by that id, bounded in
number and idle time. A conversation whose voice stream closed, or that nobody used for
`COMPACT_AFTER_S`, is compacted: it keeps what a returning visitor needs (language, chat pane,
the model's history) and drops the rest (all but the last events of its log, the recorder's
buffers, the chat view's bookkeeping of finished turns).
"""
from __future__ import annotations

import os
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant import Session, voice_settings
from assistant.voice.recording import ConversationRecorder

from .chat_view import ChatView

MAX_CONVERSATIONS = 500
IDLE_LIMIT_S = 4 * 3600
COMPACT_AFTER_S = 120               # unused this long (no turn, no stream): compacted
IDLE_EVENTS = 40                    # events an idle conversation keeps in its log
BROWSER_COPY_MESSAGES = 40          # messages kept in the browser, to restore after a server restart
STORAGE_KEY = "polyglot-console-visitor"


def browser_secret() -> str:
    """Key of the browser copy's encryption: POLYGLOT_BROWSER_SECRET, else a fixed one. Not a secret:
    Gradio sends it to the browser, which encrypts; it only keeps the copy from casual reading."""
    return os.environ.get("POLYGLOT_BROWSER_SECRET", "").strip() or "polyglot-console-local"


@dataclass
class Conversation:
    """One visitor's session, its chat pane, and its live voice stream if one is open."""

    visitor_id: str
    session: Session
    view: ChatView
    channel: Any = None                 # assistant.voice.VoiceChannel while a stream is live
    last_used: float = field(default_factory=time.monotonic)
    compacted: bool = False

    def compact(self) -> None:
        """Shrink to what a returning visitor needs; a no-op while a voice stream or a turn is live."""
        if self.channel is not None or self.session.in_turn:
            return
        self.session.compact(IDLE_EVENTS)
        self.view.compact()
        self.compacted = True

    async def end_stream(self, channel) -> None:
        """Close this conversation's voice stream `channel` (the page hung up) and compact it,
        unless a new stream took its place meanwhile."""
        if self.channel is channel:
            self.channel = None
        await channel.close()
        self.compact()

    def close(self) -> None:
        """Forget the conversation's recording files (the store calls this when it drops it)."""
        if self.session.recorder is not None:
            self.session.recorder.close()

    def browser_copy(self) -> dict:
        """What the browser keeps: the id, the language and the last messages."""
        return {"visitor_id": self.visitor_id, "language": self.session.language,
                "messages": self.view.messages[-BROWSER_COPY_MESSAGES:]}


class ConversationStore:
    """Conversations by visitor id; the least recently used go first when full or idle too long."""

    def __init__(self, limit: int = MAX_CONVERSATIONS, idle_s: float = IDLE_LIMIT_S) -> None:
        self.limit, self.idle_s = limit, idle_s
        self._items: OrderedDict[str, Conversation] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, visitor_id: str | None) -> Conversation | None:
        self._evict()
        conversation = self._items.get(visitor_id or "")
        if conversation is not None:
            conversation.last_used = time.monotonic()
            conversation.compacted = False
            self._items.move_to_end(conversation.visitor_id)
        return conversation

    def by_session(self, session_id: str) -> Conversation | None:
        return next((c for c in self._items.values() if c.session.id == session_id), None)

    def put(self, conversation: Conversation) -> Conversation:
        replaced = self._items.get(conversation.visitor_id)
        if replaced is not None and replaced is not conversation:
            replaced.close()
        self._items[conversation.visitor_id] = conversation
        self._items.move_to_end(conversation.visitor_id)
        self._evict()
        return conversation

    def start(self, visitor_id: str | None, language: str, environment: str, interruptions: bool,
              messages: list[dict] | None = None) -> Conversation:
        """A new conversation (keeping the visitor id when there is one)."""
        session = Session(language=language, environment=environment, interruptions=interruptions)
        session.recorder = ConversationRecorder(session.id, max_seconds=voice_settings().max_recording_s)
        return self.put(Conversation(visitor_id or new_visitor_id(), session, ChatView(messages)))

    def _evict(self) -> None:
        now = time.monotonic()
        while self._items:
            oldest = next(iter(self._items.values()))
            if len(self._items) > self.limit or now - oldest.last_used > self.idle_s:
                self._items.popitem(last=False)[1].close()
            else:
                break
        for conversation in self._items.values():   # least recently used first
            if now - conversation.last_used < COMPACT_AFTER_S:
                break
            if not conversation.compacted:
                conversation.compact()


def new_visitor_id() -> str:
    return secrets.token_urlsafe(12)


@lru_cache(maxsize=1)
def conversations() -> ConversationStore:
    """The process-wide store."""
    return ConversationStore()
