"""The "Language QA" tab: run the language matrix with progress and cancel, see it as a table and a
heat-map, download it as CSV, click a row to hear and read that language's replies; export a
language's native review sheet and import it filled in (its verdicts become a matrix column).

The checks live in `assistant.qa`; this module turns results into views and wires Gradio.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.providers.base import AudioChunk
from assistant.providers.espeak_tts import write_wav
from assistant.qa import CHECK_TITLES, CHECKS, CheckStatus, LanguageResult, check_language, resolve_languages, write_csv
from assistant.qa.review import ReviewSheetError, export_sheet, load_review, parse_sheet, review_summary, save_review
from assistant.voice.scratch import scratch_dir
from languages import all_languages

from ..plots import qa_heatmap_figure

ALL = "all"
MARKS = {CheckStatus.PASS: "✓ pass", CheckStatus.FAIL: "✗ fail", CheckStatus.SKIPPED: "– skipped"}
CELL_COLOURS = {"✓": "background-color: #dcfce7", "✗": "background-color: #fee2e2", "–": "background-color: #f3f4f6"}
REVIEW_COLUMN = "native review"
COLUMNS = ["code", "language", *[CHECK_TITLES[name] for name in CHECKS], REVIEW_COLUMN, "first audio ms", "providers"]


@dataclass
class QaRun:
    """One visitor's latest run: the results in order and where its files are."""

    results: list[LanguageResult] = field(default_factory=list)
    folder: Path | None = None

    def audio_path(self, code: str, index: int) -> Path | None:
        path = self.folder / f"{code}-{index}.wav" if self.folder else None
        return path if path is not None and path.exists() else None

    def result(self, code: str) -> LanguageResult | None:
        return next((r for r in self.results if r.code == code), None)


def language_options() -> list[tuple[str, str]]:
    return [("All languages", ALL)] + [(f"{l.name} · {l.native_name} ({l.code})", l.code) for l in all_languages()]


def cell(result: LanguageResult, name: str) -> str:
    check = result.checks[name]
    return MARKS[check.status] + (f": {check.reason}" if check.reason else "")


def review_cell(code: str) -> str:
    """The native review column: the kept verdicts of the language (configs/reviews/<code>.yaml)."""
    try:
        return review_summary(load_review(code))
    except ReviewSheetError as exc:
        return f"✗ unreadable review: {exc}"


def matrix_frame(results: list[LanguageResult]) -> pd.DataFrame:
    """The table: one row per language, a mark and the reason per check, the native review."""
    rows = [[r.code, r.name, *[cell(r, name) for name in CHECKS], review_cell(r.code),
             "" if r.first_audio_ms is None else round(r.first_audio_ms), r.providers] for r in results]
    return pd.DataFrame(rows, columns=COLUMNS)


def styled_matrix(results: list[LanguageResult]):
    """The table with pass / fail / skipped cells coloured like the heat-map."""
    return matrix_frame(results).style.map(lambda value: CELL_COLOURS.get(str(value)[:1], ""),
                                           subset=[CHECK_TITLES[name] for name in CHECKS] + [REVIEW_COLUMN])


def export_review(code: str | None) -> tuple:
    """The review sheet of one language, for the download button, and a status line."""
    if not code or code == ALL:
        return gr.update(value=None, interactive=False), _badge("pc-error", "Choose one language to export its sheet.")
    path = export_sheet(code, scratch_dir("review"))
    return gr.update(value=str(path), interactive=True), _badge("pc-live", f"Sheet ready: {path.name}")


def import_review(run: QaRun | None, upload: str | None) -> tuple:
    """A filled sheet (CSV, or the exported zip) kept with the language's data; the matrix shows it."""
    if not upload:
        return gr.skip(), _badge("pc-error", "Choose a filled sheet first.")
    try:
        review = parse_sheet(Path(upload).read_bytes())
    except (ReviewSheetError, OSError) as exc:
        return gr.skip(), _badge("pc-error", f"Sheet not imported: {exc}")
    save_review(review)
    matrix = styled_matrix(run.results) if run and run.results else gr.skip()
    return matrix, _badge("pc-live", f"{review.language}: {review_summary(review)}")


