"""The "API fallback simulation" tab in a real browser: presets, per-tier faults, runs, waterfall.

Tier names and order come from `provider_names()`, so these tests hold for any configured chain.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from flight_search import FAULT_KINDS, all_scenarios, provider_names, scenario_faults
from flight_search.providers.faults import SLOW_SECONDS

pytestmark = pytest.mark.browser
TIERS = provider_names()
STATUSES = {"ok", "timeout", "rate_limited", "server_error", "malformed", "empty", "refused", "skipped",
            "cancelled"}


@pytest.fixture()
def tab(page):
    page.get_by_role("tab", name="API fallback simulation").click()
    page.wait_for_selector("#run_search", state="visible")
    return page


def choose(page, element_id: str, option: str) -> None:
    page.locator(f"#{element_id} input").click()
    page.locator(f"#{element_id}").get_by_role("option", name=option, exact=True).click()


def pick_scenario(page, key: str) -> None:
    choose(page, "scenario", all_scenarios()[key].label)
    for tier, kind in scenario_faults(key).items():
        expect(page.locator(f"#fault_{tier} input")).to_have_value(kind)


def set_runs(page, runs: int) -> None:
    box = page.locator("#sim_runs input[type=number]")
    box.fill(str(runs))
    box.press("Enter")


def run(page) -> str:
    """Click Run and wait for the answer badge; returns its text."""
    page.click("#run_search")
    answer = page.locator("#sim_answer")
    expect(answer).to_contain_text(re.compile("answered by|No tier answered|⚠"), timeout=60_000)
    return answer.inner_text()


def attempts(page) -> list[list[str]]:
    rows = page.locator("#attempts_table table:not([aria-hidden='true']) tbody tr")
    expect(rows).to_have_count(len(TIERS))
    return [[cell.inner_text().strip() for cell in row.locator("td").all()] for row in rows.all()]


def p50_ms(page) -> float:
    text = page.inner_text("#sim_timing")
    return float(re.search(r"p50 ([\d.]+) ms", text).group(1))


def expect_plot(page) -> None:
    """The figure is drawn: an image or canvas (not just Gradio's hidden placeholder icon)."""
    figure = page.locator("#attempts_plot").locator("img, canvas, svg:not(.iconify)")
    expect(figure.first).to_be_visible(timeout=15_000)


def test_tab_has_a_fault_picker_per_tier(tab):
    for element_id in ("scenario", "run_search", "attempts_table", "attempts_plot"):
        expect(tab.locator(f"#{element_id}")).to_have_count(1)
    for tier in TIERS:
        expect(tab.locator(f"#fault_{tier} input")).to_have_value("ok")
    tab.locator(f"#fault_{TIERS[-1]} input").click()
    texts = tab.locator(f"#fault_{TIERS[-1]}").get_by_role("option").all_inner_texts()
    options = [text.split()[-1] for text in texts]  # the selected one starts with a "✓" mark
    assert options == list(FAULT_KINDS)


def test_primary_429_falls_back_to_the_next_tier(tab):
    pick_scenario(tab, "primary_429")
    expect(tab.locator("#scenario_description")).to_contain_text("429")
    set_runs(tab, 1)
    answer = run(tab)
    rows = attempts(tab)
    assert [row[0] for row in rows] == TIERS
    assert {row[1] for row in rows} <= STATUSES
    assert rows[0][1] in {"rate_limited", "skipped"}
    if len(TIERS) == 1:
        assert "No tier answered" in answer
    else:
        answering = re.search(r"answered by (\S+)", answer).group(1)
        assert answering in TIERS[1:]
        assert "fallback" in answer
        assert next(row for row in rows if row[0] == answering)[1] == "ok"
    expect_plot(tab)


def test_healthy_chain_answers_with_the_first_tier_and_shows_the_answer(tab):
    set_runs(tab, 2)
    answer = run(tab)
    rows = attempts(tab)
    answering = re.search(r"answered by (\S+)", answer).group(1)
    assert answering == next(row[0] for row in rows if row[1] == "ok")
    expect(tab.locator("#sim_timing")).to_contain_text("2 runs")
    expect(tab.locator("#sim_chat")).to_contain_text("Madrid")
    assert "London" in tab.input_value("#sim_speech textarea")
    expect_plot(tab)


def test_slow_tiers_take_longer_than_healthy_ones(tab):
    set_runs(tab, 1)
    run(tab)
    healthy = p50_ms(tab)
    pick_scenario(tab, "slow_network")
    tab.click("#run_search")
    threshold = SLOW_SECONDS * 1000 * 0.9
    tab.wait_for_function("""(threshold) => {
        const m = document.querySelector('#sim_timing').innerText.match(/p50 ([\\d.]+) ms/);
        return m && parseFloat(m[1]) >= threshold; }""", arg=threshold, timeout=60_000)
    assert p50_ms(tab) >= threshold > healthy
    expect(tab.locator("#sim_answer")).to_contain_text("answered by")
    expect_plot(tab)


def test_every_tier_down_says_no_tier_answered(tab):
    for tier in TIERS:
        choose(tab, f"fault_{tier}", "server_error_500")
    set_runs(tab, 1)
    answer = run(tab)
    assert "No tier answered" in answer and "server_error" in answer
    rows = attempts(tab)
    assert [row[0] for row in rows] == TIERS
    assert {row[1] for row in rows} <= {"server_error", "skipped"}
    expect(tab.locator("#sim_timing")).to_contain_text("1 without an answer")
    expect_plot(tab)


@pytest.mark.parametrize("field, value, message", [
    ("sim_destination", "XYZ", "not a known airport"),
    ("sim_origin", "Madrid", "3-letter IATA code"),
    ("sim_date", "2030-13-01", "YYYY-MM-DD"),
])
def test_bad_input_gets_a_clear_message(tab, field, value, message):
    tab.fill(f"#{field} textarea", value)
    answer = run(tab)
    assert message in answer and "Traceback" not in tab.inner_text("body")
