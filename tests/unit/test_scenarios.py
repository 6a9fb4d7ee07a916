"""Fallback scenarios (loader, roles, errors), simulation logic, and the QA tabs' pure functions."""
from __future__ import annotations

import asyncio
import datetime as dt
import re
import textwrap

import pytest

import flight_search
from demo.tabs import airline_aliases as aliases
from demo.plots import waterfall_figure
from demo.startup import clear_caches
from demo.tabs.fallback_simulation import make_runner
from flight_search import (FAULT_KINDS, Attempt, AttemptStatus, FlightQuery, SearchOutcome, attempt_rows,
                           parse_query, percentile, provider_names, resolve_faults, run_scenario,
                           scenario_faults, timing_summary)
from flight_search.scenarios import ROLES, RunResult, answer_ms, clear_cache, scenarios_file
from languages import ConfigError

THREE = ["amadeus", "duffel", "demo"]


@pytest.fixture()
def config_dir(tmp_path, monkeypatch):
    """An empty config folder in place of `configs/`; caches are cleared before and after."""
    monkeypatch.setenv("POLYGLOT_CONFIG_DIR", str(tmp_path))
    clear_cache()
    clear_caches()
    yield tmp_path
    monkeypatch.delenv("POLYGLOT_CONFIG_DIR")
    clear_cache()
    clear_caches()


def write(folder, text: str) -> None:
    (folder / "scenarios.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


# --- the presets file -------------------------------------------------------------------------

def test_shipped_presets_load_and_resolve_for_the_configured_tiers():
    presets = flight_search.all_scenarios()
    for key in ("all_healthy", "primary_timeout", "primary_429", "primary_malformed", "real_apis_down",
                "slow_network"):
        assert key in presets and presets[key].label and presets[key].description
    for key in presets:
        faults = scenario_faults(key)
        assert list(faults) == provider_names()
        assert set(faults.values()) <= set(FAULT_KINDS)


def test_shipped_presets_resolve_for_three_tiers():
    assert scenario_faults("primary_429", THREE) == {"amadeus": "rate_limit_429", "duffel": "ok", "demo": "ok"}
    assert scenario_faults("real_apis_down", THREE) == {"amadeus": "refused", "duffel": "refused", "demo": "ok"}
    assert set(scenario_faults("slow_network", THREE).values()) == {"slow"}
    assert scenario_faults("all_healthy", THREE) == dict.fromkeys(THREE, "ok")


def test_unknown_fault_kind_is_a_one_line_config_error(config_dir):
    write(config_dir, """
        scenarios:
          bad:
            label: Bad
            description: A typo in the fault kind.
            faults: {primary: rate_limit_430}
        """)
    with pytest.raises(ConfigError) as caught:
        scenarios_file()
    message = str(caught.value)
    assert "\n" not in message
    assert "scenarios.yaml" in message and "scenarios.bad.faults.primary" in message
    assert "rate_limit_430" in message and "rate_limit_429" in message


@pytest.mark.parametrize("body, field", [
    ("scenarios: {}", "scenarios"),
    ("scenarios:\n  x: {label: X, description: 'two\n\n    lines'}", "scenarios.x.description"),
    ("scenarios:\n  x: {label: X, description: d, colour: red}", "scenarios.x.colour"),
    ("scenarios:\n  x: {label: X, description: d, faults: {'amadeus tier': ok}}", "scenarios.x.faults"),
])
def test_malformed_presets_name_the_field(config_dir, body, field):
    write(config_dir, body)
    with pytest.raises(ConfigError) as caught:
        scenarios_file()
    assert caught.value.field == field
    assert "\n" not in str(caught.value)


def test_missing_file_is_a_config_error(config_dir):
    with pytest.raises(ConfigError, match="file is missing"):
        scenarios_file()


def test_unknown_tier_is_a_clear_error_at_use_time(config_dir):
    write(config_dir, """
        scenarios:
          typo:
            label: Typo
            description: Names a tier that is not configured.
            faults: {amadeos: timeout}
        """)
    assert "typo" in scenarios_file().scenarios  # loads: tiers are checked when the preset is used
    with pytest.raises(ConfigError) as caught:
        scenario_faults("typo", THREE)
    message = str(caught.value)
    assert "\n" not in message and "scenarios.typo.faults.amadeos" in message
    assert "unknown tier 'amadeos'" in message and "amadeus, duffel, demo" in message


def test_unknown_scenario_key():
    with pytest.raises(KeyError, match="unknown scenario"):
        scenario_faults("no_such_preset")


# --- roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("faults, tiers, expected", [
    ({"primary": "timeout"}, ["demo"], {"demo": "timeout"}),
    ({"secondary": "timeout"}, ["demo"], {"demo": "ok"}),
    ({"secondary": "timeout"}, THREE, {"amadeus": "ok", "duffel": "timeout", "demo": "ok"}),
    ({"real": "refused"}, ["demo"], {"demo": "ok"}),
    ({"last": "empty"}, THREE, {"amadeus": "ok", "duffel": "ok", "demo": "empty"}),
    ({"all": "slow", "demo": "ok"}, THREE, {"amadeus": "slow", "duffel": "slow", "demo": "ok"}),
    ({"demo": "ok", "all": "slow"}, THREE, {"amadeus": "slow", "duffel": "slow", "demo": "ok"}),
])
def test_roles_resolve_against_the_tiers(faults, tiers, expected):
    assert resolve_faults(faults, tiers) == expected


