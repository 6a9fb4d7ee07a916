"""Session isolation: 50 conversations at once, each with its own language, cities and date, must
each keep only their own turns.

The oracle is the same request run alone in a fresh session first: run concurrently, every
session must produce the same transcript, tool call and reply, and nothing of another session.
Sessions are silent (`llm=None, voices=None`) so 50 turns take well under a second.
"""
from __future__ import annotations

import asyncio
import datetime as dt

from assistant import EventType
from demo import handlers
from demo.chat_view import ChatView
from demo.sessions import Conversation, ConversationStore
from languages import all_languages
from tests.conftest import TODAY

from .conftest import of_type, run_turn, shown_text, silent_session, user_messages

SESSIONS = 50


def requests() -> list[tuple[str, str, dt.date]]:
    """50 (language, request, today): every language's QA utterances in turn, each with its own date."""
    languages = all_languages()
    picked = [(lang.code, lang.qa_utterances[(n // len(languages)) % len(lang.qa_utterances)])
              for n, lang in enumerate(languages * 2)][:SESSIONS]
    return [(code, text, TODAY + dt.timedelta(days=n)) for n, (code, text) in enumerate(picked)]


def summary(events) -> tuple:
    """What must not depend on other sessions: the words, the search and the reply."""
    said = [e.text for e in of_type(events, EventType.USER_TRANSCRIPT)]
    calls = [e.arguments for e in of_type(events, EventType.TOOL_CALL)]
    replies = [e.chat_markdown for e in of_type(events, EventType.PRE_SPEECH_TEXT) if e.final]
    return said, calls, replies


async def test_fifty_concurrent_sessions_keep_their_own_turns():
    cases = requests()
    assert len({text for _, text, _ in cases}) == SESSIONS, "distinct requests"
    alone = [summary(await run_turn(silent_session(code, today=day), text)) for code, text, day in cases]
    assert sum(bool(calls) for _, calls, _ in alone) >= SESSIONS // 2, "most requests search flights"

    sessions = [silent_session(code, today=day) for code, _, day in cases]
    views = [ChatView() for _ in cases]
    together = await asyncio.gather(*(run_turn(s, text, v) for s, (_, text, _), v in zip(sessions, cases, views)))

    assert len({s.id for s in sessions}) == SESSIONS
    for session, view, events, expected, (code, text, _) in zip(sessions, views, together, alone, cases):
        assert summary(events) == expected, f"{code}: {text}"
        assert {e.session_id for e in events} == {session.id} == {e.session_id for e in session.events}
        assert [e.seq for e in session.events] == list(range(1, len(session.events) + 1))
        assert [m["content"] for m in session.history if m["role"] == "user"] == [text]
        assert [shown_text(m) for m in user_messages(view)] == [text]
        for other_code, other_text, _ in cases:   # nothing of another session in this one's chat
            if other_text != text and len(other_text) > 12:
                assert all(other_text not in shown_text(m["content"]) for m in view.messages)


async def test_fifty_concurrent_visitors_through_the_handlers(monkeypatch):
    store = ConversationStore()
    monkeypatch.setattr(handlers, "conversations", lambda: store)   # not the process-wide store
    cases = requests()
    for n, (code, _, day) in enumerate(cases):   # silent sessions: the handlers' path, without voices
        store.put(Conversation(f"visitor-{n}", silent_session(code, today=day), ChatView()))

    async def visit(n: int, code: str, text: str):
        updates = [u async for u in handlers.send_text(text, f"visitor-{n}", code, "medium", True, ["tool_call"])]
        return updates[-1]

    finals = await asyncio.gather(*(visit(n, code, text) for n, (code, text, _) in enumerate(cases)))

    assert len(store) == SESSIONS
    ids = set()
    for n, ((code, text, _), final) in enumerate(zip(cases, finals)):
        conversation = store.get(f"visitor-{n}")
        ids.add(conversation.session.id)
        messages, copy = final[0], final[7]
        assert [shown_text(m["content"]) for m in messages if m["role"] == "user"] == [text]
        assert copy["visitor_id"] == f"visitor-{n}" and copy["language"] == conversation.session.language
        assert copy["messages"] == messages == conversation.view.messages
        assert {e.session_id for e in conversation.session.events} == {conversation.session.id}
        said = of_type(conversation.session.events, EventType.USER_TRANSCRIPT)
        assert [e.text for e in said] == [text]
    assert len(ids) == SESSIONS
