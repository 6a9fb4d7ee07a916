"""demo.sessions: conversations by visitor id, bounded in number and idle time, and the browser copy."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest

from assistant import ErrorEvent, ProviderFallback, Session, Thinking, UserTranscript
from demo.chat_view import ChatView
from demo.sessions import (BROWSER_COPY_MESSAGES, IDLE_LIMIT_S, MAX_CONVERSATIONS, Conversation, ConversationStore,
                           conversations, new_visitor_id)

from ..conftest import TODAY


def offline_conversation(visitor_id: str, language: str = "en") -> Conversation:
    """A conversation with a silent, offline session (no provider is touched)."""
    return Conversation(visitor_id, Session(language, llm=None, voices=None, today=TODAY), ChatView())


def test_defaults():
    store = ConversationStore()
    assert (store.limit, store.idle_s) == (MAX_CONVERSATIONS, IDLE_LIMIT_S)
    assert len(store) == 0
    assert conversations() is conversations()          # one process-wide store


def test_put_and_get():
    store = ConversationStore(limit=3)
    conversation = store.put(offline_conversation("a"))
    assert store.get("a") is conversation
    assert store.get("missing") is None
    assert store.get(None) is None and store.get("") is None
    assert len(store) == 1


def test_by_session_finds_the_conversation_of_a_session():
    store = ConversationStore()
    a, b = store.put(offline_conversation("a")), store.put(offline_conversation("b"))
    assert store.by_session(b.session.id) is b and store.by_session(a.session.id) is a
    assert store.by_session("no-such-session") is None


def test_least_recently_used_goes_first_when_full():
    store = ConversationStore(limit=3)
    for visitor in "abc":
        store.put(offline_conversation(visitor))
    store.put(offline_conversation("d"))
    assert len(store) == 3
    assert store.get("a") is None
    assert all(store.get(v) is not None for v in "bcd")


def test_get_refreshes_recency():
    store = ConversationStore(limit=3)
    for visitor in "abc":
        store.put(offline_conversation(visitor))
    assert store.get("a") is not None                # "a" is now the most recent; "b" the oldest
    store.put(offline_conversation("d"))
    assert store.get("b") is None
    assert all(store.get(v) is not None for v in "acd")


def test_get_refreshes_last_used():
    store = ConversationStore()
    conversation = store.put(offline_conversation("a"))
    conversation.last_used -= 100
    before = conversation.last_used
    store.get("a")
    assert conversation.last_used > before + 99


def test_putting_the_same_visitor_again_replaces_it():
    store = ConversationStore(limit=2)
    store.put(offline_conversation("a"))
    newer = store.put(offline_conversation("a"))
    assert len(store) == 1 and store.get("a") is newer


def test_idle_conversations_are_evicted_by_setting_last_used_back():
    store = ConversationStore(limit=10, idle_s=60)
    old = store.put(offline_conversation("old"))
    store.put(offline_conversation("fresh"))
    old.last_used = time.monotonic() - 61
    store.put(offline_conversation("new"))            # eviction runs when a conversation is added
    assert store.get("old") is None
    assert store.get("fresh") is not None and store.get("new") is not None


def test_idle_conversations_are_evicted_after_a_short_sleep():
    store = ConversationStore(limit=10, idle_s=0.05)
    store.put(offline_conversation("a"))
    store.put(offline_conversation("b"))
    time.sleep(0.08)
    store.put(offline_conversation("c"))
    assert len(store) == 1
    assert store.get("c") is not None and store.get("a") is None and store.get("b") is None


def test_a_recently_used_conversation_survives_idle_eviction():
    store = ConversationStore(limit=10, idle_s=60)
    a, b = store.put(offline_conversation("a")), store.put(offline_conversation("b"))
    a.last_used = b.last_used = time.monotonic() - 50
    store.get("a")                                     # "a" used again: fresh, and now the most recent
    b.last_used -= 20                                  # "b" idle 70 s
    store.put(offline_conversation("c"))
    assert store.get("b") is None
    assert store.get("a") is not None and store.get("c") is not None


def test_start_keeps_a_given_visitor_id():
    store = ConversationStore()
    conversation = store.start("visitor-123", "es", "noisy", False)
    assert conversation.visitor_id == "visitor-123"
    assert store.get("visitor-123") is conversation
    session = conversation.session
    assert (session.language, session.environment, session.interruptions) == ("es", "noisy", False)


@pytest.mark.parametrize("given", [None, ""])
def test_start_creates_a_visitor_id_when_there_is_none(given):
    store = ConversationStore()
    first = store.start(given, "en", "medium", True)
    second = store.start(given, "en", "medium", True)
    assert first.visitor_id and second.visitor_id and first.visitor_id != second.visitor_id
    assert len(first.visitor_id) >= 16                 # 12 random bytes, URL-safe
    assert store.get(first.visitor_id) is first and store.get(second.visitor_id) is second


def test_start_restores_messages_from_the_browser():
    store = ConversationStore()
    saved = [{"role": "user", "content": "hola"}, {"role": "assistant", "content": "¡Hola!"}]
    conversation = store.start("v", "es", "medium", True, messages=saved)
    assert conversation.view.messages == saved
    assert conversation.view.messages is not saved


def test_new_visitor_ids_are_unique_and_url_safe():
    ids = {new_visitor_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(set(i) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for i in ids)


# -- the browser copy ----------------------------------------------------------------------------------

def test_browser_copy_keeps_the_last_messages():
    conversation = offline_conversation("v", "fr")
    conversation.view.messages = [{"role": "user", "content": f"m{i}"} for i in range(BROWSER_COPY_MESSAGES + 15)]
    copy = conversation.browser_copy()
    assert copy["visitor_id"] == "v" and copy["language"] == "fr"
    assert len(copy["messages"]) == BROWSER_COPY_MESSAGES
    assert copy["messages"][0]["content"] == "m15" and copy["messages"][-1]["content"] == f"m{BROWSER_COPY_MESSAGES + 14}"


def test_browser_copy_of_a_short_chat_keeps_everything():
    conversation = offline_conversation("v")
    conversation.view.greet("en")
    copy = conversation.browser_copy()
    assert copy["messages"] == conversation.view.messages and len(copy["messages"]) == 1


SENTINELS = {"OPENAI_API_KEY": "sk-SENTINEL-openai", "DEEPGRAM_API_KEY": "dg-SENTINEL-deepgram",
             "CARTESIA_API_KEY": "sk_car_SENTINEL-cartesia", "AMADEUS_CLIENT_ID": "SENTINEL-amadeus-id",
             "AMADEUS_CLIENT_SECRET": "SENTINEL-amadeus-secret", "DUFFEL_ACCESS_TOKEN": "duffel_test_SENTINEL",
             "POLYGLOT_BROWSER_SECRET": "SENTINEL-browser-secret"}


async def test_browser_copy_never_contains_provider_keys(monkeypatch):
    for name, value in SENTINELS.items():
        monkeypatch.setenv(name, value)
    store = ConversationStore()
    conversation = store.start(None, "es", "medium", True)   # its session is built with the keys set
    conversation.view.greet("es")
    # a whole offline turn, rendered into the conversation's chat pane
    offline = Session("es", llm=None, voices=None, today=TODAY)
    async for event in offline.handle_text("Quiero volar de Madrid a Londres mañana"):
        conversation.view.apply(event)
    # events whose technical fields mention a key (as a careless error message might)
    seq = 10_000
    for event_type, fields in ((ProviderFallback, dict(stage="voice", failed="cartesia", used="espeak",
                                                       reason=f"auth: bad key {SENTINELS['CARTESIA_API_KEY']}")),
                               (ErrorEvent, dict(message="Flight data failed.", stage="flight_data",
                                                 detail=f"401 for {SENTINELS['DUFFEL_ACCESS_TOKEN']}")),
                               (Thinking, dict(text="Let me check that."))):
        seq += 1
        conversation.view.apply(event_type(session_id="x", seq=seq, turn=99, **fields))
    conversation.view.apply(UserTranscript(session_id="x", seq=seq + 1, turn=100, text="gracias"))
    copy = conversation.browser_copy()
    text = json.dumps(copy, ensure_ascii=False)
    assert len(copy["messages"]) >= 4 and "Londres" in text     # a real chat was copied
    for name, value in SENTINELS.items():
        assert value not in text, name
        assert "SENTINEL" not in text
    assert set(copy) == {"visitor_id", "language", "messages"}


def test_get_does_not_return_an_expired_conversation():
    store = ConversationStore(limit=10, idle_s=60)
    old = store.start("old", "en", "medium", True)
    old.last_used -= 120
    assert store.get("old") is None and len(store) == 0


# -- idle conversations are compacted ----------------------------------------------------------

async def typed_turns(conversation: Conversation, texts: list[str]) -> None:
    for text in texts:
        async for event in conversation.session.handle_text(text):
            conversation.view.apply(event)


async def test_an_idle_conversation_keeps_what_a_returning_visitor_needs():
    from assistant.voice.recording import ConversationRecorder
    from demo.sessions import IDLE_EVENTS

    conversation = offline_conversation("idle", "es")
    session = conversation.session
    session.recorder = ConversationRecorder(session.id)
    await typed_turns(conversation, ["de Madrid a Londres mañana", "hola", "y de París a Roma el viernes"] * 6)
    session.recorder.add_audio("visitor", np.ones(4800, np.int16), 48000)
    messages, history = list(conversation.view.messages), list(session.history)
    badges, metrics = dict(conversation.view.badges), conversation.view.latest_metrics
    last_events = list(session.events)[-IDLE_EVENTS:]
    assert len(session.events) > IDLE_EVENTS and session.recorder.buffered_bytes > 0

    conversation.compact()

    # kept: the language, the chat pane, the model's history, the latest metrics, the newest events
    assert session.language == "es" and conversation.view.messages == messages and list(session.history) == history
    assert conversation.view.badges == badges and conversation.view.latest_metrics is metrics
    assert list(session.events) == last_events
    # dropped: older events (the recording keeps them on disk), the recorder's buffers
    assert session.recorder.buffered_bytes == 0
    _wav, exported = session.recorder.export()
    recorded = json.loads(exported.read_text())["events"]
    assert len(recorded) > IDLE_EVENTS and recorded[-1]["seq"] == last_events[-1].seq
    # an event shown before compaction is still not shown twice; the next turn shows as usual
    assert conversation.view.apply(last_events[-1]) is False
    await typed_turns(conversation, ["de Madrid a Londres mañana"])
    assert len(conversation.view.messages) == len(messages) + 2
    session.recorder.close()


async def test_a_conversation_with_a_live_stream_or_turn_is_not_compacted():
    conversation = offline_conversation("busy")
    await typed_turns(conversation, ["from Madrid to London tomorrow"] * 20)
    before = len(conversation.session.events)
    conversation.channel = object()   # a live voice stream
    conversation.compact()
    assert len(conversation.session.events) == before and not conversation.compacted
    conversation.channel = None
    turn = conversation.session.handle_text("from Paris to Rome tomorrow")
    await turn.__anext__()            # a turn is running
    conversation.compact()
    assert len(conversation.session.events) > before and not conversation.compacted
    await turn.aclose()


def test_the_store_compacts_conversations_unused_for_a_while():
    from demo.sessions import COMPACT_AFTER_S

    store = ConversationStore()
    old, recent = store.put(offline_conversation("old")), store.put(offline_conversation("recent"))
    old.last_used -= COMPACT_AFTER_S + 1
    store.get("recent")
    assert old.compacted and not recent.compacted
    store.get("old")                  # the visitor is back: in use again
    assert not old.compacted


async def test_ending_a_stream_closes_it_and_compacts_the_conversation():
    from assistant.voice import VoiceChannel, live_voice_streams

    conversation = offline_conversation("voice")
    channel = VoiceChannel(conversation.session, None)
    conversation.channel = channel
    before = live_voice_streams()
    await channel.start()
    assert live_voice_streams() == before + 1
    await conversation.end_stream(channel)
    assert conversation.channel is None and conversation.compacted
    assert live_voice_streams() == before
