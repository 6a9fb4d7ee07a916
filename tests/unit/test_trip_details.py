"""Trip details in every language: part of day, time bounds, nonstop, one way, order, return date."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.understanding import Slots, understand
from languages import PartOfDay, SortOrder, TripDetails, all_languages, find_date, find_trip_details, split_return
from languages.registry import LanguagesFile, TripWords

from ..conftest import TODAY

LANGUAGES = all_languages()
CODES = [language.code for language in LANGUAGES]
MORNING, AFTERNOON, EVENING = PartOfDay.MORNING, PartOfDay.AFTERNOON, PartOfDay.EVENING
CHEAPEST, EARLIEST = SortOrder.CHEAPEST, SortOrder.EARLIEST


def t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


CASES = [
    ("en", "nonstop from Madrid to London tomorrow morning, the cheapest",
     dict(nonstop=True, part_of_day=MORNING, sort=CHEAPEST)),
    ("en", "London to Paris before 7 am", dict(depart_before=t(7))),
    ("en", "Paris to Rome after 3 pm, arriving by 9:30 pm", dict(depart_after=t(15), arrive_by=t(21, 30))),
    ("en", "a one-way ticket to Rome, the earliest", dict(one_way=True, sort=EARLIEST)),
    ("es", "de Madrid a Londres antes de las 7, sin escalas", dict(depart_before=t(7), nonstop=True)),
    ("es", "el viernes por la tarde, solo ida, el más barato",
     dict(part_of_day=AFTERNOON, one_way=True, sort=CHEAPEST)),
    ("fr", "de Paris à Rome le soir, vol direct, après 18 h",
     dict(part_of_day=EVENING, nonstop=True, depart_after=t(18))),
    ("de", "von Berlin nach Wien vor 7 Uhr, ohne Umstieg", dict(depart_before=t(7), nonstop=True)),
    ("de", "nach München, Ankunft vor 20 Uhr, am günstigsten", dict(arrive_by=t(20), sort=CHEAPEST)),
    ("pt", "de Lisboa para Madri de manhã, voo direto, o mais barato",
     dict(part_of_day=MORNING, nonstop=True, sort=CHEAPEST)),
    ("it", "da Roma a Milano dopo le 15, senza scali", dict(depart_after=t(15), nonstop=True)),
    ("ru", "из Москвы в Берлин утром без пересадок, самый дешёвый",
     dict(part_of_day=MORNING, nonstop=True, sort=CHEAPEST)),
    ("ru", "вылет до 9 утра", dict(depart_before=t(9))),
    ("ja", "東京からソウルへ午前7時前の直行便", dict(depart_before=t(7), nonstop=True)),
    ("ja", "午後3時以降の片道、一番安い便", dict(depart_after=t(15), one_way=True, sort=CHEAPEST)),
    ("zh", "明天上午从上海飞往北京，直飞，最便宜的", dict(part_of_day=MORNING, nonstop=True, sort=CHEAPEST)),
    ("zh", "下午3点以后出发", dict(depart_after=t(15))),
    ("ko", "서울에서 도쿄로 오전 직항 편도", dict(part_of_day=MORNING, nonstop=True, one_way=True)),
    ("ko", "오후 5시까지 도착", dict(arrive_by=t(17))),
    ("ar", "من دبي إلى لندن صباحا رحلة مباشرة الأرخص", dict(part_of_day=MORNING, nonstop=True, sort=CHEAPEST)),
    ("ar", "قبل الساعة 8", dict(depart_before=t(8))),
    ("hi", "दिल्ली से मुंबई सुबह सीधी उड़ान सबसे सस्ती", dict(part_of_day=MORNING, nonstop=True, sort=CHEAPEST)),
    ("hi", "शाम 6 बजे के बाद", dict(depart_after=t(18))),
    ("tr", "İstanbul'dan Londra'ya akşam aktarmasız en ucuz", dict(part_of_day=EVENING, nonstop=True, sort=CHEAPEST)),
    ("tr", "saat 9'dan önce tek yön", dict(depart_before=t(9), one_way=True)),
]


@pytest.mark.parametrize("code, text, expected", CASES, ids=[f"{c}:{x[:30]}" for c, x, _ in CASES])
def test_trip_details(code, text, expected, today):
    assert find_trip_details(text, code, today) == TripDetails(**expected)


@pytest.mark.parametrize("code, text, outbound, back", [
    ("en", "to Rome on the 5th of December, returning on the 12th", dt.date(2026, 12, 5), dt.date(2026, 12, 12)),
    ("en", "to Rome on Friday, coming back Sunday", dt.date(2026, 11, 27), dt.date(2026, 11, 29)),
    ("en", "to Rome on December 20, back on the 5th", dt.date(2026, 12, 20), dt.date(2027, 1, 5)),
    ("es", "a Roma el viernes y volver el domingo", dt.date(2026, 11, 27), dt.date(2026, 11, 29)),
    ("de", "nach Rom am 3. Dezember, Rückflug am 10. Dezember", dt.date(2026, 12, 3), dt.date(2026, 12, 10)),
    ("ja", "12月1日に東京からソウルへ、12月5日に戻ります", dt.date(2026, 12, 1), dt.date(2026, 12, 5)),
    ("zh", "12月1日去北京，回程12月8日", dt.date(2026, 12, 1), dt.date(2026, 12, 8)),
])
def test_return_date_is_read_and_kept_out_of_the_outbound_date(code, text, outbound, back, today):
    assert find_trip_details(text, code, today).return_date == back
    assert understand(text, code, today).date == outbound
    rest, clause = split_return(text, code)
    assert clause is not None and find_date(rest, code, today) == outbound


def test_no_details_in_a_plain_request(today):
    assert find_trip_details("from Madrid to London tomorrow", "en", today).is_empty
    assert understand("from Madrid to London tomorrow", "en", today).details is None
    assert find_trip_details("morgen nach London in 3 Tagen", "de", today).depart_before is None  # "3 Tagen" is no time


def test_details_merge_across_turns(today):
    first = understand("nonstop to London in the morning", "en", today)
    second = understand("from Madrid tomorrow, cheapest", "en", today)
    merged = Slots().merged(first).merged(second)
    assert merged.details == TripDetails(part_of_day=MORNING, nonstop=True, sort=CHEAPEST)
    assert (merged.origin, merged.destination, merged.date) == ("MAD", "LON", dt.date(2026, 11, 22))
    later = merged.merged(understand("actually in the evening", "en", today))
    assert later.details.part_of_day is EVENING and later.details.nonstop is True


def test_details_as_tool_arguments_and_back(today):
    details = TripDetails(part_of_day=MORNING, depart_before=t(9), nonstop=True, sort=CHEAPEST,
                          return_date=dt.date(2026, 12, 1))
    arguments = details.as_arguments()
    assert arguments == {"part_of_day": "morning", "depart_before": "09:00", "nonstop": True,
                         "sort": "cheapest", "return_date": "2026-12-01"}
    assert TripDetails.from_arguments(arguments, today) == details
    for bad, message in [({"part_of_day": "brunch"}, "part_of_day must be one of"),
                         ({"depart_after": "7 pm"}, "depart_after must be a time"),
                         ({"nonstop": "yes"}, "nonstop must be true or false"),
                         ({"sort": "fastest"}, "sort must be one of"),
                         ({"return_date": "2026-11-01"}, "in the past")]:
        with pytest.raises(ValueError, match=message):
            TripDetails.from_arguments(bad, today)


# -- every language's data ------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES, ids=CODES)
def test_every_language_has_complete_date_and_trip_words(language):
    words, trip = language.spec.date_words, language.spec.trip_details
    assert words.in_before or words.in_after, language.code
    for name in ("day_units", "week_units", "weekend", "next_weekend"):
        assert getattr(words, name), f"{language.code}: date_words.{name}"
    for name in TripWords.model_fields:
        if name not in ("am", "pm", "hour_words", "return_before", "return_after", "not_details"):
            assert getattr(trip, name), f"{language.code}: trip_details.{name}"
    assert trip.return_before or trip.return_after


@pytest.mark.parametrize("language", LANGUAGES, ids=CODES)
def test_every_language_reads_its_own_words(language):
    """Each language's first word of each kind reads back as that detail."""
    code, trip, words = language.code, language.spec.trip_details, language.spec.date_words
    for kind in ("depart_before", "depart_after", "arrive_by"):
        found = find_trip_details(getattr(trip, kind)[0].replace("{time}", "7"), code, TODAY)
        assert getattr(found, kind) == t(7), (code, kind, getattr(trip, kind)[0])
    assert find_trip_details(trip.nonstop[0], code, TODAY).nonstop is True, code
    assert find_trip_details(trip.one_way[0], code, TODAY).one_way is True, code
    assert find_trip_details(trip.cheapest[0], code, TODAY).sort is CHEAPEST, code
    assert find_trip_details(trip.earliest[0], code, TODAY).sort is EARLIEST, code
    for part in PartOfDay:
        said = getattr(trip, part.value)[0]
        assert find_trip_details(said, code, TODAY).part_of_day is part, (code, said)
    space = "" if language.script in ("Han", "Japanese", "Thai") else " "
    span = (f"{words.in_before[0]}{space}3{space}{words.day_units[0]}" if words.in_before
            else f"3{space}{words.day_units[0]}{space}{words.in_after[0]}")
    assert find_date(span, code, TODAY) == TODAY + dt.timedelta(days=3), (code, span)
    next_weekend = dt.date(2026, 11, 23) + dt.timedelta(days=words.weekend_day)  # next week's
    assert find_date(words.next_weekend[0], code, TODAY) == next_weekend, code


