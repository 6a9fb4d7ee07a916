"""The checks of the language QA matrix, as pure functions of a language and its utterance runs.

Each `check_<name>(language, runs)` returns None when the check passes, or `(skipped, reason)`:
`skipped=True` when it cannot be judged (no voice for the language, the turn failed earlier).
Thresholds come from `configs/qa.yaml`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from flight_search.airlines import airlines_file
from flight_search.formatting import SPEECH_FORBIDDEN
from languages import Language, load_config, phrase, same_place
from languages.registry import cities_file
from languages.scripts import dominant_script, is_in_script, script_counts
from languages.spoken import spoken_numbers_supported

from . import lint as lint_module
from .lint import LintIssue, LintSettings, lint_reply, lint_settings
from .samples import sample_replies

if TYPE_CHECKING:
    from .runner import UtteranceRun

STT_MODELS = ("nova-2", "nova-3")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


class _Rate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min: float = Field(gt=0)
    max: float = Field(gt=0)


class QaSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    script_tolerance: float = Field(ge=0, lt=1)
    letters_per_second: _Rate
    logographic_letters_per_second: _Rate
    logographic_scripts: list[str]
    min_audio_s: float = Field(ge=0)
    first_audio_budget_ms: float = Field(gt=0)
    understanding_sample: int = Field(default=6, ge=0, le=50)   # evaluation-set requests per language
    lint: LintSettings = LintSettings()
    round_trip_max_cer: float = Field(gt=0, le=1)


@lru_cache(maxsize=1)
def qa_settings() -> QaSettings:
    """The validated `configs/qa.yaml`."""
    return load_config("qa.yaml", QaSettings)


@lru_cache(maxsize=1)
def _airline_names() -> re.Pattern:
    names = {name for airline in airlines_file().airlines for name in (airline.name, *airline.aliases) if len(name) > 2}
    return re.compile("|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _raw_codes() -> re.Pattern:
    """City and airport codes ("MAD", "LHR") and flight numbers ("IB 3166") as written in the chat."""
    places = {code for city in cities_file().cities for code in (city.code, *city.airports)}
    carriers = {airline.iata for airline in airlines_file().airlines}
    return re.compile(rf"\b(?:{'|'.join(sorted(places))})\b|\b(?:{'|'.join(sorted(carriers))})\s?\d{{1,4}}\b")


def validate_config() -> None:
    """Load and check `configs/qa.yaml`, its lint rules included (raises ConfigError naming file and field)."""
    qa_settings()
    lint_settings()


def clear_caches() -> None:
    """Forget `qa.yaml` and the patterns built from the airline and city files."""
    for cached in (qa_settings, _airline_names, _raw_codes, _brands, lint_settings, lint_module._template_words,
                   lint_module._own_template_words):
        cached.cache_clear()


def without_airline_names(text: str) -> str:
    """The text without airline names ("KLM", "Xiamen Airlines"): brand names are not the reply's language."""
    return _airline_names().sub(" ", text)


def _failed_turns(runs: list[UtteranceRun]) -> str | None:
    broken = [f"'{r.utterance}': {r.errors[0]}" for r in runs if r.errors]
    return f"turn failed: {broken[0]}" if broken else None


def check_route(language: Language, runs: list[UtteranceRun]):
    """A Deepgram model and language, Spanish never on Nova-3, and some voice (or a stated reason)."""
    stt = language.stt
    if stt.get("model") not in STT_MODELS or not stt.get("language"):
        return False, f"STT route {stt.get('model')}/{stt.get('language')} is not a Deepgram model and language"
    if language.code == "es" and stt["model"] == "nova-3":
        return False, "Spanish is routed to nova-3"
    if language.tts.provider == "none":
        return False, f"no voice: {language.tts.reason}"
    return None


def check_greeting_script(language: Language, runs: list[UtteranceRun]):
    greeting = phrase(language.code, "greeting")
    if not is_in_script(greeting, language.script, qa_settings().script_tolerance):
        return False, f"greeting is in {dominant_script(greeting)}, expected {language.script}"
    return None


