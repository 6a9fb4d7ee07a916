"""The "API fallback simulation" tab: inject a fault per tier, run a search N times, watch the chain.

Presets come from `configs/scenarios.yaml`; tiers from `flight_search.provider_names()`. The
figure, badge and answer text are built by plain functions; `build_tab` only wires Gradio.
"""
from __future__ import annotations

import html
import gradio as gr
import pandas as pd

from assistant import app_settings
from flight_search import (FAULT_KINDS, FlightQuery, RunResult, SearchOutcome, all_scenarios, attempt_rows,
                           chat_markdown, parse_query, provider_names, run_scenario, scenario_faults,
                           speech_text, timing_summary)
from flight_search.scenarios import ATTEMPT_COLUMNS, MAX_RUNS, answer_ms, tomorrow
from languages import ConfigError

from ..plots import waterfall_figure
from ..render import language_choices

DEFAULT_SCENARIO = "all_healthy"


def answer_badge(outcome: SearchOutcome, tiers: list[str]) -> str:
    """HTML badge: which tier answered the last run (green if the first tier, amber if a fallback)."""
    if outcome.source is None:
        failures = "; ".join(f"{a.provider}: {a.status.value}" + (f" ({a.error})" if a.error else "")
                             for a in outcome.attempts)
        return ('<div class="pc-status"><span class="pc-badge pc-error"><b>No tier answered</b></span>'
                f'<span>{html.escape(failures or "no tier was tried")}</span></div>')
    first = outcome.source == (tiers[0] if tiers else outcome.source) and not outcome.used_fallback
    mode, note = ("live", "first tier") if first else ("fallback", "fallback")
    return (f'<div class="pc-status"><span class="pc-badge pc-{mode}">answered by <b>{html.escape(outcome.source)}'
            f'</b> · {note}</span><span>{len(outcome.flights)} flights</span></div>')


def error_html(message: str) -> str:
    """A red one-line message for bad input or a broken preset."""
    return f'<div class="pc-status"><span class="pc-badge pc-error">⚠ {html.escape(message)}</span></div>'


def picked_faults(tiers: list[str], kinds: list[str]) -> dict[str, str]:
    """The pickers' values as tier -> fault kind (unset pickers are "ok")."""
    return {tier: (kind or "ok") for tier, kind in zip(tiers, kinds)}


def run_views(results: list[RunResult], query: FlightQuery, language: str, tiers: list[str]) -> tuple:
    """(badge, timing, table, figure, chat markdown, speech) for finished runs; the last run is shown."""
    last = results[-1].outcome
    rows = attempt_rows(last, tiers)
    try:
        figure = waterfall_figure(rows, answer_ms(last), f"Waterfall of the last run (of {len(results)})")
    except ImportError:  # matplotlib missing: the table still tells the story
        figure = None
    return (answer_badge(last, tiers), timing_summary(results), pd.DataFrame(rows, columns=ATTEMPT_COLUMNS),
            figure, chat_markdown(last, query, language), speech_text(last, query, language))


def _empty_views(message: str) -> tuple:
    return (error_html(message), "", pd.DataFrame(columns=ATTEMPT_COLUMNS), None, "", "")


