"""Typed events of a conversation. The UI renders them; tests assert on them."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from enum import Enum


class EventType(str, Enum):
    USER_TRANSCRIPT = "user_transcript"
    THINKING = "thinking"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    FILLER = "filler"                  # "one moment" while a slow search runs
    PRE_SPEECH_TEXT = "pre_speech_text"
    AUDIO = "audio"
    TURN_METRICS = "turn_metrics"
    NOTICE = "notice"                  # input was cut, language locked, ...
    ERROR = "error"


@dataclass(kw_only=True)
class Event:
    """Base of every event: its type, the session it belongs to and a per-session sequence number."""

    type: EventType = field(init=False)
    session_id: str
    seq: int
    turn: int
    at: float = field(default_factory=time.time)

    def to_dict(self) -> dict:
        """JSON-ready form (enums as their values)."""
        data = asdict(self)
        data["type"] = self.type.value
        return data


@dataclass(kw_only=True)
class UserTranscript(Event):
    type: EventType = field(default=EventType.USER_TRANSCRIPT, init=False)
    text: str
    final: bool = True
    source: str = "text"   # "text" (typed) or "voice"


@dataclass(kw_only=True)
class Thinking(Event):
    type: EventType = field(default=EventType.THINKING, init=False)
    text: str


@dataclass(kw_only=True)
class ToolCall(Event):
    type: EventType = field(default=EventType.TOOL_CALL, init=False)
    name: str
    arguments: dict


@dataclass(kw_only=True)
class ToolResult(Event):
    type: EventType = field(default=EventType.TOOL_RESULT, init=False)
    name: str
    source: str | None
    count: int
    attempts: list[dict]
    used_fallback: bool = False   # a tier other than the first one tried answered


@dataclass(kw_only=True)
class Filler(Event):
    type: EventType = field(default=EventType.FILLER, init=False)
    text: str


@dataclass(kw_only=True)
class PreSpeechText(Event):
    type: EventType = field(default=EventType.PRE_SPEECH_TEXT, init=False)
    chat_markdown: str
    speech_text: str
    language: str


@dataclass(kw_only=True)
class TurnMetrics(Event):
    type: EventType = field(default=EventType.TURN_METRICS, init=False)
    total_ms: float
    understand_ms: float
    tool_ms: float
    format_ms: float
    providers: dict[str, str]   # stage -> provider that served it


@dataclass(kw_only=True)
class Notice(Event):
    type: EventType = field(default=EventType.NOTICE, init=False)
    text: str
    kind: str


@dataclass(kw_only=True)
class ErrorEvent(Event):
    type: EventType = field(default=EventType.ERROR, init=False)
    message: str       # for people: says what failed, in the session language
    stage: str         # assistant / flight_data / input / ...
    detail: str = ""   # short technical reason, for the event log
