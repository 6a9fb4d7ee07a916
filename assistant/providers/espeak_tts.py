"""The offline voice: espeak-ng from the `espeakng-loader` wheel, driven through ctypes.

espeak-ng is not thread-safe, so one synthesis runs at a time (a process-wide lock), in a worker
thread so the event loop keeps running. Synthesising two seconds of speech takes a few ms.
"""
from __future__ import annotations

import asyncio
import ctypes
import threading
from functools import lru_cache
from typing import AsyncIterator

import numpy as np

from languages import TtsRoute

from .base import AudioChunk, ErrorKind, ProviderError, TextToSpeech

_SYNCHRONOUS = 2          # espeak_AUDIO_OUTPUT: AUDIO_OUTPUT_SYNCHRONOUS
_CHARS_AUTO = 0           # espeakCHARS_AUTO (UTF-8)
_ENDPAUSE = 0x1000        # espeakENDPAUSE: a short pause at the end of the text
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_lock = threading.Lock()


class _Engine:
    """The loaded library; `speak` collects the int16 samples of one text."""

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(str(espeakng_loader.get_library_path()))
        data_path = str(espeakng_loader.get_data_path()).encode()
        self.sample_rate = self.lib.espeak_Initialize(_SYNCHRONOUS, 0, data_path, 0)
        if self.sample_rate <= 0:
            raise RuntimeError("espeak-ng failed to initialise")
        self._pieces: list[np.ndarray] = []
        self._callback = _CALLBACK(self._collect)  # kept alive for as long as the library uses it
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._voice: str | None = None

    def _collect(self, wav, count, _events) -> int:
        if count > 0 and wav:
            # `np.ctypeslib.as_array(wav, shape=...)` would make (and ctypes cache forever) one array
            # type per distinct length: memory that grows with every reply; a bytes copy makes none
            self._pieces.append(np.frombuffer(ctypes.string_at(wav, 2 * count), np.int16))
        return 0

    def speak(self, text: str, voice: str) -> np.ndarray:
        if voice != self._voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"espeak-ng has no voice '{voice}'")
            self._voice = voice
        self._pieces = []
        data = text.encode("utf-8") + b"\0"
        status = self.lib.espeak_Synth(data, len(data), 0, 0, 0, _CHARS_AUTO | _ENDPAUSE, None, None)
        self.lib.espeak_Synchronize()
        if status != 0:
            raise RuntimeError(f"espeak_Synth returned {status}")
        pieces, self._pieces = self._pieces, []
        return np.concatenate(pieces).astype(np.int16) if pieces else np.zeros(0, np.int16)


@lru_cache(maxsize=1)
def _engine() -> _Engine:
    return _Engine()


def speak_pcm(text: str, voice: str = "en-us") -> AudioChunk:
    """Synthesise `text` with an espeak-ng voice, blocking; returns mono int16 at 22050 Hz."""
    with _lock:
        engine = _engine()
        return AudioChunk(engine.sample_rate, engine.speak(text, voice))


def write_wav(path, chunk: AudioChunk) -> None:
    """Write mono int16 PCM as a WAV file (test fixtures, recordings)."""
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(chunk.sample_rate)
        out.writeframes(chunk.samples.astype("<i2").tobytes())


class EspeakTTS(TextToSpeech):
    """Offline text-to-speech in every language espeak-ng has a voice for."""

    name = "espeak"

    def speaks(self, route: TtsRoute) -> bool:
        return bool(route.offline_voice)   # languages.yaml names no espeak-ng voice where it has none

    async def synthesize(self, text: str, route: TtsRoute) -> AsyncIterator[AudioChunk]:
        voice = route.offline_voice or route.language
        try:
            chunk = await asyncio.to_thread(speak_pcm, text, voice)
        except ValueError as exc:
            raise ProviderError(ErrorKind.BAD_REQUEST, str(exc), provider=self.name) from exc
        except (OSError, RuntimeError) as exc:
            raise ProviderError(ErrorKind.SERVER_ERROR, f"espeak-ng failed: {exc}", provider=self.name) from exc
        yield chunk
