"""Offline speech-to-text: faster-whisper (CTranslate2, int8 on CPU), fed whole VAD segments.

The model is loaded on first use: from a local CTranslate2 directory, or (a size name such as `base`)
from the Hugging Face Hub cache, downloading it there when it is missing (faster-whisper's own
download). Inference runs on one worker thread per model (CTranslate2 releases the GIL), so the event
loop never waits for it and one model transcribes one segment at a time; at most `max_pending`
segments wait, more are refused. A segment cancelled before its turn never runs.

The language is always given (never detected): a conversation's language is locked.
"""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

import numpy as np

from .base import AudioChunk, ErrorKind, ProviderError, SpeechToText, SttStream, Transcript
from .transcript_guards import rejection, token_cap

__all__ = ["HUB_SIZES", "SegmentResult", "WhisperOptions", "WhisperSTT", "fetch_model", "model_label"]

SAMPLE_RATE = 16_000
HUB_SIZES = ("tiny", "tiny.en", "base", "base.en", "small", "small.en")


@dataclass(frozen=True)
class WhisperOptions:
    """How the recogniser loads and decodes; the guards' limits (see configs/voice.yaml `offline_stt`)."""

    model: str = "base"                 # a Hub size name or a local CTranslate2 directory
    compute_type: str = "int8"
    cpu_threads: int = 2
    beam_size: int = 1
    max_segment_s: float = 15.0
    max_pending: int = 4
    tokens_per_second: float = 6.0
    min_tokens: int = 10
    no_repeat_ngram_size: int = 3
    compression_ratio_max: float = 2.4
    no_speech_prob_max: float = 0.6
    logprob_min: float = -1.0
    min_speech_s: float = 0.25


@dataclass(frozen=True)
class SegmentResult:
    """What one VAD segment was heard as. `rejected` names the guard that dropped it ('' = accepted)."""

    text: str
    rejected: str
    audio_s: float
    elapsed_s: float
    language: str

    @property
    def accepted(self) -> bool:
        return not self.rejected


def model_label(model: str) -> str:
    """`whisper-base` for the Hub's `base`; a directory's own name when it says whisper; else `whisper (<dir>)`."""
    if model in HUB_SIZES:
        return f"whisper-{model}"
    name = Path(model).name
    return name if "whisper" in name.lower() else f"whisper ({name})"


def fetch_model(model: str, cache_dir: str | None = None) -> str:
    """Download a Hub model into the Hub cache now (a booth does this before going offline); returns its
    directory. A local directory is only checked. Raises ProviderError with a one-line reason."""
    if model not in HUB_SIZES:
        if not (Path(model) / "model.bin").is_file():
            raise ProviderError(ErrorKind.BAD_REQUEST, f"{model} has no model.bin", provider="whisper")
        return model
    from faster_whisper.utils import download_model

    try:
        return download_model(model, cache_dir=cache_dir)
    except Exception as exc:  # noqa: BLE001 (huggingface_hub raises many kinds; all mean "not downloaded")
        raise ProviderError(ErrorKind.REFUSED, f"could not download whisper {model} from the Hugging Face Hub "
                            f"({type(exc).__name__})", provider="whisper") from exc