def _badge(kind: str, text: str) -> str:
    return f'<div class="pc-status"><span class="pc-badge {kind}">{html.escape(text)}</span></div>'



def summary_html(results: list[LanguageResult], total: int, *, cancelled: bool = False) -> str:
    passed = sum(r.passed for r in results)
    failed = [r.code for r in results if not r.passed]
    state = "cancelled" if cancelled else ("running" if len(results) < total else "done")
    badge = "pc-error" if failed else ("pc-live" if state == "done" else "pc-offline")
    detail = f" · failed: {', '.join(failed)}" if failed else ""
    return (f'<div class="pc-status"><span class="pc-badge {badge}">{state}: {passed} of {len(results)} passed'
            f' ({len(results)}/{total} run){html.escape(detail)}</span></div>')


def save_audio(run: QaRun, result: LanguageResult) -> None:
    """Write each reply's audio to the run's folder and drop it from memory."""
    for index, utterance in enumerate(result.runs):
        if utterance.samples is not None and len(utterance.samples) and run.folder is not None:
            write_wav(run.folder / f"{result.code}-{index}.wav", AudioChunk(utterance.sample_rate, utterance.samples))
        utterance.samples = None


def detail_markdown(result: LanguageResult) -> str:
    """The drill-down heading: each check with its reason, and what each utterance was understood as."""
    lines = [f"### {result.name} ({result.code}) — {'passed' if result.passed else 'failed'}",
             f"Providers: {result.providers or 'none'} · {result.elapsed_s:.1f} s", ""]
    lines += [f"- {MARKS[c.status]} **{CHECK_TITLES[name]}**" + (f": {c.reason}" if c.reason else "")
              for name, c in result.checks.items()]
    lines.append("")
    for index, utterance in enumerate(result.runs, 1):
        understood = utterance.arguments or {}
        slots = ", ".join(f"{k}={v}" for k, v in understood.items() if v) or "nothing"
        lines.append(f"{index}. “{utterance.utterance}” → {slots}")
        trip = utterance.round_trip
        if trip is not None and not trip.skipped:
            heard = f"“{trip.heard}”" if trip.heard else f"nothing ({trip.rejected or 'empty'})"
            lines.append(f"   - heard by the offline recogniser: {heard}, CER {trip.cer:.2f}")
    return "\n".join(lines)


def utterance_views(run: QaRun, code: str, index: int) -> tuple:
    """(chat markdown, speech text, audio path) of one utterance of one language."""
    result = run.result(code)
    if result is None or not 0 <= index < len(result.runs):
        return "", "", None
    utterance = result.runs[index]
    path = run.audio_path(code, index)
    return utterance.chat_markdown, utterance.speech_text, str(path) if path else None


async def run_qa(selection: list[str] | None, progress: gr.Progress = gr.Progress()):  # noqa: B008
    """Run the chosen languages one by one, yielding the growing matrix after each."""
    try:
        codes = resolve_languages(ALL if not selection or ALL in selection else selection)
    except ValueError as exc:
        yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), f'<span class="pc-badge pc-error">{html.escape(str(exc))}</span>'
        return
    run = QaRun(folder=scratch_dir("qa"))
    csv_path = run.folder / "language_matrix.csv"
    progress(0, desc="Starting")
    for number, code in enumerate(codes, 1):
        progress((number - 1) / len(codes), desc=f"{code}: {number} of {len(codes)}")
        result = await check_language(code)
        save_audio(run, result)
        run.results.append(result)
        write_csv(run.results, csv_path)
        yield (run, styled_matrix(run.results), qa_heatmap_figure(run.results, CHECKS, CHECK_TITLES),
               gr.update(value=str(csv_path), interactive=True), summary_html(run.results, len(codes)))


