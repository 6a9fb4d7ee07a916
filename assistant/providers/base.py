"""The voice-stage interfaces (speech-to-text, language model, text-to-speech) and their value types.

Every adapter maps its SDK's failures to `ProviderError` (the project's one error set, shared with
the flight tiers) at its own edge, so no vendor exception reaches the engine.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import AsyncIterator

import numpy as np

from flight_search.providers.base import ErrorKind, ProviderError
from languages import TtsRoute

__all__ = [
    "AudioChunk", "ErrorKind", "LanguageModel", "LazySdkClient", "LlmDelta", "ProviderError", "SpeechToText",
    "SttStream", "TextToSpeech", "ToolRequest", "Transcript", "VoiceOptions",
]


@dataclass(frozen=True)
class VoiceOptions:
    """Limits of one provider call: how long to wait, how often to retry."""

    timeout_s: float = 10.0
    connect_timeout_s: float = 5.0
    retries: int = 0


@dataclass(frozen=True)
class AudioChunk:
    """Mono 16-bit PCM at `sample_rate`."""

    sample_rate: int
    samples: np.ndarray  # int16, shape (n,)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class Transcript:
    """A speech-to-text result. Interim results may change; a final one does not."""

    text: str
    is_final: bool
    speech_final: bool = False     # the provider's endpointing saw the end of the utterance
    utterance_end: bool = False    # a Deepgram UtteranceEnd message (no text)
    confidence: float | None = None


@dataclass(frozen=True)
class ToolRequest:
    """A tool call the language model asked for."""

    id: str
    name: str
    arguments: dict


@dataclass(frozen=True)
class LlmDelta:
    """One streamed piece of a model reply: some text, or a complete tool request."""

    text: str = ""
    tool: ToolRequest | None = None


class SttStream(ABC):
    """One live speech-to-text connection (kept open for the whole session)."""

    @abstractmethod
    async def send(self, pcm16: bytes) -> None:
        """Send linear16 audio at the sample rate the stream was opened with."""

    async def keep_alive(self) -> None:
        """Tell the provider the stream is idle but alive (no audio to send)."""

    async def finalize(self) -> None:
        """Ask the provider to flush the current utterance as a final transcript."""

    async def close(self) -> None:
        """Close the connection."""

    def transcripts(self) -> AsyncIterator[Transcript]:
        """Results as they arrive; ends when the connection closes."""
        raise NotImplementedError


class SpeechToText(ABC):
    """A streaming speech-to-text provider."""

    name: str = "stt"
    options: VoiceOptions = VoiceOptions()

    @abstractmethod
    async def connect(self, route: dict, sample_rate: int) -> SttStream:
        """Open a live stream for the route from `languages.stt_route`."""


class LanguageModel(ABC):
    """A chat model that streams text and may ask for tools."""

    name: str = "llm"
    options: VoiceOptions = VoiceOptions()

    @abstractmethod
    def stream(self, messages: list[dict], tools: list[dict]) -> AsyncIterator[LlmDelta]:
        """Stream one reply to OpenAI-style `messages`, offering `tools` (JSON schema functions)."""


class TextToSpeech(ABC):
    """A voice: text in, PCM chunks out as soon as they are made."""

    name: str = "tts"
    options: VoiceOptions = VoiceOptions()

    @abstractmethod
    def synthesize(self, text: str, route: TtsRoute) -> AsyncIterator[AudioChunk]:
        """Speak `text` with the route's language and voice, streaming chunks."""

    def speaks(self, route: TtsRoute) -> bool:
        """Whether this voice has a voice for the route's language (asked before a reply starts)."""
        return True


class LazySdkClient:
    """An adapter whose SDK client is made on first use and closed by `aclose` (the client is bound
    to the event loop that first used it)."""

    _client = None

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()
