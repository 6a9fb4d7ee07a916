"""Airline names, codes and aliases from `configs/airlines.yaml`, matched exactly, then fuzzily."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz, process

from languages import ConfigError, load_config
from languages.scripts import UNSPACED_SCRIPTS, dominant_script

from .airline_names import airline_names_file, local_name, missing_names

FUZZY_THRESHOLD = 80          # rapidfuzz ratio (0-100): one wrong letter in a 7-letter name scores 85.7
AMBIGUITY_MARGIN = 3          # two airlines this close in score: ambiguous, no match
MIN_FUZZY_CHARS = 4           # shorter inputs only match exactly
Method = Literal["iata_code", "icao_code", "name", "alias", "local_name", "spoken", "fuzzy"]


class AirlineSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    iata: str = Field(pattern=r"^[A-Z0-9]{2}$")
    icao: str = Field(pattern=r"^[A-Z]{3}$")
    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: Literal["Europe", "North America", "Latin America", "Asia", "Middle East", "Africa", "Oceania"]
    alliance: Literal["oneworld", "star", "skyteam"] | None = None
    hubs: list[str] = Field(min_length=1)
    long_haul: bool = False
    aliases: list[str] = Field(default_factory=list)
    local_names: list[str] = Field(default_factory=list)
    spoken: list[str] = Field(default_factory=list)


class AirlinesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    filler_words: list[str]
    airlines: list[AirlineSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> "AirlinesFile":
        for attr in ("iata", "icao"):
            codes = [getattr(a, attr) for a in self.airlines]
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise ValueError(f"duplicate {attr} codes: {', '.join(dupes)}")
        return self


@dataclass(frozen=True)
class AirlineMatch:
    """An airline recognised in some text: its IATA code, name, score (0-100) and how."""

    iata: str
    name: str
    score: float
    method: Method
    said: str = ""      # the words as matched, folded ("american"): not a place when read for places


def _fold(text: str) -> str:
    """Casefold, drop accents and punctuation, squeeze spaces (keeps letters of every script)."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept = []
    for ch in text:
        if unicodedata.combining(ch) and ord(ch) < 0x0370:  # Latin accents only; Indic marks stay
            continue
        kept.append(ch if ch.isalnum() else " ")
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


@dataclass(frozen=True)
class _Table:
    airlines: dict[str, AirlineSpec]
    exact: dict[str, tuple[str, Method]]   # folded name without fillers -> (iata, method)
    listed: frozenset[str]                 # folded forms written in the file (fillers kept)
    substrings: frozenset[str]             # names found inside unspaced text (日本航空, السعودية)
    fillers: tuple[str, ...]               # folded, longest first
    name_fillers: frozenset[str]           # fillers that occur inside airline names ("airlines")
    fuzzy_keys: dict[str, str]             # compact key -> iata


@lru_cache(maxsize=1)
def airlines_file() -> AirlinesFile:
    """The validated `configs/airlines.yaml`."""
    return load_config("airlines.yaml", AirlinesFile)


def clear_caches() -> None:
    """Forget the loaded `configs/airlines.yaml` and the lookup table built from it."""
    airlines_file.cache_clear()
    _table.cache_clear()


def _strip_fillers(folded: str, fillers: tuple[str, ...]) -> str:
    padded = f" {folded} "
    for filler in fillers:
        padded = padded.replace(f" {filler} ", " ")
    return " ".join(padded.split())


def _display_names(data: AirlinesFile) -> dict[str, list[str]]:
    """Every airline's names per display language (configs/airline_names.yaml), checked complete."""
    names = airline_names_file().names
    codes = [spec.iata for spec in data.airlines]
    unknown = sorted(set(names) - set(codes))
    lacking = missing_names(codes)
    if unknown or lacking:
        problem = (f"unknown airline(s) {', '.join(unknown)}" if unknown
                   else f"names missing for {'; '.join(lacking[:5])}")
        raise ConfigError("configs/airline_names.yaml", "names", problem)
    return {iata: list(by_language.values()) for iata, by_language in names.items()}


@lru_cache(maxsize=1)
def _table() -> _Table:
    data = airlines_file()
    display = _display_names(data)
    fillers = tuple(sorted({_fold(f) for f in data.filler_words if _fold(f)}, key=len, reverse=True))
    exact: dict[str, tuple[str, Method]] = {}
    listed: set[str] = set()
    substrings: set[str] = set()
    fuzzy_keys: dict[str, str] = {}
    name_words: set[str] = set()
    for spec in data.airlines:
        groups: list[tuple[Method, list[str]]] = [
            ("name", [spec.name]), ("alias", spec.aliases),
            ("local_name", spec.local_names), ("spoken", spec.spoken),
            ("local_name", display.get(spec.iata, []))]
        for index, (method, names) in enumerate(groups):
            for name in names:
                folded = _fold(name)
                name_words.update(folded.split())
                listed.add(folded)
                # Display names in spaced scripts match as words only ("Скут" is not inside "скутер").
                if not folded.isascii() and " " not in folded and len(folded) >= 2 and (
                        index < 4 or dominant_script(folded) in UNSPACED_SCRIPTS):
                    substrings.add(folded)
                for key in {folded, _strip_fillers(folded, fillers)}:
                    if key:
                        exact.setdefault(key, (spec.iata, method))
                        exact.setdefault(key.replace(" ", ""), (spec.iata, method))
                if method != "spoken":
                    compact = _strip_fillers(folded, fillers).replace(" ", "")
                    if len(compact) >= MIN_FUZZY_CHARS:
                        fuzzy_keys.setdefault(compact, spec.iata)
    name_fillers = frozenset(f for f in fillers if " " not in f and f in name_words)
    return _Table({a.iata: a for a in data.airlines}, exact, frozenset(listed), frozenset(substrings), fillers,
                  name_fillers, fuzzy_keys)


