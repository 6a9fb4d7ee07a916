"""The offline agent's reading of a request: origin, destination, date and airline, any language."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import ClassVar

from flight_search import find_airlines
from languages import TripDetails, find_date, find_trip_details, get_language, read_places, split_return


@dataclass(frozen=True)
class Slots:
    """What the visitor has asked for so far (kept across turns until a search runs)."""

    origin: str | None = None
    destination: str | None = None
    date: dt.date | None = None
    airline: str | None = None
    details: TripDetails | None = None  # time of day, nonstop, order, return date...
    # What this one utterance left unsettled (not carried to the next turn):
    unknown_place: str | None = None     # a name after from/to that is no place with an airport
    unknown_role: str | None = None      # "from" / "to"
    ambiguous: tuple[str, ...] = ()      # two codes one name may mean ("PDX", "PWM")
    ambiguous_name: str = ""
    ambiguous_role: str | None = None

    _KEPT: ClassVar[tuple[str, ...]] = ("origin", "destination", "date", "airline", "details")

    def merged(self, newer: "Slots") -> "Slots":
        """These slots updated with every slot `newer` fills (details field by field), and `newer`'s
        unsettled names."""
        kept = {k: getattr(newer, k) for k in self._KEPT if getattr(newer, k) is not None}
        unsettled = {k: getattr(newer, k) for k in vars(newer) if k not in self._KEPT}
        merged = replace(self, **kept, **unsettled)
        if self.details is not None and newer.details is not None:
            merged = replace(merged, details=self.details.merged(newer.details))
        return merged

    @property
    def found_anything(self) -> bool:
        return any(getattr(self, k) is not None for k in self._KEPT) or bool(self.unknown_place or self.ambiguous)

    def settled(self) -> "Slots":
        """The slots without this utterance's unsettled names (what is carried to the next turn)."""
        return Slots(self.origin, self.destination, self.date, self.airline, self.details)

    def missing(self) -> str | None:
        """The first slot still empty, in the order the assistant asks for them."""
        for name in ("destination", "origin", "date"):
            if getattr(self, name) is None:
                return name
        return None


def understand(text: str, code: str, today: dt.date | None = None, *, expecting: str | None = None) -> Slots:
    """Slots filled from one utterance in language `code` (unknown codes read as English).

    `expecting` names the slot the assistant just asked for ("origin"): a lone place fills it.
    """
    language = get_language(code) or get_language("en")
    airlines = find_airlines(text)   # "de american de dallas": an airline's name is no place
    places = read_places(text, language.code, expecting=expecting,
                         not_places=tuple(a.said for a in airlines if a.said))
    outbound, _ = split_return(text, language.code)  # "returning on the 12th" is not the travel date
    details = find_trip_details(text, language.code, today)
    return Slots(origin=places.origin.code if places.origin else None,
                 destination=places.destination.code if places.destination else None,
                 date=find_date(outbound, language.code, today),
                 airline=airlines[0].iata if airlines else None,
                 details=None if details.is_empty else details,
                 unknown_place=places.unknown, unknown_role=places.unknown_role,
                 ambiguous=tuple(p.code for p in places.ambiguous), ambiguous_name=places.ambiguous_name,
                 ambiguous_role=places.ambiguous_role)
