"""The offline agent's reading of a request: origin, destination, date and airline, any language."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import ClassVar

from flight_search import find_airlines
from languages import find_date, get_language, read_places


@dataclass(frozen=True)
class Slots:
    """What the visitor has asked for so far (kept across turns until a search runs)."""

    origin: str | None = None
    destination: str | None = None
    date: dt.date | None = None
    airline: str | None = None
    # What this one utterance left unsettled (not carried to the next turn):
    unknown_place: str | None = None     # a name after from/to that is no place with an airport
    unknown_role: str | None = None      # "from" / "to"
    ambiguous: tuple[str, ...] = ()      # two codes one name may mean ("PDX", "PWM")
    ambiguous_name: str = ""
    ambiguous_role: str | None = None

    _KEPT: ClassVar[tuple[str, ...]] = ("origin", "destination", "date", "airline")

    def merged(self, newer: "Slots") -> "Slots":
        """These slots updated with every slot `newer` fills (and `newer`'s unsettled names)."""
        kept = {k: getattr(newer, k) for k in self._KEPT if getattr(newer, k) is not None}
        unsettled = {k: getattr(newer, k) for k in vars(newer) if k not in self._KEPT}
        return replace(self, **kept, **unsettled)

    @property
    def found_anything(self) -> bool:
        return any(getattr(self, k) is not None for k in self._KEPT) or bool(self.unknown_place or self.ambiguous)

    def settled(self) -> "Slots":
        """The slots without this utterance's unsettled names (what is carried to the next turn)."""
        return Slots(self.origin, self.destination, self.date, self.airline)

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
    places = read_places(text, language.code, expecting=expecting)
    airlines = find_airlines(text)
    return Slots(origin=places.origin.code if places.origin else None,
                 destination=places.destination.code if places.destination else None,
                 date=find_date(text, language.code, today),
                 airline=airlines[0].iata if airlines else None,
                 unknown_place=places.unknown, unknown_role=places.unknown_role,
                 ambiguous=tuple(p.code for p in places.ambiguous), ambiguous_name=places.ambiguous_name,
                 ambiguous_role=places.ambiguous_role)
