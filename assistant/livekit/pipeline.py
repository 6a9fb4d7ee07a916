"""The plugins of one room, chosen from the environment and the room's settings.

- STT: Deepgram with `languages.stt_route(language)` (Nova-3 / Nova-2 / multi), when DEEPGRAM_API_KEY is
  set; without it the room is text-only (typed chat still works).
- LLM: OpenAI (model, temperature and timeout of `configs/voice.yaml`) with `offline_llm()` behind it in
  an `llm.FallbackAdapter`, when OPENAI_API_KEY is set; else `offline_llm()` alone.
- TTS: Cartesia `sonic-3` (language and voice from `languages.tts_route`) with espeak-ng behind it in a
  `tts.FallbackAdapter`, when CARTESIA_API_KEY is set and Cartesia speaks the language; else espeak-ng.
- VAD: Silero, with the room's preset of `configs/environments.yaml`.
The `*_BASE_URL` variables point a plugin at another server (the tests use local fakes).
"""
from __future__ import annotations

from dataclasses import dataclass

from livekit.agents import llm, stt, tts, vad
# plugins register themselves on import, which the framework allows on the main thread only
from livekit.plugins import cartesia, deepgram, openai, silero

from languages import stt_route, tts_route

from ..providers.errors import env_key
from ..settings import voice_settings
from .espeak_tts import EspeakTTS
from .offline_llm import offline_llm
from .polyglot_agent import silero_options

CARTESIA_MODEL = "sonic-3"
WORD_TIMESTAMP_LANGUAGES = ("en", "de", "es", "fr")   # what sonic models time words for (the plugin warns otherwise)


@dataclass
class Pipeline:
    """The plugins an `AgentSession` is built from; None where a stage is off."""

    stt: stt.STT | None
    llm: llm.LLM
    tts: tts.TTS | None
    vad: vad.VAD | None


def deepgram_stt(language: str, *, api_key: str, base_url: str = "") -> stt.STT:
    """The Deepgram plugin on the language's route."""
    route = stt_route(language)
    extra = {"base_url": f"{base_url.rstrip('/')}/v1/listen"} if base_url else {}
    return deepgram.STT(model=route["model"], language=route["language"], interim_results=route["interim_results"],
                        punctuate=route["punctuate"], smart_format=route.get("smart_format", False),
                        endpointing_ms=route["endpointing"], utterance_end_ms=route["utterance_end_ms"],
                        api_key=api_key, **extra)


def openai_llm(*, api_key: str, base_url: str = "") -> llm.LLM:
    """The OpenAI plugin with the console's model and temperature; the SDK makes no retries of its own."""
    settings = voice_settings()
    extra = {"base_url": base_url} if base_url else {}
    return openai.LLM(model=settings.llm_model, api_key=api_key, temperature=settings.llm_temperature,
                      max_retries=0, **extra)


def with_offline_fallback(model: llm.LLM, *, timeout_s: float | None = None) -> llm.LLM:
    """`model` first, the offline agent when it fails or is slower than `timeout_s` (`llm_timeout_s`)."""
    return llm.FallbackAdapter([model, offline_llm()], attempt_timeout=timeout_s or voice_settings().llm_timeout_s,
                               max_retry_per_llm=0)


def cartesia_tts(language: str, *, api_key: str, base_url: str = "") -> tts.TTS | None:
    """The Cartesia plugin on the language's route, or None when Cartesia does not speak it."""
    route = tts_route(language)
    if route.provider != "cartesia" or not route.voice:
        return None
    extra = {"base_url": base_url.rstrip("/")} if base_url else {}
    return cartesia.TTS(model=route.model or CARTESIA_MODEL, language=route.language, voice=route.voice,
                        sample_rate=voice_settings().tts_sample_rate, api_key=api_key,
                        word_timestamps=route.language in WORD_TIMESTAMP_LANGUAGES, **extra)


def with_espeak_fallback(voice: tts.TTS | None, language: str) -> tts.TTS | None:
    """`voice` first, espeak-ng on a fault; espeak-ng alone without `voice`; None when neither speaks."""
    offline = EspeakTTS(language) if tts_route(language).offline_voice else None
    if voice is None:
        return offline
    if offline is None:
        return voice
    return tts.FallbackAdapter([voice, offline], max_retry_per_tts=0)


def silero_vad(environment: str) -> vad.VAD:
    """Silero VAD (its model ships in the plugin's wheel) with the preset's options."""
    return silero.VAD.load(**silero_options(environment))


def build_pipeline(language: str, environment: str) -> Pipeline:
    """The room's plugins from the environment's keys (each stage offline without its key)."""
    dg_key, oa_key, ca_key = env_key("DEEPGRAM_API_KEY"), env_key("OPENAI_API_KEY"), env_key("CARTESIA_API_KEY")
    speech = deepgram_stt(language, api_key=dg_key, base_url=env_key("DEEPGRAM_BASE_URL")) if dg_key else None
    model = (with_offline_fallback(openai_llm(api_key=oa_key, base_url=env_key("OPENAI_BASE_URL")))
             if oa_key else offline_llm())
    cloud = cartesia_tts(language, api_key=ca_key, base_url=env_key("CARTESIA_BASE_URL")) if ca_key else None
    return Pipeline(stt=speech, llm=model, tts=with_espeak_fallback(cloud, language),
                    vad=silero_vad(environment))
