"""Folding names and sentences to one comparable form, whatever the script, and cutting words.

The gazetteer index and the sentence being read go through the same `fold_name`, so a lookup is a
plain dictionary hit. Accents are dropped only where typed text often lacks them (Latin, Greek,
Cyrillic, and the optional vowel marks of Arabic and Hebrew); Indic and Thai vowel signs are
combining marks too but spell the word, so they stay.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

# Letters that carry no combining mark in Unicode yet are typed without it ("Tromso", "Lodz").
_PLAIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                                "ı": "i", "ħ": "h", "’": "'", "ʼ": "'", "`": "'", "‘": "'",
                                "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": ""})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
# Abbreviations written both ways in place names ("St. Louis", "Saint Louis"; "Ft. Worth").
_ABBREVIATIONS = ((regex.compile(r"(?<![\p{L}'])st(?= )"), "saint"), (regex.compile(r"(?<![\p{L}'])ste(?= )"), "sainte"),
                  (regex.compile(r"(?<![\p{L}'])ft(?= )"), "fort"), (regex.compile(r"(?<![\p{L}'])mt(?= )"), "mount"))
_SEPARATORS = regex.compile(r"[\s\-‐‑–—_./,·]+")
# A word: letters with their marks, optionally joined by apostrophes ("l'aeroport", "ankara'dan").
WORD = regex.compile(r"[\p{L}\p{M}]+(?:'[\p{L}\p{M}]+)*")
# Indic spellings of one sound: a nasal consonant with a virama before another consonant and the
# anusvara (इन्दौर / इंदौर), chandrabindu and anusvara, and the nukta that is often left off (ड़ / ड).
# The Brahmic blocks share their layout, so one offset table serves Devanagari to Malayalam (not Tamil).
_INDIC_BLOCKS = (0x0900, 0x0980, 0x0A00, 0x0A80, 0x0B00, 0x0C00, 0x0C80, 0x0D00)
_CONSONANTS, _VIRAMA = (0x15, 0x39), 0x4D     # offsets within a Brahmic block
_INDIC_NASAL = regex.compile("|".join(
    f"[{chr(b + 0x19)}{chr(b + 0x1E)}{chr(b + 0x23)}{chr(b + 0x28)}{chr(b + 0x2E)}]{chr(b + _VIRAMA)}"
    f"(?=[{chr(b + _CONSONANTS[0])}-{chr(b + _CONSONANTS[1])}])" for b in _INDIC_BLOCKS))
_INDIC_SIGNS = str.maketrans({**{chr(b + 0x01): chr(b + 0x02) for b in _INDIC_BLOCKS},
                              **{chr(b + 0x3C): None for b in _INDIC_BLOCKS}})


def virama_after(letter: str) -> str | None:
    """The virama of `letter`'s Brahmic block when `letter` is a consonant there (Devanagari to
    Malayalam, Tamil too), else None: what a consonant loses before a vowel sign joins it."""
    code = ord(letter) if len(letter) == 1 else 0
    if 0x0900 <= code <= 0x0D7F and _CONSONANTS[0] <= (code & 0x7F) <= _CONSONANTS[1]:
        return chr((code & ~0x7F) + _VIRAMA)
    return None


def _fold_indic(text: str) -> str:
    if not any(0x0900 <= ord(ch) <= 0x0D7F for ch in text):
        return text
    text = text.translate(_INDIC_SIGNS)
    return _INDIC_NASAL.sub(lambda m: chr((ord(m.group()[0]) & ~0x7F) + 0x02), text)


_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}ー]")
_CASED = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Armenian}]")


def _drops_marks(base: str) -> bool:
    code = ord(base)
    return code < 0x0590 or 0x0590 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x1E00 <= code <= 0x1FFF


_STRIP_MARKS_SCRIPTS = frozenset({"Latin", "Cyrillic", "Greek"})


def fold(text: str, script: str) -> str:
    """Casefold; for Latin, Cyrillic and Greek also drop accents (typed input often lacks them)."""
    text = unicodedata.normalize("NFC", text.translate(_APOSTROPHES)).casefold()
    if script in _STRIP_MARKS_SCRIPTS:
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return text


@lru_cache(maxsize=65536)
def fold_name(text: str) -> str:
    """Case-free, accent-free (where typing drops accents) form with single spaces between words."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PLAIN_LETTERS).replace("\u200c", "").replace("\u200d", "")
    out: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            if base and _drops_marks(base):
                continue
        else:
            base = char
        out.append(char)
    folded = _fold_indic(unicodedata.normalize("NFC", "".join(out)).translate(_PLAIN_LETTERS))
    folded = _SEPARATORS.sub(" ", folded).strip(" '")
    if " " in folded:
        for pattern, full in _ABBREVIATIONS:
            folded = pattern.sub(full, folded)
    return folded


def is_unspaced(text: str) -> bool:
    """True when `text` is written in a script without spaces between words (Han, kana, Thai)."""
    return bool(_UNSPACED.search(text))


def is_cased(text: str) -> bool:
    """True when `text` is in a script with capital letters."""
    return bool(_CASED.search(text))
