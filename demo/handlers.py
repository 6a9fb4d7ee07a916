"""Plain functions behind the Voice tab's controls; they call into the engine and return UI values."""
from __future__ import annotations

import html
from typing import AsyncIterator

from assistant import EventType, Session, app_settings
from languages import phrase

from .render import flight_badge, route_card, status_html

Message = dict


def escape_user_text(text: str) -> str:
    """User words are shown verbatim: HTML and markdown characters are escaped, never rendered."""
    escaped = html.escape(text, quote=False)
    for ch in "\\`*_{}[]()#+-.!|~>":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def greeting_messages(language: str, note: str | None = None) -> list[Message]:
    """The chat pane of a new conversation: an optional note, then the greeting."""
    messages: list[Message] = []
    if note:
        messages.append({"role": "assistant", "content": f"_{note}_"})
    messages.append({"role": "assistant", "content": phrase(language, "greeting")})
    return messages


def new_session(language: str, environment: str, interruptions: bool) -> Session:
    return Session(language=language, environment=environment, interruptions=bool(interruptions))


def change_language(language: str, environment: str, interruptions: bool, session: Session | None):
    """A new language starts a new conversation (the language is locked per conversation)."""
    fresh = new_session(language, environment, interruptions)
    note = None
    if session is not None and session.events:
        note = f"New conversation in {fresh.language}: the language is fixed for a conversation."
    return greeting_messages(fresh.language, note), "", route_card(language), status_html(), fresh


def update_session_settings(session: Session | None, environment: str, interruptions: bool):
    """Environment preset and interruptions change without starting a new conversation."""
    if session is not None:
        session.environment, session.interruptions = environment, bool(interruptions)
    return session


async def send_text(text: str, history: list[Message] | None, session: Session | None,
                    language: str, environment: str, interruptions: bool) -> AsyncIterator[tuple]:
    """Run one typed turn, yielding (chat, speech, status, session, text box) after each event."""
    if session is None:
        session = new_session(language, environment, interruptions)
    chat = list(history or [])
    speech = ""
    badges: dict[str, tuple[str, str, str]] = {}
    pending_index: int | None = None

    def put_assistant(content: str, **extra) -> None:
        nonlocal pending_index
        message = {"role": "assistant", "content": content, **extra}
        if pending_index is None:
            chat.append(message)
        else:
            chat[pending_index] = message
            pending_index = None

    async for event in session.handle_text(text):
        kind = event.type
        if kind == EventType.USER_TRANSCRIPT:
            chat.append({"role": "user", "content": escape_user_text(event.text)})
        elif kind == EventType.NOTICE:
            chat.append({"role": "assistant", "content": f"_{html.escape(event.text)}_"})
        elif kind in (EventType.THINKING, EventType.FILLER):
            put_assistant("", metadata={"title": event.text, "status": "pending"})
            pending_index = len(chat) - 1
        elif kind == EventType.TOOL_RESULT:
            badges["flight_data"] = flight_badge(event.source, event.used_fallback)
        elif kind == EventType.PRE_SPEECH_TEXT:
            put_assistant(event.chat_markdown)
            speech = event.speech_text
        elif kind == EventType.ERROR:
            put_assistant(f"⚠️ {html.escape(event.message)}")
            badges[event.stage if event.stage in ("assistant", "flight_data") else "assistant"] = (
                "failed", "error", event.detail)
            speech = event.message
        else:
            continue
        yield chat, speech, status_html(badges), session, ""


def max_input_chars() -> int:
    return app_settings().max_input_chars
