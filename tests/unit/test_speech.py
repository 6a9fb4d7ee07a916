"""assistant.speech: streamed text into sentences, and a model's chat text into words for the voice."""
from __future__ import annotations

import asyncio
import datetime as dt
import random
import re

import pytest

from assistant.speech import (SPEECH_STEPS, SentenceBuffer, drop_urls, join_unspaced, speak_dates, speak_numbers,
                              speak_prices, speak_times,
                              speech_from_chat, split_sentences, strip_markdown)
from flight_search import FlightQuery, chat_markdown, search_flights
from flight_search.formatting import SPEECH_FORBIDDEN
from languages import all_languages
from languages.spoken import spoken_number, spoken_numbers_supported, spoken_price, spoken_time
from languages.written import written_price, written_time

from ..conftest import TODAY

PIPELINE_LANGUAGES = ("en", "es", "fr", "de", "ja", "hi", "ar")
DIGIT = re.compile(r"\d")
BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")


def squeeze(text: str) -> str:
    """Whitespace runs (including no-break spaces) as one space, invisible bidi marks dropped."""
    return " ".join(text.translate(BIDI_MARKS).split())


# -- split_sentences -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, sentences, rest", [
    ("Hi. How ar", ["Hi."], " How ar"),
    ("No terminator yet", [], "No terminator yet"),
    ("", [], ""),
    # a full stop needs a following space: the end of the buffer may be a decimal point in the making
    ("It costs 3.5 times more. Then", ["It costs 3.5 times more."], " Then"),
    ("It leaves at 14:30. Arrives at 16:05! Good? yes", ["It leaves at 14:30.", "Arrives at 16:05!", "Good?"], " yes"),
    ("Done.", [], "Done."),
    ("Wait... what? ", ["Wait...", "what?"], " "),
    ('He said "go." Then left', ['He said "go."'], " Then left"),
    ("¿Vamos? ¡Sí! Vale", ["¿Vamos?", "¡Sí!"], " Vale"),
    ("Line one\nLine two", ["Line one"], "Line two"),
    ("東京行きです。ありがとう！次", ["東京行きです。", "ありがとう！"], "次"),   # no space needed after CJK stops
    ("你好吗？很好。然", ["你好吗？", "很好。"], "然"),
    ("दिल्ली जाना है। ठीक", ["दिल्ली जाना है।"], " ठीक"),      # Devanagari danda
    ("مرحبا؟ كيف", ["مرحبا؟"], " كيف"),                        # Arabic question mark
    ("رحلة واحدة۔ ثم", ["رحلة واحدة۔"], " ثم"),                 # Urdu-style full stop
])
def test_split_sentences(text, sentences, rest):
    assert split_sentences(text) == (sentences, rest)


def test_split_sentences_rest_is_the_unconsumed_tail():
    text = "First one. Second one! Third"
    sentences, rest = split_sentences(text)
    assert sentences == ["First one.", "Second one!"]
    assert text.endswith(rest) and rest.strip() == "Third"


# -- SentenceBuffer ------------------------------------------------------------------------------------

def whole(text: str) -> list[str]:
    """The sentences of `text` given all at once, then flushed."""
    buffer = SentenceBuffer()
    return buffer.push(text) + buffer.flush()


def streamed(pieces: list[str]) -> list[str]:
    buffer = SentenceBuffer()
    out: list[str] = []
    for piece in pieces:
        out += buffer.push(piece)
    return out + buffer.flush()


def chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def random_split(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 12))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]


STREAM_TEXTS = {
    "en": ("I found 3 flights. The first leaves at 14:30 and costs 3.5 times less! Shall I book it? "
           "Say yes or no"),
    "es": "Hay tres vuelos. El primero sale a las 9:05 y cuesta 245,50 euros. ¿Quieres más? Dime",
    "fr": "Il y a deux vols… Le premier part à 7h45. « Parfait. » Voilà",
    "de": "Es gibt 2 Flüge. Der erste startet um 08:10 Uhr und kostet 1.234,56 Euro! Passt das?",
    "ja": "東京行きの便が3本あります。最初の便は14:30発です！予約しますか？はい",
    "zh": "有三个航班。第一个14:30起飞，票价3.5折！要预订吗？好",
    "hi": "तीन उड़ानें हैं। पहली 14:30 बजे है। क्या बुक करूँ? हाँ",
    "ar": "هناك ثلاث رحلات. الأولى في 14:30 بسعر 3.5 مرة أقل! هل أحجز؟ نعم",
    "lines": "Results\n\n1. Iberia at 8:10\n2. easyJet at 7:00\nThat's all.",
}


