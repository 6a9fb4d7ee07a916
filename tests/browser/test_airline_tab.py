"""The "Airline aliases" tab in a real browser: live matching, bulk check, CSV in and out, browsing."""
from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
LINES = ["Iberia flights", "K L M", "Guam", "Lufthansa, LH", "日本航空"]


@pytest.fixture()
def tab(page):
    page.get_by_role("tab", name="Airline aliases").click()
    page.wait_for_selector("#alias_input textarea", state="visible")
    return page


def data_rows(page, element_id: str):
    """Locator of a Dataframe's data rows (Gradio adds a hidden sizing table, skipped here)."""
    return page.locator(f"#{element_id} table:not([aria-hidden='true']) tbody tr")


def table_rows(page, element_id: str, count: int | None = None) -> list[str]:
    """The text of each data row, after waiting for `count` rows when given."""
    rows = data_rows(page, element_id)
    if count is not None:
        expect(rows).to_have_count(count)
    return [" ".join(row.inner_text().split()) for row in rows.all()]


def run_bulk(page) -> str:
    page.click("#alias_run")
    summary = page.locator("#alias_summary")
    expect(summary).to_contain_text("matched", timeout=30_000)
    return summary.inner_text()


def test_tab_has_its_contract_elements(tab):
    for element_id in ("alias_input", "alias_result", "alias_bulk", "alias_table"):
        expect(tab.locator(f"#{element_id}")).to_have_count(1)


def test_typed_name_shows_the_match_live(tab):
    tab.fill("#alias_input textarea", "Iberia flights")
    result = tab.locator("#alias_result")
    expect(result).to_contain_text("IB — Iberia")
    expect(result).to_contain_text("score 100.0")
    tab.fill("#alias_input textarea", "Guam")
    expect(result).to_contain_text("No airline matched")
    expect(result).to_contain_text("candidate")


def test_pasted_lines_give_a_table_summary_and_csv(tab):
    tab.fill("#alias_bulk textarea", "\n".join(LINES))
    summary = run_bulk(tab)
    assert "4/5 matched (80.0%), 1 miss, 0 wrong" in summary
    rows = table_rows(tab, "alias_table", 5)
    guam = next(row for row in rows if row.startswith("Guam"))
    assert "miss" in guam
    assert "IB" in rows[0] and "hit" in rows[0]
    link = tab.locator("#alias_csv a[href]").first
    expect(link).to_be_attached()
    response = tab.request.get(link.get_attribute("href"))
    assert response.ok
    table = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    assert table[0][0] == "text" and table[0][-1] == "result" and len(table) == 6
    assert any(row[0] == "Guam" and "miss" in row[-1] for row in table)


def test_uploaded_csv_with_expected_codes(tab, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("text,expected\nBritish Airways,BA\nLufthansa,BA\nGuam,-\n", encoding="utf-8")
    tab.set_input_files("#alias_upload input[type=file]", str(path))
    expect(tab.locator("#alias_upload a[href$='cases.csv']")).to_have_count(1)
    summary = run_bulk(tab)
    assert "2/3 matched (66.7%), 0 misses, 1 wrong" in summary
    rows = table_rows(tab, "alias_table", 3)
    assert "no-match-expected" in rows[2] and "wrong" in rows[1]


def test_empty_bulk_run_asks_for_input(tab):
    tab.click("#alias_run")
    expect(tab.locator("#alias_summary")).to_contain_text("Paste some names")


def test_browse_list_filters(tab):
    tab.get_by_text("Browse every airline and alias").click()
    tab.fill("#alias_filter textarea", "lufthansa")
    expect(data_rows(tab, "alias_browse").first).to_contain_text("LH")
    rows = table_rows(tab, "alias_browse")
    assert 1 <= len(rows) < 10 and all("lufthansa" in row.lower() for row in rows)
