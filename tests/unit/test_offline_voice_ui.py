"""What the page says about voice input with zero keys: the offline recogniser when its model is here,
what to do when it is not, and which languages it takes (the route card)."""
from __future__ import annotations

import pytest

from demo.render import route_card, status_html, voice_note


@pytest.fixture()
def local_model(tmp_path, monkeypatch):
    model = tmp_path / "whisper-base"
    model.mkdir()
    (model / "model.bin").write_bytes(b"")   # availability is decided without loading it
    monkeypatch.setenv("POLYGLOT_WHISPER_MODEL", str(model))
    return model


def test_with_a_local_model_the_badge_says_whisper_base_offline(local_model):
    assert "whisper-base · offline" in status_html()
    note = voice_note()
    assert "Record" in note and "offline recogniser" in note and "needs" not in note


def test_without_a_model_voice_input_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hub-cache"))
    note = voice_note()
    assert "DEEPGRAM_API_KEY" in note and "python -m demo.models fetch" in note and "POLYGLOT_WHISPER_MODEL" in note
    assert "typed text · offline" in status_html()


def test_a_model_directory_without_weights_is_not_offered(tmp_path, monkeypatch):
    monkeypatch.setenv("POLYGLOT_WHISPER_MODEL", str(tmp_path))
    assert "no model.bin" in voice_note() and "whisper" not in status_html()


def test_the_route_card_says_where_offline_voice_input_works():
    assert "Offline voice input: yes" in route_card("en")
    assert "Offline voice input: no" in route_card("ja") and "type" in route_card("ja")


def test_every_language_marked_for_offline_voice_is_one_whisper_knows():
    from assistant.providers.whisper_stt import WhisperOptions, WhisperSTT
    from languages import all_languages, offline_stt_language

    multilingual, english_only = WhisperSTT(WhisperOptions("base")), WhisperSTT(WhisperOptions("tiny.en"))
    marked = [lang.code for lang in all_languages() if offline_stt_language(lang.code)]
    assert marked == ["en"]   # measured by the QA voice round trip (README: offline speech recognition)
    assert all(multilingual.supports(code) for code in marked)
    assert english_only.supports("en-US") and not english_only.supports("es")
    multilingual.close(), english_only.close()


def test_offline_stt_must_be_stated_for_every_language(config_copy):
    from languages import ConfigError, all_languages

    path = config_copy / "languages.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    offline_stt: false\n", "", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="offline_stt"):
        all_languages()
