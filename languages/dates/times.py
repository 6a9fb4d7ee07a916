"""Times of day and hours in a sentence, which name no travel date ("après 17 heures", "午後5時以降",
"akşam 5'ten sonra"): found here so that they are blanked before any date reader sees them."""
from __future__ import annotations

import re
from functools import lru_cache

from ..registry import LanguageSpec
from ..routing import get_language
from ..scripts import UNSPACED_SCRIPTS
from .names import fold_date

_CLOCK = r"\d{1,2}(?:\s*[:.h]\s*\d{2})?"


def _words(words, spec: LanguageSpec, exclude: set[str]) -> str:
    """`words` as whole words (so that "ч" is no mark at the start of "числа"), but where particles
    are glued on (Korean "5시에") or words are not spaced."""
    folded = sorted({fold_date(w, spec.script) for w in words if w.strip()} - exclude, key=len, reverse=True)
    if not folded:
        return "(?!)"
    end = "" if spec.script in UNSPACED_SCRIPTS or spec.script == "Hangul" else r"(?!\w)"
    return "(?:" + "|".join(map(re.escape, folded)) + ")" + end


@lru_cache(maxsize=64)
def time_pattern(code: str) -> re.Pattern:
    """A clock time with its marks: "17:30", "5 pm", "17 heures", "kl. 17", "午後5時", "akşam 5".

    A number needs a mark to be a time ("17:30", an hour word or a part of the day beside it): "le
    17" stays a day. Marks that are also date words (Russian "дня" is "pm" and "days") are left out.
    """
    spec = (get_language(code) or get_language("en")).spec
    words, dates = spec.trip_details, spec.date_words
    date_words = {fold_date(w, spec.script) for w in (*dates.day_units, *dates.week_units, *dates.day_after,
                                                     *dates.ordinal_suffixes, *dates.day_before)}
    marks = _words([*words.am, *words.pm, *words.hour_words], spec, date_words)
    parts = {fold_date(w, spec.script) for w in (*words.morning, *words.afternoon, *words.evening, *words.night)}
    hours = _words([*words.am, *words.pm, *words.hour_words], spec, date_words | parts)
    edge = "" if spec.script in UNSPACED_SCRIPTS else r"(?<!\w)"
    # "1.12 בבוקר", "am 1.12 morgens": where dates have dots and times none, a dot makes a time only
    # before a mark that is no part of the day ("17.30 Uhr", "7.12 утра") or after one ("kl. 17.30").
    dot = "[:.h]" if _dot_is_time(spec.locale) else "[:h]"
    return re.compile(rf"\d{{1,2}}\s*:\s*\d{{2}}(?:\s*{marks})*"
                      rf"|{edge}{marks}\s*{_CLOCK}(?!\d)(?:\s*{marks})*"
                      rf"|(?<![\d:./])\d{{1,2}}(?:\s*{dot}\s*\d{{2}})?\s*{marks}(?:\s*{marks})*"
                      rf"|(?<![\d:./])\d{{1,2}}\s*\.\s*\d{{2}}\s*{hours}(?:\s*{marks})*")


def _dot_is_time(locale: str) -> bool:
    """Whether "7.12" may be a clock time in `locale`: CLDR's short time has a dot (fi "H.mm"), or
    its short date has none (en "M/d/yy")."""
    from babel import Locale  # deferred: babel loads its locale data lazily anyway
    from babel.dates import get_date_format, get_time_format

    parsed = Locale.parse(locale)
    return "." in get_time_format("short", locale=parsed).pattern or "." not in get_date_format("short", locale=parsed).pattern


def blank_times(folded: str, code: str) -> tuple[str, list[tuple[int, int]]]:
    """`folded` (by `fold_date`, language `code`) with its clock times blanked out, and where they were."""
    spans = [m.span() for m in time_pattern(code).finditer(folded)]
    for start, end in spans:
        folded = folded[:start] + " " * (end - start) + folded[end:]
    return folded, spans
