"""The LiveKit worker's own parts: room settings from metadata and room names, the two data messages,
returning visitors, the per-turn metrics line, the plugins picked per room, the offline voice."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from assistant.livekit.pipeline import build_pipeline
from assistant.livekit.room_config import (EnvironmentChanged, InterruptionsToggled, parse_data_message,
                                           room_config)
from assistant.livekit.worker import VisitorBook, server_options, turn_metrics_line, worker_agent_name
from assistant.livekit.rooms import livekit_settings, room_metadata
from languages import stt_route
from tests.conftest import ROOT

BASE = "polyglot-console"


def test_the_console_s_metadata_is_read_as_written():
    config = room_config(room_metadata("es", "noisy", False), BASE, base=BASE)
    assert (config.language, config.environment, config.interruptions, config.notes) == ("es", "noisy", False, ())


def test_a_production_room_name_gives_the_language_when_metadata_has_none():
    assert room_config("", f"{BASE}-ja", base=BASE).language == "ja"
    assert room_config(None, BASE, base=BASE).language == "en"   # development: one shared room, the default


@pytest.mark.parametrize("metadata", [
    "not json", "[1, 2]", json.dumps({"language": "klingon", "environment": ["x"], "interruptions": "yes"}),
    json.dumps({"language": 7, "environment": None, "interruptions": None}), "{" * 10_000, b"\xff\xfe",
])
def test_bad_metadata_gets_defaults_and_a_log_line(metadata, caplog):
    with caplog.at_level(logging.WARNING, logger="assistant.livekit.room_config"):
        config = room_config(metadata, f"{BASE}-es", base=BASE)
    assert config.environment == "medium" and config.interruptions is True
    assert config.language == "es"           # the room name still says which language
    assert config.notes and len(caplog.records) == len(config.notes)
    assert all(record.getMessage().startswith(f"room {BASE}-es: ") for record in caplog.records)


def test_the_two_data_messages_parse_and_anything_else_is_ignored(caplog):
    assert parse_data_message(b'{"type": "environment_changed", "environment": "noisy"}') == \
        EnvironmentChanged(type="environment_changed", environment="noisy")
    assert parse_data_message('{"type": "interruptions", "enabled": false}') == \
        InterruptionsToggled(type="interruptions", enabled=False)
    with caplog.at_level(logging.WARNING):
        for bad in (b"", b"\xff", b'{"type": "interruptions", "enabled": "no"}', b'{"type": "reboot"}',
                    b'{"environment": "noisy"}', b"[]", b"x" * 10_000):
            assert parse_data_message(bad) is None
    assert len(caplog.records) == 7


def test_a_visitor_who_comes_back_is_recognised():
    book = VisitorBook()
    assert [book.arrived("visitor-1"), book.arrived("visitor-2"), book.arrived("visitor-1")] == [False, False, True]


def test_the_metrics_line_has_every_stage_it_was_given_in_ms():
    line = turn_metrics_line({"transcription_delay": 0.21, "end_of_turn_delay": 0.5},
                             {"llm_node_ttft": 0.3456, "tts_node_ttfb": 0.12, "e2e_latency": 1.1})
    assert line == "turn metrics: stt_ms=210 eou_ms=500 llm_ttft_ms=346 tts_ttfb_ms=120 e2e_ms=1100"
    assert turn_metrics_line({}, {"llm_node_ttft": 0.002}) == "turn metrics: llm_ttft_ms=2"


def test_the_worker_registers_the_name_the_console_dispatches():
    assert server_options().agent_name == worker_agent_name() == livekit_settings().agent_name


def test_without_keys_every_stage_is_offline():
    pipeline = build_pipeline("ar", "quiet")
    assert pipeline.stt is None
    assert pipeline.llm.provider == "polyglot"
    assert pipeline.tts.provider == "espeak-ng"
    assert pipeline.vad.min_silence_duration == 0.6


@pytest.mark.parametrize("language", ["en", "es", "ja"])
def test_with_keys_each_stage_follows_the_language_s_route(language, monkeypatch):
    from livekit.agents import llm, tts

    for name in ("DEEPGRAM_API_KEY", "OPENAI_API_KEY", "CARTESIA_API_KEY"):
        monkeypatch.setenv(name, "test-key")
    pipeline = build_pipeline(language, "noisy")
    route = stt_route(language)
    assert (pipeline.stt.model, pipeline.stt.provider) == (route["model"], "Deepgram")
    assert isinstance(pipeline.llm, llm.FallbackAdapter) and isinstance(pipeline.tts, tts.FallbackAdapter)
    assert (pipeline.tts.model, pipeline.tts.provider) == ("sonic-3", "Cartesia")   # the first of the chain
    assert (pipeline.llm.model, pipeline.llm.provider) == ("gpt-4o-mini", "api.openai.com")
    if language == "es":
        assert route["model"] != "nova-3"


async def test_the_offline_voice_speaks_each_language_as_livekit_frames():
    from assistant.livekit.espeak_tts import EspeakTTS

    for language, text in (("es", "Hola, ¿adónde quieres volar?"), ("ar", "مرحبا، إلى أين تريد السفر؟")):
        voice = EspeakTTS(language)
        frames = [event.frame async for event in voice.synthesize(text)]
        samples = np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames])
        assert frames[0].sample_rate == voice.sample_rate == 22050
        assert 0.5 < len(samples) / 22050 < 6 and np.abs(samples).max() > 1000


def run_agent_py(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "agent.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env={**os.environ, "COLUMNS": "120"})


def test_agent_py_runs_the_framework_s_cli():
    done = run_agent_py("--help")
    assert done.returncode == 0, done.stderr[-400:]
    for command in ("console", "dev", "start"):
        assert command in done.stdout


def test_a_broken_config_stops_the_worker_with_one_line(config_copy):
    path = config_copy / "livekit.yaml"
    path.write_text(path.read_text().replace("agent_name: polyglot-flight-agent", 'agent_name: ""'))
    done = run_agent_py("dev")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Polyglot agent cannot start: configuration error in {path}: agent_name: "
        "String should have at least 1 character"]



def test_a_conversation_keeps_only_the_newest_searches_for_the_offline_llm():
    import datetime as dt

    from assistant.livekit.conversation import Conversation
    from flight_search import FlightQuery, SearchOutcome

    conversation = Conversation.new("en")
    query = FlightQuery("MAD", "LON", dt.date(2026, 12, 2))
    for i in range(12):
        conversation.remember_search(f"call_{i}", query, SearchOutcome(flights=[], source="demo", attempts=[]))
    assert list(conversation.searches) == [f"call_{i}" for i in range(4, 12)]
