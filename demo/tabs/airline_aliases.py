"""The "Airline aliases" tab: one name live, many names in bulk (with CSV export), the alias list.

The logic (parsing pasted lines or a CSV, classifying results, the hit-rate line, writing the
CSV, filtering the alias list) lives in plain functions; `build_tab` only wires Gradio.
"""
from __future__ import annotations

import csv
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import gradio as gr
import pandas as pd

from flight_search import AirlineMatch, airline_candidates, all_airlines, normalize_airline

from ..chat_view import escape_user_text

COLUMNS = ["text", "expected", "matched IATA", "name", "score", "method", "result"]
BROWSE_COLUMNS = ["iata", "icao", "name", "country", "region", "alliance", "aliases", "local names", "spoken"]
HIT, MISS, WRONG, NONE_OK = "✔ hit", "✘ miss", "✘ wrong", "✔ no-match-expected"
NO_MATCH_WORDS = {"-", "none", "no match", "no-match", "null"}
MAX_BULK_ROWS = 5000
_HEADER_WORDS = {"text", "input", "name", "alias", "expected", "iata", "expected_iata", "expected iata", "code"}
_TRAILING_CODE = re.compile(r"^(?P<text>.*?)\s*[,;]\s*(?P<code>[A-Z0-9]{2}|-|(?i:none))\s*$")

Case = tuple[str, str]  # (text, expected: IATA code, "none" for "no airline", or "" for unknown)


def _expected(value: str) -> str:
    value = (value or "").strip()
    return "none" if value.lower() in NO_MATCH_WORDS else value.upper()


def parse_lines(text: str) -> list[Case]:
    """Pasted lines as cases: "name", "name<TAB>IB", "name, IB" or "name, -" (expect no airline)."""
    cases: list[Case] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if "\t" in line:
            name, _, expected = line.partition("\t")
            cases.append((name.strip(), _expected(expected)))
            continue
        found = _TRAILING_CODE.match(line)
        cases.append((found["text"].strip(), _expected(found["code"])) if found else (line.strip(), ""))
    return cases


def read_csv_cases(path: str | Path) -> list[Case]:
    """Cases from a CSV: first column the text, optional second column the expected IATA code.

    The delimiter (comma, semicolon or tab) is sniffed; a header row is skipped.
    """
    raw = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(raw[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    cases: list[Case] = []
    for index, row in enumerate(csv.reader(raw.splitlines(), dialect)):
        if not row or not row[0].strip():
            continue
        if index == 0 and {cell.strip().lower() for cell in row[:2]} <= _HEADER_WORDS:
            continue
        cases.append((row[0].strip(), _expected(row[1]) if len(row) > 1 else ""))
    return cases


def classify(expected: str, match: AirlineMatch | None) -> str:
    """hit / miss / wrong / no-match-expected for one case (blank expected: any match is a hit)."""
    if expected == "none":
        return NONE_OK if match is None else WRONG
    if match is None:
        return MISS
    return HIT if not expected or match.iata == expected else WRONG


def bulk_rows(cases: Iterable[Case], on_row: Callable[[int], None] | None = None) -> list[list]:
    """Match every case; one row per case with `COLUMNS`. `on_row(i)` is called as rows finish."""
    rows = []
    for index, (text, expected) in enumerate(cases):
        match = normalize_airline(text)
        rows.append([text, expected, match.iata if match else "", match.name if match else "",
                     match.score if match else 0.0, match.method if match else "",
                     classify(expected, match)])
        if on_row is not None:
            on_row(index)
    return rows


def hit_rate_summary(rows: list[list]) -> str:
    """One line such as "47/50 matched (94.0%), 2 misses, 1 wrong"."""
    if not rows:
        return "No rows."
    results = [row[-1] for row in rows]
    good = sum(r in (HIT, NONE_OK) for r in results)
    misses, wrong = results.count(MISS), results.count(WRONG)
    return (f"{good}/{len(rows)} matched ({100 * good / len(rows):.1f}%), "
            f"{misses} {'miss' if misses == 1 else 'misses'}, {wrong} wrong")


def write_csv(rows: list[list], directory: str | Path | None = None) -> str:
    """Write the table (with a header row) to a new CSV file; returns its path."""
    folder = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="airline_aliases_"))
    path = folder / "airline_aliases.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return str(path)


def styled_table(rows: list[list]):
    """The results as a DataFrame whose misses and wrong matches are shaded red."""
    frame = pd.DataFrame(rows, columns=COLUMNS)

    def shade(row: pd.Series) -> list[str]:
        bad = row["result"] in (MISS, WRONG)
        return ["background-color: #fee2e2; color: #7f1d1d" if bad else ""] * len(row)

    return frame.style.apply(shade, axis=1).format({"score": "{:.1f}"})


def _candidates_table(text: str) -> str:
    candidates = airline_candidates(text)
    if not candidates:
        return ""
    lines = ["", "| candidate | name | score |", "|---|---|---|"]
    lines += [f"| {c.iata} | {escape_user_text(c.name)} | {c.score:.1f} |" for c in candidates]
    return "\n".join(lines)