@pytest.mark.parametrize("language", sorted(STREAM_TEXTS))
def test_streaming_gives_the_same_sentences_as_the_whole_text(language):
    text = STREAM_TEXTS[language]
    expected = whole(text)
    assert len(expected) >= 3
    assert streamed(list(text)) == expected            # one character at a time
    for size in (2, 3, 5, 8, 13):
        assert streamed(chunks(text, size)) == expected, size
    for seed in range(20):
        assert streamed(random_split(text, seed)) == expected, seed


def test_whole_text_sentences_are_right():
    """The reference the streaming test compares against, checked by hand for three scripts."""
    assert whole(STREAM_TEXTS["en"]) == ["I found 3 flights.", "The first leaves at 14:30 and costs 3.5 times less!",
                                         "Shall I book it?", "Say yes or no"]
    assert whole(STREAM_TEXTS["ja"]) == ["東京行きの便が3本あります。", "最初の便は14:30発です！", "予約しますか？", "はい"]
    assert whole(STREAM_TEXTS["hi"]) == ["तीन उड़ानें हैं।", "पहली 14:30 बजे है।", "क्या बुक करूँ?", "हाँ"]
    assert whole(STREAM_TEXTS["de"])[1] == "Der erste startet um 08:10 Uhr und kostet 1.234,56 Euro!"


@pytest.mark.parametrize("text", ["It costs 3.5 euros now", "Leaves at 14:30 today", "Version 2.0.1 is out",
                                  "Pay 1,234.56 USD please"])
def test_decimals_and_times_never_split_whatever_the_chunking(text):
    assert whole(text) == [text]
    assert streamed(list(text)) == [text]
    assert streamed(chunks(text, 4)) == [text]


def test_a_sentence_is_handed_out_as_soon_as_it_is_complete():
    buffer = SentenceBuffer()
    assert buffer.push("Hello there.") == []            # could still be "there.5"
    assert buffer.push(" N") == ["Hello there."]
    assert buffer.push("ext one") == []
    assert buffer.flush() == ["Next one"]
    assert buffer.flush() == []                          # flush empties the buffer


def test_cjk_terminators_end_a_sentence_without_waiting_for_a_space():
    buffer = SentenceBuffer()
    assert buffer.push("はい。") == []           # a streamed terminator waits for the next piece ('。」' ...)
    assert buffer.push("दिल्ली।") == ["はい。"]
    assert buffer.push("مرحبا؟") == ["दिल्ली।"]
    assert buffer.flush() == ["مرحبا؟"]
    assert split_sentences("はい。次") == (["はい。"], "次")


def test_flush_of_whitespace_only_is_empty():
    buffer = SentenceBuffer()
    buffer.push("   \n ")
    assert buffer.flush() == []


def test_streamed_cjk_terminator_run_stays_with_its_sentence():
    text = "本当？！次です。"
    assert whole(text) == ["本当？！", "次です。"]
    assert streamed(list(text)) == whole(text)


def test_streamed_closing_quote_after_cjk_terminator_stays_with_its_sentence():
    text = "他说：“好的。”然后走了。"
    assert whole(text) == ["他说：“好的。”", "然后走了。"]
    assert streamed(list(text)) == whole(text)


# -- strip_markdown ------------------------------------------------------------------------------------

@pytest.mark.parametrize("markdown, plain", [
    ("**Iberia** flies", "Iberia flies"),
    ("__Iberia__ flies", "Iberia flies"),
    ("an *emphasised* _word_", "an emphasised word"),
    ("~~old~~ new", "old new"),
    ("**_nested_** emphasis", "nested emphasis"),
    ("run `code` here", "run code here"),
    ("[the offer](https://example.com/a?b=1) is good", "the offer is good"),
    ("![a plane](plane.png) Madrid", "Madrid"),
    ("## Flights to London", "Flights to London"),
    ("- one\n- two\n* three\n+ four", "one\ntwo\nthree\nfour"),
    ("1. Iberia\n2) easyJet", "Iberia\neasyJet"),
    ("Plain text stays plain.", "Plain text stays plain."),
])
def test_strip_markdown(markdown, plain):
    assert strip_markdown(markdown) == plain


