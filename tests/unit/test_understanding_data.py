"""The understanding evaluation sets are well-formed: known languages, real codes, parseable dates.

Checks `requests.yaml` and `holdout.yaml` of `tests/data/understanding/` against the data they are
meant to follow: language codes from `configs/languages.yaml`, IATA codes from `airportsdata` or the
metropolitan codes listed in that folder's README, ISO dates, and origin != destination; and the
held-out `holdout_no_places.yaml` for its form (known languages, text, ten or more per language).
It checks the data, not the reader: no entry's text is interpreted here.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import airportsdata
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "understanding"
SETS = ["requests", "holdout"]
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CHOICES = {"part_of_day": {"morning", "afternoon", "evening", "night"}, "sort": {"cheapest", "earliest"}}
FIELDS = {"lang", "text", "origin", "destination", "date", "return_date", "one_way", "nonstop",
          "airline", "part_of_day", "depart_before", "depart_after", "arrive_by", "sort"}


@cache
def airports() -> dict:
    return airportsdata.load("IATA")


@cache
def metro_codes() -> dict[str, set[str]]:
    """The README's `Metro codes used (...)` list: NYC (JFK LGA EWR), LON (...), ..."""
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if "Metro codes used" in l)
    return {code: set(members.split()) for code, members in re.findall(r"\b([A-Z]{3}) \(([A-Z ]+)\)", line)}


@cache
def language_codes() -> set[str]:
    config = yaml.safe_load((ROOT / "configs" / "languages.yaml").read_text(encoding="utf-8"))
    return {language["code"] for language in config["languages"]}


@cache
def airline_codes() -> set[str]:
    config = yaml.safe_load((ROOT / "configs" / "airlines.yaml").read_text(encoding="utf-8"))
    return {airline["iata"] for airline in config["airlines"]}


@cache
def load(name: str) -> dict:
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))


def as_date(value) -> dt.date | None:
    """A YAML date, an ISO string or null; anything else raises."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def problems(name: str, check) -> list[str]:
    """`check(entry)` -> list of problems, collected over every entry of one set."""
    found = []
    for index, entry in enumerate(load(name)["requests"]):
        found += [f"{name}[{index}] {entry.get('text')!r}: {p}" for p in check(entry)]
    return found


def test_metro_list_is_read_and_its_airports_exist():
    metros = metro_codes()
    assert {"NYC", "LON", "PAR", "TYO", "CHI", "WAS", "YTO", "SEL", "MOW", "JKT"} <= metros.keys()
    assert all(member in airports() for members in metros.values() for member in members)
    assert not metros.keys() & airports().keys()  # README: metro codes are not airports


@pytest.mark.parametrize("name", SETS)
def test_set_loads_with_today_and_requests(name):
    data = load(name)
    assert as_date(data["today"]) == dt.date(2026, 11, 21)
    assert isinstance(data["requests"], list) and data["requests"]


@pytest.mark.parametrize("name", SETS)
def test_every_language_is_known(name):
    assert problems(name, lambda e: [] if e["lang"] in language_codes() else [f"lang {e['lang']}"]) == []


@pytest.mark.parametrize("name", SETS)
def test_every_code_is_an_airport_or_a_metro_code(name):
    known = airports().keys() | metro_codes().keys()

    def check(entry):
        return [f"{field} {entry.get(field)}" for field in ("origin", "destination") if entry.get(field) not in known]
    assert problems(name, check) == []


@pytest.mark.parametrize("name", SETS)
def test_every_date_parses(name):
    def check(entry):
        found = [] if "date" in entry else ["no date field (null when the text names none)"]
        for field in ("date", "return_date"):
            try:
                as_date(entry.get(field))
            except (TypeError, ValueError):
                found.append(f"{field} {entry.get(field)!r}")
        return found
    assert problems(name, check) == []


@pytest.mark.parametrize("name", SETS)
def test_origin_and_destination_differ(name):
    assert problems(name, lambda e: [] if e["origin"] != e["destination"] else ["origin == destination"]) == []


@pytest.mark.parametrize("name", SETS)
def test_optional_fields_have_their_documented_values(name):
    def check(entry):
        found = [f"unknown field {f}" for f in entry.keys() - FIELDS]
        found += [f"{f} {entry[f]!r}" for f in ("depart_before", "depart_after", "arrive_by")
                  if f in entry and not TIME.match(str(entry[f]))]
        found += [f"{f} {entry[f]!r}" for f, allowed in CHOICES.items() if f in entry and entry[f] not in allowed]
        found += [f"{f} {entry[f]!r}" for f in ("one_way", "nonstop") if f in entry and entry[f] is not True]
        if "airline" in entry and entry["airline"] not in airline_codes():
            found.append(f"airline {entry['airline']}")
        return found
    assert problems(name, check) == []


def test_holdout_covers_every_language_with_enough_requests():
    counts: dict[str, int] = {}
    for entry in load("holdout")["requests"]:
        counts[entry["lang"]] = counts.get(entry["lang"], 0) + 1
    atis = {"en", "es", "de", "fr", "pt", "zh", "ja", "hi", "tr"}
    assert set(counts) == language_codes()
    assert sum(counts.values()) >= 450
    assert all(counts[code] >= (30 if code in atis else 8) for code in counts)


def no_place_sentences() -> list[dict]:
    """The held-out no-place sentences (`holdout_no_places.yaml`): a list of {lang, text}."""
    sentences = load("holdout_no_places")["sentences"]
    assert isinstance(sentences, list) and sentences
    return sentences


def test_holdout_no_places_entries_are_a_known_language_and_some_text():
    found = []
    for index, entry in enumerate(no_place_sentences()):
        if not isinstance(entry, dict) or set(entry) != {"lang", "text"}:
            found.append(f"[{index}] {entry!r}: want exactly lang and text")
            continue
        if entry["lang"] not in language_codes():  # an unquoted no loads as False and lands here
            found.append(f"[{index}] lang {entry['lang']!r}")
        if not isinstance(entry["text"], str) or not entry["text"].strip():
            found.append(f"[{index}] empty text")
    assert found == []


def test_holdout_no_places_covers_every_language_with_ten_or_more():
    counts: dict[str, int] = {}
    for entry in no_place_sentences():
        counts[entry["lang"]] = counts.get(entry["lang"], 0) + 1
    assert set(counts) == language_codes()
    assert sum(counts.values()) >= 430
    assert {code: n for code, n in counts.items() if n < 10} == {}
