"""Kinds of date the readers once missed (today is Saturday 2026-11-21): a day alone with its word
for day or an ordinal mark, genitive months beside city names, weekdays as typed, Han numerals,
numeric dates after a glued prefix, ranges of days. Strings differ from dates.yaml's cases."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from languages import find_date, find_date_range, find_trip_details, get_language, split_return
from languages.dates.lexicon import _without_fleeting_vowel, trie_pattern, vocabulary
from languages.dates.names import typed_forms


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


@pytest.mark.parametrize("code, text, expected", [
    ("et", "Tartust Tallinna 30. kuupäeval", d(11, 30)),
    ("lv", "uz Liepāju 3. datumā", d(12, 3)),
    ("lt", "į Kauną 30 d.", d(11, 30)),
    ("ru", "в Казань 25-го числа", d(11, 25)),
    ("ru", "из Сочи 3 числа утром", d(12, 3)),
    ("uk", "до Одеси 30 числа", d(11, 30)),
    ("cs", "do Ostravy dne 2.", d(12, 2)),
    ("sk", "do Košíc dňa 30.", d(11, 30)),
    ("pl", "do Gdańska 30-go", d(11, 30)),
    ("hr", "iz Splita za Zadar 3.", d(12, 3)),
    ("sl", "v Pariz 30., zvečer", d(11, 30)),
    ("sr", "за Београд 2.", d(12, 2)),
    ("cs", "let do Brna 30.", d(11, 30)),
    ("el", "για Θεσσαλονίκη στις 3", d(12, 3)),
])
def test_a_day_alone_with_its_mark(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text, expected", [
    ("hr", "iz Splita za Zadar 3.1.", d(1, 3, 2027)),      # a numeric date, not the 3rd
    ("hr", "iz Splita za Zadar za 3 osobe", None),       # a count
    ("hr", "iz Splita za Zadar za 3.", None),            # "in 3": a count
    ("sr", "karta za Niš košta €30.", None),             # a price
    ("sl", "iz Ljubljane v Pariz ob 7 uri.", None),      # a time
    ("ru", "из Москвы в Сочи на 3 взрослых", None),     # "for 3 adults"
    ("cs", "z Prahy do Brna pro 3 osoby", None),         # "pro" is also December's abbreviation
    ("pl", "z Warszawy do Gdańska dla 3 osób", None),
])
def test_a_number_that_counts_is_no_day(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text, expected", [
    ("cs", "z Prahy do Dubaje 2. dubna", d(4, 2, 2027)),
    ("cs", "z Prahy do Lisabonu 9. listopadu", d(11, 9, 2027)),
    ("cs", "z Brna do Londýna 9. června", d(6, 9, 2027)),
    ("cs", "z Brna do Londýna 9. července", d(7, 9, 2027)),
    ("cs", "z Brna do Londýna 9. února", d(2, 9, 2027)),
    ("sk", "z Bratislavy do Marseille 9. marca", d(3, 9, 2027)),
    ("pl", "z Krakowa do Lipska 9 lipca", d(7, 9, 2027)),
    ("pl", "z Krakowa do Marsylii 9 marca", d(3, 9, 2027)),
    ("sl", "iz Maribora v London 9. maja", d(5, 9, 2027)),
    ("sl", "iz Ljubljane v London 9. septembra", d(9, 9, 2027)),
    ("sr", "из Ниша за Беч 9. јула", d(7, 9, 2027)),
    ("ru", "из Москвы в Марсель 9 марта", d(3, 9, 2027)),
    ("uk", "з Києва до Лісабона 9 листопада", d(11, 9, 2027)),
    ("et", "Tallinnast Londonisse 9. mail", d(5, 9, 2027)),
])
def test_genitive_months_beside_city_names(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text, expected", [
    ("bg", "в четвартак", d(11, 26)), ("bg", "v sabota", d(11, 28)), ("bg", "v chetvurtuk", d(11, 26)),
    ("bg", "v ponedelnik", d(11, 23)),
    ("sr", "u ponedjeljak", d(11, 23)), ("sr", "у понедјељак", d(11, 23)),
    ("uk", "у пятницю", d(11, 27)), ("uk", "u seredu", d(11, 25)), ("uk", "v ponedilok", d(11, 23)),
    ("ru", "v pjatnicu", d(11, 27)), ("ru", "v voskresenie", d(11, 22)), ("ru", "v sredu", d(11, 25)),
])
def test_weekdays_as_typed(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text, expected", [
    ("ja", "十二月三日に福岡へ", d(12, 3)), ("ja", "二月二十八日", d(2, 28, 2027)),
    ("ja", "１月５日の便", d(1, 5, 2027)), ("zh", "十二月三号", d(12, 3)), ("zh", "二月二十八日去广州", d(2, 28, 2027)),
])
def test_han_numerals_and_full_width_digits(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text, expected", [
    ("he", "טיסה לאילת ב-3.12", d(12, 3)), ("he", "ל-20/12 לחיפה", d(12, 20)),
    ("he", "ב-3.12 בערב", d(12, 3)),                         # where dates have dots, "3.12 in the evening" is a date
    ("de", "morgen um 7.12 Uhr", d(11, 22)),                 # ... but a dot before an hour word is a time
])
def test_numeric_dates_after_a_glued_prefix(code, text, expected, today):
    assert find_date(text, code, today) == expected


@pytest.mark.parametrize("code, text, first, second", [
    ("es", "de Madrid a Roma del 5 al 12 de enero", d(1, 5, 2027), d(1, 12, 2027)),
    ("fr", "du 28 décembre au 3 janvier", d(12, 28), d(1, 3, 2027)),
    ("de", "vom 28. bis 3. Januar", d(12, 28), d(1, 3, 2027)),       # the month is the second day's
    ("en", "December 28 to January 3", d(12, 28), d(1, 3, 2027)),
    ("en", "from the 5th to the 12th of January", d(1, 5, 2027), d(1, 12, 2027)),
    ("zh", "十二月五日到十二日", d(12, 5), d(12, 12)),
    ("pl", "od 5 do 12 stycznia", d(1, 5, 2027), d(1, 12, 2027)),
    ("ru", "с 5 по 12 января", d(1, 5, 2027), d(1, 12, 2027)),
    ("it", "dal 5 al 12 gennaio", d(1, 5, 2027), d(1, 12, 2027)),
    ("de", "5.-12.1. nach Rom", d(1, 5, 2027), d(1, 12, 2027)),
    ("zh", "1月5日至12日", d(1, 5, 2027), d(1, 12, 2027)),
    ("ko", "1월 5일부터 12일까지", d(1, 5, 2027), d(1, 12, 2027)),
])
def test_a_range_of_days(code, text, first, second, today):
    assert find_date(text, code, today) == first
    assert find_date_range(text, code, today) == (first, second)
    assert find_trip_details(text, code, today).return_date == second


@pytest.mark.parametrize("code, text", [
    ("fr", "le vingt-deux décembre"),           # a hyphen inside a number word is no range
    ("en", "2 to 3 people on December 21"),
    ("en", "Boston to Denver on December 14 - 2 people"),   # the second number counts people
    ("cs", "pro 2 do 3 osob 21. prosince"),
    ("es", "el 15 de diciembre"),
])
def test_no_range_where_none_is_said(code, text, today):
    assert find_date_range(text, code, today) is None


def test_an_explicit_return_wins_over_a_range(today):
    text = "del 5 al 12 de enero, vuelta el 20 de enero"
    assert split_return(text, "es")[1] is not None
    assert find_trip_details(text, "es", today).return_date == d(1, 20, 2027)


def test_trie_pattern_matches_what_the_alternation_matches():
    words = ["petak", "petuk", "pet", "sabota", "subota", "s.d."]
    pattern = re.compile(rf"(?:{trie_pattern(words)})$")
    assert all(pattern.match(w) for w in words)
    assert not any(pattern.match(w) for w in ["peta", "sab", "sd", "petakk"])
    assert trie_pattern([]) == "(?!)"


def test_fleeting_vowels_and_short_stems():
    assert [_without_fleeting_vowel(w) for w in ("marec", "duben", "lipiec", "september", "januar", "maj")] == \
        ["marc", "dubn", "lipc", "septembr", None, None]
    cs = vocabulary("cs")
    assert {"pro", "dub", "lis"} <= cs.month_abbreviations and "dubna" not in cs.month_abbreviations
    assert vocabulary("ja").months["十二月"] == 12 and not vocabulary("cs").month_first and vocabulary("en").month_first


def test_typed_forms_of_cyrillic_names():
    bg, uk = get_language("bg").spec, get_language("uk").spec
    assert {"петак", "petak", "petuk", "petyk"} <= typed_forms("петък", bg)
    assert {"пятниця", "pyatnytsya", "piatnytsia", "pjatnycja"} <= typed_forms("пʼятниця", uk)
    assert "piatnytsia" not in typed_forms("пʼятниця", uk, spellings=False)


@pytest.mark.parametrize("text, code, expected", [
    ("డిసెంబర్ 3న తిరుపతి నుండి హైదరాబాద్‌కు", "te", "2026-12-03"),      # a day with its glued "on"
    ("டிசம்பர் 3 அன்று திருச்சியிலிருந்து கொழும்புக்கு", "ta", "2026-12-03"),   # month first, then "on that day"
    ("ஜனவரி 5 அன்று கொச்சியிலிருந்து சென்னைக்கு", "ta", "2027-01-05"),          # not the coming 5th
    ("జనవరి 12న విశాఖపట్నం నుండి", "te", "2027-01-12"),
])
def test_a_month_first_date_followed_by_the_languages_word_for_on(text, code, expected):
    assert str(find_date(text, code, d(11, 21))) == expected
