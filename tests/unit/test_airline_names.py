"""Airline names per display language: complete, in the right script, spoken, shown, matched."""
from __future__ import annotations

import datetime as dt

import pytest

from demo.startup import validate_all
from flight_search import FlightQuery, SearchOutcome, chat_markdown, find_airlines, normalize_airline, speech_text
from flight_search.airline_names import airline_names_file
from flight_search.airlines import airline_label, airline_name, all_airlines
from flight_search.models import Flight
from languages import ConfigError, get_language, is_in_script


def test_every_airline_is_named_in_every_non_latin_language_in_its_script():
    data = airline_names_file()
    assert len(data.required) >= 15
    assert {get_language(code).script for code in data.required} >= {
        "Cyrillic", "Greek", "Arabic", "Hebrew", "Devanagari", "Bengali", "Tamil", "Telugu", "Thai", "Han",
        "Japanese", "Hangul"}
    for spec in all_airlines():
        for code in data.required:
            name = data.names[spec.iata][code]
            assert is_in_script(name, get_language(code).script, 0.75), (spec.iata, code, name)


@pytest.mark.parametrize("iata, code, spoken", [
    ("QR", "ja", "カタール航空"), ("QR", "zh", "卡塔尔航空"), ("QR", "ko", "카타르항공"),
    ("QR", "ar", "الخطوط الجوية القطرية"), ("QR", "ru", "Катарские авиалинии"),
    ("TK", "tr", "Türk Hava Yolları"), ("QR", "en", "Qatar Airways"), ("QR", "es", "Qatar Airways"),
])
def test_the_voice_says_the_visitors_name_for_the_airline(iata, code, spoken):
    assert airline_name(iata, code) == spoken


def test_the_chat_shows_the_brand_with_the_local_name_beside_it_where_it_differs():
    assert airline_label("QR", "ja") == "Qatar Airways (カタール航空)"
    assert airline_label("QR", "fr") == "Qatar Airways"
    assert airline_label("JL", "ja") == "Japan Airlines (日本航空)"


def test_both_panes_use_the_names():
    query = FlightQuery("TYO", "LON", dt.date(2026, 12, 2))
    flight = Flight("QR", "Qatar Airways", "971", "NRT", "LHR", dt.datetime(2026, 12, 2, 6, 30),
                    dt.datetime(2026, 12, 2, 14, 15), 1005, 1, 88921.0, "JPY")
    outcome = SearchOutcome([flight], "demo")
    assert "**Qatar Airways (カタール航空)** QR 971" in chat_markdown(outcome, query, "ja")
    spoken = speech_text(outcome, query, "ja")
    assert "カタール航空九七一便" in spoken and "Qatar" not in spoken
    assert "Qatar Airways flight nine seven one" in speech_text(outcome, query, "en")


@pytest.mark.parametrize("text, iata", [
    ("カタール航空", "QR"), ("卡塔尔航空", "QR"), ("Катарские авиалинии", "QR"), ("«Катарские авиалинии»", "QR"),
    ("카타르항공", "QR"), ("לופטהנזה", "LH"), ("एयर इंडिया", "AI"), ("بریتیش ایرویز", "BA"),
])
def test_display_names_are_aliases(text, iata):
    match = normalize_airline(text)
    assert match is not None and match.iata == iata


def test_names_in_spaced_scripts_match_as_words_not_inside_words():
    assert [m.iata for m in find_airlines("Рейс Скут до Сингапура")] == ["TR"]
    assert find_airlines("Я взял скутер") == []
    assert [m.iata for m in find_airlines("我想坐卡塔尔航空去多哈")] == ["QR"]


def test_a_name_in_the_wrong_script_names_the_file_airline_and_language(config_copy):
    path = config_copy / "airline_names.yaml"
    path.write_text(path.read_text("utf-8").replace("ja: カタール航空", "ja: Qatar Airways"), "utf-8")
    with pytest.raises(ConfigError, match=r"airline_names.yaml.*QR: the ja name 'Qatar Airways' is not in Japanese"):
        validate_all()


def test_a_missing_name_fails_at_start(config_copy):
    path = config_copy / "airline_names.yaml"
    path.write_text(path.read_text("utf-8").replace(", ko: 카타르항공}", "}"), "utf-8")
    with pytest.raises(ConfigError, match="names missing for QR: ko"):
        validate_all()
