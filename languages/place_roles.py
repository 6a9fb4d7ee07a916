"""Which role a name has in a sentence: the language's from/to words, case endings, glued prefixes,
articles and airport words around it ("z lotniska Chopina"), and route shapes without them: two
names side by side or joined by a dash ("VOL PARIS DAKAR", "Lyon-Nice"), a city with its airport."""
from __future__ import annotations

from functools import lru_cache

import regex

from .common_words import EXCESS_COMMON, EXCESS_VERY_COMMON, commonness
from .folding import fold_name
from .gazetteer import Place
from .place_matching import qualifier_matches
from .places import PlaceMention, Word
from .registry import LanguageSpec
from .routing import get_language

EXCESS_MARKED_LOWERCASE = 0.9  # a lower-case name after from/to must be this little of a word


@lru_cache(maxsize=128)
def articles_of(code: str) -> frozenset[str]:
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    return frozenset(fold_name(a) or a for a in spec.markers.articles)


@lru_cache(maxsize=128)
def airport_phrases(code: str) -> tuple[tuple[str, ...], ...]:
    """The language's words for an airport, folded into word tuples, longest first."""
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    return tuple(sorted({tuple(fold_name(w).split()) for w in spec.markers.airport_words if fold_name(w)},
                        key=len, reverse=True))


def past_airport_words(folded: list[str], index: int, step: int, code: str) -> int:
    """Where a from/to word may stand beside a name once an airport word between is skipped:
    "z lotniska Chopina" (step -1 from the name), "इंदिरा गांधी हवाई अड्डे से" (step +1 after it)."""
    for phrase in airport_phrases(code):
        n = len(phrase)
        if step < 0 and index - n >= 0 and tuple(folded[index - n:index]) == phrase:
            return index - n
        if step > 0 and tuple(folded[index:index + n]) == phrase:
            return index + n
    return index


@lru_cache(maxsize=128)
def markers_of(code: str) -> tuple[str, dict[str, tuple[tuple[str, ...], ...]], dict[str, frozenset[str]]]:
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    phrases, endings = {}, {}
    for role, marker in (("from", spec.markers.from_), ("to", spec.markers.to)):
        phrases[role] = tuple(sorted({tuple(fold_name(w).split()) for w in marker.words if fold_name(w)},
                                     key=len, reverse=True))
        endings[role] = frozenset(fold_name(s).lstrip("'") for s in marker.suffixes)
    return spec.markers.position, phrases, endings


def _marked_by_words(mention: PlaceMention, found: list[Word], code: str) -> str | None:
    position, phrases, endings = markers_of(code)
    if mention.prefix:
        for role in ("from", "to"):
            if (mention.prefix,) in phrases[role] or (mention.prefix.rstrip("'"),) in phrases[role]:
                return role
    suffix = mention.suffix.lstrip("'")
    if suffix:   # a case ending, perhaps after the vowel a stem took back ("Rovaniem-eltä")
        for role in ("from", "to"):
            if suffix in endings[role] or any(len(e) >= 2 and suffix.endswith(e) for e in endings[role]):
                return role
    if not mention.suffix and (endings["from"] or endings["to"]):   # a case form: "Helsingistä", "Tokioon"
        surface = fold_name(mention.surface)
        if surface in _curated_case_forms(code):
            return _curated_case_forms(code)[surface]
        for ending, role in sorted(((e, r) for r in ("from", "to") for e in endings[r] if e), key=lambda x: -len(x[0])):
            if surface.endswith(ending) and len(surface) > len(ending) + 2 and \
                    _is_case_form(surface[:-len(ending)], mention.places):
                return role
    if mention.before or mention.after:  # inside a run of Han, kana or Thai
        for role in ("from", "to"):
            for marker in phrases[role]:
                text = "".join(marker)
                if (position == "after" and mention.after.startswith(text)) or \
                        (position != "after" and mention.before.endswith(text)):
                    return role
    folded = [w.folded for w in found]
    after = past_airport_words(folded, mention.last_word + 1, +1, code)
    before = past_airport_words(folded, mention.first_word, -1, code)
    for role in ("from", "to"):
        for marker in phrases[role]:
            n = len(marker)
            if position == "after":
                if tuple(folded[after:after + n]) == marker:
                    return role
                continue
            start = before
            if tuple(folded[max(0, start - n):start]) == marker and start - n >= 0:
                return role
            # an article between ("para o Porto", "to the Bronx")
            if start - n - 1 >= 0 and folded[start - 1] in articles_of(code) and \
                    tuple(folded[start - n - 1:start - 1]) == marker:
                return role
    return None


