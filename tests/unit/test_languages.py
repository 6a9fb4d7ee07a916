"""Table tests over every language: routes, scripts of phrases, QA utterances, spoken formatting."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from flight_search import FlightQuery, search_flights, speech_text
from flight_search.formatting import SPEECH_FORBIDDEN
from languages import all_languages, is_in_script, normalize_code, stt_route, tts_route
from languages.spoken import spoken_price, spoken_time
from languages.registry import placeholders
from assistant import understand

from ..conftest import TODAY

LANGUAGES = all_languages()
CODES = [language.code for language in LANGUAGES]
NOVA2 = {"bg", "ca", "zh", "zh-CN", "zh-TW", "zh-HK", "cs", "da", "nl", "en", "et", "fi", "nl-BE", "fr",
         "fr-CA", "de", "de-CH", "el", "hi", "hu", "id", "it", "ja", "ko", "lv", "lt", "ms", "no", "pl",
         "pt", "pt-BR", "ro", "ru", "sk", "es", "es-419", "sv", "th", "tr", "uk", "vi"}
NOVA3_ONLY = {"ar", "he", "fa", "bn", "ta", "te", "tl", "hr", "sr", "sl"}
SONIC3 = set("en de es fr ja pt zh hi ko it nl pl ru sv tr tl bg ro ar cs el fi hr ms sk da ta uk hu no "
             "vi bn th he ka id te gu kn ml mr pa".split())
# Brand and place names a phrase may quote in Latin letters (none today).
SCRIPT_TOLERANCE = 0.0


def test_at_least_forty_languages_including_nova3_only_ones():
    assert len(LANGUAGES) >= 40
    assert NOVA3_ONLY <= set(CODES)
    assert {c.split("-")[0] for c in NOVA2} <= set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_stt_route_is_valid_for_its_model(code):
    route = stt_route(code)
    assert route["punctuate"] is True and route["interim_results"] is True
    assert route["endpointing"] == 300 and route["utterance_end_ms"] == 1000
    if route["model"] == "nova-2":
        assert route["language"] in NOVA2
    else:
        assert route["model"] == "nova-3"
    if code == "en":
        assert route["model"] == "nova-3"
    if code in NOVA3_ONLY:
        assert (route["model"], route["language"]) == ("nova-3", code)


@pytest.mark.parametrize("variant", ["es", "es-MX", "es_ES", "ES-419", "es-AR", "Spanish", "español", "es-XX"])
def test_spanish_never_goes_to_nova3(variant):
    route = stt_route(variant)
    assert route["model"] == "nova-2" and route["language"] in {"es", "es-419"}


@pytest.mark.parametrize("code, model, language", [
    ("en", "nova-3", "en"), ("EN", "nova-3", "en"), ("en_us", "nova-3", "en-US"),
    ("en-US", "nova-3", "en-US"), ("english", "nova-3", "en"), ("English (US)", "nova-3", "en-US"),
    ("es-MX", "nova-2", "es-419"), ("pt_BR", "nova-2", "pt-BR"), ("zh-Hant", "nova-2", "zh-TW"),
    ("zh-Hans", "nova-2", "zh-CN"), ("iw", "nova-3", "he"), ("fr-CA", "nova-2", "fr-CA"),
])
def test_codes_normalise(code, model, language):
    route = stt_route(code)
    assert (route["model"], route["language"]) == (model, language)
    assert route["resolved"] and route["note"]


@pytest.mark.parametrize("bad", ["", "xx", "12", "x" * 10_000, "e", "klingon", None, "🙂"])
def test_bad_codes_get_the_multilingual_fallback(bad):
    route = stt_route(bad)
    assert (route["model"], route["language"]) == ("nova-3", "multi")
    assert route["resolved"] is None and len(route["note"]) < 200
    assert normalize_code(bad).language is None


@pytest.mark.parametrize("code", CODES)
def test_tts_route(code):
    route = tts_route(code)
    if code in SONIC3:
        assert (route.provider, route.model, route.language) == ("cartesia", "sonic-3", code)
        assert route.voice
    else:
        assert route.provider in ("espeak", "none")
    assert route.reason


@pytest.mark.parametrize("language", LANGUAGES, ids=CODES)
def test_every_phrase_is_in_the_language_script(language):
    for key, text in [*language.phrases.items(), *((f"qa{i}", u) for i, u in enumerate(language.qa_utterances))]:
        bare = text
        for name in placeholders(text):
            bare = bare.replace(f"{{{name}}}", "")
        assert is_in_script(bare, language.script, SCRIPT_TOLERANCE), f"{language.code}.{key}: {text}"


@pytest.mark.parametrize("language", LANGUAGES, ids=CODES)
def test_qa_utterances_parse_to_a_search(language):
    for utterance in language.qa_utterances:
        slots = understand(utterance, language.code, TODAY)
        assert slots.origin and slots.destination and slots.origin != slots.destination, (language.code, utterance, slots)
        assert slots.date and TODAY <= slots.date <= TODAY + dt.timedelta(days=8), (language.code, utterance, slots)


@pytest.mark.parametrize("language", LANGUAGES, ids=CODES)
def test_speech_text_is_clean_in_every_language(language):
    query = FlightQuery("MAD", "LON", TODAY + dt.timedelta(days=1))
    outcome = asyncio.run(search_flights(query))
    speech = speech_text(outcome, query, language.code)
    assert not SPEECH_FORBIDDEN.search(speech), speech
    assert "MAD" not in speech and "LHR" not in speech
    assert spoken_price(245, "USD", language.code)
    assert spoken_time(dt.time(14, 30), language.code)
