"""Voice-stage providers and the factories that pick them from the environment (the reply voices'
factory, `assistant.voice.voices.default_voices`, builds on these).

A stage uses its real provider when its key is set (DEEPGRAM_API_KEY, OPENAI_API_KEY,
CARTESIA_API_KEY) and its offline default otherwise. Speech-to-text's offline default is the
faster-whisper model named by POLYGLOT_WHISPER_MODEL (a directory) or `offline_stt.model` in
configs/voice.yaml, when it is on this machine (or on a Hugging Face Space, where it downloads). Factories are cached per key, so a client and
its connection pool are made once, at first use, never at import.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..settings import voice_settings
from .base import LanguageModel, SpeechToText
from .whisper_stt import HUB_SIZES, WhisperOptions, WhisperSTT
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


def offline_stt_for(model: str, label: str | None = None) -> WhisperSTT:
    """A new offline recogniser for `model` (a Hub size name or a directory) with the configured guards."""
    from languages import all_languages, filler_words

    fields = voice_settings().offline_stt.model_dump()
    fields.pop("reconnect_failures")   # the voice channel's setting, not the recogniser's
    fields["model"] = model
    return WhisperSTT(WhisperOptions(**fields), fillers={lang.code: filler_words(lang.code) for lang in all_languages()},
                      name=label)


@lru_cache(maxsize=4)
def _offline_stt(model: str, label: str) -> WhisperSTT:
    return offline_stt_for(model, label)


def offline_stt_model() -> tuple[str | None, str, str]:
    """(what to load, its label, '') when the offline recogniser's model is usable here, else
    (None, label, what is missing). A Hub model counts when it is in the Hub cache, or on a Space."""
    from .whisper_stt import model_label

    settings = voice_settings().offline_stt
    model = os.environ.get("POLYGLOT_WHISPER_MODEL", "").strip() or settings.model
    label = model_label(model)
    if model not in HUB_SIZES:
        if (Path(model) / "model.bin").is_file():
            return model, label, ""
        return None, label, f"{model} is not a faster-whisper model directory (no model.bin)"
    try:
        from faster_whisper.utils import download_model

        return download_model(model, local_files_only=True), label, ""
    except Exception:  # noqa: BLE001 (not in the Hub cache: huggingface_hub says so in several ways)
        if os.environ.get("SPACE_ID"):
            return model, label, ""   # a Space reaches the Hub: faster-whisper downloads it on first use
        return None, label, f"whisper {model} is not downloaded: run `python -m demo.models fetch`"


def default_offline_stt() -> WhisperSTT | None:
    """The offline recogniser (faster-whisper) when its model is usable here, else None."""
    model, label, _missing = offline_stt_model()
    return _offline_stt(model, label) if model else None


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
