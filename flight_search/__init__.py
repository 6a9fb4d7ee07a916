"""Flight search: airports, airline aliases, providers, the fallback chain, result formatting."""
from . import airline_names, airlines, chain, scenarios
from .airlines import AirlineMatch, airline_candidates, all_airlines, find_airlines, normalize_airline
from .chain import CircuitBreaker, FallbackChain, provider_names, search_flights
from .formatting import chat_markdown, place_name, speech_text
from .models import Attempt, AttemptStatus, Flight, FlightQuery, SearchOutcome
from .providers.faults import FAULT_KINDS
from .scenarios import (RunResult, ScenarioSpec, all_scenarios, attempt_rows, parse_query, percentile,
                        resolve_faults, run_scenario, scenario_choices, scenario_faults, timing_summary)
from .trip_filters import apply_trip_details, filtered_outcome, has_filters

__all__ = [
    "AirlineMatch", "airline_candidates", "all_airlines", "find_airlines", "normalize_airline",
    "CircuitBreaker", "FallbackChain", "provider_names", "search_flights", "chat_markdown",
    "place_name", "speech_text", "Attempt", "AttemptStatus", "Flight", "FlightQuery",
    "SearchOutcome", "FAULT_KINDS", "RunResult", "ScenarioSpec", "all_scenarios", "attempt_rows",
    "parse_query", "percentile", "resolve_faults", "run_scenario", "scenario_choices", "scenario_faults",
    "timing_summary", "validate_config", "clear_caches", "apply_trip_details", "filtered_outcome",
    "has_filters",
]


def validate_config() -> None:
    """Load and check `airlines.yaml`, `airline_names.yaml`, `flight_search.yaml` and `scenarios.yaml`
    (raises ConfigError)."""
    airlines.airlines_file()
    airlines.check_airline_data()   # airline_names.yaml, cross-checked against airlines.yaml
    chain.chain_config()
    scenarios.scenarios_file()


def clear_caches() -> None:
    """Forget this room's loaded files (tests that point `POLYGLOT_CONFIG_DIR` elsewhere)."""
    airlines.clear_caches()
    airline_names.airline_names_file.cache_clear()
    chain.chain_config.cache_clear()
    scenarios.clear_cache()