def check_understood(language: Language, runs: list[UtteranceRun]):
    """Every QA utterance led to a search with an origin, a different destination and a date; and every
    request of the evaluation-set sample (runs with `expected`) was read as its expected codes and date."""
    for run in runs:
        if run.expected is not None:
            continue
        args = run.arguments
        if not args:
            return False, f"no search for '{run.utterance}'"
        missing = [slot for slot in ("origin", "destination", "date") if not args.get(slot)]
        if missing:
            return False, f"'{run.utterance}': no {', '.join(missing)}"
        if args["origin"] == args["destination"]:
            return False, f"'{run.utterance}': origin and destination are both {args['origin']}"
    sample = [run for run in runs if run.expected is not None]
    misread = [run for run in sample if not _read_as_expected(run)]
    if misread:
        run = misread[0]
        got = {slot: (run.arguments or run.understood or {}).get(slot) for slot in ("origin", "destination", "date")}
        return False, (f"{len(misread)} of {len(sample)} sample requests misread; '{run.utterance}': "
                       f"got {got}, want {run.expected}")
    return None


def _read_as_expected(run: UtteranceRun) -> bool:
    args, want = run.arguments or run.understood or {}, run.expected or {}
    return (same_place(args.get("origin"), want.get("origin"))
            and same_place(args.get("destination"), want.get("destination"))
            and args.get("date") == want.get("date"))


def check_reply_language(language: Language, runs: list[UtteranceRun]):
    """The reply is in the language's script; an offline reply also uses the language's own phrases."""
    failed = _failed_turns(runs)
    if failed:
        return True, failed
    tolerance = qa_settings().script_tolerance
    for run in runs:
        if not run.chat_markdown:
            return False, f"no reply to '{run.utterance}'"
        if not is_in_script(without_airline_names(run.speech_text), language.script, tolerance):
            return False, f"reply to '{run.utterance}' is mostly {dominant_script(run.speech_text)}"
        if run.providers.get("assistant", "").startswith("offline") and not _uses_own_phrases(language, run):
            return False, f"reply to '{run.utterance}' uses none of the language's phrases"
    return None


def _uses_own_phrases(language: Language, run: UtteranceRun) -> bool:
    pieces = [piece.strip(" ,.:!?") for key in ("results_intro", "results_intro_airline", "no_flights", "ask_date",
                                                "ask_origin", "ask_destination", "did_not_understand")
              for piece in _PLACEHOLDER.split(language.phrases[key])]
    return any(len(piece) >= 3 and piece in run.chat_markdown for piece in pieces)


def check_speech_clean(language: Language, runs: list[UtteranceRun]):
    """No markdown or symbols, no raw codes, no digits where numbers are spoken as words."""
    failed = _failed_turns(runs)
    if failed:
        return True, failed
    words_for_numbers = spoken_numbers_supported(language.code)
    for run in runs:
        text = without_airline_names(run.speech_text)
        if found := SPEECH_FORBIDDEN.search(text):
            return False, f"symbol '{found.group()}' in the speech text"
        if found := _raw_codes().search(text):
            return False, f"raw code '{found.group()}' in the speech text"
        if words_for_numbers and (found := re.search(r"\d+", text)):
            return False, f"digits '{found.group()}' in the speech text"
    return None


def check_tts_audio(language: Language, runs: list[UtteranceRun]):
    """Some audio for each reply, of a length plausible for its text."""
    voiced = [run for run in runs if run.providers.get("voice", "none") not in ("none", "text only")]
    if not voiced:
        if language.tts.offline_voice is None and language.tts.provider == "cartesia":
            return True, f"no offline voice speaks {language.name}; Cartesia does, with CARTESIA_API_KEY"
        return True, "text only in this session"
    settings = qa_settings()
    for run in voiced:
        if run.samples is None or run.audio_s < settings.min_audio_s:
            return False, f"{run.audio_s:.2f} s of audio for '{run.utterance}'"
        letters = sum(script_counts(run.speech_text).values()) or len(run.speech_text)
        logographic = language.script in settings.logographic_scripts
        rate = settings.logographic_letters_per_second if logographic else settings.letters_per_second
        per_second = letters / run.audio_s
        if not rate.min <= per_second <= rate.max:
            return False, f"{run.audio_s:.1f} s for {letters} letters ({per_second:.1f}/s) for '{run.utterance}'"
    return None


