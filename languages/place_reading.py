"""Reading the places of a flight request: which name is the origin, which the destination.

Rules, as a person reads them:
- A from/to word ("from", "nach", "から", "से", a case ending or a glued prefix) makes a name a
  place in that role (place_roles.py); an airport code in capitals is a place.
- A name that is also an everyday word ("nice", "split", "essen") is a place only when marked so;
  days, months, holidays and airlines' names are none; a lone unmarked name is a place only as the
  whole answer.
- A qualifier picks among places of one name ("Portland, Maine", "London, Ontario"); otherwise the
  bigger place wins, and when two are about as big (or as famous) the reader asks which one.
- A word beside a from/to word that names no place we know is guessed at (place_guesses.py: a
  typo, a name by its sound), then named back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .calendar_words import calendar_words
from .common_words import (EXCESS_COMMON, EXCESS_VERY_COMMON, FREQUENT_ZIPF, commonness, has_word_list,
                           home_countries, is_frequent_word, word_zipf)
from .dates.holidays import holiday_spans
from .folding import fold_name, is_cased
from .gazetteer import KIND_WEIGHT, Place, gazetteer
from .place_guesses import guess, han_guesses, katakana_guesses, unknown_candidates
from .place_matching import qualifier_matches
from .place_roles import (EXCESS_MARKED_LOWERCASE, airport_phrases, city_airports_joined, markers_of,
                          role_of, route_pairs, stem_of, without_ending)
from .places import PlaceMention, Word, find_places, words
from .registry import LanguageSpec
from .routing import get_language


AMBIGUOUS_RATIO = 0.5     # a second place this big relative to the first (population x fame) is asked about
LONE_WORD_MAX_POPULATION = 500_000   # a lone everyday word named like a smaller city is the word
SAME_COUNTRY_RATIO = 0.1   # a place this big relative to the first wins when it shares the other end's country


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


def _place_like(mention: PlaceMention, role: str | None, code: str) -> bool:
    """A mention that plainly stands for a place, to vouch for another: a code or a firm guess, a
    marked name that is not an everyday word, or an unmarked one that is hardly a word (where the
    language's word list can tell; without one, a capitalised name)."""
    if mention.is_code:
        return not mention.tentative
    likeness = commonness(stem_of(mention), code, marked=role is not None)
    lowercase = is_cased(mention.surface) and not mention.capitalized
    if role is not None:
        return likeness < (EXCESS_MARKED_LOWERCASE if lowercase else EXCESS_VERY_COMMON)
    return likeness < EXCESS_COMMON and not (lowercase and not has_word_list(code))


@lru_cache(maxsize=64)
def _conjunction(code: str) -> str:
    """The language's "and" between two items (CLDR list patterns): "and", "und", "和"."""
    from babel import Locale, UnknownLocaleError

    try:
        pattern = Locale.parse(code.replace("-", "_")).list_patterns["standard"]["2"]
    except (UnknownLocaleError, ValueError, KeyError):
        return ""
    return fold_name(pattern.replace("{0}", " ").replace("{1}", " "))


def _own_name(mention: PlaceMention) -> bool:
    """Whether the name as read is the place's own (curated or primary) name, not another language's."""
    from .gazetteer import PRIMARY_TIER

    index = gazetteer()
    return any(tier <= PRIMARY_TIER and index.places[n].code == mention.place.code
               for n, tier in index.index.get(stem_of(mention), ()))


def _is_answer(mention: PlaceMention, text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return sum(ch.isalpha() for ch in mention.surface) >= 0.5 * letters


def _accepted(mention: PlaceMention, role: str | None, found: list[Word], text: str, code: str,
              others: list[tuple[PlaceMention, str | None]]) -> bool:
    """Whether a name is a place here: marked, or named the way a place is (see the module doc)."""
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    vouching = [(m, r) for m, r in others if m is not mention and _place_like(m, r, code)]
    company = [m for m, _ in vouching]   # the route's other end
    if mention.is_code:   # a guess by sound stands only beside another place, or as the whole answer
        return not mention.tentative or bool(company) or _is_answer(mention, text)
    word_likeness = commonness(stem_of(mention), code)
    capitalised = mention.capitalized and not spec.matching.capitalised_nouns   # German nouns: no sign
    lowercase = is_cased(mention.surface) and not capitalised
    if mention.suffix and not role and word_zipf(fold_name(mention.surface), code) >= FREQUENT_ZIPF:
        return False   # an everyday word that only looks like a case form of a name ("lentoa", "Kas")
    if role:  # "to Nice" is a place; "to reading" in lower case is a word
        # alone, an everyday word of the language named like a city of under half a million is the word
        zipf = max(word_zipf(stem_of(mention), code), word_zipf(fold_name(mention.surface), code))
        own_word = zipf >= FREQUENT_ZIPF and (mention.place.population < LONE_WORD_MAX_POPULATION or (
            not _own_name(mention) and mention.place.country not in home_countries(code)))   # "به ربات", "do karty"
        wordlike = (lowercase and (word_likeness >= EXCESS_COMMON or own_word)) or (not is_cased(mention.surface) and own_word)
        if wordlike and is_frequent_word(stem_of(mention), code) and not company:
            return False   # "chegou ao porto", "salva de palmas", "به ربات": a lone everyday word after "to"/"of"
        # "vols de nice à tunis": with the other end plainly a place, a marked name is the route's end
        plain = [(m, r) for m, r in others if m is not mention and r and not m.is_code and
                 commonness(stem_of(m), code) < EXCESS_COMMON]
        other_end = any(r != role for _, r in plain) and not any(r == role for _, r in plain)
        return commonness(stem_of(mention), code, marked=True) < (
            EXCESS_MARKED_LOWERCASE if lowercase and not other_end else EXCESS_VERY_COMMON)
    marked = [m for m, r in vouching if r]
    reach = 3 if lowercase else 5   # a capitalised name may carry a qualifier first: "San José, Costa Rica to"
    # after a marked name: its postposition and perhaps an airport word come first ("... हवाई अड्डे से दुबई")
    behind = 4 if markers_of(code)[0] == "after" else 2
    beside_marked = any(0 < m.first_word - mention.last_word <= reach or 0 < mention.first_word - m.last_word <= behind
                        or (m.first_word == mention.first_word and abs(m.start - mention.start) <= 12)  # one Han/kana run
                        for m in marked)
    if beside_marked and not lowercase and word_likeness < EXCESS_VERY_COMMON:
        return True  # "Nice to Split"
    if _is_answer(mention, text):  # the answer is the name itself
        return word_likeness < EXCESS_COMMON or capitalised
    if word_likeness >= EXCESS_COMMON:
        return False
    previous = found[mention.first_word - 1].end if mention.first_word else 0
    sentence_start = mention.first_word == 0 or any(ch in ".!?¿¡" for ch in text[previous:mention.start])
    if capitalised and not sentence_start and company:
        return True   # "to be in Birmingham, flying from Dublin"; alone ("the new Batman movie") something else
    if marked:  # "boston to denver": right before or after a marked place
        return beside_marked
    # "between memphis and nashville": two names joined by the language's "and"
    joined = _conjunction(code)   # where the language has no word list, only capitalised names count
    if not joined or (lowercase and not has_word_list(code)):
        return False
    return any(fold_name(text[min(m.end, mention.end):max(m.start, mention.start)]) == joined for m in company)


def _fame(place: Place) -> float:
    return place.population * KIND_WEIGHT[place.kind] * (1 + len(place.names) / 20)


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
    home = [p for p in ranked if p.country in home_countries(code) and _fame(p) >= SAME_COUNTRY_RATIO * _fame(ranked[0])]
    if len({p.code for p in home}) == 1 and home[0] is not ranked[0]:   # Catalan "València" is in Spain
        return home[0], (), set()
    if other is not None:  # "from Philadelphia to 圣路易斯": the St. Louis in the other end's country
        near = [p for p in ranked if p.country == other.country and _fame(p) >= SAME_COUNTRY_RATIO * _fame(ranked[0])]
        if len({p.code for p in near}) == 1 and near[0] is not ranked[0]:
            return near[0], (), set()
    first, second = ranked[0], ranked[1]
    if _fame(second) < AMBIGUOUS_RATIO * _fame(first) or first.kind == "airport" or second.kind == "airport":
        return first, (), set()
    if other is not None:
        same_country = [p for p in (first, second) if p.country == other.country]
        if len(same_country) == 1:
            return same_country[0], (), set()
    return None, (first, second), set()


def _names_a_day(mention: PlaceMention, when: frozenset[str]) -> bool:
    """A weekday, month or part of the day that is also a place's name ("çarşamba", "शाम"), unless
    capitalised inside a sentence or marked by a case ending it would not carry as a day."""
    if mention.is_code or mention.first_word != mention.last_word:
        return False
    return fold_name(mention.surface) in when or (stem_of(mention) in when and not mention.capitalized)


def read_places(text: str, code: str, *, expecting: str | None = None, not_places: tuple[str, ...] = ()
                ) -> PlaceReading:
    """Origin and destination in `text` (language `code`); `expecting` is the slot just asked for;
    `not_places` are words already read as something else (an airline's name)."""
    found = words(text)
    when = calendar_words(code) | {w for p in airport_phrases(code) for w in p}
    not_guessed = when | {fold_name(n) for n in not_places}   # "de american": an airline, not Americana
    holidays = holiday_spans(text, code)
    candidates = [(mention, role_of(mention, found, code)) for mention in find_places(text, code)
                  if not _names_a_day(mention, when)
                  and not any(start <= mention.start and mention.end <= end for start, end in holidays)]
    taken = {i for m, _ in candidates for i in range(m.first_word, m.last_word + 1)}
    unknown, unknown_role = None, None
    for role, j, tentative in unknown_candidates(found, taken, code):
        if j in taken:
            continue
        word = found[j]
        if word.folded in not_guessed:
            continue
        frequent = is_frequent_word(word.folded, code)
        places, first, last = guess(found, j, code, taken, frequent=frequent)
        if places:
            start, end = found[first].start, found[last].end
            # tentative, needing the other end: a word before "to", and a sound guess in Cyrillic or Greek,
            # whose names GeoNames has (a word it lacks there is more likely a word: "у колену")
            tentative = tentative or (not word.folded.isascii() and is_cased(word.text))
            candidates.append((PlaceMention(places, start, end, first, last, text[start:end], is_code=True,
                                            tentative=tentative), role))
            taken |= set(range(first, last + 1))
        elif unknown is None and not frequent and word.text[:1].isalpha() and \
                (word.text[:1].isupper() or len(word.folded) >= 4):
            unknown, unknown_role = without_ending(word.text, code), role
    candidates += katakana_guesses(found, text, code, [m for m, _ in candidates])
    candidates += han_guesses(found, text, code, [m for m, _ in candidates])
    candidates.sort(key=lambda item: item[0].start)
    candidates = route_pairs(city_airports_joined(candidates, text), found, text, code)
    roles = [(m, r) for m, r in candidates if _accepted(m, r, found, text, code, candidates)]

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


def prepare_reading(code: str) -> None:
    """Build what reading places in language `code` needs (the gazetteer, word tables, stem, sound
    and typo indexes, about a second in all), so the first turn does not wait for it."""
    from . import place_matching, places
    from .common_words import prepare

    prepare(code)
    places.prepare()
    place_matching.prepare()
    calendar_words(code)
