"""Past `max_voice_streams` live streams a new voice stream is refused with a localised message the
visitor sees (a chat notice, then the stream closed with the same words), never a silent hang.
Driven through fastrtc's stream handler, as the page's WebRTC connection does."""
from __future__ import annotations

import asyncio
import gc

import numpy as np
import pytest
from fastrtc import AdditionalOutputs, CloseStream

from assistant import EventType
from assistant.settings import clear_caches
from assistant.voice import live_voice_streams
from demo import voice_stream
from demo.sessions import ConversationStore
from languages import phrase

FRAME = (48000, np.zeros((1, 960), np.int16))


@pytest.fixture()
def store(config_copy, monkeypatch) -> ConversationStore:
    path = config_copy / "app.yaml"
    path.write_text("\n".join("max_voice_streams: 2" if line.startswith("max_voice_streams:") else line
                              for line in path.read_text().splitlines()) + "\n")
    clear_caches()
    gc.collect()   # streams other tests opened and dropped without closing are gone
    store = ConversationStore()
    monkeypatch.setattr(voice_stream, "conversations", lambda: store)   # not the process-wide store
    return store


async def open_stream(store: ConversationStore, visitor_id: str, language: str = "en"):
    if store.get(visitor_id) is None:
        store.start(visitor_id, language, "medium", True)
    handler = voice_stream.ConsoleStreamHandler()
    handler.set_args(["__webrtc_value__", visitor_id])   # what the page sends
    await handler.start_up()
    return handler


async def test_a_stream_past_the_limit_is_refused_in_the_visitors_language(store):
    assert live_voice_streams() == 0
    first, second = await open_stream(store, "a"), await open_stream(store, "b")
    assert first.voice is not None and second.voice is not None and live_voice_streams() == 2

    refused = await open_stream(store, "c", "es")
    assert refused.voice is None and live_voice_streams() == 2
    words = phrase("es", "voice_full")
    shown = await refused.emit()                 # the chat pane gets the notice...
    assert isinstance(shown, AdditionalOutputs) and shown.args == ("c", EventType.NOTICE.value)
    assert store.get("c").view.messages[-1]["content"] == f"_{words}_"
    closing = await refused.emit()               # ...then the stream ends with the same words
    assert isinstance(closing, CloseStream) and closing.msg == words
    await refused.receive(FRAME)                 # frames that still arrive are ignored
    notices = [e for e in store.get("c").session.events if e.type == EventType.NOTICE]
    assert [n.kind for n in notices] == ["voice_full"]

    # a place frees up when a stream ends: the next one is accepted
    left = first.conversation
    first.shutdown()
    while not left.compacted:    # closed, then compacted
        await asyncio.sleep(0.01)
    assert left.channel is None and live_voice_streams() == 1
    again = await open_stream(store, "c", "es")
    assert again.voice is not None and live_voice_streams() == 2
    for handler in (second, again):
        await handler.voice.close()


async def test_a_visitor_reconnecting_at_the_limit_replaces_its_own_stream(store):
    first, second = await open_stream(store, "a"), await open_stream(store, "b")
    old = first.voice
    reconnect = await open_stream(store, "a")    # the same page opens a new stream
    assert reconnect.voice is not None and reconnect.voice is not old
    assert store.get("a").channel is reconnect.voice and live_voice_streams() == 2
    for handler in (second, reconnect):
        await handler.voice.close()
    assert live_voice_streams() == 0


def test_every_language_has_the_message():
    from languages import all_languages

    texts = {language.code: phrase(language.code, "voice_full") for language in all_languages()}
    assert len(texts) == 43 and all(texts.values())
    assert len(set(texts.values())) == 43, "each language has its own words"
