"""The conversation engine: typed events, sessions, the turn loop and the offline agent."""
from .events import (ErrorEvent, Event, EventType, Filler, Notice, PreSpeechText, Thinking,
                     ToolCall, ToolResult, TurnMetrics, UserTranscript)
from .session import OfflineAgent, Reply, Session, Turn
from .settings import app_settings, environment_presets, ui_language_codes, validate_all
from .understanding import Slots, understand

__all__ = [
    "ErrorEvent", "Event", "EventType", "Filler", "Notice", "PreSpeechText", "Thinking", "ToolCall",
    "ToolResult", "TurnMetrics", "UserTranscript", "OfflineAgent", "Reply", "Session", "Turn",
    "app_settings", "environment_presets", "ui_language_codes", "validate_all", "Slots", "understand",
]
