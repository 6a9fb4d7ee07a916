"""Trip details said back in the traveller's language: "nonstop, morning departures and cheapest
first", for the chat pane (written times and dates) and the voice (spoken ones)."""
from __future__ import annotations

from babel.lists import format_list

from languages import TripDetails, phrase
from languages.spoken import spoken_date, spoken_time
from languages.written import locale_of, written_date, written_time

_TIME_BOUNDS = ("depart_after", "depart_before", "arrive_by")


def detail_labels(details: TripDetails | None, language: str, *, spoken: bool = False,
                  filters_only: bool = False) -> list[str]:
    """One label per detail that shaped the results; with `filters_only`, not the order."""
    if details is None:
        return []
    time_text = spoken_time if spoken else written_time
    labels = []
    if details.nonstop:
        labels.append(phrase(language, "filter_nonstop"))
    if details.part_of_day:
        labels.append(phrase(language, f"filter_{details.part_of_day.value}"))
    for name in _TIME_BOUNDS:
        value = getattr(details, name)
        if value is not None:
            labels.append(phrase(language, f"filter_{name}", time=time_text(value, language)))
    if details.one_way and not filters_only:
        labels.append(phrase(language, "filter_one_way"))
    if details.sort and not filters_only:
        labels.append(phrase(language, f"sort_{details.sort.value}"))
    return labels


def joined(labels: list[str], language: str) -> str:
    """Labels as the locale lists them ("a, b and c", "a、b和c")."""
    return format_list(labels, style="standard", locale=locale_of(language)) if labels else ""


def applied_sentence(details: TripDetails | None, language: str, *, spoken: bool = False) -> str | None:
    """"Applied: nonstop, morning departures and cheapest first.", or None when nothing applied."""
    labels = detail_labels(details, language, spoken=spoken)
    return phrase(language, "filters_applied", filters=joined(labels, language)) if labels else None


def return_sentence(details: TripDetails | None, language: str, *, spoken: bool = False) -> str | None:
    """"I'll search the outbound flight; return on Dec 12 noted.", or None without a return date."""
    if details is None or details.return_date is None:
        return None
    date_text = (spoken_date if spoken else written_date)(details.return_date, language)
    return phrase(language, "return_noted", date=date_text)
