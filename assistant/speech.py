"""Streaming text into sentences, and a model's chat text into words for the voice.

`speech_from_chat` is an ordered pipeline of small pure functions (each tested on its own): strip
markdown, drop links, speak times, speak dates, speak prices, speak numbers, close the spaces of
scripts written without them, drop what must never be read.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale

from flight_search.formatting import speech_safe
from languages import get_language
from languages.scripts import char_script
from languages.spoken import spoken_date, spoken_number, spoken_numbers_supported, spoken_price, spoken_time

# A sentence ends at . ! ? … followed by a space, or at a terminator of a script written without
# spaces (CJK, Devanagari, Arabic), or at a line break.
_BOUNDARY = re.compile(r"(?:[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？।॥؟۔!?]*[。！？।॥؟۔][。！？।॥؟۔!?]*[\"'”’»)\]」』]*|\n+)")
_MIN_SENTENCE_CHARS = 2


def split_sentences(text: str, *, final: bool = True) -> tuple[list[str], str]:
    """Complete sentences of `text` and the unfinished rest ("Hi. How ar" -> ["Hi."], "How ar").

    With `final=False` (text still streaming in) a boundary touching the end of `text` is not
    trusted yet: more terminators or a closing quote may follow in the next piece.
    """
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if not final and match.end() == len(text):
            break
        piece = text[start:match.end()].strip()
        if len(piece) >= _MIN_SENTENCE_CHARS:
            sentences.append(piece)
            start = match.end()
    return sentences, text[start:]


class SentenceBuffer:
    """Collects streamed text and hands out each sentence as soon as it is complete."""

    def __init__(self) -> None:
        self._pending = ""

    def push(self, delta: str) -> list[str]:
        sentences, self._pending = split_sentences(self._pending + delta, final=False)
        return sentences

    def flush(self) -> list[str]:
        rest, self._pending = self._pending.strip(), ""
        return [rest] if rest else []


_CODE = re.compile(r"`{1,3}([^`]*)`{1,3}")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_TIME = re.compile(r"(?:(?P<before>오전|오후|午前|午後|上午|下午)\s?)?"
                   r"(?<![0-9A-Za-z:])([01]?\d|2[0-3])[:h]([0-5]\d)(?![0-9])"
                   r"(?:\s?(?P<ampm>[AaPp]\.?\s?[Mm]\.?(?![A-Za-z])|ص|م(?!\w)))?")
_PM = ("p", "م", "오후", "午後", "下午")
_SYMBOLS = {"$US": "USD", "£GB": "GBP", "JP¥": "JPY", "CN¥": "CNY", "UK£": "GBP", "￥": "JPY", "MX$": "MXN",
            "NZ$": "NZD", "US$": "USD", "C$": "CAD", "A$": "AUD", "R$": "BRL", "HK$": "HKD", "S$": "SGD", "€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY", "₽": "RUB",
            "₪": "ILS", "฿": "THB", "₫": "VND", "₱": "PHP", "zł": "PLN"}
_CURRENCY = r"(?P<cur>[A-Z]{3}|" + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True)) + r")"
_AMOUNT = r"(?P<amount>\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2})?(?!\d))"
_PRICE = re.compile(rf"{_CURRENCY}\s?{_AMOUNT}|{_AMOUNT.replace('amount', 'amount2')}\s?{_CURRENCY.replace('cur', 'cur2')}")
_INTEGER = re.compile(r"(?<![\d.,A-Za-z])\d{1,9}(?!\d)(?![.,]\d)(?![A-Za-z])")


def strip_markdown(text: str) -> str:
    """Markdown marks removed, the words kept (links keep their text)."""
    text = _HTML_TAG.sub(" ", text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _TABLE_RULE.sub(" ", text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub("", text)
    for _ in range(2):  # nested emphasis (**_x_**)
        text = _EMPHASIS.sub(r"\2", text)
    text = re.sub(r"\s*\|\s*", ", ", text)
    return re.sub(r"(?:,[ \t]*){2,}", ", ", re.sub(r"^[ \t,]+|[ \t,]+$", "", text, flags=re.M))


def drop_urls(text: str) -> str:
    return _URL.sub(" ", text)


def speak_times(text: str, language: str) -> str:
    """14:30 / 2:30 PM -> the language's spoken time (an AM/PM marker is read into the hour, and an
    article already in the text is not said twice: "a las 14:30" -> "a las catorce y treinta")."""
    out, last = [], 0
    for match in _TIME.finditer(text):
        hour, marker = int(match[2]), (match["ampm"] or match["before"] or "").lower()
        if marker and hour <= 12:
            hour = hour % 12 + (12 if marker.startswith(_PM) else 0)
        spoken = spoken_time(dt.time(hour, int(match[3])), language)
        before = text[last:match.start()]
        first_word = spoken.split(" ", 1)[0]
        if len(spoken.split(" ", 1)) == 2 and re.search(rf"(?:^|\s){re.escape(first_word)}\s+$", before):
            spoken = spoken.split(" ", 1)[1]
        out += [before, spoken]
        last = match.end()
    return "".join(out) + text[last:]


@lru_cache(maxsize=64)
def _month_pattern(language: str) -> tuple[re.Pattern, dict[str, int]] | None:
    found = get_language(language)
    if found is None:
        return None
    months = Locale.parse(found.locale).months
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in months[context][width].items():
                if not re.search(r"\d", name):
                    names.setdefault(name.rstrip("."), number)
    if not names:   # months written as numbers ("12月"): _CJK_DATE covers them
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    day = r"(?P<day>[12]?\d|3[01])"
    pattern = (rf"(?<![\d.,])(?:{day}\.?\s?(?:de\s)?(?P<month>{alternatives})\.?(?!\w)"
               rf"|(?P<month2>{alternatives})\.?\s{day.replace('day', 'day2')}(?![\d:.,]\d))")
    return re.compile(pattern), names   # names keep CLDR's case: "May" is a month, "may" is not


_CJK_DATE = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s?月\s?([12]?\d|3[01])\s?日")


def speak_dates(text: str, language: str) -> str:
    """A day and month ("3. Dez.", "Dec 3", "12月2日") -> the language's spoken date ("dritter Dezember")."""
    def spoken(month: int, day: int) -> str:
        try:
            return spoken_date(dt.date(2000, month, day), language)
        except ValueError:
            return f"{day} {month}"

    text = _CJK_DATE.sub(lambda m: spoken(int(m[1]), int(m[2])), text)
    found = _month_pattern(language)
    if found is None:
        return text
    pattern, names = found

    def replace(match: re.Match) -> str:
        month = names[(match["month"] or match["month2"]).rstrip(".")]
        return spoken(month, int(match["day"] or match["day2"]))
    return pattern.sub(replace, text)


