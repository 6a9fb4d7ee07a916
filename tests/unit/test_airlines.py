"""Airline aliases: positives in many languages and scripts, negatives that must never match."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flight_search import airline_candidates, all_airlines, find_airlines, normalize_airline

CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "airline_alias_cases.yaml").read_text("utf-8"))
POSITIVES = [(case["text"], case["iata"]) for case in CASES["positives"]]
NEGATIVES = [str(text) for text in CASES["negatives"]]


def test_table_is_broad():
    airlines = all_airlines()
    assert len(airlines) >= 60
    assert {a.region for a in airlines} == {"Europe", "North America", "Latin America", "Asia",
                                            "Middle East", "Africa", "Oceania"}
    assert len(POSITIVES) >= 120 and len(NEGATIVES) >= 40


@pytest.mark.parametrize("text, iata", POSITIVES)
def test_positive(text, iata):
    match = normalize_airline(text)
    assert match is not None and match.iata == iata, (text, match)
    assert 0 < match.score <= 100 and match.method


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative(text):
    assert normalize_airline(text) is None


@pytest.mark.parametrize("text, iata, method", [
    ("IB", "IB", "iata_code"), ("I B", "IB", "iata_code"), ("B A", "BA", "iata_code"),
    ("K L M", "KL", "icao_code"), ("IBE", "IB", "icao_code"), ("easy jet", "U2", "spoken"),
    ("luftansa", "LH", "fuzzy"),
])
def test_methods(text, iata, method):
    match = normalize_airline(text)
    assert (match.iata, match.method) == (iata, method)


def test_lower_case_words_are_not_codes():
    for word in ("to", "in", "on", "de", "us"):
        assert normalize_airline(word) is None


def test_candidates_for_near_misses():
    candidates = airline_candidates("Lufthanza")
    assert candidates and candidates[0].iata == "LH"


@pytest.mark.parametrize("sentence, expected", [
    ("Iberia flights from Madrid to London", ["IB"]),
    ("vuelos de Madrid a Buenos Aires con Aerolíneas Argentinas", ["AR"]),
    ("日本航空で東京からロンドンへ", ["JL"]),
    ("рейсы Аэрофлот из Москвы", ["SU"]),
    ("flights to Singapore tomorrow", []),
    ("Singapore Airlines from London to Singapore", ["SQ"]),
    ("from Guam to the Bahamas via Aalborg and Kuala Lumpur", []),
])
def test_find_airlines_in_sentences(sentence, expected):
    assert [m.iata for m in find_airlines(sentence)] == expected
