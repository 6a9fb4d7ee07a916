"""The offline agent's reading of a request: origin, destination, date and airline, any language."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from flight_search import find_airlines
from languages import (CityMention, TripDetails, find_cities, find_date, find_trip_details, fold, get_language,
                       split_return)


@dataclass(frozen=True)
class Slots:
    """What the visitor has asked for so far (kept across turns until a search runs)."""

    origin: str | None = None
    destination: str | None = None
    date: dt.date | None = None
    airline: str | None = None
    details: TripDetails | None = None  # time of day, nonstop, order, return date...

    def merged(self, newer: "Slots") -> "Slots":
        """These slots updated with every slot `newer` fills (details field by field)."""
        merged = replace(self, **{k: v for k, v in vars(newer).items() if v is not None})
        if self.details is not None and newer.details is not None:
            merged = replace(merged, details=self.details.merged(newer.details))
        return merged

    @property
    def found_anything(self) -> bool:
        return any(v is not None for v in vars(self).values())

    def missing(self) -> str | None:
        """The first slot still empty, in the order the assistant asks for them."""
        for name in ("destination", "origin", "date"):
            if getattr(self, name) is None:
                return name
        return None


def _ends_with_word(text: str, words: list[str]) -> bool:
    tail = text.rstrip()
    return any(re.search(rf"(?:^|\W){re.escape(word)}$", tail) for word in words)


def _starts_with_word(text: str, words: list[str]) -> bool:
    head = text.lstrip()
    return any(head.startswith(word) for word in words)


def _role(mention: CityMention, folded: str, code: str) -> str | None:
    """"from" / "to" when a marker word, prefix or case ending says so, else None."""
    spec = get_language(code).spec
    suffix = mention.suffix.lstrip("'")
    for role, marker in (("from", spec.markers.from_), ("to", spec.markers.to)):
        endings = {fold(s, spec.script).lstrip("'") for s in marker.suffixes}
        if suffix and suffix in endings:
            return role
        words = [fold(w, spec.script) for w in marker.words]
        if mention.prefix and mention.prefix in words:
            return role
    before, after = folded[:mention.start], folded[mention.end:]
    markers = [(role, [fold(w, spec.script) for w in marker.words])
               for role, marker in (("from", spec.markers.from_), ("to", spec.markers.to))]
    for role, words in markers:
        if spec.markers.position == "before" and _ends_with_word(before, words):
            return role
        if spec.markers.position == "after" and _starts_with_word(after, words):
            return role
    return None


def _places(text: str, code: str) -> tuple[str | None, str | None]:
    spec = get_language(code).spec
    folded = fold(text, spec.script)
    found = find_cities(text, code)
    mentions: list[CityMention] = []
    for mention in found:
        if all(mention.city != m.city for m in mentions):
            mentions.append(mention)
    if not mentions:
        return None, None
    if len(mentions) == 1 and len(found) > 1:
        return mentions[0].city, mentions[0].city  # "from London to London": asked about below
    roles = [_role(m, folded, code) for m in mentions[:2]]
    if len(mentions) == 1:
        return (mentions[0].city, None) if roles[0] == "from" else (None, mentions[0].city)
    first, second = mentions[0].city, mentions[1].city
    if roles[0] == "to" or roles[1] == "from":
        return second, first
    return first, second


def understand(text: str, code: str, today: dt.date | None = None) -> Slots:
    """Slots filled from one utterance in language `code` (unknown codes read as English)."""
    language = get_language(code) or get_language("en")
    origin, destination = _places(text, language.code)
    airlines = find_airlines(text)
    outbound, _ = split_return(text, language.code)  # "returning on the 12th" is not the travel date
    details = find_trip_details(text, language.code, today)
    return Slots(origin=origin, destination=destination,
                 date=find_date(outbound, language.code, today),
                 airline=airlines[0].iata if airlines else None,
                 details=None if details.is_empty else details)