def test_a_time_template_without_its_placeholder_is_refused(config_copy):
    import yaml

    data = yaml.safe_load((config_copy / "languages.yaml").read_text(encoding="utf-8"))
    data["languages"][0]["trip_details"]["depart_before"] = ["before seven"]
    with pytest.raises(ValueError, match="needs one"):
        LanguagesFile.model_validate(data)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang.spec.trip_details.not_details],
                         ids=[lang.code for lang in LANGUAGES if lang.spec.trip_details.not_details])
def test_a_greeting_asks_for_no_part_of_the_day(language):
    for greeting in language.spec.trip_details.not_details:
        assert find_trip_details(greeting, language.code, TODAY).part_of_day is None, (language.code, greeting)
    evening = language.spec.trip_details.evening[0]
    said = f"{language.spec.trip_details.not_details[0]}, {evening}"
    assert find_trip_details(said, language.code, TODAY).part_of_day is PartOfDay.EVENING, (language.code, said)


@pytest.mark.parametrize("code, text, outbound", [
    ("es", "quiero volver a Madrid mañana", dt.date(2026, 11, 22)),        # going back home: one trip
    ("en", "returning home to London, from Paris tomorrow", dt.date(2026, 11, 22)),
])
def test_a_return_word_without_a_return_date_is_no_return(code, text, outbound, today):
    slots = understand(text, code, today)
    assert slots.date == outbound and (slots.details is None or slots.details.return_date is None)
