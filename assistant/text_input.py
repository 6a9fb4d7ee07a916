"""Cleaning typed (or transcribed) text before the engine reads it."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


MAX_RAW_CHARS = 1_000_000   # characters read at all; the rest is cut (and reported as cut)


@dataclass(frozen=True)
class CleanText:
    text: str
    truncated: bool
    original_chars: int


def clean_text(raw: object, max_chars: int) -> CleanText:
    """Drop control and format characters (keeping newlines as spaces), squeeze spaces, cap length."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    original = len(text)
    # Bound the work on huge input, but never below what padding (spaces, controls) could hide:
    # words after a long run of blanks must be kept or reported as cut.
    rest = text[max(max_chars * 4, MAX_RAW_CHARS):]
    text = text[: max(max_chars * 4, MAX_RAW_CHARS)]
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\r\t":
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            continue  # controls, surrogates, private use, unassigned, bidi overrides
        else:
            kept.append(ch)
    squeezed = " ".join("".join(kept).split())
    truncated = len(squeezed) > max_chars or bool(rest.strip())
    return CleanText(squeezed[:max_chars].rstrip() if truncated else squeezed, truncated, original)
