"""The offline recogniser's guards against Whisper's failure modes (loops, fillers, punctuation only)."""
from __future__ import annotations

import pytest

from assistant.providers.transcript_guards import compression_ratio, has_loop, is_only_filler, rejection, token_cap
from assistant.providers.whisper_stt import model_label
from languages import all_languages, filler_words, phrase

EN_FILLERS = filler_words("en")


@pytest.mark.parametrize("text", ["вверх вверх вверх вверх", "I want to I want to I want to go",
                                  "la la la la", "ありがとうありがとうありがとう"])
def test_loops_are_found(text):
    assert has_loop(text) and rejection(text, fillers=(), compression_ratio_max=2.4) == "loop"


@pytest.mark.parametrize("text", ["I want to fly from Madrid to London tomorrow", "東京から大阪まで明日",
                                  "from New York to New York City", "flight 1000 leaves at 10:00"])
def test_real_requests_are_not_loops(text):
    assert not has_loop(text) and rejection(text, fillers=EN_FILLERS, compression_ratio_max=2.4) == ""


@pytest.mark.parametrize("text, why", [("...", "empty"), (" ¿? ", "empty"), ("Um.", "filler"),
                                       ("Uh, hmm...", "filler"), ("", "empty")])
def test_punctuation_and_fillers_are_not_answered(text, why):
    assert rejection(text, fillers=EN_FILLERS, compression_ratio_max=2.4) == why


def test_a_filler_word_inside_a_request_is_kept():
    assert not is_only_filler("um, from Madrid to London", EN_FILLERS)


def test_a_long_repetitive_transcript_fails_on_its_compression_ratio():
    text = "the flight the flight leaves the flight " * 8
    assert compression_ratio(text) > 2.4 and rejection(text, fillers=(), compression_ratio_max=2.4) == "loop"


def test_the_token_cap_grows_with_the_audio_and_a_capped_transcript_is_dropped():
    assert token_cap(1.0, 6, 10) < token_cap(5.0, 6, 10) <= 440
    assert token_cap(0.0, 6, 10) == 10
    assert rejection("from Madrid to London", fillers=(), compression_ratio_max=2.4,
                     token_count=40, token_limit=40) == "token_cap"


def test_every_language_has_its_didnt_catch_phrase_and_fillers():
    for language in all_languages():
        assert phrase(language.code, "did_not_catch").strip(), language.code
        assert filler_words(language.code), language.code
    assert phrase("en", "did_not_catch") != phrase("es", "did_not_catch")


@pytest.mark.parametrize("model, label", [("base", "whisper-base"), ("tiny.en", "whisper-tiny.en"),
                                          ("/models/whisper-base", "whisper-base"), ("/m/ct2", "whisper (ct2)")])
def test_the_badge_names_the_model(model, label):
    assert model_label(model) == label
