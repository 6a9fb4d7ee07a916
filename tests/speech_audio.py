"""Real speech for tests, made offline with the bundled espeak-ng voice."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from assistant.voice.audio import resample
from assistant.providers.espeak_tts import speak_pcm, write_wav
from assistant.providers.base import AudioChunk


@lru_cache(maxsize=16)
def speech(text: str, voice: str = "en-us", rate: int = 48000, lead_s: float = 0.5, tail_s: float = 1.2) -> np.ndarray:
    """`text` spoken at `rate` Hz (int16), with silence before and after (the tail ends the utterance)."""
    spoken = speak_pcm(text, voice)
    samples = resample(spoken.samples, spoken.sample_rate, rate)
    return np.concatenate([np.zeros(int(lead_s * rate), np.int16), samples, np.zeros(int(tail_s * rate), np.int16)])


def frames(samples: np.ndarray, rate: int = 48000, frame_ms: int = 20) -> list[tuple[int, np.ndarray]]:
    """(rate, (1, n)) frames as fastrtc hands them to a stream handler."""
    size = rate * frame_ms // 1000
    return [(rate, samples[i:i + size].reshape(1, -1)) for i in range(0, len(samples), size)]


def speech_wav(path, text: str, voice: str = "en-us", rate: int = 48000) -> None:
    """A speech WAV file (for Chromium's fake microphone)."""
    write_wav(path, AudioChunk(rate, speech(text, voice, rate, lead_s=1.0, tail_s=3.0)))
