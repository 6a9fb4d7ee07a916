"""App defaults (`configs/app.yaml`), VAD environment presets (`configs/environments.yaml`) and the
voice pipeline (`configs/voice.yaml`)."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from languages import all_languages, load_config


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSettings(_Strict):
    default_language: str = Field(min_length=2)
    default_environment: str
    interruptions: bool
    ui_languages: Literal["all"] | list[str]
    server_name: str
    server_port: int = Field(ge=1, le=65535)
    max_input_chars: int = Field(ge=10, le=100_000)
    turns_per_minute: int = Field(ge=0, le=10_000)
    searches_per_minute: int = Field(ge=0, le=10_000)
    max_flights_chat: int = Field(ge=1, le=20)
    max_flights_speech: int = Field(ge=1, le=5)
    one_moment_after_ms: int = Field(ge=0)
    max_voice_streams: int = Field(ge=1, le=1000)
    queue_concurrency: int = Field(ge=1, le=1000)
    queue_max_size: int = Field(ge=1, le=100_000)


class EnvironmentPreset(_Strict):
    label: str
    min_silence_s: float = Field(gt=0, le=5)
    threshold: float = Field(gt=0, lt=1)
    prefix_padding_s: float = Field(ge=0, le=2)
    min_speaking_s: float = Field(ge=0, le=5)


class OfflineSttSettings(_Strict):
    """`offline_stt` in configs/voice.yaml: the faster-whisper recogniser and its guards."""

    model: str = Field(min_length=1)
    compute_type: Literal["int8", "int8_float32", "float32", "int16"] = "int8"
    cpu_threads: int = Field(default=2, ge=1, le=64)
    beam_size: int = Field(default=1, ge=1, le=10)
    max_segment_s: float = Field(default=15, gt=0, le=30)
    max_pending: int = Field(default=4, ge=1, le=100)
    tokens_per_second: float = Field(default=6, gt=0, le=50)
    min_tokens: int = Field(default=10, ge=1, le=448)
    no_repeat_ngram_size: int = Field(default=3, ge=0, le=10)
    compression_ratio_max: float = Field(default=2.4, gt=1)
    no_speech_prob_max: float = Field(default=0.6, gt=0, le=1)
    logprob_min: float = Field(default=-1.0, lt=0)
    min_speech_s: float = Field(default=0.25, ge=0, le=5)
    reconnect_failures: int = Field(default=4, ge=1, le=100)


class VoiceSettings(_Strict):
    webrtc_sample_rate: int = Field(ge=8000, le=48000)
    stt_sample_rate: int = Field(ge=8000, le=48000)
    stt_keepalive_s: float = Field(gt=0, le=9)
    stt_reconnect_backoff_s: list[float] = Field(min_length=1)
    stt_final_wait_s: float = Field(gt=0, le=10)
    llm_model: str = Field(min_length=1)
    llm_timeout_s: float = Field(gt=0, le=120)
    llm_temperature: float = Field(ge=0, le=2)
    history_turns: int = Field(ge=0, le=100)
    tts_sample_rate: Literal[8000, 16000, 22050, 24000, 44100, 48000]
    tts_timeout_s: float = Field(gt=0, le=60)
    stream_frame_ms: Literal[10, 20, 40]
    max_stream_s: float = Field(gt=0)
    max_recording_s: float = Field(gt=0, le=4 * 3600)
    offline_stt: OfflineSttSettings


class EnvironmentsFile(_Strict):
    presets: dict[str, EnvironmentPreset] = Field(min_length=1)


@lru_cache(maxsize=1)
def app_settings() -> AppSettings:
    """The validated `configs/app.yaml`."""
    return load_config("app.yaml", AppSettings)


@lru_cache(maxsize=1)
def environment_presets() -> dict[str, EnvironmentPreset]:
    """The validated VAD presets by name (quiet / medium / noisy)."""
    return dict(load_config("environments.yaml", EnvironmentsFile).presets)


@lru_cache(maxsize=1)
def voice_settings() -> VoiceSettings:
    """The validated `configs/voice.yaml`."""
    return load_config("voice.yaml", VoiceSettings)


def ui_language_codes() -> list[str]:
    """Language codes offered in the UI, in registry order."""
    wanted = app_settings().ui_languages
    codes = [language.code for language in all_languages()]
    return codes if wanted == "all" else [c for c in codes if c in wanted]


def validate_config() -> None:
    """Load and check the engine's files: `app.yaml`, `environments.yaml`, `voice.yaml` (raises ConfigError)."""
    app_settings()
    environment_presets()
    voice_settings()


def clear_caches() -> None:
    """Forget the engine's loaded files (tests that point `POLYGLOT_CONFIG_DIR` elsewhere)."""
    from . import speech   # month names are read from languages.yaml

    for cached in (app_settings, environment_presets, voice_settings, speech._month_pattern):
        cached.cache_clear()