def test_strip_markdown_reads_a_table_as_comma_separated_cells():
    out = strip_markdown("| airline | price |\n|---|---:|\n| Iberia | 245 |")
    assert "|" not in out and "-" not in out and ":" not in out
    assert [cell for cell in re.split(r"[,\s]+", out) if cell] == ["airline", "price", "Iberia", "245"]


def test_strip_markdown_keeps_paragraphs_apart():
    assert strip_markdown("Two flights\n\nIberia is first").split() == ["Two", "flights", "Iberia", "is", "first"]
    assert speech_from_chat("Good news!\n\nI found two.", "en") == "Good news! I found two."


def test_strip_markdown_keeps_decimals_times_and_words():
    text = "At 14:30 it costs 3.5 times more"
    assert strip_markdown(text) == text


# -- drop_urls -----------------------------------------------------------------------------------------

def test_drop_urls_removes_links_and_keeps_the_words():
    out = drop_urls("See https://example.com/x?y=1 and www.flights.example or http://a.b/c now")
    assert "http" not in out and "www" not in out and "example" not in out
    assert out.split() == ["See", "and", "or", "now"]


def test_drop_urls_leaves_text_without_urls_alone():
    text = "Madrid to London at 14:30, 3.5 hours."
    assert drop_urls(text) == text


# -- speak_times ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, text, expected", [
    ("en", "Leaves at 14:30", "Leaves at two thirty PM"),
    ("en", "at 9:05", "at nine oh five AM"),
    ("es", "salida: 14:30", "salida: las catorce y treinta"),
    ("de", "um 14:30", "um vierzehn Uhr dreißig"),
    ("fr", "départ 7h45", "départ sept heures quarante-cinq"),
])
def test_speak_times_in_words(language, text, expected):
    assert speak_times(text, language) == expected


@pytest.mark.parametrize("language", PIPELINE_LANGUAGES)
def test_speak_times_uses_the_languages_spoken_time(language):
    out = speak_times("A 08:10 B 23:59 C", language)
    assert out == f"A {spoken_time(dt.time(8, 10), language)} B {spoken_time(dt.time(23, 59), language)} C"
    assert ":" not in out


@pytest.mark.parametrize("text", ["3.5 hours", "24:00", "14:75", "1:2", "ratio 10:1", "v2.30"])
def test_speak_times_leaves_non_times_alone(text):
    assert speak_times(text, "en") == text


@pytest.mark.parametrize("language, hour, minute", [("en", 15, 55), ("en", 8, 10), ("hi", 15, 55), ("ar", 15, 55)])
def test_speak_times_reads_the_apps_own_12_hour_times(language, hour, minute):
    value = dt.time(hour, minute)
    assert squeeze(speak_times(written_time(value, language), language)) == spoken_time(value, language)


# -- speak_prices --------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, text, expected", [
    ("en", "only €245", "only two hundred and forty-five euro"),
    ("es", "por 245 EUR", "por doscientos cuarenta y cinco euros"),
    ("es", "US$ 1,200", "mil doscientos dólares"),
    ("es", "1.234,56 €", "mil doscientos treinta y cinco euros"),   # rounded to whole units
    ("de", "€245", "zweihundertfünfundvierzig Euro"),
])
def test_speak_prices_in_words(language, text, expected):
    assert speak_prices(text, language) == expected


@pytest.mark.parametrize("text, amount, currency", [
    ("€245", 245, "EUR"), ("245 EUR", 245, "EUR"), ("EUR 245", 245, "EUR"), ("245€", 245, "EUR"),
    ("$99", 99, "USD"), ("US$ 1,200", 1200, "USD"), ("£99.99", 99.99, "GBP"), ("1.234,56 €", 1234.56, "EUR"),
    ("1\u00a0245\u00a0€", 1245, "EUR"), ("¥12,500", 12500, "JPY"), ("₹999", 999, "INR"), ("C$ 310", 310, "CAD"),
])
@pytest.mark.parametrize("language", ["en", "es", "ja", "hi"])
def test_speak_prices_reads_symbol_code_and_separators(text, amount, currency, language):
    assert speak_prices(text, language) == spoken_price(amount, currency, language)


def test_speak_prices_leaves_plain_numbers_alone():
    text = "3 stops, 3.5 hours, flight 3166"
    assert speak_prices(text, "en") == text


@pytest.mark.parametrize("text, amount", [("€1500", 1500), ("$2000", 2000), ("EUR 1500", 1500), ("₹5000", 5000)])
def test_speak_prices_unseparated_thousands_after_the_currency(text, amount):
    currency = {"€": "EUR", "$": "USD", "E": "EUR", "₹": "INR"}[text[0]]
    assert speak_prices(text, "en") == spoken_price(amount, currency, "en")