def check_first_audio(language: Language, runs: list[UtteranceRun]):
    times = [run.first_audio_ms for run in runs if run.first_audio_ms is not None]
    if not times:
        return True, "no audio"
    budget = qa_settings().first_audio_budget_ms
    if max(times) > budget:
        return False, f"{max(times):.0f} ms to first audio (budget {budget:.0f} ms)"
    return None


@lru_cache(maxsize=1)
def _brands() -> tuple[str, ...]:
    return tuple(airline.name for airline in airlines_file().airlines)


def lint_findings(language: Language, runs: list[UtteranceRun]) -> tuple[int, list[tuple[str, LintIssue]]]:
    """The language lint over the language's rendered sample replies (`qa_samples`) and the engine's
    replies in `runs`: (replies linted, [(which reply, issue), ...])."""
    replies = [(f"sample {r.index + 1} ({r.route})", r.chat, r.speech) for r in sample_replies(language.code)]
    replies += [(f"'{run.utterance}'", run.chat_markdown, run.speech_text) for run in runs if run.chat_markdown]
    findings = [(label, issue) for label, chat, speech in replies
                for issue in lint_reply(chat, speech, language.code, brands=_brands())]
    return len(replies), findings


def check_language_lint(language: Language, runs: list[UtteranceRun]):
    """No lint finding in at least 20 rendered replies: fails with the rule and the offending text."""
    total, findings = lint_findings(language, runs)
    if not findings:
        return None
    failing = len({label for label, _ in findings})
    label, issue = findings[0]
    return False, f"{failing} of {total} replies; {label}: {issue}"


def _letters(text: str) -> str:
    """Casefolded letters and digits, single spaces: what the character error rate compares."""
    import unicodedata

    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in unicodedata.normalize("NFC", text.casefold()))
    return " ".join(kept.split())


def character_error_rate(reference: str, heard: str) -> float:
    """Edits (insertions, deletions, substitutions) from `reference` to `heard` per reference character,
    punctuation and case ignored; capped at 1."""
    from rapidfuzz.distance import Levenshtein

    expected, got = _letters(reference), _letters(heard)
    if not expected:
        return 0.0 if not got else 1.0
    return min(1.0, Levenshtein.distance(expected, got) / len(expected))


def check_voice_round_trip(language: Language, runs: list[UtteranceRun]):
    """Each utterance, spoken by the voice and heard by the offline recogniser, is heard with a character
    error rate under `round_trip_max_cer` and leads to the same search as the typed utterance."""
    trips = [(run, run.round_trip) for run in runs if run.round_trip is not None]
    if not trips or any(trip.skipped for _run, trip in trips):
        reasons = [trip.skipped for _run, trip in trips if trip.skipped]
        return True, reasons[0] if reasons else "no round trip in this run"
    limit = qa_settings().round_trip_max_cer
    for run, trip in trips:
        if trip.cer is None or trip.cer > limit:
            heard = f"'{trip.heard}'" if trip.heard else f"nothing ({trip.rejected or 'empty'})"
            return False, f"heard {heard} for '{run.utterance}' (CER {trip.cer or 1:.2f} > {limit:g})"
        wanted = {slot: (run.arguments or {}).get(slot) for slot in ("origin", "destination", "date")}
        found = {slot: (trip.arguments or {}).get(slot) for slot in wanted}
        if not all(found.values()) or found != wanted:
            return False, f"heard '{trip.heard}': searched {found}, typed {wanted}"
    return None
