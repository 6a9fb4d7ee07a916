"""Voice-stage providers and the factories that pick them from the environment (the reply voices'
factory, `assistant.voice.voices.default_voices`, builds on these).

A stage uses its real provider when its key is set (DEEPGRAM_API_KEY, OPENAI_API_KEY,
CARTESIA_API_KEY) and its offline default otherwise. Factories are cached per key, so a client and
its connection pool are made once, at first use, never at import.
"""
from __future__ import annotations

from functools import lru_cache

from ..settings import voice_settings
from .base import LanguageModel, SpeechToText
from .errors import env_key

KEY_VARIABLES = {"speech_to_text": "DEEPGRAM_API_KEY", "assistant": "OPENAI_API_KEY", "voice": "CARTESIA_API_KEY"}


@lru_cache(maxsize=4)
def _stt(key: str, base_url: str) -> SpeechToText | None:
    from .deepgram_stt import DeepgramSTT

    return DeepgramSTT(key, base_url=base_url or None) if key else None


@lru_cache(maxsize=4)
def _llm(key: str, base_url: str, model: str, temperature: float, timeout_s: float) -> LanguageModel | None:
    from .base import VoiceOptions
    from .openai_llm import OpenAILLM

    return OpenAILLM(key, model=model, base_url=base_url or None, temperature=temperature,
                     options=VoiceOptions(timeout_s=timeout_s)) if key else None


def default_stt() -> SpeechToText | None:
    """Deepgram when DEEPGRAM_API_KEY is set, else None (voice input then needs a key)."""
    return _stt(env_key("DEEPGRAM_API_KEY"), env_key("DEEPGRAM_BASE_URL"))


def default_llm() -> LanguageModel | None:
    """OpenAI when OPENAI_API_KEY is set, else None (the offline agent answers)."""
    settings = voice_settings()
    return _llm(env_key("OPENAI_API_KEY"), env_key("OPENAI_BASE_URL"), settings.llm_model,
                settings.llm_temperature, settings.llm_timeout_s)


def missing_keys() -> dict[str, str]:
    """Stage -> the name (never the value) of its unset key variable."""
    return {stage: name for stage, name in KEY_VARIABLES.items() if not env_key(name)}