def join_unspaced(text: str, language: str) -> str:
    """No space between two characters of a script written without spaces ("六 時間" -> "六時間")."""
    found = get_language(language)
    if found is None or found.script not in ("Han", "Japanese"):
        return text

    def unspaced(char: str) -> bool:
        return char_script(char) in ("Han", "Japanese")
    def closed(match: re.Match) -> str:
        return "" if unspaced(text[match.start() - 1]) and unspaced(text[match.end()]) else match.group()
    return re.sub(r"(?<=\S) +(?=\S)", closed, text)


def _amount(raw: str) -> float:
    digits = re.sub(r"[ \u00a0\u202f]", "", raw)
    if re.search(r"[.,]\d{1,2}$", digits):
        whole, cents = re.split(r"[.,](?=\d{1,2}$)", digits)
        return float(re.sub(r"[.,]", "", whole) + "." + cents)
    return float(re.sub(r"[.,]", "", digits))


def speak_prices(text: str, language: str) -> str:
    """€245 / 245 EUR / US$ 1,200 -> the amount and currency in words."""
    def spoken(match: re.Match) -> str:
        symbol = match["cur"] or match["cur2"]
        currency = _SYMBOLS.get(symbol, symbol)
        return spoken_price(_amount(match["amount"] or match["amount2"]), currency, language)
    return _PRICE.sub(spoken, text)


def speak_numbers(text: str, language: str) -> str:
    """Whole numbers in words where the language has a number speller; digits otherwise."""
    if not spoken_numbers_supported(language):
        return text
    return _INTEGER.sub(lambda m: spoken_number(int(m[0]), language), text)


SPEECH_STEPS = (strip_markdown, drop_urls, speak_times, speak_dates, speak_prices, speak_numbers, join_unspaced)


def speech_from_chat(text: str, language: str) -> str:
    """A model's chat text as words for the voice, through `SPEECH_STEPS` then `speech_safe`."""
    for step in SPEECH_STEPS:
        text = step(text, language) if step.__code__.co_argcount == 2 else step(text)
    return speech_safe(text)
