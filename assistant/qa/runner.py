"""The language QA matrix: every language's QA utterances through the real engine, checked.

One `LanguageResult` per language, one `CheckResult` per check (`CHECKS`, in column order). The
engine runs with the providers chosen from the environment (offline defaults without keys), and each
result says which providers served it. The checks themselves are pure functions in `checks`.
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import time
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import AsyncIterator, Iterable

import numpy as np
import yaml

from languages import Language, all_languages, get_language, prepare_reading

from . import checks
from ..events import Audio, EventType, PreSpeechText, ToolCall, TurnMetrics, Understood
from ..session import _DEFAULT, Session


class CheckStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"


CHECKS = ("route", "greeting_script", "understood", "reply_language", "speech_clean", "language_lint", "tts_audio",
          "first_audio", "voice_round_trip")
CHECK_TITLES = {"route": "route valid", "greeting_script": "greeting script", "understood": "utterances understood",
                "reply_language": "reply language", "speech_clean": "speech text clean", "language_lint": "language lint",
                "tts_audio": "TTS audio", "first_audio": "time to first audio", "voice_round_trip": "voice round trip"}


@dataclass(frozen=True)
class CheckResult:
    check: str
    status: CheckStatus
    reason: str = ""


@dataclass
class RoundTrip:
    """The utterance spoken by the voice, heard by the offline recogniser, and run as a turn again."""

    heard: str = ""
    cer: float | None = None               # character error rate of what was heard
    arguments: dict | None = None          # the search the heard words led to
    skipped: str = ""                      # why there was no round trip ('' when there was)
    rejected: str = ""                     # the recogniser's guard that dropped the words
    rtf: float | None = None               # seconds of recognition per second of speech


@dataclass
class UtteranceRun:
    """One QA utterance through the engine: what was understood, both panes, the voice."""

    utterance: str
    arguments: dict | None = None
    chat_markdown: str = ""
    speech_text: str = ""
    sample_rate: int = 0
    samples: np.ndarray | None = field(default=None, repr=False)
    first_audio_ms: float | None = None
    providers: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    round_trip: RoundTrip | None = None
    expected: dict | None = None           # an evaluation-set request: the origin, destination, date it names
    understood: dict | None = None         # what the offline agent read (also when it asked instead of searching)

    @property
    def audio_s(self) -> float:
        return len(self.samples) / self.sample_rate if self.samples is not None and self.sample_rate else 0.0


@dataclass
class LanguageResult:
    code: str
    name: str
    checks: dict[str, CheckResult]
    runs: list[UtteranceRun]
    providers: str
    elapsed_s: float

    @property
    def passed(self) -> bool:
        return all(c.status != CheckStatus.FAIL for c in self.checks.values())

    @property
    def first_audio_ms(self) -> float | None:
        times = [r.first_audio_ms for r in self.runs if r.first_audio_ms is not None]
        return max(times) if times else None

    def row(self) -> dict[str, str]:
        """One CSV row: status and reason per check, the providers, the slowest time to first audio."""
        row = {"code": self.code, "language": self.name, "passed": "yes" if self.passed else "no",
               "providers": self.providers}
        for name in CHECKS:
            row[name] = self.checks[name].status.value
            row[f"{name}_reason"] = self.checks[name].reason
        row["first_audio_ms"] = "" if self.first_audio_ms is None else f"{self.first_audio_ms:.0f}"
        row["round_trip_cer"] = "" if self.round_trip_cer is None else f"{self.round_trip_cer:.2f}"
        return row

    @property
    def round_trip_cer(self) -> float | None:
        """The worst character error rate of the voice round trip (None without one)."""
        rates = [r.round_trip.cer for r in self.runs if r.round_trip is not None and r.round_trip.cer is not None]
        return max(rates) if rates else None


def resolve_languages(selection: str | Iterable[str]) -> list[str]:
    """'all', 'es,fr' or a list of codes/names -> registry codes, in registry order. Raises ValueError
    naming every code it does not know."""
    known = [language.code for language in all_languages()]
    if isinstance(selection, str):
        if selection.strip().lower() in ("all", "*", ""):
            return known
        selection = selection.split(",")
    wanted, unknown = set(), []
    for item in (s.strip() for s in selection):
        if not item:
            continue
        language = get_language(item)
        if language is None:
            unknown.append(item)
        else:
            wanted.add(language.code)
    if unknown:
        raise ValueError(f"unknown language code(s): {', '.join(unknown)}")
    return [code for code in known if code in wanted]


async def run_utterance(language: str, utterance: str, *, today: dt.date | None = None,
                        llm=_DEFAULT, voices=_DEFAULT) -> UtteranceRun:
    """One utterance in a fresh session (so earlier utterances cannot fill in its slots)."""
    session = Session(language, today=today, llm=llm, voices=voices)
    run, chunks, started = UtteranceRun(utterance), [], time.perf_counter()
    async for event in session.handle_text(utterance):
        if isinstance(event, ToolCall) and run.arguments is None:
            run.arguments = dict(event.arguments)
        elif isinstance(event, Understood):
            run.understood = {"origin": event.origin, "destination": event.destination, "date": event.date}
        elif isinstance(event, PreSpeechText) and event.final:
            run.chat_markdown, run.speech_text = event.chat_markdown, event.speech_text
        elif isinstance(event, Audio):
            if run.first_audio_ms is None:
                run.first_audio_ms = round((time.perf_counter() - started) * 1000, 1)
            run.sample_rate = event.sample_rate
            chunks.append(event.samples)
        elif isinstance(event, TurnMetrics):
            run.providers = dict(event.providers)
        elif event.type == EventType.ERROR:
            run.errors.append(f"{event.stage}: {event.detail or event.message}")
    if chunks:
        run.samples = np.concatenate(chunks).astype(np.int16)
    return run


async def round_trip(language: str, utterance: str, recogniser, *, today: dt.date | None = None,
                     llm=_DEFAULT, voices=_DEFAULT) -> RoundTrip:
    """Speak `utterance` with the session's voice (espeak-ng offline, Cartesia with a key), transcribe it
    with the offline recogniser in `language`, and run what was heard as a typed turn (no voice)."""
    from ..voice.voices import default_voices
    from ..providers.base import AudioChunk, ProviderError

    if recogniser is None:
        return RoundTrip(skipped="no offline speech model here (python -m demo.models fetch, or POLYGLOT_WHISPER_MODEL)")
    if not recogniser.supports(language):
        return RoundTrip(skipped=f"{recogniser.name} does not know this language")
    chosen = default_voices() if voices is _DEFAULT else voices
    voice = chosen.for_reply(language) if chosen is not None else None
    chunks = [chunk async for chunk in voice.speak(utterance)] if voice is not None else []
    if not chunks:
        return RoundTrip(skipped="no voice speaks this language here")
    rate = chunks[0].sample_rate
    pad = np.zeros(int(rate * 0.2), np.int16)
    audio = AudioChunk(rate, np.concatenate([pad, *(c.samples for c in chunks), pad]).astype(np.int16))
    try:
        heard = await recogniser.transcribe(audio, language)
    except ProviderError as exc:
        return RoundTrip(skipped=f"the recogniser failed: {exc}")
    trip = RoundTrip(heard=heard.text, cer=checks.character_error_rate(utterance, heard.text),
                     rejected=heard.rejected, rtf=round(heard.elapsed_s / max(heard.audio_s, 1e-6), 3))
    if heard.text:
        trip.arguments = (await run_utterance(language, heard.text, today=today, llm=llm, voices=None)).arguments
    return trip


async def check_language(code: str, *, today: dt.date | None = None, llm=_DEFAULT, voices=_DEFAULT,
                         keep_audio: bool = True, recogniser=_DEFAULT) -> LanguageResult:
    """Run every QA utterance of one language and every check on the results. `recogniser` is the offline
    speech recogniser of the voice round trip (default: the one this machine has; None skips it)."""
    from ..providers import default_offline_stt

    language = get_language(code)
    if language is None:
        raise ValueError(f"unknown language code: {code}")
    await asyncio.to_thread(prepare_reading, language.code)  # the gazetteer's load is not the turn's time
    started = time.perf_counter()
    stt = default_offline_stt() if recogniser is _DEFAULT else recogniser
    runs = [await run_utterance(language.code, text, today=today, llm=llm, voices=voices)
            for text in language.qa_utterances]
    for run in runs:
        run.round_trip = await round_trip(language.code, run.utterance, stt, today=today, llm=llm, voices=voices)
    sample = await understanding_sample(language.code, llm=llm)
    verdicts = {name: CheckResult(name, *_check(name, language, runs + sample if name == "understood" else runs))
                for name in CHECKS}
    if not keep_audio:
        for run in runs:
            run.samples = None if run.samples is None else run.samples[:0]
    providers = sorted({f"{stage}={name}" for run in runs for stage, name in run.providers.items()
                        if stage in ("assistant", "voice", "flight_data")})
    return LanguageResult(language.code, language.name, verdicts, runs, "; ".join(providers),
                          round(time.perf_counter() - started, 2))


EVALUATION_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "understanding" / "requests.yaml"


@lru_cache(maxsize=1)
def _evaluation_set() -> tuple[dt.date | None, tuple[dict, ...]]:
    """The understanding evaluation set (tests/data/understanding), or nothing where it is not shipped."""
    try:
        data = yaml.safe_load(EVALUATION_SET.read_text(encoding="utf-8"))
    except OSError:
        return None, ()
    return data["today"], tuple(data["requests"])


async def understanding_sample(code: str, *, llm=_DEFAULT) -> list[UtteranceRun]:
    """The first `understanding_sample` evaluation-set requests of a language, each in a fresh silent
    session on the set's own `today`, with what each should be read as."""
    today, requests = _evaluation_set()
    chosen = [r for r in requests if r["lang"] == code][:checks.qa_settings().understanding_sample]
    runs = []
    for request in chosen:
        run = await run_utterance(code, request["text"], today=today, llm=llm, voices=None)
        date = request.get("date")
        run.expected = {"origin": request["origin"], "destination": request["destination"],
                        "date": date.isoformat() if date else None}
        runs.append(run)
    return runs


def _check(name: str, language: Language, runs: list[UtteranceRun]) -> tuple[CheckStatus, str]:
    verdict = getattr(checks, f"check_{name}")(language, runs)
    if verdict is None:
        return CheckStatus.PASS, ""
    skipped, reason = verdict
    return (CheckStatus.SKIPPED if skipped else CheckStatus.FAIL), reason


async def run_matrix(codes: Iterable[str], **options) -> AsyncIterator[LanguageResult]:
    """`check_language` for each code in turn, yielding each result as soon as it is ready (progress,
    cancellation: the caller stops iterating or cancels the task)."""
    for code in codes:
        yield await check_language(code, **options)
        await asyncio.sleep(0)


def csv_text(results: Iterable[LanguageResult]) -> str:
    """The matrix as CSV, one row per language (see `LanguageResult.row`)."""
    rows = [result.row() for result in results]
    buffer = io.StringIO()
    columns = (["code", "language", "passed", "providers"] + [c for n in CHECKS for c in (n, f"{n}_reason")]
               + ["first_audio_ms", "round_trip_cer"])
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(results: Iterable[LanguageResult], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(csv_text(results), encoding="utf-8")
    return path
