"""Trip details applied to search results: keep what the traveller asked for, in their order."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from languages import PartOfDay, SortOrder, TripDetails

from .models import Flight, SearchOutcome

# Departure hours (local, start inclusive, end exclusive) of each part of the day; night wraps.
PART_OF_DAY_HOURS: dict[PartOfDay, tuple[int, int]] = {
    PartOfDay.MORNING: (5, 12), PartOfDay.AFTERNOON: (12, 17),
    PartOfDay.EVENING: (17, 21), PartOfDay.NIGHT: (21, 5),
}


def in_part_of_day(moment: dt.time, part: PartOfDay) -> bool:
    """True when a local time falls in that part of the day."""
    start, end = PART_OF_DAY_HOURS[part]
    return start <= moment.hour < end if start < end else (moment.hour >= start or moment.hour < end)


def keeps(flight: Flight, details: TripDetails) -> bool:
    """True when `flight` meets every filter of `details` (the order is not a filter)."""
    leaves = flight.departure.time()
    if details.nonstop and flight.stops > 0:
        return False
    if details.part_of_day and not in_part_of_day(leaves, details.part_of_day):
        return False
    if details.depart_after and leaves < details.depart_after:
        return False
    if details.depart_before and leaves >= details.depart_before:
        return False
    # "arriving by 5 pm" means that day: an arrival after midnight misses it
    if details.arrive_by and flight.arrival > dt.datetime.combine(flight.departure.date(), details.arrive_by):
        return False
    return True


def apply_trip_details(flights: list[Flight], details: TripDetails | None) -> list[Flight]:
    """The flights that meet `details`' filters, cheapest or earliest first when asked."""
    if details is None:
        return list(flights)
    kept = [f for f in flights if keeps(f, details)]
    if details.sort is SortOrder.CHEAPEST:
        kept.sort(key=lambda f: (f.price, f.departure))
    elif details.sort is SortOrder.EARLIEST:
        kept.sort(key=lambda f: (f.departure, f.price))
    return kept


def has_filters(details: TripDetails | None) -> bool:
    """True when `details` would drop flights (not only order them or note a return)."""
    return details is not None and any(
        getattr(details, name) for name in ("nonstop", "part_of_day", "depart_after", "depart_before", "arrive_by"))


def filtered_outcome(outcome: SearchOutcome, details: TripDetails | None) -> SearchOutcome:
    """`outcome` with `details` applied; `unfiltered_count` keeps how many the search found."""
    if details is None or details.is_empty:
        return outcome
    return replace(outcome, flights=apply_trip_details(outcome.flights, details),
                   unfiltered_count=len(outcome.flights))
