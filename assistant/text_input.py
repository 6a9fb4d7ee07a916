"""Cleaning typed (or transcribed) text before the engine reads it."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class CleanText:
    text: str
    truncated: bool
    original_chars: int


def clean_text(raw: object, max_chars: int) -> CleanText:
    """Drop control and format characters (keeping newlines as spaces), squeeze spaces, cap length."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    original = len(text)
    text = text[: max_chars * 4]  # bound the work on huge input before the character pass
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
    truncated = len(squeezed) > max_chars
    return CleanText(squeezed[:max_chars].rstrip() if truncated else squeezed, truncated, original)
