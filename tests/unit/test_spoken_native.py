"""Spoken and written forms a native speaker expects, at their source (the formatters)."""
from __future__ import annotations

import datetime as dt

import pytest

from languages.phrases import fill
from languages.spoken import (icu_spells, plural_category, spoken_date, spoken_flight_number, spoken_number,
                              spoken_numbers_supported, spoken_price)
from languages.written import written_date

DEC_2 = dt.date(2026, 12, 2)


@pytest.mark.parametrize("code, expected", [
    ("ru", "второе декабря"),            # the neuter ordinal (число), not "второй"
    ("uk", "друге грудня"),
    ("ar", "الثاني من ديسمبر"),         # an ordinal day, not "اثنان"
    ("he", "שניים בדצמבר"),             # the masculine count, not "שתיים"
    ("zh", "十二月二日"),                # one numeral style, not "十二月2日"
    ("ja", "十二月二日"),
    ("tr", "iki Aralık"),
    ("pl", "drugiego grudnia"),          # the genitive ordinal, not "drugi grudnia"
    ("cs", "druhého prosince"),          # not the cardinal "dva prosince"
    ("sk", "druhého decembra"),
    ("sr", "други децембар"),
    ("lv", "otrais decembris"),          # curated ordinals: no speller has Latvian or Lithuanian ones
    ("lt", "gruodžio antroji"),
])
def test_spoken_dates(code, expected):
    assert spoken_date(DEC_2, code) == expected


@pytest.mark.parametrize("code, day, expected", [
    ("no", dt.date(2026, 4, 13), "trettende april"),      # num2words says "trettførste"
    ("da", dt.date(2026, 8, 31), "enogtredivte august"),  # num2words says "enogtredivete"
    ("sv", dt.date(2026, 3, 20), "tjugonde mars"),        # num2words says "tjugode"
])
def test_curated_day_words_correct_the_spellers_mistakes(code, day, expected):
    assert spoken_date(day, code) == expected


def test_ukrainian_ordinals_take_the_neuter_ending_on_their_last_word():
    assert spoken_date(dt.date(2026, 3, 21), "uk") == "двадцять перше березня"
    assert spoken_date(dt.date(2026, 3, 3), "uk") == "третє березня"


@pytest.mark.parametrize("amount, currency, code, expected", [
    (201, "USD", "ru", "двести один доллар"),          # CLDR/num2words plural: not "доллара"
    (636, "PLN", "uk", "шістсот тридцять шість злотих"),
    (631, "PLN", "pl", "sześćset trzydzieści jeden złotych"),
    (957, "CNY", "zh", "九百五十七元"),                   # no space in Chinese
    (88921, "JPY", "ja", "八万八千九百二十一円"),
    (279, "CAD", "ja", "二百七十九カナダドル"),
    (1221, "AED", "ar", "ألف ومئتان وواحد وعشرون درهم إماراتي"),   # و joined to its word
    (7013, "TRY", "tr", "yedi bin on üç Türk lirası"),   # Turkish number words apart
    (201, "USD", "es", "doscientos un dólares"),
    (175806, "KRW", "ko", "십칠만 오천팔백육 원"),
])
def test_spoken_prices(amount, currency, code, expected):
    assert spoken_price(amount, currency, code) == expected


def test_arabic_minutes_agree_with_the_feminine_minute():
    from languages.spoken import spoken_time

    assert spoken_time(dt.time(16, 55), "ar") == "الساعة الرابعة وخمس وخمسون مساءً"
    assert spoken_time(dt.time(9, 13), "ar") == "الساعة التاسعة وثلاث عشرة صباحًا"


def test_flight_numbers_are_joined_in_unspaced_scripts_and_spaced_elsewhere():
    assert spoken_flight_number("", "971", "zh") == "九七一"
    assert spoken_flight_number("", "971", "ja") == "九七一"
    assert spoken_flight_number("", "971", "en") == "nine seven one"


def test_icu_spells_where_num2words_lacks_the_language():
    assert spoken_number(2013, "hi") == "दो हज़ार तेरह"
    assert spoken_number(15, "et") == "viisteist"
    assert spoken_number(31, "bg") == "трийсет и един"


def test_fallbacks_where_no_library_speaks_the_language():
    # ICU 72 has no Bengali or Telugu spellout (it answers in English): num2words spells them.
    assert not icu_spells("bn_IN", "Bengali") and spoken_number(2, "bn") == "দুই"
    # Tamil: num2words has none and ICU's compounds are not native ("முப்பது ஒன்று"): digits stay.
    assert not spoken_numbers_supported("ta") and spoken_number(31, "ta") == "31"


def test_plural_categories_come_from_cldr():
    assert [plural_category(n, "ru") for n in (1, 2, 5, 21)] == ["one", "few", "many", "one"]
    assert plural_category(2, "ar") == "two"


def test_an_abbreviated_date_ends_the_sentence_with_one_full_stop():
    assert fill("pour le {date}.", date="mer. 2 déc.") == "pour le mer. 2 déc."
    assert fill("am {date}, ab {time}.", date="Mi., 2. Dez.", time="9:00") == "am Mi., 2. Dez., ab 9:00."
    assert fill("{n}. Platz", n="3") == "3. Platz"


@pytest.mark.parametrize("code, expected", [
    ("th", "วันพุธที่ 2 ธันวาคม"),    # the weekday keeps วัน, no abbreviation to run into ค่ะ
    ("lt", "gruodžio 2 d., tr"),
    ("fr", "mer. 2 déc."),
])
def test_written_dates_use_the_languages_skeleton(code, expected):
    assert written_date(DEC_2, code) == expected


@pytest.mark.parametrize("code, expected", [
    ("en", "2 stops"), ("he", "עם 2 עצירות"),
])
def test_stop_counts_stay_digits_in_the_chat(code, expected):
    from flight_search.formatting import stops_phrase

    assert stops_phrase(2, code) == expected


@pytest.mark.parametrize("code, expected", [
    ("en", "two stops"), ("he", "עם שתי עצירות"), ("zh", "经停两次"), ("ko", "두 번 경유"), ("es", "con dos escalas"),
])
def test_stop_counts_are_spoken_with_the_right_form(code, expected):
    from flight_search.formatting import stops_phrase

    assert stops_phrase(2, code, spoken=True) == expected


def test_without_pyicu_the_languages_it_spells_fall_back(monkeypatch):
    from languages import spoken

    monkeypatch.setattr(spoken, "icu", None)
    spoken.icu_spells.cache_clear()
    try:
        assert not spoken_numbers_supported("zh") and spoken_number(12, "zh") == "12"
        assert spoken_date(DEC_2, "ar") == "اثنان من ديسمبر"          # num2words' cardinal
        assert spoken_price(201, "USD", "es") == "doscientos uno dólares"  # num2words, no apocope
        assert spoken_number(2, "ru", ordinal=True, use="day") == "второе"  # num2words only: unchanged
    finally:
        spoken.icu_spells.cache_clear()
