"""Localised assistant phrases."""
from __future__ import annotations

import re
from string import Formatter

from .routing import get_language

# Full stops that end a sentence (Latin, CJK, Devanagari danda, Arabic).
_STOPS = (".", "。", "।", "۔")


def fill(template: str, **values: object) -> str:
    """`template` filled in, without doubling a full stop: a value ending in an abbreviation's dot
    ("2 déc.") right before the template's full stop ends the sentence itself ("2 déc.", not "déc..")."""
    out = []
    pending_dot = False
    for literal, name, spec, conversion in Formatter().parse(template):
        if pending_dot and literal.startswith(_STOPS):
            literal = literal[1:]
        out.append(literal)
        pending_dot = False
        if name is not None:
            value = format(Formatter().convert_field(values[name], conversion), spec or "")
            out.append(value)
            pending_dot = value.endswith(".")
    return re.sub(r"[ \t]{2,}", " ", "".join(out))


def phrase(code: str, key: str, **values: object) -> str:
    """The phrase `key` in language `code` (English when the language is unknown), filled in."""
    language = get_language(code) or get_language("en")
    if language is None:
        raise LookupError("no English entry in languages.yaml")
    template = language.phrases[key]
    return fill(template, **values) if values else template
