"""The world gazetteer built from data packages: places, codes, airports, names in every script."""
from __future__ import annotations

import pytest

from languages import city_airports, city_code_for, city_name, fold_name, place_label, same_place
from languages.gazetteer import gazetteer
from languages.gazetteer_build import airport_name_variants, usable_name


def codes(name: str) -> list[str]:
    return [p.code for p in gazetteer().lookup(fold_name(name))]


@pytest.mark.parametrize("name, code", [
    # every continent, small and large, none of them in configs/cities.yaml
    ("Boston", "BOS"), ("Seattle", "SEA"), ("Boise", "BOI"), ("Kansas City", "MCI"), ("Salt Lake City", "SLC"),
    ("Cusco", "CUZ"), ("Porto Alegre", "POA"), ("Mombasa", "MBA"), ("Chiang Mai", "CNX"), ("Tromsø", "TOS"),
    ("Kraków", "KRK"), ("Adelaide", "ADL"), ("Queenstown", "ZQN"), ("Almaty", "ALA"), ("Izmir", "ADB"),
    ("Lahore", "LHE"), ("Surabaya", "SUB"), ("Sevilla", "SVQ"), ("Hamburg", "HAM"), ("Lyon", "LYS"),
])
def test_cities_with_an_airport_are_places(name, code):
    assert codes(name)[0] == code


@pytest.mark.parametrize("name, code", [
    ("New York", "NYC"), ("London", "LON"), ("Paris", "PAR"), ("Tokyo", "TYO"), ("Chicago", "CHI"),
    ("Washington", "WAS"), ("Toronto", "YTO"), ("Seoul", "SEL"), ("Osaka", "OSA"), ("Sapporo", "SPK"),
])
def test_metropolitan_codes_where_they_exist(name, code):
    assert codes(name)[0] == code


def test_a_metro_code_groups_every_airport_of_its_city_but_not_a_neighbours_city():
    assert {"JFK", "LGA", "EWR"} <= set(city_airports("NYC"))
    assert {"YYZ", "YTZ"} <= set(city_airports("YTO"))   # YYZ is filed under Mississauga in the data
    assert codes("Baltimore")[0] == "BWI"                 # BWI also serves WAS, but Baltimore keeps its code
    assert city_code_for("LHR") == "LON" and city_code_for("JFK") == "NYC"


@pytest.mark.parametrize("name, code", [
    ("Heathrow", "LHR"), ("O'Hare", "ORD"), ("ohare", "ORD"), ("La Guardia", "LGA"), ("Schiphol", "AMS"),
    ("Narita", "NRT"), ("Gatwick", "LGW"), ("Charles de Gaulle", "CDG"),
])
def test_airports_by_name(name, code):
    assert same_place(codes(name)[0], code)


@pytest.mark.parametrize("name", ["ボストン", "波士顿", "波士頓", "बोस्टन", "Бостон", "بوسطن", "보스턴", "Βοστώνη"])
def test_names_in_every_script(name):
    assert codes(name)[0] == "BOS"


@pytest.mark.parametrize("written, same", [
    ("Sao Paulo", "São Paulo"), ("Zurich", "Zürich"), ("Bogota", "Bogotá"), ("Tromso", "Tromsø"),
    ("Lodz", "Łódź"), ("St. Louis", "Saint Louis"), ("Ft. Lauderdale", "Fort Lauderdale"),
])
def test_variants_fold_alike(written, same):
    assert fold_name(written) == fold_name(same)
    assert codes(written) and codes(written)[0] == codes(same)[0]


def test_curated_aliases_and_nicknames():
    assert codes("Washington DC")[0] == "WAS"
    assert codes("Saigon")[0] == "SGN" and codes("Ho Chi Minh City")[0] == "SGN"
    assert codes("New York City")[0] == "NYC"


def test_the_bigger_place_comes_first_for_a_shared_name():
    assert codes("Portland")[:2] == ["PDX", "PWM"]
    assert codes("Birmingham")[0] == "BHX"
    assert codes("Santiago")[0] == "SCL" and codes("Santiago de Chile") == ["SCL"]


