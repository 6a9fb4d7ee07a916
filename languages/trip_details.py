"""What a traveller adds to a request beyond places and a date: time of day, time bounds,
nonstop, one way, the order of results, a return date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from enum import Enum


class PartOfDay(str, Enum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"


class SortOrder(str, Enum):
    CHEAPEST = "cheapest"
    EARLIEST = "earliest"


@dataclass(frozen=True)
class TripDetails:
    """Filters and an order for the results; every field None when the traveller said nothing."""

    part_of_day: PartOfDay | None = None
    depart_after: dt.time | None = None
    depart_before: dt.time | None = None
    arrive_by: dt.time | None = None
    nonstop: bool | None = None
    one_way: bool | None = None
    sort: SortOrder | None = None
    return_date: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def merged(self, newer: "TripDetails | None") -> "TripDetails":
        """These details updated with every field `newer` sets."""
        if newer is None:
            return self
        return replace(self, **{f.name: getattr(newer, f.name) for f in fields(newer)
                                if getattr(newer, f.name) is not None})

    def as_arguments(self) -> dict:
        """The fields that are set, JSON-ready (times "HH:MM", dates ISO, enums by value)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, dt.time):
                value = value.strftime("%H:%M")
            elif isinstance(value, dt.date):
                value = value.isoformat()
            if value is not None:
                out[f.name] = value
        return out

    @classmethod
    def from_arguments(cls, arguments: dict, today: dt.date) -> "TripDetails":
        """Details from a model's tool arguments; raises ValueError naming the bad argument."""
        values: dict = {}
        for name, enum in (("part_of_day", PartOfDay), ("sort", SortOrder)):
            raw = arguments.get(name)
            if raw not in (None, ""):
                try:
                    values[name] = enum(str(raw).strip().lower())
                except ValueError:
                    allowed = ", ".join(e.value for e in enum)
                    raise ValueError(f"{name} must be one of {allowed}, got {str(raw)[:20]!r}") from None
        for name in ("depart_after", "depart_before", "arrive_by"):
            raw = arguments.get(name)
            if raw not in (None, ""):
                try:
                    values[name] = dt.time.fromisoformat(str(raw).strip())
                except ValueError:
                    raise ValueError(f"{name} must be a time HH:MM, got {str(raw)[:20]!r}") from None
        for name in ("nonstop", "one_way"):
            raw = arguments.get(name)
            if raw is not None:
                if not isinstance(raw, bool):
                    raise ValueError(f"{name} must be true or false, got {str(raw)[:20]!r}")
                values[name] = raw
        raw = arguments.get("return_date")
        if raw not in (None, ""):
            try:
                values["return_date"] = dt.date.fromisoformat(str(raw).strip())
            except ValueError:
                raise ValueError(f"return_date must be YYYY-MM-DD, got {str(raw)[:20]!r}") from None
            if values["return_date"] < today:
                raise ValueError(f"return_date {raw} is in the past (today is {today.isoformat()})")
        return cls(**values)
