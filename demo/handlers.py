"""Plain functions behind the Voice tab's controls: they call into the engine and return UI values."""
from __future__ import annotations

from typing import AsyncIterator

import gradio as gr
import numpy as np

from assistant import Audio, EventType, app_settings
from assistant.voice.audio import StreamingResampler

from .chat_view import ChatView
from .event_log import DEFAULT_KINDS, latency_figure, log_html, log_rows
from .render import route_card, status_html
from .sessions import Conversation, conversations
from .startup import warm_up

Message = dict


def greeting_messages(language: str, note: str | None = None) -> list[Message]:
    """The chat pane of a new conversation: an optional note, then the greeting."""
    view = ChatView()
    view.greet(language, note)
    return view.messages


def _conversation(visitor_id: str | None, language: str, environment: str, interruptions: bool) -> Conversation:
    conversation = conversations().get(visitor_id)
    if conversation is None:
        conversation = conversations().start(visitor_id, language, environment, bool(interruptions))
        conversation.view.greet(conversation.session.language)
    return conversation


def log_view(conversation: Conversation, kinds: list[str] | None) -> str:
    return log_html(log_rows(conversation.session.events, DEFAULT_KINDS if kinds is None else kinds))


def load_visitor(browser_copy: dict | None, language: str, environment: str, interruptions: bool, kinds: list[str]):
    """Page load: a returning browser gets its conversation back (welcomed in its language)."""
    copy = browser_copy if isinstance(browser_copy, dict) else {}
    visitor_id = str(copy.get("visitor_id") or "") or None
    conversation = conversations().get(visitor_id)
    if conversation is None and visitor_id and copy.get("messages"):   # the server restarted: the browser's copy
        messages = [m for m in copy["messages"] if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
        conversation = conversations().start(visitor_id, str(copy.get("language") or language), environment,
                                             bool(interruptions), messages)
    if conversation is not None:
        conversation.view.greet(conversation.session.language, key="welcome_back")
    else:
        conversation = conversations().start(None, language, environment, bool(interruptions))
        conversation.view.greet(conversation.session.language)
    session = conversation.session
    warm_up(session.language)
    return (conversation.visitor_id, conversation.view.messages, session.language, route_card(session.language),
            status_html(conversation.view.badges), log_view(conversation, kinds), conversation.browser_copy())


def change_language(language: str, visitor_id: str | None, environment: str, interruptions: bool,
                    kinds: list[str]):
    """A new language starts a new conversation (the language is locked per conversation)."""
    old = conversations().get(visitor_id)
    fresh = conversations().start(visitor_id, language, environment, bool(interruptions))
    note = None
    if old is not None and any(m["role"] == "user" for m in old.view.messages):
        note = f"New conversation in {fresh.session.language}: the language is fixed for a conversation."
    fresh.view.greet(fresh.session.language, note)
    warm_up(fresh.session.language)
    return (fresh.visitor_id, fresh.view.messages, "", route_card(language), status_html(),
            log_view(fresh, kinds), None, fresh.browser_copy())


def change_environment(visitor_id: str | None, environment: str) -> None:
    """The VAD preset changes at once, even during a live stream (no reconnect)."""
    conversation = conversations().get(visitor_id)
    if conversation is not None:
        conversation.session.environment = environment


async def toggle_interruptions(visitor_id: str | None, interruptions: bool, kinds: list[str], language: str,
                               environment: str):
    """Barge-in on or off; the assistant says so in the conversation's language (over the live stream
    when one is open, else in the reply player)."""
    conversation = _conversation(visitor_id, language, environment, interruptions)
    pieces = []
    if conversation.channel is not None:
        await conversation.channel.set_interruptions(bool(interruptions))
    else:
        session = conversation.session
        session.interruptions = bool(interruptions)
        async for event in session.speak("interruptions_on" if interruptions else "interruptions_off"):
            if isinstance(event, Audio):
                pieces.append(event)
            else:
                conversation.view.apply(event)
    view = conversation.view
    return view.messages, view.speech, log_view(conversation, kinds), played_reply(conversation, pieces)


def played_reply(conversation: Conversation, pieces: list[Audio]) -> tuple[int, np.ndarray] | None:
    """A typed turn's voice for the player; it goes into the conversation's recording from now."""
    audio = reply_audio(pieces)
    if audio is not None and conversation.session.recorder is not None:
        conversation.session.recorder.add_audio("assistant", audio[1], audio[0], starts_now=True)
    return audio


def reply_audio(chunks: list[Audio], rate: int = 24000) -> tuple[int, np.ndarray] | None:
    """The audio events of a reply joined at one rate, for the typed-turn player; None when silent."""
    if not chunks:
        return None
    resampler = StreamingResampler(chunks[0].sample_rate, rate)
    return rate, np.concatenate([resampler.process(c.samples) for c in chunks] + [resampler.flush()])


async def send_text(text: str, visitor_id: str | None, language: str, environment: str, interruptions: bool,
                    kinds: list[str]) -> AsyncIterator[tuple]:
    """Run one typed turn. Yields (chat, speech, status, text box, event log, plot, audio, browser copy,
    route card) after each visible event; the plot, the reply's voice and the browser copy come with the last."""
    conversation = _conversation(visitor_id, language, environment, interruptions)
    view, pieces = conversation.view, []
    skip = gr.skip()
    async for event in conversation.session.handle_text(text):
        if isinstance(event, Audio):
            pieces.append(event)
            continue
        if not view.apply(event):
            continue
        done = event.type == EventType.TURN_METRICS
        # the reply's voice is complete once the turn's metrics arrive (they follow its last chunk)
        yield (view.messages, view.speech, status_html(view.badges), "", log_view(conversation, kinds),
               latency_figure(view.latest_metrics) if done else skip,
               played_reply(conversation, pieces) if done else skip, conversation.browser_copy() if done else skip,
               route_card(conversation.session.language, view.understood))


def voice_update(visitor_id: str | None, kinds: list[str], _visitor: str = "", kind: str = ""):
    """Render what a live voice stream changed (called by fastrtc for each AdditionalOutputs)."""
    conversation = conversations().get(_visitor or visitor_id)
    if conversation is None:
        return (gr.skip(),) * 7
    view = conversation.view
    plot = latency_figure(view.latest_metrics) if kind == EventType.TURN_METRICS.value else gr.skip()
    return (view.messages, view.speech, status_html(view.badges), log_view(conversation, kinds), plot,
            conversation.browser_copy(), route_card(conversation.session.language, view.understood))


def export_recording(visitor_id: str | None) -> list[str]:
    """The conversation's recording: a stereo 48 kHz WAV (you left, assistant right) and its events as JSON."""
    conversation = conversations().get(visitor_id)
    recorder = conversation.session.recorder if conversation is not None else None
    files = recorder.export() if recorder is not None else None
    if not files:
        raise gr.Error("Nothing recorded yet: speak or type a request first.", title="No recording")
    return [str(path) for path in files]


def filter_log(visitor_id: str | None, kinds: list[str]) -> str:
    conversation = conversations().get(visitor_id)
    return log_view(conversation, kinds) if conversation is not None else log_html([])


def max_input_chars() -> int:
    return app_settings().max_input_chars