def pick_row(run: QaRun | None, event: gr.SelectData) -> tuple:
    """Clicking a row of the matrix: that language's checks, utterances, panes and first audio."""
    if not run or not run.results or event.index is None:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
    result = run.results[min(int(row), len(run.results) - 1)]
    choices = [(f"{n}. {u.utterance}", n - 1) for n, u in enumerate(result.runs, 1)]
    return (result.code, detail_markdown(result), gr.update(choices=choices, value=0),
            *utterance_views(run, result.code, 0))


def build_tab() -> None:
    """The "Language QA" tab and its events (call inside a `gr.Blocks`)."""
    with gr.Tab("Language QA", id="language_qa"):
        gr.Markdown("Run each language's QA requests through the engine (offline providers unless keys are set; "
                    "each row names who served it). Click a row for its replies.")
        with gr.Row():
            languages = gr.Dropdown(language_options(), value=[ALL], multiselect=True, label="Languages",
                                    elem_id="qa_languages", scale=4)
            run_button = gr.Button("Run", variant="primary", elem_id="qa_run", scale=1)
            cancel = gr.Button("Cancel", elem_id="qa_cancel", scale=1)
        status = gr.HTML(elem_id="qa_status")
        matrix = gr.Dataframe(pd.DataFrame(columns=COLUMNS), interactive=False, wrap=True, elem_id="qa_matrix",
                              label="Matrix (click a row)")
        download = gr.DownloadButton("Download CSV", value=None, interactive=False, elem_id="qa_download")
        heatmap = gr.Plot(label="Heat-map", elem_id="qa_heatmap")
        with gr.Accordion("Native review", open=False):
            gr.Markdown("Export a language's rendered replies (chat, speech, the voice's audio) as a sheet; a native "
                        "speaker marks each reply `ok` or `wrong` with a correction; import the filled CSV to keep "
                        "the verdicts with the language (`configs/reviews/<code>.yaml`) and see them in the matrix.")
            with gr.Row():
                review_language = gr.Dropdown(language_options()[1:], label="Language", elem_id="qa_review_language",
                                              scale=3)
                export_button = gr.Button("Export review sheet", elem_id="qa_review_export", scale=1)
                sheet = gr.DownloadButton("Download sheet", value=None, interactive=False, elem_id="qa_review_download",
                                          scale=1)
            upload = gr.File(label="Filled sheet (CSV or the exported zip)", file_types=[".csv", ".zip"],
                             elem_id="qa_review_upload")
            review_status = gr.HTML(elem_id="qa_review_status")
        with gr.Accordion("Drill-down", open=True):
            detail = gr.Markdown("Run the matrix, then click a row.", elem_id="qa_detail")
            utterance = gr.Radio([], label="Utterance", type="value", elem_id="qa_utterance")
            with gr.Row(equal_height=True):
                with gr.Column():
                    gr.Markdown("**Chat pane**")
                    chat = gr.Markdown(elem_id="qa_chat")
                speech = gr.Textbox(label="Speech pane", lines=6, interactive=False, elem_id="qa_speech")
            audio = gr.Audio(label="Voice", interactive=False, elem_id="qa_audio")
        state, picked = gr.State(None), gr.State("")
        running = run_button.click(run_qa, [languages], [state, matrix, heatmap, download, status],
                                   concurrency_limit=2, show_progress="full")
        cancel.click(lambda: gr.skip(), None, None, cancels=[running])
        export_button.click(export_review, [review_language], [sheet, review_status])
        upload.upload(import_review, [state, upload], [matrix, review_status])
        matrix.select(pick_row, [state], [picked, detail, utterance, chat, speech, audio])
        utterance.input(lambda run, code, index: utterance_views(run, code, int(index or 0)),
                        [state, picked, utterance], [chat, speech, audio])
