"""The assistant's voice for one reply: the cloud voice when it can, the offline voice when it cannot.

A Cartesia error or timeout switches the rest of that reply to espeak-ng, and says why.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import AsyncIterator

from languages import TtsRoute, tts_route

from ..deadlines import within_deadline
from ..providers.base import AudioChunk, ErrorKind, ProviderError, TextToSpeech, VoiceOptions
from ..providers.errors import env_key
from ..settings import voice_settings

log = logging.getLogger(__name__)


@dataclass
class ReplyVoice:
    """Speaks the sentences of one reply in order. `provider` names who spoke; `fallback_reason` why
    the offline voice took over ('' when it did not)."""

    route: TtsRoute
    cloud: TextToSpeech | None
    offline: TextToSpeech | None
    provider: str = ""
    fallback_reason: str = ""

    def __post_init__(self) -> None:
        if self.offline is not None and not self.offline.speaks(self.route):
            self.offline = None   # e.g. Tagalog: Cartesia speaks it, espeak-ng does not (text only offline)
        use_cloud = self.cloud is not None and self.route.provider == "cartesia"
        self._current = self.cloud if use_cloud else self.offline
        self.provider = self._current.name if self._current else "none"

    async def speak(self, sentence: str) -> AsyncIterator[AudioChunk]:
        """The sentence's audio, streamed. Never raises ProviderError: falls back, or stays silent."""
        if self._current is None:
            return
        produced = False
        voice, limit = self._current, self._current.options.timeout_s
        try:
            try:
                async for chunk in within_deadline(voice.synthesize(sentence, self.route), gap_s=limit, total_s=limit):
                    produced = True
                    yield chunk
            except TimeoutError as exc:   # a stall, or chunks dripping in too slowly for the sentence
                raise ProviderError(ErrorKind.TIMEOUT, f"no whole sentence within {limit:g} s",
                                    provider=voice.name) from exc
            return
        except ProviderError as exc:
            if self._current is self.offline or self.offline is None:
                log.warning("offline voice failed: %s", exc)
                self.fallback_reason = self.fallback_reason or f"{exc.provider or self.provider}: {exc}"
                self._current, self.provider = None, "none"
                return
            self.fallback_reason = f"{exc.provider or self._current.name} {exc.kind.value}: {exc}"
            self._current, self.provider = self.offline, self.offline.name
        if produced:  # the cloud voice broke mid-sentence: the offline voice says the sentence again
            log.info("cloud voice dropped mid-sentence; repeating it offline")
        async for chunk in self.speak(sentence):
            yield chunk


class Voices:
    """The voices available to a session: a cloud voice (or None without a key) and the offline one."""

    def __init__(self, cloud: TextToSpeech | None, offline: TextToSpeech | None) -> None:
        self.cloud, self.offline = cloud, offline

    def for_reply(self, language: str) -> ReplyVoice:
        return ReplyVoice(tts_route(language), self.cloud, self.offline)


@lru_cache(maxsize=4)
def _voices(key: str, base_url: str, sample_rate: int, timeout_s: float) -> Voices:
    from ..providers.cartesia_tts import CartesiaTTS
    from ..providers.espeak_tts import EspeakTTS

    cloud = CartesiaTTS(key, sample_rate=sample_rate, base_url=base_url or None,
                        options=VoiceOptions(timeout_s=timeout_s)) if key else None
    return Voices(cloud, EspeakTTS())


def default_voices() -> Voices:
    """Cartesia (when CARTESIA_API_KEY is set) with espeak-ng as the offline voice; cached per key."""
    settings = voice_settings()
    return _voices(env_key("CARTESIA_API_KEY"), env_key("CARTESIA_BASE_URL"), settings.tts_sample_rate,
                   settings.tts_timeout_s)