class WhisperSTT(SpeechToText):
    """faster-whisper behind the `SpeechToText` interface; `transcribe` takes one finished VAD segment."""

    def __init__(self, options: WhisperOptions = WhisperOptions(), fillers: dict[str, list[str]] | None = None,
                 name: str | None = None) -> None:
        self.whisper = options
        self.name = name or model_label(options.model)
        self.fillers = fillers or {}
        self.load_s: float | None = None
        self._model = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")
        self._pending = 0

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self):
        if self._model is None:
            from faster_whisper import WhisperModel

            started = time.perf_counter()
            try:
                self._model = WhisperModel(self.whisper.model, device="cpu", compute_type=self.whisper.compute_type,
                                           cpu_threads=self.whisper.cpu_threads, num_workers=1)
            except Exception as exc:  # noqa: BLE001 (CTranslate2, tokenizers and the Hub raise unrelated types)
                raise ProviderError(ErrorKind.REFUSED, f"the offline speech model {self.name} could not be loaded "
                                    f"({type(exc).__name__})", provider=self.name) from exc
            self.load_s = time.perf_counter() - started
        return self._model

    async def load(self) -> float:
        """Load the model on the worker thread (a Hub model may download first); returns the seconds it took."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._load)
        return self.load_s or 0.0

    def supports(self, language: str) -> bool:
        """Whether the model knows the language (an English-only model knows only English)."""
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        base = language.split("-")[0].lower()
        if self._model is not None and not self._model.model.is_multilingual:
            return base == "en"
        if self.whisper.model.endswith(".en"):
            return base == "en"
        return base in _LANGUAGE_CODES

    async def transcribe(self, audio: AudioChunk, language: str, speech_s: float | None = None) -> SegmentResult:
        """Transcribe one VAD segment (16 kHz) in `language`. `speech_s` is the VAD's speech length: under
        `min_speech_s` the segment is not transcribed. Raises ProviderError when the queue is full."""
        base = language.split("-")[0].lower()
        seconds = audio.seconds
        if speech_s is not None and speech_s < self.whisper.min_speech_s:
            return SegmentResult("", "silence", seconds, 0.0, base)
        if self._pending >= self.whisper.max_pending:
            raise ProviderError(ErrorKind.RATE_LIMITED, f"{self._pending} segments already wait for {self.name}",
                                provider=self.name)
        samples = audio.samples
        if audio.sample_rate != SAMPLE_RATE:  # soxr directly: the provider stays below the voice package
            import soxr

            resampled = soxr.resample(samples.astype(np.float32), audio.sample_rate, SAMPLE_RATE, quality="HQ")
            samples = np.clip(np.round(resampled), -32768, 32767).astype(np.int16)
        samples = samples[:round(self.whisper.max_segment_s * SAMPLE_RATE)]   # a long segment is capped
        self._pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, samples, base)
        finally:
            self._pending -= 1

    def _run(self, samples: np.ndarray, language: str) -> SegmentResult:
        model = self._load()   # the first segment waits for the model; its load is timed on its own
        started = time.perf_counter()
        seconds = len(samples) / SAMPLE_RATE
        options = self.whisper
        limit = token_cap(seconds, options.tokens_per_second, options.min_tokens)
        try:
            segments, _info = model.transcribe(
                samples.astype(np.float32) / 32768.0, language=language, task="transcribe",
                beam_size=options.beam_size, temperature=0.0, condition_on_previous_text=False,
                without_timestamps=True, vad_filter=False, max_new_tokens=limit,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                compression_ratio_threshold=options.compression_ratio_max,
                log_prob_threshold=options.logprob_min, no_speech_threshold=options.no_speech_prob_max)
            segments = list(segments)
        except Exception as exc:  # noqa: BLE001 (mapped at the adapter's edge)
            raise ProviderError(ErrorKind.SERVER_ERROR, f"{self.name} failed ({type(exc).__name__})",
                                provider=self.name) from exc
        kept = [s for s in segments if not (s.no_speech_prob > options.no_speech_prob_max
                                            and s.avg_logprob < options.logprob_min)]
        text = " ".join(s.text.strip() for s in kept).strip()
        tokens = sum(len(s.tokens) for s in kept)
        reason = "silence" if segments and not kept else rejection(
            text, fillers=self.fillers.get(language, ()), compression_ratio_max=options.compression_ratio_max,
            token_count=tokens, token_limit=limit)
        return SegmentResult("" if reason else text, reason, seconds, time.perf_counter() - started, language)

    async def connect(self, route: dict, sample_rate: int) -> SttStream:
        """A stream for callers that send audio continuously: `finalize` transcribes what was sent since
        the last one. The console does not use it; it hands over the VAD's segments to `transcribe`."""
        language = str(route.get("language", ""))
        if not self.supports(language):
            raise ProviderError(ErrorKind.BAD_REQUEST, f"{self.name} does not know language {language!r}",
                                provider=self.name)
        return WhisperStream(self, language, sample_rate)

    def close(self) -> None:
        """Stop the worker thread (pending segments are dropped)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


class WhisperStream(SttStream):
    """Audio gathered between `finalize` calls (at most `max_segment_s`), transcribed as one segment."""

    def __init__(self, stt: WhisperSTT, language: str, sample_rate: int) -> None:
        self.stt, self.language, self.sample_rate = stt, language, sample_rate
        self._buffer: list[np.ndarray] = []
        self._buffered = 0
        self._results: asyncio.Queue[Transcript | None] = asyncio.Queue()

    async def send(self, pcm16: bytes) -> None:
        samples = np.frombuffer(pcm16, np.int16)
        if self._buffered + len(samples) <= self.stt.whisper.max_segment_s * self.sample_rate:
            self._buffer.append(samples)
            self._buffered += len(samples)

    async def finalize(self) -> None:
        audio = AudioChunk(self.sample_rate, np.concatenate(self._buffer) if self._buffer else np.zeros(0, np.int16))
        self._buffer, self._buffered = [], 0
        if audio.seconds:
            result = await self.stt.transcribe(audio, self.language)
            self._results.put_nowait(Transcript(result.text, is_final=True, speech_final=True))

    async def close(self) -> None:
        self._results.put_nowait(None)

    async def transcripts(self) -> AsyncIterator[Transcript]:
        while (item := await self._results.get()) is not None:
            yield item