WRITTEN_PRICE_CASES = [(language, amount, currency) for language in PIPELINE_LANGUAGES
                       for amount, currency in ((245, "EUR"), (1245, "EUR"), (99, "USD"), (245, "GBP"), (12500, "JPY"))]


@pytest.mark.parametrize("language, amount, currency", WRITTEN_PRICE_CASES)
def test_speak_prices_reads_the_apps_own_written_prices(language, amount, currency):
    spoken = speak_prices(written_price(amount, currency, language), language)
    assert squeeze(spoken) == spoken_price(amount, currency, language)


def test_korean_prices_are_spoken():
    assert "원" in speech_from_chat("가격은 ₩50,000 입니다.", "ko")
    assert "달러" in speak_prices("$2", "ko")


# -- speak_numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, text, expected", [
    ("en", "2 stops", "two stops"),
    ("en", "I found 3 flights and 12 offers", "I found three flights and twelve offers"),
    ("es", "2 escalas", "dos escalas"),
    ("de", "21 Flüge", "einundzwanzig Flüge"),
    ("fr", "3 vols", "trois vols"),
])
def test_speak_numbers_in_words(language, text, expected):
    assert speak_numbers(text, language) == expected


@pytest.mark.parametrize("language", [code for code in PIPELINE_LANGUAGES if spoken_numbers_supported(code)])
def test_speak_numbers_uses_the_number_speller(language):
    assert speak_numbers("7 x 245", language) == f"{spoken_number(7, language)} x {spoken_number(245, language)}"


@pytest.mark.parametrize("text", ["3.5 hours", "flight IB3166", "A320neo", "v2.0.1"])
def test_speak_numbers_keeps_decimals_and_codes(text):
    assert speak_numbers(text, "en") == text


def test_languages_without_a_number_speller_keep_digits():
    unsupported = [lang.code for lang in all_languages() if not spoken_numbers_supported(lang.code)]
    assert "ta" in unsupported and "en" not in unsupported and "hi" not in unsupported
    text = "2 stops, 245 EUR, 14 flights"
    for code in unsupported:
        assert speak_numbers(text, code) == text, code
        assert "245" in speak_prices("€245", code), code


def digit_runs(text: str) -> list[str]:
    return re.findall(r"\d+", text)


@pytest.mark.parametrize("language, text", [("en", "10.5 hours"), ("en", "12,500 km"), ("en", "25.50"),
                                            ("ja", "11月22日"), ("es", "10,5 horas")])
def test_speak_numbers_never_spells_part_of_a_number(language, text):
    out = speak_numbers(text, language)
    assert all(run in digit_runs(text) for run in digit_runs(out)), out


def test_speak_times_spanish_article_is_not_doubled():
    assert speak_times("sale a las 14:30", "es") == "sale a las catorce y treinta"


# -- speech_from_chat ----------------------------------------------------------------------------------

def test_speech_steps_are_the_documented_order():
    assert SPEECH_STEPS == (strip_markdown, drop_urls, speak_times, speak_dates, speak_prices, speak_numbers,
                            join_unspaced)


MARKDOWN_REPLIES = {
    "en": ("## Good news!\nI found **3 flights** from Madrid to London ([details](https://example.com/x)):\n\n"
           "1. **Iberia** at 14:30 for **€245**\n2. _easyJet_ at 9:05 for 199 EUR\n\n"
           "| airline | price |\n|---|---|\n| Vueling | £120 |\n\n`www.example.com` → ~~old~~ #deals <b>ok</b> {x} @me"),
    "es": ("**¡Buenas noticias!** Hay *2 vuelos* a [Londres](http://x.es/y):\n- **Iberia** a las 14:30 por "
           "**245 EUR**\n- Vueling a las 9:05 por US$ 1,200 → ~~caro~~"),
    "fr": ("### Vols pour Paris\n* **Air France** à 7h45 pour **€310**\n* 2 escales — voir https://exemple.fr ~ [ok]"),
    "de": ("**Flüge nach Berlin:**\n1. Lufthansa um 08:10 für 1.234,56 € (3 Stopps)\n"
           "2. Eurowings um 16:05 für €99 | direkt"),
    "ja": ("**東京**行きの便は 14:30 発で、料金は €245 です。詳細は [こちら](https://example.jp) を。\n- 直行便 2 本"),
    "hi": ("**दिल्ली** की फ़्लाइट 14:30 बजे है, किराया €245 है। [लिंक](https://x.in)\n- 2 स्टॉप"),
    "ar": ("**رحلتك** إلى لندن في 14:30 بسعر €245. [التفاصيل](https://example.com)\n- 2 محطات"),
}


