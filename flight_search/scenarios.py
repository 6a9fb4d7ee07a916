"""Fallback simulation: fault presets from `configs/scenarios.yaml` and the logic of a run.

A preset maps tiers (or roles such as `primary`, resolved against `provider_names()` when used)
to fault kinds. `run_scenario` runs the same search N times with those faults; `attempt_rows`,
`percentile` and `timing_summary` turn the outcomes into what a QA tester reads.
"""
from __future__ import annotations

import datetime as dt
import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from languages import ConfigError, config_dir, load_config
from languages.configfile import REPO_ROOT

from .airports import is_known_place
from .chain import provider_names, search_flights
from .models import AttemptStatus, FlightQuery, SearchOutcome
from .providers.faults import check_fault

SCENARIOS_FILE = "scenarios.yaml"
ROLES = ("primary", "secondary", "real", "last", "all")
MAX_RUNS = 50
FaultKind = Annotated[str, AfterValidator(check_fault)]


class ScenarioSpec(BaseModel):
    """One preset: a label, a one-line description and tier-or-role -> fault kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=200)
    faults: dict[str, FaultKind] = Field(default_factory=dict)

    @field_validator("description")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("description must be one line")
        return value.strip()

    @field_validator("faults")
    @classmethod
    def _tier_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not key or not key.replace("_", "").replace("-", "").isalnum():
                raise ValueError(f"'{key}' is not a tier name or role")
        return value


class ScenariosFile(BaseModel):
    """The whole `configs/scenarios.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenarios: dict[str, ScenarioSpec] = Field(min_length=1)


@lru_cache(maxsize=1)
def scenarios_file() -> ScenariosFile:
    """The validated `configs/scenarios.yaml` (raises ConfigError)."""
    return load_config(SCENARIOS_FILE, ScenariosFile)


def clear_cache() -> None:
    """Forget the loaded presets (tests that swap `POLYGLOT_CONFIG_DIR`)."""
    scenarios_file.cache_clear()


def all_scenarios() -> dict[str, ScenarioSpec]:
    """Every preset by key, in file order."""
    return dict(scenarios_file().scenarios)


def scenario_choices() -> list[tuple[str, str]]:
    """Dropdown choices: (label, key)."""
    return [(spec.label, key) for key, spec in all_scenarios().items()]


def _shown_file() -> str:
    path = config_dir() / SCENARIOS_FILE
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _role_tiers(role: str, tiers: list[str]) -> list[str]:
    return {"primary": tiers[:1], "secondary": tiers[1:2], "real": tiers[:-1],
            "last": tiers[-1:], "all": list(tiers)}[role]


def resolve_faults(faults: dict[str, str], tiers: list[str] | None = None, *,
                   scenario: str = "") -> dict[str, str]:
    """Every tier -> its fault kind ("ok" unless named), roles expanded against `tiers`.

    `tiers` defaults to `provider_names()`. A key that is neither a configured tier nor a role
    raises ConfigError naming the file, the preset and the tiers that exist.
    """
    tiers = list(provider_names() if tiers is None else tiers)
    resolved = {tier: "ok" for tier in tiers}
    for key, kind in faults.items():  # roles first, so a tier named outright wins
        if key not in tiers and key in ROLES:
            resolved.update({tier: check_fault(kind) for tier in _role_tiers(key, tiers)})
    for key, kind in faults.items():
        if key in tiers:
            resolved[key] = check_fault(kind)
        elif key not in ROLES:
            field = f"scenarios.{scenario}.faults.{key}" if scenario else f"faults.{key}"
            raise ConfigError(_shown_file(), field, f"unknown tier '{key}', expected one of: "
                              f"{', '.join(tiers)} (or a role: {', '.join(ROLES)})")
    return resolved


def scenario_faults(key: str, tiers: list[str] | None = None) -> dict[str, str]:
    """The fault of every tier for the preset `key` (raises ConfigError, KeyError if unknown)."""
    spec = all_scenarios().get(key)
    if spec is None:
        raise KeyError(f"unknown scenario '{key}', expected one of: {', '.join(all_scenarios())}")
    return resolve_faults(spec.faults, tiers, scenario=key)


def parse_query(origin: str, destination: str, date_text: str) -> FlightQuery:
    """A FlightQuery from form text, or ValueError with a message fit to show a tester."""
    codes = []
    for label, value in (("Origin", origin), ("Destination", destination)):
        code = (value or "").strip().upper()
        if not (len(code) == 3 and code.isascii() and code.isalpha()):
            raise ValueError(f"{label} must be a 3-letter IATA code such as MAD or LON, got '{value or ''}'.")
        if not is_known_place(code):
            raise ValueError(f"{label} '{code}' is not a known airport or city code.")
        codes.append(code)
    if codes[0] == codes[1]:
        raise ValueError("Origin and destination are the same.")
    try:
        date = dt.date.fromisoformat((date_text or "").strip())
    except ValueError:
        raise ValueError(f"Date must be ISO YYYY-MM-DD, e.g. {tomorrow()}, got '{date_text or ''}'.") from None
    return FlightQuery(codes[0], codes[1], date)


def tomorrow() -> str:
    """Tomorrow's date as ISO text (the form's default)."""
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class RunResult:
    """One simulated search: its outcome and the wall time of the whole call."""

    outcome: SearchOutcome
    wall_ms: float

    @property
    def answer_ms(self) -> float | None:
        """When the answering tier answered (ms since the search began), or None."""
        return answer_ms(self.outcome)


def answer_ms(outcome: SearchOutcome) -> float | None:
    """Time to answer: the end of the winning attempt, or None when no tier answered."""
    for attempt in outcome.attempts:
        if attempt.provider == outcome.source and attempt.status == AttemptStatus.OK:
            return round(attempt.started_ms + attempt.latency_ms, 1)
    return None


async def run_scenario(query: FlightQuery, faults: dict[str, str], runs: int,
                       on_run: Callable[[int, int], None | Awaitable[None]] | None = None) -> list[RunResult]:
    """Search `runs` times (1..MAX_RUNS) in sequence with `faults`; `on_run(done, total)` after each."""
    if not 1 <= int(runs) <= MAX_RUNS:
        raise ValueError(f"runs must be between 1 and {MAX_RUNS}, got {runs}")
    results: list[RunResult] = []
    for index in range(int(runs)):
        began = time.perf_counter()
        outcome = await search_flights(query, faults=dict(faults))
        results.append(RunResult(outcome, round((time.perf_counter() - began) * 1000, 1)))
        if on_run is not None:
            maybe = on_run(index + 1, int(runs))
            if inspect.isawaitable(maybe):
                await maybe
    return results


ATTEMPT_COLUMNS = ["provider", "status", "latency_ms", "started_ms", "error"]


def attempt_rows(outcome: SearchOutcome, tiers: list[str] | None = None) -> list[list]:
    """One row per tier in chain order (columns `ATTEMPT_COLUMNS`); tiers without an attempt say so."""
    tiers = list(provider_names() if tiers is None else tiers)
    by_name = {a.provider: a for a in outcome.attempts}
    names = tiers + [a.provider for a in outcome.attempts if a.provider not in tiers]
    rows = []
    for name in names:
        attempt = by_name.get(name)
        if attempt is None:
            rows.append([name, AttemptStatus.SKIPPED.value, 0.0, 0.0, "no attempt recorded"])
        else:
            rows.append([name, AttemptStatus(attempt.status).value, attempt.latency_ms,
                         attempt.started_ms, attempt.error])
    return rows


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0..100) by linear interpolation between ranks; None for no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def source_counts(results: list[RunResult]) -> dict[str, int]:
    """How many runs each tier answered ("none" for runs with no answer), in first-seen order."""
    counts: dict[str, int] = {}
    for result in results:
        key = result.outcome.source or "none"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def timing_summary(results: list[RunResult]) -> str:
    """One markdown line: p50/p95 time to answer over the runs, and runs without an answer."""
    if not results:
        return "No runs yet."
    times = [r.answer_ms for r in results if r.answer_ms is not None]
    unanswered = len(results) - len(times)
    parts = [f"**{len(results)} run{'s' if len(results) != 1 else ''}**"]
    if times:
        parts.append(f"time to answer p50 **{_ms(percentile(times, 50))}**, p95 **{_ms(percentile(times, 95))}**")
    if unanswered:
        parts.append(f"{unanswered} without an answer")
    served = ", ".join(f"{name} ×{count}" for name, count in source_counts(results).items())
    parts.append(f"answered by: {served}")
    return " · ".join(parts)
