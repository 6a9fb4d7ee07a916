"""Which writing system a piece of text is in, from Unicode character names."""
from __future__ import annotations

import unicodedata
from collections import Counter

# First word of a Unicode character name -> the script names used in languages.yaml.
_NAME_PREFIX = {
    "LATIN": "Latin", "CYRILLIC": "Cyrillic", "GREEK": "Greek", "ARABIC": "Arabic",
    "HEBREW": "Hebrew", "DEVANAGARI": "Devanagari", "BENGALI": "Bengali", "TAMIL": "Tamil",
    "TELUGU": "Telugu", "THAI": "Thai", "HANGUL": "Hangul", "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese", "CJK": "Han", "GEORGIAN": "Georgian", "GUJARATI": "Gujarati",
    "KANNADA": "Kannada", "MALAYALAM": "Malayalam", "GURMUKHI": "Gurmukhi",
}
# Scripts written without spaces between words: names are matched as substrings.
UNSPACED_SCRIPTS = frozenset({"Han", "Japanese", "Thai"})


def char_script(char: str) -> str | None:
    """The script of one letter, or None for digits, punctuation, symbols and spaces."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return _NAME_PREFIX.get(name.split(" ", 1)[0]) if name else None


def script_counts(text: str) -> Counter:
    """How many letters of `text` are in each script."""
    return Counter(script for script in map(char_script, text) if script)


def dominant_script(text: str) -> str | None:
    """The script most letters of `text` are written in (Japanese counts its kanji as Japanese)."""
    counts = script_counts(text)
    if not counts:
        return None
    if counts.get("Japanese"):
        counts["Japanese"] += counts.pop("Han", 0)
    return counts.most_common(1)[0][0]


def is_in_script(text: str, script: str, tolerance: float = 0.0) -> bool:
    """True when the letters of `text` are in `script` (Japanese also allows kanji).

    `tolerance` is the share of letters allowed in another script (brand names, codes).
    """
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        return True
    own = counts.get(script, 0)
    if script == "Japanese":
        own += counts.get("Han", 0)
    return (total - own) / total <= tolerance