def match_markdown(text: str) -> str:
    """What the single-name box shows: the match (IATA, name, score, method) and candidates."""
    if not (text or "").strip():
        return "_Type an airline name, code, local name or spoken form._"
    match = normalize_airline(text)
    if match is None:
        return (f"**✘ No airline matched** “{escape_user_text(text.strip())}”. Closest candidates:"
                + (_candidates_table(text) or "\n\n_none_"))
    head = (f"**✔ {match.iata} — {escape_user_text(match.name)}** · score {match.score:.1f}"
            f" · method `{match.method}`")
    if match.method == "fuzzy":
        return head + "\n\nFuzzy match; other candidates:" + _candidates_table(text)
    return head


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def browse_rows(query: str = "") -> list[list]:
    """The alias list (`BROWSE_COLUMNS`), keeping rows where any cell contains `query`."""
    rows = [[a.iata, a.icao, a.name, a.country, a.region, a.alliance or "", ", ".join(a.aliases),
             ", ".join(a.local_names), ", ".join(a.spoken)] for a in all_airlines()]
    needle = _fold((query or "").strip())
    return [row for row in rows if not needle or needle in _fold(" | ".join(row))]


def run_bulk(text: str, upload: str | None, progress: gr.Progress = gr.Progress()):  # noqa: B008
    """Run handler of the bulk check: (table, summary, CSV file update)."""
    try:
        cases = parse_lines(text)
        if upload:
            cases += read_csv_cases(upload)
    except (OSError, csv.Error, UnicodeError) as exc:
        return pd.DataFrame(columns=COLUMNS), f"⚠ Could not read the CSV: {exc}", gr.update(value=None, visible=False)
    if not cases:
        return (pd.DataFrame(columns=COLUMNS), "_Paste some names (one per line) or upload a CSV, then Run._",
                gr.update(value=None, visible=False))
    note = ""
    if len(cases) > MAX_BULK_ROWS:
        note = f" (only the first {MAX_BULK_ROWS} of {len(cases)} rows were checked)"
        cases = cases[:MAX_BULK_ROWS]
    progress(0, desc="Matching")
    rows = bulk_rows(cases, on_row=lambda i: progress((i + 1) / len(cases), desc="Matching"))
    return styled_table(rows), f"**{hit_rate_summary(rows)}**{note}", gr.update(value=write_csv(rows), visible=True)


def build_tab() -> None:
    """The "Airline aliases" tab and its events (call inside a `gr.Blocks`)."""
    with gr.Tab("Airline aliases", id="airline_aliases"):
        gr.Markdown("Check how `normalize_airline` reads a name: codes (`IB`, `IBE`), names, local "
                    "names and spoken forms (`K L M`) match; anything else should not.")
        with gr.Row(equal_height=False):
            alias_input = gr.Textbox(label="Airline name, code or spoken form", elem_id="alias_input",
                                     placeholder="e.g. Iberia flights, K L M, 日本航空", scale=2)
            with gr.Column(scale=3):
                alias_result = gr.Markdown(match_markdown(""), elem_id="alias_result")
        with gr.Accordion("Bulk check", open=True):
            with gr.Row(equal_height=True):
                alias_bulk = gr.Textbox(label="One name per line; optionally “, IB” (or a tab and IB) for the "
                                        "expected IATA code, or “, -” when no airline should match",
                                        lines=7, max_lines=20, elem_id="alias_bulk", scale=3,
                                        placeholder="Iberia flights, IB\nK L M, KL\nGuam, -\n日本航空")
                alias_upload = gr.File(label="…or a CSV: text, expected IATA (optional)", type="filepath",
                                       file_types=[".csv", ".txt", ".tsv"], elem_id="alias_upload", scale=2)
            alias_run = gr.Button("Run", variant="primary", elem_id="alias_run")
            alias_summary = gr.Markdown(elem_id="alias_summary")
            alias_table = gr.Dataframe(pd.DataFrame(columns=COLUMNS), interactive=False, wrap=True,
                                       elem_id="alias_table", label="Results", max_height=420,
                                       column_widths=["26%", "9%", "10%", "20%", "8%", "11%", "16%"])
            alias_csv = gr.File(label="Results as CSV", interactive=False, visible=False, elem_id="alias_csv")
        with gr.Accordion("Browse every airline and alias", open=False):
            alias_filter = gr.Textbox(label="Filter", placeholder="e.g. star, Asia, Lufthansa",
                                      elem_id="alias_filter")
            alias_browse = gr.Dataframe(pd.DataFrame(browse_rows(), columns=BROWSE_COLUMNS), interactive=False,
                                        wrap=True, elem_id="alias_browse", max_height=480,
                                        column_widths=["6%", "6%", "13%", "7%", "10%", "9%", "19%", "15%", "15%"])

    for event in (alias_input.change, alias_input.submit):
        event(match_markdown, alias_input, alias_result, show_progress="hidden", trigger_mode="always_last",
              queue=False)
    alias_run.click(run_bulk, [alias_bulk, alias_upload], [alias_table, alias_summary, alias_csv])
    alias_filter.change(lambda q: pd.DataFrame(browse_rows(q), columns=BROWSE_COLUMNS), alias_filter,
                        alias_browse, show_progress="hidden", queue=False)
