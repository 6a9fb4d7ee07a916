"""Reading the places of a flight request: which name is the origin, which the destination.

Rules, as a person reads them:
- A from/to word ("from", "nach", "から", "से", a case ending or a glued prefix) makes a name a
  place in that role; an airport code in capitals is a place.
- A name that is also an everyday word ("nice", "split", "essen") is a place only when marked so.
- A qualifier picks among places of one name ("Portland, Maine", "London, Ontario"); otherwise the
  bigger place wins, and when two are about as big (or as famous) the reader asks which one.
- A word after a from/to word that names no place we know is tried for typos, then named back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .common_words import EXCESS_COMMON, EXCESS_VERY_COMMON, commonness, is_frequent_word
from .folding import fold_name, is_cased, is_unspaced
from .gazetteer import Place
from .place_matching import fuzzy_place, qualifier_matches
from .places import PlaceMention, Word, find_places, words
from .registry import LanguageSpec
from .routing import get_language

EXCESS_MARKED_LOWERCASE = 0.5  # a lower-case name after from/to must be this little of a word
AMBIGUOUS_RATIO = 0.5   # a second place this big relative to the first (population x fame) is asked about


@dataclass(frozen=True)
class PlaceReading:
    """The origin and destination read from one utterance, and what could not be settled."""

    origin: Place | None = None
    destination: Place | None = None
    unknown: str | None = None                        # a name after from/to that is no known place
    unknown_role: str | None = None
    ambiguous: tuple[Place, ...] = field(default=())  # two places one name may mean, best first
    ambiguous_name: str = ""
    ambiguous_role: str | None = None


@lru_cache(maxsize=128)
def _markers(code: str) -> tuple[str, dict[str, tuple[tuple[str, ...], ...]], dict[str, frozenset[str]]]:
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    phrases, endings = {}, {}
    for role, marker in (("from", spec.markers.from_), ("to", spec.markers.to)):
        phrases[role] = tuple(sorted({tuple(fold_name(w).split()) for w in marker.words if fold_name(w)},
                                     key=len, reverse=True))
        endings[role] = frozenset(fold_name(s).lstrip("'") for s in marker.suffixes)
    return spec.markers.position, phrases, endings


def _marked_by_words(mention: PlaceMention, found: list[Word], code: str) -> str | None:
    position, phrases, endings = _markers(code)
    if mention.prefix:
        for role in ("from", "to"):
            if (mention.prefix,) in phrases[role]:
                return role
    if mention.suffix and mention.suffix.lstrip("'") in set().union(*endings.values()):
        return "from" if mention.suffix.lstrip("'") in endings["from"] else "to"
    if mention.before or mention.after:  # inside a run of Han, kana or Thai
        for role in ("from", "to"):
            for marker in phrases[role]:
                text = "".join(marker)
                if (position == "after" and mention.after.startswith(text)) or \
                        (position != "after" and mention.before.endswith(text)):
                    return role
    folded = [w.folded for w in found]
    for role in ("from", "to"):
        for marker in phrases[role]:
            n = len(marker)
            if position == "after":
                if tuple(folded[mention.last_word + 1:mention.last_word + 1 + n]) == marker:
                    return role
                continue
            start = mention.first_word
            if tuple(folded[max(0, start - n):start]) == marker and start - n >= 0:
                return role
            # one short article between ("para o Porto", "to the Bronx")
            if start - n - 1 >= 0 and len(folded[start - 1]) <= 3 and tuple(folded[start - n - 1:start - 1]) == marker:
                return role
    return None


def role_of(mention: PlaceMention, found: list[Word], code: str) -> str | None:
    """"from" / "to" when a marker of the language (or English) says so, else None."""
    return _marked_by_words(mention, found, code) or (None if code == "en" else _marked_by_words(mention, found, "en"))


def _stem(mention: PlaceMention) -> str:
    folded = fold_name(mention.surface)
    if mention.prefix and folded.startswith(mention.prefix):
        folded = folded[len(mention.prefix):]
    if mention.suffix and folded.endswith(mention.suffix):
        folded = folded[:-len(mention.suffix)]
    return folded


def _accepted(mention: PlaceMention, role: str | None, found: list[Word], text: str, code: str,
              others: list[tuple[PlaceMention, str | None]]) -> bool:
    """Whether a name is a place here: marked, or named the way a place is (see the module doc)."""
    if mention.is_code:
        return True
    word_likeness = commonness(_stem(mention), code)
    if role:  # "to Nice" is a place; "to my mobile", "de paz" in lower case are words
        lowercase = is_cased(mention.surface) and not mention.capitalized
        return word_likeness < (EXCESS_MARKED_LOWERCASE if lowercase else EXCESS_VERY_COMMON)
    letters = sum(ch.isalpha() for ch in text)
    if sum(ch.isalpha() for ch in mention.surface) >= 0.5 * letters:  # the answer is the name itself
        return word_likeness < EXCESS_COMMON or mention.capitalized
    if word_likeness >= EXCESS_COMMON:
        return False
    previous = found[mention.first_word - 1].end if mention.first_word else 0
    sentence_start = mention.first_word == 0 or any(ch in ".!?¿¡" for ch in text[previous:mention.start])
    if mention.capitalized and not sentence_start:
        return True
    marked = [m for m, r in others if r and m is not mention]
    if marked:  # "boston to denver": right before or after a marked place
        return any(0 < m.first_word - mention.last_word <= 3 or 0 < mention.first_word - m.last_word <= 2
                   for m in marked)
    return len(others) >= 2 or mention.capitalized


def _fame(place: Place) -> float:
    weight = {"city": 1.0, "airport": 0.8, "served": 0.5}[place.kind]
    return place.population * weight * (1 + len(place.names) / 20)


def _settle(mention: PlaceMention, found: list[Word], code: str, other: Place | None
            ) -> tuple[Place | None, tuple[Place, ...], set[int]]:
    """The place a mention means, or the two it may mean; and the word indices a qualifier used."""
    candidates = list(mention.places)
    if len(candidates) == 1:
        return candidates[0], (), set()
    chosen, used = qualifier_matches(candidates, found, mention.last_word + 1, code)
    if chosen:
        return chosen, (), used
    ranked = sorted(candidates, key=_fame, reverse=True)
    first, second = ranked[0], ranked[1]
    if _fame(second) < AMBIGUOUS_RATIO * _fame(first) or first.kind == "airport" or second.kind == "airport":
        return first, (), set()
    if other is not None:
        same_country = [p for p in (first, second) if p.country == other.country]
        if len(same_country) == 1:
            return same_country[0], (), set()
    return None, (first, second), set()


def _unknown_candidates(found: list[Word], taken: set[int], code: str) -> list[tuple[str, int, int]]:
    """Word runs right after a from/to word (before it, for postpositions) that name no known place."""
    position, phrases, _ = _markers(code)
    folded = [w.folded for w in found]
    out = []
    for role in ("from", "to"):
        for marker in phrases[role]:
            n = len(marker)
            for i in range(len(folded) - n + 1):
                if tuple(folded[i:i + n]) != marker:
                    continue
                j = i + n if position != "after" else i - 1
                if not 0 <= j < len(found) or j in taken or is_unspaced(found[j].text):
                    continue
                if is_frequent_word(found[j].folded, code):
                    continue
                out.append((role, j, j))
    return out


def read_places(text: str, code: str, *, expecting: str | None = None) -> PlaceReading:
    """Origin and destination in `text` (language `code`); `expecting` is the slot just asked for."""
    found = words(text)
    roles: list[tuple[PlaceMention, str | None]] = []
    candidates = [(mention, role_of(mention, found, code)) for mention in find_places(text, code)]
    for mention, role in candidates:
        if _accepted(mention, role, found, text, code, candidates):
            roles.append((mention, role))
    taken = {i for m, _ in roles for i in range(m.first_word, m.last_word + 1)}
    unknown, unknown_role = None, None
    for role, first, last in _unknown_candidates(found, taken, code):
        surface = text[found[first].start:found[last].end]
        place = fuzzy_place(found[first].folded)
        if place is not None:
            roles.append((PlaceMention((place,), found[first].start, found[last].end, first, last, surface), role))
            taken |= set(range(first, last + 1))
        elif unknown is None and (found[first].text[:1].isupper() or not found[first].text[:1].isalpha()
                                  or len(found[first].folded) >= 4):
            unknown, unknown_role = surface, role
    roles.sort(key=lambda item: item[0].start)

    settled: list[tuple[PlaceMention, str | None, Place | None, tuple[Place, ...]]] = []
    qualifier_words: set[int] = set()
    for mention, role in roles:
        if mention.first_word in qualifier_words:
            continue
        other = next((m.place for m, _ in roles if m is not mention and len(m.places) == 1), None)
        place, choices, used = _settle(mention, found, code, other)
        qualifier_words |= used
        settled.append((mention, role, place, choices))

    origin = destination = None
    ambiguous: tuple[Place, ...] = ()
    ambiguous_name, ambiguous_role = "", None
    codes = [p.code for _, _, p, _ in settled if p is not None]
    if len(codes) >= 2 and len(set(codes)) == 1:
        return PlaceReading(settled[0][2], settled[0][2])
    free: list[tuple[PlaceMention, Place | None, tuple[Place, ...]]] = []
    for mention, role, place, choices in settled:
        if role == "from" and origin is None and (place or not choices):
            if place is None:
                ambiguous, ambiguous_name, ambiguous_role = choices, mention.surface, "from"
            origin = place
        elif role == "to" and destination is None:
            if place is None:
                ambiguous, ambiguous_name, ambiguous_role = choices, mention.surface, "to"
            destination = place
        else:
            free.append((mention, place, choices))
    for mention, place, choices in free:
        slot = ("origin" if expecting == "origin" and origin is None else
                "destination" if destination is None and (origin is not None or expecting != "origin") else
                "origin" if origin is None else None)
        if slot is None:
            break
        if place is None:
            ambiguous, ambiguous_name, ambiguous_role = choices, mention.surface, "from" if slot == "origin" else "to"
            continue
        if slot == "origin":
            origin = place
        else:
            destination = place
    if len(free) >= 2 and origin is not None and destination is not None and not any(r for _, r, _, _ in settled):
        origin, destination = free[0][1] or origin, free[1][1] or destination
    if origin is not None and unknown_role == "from" or destination is not None and unknown_role == "to":
        unknown, unknown_role = None, None
    return PlaceReading(origin, destination, unknown, unknown_role, ambiguous, ambiguous_name, ambiguous_role)
