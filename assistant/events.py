"""Typed events of a conversation. The UI renders them; tests assert on them."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from enum import Enum

import numpy as np


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
    VAD = "vad"                        # the voice activity detector heard speech start or stop
    STATE = "state"                    # listening / thinking / speaking, settings toggled, stream opened
    PROVIDER_FALLBACK = "provider_fallback"   # a stage fell back to its offline default
    UNDERSTOOD = "understood"          # what the offline agent read from the request so far


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
class Understood(Event):
    """What the request has given so far (this turn's words merged with earlier ones): codes, the
    places' names as the reply says them, the date, the trip details, and what is unsettled."""

    type: EventType = field(default=EventType.UNDERSTOOD, init=False)
    origin: str | None
    destination: str | None
    origin_name: str | None
    destination_name: str | None
    date: str | None
    details: dict
    unknown_place: str | None = None
    ambiguous: list[str] = field(default_factory=list)


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
    """The reply's text, shown before its audio plays. While a model streams, each new sentence sends
    the text so far (`final=False`); the last event of a turn has the whole reply (`final=True`)."""

    type: EventType = field(default=EventType.PRE_SPEECH_TEXT, init=False)
    chat_markdown: str
    speech_text: str
    language: str
    final: bool = True


@dataclass(kw_only=True)
class Audio(Event):
    """A chunk of the assistant's voice (mono int16). `sentence` counts from 0 within the turn."""

    type: EventType = field(default=EventType.AUDIO, init=False)
    sample_rate: int
    samples: np.ndarray = field(repr=False)
    sentence: int
    provider: str
    n_samples: int = -1          # the chunk's length, kept when the samples are dropped from a log

    def __post_init__(self) -> None:
        if self.n_samples < 0:
            self.n_samples = int(len(self.samples))

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.sample_rate if self.sample_rate else 0.0

    def without_samples(self) -> "Audio":
        """The same event with no samples: what a session's event log keeps (memory stays flat)."""
        return replace(self, samples=_NO_SAMPLES, n_samples=self.n_samples)

    def to_dict(self) -> dict:
        data = {k: v for k, v in vars(self).items() if k != "samples"}
        data["type"] = self.type.value
        return data


_NO_SAMPLES = np.zeros(0, np.int16)


@dataclass(kw_only=True)
class TurnMetrics(Event):
    """Timings of one turn. `stages_ms` are offsets from the turn's origin (end of speech, or Send)."""

    type: EventType = field(default=EventType.TURN_METRICS, init=False)
    total_ms: float
    understand_ms: float
    tool_ms: float
    format_ms: float
    providers: dict[str, str]   # stage -> provider that served it
    stages_ms: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False


@dataclass(kw_only=True)
class VadActivity(Event):
    type: EventType = field(default=EventType.VAD, init=False)
    kind: str                    # speech_started / speech_ended
    at_s: float                  # stream time
    duration_s: float = 0.0      # speech duration, for speech_ended
    environment: str = ""


@dataclass(kw_only=True)
class StateChange(Event):
    type: EventType = field(default=EventType.STATE, init=False)
    state: str                   # listening / thinking / speaking / interrupted / stream_open / ...
    detail: str = ""


@dataclass(kw_only=True)
class ProviderFallback(Event):
    type: EventType = field(default=EventType.PROVIDER_FALLBACK, init=False)
    stage: str                   # speech_to_text / assistant / voice
    failed: str                  # provider that failed
    used: str                    # provider that served instead
    reason: str


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
