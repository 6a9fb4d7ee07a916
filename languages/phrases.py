"""Localised assistant phrases."""
from __future__ import annotations

from .routing import get_language


def phrase(code: str, key: str, **values: object) -> str:
    """The phrase `key` in language `code` (English when the language is unknown), filled in."""
    language = get_language(code) or get_language("en")
    if language is None:
        raise LookupError("no English entry in languages.yaml")
    template = language.phrases[key]
    return template.format(**values) if values else template
