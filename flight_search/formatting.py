"""Results as the chat pane shows them (markdown) and as the voice says them (plain words).

Both are built from small, ordered, language-aware steps; the speech text never holds markdown,
symbols or raw airport codes.
"""
from __future__ import annotations

import re

from languages import TripDetails, city_name, phrase
from languages.spoken import spoken_date, spoken_flight_number, spoken_number, spoken_price, spoken_time
from languages.written import written_date, written_duration, written_price, written_time

from .airlines import airline, airline_label, airline_name
from .airports import airport
from .models import Flight, FlightQuery, SearchOutcome
from .trip_filters import has_filters
from .trip_text import applied_sentence, detail_labels, joined, return_sentence

# Characters that must never reach the voice: markdown, arrows, currency and other symbols.
SPEECH_FORBIDDEN = re.compile(r"[*_#`|<>\[\]{}~^=+→←€$£¥₹₩¤§@\\]")
_MARKDOWN_ESCAPE = re.compile(r"([\\`*_{}\[\]<>#|~])")


def place_name(code: str, language: str) -> str:
    """A city or airport code as a place name in the language ("LHR", "es" -> "Londres")."""
    name = city_name(code, language)
    if name:
        return name
    found = airport(code)
    return found.city if found and found.city else code


def _md(text: str) -> str:
    return _MARKDOWN_ESCAPE.sub(r"\\\1", text)


def stops_phrase(stops: int, language: str, *, spoken: bool = False) -> str:
    """"nonstop" / "one stop" / "2 stops" in the language ("two stops" when `spoken`)."""
    if stops == 0:
        return phrase(language, "nonstop")
    if stops == 1:
        return phrase(language, "one_stop")
    return phrase(language, "stops", count=spoken_number(stops, language, use="count") if spoken else stops)


def intro(query: FlightQuery, language: str, *, date_text: str) -> str:
    """The results heading, naming the airline when the search was for one."""
    places = {"origin": place_name(query.origin, language),
              "destination": place_name(query.destination, language), "date": date_text}
    spec = airline(query.airline) if query.airline else None
    if spec:
        return phrase(language, "results_intro_airline", airline=airline_name(spec.iata, language), **places)
    return phrase(language, "results_intro", **places)


def chat_flight_line(flight: Flight, language: str) -> str:
    """One markdown list item: airline, flight number, local times, duration, stops, price."""
    days = (flight.arrival.date() - flight.departure.date()).days
    plus = f" (+{days})" if days > 0 else ""
    return (f"**{_md(_chat_airline(flight, language))}** {flight.airline} {flight.flight_number} · "
            f"{written_time(flight.departure.time(), language)} {flight.origin} → "
            f"{written_time(flight.arrival.time(), language)}{plus} {flight.destination} · "
            f"{written_duration(flight.duration_minutes, language)} · "
            f"{stops_phrase(flight.stops, language)} · "
            f"**{written_price(flight.price, flight.currency, language)}**")


def _chat_airline(flight: Flight, language: str) -> str:
    # Unknown carriers (a live API may name any) keep the name the provider gave.
    return airline_label(flight.airline, language) if airline(flight.airline) else flight.airline_name


def _spoken_airline(flight: Flight, language: str) -> str:
    return airline_name(flight.airline, language) if airline(flight.airline) else flight.airline_name


def _nothing_found(outcome: SearchOutcome, query: FlightQuery, language: str, details: TripDetails | None,
                   *, date_text: str, spoken: bool) -> str:
    places = {"origin": place_name(query.origin, language),
              "destination": place_name(query.destination, language), "date": date_text}
    if outcome.unfiltered_count and has_filters(details):  # the search found flights; the filters left none
        filters = joined(detail_labels(details, language, spoken=spoken, filters_only=True), language)
        count = spoken_number(outcome.unfiltered_count, language, use="count") if spoken else outcome.unfiltered_count
        return phrase(language, "no_flights_filtered", count=count, filters=filters, **places)
    return phrase(language, "no_flights", **places)


def chat_markdown(outcome: SearchOutcome, query: FlightQuery, language: str, *, limit: int = 6,
                  details: TripDetails | None = None) -> str:
    """The chat pane's answer: a heading, the trip details applied, a numbered list of flights."""
    back = return_sentence(details, language)
    tail = ["", f"_{_md(back)}_"] if back else []
    date_text = written_date(query.date, language)
    if not outcome.flights:
        text = _nothing_found(outcome, query, language, details, date_text=date_text, spoken=False)
        return "\n".join([text, *tail])
    lines = [f"**{_md(intro(query, language, date_text=date_text))}**", ""]
    applied = applied_sentence(details, language)
    if applied:
        lines += [f"_{_md(applied)}_", ""]
    lines += [f"{i}. {chat_flight_line(f, language)}" for i, f in enumerate(outcome.flights[:limit], 1)]
    if outcome.used_fallback:
        lines += ["", f"_{_md(phrase(language, 'fallback_apology'))}_"]
    return "\n".join(lines + tail)


def speech_flight(flight: Flight, language: str) -> str:
    """One flight as a spoken sentence."""
    return phrase(language, "speech_flight",
                  airline=_spoken_airline(flight, language),
                  flight_number=spoken_flight_number("", flight.flight_number, language).strip(),
                  departure=spoken_time(flight.departure.time(), language),
                  arrival=spoken_time(flight.arrival.time(), language),
                  stops=stops_phrase(flight.stops, language, spoken=True),
                  price=spoken_price(flight.price, flight.currency, language))


def speech_safe(text: str) -> str:
    """Drop anything the voice must not read: markdown, symbols, doubled spaces."""
    return " ".join(SPEECH_FORBIDDEN.sub(" ", text).split())


def speech_text(outcome: SearchOutcome, query: FlightQuery, language: str, *, limit: int = 3,
                details: TripDetails | None = None) -> str:
    """The voice's answer: a spoken heading, the details applied, at most `limit` flights, a pointer
    to the rest, and a noted return date."""
    date_text = spoken_date(query.date, language)
    back = return_sentence(details, language, spoken=True)
    if not outcome.flights:
        text = _nothing_found(outcome, query, language, details, date_text=date_text, spoken=True)
        return speech_safe(" ".join(filter(None, [text, back])))
    parts = []
    if outcome.used_fallback:
        parts.append(phrase(language, "fallback_apology"))
    parts.append(intro(query, language, date_text=date_text))
    parts.append(applied_sentence(details, language, spoken=True) or "")
    parts += [speech_flight(f, language) for f in outcome.flights[:limit]]
    if len(outcome.flights) > limit:
        parts.append(phrase(language, "more_in_chat"))
    parts.append(back or "")
    return speech_safe(" ".join(p for p in parts if p))