def check_airline_data() -> None:
    """Load both airline files and cross-check them (raises ConfigError), for start-up validation."""
    _table()


def airline_name(iata: str, language: str) -> str:
    """What the voice says for the airline in `language`: its local name there, else the brand."""
    spec = airline(iata)
    return local_name(iata, language) or (spec.name if spec else iata)


def airline_label(iata: str, language: str) -> str:
    """What the chat shows: the brand, with the local name beside it where it differs
    ("Qatar Airways (カタール航空)")."""
    spec = airline(iata)
    brand = spec.name if spec else iata
    local = local_name(iata, language)
    return f"{brand} ({local})" if local and local != brand else brand


def airline(iata: str) -> AirlineSpec | None:
    """The airline with this IATA code, or None."""
    return _table().airlines.get(iata.upper())


def all_airlines() -> list[AirlineSpec]:
    """Every airline in the file, in file order."""
    return list(airlines_file().airlines)


def _code_match(text: str) -> AirlineMatch | None:
    """Codes match only as the whole input: "IB" or "I B" (upper or spelled) and ICAO "IBE"."""
    table = _table()
    stripped = text.strip()
    letters = stripped.replace(" ", "").replace(".", "")
    spelled = bool(re.fullmatch(r"[A-Za-z0-9]([ .]+[A-Za-z0-9])+\.?", stripped))
    if len(letters) == 2 and (letters.isupper() or spelled or letters[1].isdigit() or letters[0].isdigit()):
        spec = table.airlines.get(letters.upper())
        if spec:
            return AirlineMatch(spec.iata, spec.name, 100.0, "iata_code")
    if len(letters) == 3 and letters.isalpha():
        for spec in table.airlines.values():
            if spec.icao == letters.upper():
                return AirlineMatch(spec.iata, spec.name, 100.0, "icao_code")
    return None


def airline_candidates(text: str, limit: int = 5) -> list[AirlineMatch]:
    """The closest airlines to `text` by fuzzy score, best first (for "did you mean")."""
    table = _table()
    key = _strip_fillers(_fold(text), table.fillers).replace(" ", "")
    if len(key) < 2:
        return []
    seen: dict[str, AirlineMatch] = {}
    for choice, score, _ in process.extract(key, list(table.fuzzy_keys), scorer=fuzz.ratio, limit=limit * 3):
        iata = table.fuzzy_keys[choice]
        if iata not in seen:
            seen[iata] = AirlineMatch(iata, table.airlines[iata].name, round(score, 1), "fuzzy")
    return list(seen.values())[:limit]


def normalize_airline(text: str) -> AirlineMatch | None:
    """The airline `text` names (code, name, local name or spoken form), or None.

    Exact matches first (after dropping filler words such as "airlines" or "líneas aéreas"),
    then a fuzzy match above `FUZZY_THRESHOLD`. Never a substring match; two airlines scoring
    within `AMBIGUITY_MARGIN` of each other give None (see `airline_candidates`).
    """
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        return None
    by_code = _code_match(text)
    if by_code:
        return by_code
    table = _table()
    key = _strip_fillers(_fold(text), table.fillers)
    if not key:
        return None
    for candidate in (key, key.replace(" ", "")):
        if candidate in table.exact and not (len(candidate) <= 3 and candidate == key.replace(" ", "")
                                             and candidate not in table.listed):
            iata, method = table.exact[candidate]
            return AirlineMatch(iata, table.airlines[iata].name, 100.0, method)
    if len(key.replace(" ", "")) < MIN_FUZZY_CHARS:
        return None
    candidates = airline_candidates(text, limit=2)
    if not candidates or candidates[0].score < FUZZY_THRESHOLD:
        return None
    if len(candidates) > 1 and candidates[0].score - candidates[1].score < AMBIGUITY_MARGIN:
        return None
    return candidates[0]


def find_airlines(sentence: str) -> list[AirlineMatch]:
    """Airlines mentioned in free text, in order of appearance, each once.

    Names are matched on word n-grams as written in the file ("Singapore Airlines"); a name
    shortened by dropping a filler ("Singapore") only counts next to an airline filler word
    ("Singapore airlines"), so "flights to Singapore" names no airline. Scripts written without
    spaces (日本航空) are matched as substrings.
    """
    if not isinstance(sentence, str) or not sentence.strip():
        return []
    table = _table()
    words = _fold(sentence[:2000]).split()
    found: list[AirlineMatch] = []
    seen: set[str] = set()

    def add(iata: str, method: Method, score: float = 100.0, said: str = "") -> None:
        if iata not in seen:
            seen.add(iata)
            found.append(AirlineMatch(iata, table.airlines[iata].name, score, method, said))

    i = 0
    while i < len(words):
        for size in range(min(5, len(words) - i), 0, -1):
            gram = " ".join(words[i:i + size])
            hit = table.exact.get(gram)
            near_filler = (i > 0 and words[i - 1] in table.name_fillers) or \
                          (i + size < len(words) and words[i + size] in table.name_fillers)
            if hit and (gram in table.listed or near_filler):
                add(*hit, said=gram)
                i += size
                break
        else:
            i += 1
    for token in re.findall(r"\b[A-Z0-9]{2}\b", sentence):
        match = _code_match(token)
        if match and token not in {"AM", "PM"}:
            add(match.iata, match.method)
    folded_text = _fold(sentence[:2000])
    for key in table.substrings:
        if key in folded_text:
            add(*table.exact[key])
    return found