def make_runner(tiers: list[str]):
    """The Run handler for these tiers: (origin, destination, date, language, runs, *kinds) -> views."""

    async def run_search(origin: str, destination: str, date_text: str, language: str, runs: float,
                         *kinds: str, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        try:
            query = parse_query(origin, destination, date_text)
            count = int(runs or 1)
            if not 1 <= count <= MAX_RUNS:
                raise ValueError(f"Runs must be between 1 and {MAX_RUNS}.")
            progress(0, desc=f"Run 0/{count}")
            results = await run_scenario(query, picked_faults(tiers, list(kinds)), count,
                                         on_run=lambda done, total: progress(done / total, desc=f"Run {done}/{total}"))
            return run_views(results, query, language or "en", tiers)
        except ValueError as exc:
            return _empty_views(str(exc))
        except Exception as exc:  # noqa: BLE001 (the tab shows a message, never a traceback)
            return _empty_views(f"The simulation failed: {type(exc).__name__}: {exc}")

    return run_search


def apply_scenario(key: str, tiers: list[str]) -> list:
    """Scenario picked: [description markdown, one fault kind per tier] (pickers kept on error)."""
    spec = all_scenarios().get(key)
    if spec is None:
        return [f"⚠ Unknown scenario '{html.escape(str(key))}'."] + [gr.skip()] * len(tiers)
    try:
        faults = scenario_faults(key, tiers)
    except ConfigError as exc:
        return [f"⚠ {html.escape(str(exc))}"] + [gr.skip()] * len(tiers)
    return [f"_{html.escape(spec.description)}_"] + [faults[tier] for tier in tiers]


def build_tab() -> None:
    """The "API fallback simulation" tab and its events (call inside a `gr.Blocks`)."""
    tiers = provider_names()
    choices = [(spec.label, key) for key, spec in all_scenarios().items()]  # loads and validates the presets
    start = DEFAULT_SCENARIO if any(key == DEFAULT_SCENARIO for _, key in choices) else choices[0][1]
    initial = apply_scenario(start, tiers)
    with gr.Tab("API fallback simulation", id="fallback_simulation"):
        gr.Markdown("Inject a fault into each flight-data tier and watch the fallback chain "
                    f"({' → '.join(tiers)}) hedge, time out and fall back.")
        with gr.Row(equal_height=True):
            scenario = gr.Dropdown(choices, value=start, label="Scenario", elem_id="scenario", scale=2)
            description = gr.Markdown(initial[0], elem_id="scenario_description")
        with gr.Row():
            pickers = [gr.Dropdown(list(FAULT_KINDS), value=kind if isinstance(kind, str) else "ok",
                                   label=f"{index}. {tier}", elem_id=f"fault_{tier}", min_width=140)
                       for index, (tier, kind) in enumerate(zip(tiers, initial[1:]), 1)]
        with gr.Row():
            origin = gr.Textbox("MAD", label="Origin (IATA)", elem_id="sim_origin", max_length=8, min_width=100)
            destination = gr.Textbox("LON", label="Destination (IATA)", elem_id="sim_destination", max_length=8,
                                     min_width=100)
            date = gr.Textbox(tomorrow, label="Date (YYYY-MM-DD)", elem_id="sim_date", max_length=20, min_width=120)
            language = gr.Dropdown(language_choices(), value=app_settings().default_language,
                                   label="Answer language", elem_id="sim_language", min_width=180)
            runs = gr.Slider(1, MAX_RUNS, value=3, step=1, label="Runs", elem_id="sim_runs", min_width=180)
        run_button = gr.Button("Run search", variant="primary", elem_id="run_search")
        with gr.Row(equal_height=True):
            answer = gr.HTML(elem_id="sim_answer")
            timing = gr.Markdown(elem_id="sim_timing")
        table = gr.Dataframe(pd.DataFrame(columns=ATTEMPT_COLUMNS), interactive=False, wrap=True,
                             label="Attempts (last run)", elem_id="attempts_table",
                             column_widths=["12%", "12%", "10%", "10%", "56%"])
        plot = gr.Plot(label="Waterfall (last run)", show_label=False, elem_id="attempts_plot")
        with gr.Row(equal_height=True):
            with gr.Column():
                gr.Markdown("**Chat answer (last run)**")
                chat = gr.Markdown(elem_id="sim_chat", container=True, min_height=120)
            speech = gr.Textbox(label="Speech answer (last run)", lines=5, interactive=False, elem_id="sim_speech")

    scenario.change(lambda key: apply_scenario(key, tiers), scenario, [description, *pickers],
                    show_progress="hidden", queue=False)
    run_button.click(make_runner(tiers), [origin, destination, date, language, runs, *pickers],
                     [answer, timing, table, plot, chat, speech], concurrency_limit=4)
