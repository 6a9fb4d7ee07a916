"""Checks on what an offline recogniser heard, against Whisper's known failure modes on short, noisy or
synthetic audio: loops ("up up up up"), text made up on silence, and results that are only
punctuation or a filler word. Pure functions: the recogniser and the tests share them."""
from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterable

LOOP_REPEATS = 3      # the same word or phrase this many times in a row is a loop
MAX_LOOP_NGRAM = 4    # phrases up to this many words are checked


def compression_ratio(text: str) -> float:
    """zlib compression ratio of the text, as Whisper computes it (loops compress very well)."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def token_cap(seconds: float, tokens_per_second: float, min_tokens: int) -> int:
    """The most tokens a transcript of `seconds` of speech may have (a loop runs into it)."""
    return max(min_tokens, min(440, round(seconds * tokens_per_second) + min_tokens))


def _words(text: str) -> list[str]:
    return [w for w in (_strip_marks(part) for part in text.casefold().split()) if w]


def _strip_marks(text: str) -> str:
    """Letters, digits and spaces only (punctuation and symbols of every script removed)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PS").strip()


def has_loop(text: str) -> bool:
    """A word or a phrase of up to MAX_LOOP_NGRAM words repeated LOOP_REPEATS times in a row, or (for
    scripts written without spaces) the same run of characters repeated that often."""
    words = _words(text)
    for n in range(1, MAX_LOOP_NGRAM + 1):
        for start in range(0, len(words) - n * LOOP_REPEATS + 1):
            gram = words[start:start + n]
            if all(words[start + k * n:start + (k + 1) * n] == gram for k in range(1, LOOP_REPEATS)):
                return True
    letters = _strip_marks(text).replace(" ", "")
    if len(words) <= 2 and len(letters) >= 6:
        for n in range(1, 6):
            for start in range(0, len(letters) - n * LOOP_REPEATS + 1):
                gram = letters[start:start + n]
                if letters[start:start + n * LOOP_REPEATS] == gram * LOOP_REPEATS and n * LOOP_REPEATS >= 4:
                    return True
    return False


def is_only_filler(text: str, fillers: Iterable[str]) -> bool:
    """True when nothing but punctuation, symbols and the language's filler words is left."""
    words = _words(text)
    if not words:
        return True
    filler_words = {w for filler in fillers for w in _words(filler)}
    return all(word in filler_words for word in words)


def rejection(text: str, *, fillers: Iterable[str], compression_ratio_max: float,
              token_count: int = 0, token_limit: int = 0) -> str:
    """Why a transcript must not be answered ('' when it may): `empty`, `filler`, `loop` or `token_cap`."""
    if not _strip_marks(text):
        return "empty"
    if is_only_filler(text, fillers):
        return "filler"
    if has_loop(text) or compression_ratio(text) > compression_ratio_max:
        return "loop"
    if token_limit and token_count >= token_limit:
        return "token_cap"
    return ""