@lru_cache(maxsize=64)
def _curated_case_forms(code: str) -> dict[str, str]:
    """The case forms in a language's curated city names (after the first, which is the name itself)
    -> the role their ending gives: Finnish "Tokioon" -> "to"."""
    _, _, endings = markers_of(code)
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    forms: dict[str, str] = {}
    for names in spec.city_names.values():
        for name in names[1:]:
            folded = fold_name(name)
            for ending, role in sorted(((e, r) for r in ("from", "to") for e in endings[r] if e), key=lambda x: -len(x[0])):
                if folded.endswith(ending) and len(folded) > len(ending) + 2:
                    forms.setdefault(folded, role)
                    break
    return forms


def _is_case_form(stem: str, places: tuple[Place, ...]) -> bool:
    """Whether a name with an ending cut off is another name of the same place, perhaps with a glide
    ("Lontoo-sta", "New York-i-sta"); "Londra" is not "Londr" + "a"."""
    names = {fold_name(n) for p in places for n in p.names}
    return any(len(stem) - extra >= 2 and stem[:len(stem) - extra] in names for extra in (0, 1, 2))


def role_of(mention: PlaceMention, found: list[Word], code: str) -> str | None:
    """"from" / "to" when a marker of the language (or English) says so, else None."""
    return _marked_by_words(mention, found, code) or (None if code == "en" else _marked_by_words(mention, found, "en"))


def stem_of(mention: PlaceMention) -> str:
    folded = fold_name(mention.surface)
    if mention.prefix and folded.startswith(mention.prefix):
        folded = folded[len(mention.prefix):]
    if mention.suffix and folded.endswith(mention.suffix):
        folded = folded[:-len(mention.suffix)]
    return folded


_DASH = regex.compile(r"\s*(?:-|–|—|->|→|>|/)\s*")


_SPACE = regex.compile(r"\s+")


def _plainly_places(first: PlaceMention, second: PlaceMention, code: str) -> bool:
    """Two names side by side read as a route when one is hardly a word, or both are capitalised
    and neither is an everyday word ("Flyg Stockholm Visby")."""
    likeness = (commonness(stem_of(first), code), commonness(stem_of(second), code))
    if any(value >= (EXCESS_VERY_COMMON if mention.capitalized else EXCESS_MARKED_LOWERCASE)
           for mention, value in zip((first, second), likeness)):
        return False   # "la sala", "una granada": an article or a word beside a name
    return min(likeness) < EXCESS_COMMON or (first.capitalized and second.capitalized)


def city_airports_joined(candidates: list[tuple[PlaceMention, str | None]], text: str
                          ) -> list[tuple[PlaceMention, str | None]]:
    """"London Heathrow", "в Москву Домодедово", "Paris Charles de Gaulle": a city followed by one of
    its airports is that airport, in the role either of them has."""
    out: list[tuple[PlaceMention, str | None]] = []
    for mention, role in candidates:
        if out and _SPACE.fullmatch(text[out[-1][0].end:mention.start] or " "):
            city, city_role = out[-1]
            airports = [p for p in mention.places if p.kind == "airport" and
                        any(p.code in c.airports and p.code != c.code for c in city.places)]
            if airports and not city.is_code:
                joined = PlaceMention((airports[0],), city.start, mention.end, city.first_word, mention.last_word,
                                      text[city.start:mention.end], prefix=city.prefix, suffix=mention.suffix)
                out[-1] = (joined, role if mention.suffix else city_role or role)   # "Londra Heathrow'dan"
                continue
        out.append((mention, role))
    return out


def route_pairs(candidates: list[tuple[PlaceMention, str | None]], found: list[Word], text: str, code: str
                 ) -> list[tuple[PlaceMention, str | None]]:
    """"Lyon-Nice", "BOS → SEA", "VOL PARIS DAKAR": two unmarked names joined by a dash or an arrow, or
    side by side with one of them plainly a place, go from the first to the second. A qualifier
    ("London Ontario", "Portland Maine") is not the second end of a route."""
    out = list(candidates)
    for i in range(len(out) - 1):
        (first, first_role), (second, second_role) = out[i], out[i + 1]
        if first_role is not None or second_role is not None:
            continue
        gap = text[first.end:second.start]
        if _DASH.fullmatch(gap):
            out[i], out[i + 1] = (first, "from"), (second, "to")
        elif _SPACE.fullmatch(gap) and not first.is_code and not second.is_code and not first.suffix and \
                not second.suffix and \
                _plainly_places(first, second, code) and \
                qualifier_matches(list(first.places), found, first.last_word + 1, code)[0] is None:
            out[i], out[i + 1] = (first, "from"), (second, "to")
    return out


def without_ending(name: str, code: str) -> str:
    """A name to say back without the case ending it was heard with ("தூத்துக்குடி-யிலிருந்து")."""
    _, _, endings = markers_of(code)
    folded = fold_name(name)
    for ending in sorted(endings["from"] | endings["to"], key=len, reverse=True):
        if len(ending) >= 2 and folded.endswith(ending) and len(folded) > len(ending) + 2 and len(folded) == len(name):
            stem = name[:-len(ending)]
            return stem[:-2] if stem.endswith(("யி", "வி")) else stem   # Tamil: a glide and its vowel sign before it
    return name
