"""demo.event_log: the event log table (newest first, filtered) and the per-turn latency waterfall."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from assistant import (Audio, ErrorEvent, EventType, Filler, Notice, PreSpeechText, ProviderFallback, StateChange, Understood,
                       Thinking, ToolCall, ToolResult, TurnMetrics, UserTranscript, VadActivity)
from demo.event_log import (DEFAULT_KINDS, LOG_COLUMNS, LOG_KINDS, MAX_ROWS, WATERFALL, event_details,
                            latency_figure, log_rows, waterfall_rows)

SESSION = "s-log"
AT = 1_790_000_000.25   # a fixed wall-clock time for the time column


def one_of_each() -> dict[EventType, object]:
    """One event of every EventType, with fields chosen so each detail line can be checked."""
    common = dict(session_id=SESSION, turn=3, at=AT)
    events = [
        UserTranscript(seq=1, text="from Madrid to London", final=False, source="voice", **common),
        Thinking(seq=2, text="Let me check that.", **common),
        ToolCall(seq=3, name="search_flights", arguments={"origin": "MAD", "destination": "LON"}, **common),
        ToolResult(seq=4, name="search_flights", source="demo", count=6, used_fallback=True,
                   attempts=[{"provider": "amadeus", "status": "timeout", "latency_ms": 5001.6},
                             {"provider": "demo", "status": "ok", "latency_ms": 197.4}], **common),
        Filler(seq=5, text="One moment.", **common),
        PreSpeechText(seq=6, chat_markdown="**Here**", speech_text="Here are flights", language="en", **common),
        Audio(seq=7, sample_rate=16000, samples=np.zeros(8000, np.int16), sentence=2, provider="espeak", **common),
        TurnMetrics(seq=8, total_ms=1234.4, understand_ms=1, tool_ms=2, format_ms=3,
                    providers={"assistant": "offline", "voice": "espeak", "speech_to_text": ""},
                    stages_ms={"tool_start": 10.2, "tool_end": 220.7}, **common),
        Notice(seq=9, text="Input was cut.", kind="truncated", **common),
        ErrorEvent(seq=10, message="Flight data failed.", stage="flight_data", detail="timeout", **common),
        VadActivity(seq=11, kind="speech_ended", at_s=3.256, duration_s=1.5, environment="noisy", **common),
        StateChange(seq=12, state="interrupted", detail="turn 3", **common),
        ProviderFallback(seq=13, stage="voice", failed="cartesia", used="espeak", reason="timeout", **common),
        Understood(seq=14, origin="PDX", destination=None, origin_name="Portland", destination_name=None,
                   date="2026-11-27", details={"nonstop": True}, unknown_place="Xyzzyville",
                   ambiguous=["SJC", "SJO"], **common),
    ]
    return {event.type: event for event in events}


def test_one_of_each_covers_every_event_type():
    assert set(one_of_each()) == set(EventType)


EXPECTED_DETAILS = {
    EventType.USER_TRANSCRIPT: "interim (voice): from Madrid to London",
    EventType.THINKING: "Let me check that.",
    EventType.TOOL_CALL: "search_flights(origin=MAD, destination=LON)",
    EventType.TOOL_RESULT: "6 flights from demo · fallback [amadeus timeout 5002 ms, demo ok 197 ms]",
    EventType.FILLER: "One moment.",
    EventType.PRE_SPEECH_TEXT: "reply: Here are flights",
    EventType.AUDIO: "sentence 2: 500 ms from espeak",                       # 8000 samples at 16 kHz
    EventType.TURN_METRICS: ("total 1234 ms · stages (ms from end of input): tool_start 10, tool_end 221 · "
                             "assistant=offline, voice=espeak"),            # empty providers left out
    EventType.NOTICE: "Input was cut.",
    EventType.ERROR: "flight_data: Flight data failed. timeout",
    EventType.VAD: "speech_ended at 3.26 s, 1.50 s of speech (noisy)",
    EventType.STATE: "interrupted: turn 3",
    EventType.PROVIDER_FALLBACK: "voice: cartesia → espeak (timeout)",
    EventType.UNDERSTOOD: ("from Portland (PDX) to ? on 2026-11-27 · nonstop=True · unknown place: Xyzzyville"
                           " · which one: SJC or SJO"),
}


@pytest.mark.parametrize("kind", list(EventType), ids=lambda k: k.value)
def test_event_details_for_every_event_type(kind):
    assert event_details(one_of_each()[kind]) == EXPECTED_DETAILS[kind]


def test_event_details_variants():
    common = dict(session_id=SESSION, seq=1, turn=1)
    assert event_details(UserTranscript(text="hola", **common)) == "final (text): hola"
    assert event_details(PreSpeechText(chat_markdown="x", speech_text="Hello.", language="en", final=False,
                                       **common)) == "sentence: Hello."
    assert event_details(VadActivity(kind="speech_started", at_s=0.5, environment="quiet", **common)) == \
        "speech_started at 0.50 s (quiet)"
    assert event_details(StateChange(state="listening", **common)) == "listening"
    assert event_details(ToolResult(name="search_flights", source=None, count=0, attempts=[], **common)) == \
        "0 flights from no tier []"
    assert event_details(ErrorEvent(message="Failed.", stage="assistant", **common)) == "assistant: Failed."


def test_reply_details_keep_only_the_end_of_a_long_reply():
    text = "a" * 100 + "b" * 160
    event = PreSpeechText(session_id=SESSION, seq=1, turn=1, chat_markdown=text, speech_text=text, language="en")
    assert event_details(event) == "reply: " + "b" * 160


# -- log_rows ------------------------------------------------------------------------------------------

def test_log_rows_columns_and_values():
    events = one_of_each()
    rows = log_rows([events[EventType.THINKING]])
    assert len(LOG_COLUMNS) == 5 and len(rows) == 1
    seq, turn, at, kind, details = rows[0]
    assert (seq, turn, kind, details) == (2, 3, "thinking", "Let me check that.")
    assert at == dt.datetime.fromtimestamp(AT).strftime("%H:%M:%S.%f")[:-3]
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}", at) and at.endswith(".250")


def test_log_rows_are_newest_first():
    events = list(one_of_each().values())
    rows = log_rows(events, kinds=LOG_KINDS)
    assert [row[0] for row in rows] == sorted((e.seq for e in events), reverse=True)


def test_log_rows_default_kinds_leave_out_audio():
    events = list(one_of_each().values())
    rows = log_rows(events)
    assert "audio" not in [row[3] for row in rows]
    assert len(rows) == len(events) - 1
    assert set(DEFAULT_KINDS) == set(LOG_KINDS) - {"audio"}


def test_log_rows_filter_by_kinds():
    events = list(one_of_each().values())
    rows = log_rows(events, kinds=["error", "audio"])
    assert [row[3] for row in rows] == ["error", "audio"]      # newest first: error is seq 10, audio seq 7
    assert log_rows(events, kinds=[]) == []


def test_log_rows_limit_keeps_the_newest():
    events = [Notice(session_id=SESSION, seq=i, turn=1, text=f"n{i}", kind="info") for i in range(1, 51)]
    rows = log_rows(events, limit=5)
    assert [row[0] for row in rows] == [50, 49, 48, 47, 46]
    assert len(log_rows(events * 10, limit=MAX_ROWS)) == MAX_ROWS   # 500 events, capped at the default


def test_log_rows_accepts_an_iterator_and_truncates_details():
    long = Notice(session_id=SESSION, seq=1, turn=1, text="x" * 1000, kind="info")
    rows = log_rows(iter([long]))
    assert len(rows) == 1 and rows[0][4] == "x" * 300


# -- waterfall_rows ------------------------------------------------------------------------------------

ALL_STAGES = {"stt_final": 120.0, "llm_first_token": 480.0, "tool_start": 500.0, "tool_end": 900.0,
              "tts_first_byte": 1100.0, "first_audio_out": 1250.0}


def test_waterfall_rows_for_every_stage():
    rows = waterfall_rows(ALL_STAGES)
    assert [row[0] for row in rows] == [label for label, _, _ in WATERFALL]
    by_label = {row[0]: row for row in rows}
    assert by_label["speech end → STT final"] == ["speech end → STT final", "ok", 120.0, 0.0, ""]
    assert by_label["LLM first token"] == ["LLM first token", "ok", 360.0, 120.0, ""]
    assert by_label["flight search (tool)"] == ["flight search (tool)", "ok", 400.0, 500.0, ""]
    assert by_label["TTS first byte"] == ["TTS first byte", "ok", 1100.0, 0.0, ""]
    assert by_label["first audio out"] == ["first audio out", "ok", 150.0, 1100.0, ""]


@pytest.mark.parametrize("stages, labels", [
    ({}, []),
    ({"tool_start": 5.0, "tool_end": 205.0}, ["flight search (tool)"]),
    ({"tool_start": 5.0}, []),                                             # a stage that never ended
    ({"llm_first_token": 300.0}, ["LLM first token"]),                      # typed turn: no STT stage
    ({"tts_first_byte": 40.0, "first_audio": 60.0}, ["TTS first byte"]),
])
def test_waterfall_rows_only_for_stages_present(stages, labels):
    rows = waterfall_rows(stages)
    assert [row[0] for row in rows] == labels
    for _label, status, length, start, error in rows:
        assert status == "ok" and error == "" and length >= 0 and start >= 0


def test_waterfall_start_never_after_end():
    # clocks can disagree: the tool "started" after it ended, first audio before the first TTS byte
    stages = {"stt_final": 900.0, "llm_first_token": 300.0, "tool_start": 800.0, "tool_end": 600.0,
              "tts_first_byte": 1000.0, "first_audio_out": 950.0}
    rows = waterfall_rows(stages)
    assert len(rows) == 5
    for label, _status, length, start, _error in rows:
        end_key = next(end for lbl, _, end in WATERFALL if lbl == label)
        assert start <= stages[end_key] and length >= 0
        assert start + length == pytest.approx(stages[end_key])


# -- latency_figure ------------------------------------------------------------------------------------

def turn_metrics(stages: dict[str, float]) -> TurnMetrics:
    return TurnMetrics(session_id=SESSION, seq=1, turn=4, total_ms=1300, understand_ms=1, tool_ms=2, format_ms=3,
                       providers={}, stages_ms=stages)


def test_latency_figure_is_none_before_any_turn():
    assert latency_figure(None) is None


@pytest.mark.parametrize("stages", [ALL_STAGES, {"tool_start": 5.0, "tool_end": 205.0, "reply_done": 300.0}, {}],
                         ids=["all", "typed", "empty"])
def test_latency_figure_has_one_bar_per_present_stage(stages):
    from matplotlib.figure import Figure

    figure = latency_figure(turn_metrics(stages))
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    expected = waterfall_rows(stages)
    assert len(axes.patches) == len(expected)
    assert [tick.get_text() for tick in axes.get_yticklabels()] == [row[0] for row in expected]
    for bar, row in zip(axes.patches, expected):
        assert bar.get_x() == pytest.approx(row[3])
    assert "turn 4" in axes.get_title(loc="left")
