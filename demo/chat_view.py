"""The chat pane of one conversation, built from its events.

Both inputs (typed text and the voice stream) feed the same view, so the pane shows each event
once, in order: a live bubble for interim transcripts, one thinking indicator per turn that the
reply replaces, and nothing late from a turn that was interrupted.
"""
from __future__ import annotations

import html
from collections import deque

from assistant import Event, EventType
from languages import phrase

from .render import flight_badge

Message = dict
SEEN_LIMIT = 2000
LISTENING_STATES = frozenset({"transcribing", "stt_rejected", "stt_loading", "stt_ready"})
LISTENING_TEXT = "🎙️ …"   # the visitor's words will replace it
MAX_MESSAGES = 200     # the pane keeps the last 200 messages (about 100 turns); older ones are dropped


def escape_user_text(text: str) -> str:
    """User words are shown verbatim: HTML and markdown characters are escaped, never rendered."""
    escaped = html.escape(text, quote=False)
    for ch in "\\`*_{}[]()#+-.!|~>":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


class ChatView:
    """Applies events to a list of Gradio chat messages, plus the speech pane and stage badges."""

    def __init__(self, messages: list[Message] | None = None, max_messages: int = MAX_MESSAGES) -> None:
        self.max_messages = max_messages
        self.messages: list[Message] = list(messages or [])[-max_messages:]
        self.speech = ""
        self.badges: dict[str, tuple[str, str, str]] = {}
        self.latest_metrics: Event | None = None
        self.understood: dict | None = None   # the request as read so far (route card)
        self._seen: deque[int] = deque(maxlen=SEEN_LIMIT)
        self._seen_set: set[int] = set()
        self._seen_up_to = 0                        # every event up to this seq was seen (after `compact`)
        self._live_user: int | None = None          # index of the interim-transcript bubble
        self._assistant: dict[int, int] = {}        # turn -> index of its assistant message
        self._interrupted: set[int] = set()
        self._loading: int | None = None              # index of the "loading the offline speech model" note

    def greet(self, language: str, note: str | None = None, key: str = "greeting") -> None:
        if note:
            self.messages.append({"role": "assistant", "content": f"_{html.escape(note)}_"})
        self.messages.append({"role": "assistant", "content": phrase(language, key)})
        if len(self.messages) > self.max_messages:
            self._drop_oldest(len(self.messages) - self.max_messages)

    def compact(self) -> None:
        """Forget the bookkeeping of finished turns (the conversation is idle: no turn or stream is
        live); the messages, speech pane, badges and latest metrics stay."""
        self._seen_up_to = max(self._seen_up_to, *self._seen_set) if self._seen_set else self._seen_up_to
        self._seen, self._seen_set = deque(maxlen=SEEN_LIMIT), set()
        self._live_user = None
        self._assistant, self._interrupted = {}, set()

    def _first_time(self, event: Event) -> bool:
        if event.seq <= self._seen_up_to or event.seq in self._seen_set:
            return False
        if len(self._seen) == self._seen.maxlen:
            self._seen_set.discard(self._seen[0])
        self._seen.append(event.seq)
        self._seen_set.add(event.seq)
        return True

    def _put_assistant(self, turn: int, message: Message) -> None:
        index = self._assistant.get(turn)
        if index is None or index >= len(self.messages):
            self.messages.append(message)
            self._assistant[turn] = len(self.messages) - 1
        else:
            self.messages[index] = message

    def apply(self, event: Event) -> bool:
        """Show one event; returns False when it was a repeat or a late event of an interrupted turn."""
        if not self._first_time(event):
            return False
        shown = self._show(event)
        if len(self.messages) > self.max_messages:
            self._drop_oldest(len(self.messages) - self.max_messages)
        return shown

    def _drop_oldest(self, count: int) -> None:
        """Drop the first `count` messages; the remembered positions move with the rest."""
        del self.messages[:count]
        if self._live_user is not None:
            self._live_user = self._live_user - count if self._live_user >= count else None
        self._assistant = {turn: i - count for turn, i in self._assistant.items() if i >= count}

    def _show(self, event: Event) -> bool:
        kind = event.type
        if kind == EventType.STATE and event.state == "interrupted":
            return self._interrupt(event.turn)
        if kind == EventType.STATE and event.state in LISTENING_STATES:
            return self._listening(event.state, event.detail)
        if event.turn in self._interrupted and kind in (EventType.THINKING, EventType.FILLER,
                                                         EventType.PRE_SPEECH_TEXT, EventType.AUDIO):
            return False
        if kind == EventType.USER_TRANSCRIPT:
            self._user(event)
        elif kind == EventType.NOTICE:
            self.messages.append({"role": "assistant", "content": f"_{html.escape(event.text)}_"})
        elif kind in (EventType.THINKING, EventType.FILLER):
            self._put_assistant(event.turn, {"role": "assistant", "content": "",
                                             "metadata": {"title": event.text, "status": "pending"}})
        elif kind == EventType.TOOL_RESULT:
            self.badges["flight_data"] = flight_badge(event.source, event.used_fallback)
        elif kind == EventType.PRE_SPEECH_TEXT:
            # markdown stays, HTML does not: a model may echo markup it was sent
            self._put_assistant(event.turn, {"role": "assistant", "content": html.escape(event.chat_markdown, quote=False)})
            self.speech = event.speech_text
        elif kind == EventType.ERROR:
            self._error(event)
        elif kind == EventType.PROVIDER_FALLBACK:
            self.badges[event.stage] = (event.used, "fallback", f"{event.failed} failed: {event.reason}")
        elif kind == EventType.UNDERSTOOD:
            self.understood = {k: v for k, v in event.to_dict().items()
                               if k in ("origin", "destination", "origin_name", "destination_name", "date",
                                        "details", "unknown_place", "ambiguous")}
        elif kind == EventType.TOOL_CALL:  # the model path's reading, or the offline search itself
            self.understood = understood_from_arguments(event.arguments, self.understood)
        elif kind == EventType.TURN_METRICS:
            self.latest_metrics = event
            self._badges_from(event.providers)
        else:
            return False
        return True

    def _user(self, event: Event) -> None:
        message = {"role": "user", "content": escape_user_text(event.text)}
        if self._live_user is not None and self._live_user < len(self.messages):
            self.messages[self._live_user] = message
        else:
            self.messages.append(message)
            self._live_user = len(self.messages) - 1
        if event.final:
            self._live_user = None

    def _listening(self, state: str, detail: str) -> bool:
        """The offline recogniser is at work: a pending bubble where the words will appear; gone if it heard nothing."""
        if state == "transcribing":
            message = {"role": "user", "content": LISTENING_TEXT}
            if self._live_user is not None and self._live_user < len(self.messages):
                self.messages[self._live_user] = message
            else:
                self.messages.append(message)
                self._live_user = len(self.messages) - 1
        elif state == "stt_rejected" and self._live_user is not None and self._live_user < len(self.messages):
            if self.messages[self._live_user]["content"] == LISTENING_TEXT:
                index, self._live_user = self._live_user, None
                self._remove(index)
        elif state == "stt_loading":
            self.messages.append({"role": "assistant", "content": f"_{html.escape(detail)} …_"})
            self._loading = len(self.messages) - 1
        elif state == "stt_ready" and self._loading is not None and self._loading < len(self.messages):
            self.messages[self._loading] = {"role": "assistant", "content": f"_{html.escape(detail)}_"}
            self._loading = None
        return True

    def _error(self, event: Event) -> None:
        message = {"role": "assistant", "content": f"⚠️ {html.escape(event.message)}"}
        if event.stage == "input":
            self.messages.append(message)
        else:
            self._put_assistant(event.turn, message)
            self.speech = event.message
        stage = event.stage if event.stage in ("assistant", "flight_data", "voice", "speech_to_text") else "assistant"
        self.badges[stage] = ("failed", "error", event.detail)

    def _interrupt(self, turn: int) -> bool:
        self._interrupted.add(turn)
        index = self._assistant.get(turn)
        if index is not None and index < len(self.messages):
            message = self.messages[index]
            if (message.get("metadata") or {}).get("status") == "pending":
                self._remove(index)   # a thinking indicator never lingers
                self._assistant.pop(turn)
            else:
                self.messages[index] = {"role": "assistant", "content": message["content"] + " _(interrupted)_"}
        return True

    def _remove(self, index: int) -> None:
        """Delete a message and keep the remembered positions of the ones after it right."""
        self.messages.pop(index)
        if self._live_user is not None and self._live_user > index:
            self._live_user -= 1
        if self._loading is not None and self._loading > index:
            self._loading -= 1
        self._assistant = {turn: i - 1 if i > index else i for turn, i in self._assistant.items()}

    def _badges_from(self, providers: dict[str, str]) -> None:
        stt = providers.get("speech_to_text", "typed")
        current = self.badges.get("speech_to_text")
        if not (current and current[:2] == (stt, "fallback")):   # the recogniser that took over stays marked
            self.badges["speech_to_text"] = (("typed text", "offline", "typed input") if stt == "typed"
                                             else (stt, "offline", "embedded recogniser") if stt.startswith("whisper")
                                             else (stt, "live", "streaming transcription"))
        assistant = providers.get("assistant", "offline")
        if "fallback" not in assistant:
            self.badges["assistant"] = (("rule-based agent", "offline", "embedded, no key needed")
                                        if assistant == "offline" else (assistant, "live", "answered"))
        voice = providers.get("voice", "")
        if voice and "fallback" not in voice:
            self.badges["voice"] = (("espeak-ng", "offline", "offline voice") if voice == "espeak"
                                    else ("text only", "offline", "no voice") if voice in ("none", "text only")
                                    else (voice, "live", "streamed per sentence"))


def understood_from_arguments(arguments: dict, earlier: dict | None) -> dict:
    """The route card's "understood" from a search's arguments (names kept when the codes are the same)."""
    rest = dict(arguments)
    found = {"origin": rest.pop("origin", None), "destination": rest.pop("destination", None),
             "date": rest.pop("date", None), "unknown_place": None, "ambiguous": [],
             "details": {k: v for k, v in rest.items() if v not in (None, False, "")}}
    for end in ("origin", "destination"):
        same = earlier is not None and earlier.get(end) == found[end]
        found[f"{end}_name"] = earlier.get(f"{end}_name") if same else None
    return found
