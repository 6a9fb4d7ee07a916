"""Offline transcription of a voice session: each VAD segment, when it ends, goes to the offline
recogniser (off the event loop); its text is handed over as a whole utterance, like a Deepgram final.

The counterpart of `LiveTranscriber` for a recogniser that takes finished segments instead of a live
stream. Segments are transcribed in the order they ended; closing cancels the ones not done yet.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from ..providers.base import AudioChunk, ErrorKind, ProviderError
from ..providers.whisper_stt import SegmentResult, WhisperSTT

log = logging.getLogger(__name__)
QUIET_REJECTIONS = frozenset({"silence"})   # a cough or a click: not worth a "didn't catch that"


class SegmentTranscriber:
    """Feeds finished VAD segments of one stream to a `WhisperSTT`, one at a time, in order."""

    def __init__(self, stt: WhisperSTT, language: str, *, on_utterance: Callable[[str, float], Awaitable[None]],
                 on_state: Callable[[str, str], None], on_not_caught: Callable[[str], Awaitable[None]],
                 on_failed: Callable[[str], None] = lambda _reason: None) -> None:
        self.stt, self.language = stt, language
        self.on_utterance, self.on_state, self.on_not_caught = on_utterance, on_state, on_not_caught
        self.on_failed = on_failed   # the model cannot be loaded (not downloaded, no network): voice input is off
        self.results: list[SegmentResult] = []
        self._tasks: set[asyncio.Task] = set()
        self._last: asyncio.Task | None = None
        self._loading: asyncio.Task | None = None

    @property
    def pending(self) -> int:
        """Segments not transcribed yet (including the one in progress)."""
        return sum(not task.done() for task in self._tasks)

    async def start(self) -> bool:
        """Load the model in the background when it is not loaded yet (a Hub model may download first)."""
        if not self.stt.loaded:
            self.on_state("stt_loading", f"loading the offline speech model {self.stt.name}")
            self._loading = asyncio.create_task(self._load())
        else:
            self.on_state("stt_ready", f"{self.stt.name} · offline")
        return True

    async def _load(self) -> None:
        try:
            seconds = await self.stt.load()
        except ProviderError as exc:
            self.on_state("stt_failed", str(exc))
            self.on_failed(str(exc))
            return
        self.on_state("stt_ready", f"offline speech model {self.stt.name} loaded in {seconds:.1f} s")

    def submit(self, audio: AudioChunk, speech_s: float, ended_at: float) -> None:
        """A segment ended at `ended_at` (perf_counter): transcribe it after the ones before it."""
        self.on_state("transcribing", f"{audio.seconds:.1f} s of audio to {self.stt.name}")
        task = asyncio.create_task(self._transcribe(self._last, audio, speech_s, ended_at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._last = task

    async def _transcribe(self, previous: asyncio.Task | None, audio: AudioChunk, speech_s: float,
                          ended_at: float) -> None:
        try:
            result = await self.stt.transcribe(audio, self.language, speech_s=speech_s)
        except ProviderError as exc:
            self.on_state("stt_rejected", f"{exc.kind.value}: {exc}")
            await self._wait(previous)
            if exc.kind == ErrorKind.RATE_LIMITED:   # too many segments waiting: this one was not heard
                await self.on_not_caught("busy")
            return
        self.results.append(result)
        await self._wait(previous)   # hand utterances over in the order they were spoken
        if result.accepted:
            self.on_state("transcribed", f"{result.audio_s:.1f} s in {result.elapsed_s:.2f} s")
            await self.on_utterance(result.text, ended_at)
            return
        self.on_state("stt_rejected", f"{result.rejected}: {result.audio_s:.1f} s of audio not answered")
        if result.rejected not in QUIET_REJECTIONS:
            await self.on_not_caught(result.rejected)

    @staticmethod
    async def _wait(previous: asyncio.Task | None) -> None:
        if previous is not None and not previous.done():
            await asyncio.gather(previous, return_exceptions=True)

    async def close(self) -> None:
        """Cancel what is not transcribed yet (a segment waiting for the worker never runs)."""
        tasks = [task for task in (*self._tasks, self._loading) if task is not None and not task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
