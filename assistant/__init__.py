"""The conversation engine: typed events, sessions, the turn loop and the offline agent."""
from .events import (Audio, ErrorEvent, Event, EventType, Filler, Notice, PreSpeechText, ProviderFallback,
                     StateChange, Thinking, ToolCall, ToolResult, TurnMetrics, Understood, UserTranscript,
                     VadActivity)
from .agents import LlmAgent, OfflineAgent
from .session import Session
from .turn import Reply, Turn
from .settings import app_settings, environment_presets, ui_language_codes, voice_settings
from .understanding import Slots, understand

__all__ = [
    "Audio", "ErrorEvent", "Event", "ProviderFallback", "StateChange", "VadActivity", "EventType", "Filler", "Notice", "PreSpeechText", "Thinking", "ToolCall",
    "ToolResult", "TurnMetrics", "Understood", "UserTranscript", "LlmAgent", "OfflineAgent", "Reply", "Session", "Turn",
    "app_settings", "environment_presets", "ui_language_codes", "voice_settings", "Slots", "understand",
]