def test_naming_back_in_the_visitors_language_and_script():
    assert city_name("LHR", "es") == "Londres"              # curated names first
    assert city_name("BOS", "ja") == "ボストン"               # kana before kanji for Japanese
    assert city_name("BOS", "ru") == "Бостон"
    assert city_name("BOS", "en") == "Boston"
    assert place_label("PWM", "en", beside="PDX") == "Portland, Maine"
    assert place_label("SJO", "es", beside="SJC").endswith("Costa Rica")


def test_same_place_treats_a_city_code_and_its_airports_as_one():
    assert same_place("JFK", "NYC") and same_place("NYC", "EWR") and same_place("BWI", "WAS")
    assert not same_place("BOS", "SEA") and not same_place(None, "BOS") and same_place(None, None)


def test_names_that_are_codes_or_junk_are_not_indexed_as_names():
    assert not usable_name("OSA") and not usable_name("KCMO") and not usable_name("A1")
    assert usable_name("Osaka") and usable_name("大阪") and usable_name("Ufa")


def test_airport_names_give_their_distinctive_part():
    assert airport_name_variants("London Heathrow Airport", "London") == ["London Heathrow", "Heathrow"]
    assert "O'Hare" in airport_name_variants("Chicago O'Hare International Airport", "Chicago")
    assert airport_name_variants("Portland International Airport", "Portland") == []
    assert "Fiumicino" in airport_name_variants("Leonardo da Vinci–Fiumicino Airport", "Rome")   # each part
    assert "Orly" in airport_name_variants("Paris-Orly Airport", "Paris")


def test_the_gazetteer_covers_the_world():
    index = gazetteer()
    assert len(index.places) > 5000 and len(index.index) > 80000
    countries = {p.country for p in index.places if p.kind == "city"}
    assert len(countries) > 180


def test_built_once_then_read_from_the_cache_and_rebuilt_when_the_cache_is_broken(tmp_path, monkeypatch):
    from languages import gazetteer as module

    monkeypatch.setenv("POLYGLOT_CACHE_DIR", str(tmp_path))
    module.gazetteer.cache_clear()
    try:
        built = module.gazetteer()
        [cached] = list(tmp_path.glob("gazetteer-*.pickle"))
        module.gazetteer.cache_clear()
        assert len(module.gazetteer().places) == len(built.places)
        cached.write_bytes(b"not a pickle")
        module.gazetteer.cache_clear()
        assert module.gazetteer().place("BOS").name == "Boston"
    finally:
        monkeypatch.delenv("POLYGLOT_CACHE_DIR")
        module.gazetteer.cache_clear()


def test_indic_spellings_of_one_sound_fold_alike():
    from languages.folding import fold_name

    assert fold_name("इंदौर") == fold_name("इन्दौर")        # anusvara and a nasal with virama
    assert fold_name("चंडीगढ़") == fold_name("चण्डीगढ")      # and the nukta left off


def test_an_airport_belongs_to_the_city_its_own_name_names():
    assert [p.code for p in gazetteer().lookup("vancouver")][0] == "YVR"    # filed under Richmond
    assert [p.code for p in gazetteer().lookup("oakland")] == ["OAK"]       # "San Francisco Bay Oakland"
    assert [p.code for p in gazetteer().lookup("chania")] == ["CHQ"]        # filed under Souda
    assert "WAS" in [p.code for p in gazetteer().lookup("华盛顿")]           # GeoNames: 华盛顿特区


def test_a_country_with_one_big_airport_names_that_airports_city():
    assert [p.code for p in gazetteer().lookup("curacao")] == ["CUR"]
    assert [p.code for p in gazetteer().lookup(fold_name("グアム"))] == ["GUM"]
    assert gazetteer().lookup("georgia") == []          # a US state too: no guess
    assert gazetteer().lookup("kenya") == []            # several big airports: which one is not ours to say


def test_a_big_city_gets_the_large_airport_the_data_files_under_a_small_town():
    assert gazetteer().lookup(fold_name("Ciudad de Panamá"))[0].airports[0] == "PTY"     # Tocumen
