"""The event log panel (newest first, filterable by kind) and the per-turn latency waterfall."""
from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Iterable

from assistant import Event, EventType

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LOG_COLUMNS = ["#", "turn", "time", "kind", "details"]
LOG_KINDS = [kind.value for kind in EventType]
DEFAULT_KINDS = [kind for kind in LOG_KINDS if kind != EventType.AUDIO.value]
MAX_ROWS = 300
# (label, start stage, end stage) of the waterfall; offsets are ms from the end of speech (or Send)
WATERFALL = (
    ("speech end → STT final", None, "stt_final"),
    ("LLM first token", "stt_final", "llm_first_token"),
    ("flight search (tool)", "tool_start", "tool_end"),
    ("TTS first byte", None, "tts_first_byte"),
    ("first audio out", "tts_first_byte", "first_audio_out"),
)


def understood_details(event: Event) -> str:
    """"from Boston (BOS) to Seattle (SEA) on 2026-11-27 · nonstop=True", and what is unsettled."""
    def place(code: str | None, name: str | None) -> str:
        return "?" if not code else f"{name} ({code})" if name else code
    line = (f"from {place(event.origin, event.origin_name)} to {place(event.destination, event.destination_name)}"
            f" on {event.date or '?'}")
    if event.details:
        line += " · " + ", ".join(f"{k}={v}" for k, v in event.details.items())
    if event.unknown_place:
        line += f" · unknown place: {event.unknown_place}"
    if event.ambiguous:
        line += " · which one: " + " or ".join(event.ambiguous)
    return line


def event_details(event: Event) -> str:
    """One line saying what happened, for people."""
    kind = event.type
    if kind == EventType.USER_TRANSCRIPT:
        return f"{'final' if event.final else 'interim'} ({event.source}): {event.text}"
    if kind in (EventType.THINKING, EventType.FILLER, EventType.NOTICE):
        return event.text
    if kind == EventType.TOOL_CALL:
        return f"{event.name}({', '.join(f'{k}={v}' for k, v in event.arguments.items())})"
    if kind == EventType.UNDERSTOOD:
        return understood_details(event)
    if kind == EventType.TOOL_RESULT:
        tiers = ", ".join(f"{a['provider']} {a['status']} {a['latency_ms']:.0f} ms" for a in event.attempts)
        fallback = " · fallback" if event.used_fallback else ""
        return f"{event.count} flights from {event.source or 'no tier'}{fallback} [{tiers}]"
    if kind == EventType.PRE_SPEECH_TEXT:
        return f"{'reply' if event.final else 'sentence'}: {event.speech_text[-160:]}"
    if kind == EventType.AUDIO:
        return f"sentence {event.sentence}: {event.duration_s * 1000:.0f} ms from {event.provider}"
    if kind == EventType.TURN_METRICS:
        stages = ", ".join(f"{k} {v:.0f}" for k, v in event.stages_ms.items())
        served = ", ".join(f"{k}={v}" for k, v in event.providers.items() if v)
        return f"total {event.total_ms:.0f} ms · stages (ms from end of input): {stages} · {served}"
    if kind == EventType.VAD:
        length = f", {event.duration_s:.2f} s of speech" if event.kind == "speech_ended" else ""
        return f"{event.kind} at {event.at_s:.2f} s{length} ({event.environment})"
    if kind == EventType.STATE:
        return f"{event.state}{': ' + event.detail if event.detail else ''}"
    if kind == EventType.PROVIDER_FALLBACK:
        return f"{event.stage}: {event.failed} → {event.used} ({event.reason})"
    if kind == EventType.ERROR:
        return f"{event.stage}: {event.message} {event.detail}".strip()
    return ""


def log_rows(events: Iterable[Event], kinds: Iterable[str] | None = None, limit: int = MAX_ROWS) -> list[list]:
    """Rows for the event log table, newest first, only the chosen kinds."""
    wanted = set(DEFAULT_KINDS if kinds is None else kinds)
    rows = []
    for event in reversed(list(events)):
        if event.type.value not in wanted:
            continue
        at = dt.datetime.fromtimestamp(event.at).strftime("%H:%M:%S.%f")[:-3]
        rows.append([event.seq, event.turn, at, event.type.value, event_details(event)[:300]])
        if len(rows) >= limit:
            break
    return rows


def log_html(rows: list[list]) -> str:
    """The event log as an HTML table (every cell escaped)."""
    if not rows:
        return '<div class="pc-log pc-log-empty">No events yet.</div>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in LOG_COLUMNS)
    body = "".join("<tr class='pc-kind-{}'>{}</tr>".format(
        html.escape(str(row[3])), "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row)) for row in rows)
    return f'<div class="pc-log"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def waterfall_rows(stages_ms: dict[str, float]) -> list[list]:
    """`waterfall_figure` rows (label, status, length, start, error) for the stages a turn has."""
    rows = []
    for label, start_key, end_key in WATERFALL:
        if end_key not in stages_ms:
            continue
        start = stages_ms.get(start_key, 0.0) if start_key else 0.0
        start = min(start, stages_ms[end_key])
        rows.append([label, "ok", round(stages_ms[end_key] - start, 1), start, ""])
    return rows


def latency_figure(metrics: Event | None) -> "Figure | None":
    """The latency waterfall of one turn (None before any turn)."""
    if metrics is None:
        return None
    from .plots import waterfall_figure

    stages = metrics.stages_ms
    rows = waterfall_rows(stages)
    done = stages.get("first_audio_out", stages.get("first_audio", stages.get("reply_done")))
    return waterfall_figure(rows, done, f"turn {metrics.turn}", xlabel="ms since the end of speech (or Send)",
                            marker="audio at", missing="no audio in this turn")