def test_a_tier_named_like_a_role_is_the_tier():
    assert resolve_faults({"primary": "timeout"}, ["backup", "primary"]) == {"backup": "ok", "primary": "timeout"}
    assert set(ROLES) == {"primary", "secondary", "real", "last", "all"}


def test_resolve_rejects_unknown_fault_kinds():
    with pytest.raises(ValueError, match="unknown fault"):
        resolve_faults({"demo": "explode"}, ["demo"])


# --- query form -------------------------------------------------------------------------------

def test_parse_query_accepts_lower_case_and_city_codes():
    query = parse_query(" mad", "lon ", "2030-05-01")
    assert query == FlightQuery("MAD", "LON", dt.date(2030, 5, 1))


@pytest.mark.parametrize("origin, destination, date_text, words", [
    ("MADRID", "LON", "2030-05-01", "3-letter IATA code"),
    ("", "LON", "2030-05-01", "Origin must be"),
    ("MAD", "QQQ", "2030-05-01", "'QQQ' is not a known"),
    ("MAD", "MAD", "2030-05-01", "same"),
    ("MAD", "LON", "tomorrow", "YYYY-MM-DD"),
    ("MAD", "LON", "2030-02-30", "YYYY-MM-DD"),
])
def test_parse_query_errors_are_readable(origin, destination, date_text, words):
    with pytest.raises(ValueError, match=words):
        parse_query(origin, destination, date_text)


# --- numbers and rows -------------------------------------------------------------------------

def test_percentile_interpolates():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == pytest.approx(48.0)
    assert percentile(list(reversed(values)), 0) == 10.0 and percentile(values, 100) == 50.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)


def outcome(source, *attempts) -> SearchOutcome:
    return SearchOutcome([], source, list(attempts))


def test_attempt_rows_follow_the_tier_order_and_fill_gaps():
    result = outcome("demo",
                     Attempt("duffel", AttemptStatus.RATE_LIMITED, 12.0, "429 Too Many Requests", 0.5),
                     Attempt("demo", AttemptStatus.OK, 3.0, "", 13.0),
                     Attempt("extra", AttemptStatus.SKIPPED, 0.0, "not configured"))
    rows = attempt_rows(result, THREE)
    assert [row[0] for row in rows] == ["amadeus", "duffel", "demo", "extra"]
    assert rows[0] == ["amadeus", "skipped", 0.0, 0.0, "no attempt recorded"]
    assert rows[1] == ["duffel", "rate_limited", 12.0, 0.5, "429 Too Many Requests"]
    assert answer_ms(result) == 16.0
    assert answer_ms(outcome(None, Attempt("demo", AttemptStatus.SERVER_ERROR, 1.0))) is None


def test_timing_summary_counts_runs_and_sources():
    ok = outcome("demo", Attempt("demo", AttemptStatus.OK, 100.0, "", 0.0))
    failed = outcome(None, Attempt("demo", AttemptStatus.SERVER_ERROR, 1.0, "500"))
    text = timing_summary([RunResult(ok, 101.0), RunResult(ok, 99.0), RunResult(failed, 2.0)])
    assert "3 runs" in text and "p50 **100 ms**" in text and "p95 **100 ms**" in text
    assert "1 without an answer" in text and "demo ×2" in text and "none ×1" in text
    assert timing_summary([]) == "No runs yet."


# --- running (demo tier, real chain) ----------------------------------------------------------

async def test_run_scenario_runs_n_times_and_reports_progress():
    seen = []
    faults = scenario_faults("all_healthy")
    results = await run_scenario(parse_query("MAD", "LON", "2030-05-01"), faults, 3,
                                 on_run=lambda done, total: seen.append((done, total)))
    assert len(results) == 3 and seen == [(1, 3), (2, 3), (3, 3)]
    assert all(r.outcome.source in provider_names() and r.answer_ms is not None for r in results)
    assert [row[0] for row in attempt_rows(results[-1].outcome)] == provider_names()


