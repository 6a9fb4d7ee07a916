"""The Language QA tab in a real browser: run, progress, matrix, heat-map, drill-down, CSV, cancel."""
from __future__ import annotations

import csv
import re
import shutil
import zipfile

import pytest

pytestmark = pytest.mark.browser


def open_tab(page) -> None:
    page.get_by_role("tab", name="Language QA").click()
    page.wait_for_selector("#qa_run", state="visible")


def choose(page, names: list[str]) -> None:
    """Replace the default "All languages" with the given languages."""
    page.locator("#qa_languages .token-remove").first.click()
    for name in names:
        page.locator("#qa_languages input").click()
        page.get_by_role("option", name=re.compile(name)).click()
    page.keyboard.press("Escape")


def matrix_rows(page) -> int:
    """Languages in the matrix (Gradio renders the body twice: a visible table and a measuring copy)."""
    codes = page.eval_on_selector_all("#qa_matrix tbody tr", "rows => rows.map(r => r.cells[0].innerText.trim())")
    return len(dict.fromkeys(codes))


def test_a_run_fills_the_matrix_and_a_row_drills_down(page, tmp_path):
    open_tab(page)
    choose(page, ["Español", "日本語"])
    page.click("#qa_run")
    page.wait_for_function("() => document.querySelector('#qa_status').innerText.includes('done')", timeout=60_000)
    assert "2 of 2 passed" in page.inner_text("#qa_status")
    assert matrix_rows(page) == 2
    table = page.inner_text("#qa_matrix")
    assert "Spanish" in table and "Japanese" in table and "✗" not in table and "✓ pass" in table
    assert page.locator("#qa_heatmap img, #qa_heatmap svg, #qa_heatmap canvas").count() >= 1

    page.locator("#qa_matrix").get_by_text("Japanese", exact=True).last.click()
    page.wait_for_function("() => document.querySelector('#qa_detail').innerText.includes('Japanese (ja)')")
    assert "utterances understood" in page.inner_text("#qa_detail")
    page.wait_for_function("() => document.querySelector('#qa_speech textarea').value.length > 0")
    assert "東京" in page.input_value("#qa_speech textarea") or "ロンドン" in page.input_value("#qa_speech textarea")
    assert page.locator("#qa_audio audio, #qa_audio [data-testid='waveform-x']").count() + \
        page.locator("#qa_audio button[aria-label*='Play'], #qa_audio .play-pause-button").count() >= 1

    with page.expect_download() as download:
        page.click("#qa_download")
    saved = tmp_path / "matrix.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(saved.read_text(encoding="utf-8").splitlines()))
    assert [r["code"] for r in rows] == ["es", "ja"] and {r["passed"] for r in rows} == {"yes"}


def test_cancel_stops_a_run_of_every_language(page):
    open_tab(page)
    page.click("#qa_run")   # default: all languages
    page.wait_for_function("() => document.querySelector('#qa_status').innerText.includes('running')",
                           timeout=60_000)
    page.click("#qa_cancel")
    page.wait_for_timeout(3000)
    stopped_at = matrix_rows(page)
    page.wait_for_timeout(2000)
    assert matrix_rows(page) == stopped_at < 43
    assert "done" not in page.inner_text("#qa_status")


@pytest.fixture()
def review_page(browser, tmp_path):
    """The app on a copy of configs/, so an imported review is kept there and not in the repository."""
    from .conftest import ROOT, start_app, stop_app

    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs, ignore=shutil.ignore_patterns("_parts", "reviews"))
    process, url = start_app({"POLYGLOT_CONFIG_DIR": str(configs)})
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#text_input textarea", timeout=30_000)
    yield page, configs
    context.close()
    stop_app(process)


def test_a_filled_review_sheet_shows_its_verdicts_on_the_matrix(review_page, tmp_path):
    from assistant.qa.review import sheet_csv, sheet_rows

    page, configs = review_page
    open_tab(page)
    choose(page, ["Español"])
    page.click("#qa_run")
    page.wait_for_function("() => document.querySelector('#qa_status').innerText.includes('done')", timeout=60_000)
    page.get_by_role("button", name=re.compile("^Native review")).click()

    page.locator("#qa_review_language input").click()
    page.get_by_role("option", name=re.compile("Español")).click()
    page.click("#qa_review_export")
    page.wait_for_function("() => document.querySelector('#qa_review_status').innerText.includes('review-es.zip')",
                           timeout=60_000)
    with page.expect_download() as download:
        page.click("#qa_review_download")
    bundle = zipfile.ZipFile(download.value.path())
    rows = list(csv.DictReader(bundle.read("review-es.csv").decode("utf-8-sig").splitlines()))
    assert len(rows) >= 20 and rows[0]["audio"] in bundle.namelist()

    for row in rows:
        row.update(verdict="ok", reviewer="Lucía")
    filled = tmp_path / "review-es-filled.csv"
    filled.write_text("\ufeff" + sheet_csv(rows), encoding="utf-8")
    page.locator("#qa_review_upload input[type=file]").set_input_files(str(filled))
    page.wait_for_function("() => document.querySelector('#qa_review_status').innerText.includes('signed off')",
                           timeout=30_000)
    page.wait_for_function("() => document.querySelector('#qa_matrix').innerText.includes('signed off')", timeout=30_000)
    table = page.inner_text("#qa_matrix")
    assert "native review" in table and "✓ signed off: 24 ok (Lucía)" in table
    assert (configs / "reviews" / "es.yaml").exists()
    assert len(sheet_rows("es", with_audio=False)) == len(rows)