@pytest.mark.parametrize("language", PIPELINE_LANGUAGES)
def test_speech_from_chat_has_no_forbidden_characters(language):
    out = speech_from_chat(MARKDOWN_REPLIES[language], language)
    assert out and not SPEECH_FORBIDDEN.search(out), SPEECH_FORBIDDEN.findall(out)
    assert "http" not in out and "www" not in out and "example" not in out
    assert out == " ".join(out.split())                  # no doubled spaces or line breaks


EURO_AMOUNT = {"en": 245, "es": 245, "fr": 310, "de": 99, "ja": 245, "hi": 245, "ar": 245}


@pytest.mark.parametrize("language", PIPELINE_LANGUAGES)
def test_speech_from_chat_digits_follow_the_number_speller(language):
    out = speech_from_chat(MARKDOWN_REPLIES[language], language)
    if spoken_numbers_supported(language):
        assert not DIGIT.search(out), out
        assert spoken_price(EURO_AMOUNT[language], "EUR", language) in out
    else:
        assert "245" in out and "2 स्टॉप" in out
        assert spoken_price(245, "EUR", language) in out


def test_speech_from_chat_english_reads_naturally():
    out = speech_from_chat(MARKDOWN_REPLIES["en"], "en")
    assert out.startswith("Good news! I found three flights from Madrid to London (details): ")
    assert "Iberia at two thirty PM for two hundred and forty-five euro" in out
    assert "easyJet at nine oh five AM for one hundred and ninety-nine euro" in out
    assert "Vueling, one hundred and twenty pounds" in out
    assert "old deals" in out and "www" not in out


def test_speech_from_chat_spanish_reads_naturally():
    out = speech_from_chat(MARKDOWN_REPLIES["es"], "es")
    assert "Hay 2 vuelos" not in out and "Hay dos vuelos a Londres" in out
    assert out.startswith("¡Buenas noticias! Hay dos vuelos a Londres: Iberia a las")
    assert "catorce y treinta por doscientos cuarenta y cinco euros Vueling" in out
    assert "nueve y cinco por mil doscientos dólares caro" in out


@pytest.fixture(scope="module")
def madrid_london():
    query = FlightQuery("MAD", "LON", TODAY + dt.timedelta(days=1))
    return query, asyncio.run(search_flights(query))


@pytest.mark.parametrize("language", PIPELINE_LANGUAGES)
def test_speech_from_the_apps_own_chat_markdown(madrid_london, language):
    query, outcome = madrid_london
    assert outcome.flights
    markdown = chat_markdown(outcome, query, language, limit=3)
    assert "**" in markdown and "→" in markdown          # the input really is markdown with symbols
    out = speech_from_chat(markdown, language)
    assert not SPEECH_FORBIDDEN.search(out), SPEECH_FORBIDDEN.findall(out)
    assert "**" not in out and "→" not in out
    for flight in outcome.flights[:3]:
        assert flight.airline_name in out


@pytest.mark.parametrize("text, language, expected", [
    ("am Fr., 3. Dez. um neun", "de", "am Fr., dritten Dezember um neun"),
    ("on Dec 3, at noon", "en", "on December third, at noon"),
    ("el 5 de diciembre", "es", "el cinco de diciembre"),
    ("на 2 декабря", "ru", "на второе декабря"),
    ("12月2日(水)の便", "ja", "十二月二日(水)の便"),
    ("I may 3 times", "en", "I may 3 times"),               # "may" is not the month May
])
def test_speak_dates_says_day_and_month_as_the_language_does(text, language, expected):
    assert speak_dates(text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    ("오후 3:05 출발", "ko", "오후 세 시 오 분 출발"),        # the period said once, not "오후 오후"
    ("午後3:05発", "ja", "十五時五分発"),
    ("下午3:05起飞", "zh", "十五点零五分起飞"),
])
def test_speak_times_reads_a_period_written_before_the_time(text, language, expected):
    assert speak_times(text, language) == expected


def test_join_unspaced_closes_spaces_between_cjk_characters_only():
    assert join_unspaced("六 時間二十 分 Air France 便", "ja") == "六時間二十分 Air France 便"
    assert join_unspaced("two hours", "en") == "two hours"
