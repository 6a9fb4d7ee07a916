"""Reading trip details in a sentence, any language, from `trip_details` in languages.yaml.

Time bounds are templates around a clock time ("before {time}", "{time}前", "{time}'den önce");
the longest template that matches wins ("arriving before 5" is an arrival, not a departure).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .dates import find_date, find_date_range
from .dates.lexicon import alternation
from .folding import fold
from .registry import LanguageSpec
from .routing import get_language
from .scripts import UNSPACED_SCRIPTS
from .trip_details import PartOfDay, SortOrder, TripDetails

_BOUNDS = ("depart_before", "depart_after", "arrive_by")
_CLAUSE_END = re.compile(r"[,;!?、，。！？]|(?<!\d)\.")  # "am 10. Dezember" goes on
_CLAUSE_START = re.compile(r"[,;.、，。]")
_WINDOW_CHARS = 16  # how far back a postposed return marker ("…に戻る") looks for its date


def _literal(words, spec: LanguageSpec) -> str:
    folded = sorted({fold(w, spec.script) for w in words if w.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in folded) + ")" if folded else "(?!)"


def _time_regex(spec: LanguageSpec) -> str:
    words = spec.trip_details
    am, pm, hours = _literal(words.am, spec), _literal(words.pm, spec), _literal(words.hour_words, spec)
    units = _literal([*spec.date_words.day_units, *spec.date_words.week_units], spec)
    return (rf"(?:(?P<pre_am>{am})|(?P<pre_pm>{pm}))?\s*(?:{hours}\s*)?"
            rf"(?P<h>\d{{1,2}})(?:\s*[:.h]\s*(?P<m>\d{{2}}))?(?![\d/]|\s*{units})"
            rf"(?:\s*{hours})?(?:\s*(?:(?P<post_am>{am})|(?P<post_pm>{pm}))(?!\w))?")


@dataclass(frozen=True)
class _Reader:
    bounds: tuple[tuple[re.Pattern, str], ...]
    parts_of_day: tuple[tuple[re.Pattern, PartOfDay], ...]
    flags: tuple[tuple[re.Pattern, str, object], ...]
    return_before: re.Pattern | None
    return_after: re.Pattern | None
    greetings: re.Pattern | None


def _template(template: str, spec: LanguageSpec, time: str) -> re.Pattern:
    before, _, after = fold(template, spec.script).partition("{time}")
    spaced = spec.script not in UNSPACED_SCRIPTS
    literal = [re.sub(r"\\ ", r"\\s+", re.escape(part)) for part in (before, after)]
    head = r"(?<!\w)" if spaced and before[:1].isalpha() else ""
    tail = r"(?!\w)" if spaced and after[-1:].isalpha() and not spec.matching.inflected else ""
    return re.compile(head + literal[0] + time + literal[1] + tail)


@lru_cache(maxsize=64)
def _reader(code: str) -> _Reader:
    spec = (get_language(code) or get_language("en")).spec
    words = spec.trip_details
    time = _time_regex(spec)
    bounds = tuple((_template(t, spec, time), kind) for kind in _BOUNDS for t in getattr(words, kind))
    parts = tuple((re.compile(alternation(getattr(words, p.value), spec)), p) for p in PartOfDay)
    flags = ((words.nonstop, "nonstop", True), (words.one_way, "one_way", True),
             (words.cheapest, "sort", SortOrder.CHEAPEST), (words.earliest, "sort", SortOrder.EARLIEST))
    compiled = tuple((re.compile(alternation(w, spec)), name, value) for w, name, value in flags)
    back = re.compile(alternation(words.return_before, spec)) if words.return_before else None
    after = re.compile(_literal(words.return_after, spec)) if words.return_after else None
    greetings = re.compile(alternation(words.not_details, spec)) if words.not_details else None
    return _Reader(bounds, parts, compiled, back, after, greetings)


def _clock(match: re.Match) -> dt.time | None:
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if hour > 23 or minute > 59:
        return None
    if (match["pre_pm"] or match["post_pm"]) and hour < 12:
        hour += 12
    elif (match["pre_am"] or match["post_am"]) and hour == 12:
        hour = 0
    return dt.time(hour, minute)


def _time_bounds(folded: str, reader: _Reader) -> tuple[dict, str]:
    """The time bounds found (longest match first), and the text with them blanked out."""
    found = [(m.start(), m.end(), kind, m) for pattern, kind in reader.bounds for m in pattern.finditer(folded)]
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    taken: list[tuple[int, int]] = []
    bounds: dict = {}
    for start, end, kind, match in found:
        if any(start < e and s < end for s, e in taken) or kind in bounds:
            continue
        clock = _clock(match)
        if clock is not None:
            bounds[kind] = clock
            taken.append((start, end))
            folded = folded[:start] + " " * (end - start) + folded[end:]
    return bounds, folded


def split_return(text: str, code: str) -> tuple[str, str | None]:
    """`text` without its return-trip clause, and that clause ("returning on the 12th"), if any."""
    language = get_language(code) or get_language("en")
    reader = _reader(language.code)
    folded = fold(text, language.spec.script)
    if len(folded) != len(text):  # folding changed the length: work on the folded text
        text = folded
    if reader.return_after:
        for match in reader.return_after.finditer(folded):
            head = folded[:match.start()]
            cut = max([m.end() for m in _CLAUSE_START.finditer(head)] + [0, match.start() - _WINDOW_CHARS])
            if find_date(text[cut:match.start()], language.code):
                return text[:cut] + text[match.end():], text[cut:match.start()]
    if reader.return_before:
        for match in reader.return_before.finditer(folded):
            end = _CLAUSE_END.search(folded, match.end())
            stop = end.start() if end else len(folded)
            if find_date(text[match.end():stop], language.code):  # "returning home" names no return
                return text[:match.start()] + text[stop:], text[match.end():stop]
    return text, None


def find_trip_details(text: str, code: str, today: dt.date | None = None) -> TripDetails:
    """The trip details named in `text` in language `code` (unknown codes read as English)."""
    language = get_language(code) or get_language("en")
    today = today or dt.date.today()
    reader = _reader(language.code)
    outbound, back = split_return(text, language.code)
    folded = fold(outbound, language.spec.script)
    bounds, rest = _time_bounds(folded, reader)
    if reader.greetings:  # "Good morning! ... tomorrow" asks for no morning flight
        rest = reader.greetings.sub(lambda m: " " * len(m.group()), rest)
    part = min(((m.start(), p) for pattern, p in reader.parts_of_day if (m := pattern.search(rest))),
               default=(0, None), key=lambda x: x[0])[1]
    values: dict = {"part_of_day": part, **bounds}
    whole = fold(text, language.spec.script)  # "…, returning Sunday, cheapest": flags anywhere
    hits = sorted((m.start(), name, value) for pattern, name, value in reader.flags
                  if (m := pattern.search(whole)))
    for _, name, value in hits:
        values.setdefault(name, value)
    if back is not None:
        # "back on the 12th" counts from the outbound date, not from today
        values["return_date"] = find_date(back, language.code, find_date(outbound, language.code, today) or today)
    elif span := find_date_range(outbound, language.code, today):  # "del 14 al 21 de diciembre"
        values["return_date"] = span[1]
    return TripDetails(**values)
