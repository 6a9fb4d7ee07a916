"""Flight search: airports, airline aliases, providers, the fallback chain, result formatting."""
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
    "timing_summary", "apply_trip_details", "filtered_outcome", "has_filters",
]