async def test_every_tier_failing_gives_no_source():
    faults = scenario_faults("everything_down")
    [result] = await run_scenario(parse_query("MAD", "LON", "2030-05-01"), faults, 1)
    assert result.outcome.source is None and result.answer_ms is None
    assert {row[1] for row in attempt_rows(result.outcome)} <= {"server_error", "skipped"}


async def test_run_scenario_rejects_out_of_range_runs():
    for runs in (0, 51):
        with pytest.raises(ValueError, match="between 1 and 50"):
            await run_scenario(parse_query("MAD", "LON", "2030-05-01"), {}, runs)


# --- the simulation tab's plain functions -----------------------------------------------------

def test_waterfall_has_a_bar_per_tier_and_an_answer_line():
    rows = [["amadeus", "timeout", 1500.0, 0.0, "no answer"], ["duffel", "ok", 300.0, 1500.0, ""],
            ["demo", "skipped", 0.0, 0.0, "not needed"]]
    axes = waterfall_figure(rows, 1800.0).axes[0]
    assert len(axes.patches) == 3
    assert [t.get_text() for t in axes.get_yticklabels()] == ["amadeus", "duffel", "demo"]
    assert axes.patches[1].get_x() == 1500.0 and axes.patches[1].get_width() == 300.0
    assert len(axes.lines) == 1 and axes.lines[0].get_xdata()[0] == 1800.0
    assert len(waterfall_figure(rows, None).axes[0].lines) == 0


def test_runner_shows_bad_input_as_a_message():
    tiers = provider_names()
    badge, _timing, table, plot, _chat, _speech = asyncio.run(
        make_runner(tiers)("MAD", "XYZ", "2030-05-01", "en", 1, *["ok"] * len(tiers)))
    assert "not a known airport" in badge and "Traceback" not in badge
    assert table.empty and plot is None


def test_runner_names_the_answering_tier():
    tiers = provider_names()
    badge, timing, table, plot, chat, speech = asyncio.run(
        make_runner(tiers)("MAD", "LON", "2030-05-01", "es", 2, *["ok"] * len(tiers)))
    assert re.search(r"answered by <b>(\w+)</b>", badge).group(1) in tiers and "2 runs" in timing
    assert list(table["provider"]) == tiers and "Madrid" in chat and "Londres" in speech
    assert plot is not None


# --- the airline aliases tab's plain functions ------------------------------------------------

def test_pasted_lines_with_optional_expected_codes():
    text = "Iberia flights, IB\n\nK L M\tKL\nGuam, -\nAir France, KLM\nfoo; none\n  日本航空  "
    assert aliases.parse_lines(text) == [("Iberia flights", "IB"), ("K L M", "KL"), ("Guam", "none"),
                                         ("Air France, KLM", ""), ("foo", "none"), ("日本航空", "")]


def test_csv_cases_skip_the_header_and_sniff_the_delimiter(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("text;expected\nLufthansa;LH\nGuam;\n\"Air, odd\";-\n", encoding="utf-8-sig")
    assert aliases.read_csv_cases(path) == [("Lufthansa", "LH"), ("Guam", ""), ("Air, odd", "none")]


def test_bulk_rows_summary_and_csv(tmp_path):
    cases = [("Iberia flights", "IB"), ("Guam", ""), ("Lufthansa", "BA"), ("Guam", "none"), ("K L M", "")]
    rows = aliases.bulk_rows(cases)
    assert [row[-1] for row in rows] == [aliases.HIT, aliases.MISS, aliases.WRONG, aliases.NONE_OK, aliases.HIT]
    assert rows[0][:3] == ["Iberia flights", "IB", "IB"] and rows[1][2:4] == ["", ""]
    assert aliases.hit_rate_summary(rows) == "3/5 matched (60.0%), 1 miss, 1 wrong"
    path = aliases.write_csv(rows, tmp_path)
    lines = (tmp_path / "airline_aliases.csv").read_text(encoding="utf-8-sig").splitlines()
    assert path.endswith("airline_aliases.csv") and lines[0] == ",".join(aliases.COLUMNS) and len(lines) == 6


def test_single_match_markdown_and_browse_filter():
    iberia, guam, typo = (aliases.match_markdown(t) for t in ("Iberia flights", "Guam", "Lufthansaa"))
    assert "IB — Iberia" in iberia and "`name`" in iberia
    assert "No airline matched" in guam and "| candidate |" in guam
    assert "fuzzy" in typo and "candidate" in typo
    assert "<b>" not in aliases.match_markdown("<b>x</b>")
    assert len(aliases.browse_rows()) == len(flight_search.all_airlines())
    assert {row[0] for row in aliases.browse_rows("lufthansa")} >= {"LH"}
    assert aliases.browse_rows("zzzz-no-such-airline") == []
