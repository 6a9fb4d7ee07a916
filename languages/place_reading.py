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

import regex

from .calendar_words import calendar_words
from .dates.holidays import holiday_spans
from .common_words import (EXCESS_COMMON, EXCESS_VERY_COMMON, FREQUENT_ZIPF, commonness, expected_zipf,
                           _frequent_set, home_countries, is_frequent_word, word_zipf)
from .folding import fold_name, is_cased, is_unspaced
from .gazetteer import Place
from .gazetteer import gazetteer
from .place_matching import (FUZZY_SCORE_WORD, han_sound_places, SKELETON_MIN_LIKENESS, SKELETON_WORD_LIKENESS, fuzzy_place, qualifier_matches,
                             transliterated_places)
from .places import PlaceMention, Word, find_places, words
from .registry import LanguageSpec
from .routing import get_language

EXCESS_MARKED_LOWERCASE = 0.9  # a lower-case name after from/to must be this little of a word
AMBIGUOUS_RATIO = 0.5
LONE_WORD_MAX_POPULATION = 500_000
EVERYDAY_ZIPF = 4.0   # once in 100,000 words: an everyday word of the language, not just a talked-about place
SAME_COUNTRY_RATIO = 0.1   # a place this big relative to the first wins when it shares the other end's country   # a second place this big relative to the first (population x fame) is asked about


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
def _articles(code: str) -> frozenset[str]:
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    return frozenset(fold_name(a) or a for a in spec.markers.articles)


@lru_cache(maxsize=128)
def airport_phrases(code: str) -> tuple[tuple[str, ...], ...]:
    """The language's words for an airport, folded into word tuples, longest first."""
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    return tuple(sorted({tuple(fold_name(w).split()) for w in spec.markers.airport_words if fold_name(w)},
                        key=len, reverse=True))


def _past_airport_words(folded: list[str], index: int, step: int, code: str) -> int:
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
    after = _past_airport_words(folded, mention.last_word + 1, +1, code)
    before = _past_airport_words(folded, mention.first_word, -1, code)
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
            if start - n - 1 >= 0 and folded[start - 1] in _articles(code) and \
                    tuple(folded[start - n - 1:start - 1]) == marker:
                return role
    return None


@lru_cache(maxsize=64)
def _curated_case_forms(code: str) -> dict[str, str]:
    """The case forms in a language's curated city names (after the first, which is the name itself)
    -> the role their ending gives: Finnish "Tokioon" -> "to"."""
    _, _, endings = _markers(code)
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


def _stem(mention: PlaceMention) -> str:
    folded = fold_name(mention.surface)
    if mention.prefix and folded.startswith(mention.prefix):
        folded = folded[len(mention.prefix):]
    if mention.suffix and folded.endswith(mention.suffix):
        folded = folded[:-len(mention.suffix)]
    return folded


def _place_like(mention: PlaceMention, role: str | None, code: str) -> bool:
    """A mention that plainly stands for a place, to vouch for another: a code or a firm guess, a
    marked name that is not an everyday word, or an unmarked one that is hardly a word (where the
    language's word list can tell; without one, a capitalised name)."""
    if mention.is_code:
        return not mention.tentative
    likeness = commonness(_stem(mention), code, marked=role is not None)
    lowercase = is_cased(mention.surface) and not mention.capitalized
    if role is not None:
        return likeness < (EXCESS_MARKED_LOWERCASE if lowercase else EXCESS_VERY_COMMON)
    return likeness < EXCESS_COMMON and not (lowercase and not _frequent_set(code))


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

    hits = gazetteer().index.get(_stem(mention), ())
    number = gazetteer().by_code.get(mention.place.code)
    return any(tier <= PRIMARY_TIER and (number is None or gazetteer().places[n].code == mention.place.code)
               for n, tier in hits)


def _is_answer(mention: PlaceMention, text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return sum(ch.isalpha() for ch in mention.surface) >= 0.5 * letters


def _accepted(mention: PlaceMention, role: str | None, found: list[Word], text: str, code: str,
              others: list[tuple[PlaceMention, str | None]]) -> bool:
    """Whether a name is a place here: marked, or named the way a place is (see the module doc)."""
    spec: LanguageSpec = (get_language(code) or get_language("en")).spec
    company = [m for m, r in others if m is not mention and _place_like(m, r, code)]   # the route's other end
    if mention.is_code:   # a guess by sound stands only beside another place, or as the whole answer
        return not mention.tentative or bool(company) or _is_answer(mention, text)
    word_likeness = commonness(_stem(mention), code)
    capitalised = mention.capitalized and not spec.matching.capitalised_nouns   # German nouns: no sign
    lowercase = is_cased(mention.surface) and not capitalised
    if mention.suffix and not role and word_zipf(fold_name(mention.surface), code) >= FREQUENT_ZIPF:
        return False   # an everyday word that only looks like a case form of a name ("lentoa", "Kas")
    if role:  # "to Nice" is a place; "to reading" in lower case is a word
        # alone, an everyday word of the language named like a city of under a million is the word
        zipf = max(word_zipf(_stem(mention), code), word_zipf(fold_name(mention.surface), code))
        own_word = zipf >= FREQUENT_ZIPF and (mention.place.population < LONE_WORD_MAX_POPULATION or (
            not _own_name(mention) and mention.place.country not in home_countries(code)))   # "به ربات", "do karty"
        wordlike = (lowercase and (word_likeness >= EXCESS_COMMON or own_word)) or (not is_cased(mention.surface) and own_word)
        if wordlike and is_frequent_word(_stem(mention), code) and not company:
            return False   # "chegou ao porto", "salva de palmas", "به ربات": a lone everyday word after "to"/"of"
        # "vols de nice à tunis": with the other end plainly a place, a marked name is the route's end
        plain = [(m, r) for m, r in others if m is not mention and r and not m.is_code and
                 commonness(_stem(m), code) < EXCESS_COMMON]
        other_end = any(r != role for _, r in plain) and not any(r == role for _, r in plain)
        return commonness(_stem(mention), code, marked=True) < (
            EXCESS_MARKED_LOWERCASE if lowercase and not other_end else EXCESS_VERY_COMMON)
    marked = [m for m, r in others if r and m is not mention and _place_like(m, r, code)]
    reach = 3 if lowercase else 5   # a capitalised name may carry a qualifier first: "San José, Costa Rica to"
    # after a marked name: its postposition and perhaps an airport word come first ("... हवाई अड्डे से दुबई")
    behind = 4 if _markers(code)[0] == "after" else 2
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
    if not joined or (lowercase and not _frequent_set(code)):
        return False
    return any(fold_name(text[min(m.end, mention.end):max(m.start, mention.start)]) == joined for m in company)


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


def _unknown_candidates(found: list[Word], taken: set[int], code: str) -> list[tuple[str, int, bool]]:
    """Words beside a from/to word that name no known place: after a preposition, before a
    postposition, before "to" ("bostn to chicgo"), and after "से" in postposition languages."""
    position, phrases, _ = _markers(code)
    folded = [w.folded for w in found]
    out = []
    for role in ("from", "to"):
        for marker in phrases[role]:
            n = len(marker)
            for i in range(len(folded) - n + 1):
                if tuple(folded[i:i + n]) != marker:
                    continue
                if position != "after":
                    spots = [(role, _past_airport_words(folded, i + n, +1, code), False)] + \
                            ([("from", i - 1, True)] if role == "to" else [])
                else:
                    spots = [(role, _past_airport_words(folded, i, -1, code) - 1, False)] + \
                            ([("to", i + n, True)] if role == "from" else [])
                for spot_role, j, behind in spots:   # "bostn to": a word the marker does not govern is tentative
                    if 0 <= j < len(found) and j not in taken and not is_unspaced(found[j].text):
                        out.append((spot_role, j, behind))
    _, _, endings = _markers(code)
    for j, word in enumerate(folded):   # a case ending on a name we do not know: "தூத்துக்குடி-யிலிருந்து"
        if j in taken or word.isascii():
            continue
        for role in ("from", "to"):
            if any(len(e) >= 2 and word.endswith(e) and len(word) > len(e) + 2 for e in endings[role]):
                out.append((role, j, True))   # an ending alone: "మొబైల్‌-కి" is "to my mobile" too
                break
    return out


def _guess(found: list[Word], j: int, code: str, taken: set[int]) -> tuple[tuple[Place, ...], int, int]:
    """A word beside a from/to word read as a lower-case code, a typo, or a name in another script
    (one or two words: "सैन फ्रांसिस्को"); returns the places it may be and the words it took."""
    word = found[j]
    if len(word.text) == 3 and word.text.isascii() and word.text.isalpha():
        place = gazetteer().place(word.text)
        if place:
            return (place,), j, j
    if word.folded.isascii():
        place = fuzzy_place(word.folded)
        return ((place,) if place else ()), j, j
    position, _, endings = _markers(code)
    # two words or one: after a preposition the name starts at j, before a postposition it ends there
    spans = ((j - 1, j), (j, j)) if position == "after" else ((j, j + 1), (j, j))
    for first, last in spans:
        if first < 0 or last >= len(found) or any(w.folded.isascii() for w in found[first:last + 1]) or \
                taken & set(range(first, last + 1)):
            continue
        spoken = " ".join(w.text for w in found[first:last + 1])
        for ending in sorted(endings["from"] | endings["to"], key=len, reverse=True):   # "బెంగళూరు-కు"
            if ending and spoken.endswith(ending) and len(spoken) > len(ending) + 2:
                spoken = spoken[:-len(ending)]
                break
        # an everyday word that sounds like a place ("भुगतान", payment) is the word, unless it sounds very
        # close and the place is as talked about as the word is ("बेंगलुरु")
        zipf = max(word_zipf(w.folded, code) for w in found[first:last + 1])
        places = transliterated_places(spoken, SKELETON_WORD_LIKENESS if zipf >= FREQUENT_ZIPF else SKELETON_MIN_LIKENESS)
        if places and (zipf < FREQUENT_ZIPF or zipf - expected_zipf(places[0].population, len(places[0].names)) < EXCESS_COMMON):
            return places, first, last
    return (), j, j


_DASH = regex.compile(r"\s*(?:-|–|—|->|→|>|/)\s*")
_SPACE = regex.compile(r"\s+")


def _plainly_places(first: PlaceMention, second: PlaceMention, code: str) -> bool:
    """Two names side by side read as a route when one is hardly a word, or both are capitalised
    and neither is an everyday word ("Flyg Stockholm Visby")."""
    likeness = (commonness(_stem(first), code), commonness(_stem(second), code))
    if any(value >= (EXCESS_VERY_COMMON if mention.capitalized else EXCESS_MARKED_LOWERCASE)
           for mention, value in zip((first, second), likeness)):
        return False   # "la sala", "una granada": an article or a word beside a name
    return min(likeness) < EXCESS_COMMON or (first.capitalized and second.capitalized)


def _city_airports_joined(candidates: list[tuple[PlaceMention, str | None]], text: str
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


def _route_pairs(candidates: list[tuple[PlaceMention, str | None]], found: list[Word], text: str, code: str
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


_KATAKANA = regex.compile(r"[\p{Katakana}ー・]{3,}")


def _katakana_guesses(found: list[Word], text: str, code: str, mentions: list[PlaceMention]
                      ) -> list[tuple[PlaceMention, str | None]]:
    """A foreign name in katakana right before a from/to particle that names no place we know by it
    ("ワシントンへ"), read by its sound like a name in any other script the data lacks."""
    position, phrases, _ = _markers(code)
    if position != "after":
        return []
    out = []
    for i, word in enumerate(found):
        if not is_unspaced(word.text):
            continue
        for match in _KATAKANA.finditer(word.text):
            start, end = word.start + match.start(), word.start + match.end()
            if any(m.start < end and start < m.end for m in mentions):
                continue
            rest = fold_name(text[end:word.end])
            role = next((r for r in ("from", "to") for marker in phrases[r] if rest.startswith("".join(marker))), None)
            places = transliterated_places(match.group().replace("・", " ")) if role else ()
            if places:
                out.append((PlaceMention(places, start, end, i, i, match.group(), is_code=True), role))
    return out


def _without_ending(name: str, code: str) -> str:
    """A name to say back without the case ending it was heard with ("தூத்துக்குடி-யிலிருந்து")."""
    _, _, endings = _markers(code)
    folded = fold_name(name)
    for ending in sorted(endings["from"] | endings["to"], key=len, reverse=True):
        if len(ending) >= 2 and folded.endswith(ending) and len(folded) > len(ending) + 2 and len(folded) == len(name):
            stem = name[:-len(ending)]
            return stem[:-2] if stem.endswith(("யி", "வி")) else stem   # Tamil: a glide and its vowel sign before it
    return name


def _han_guesses(found: list[Word], text: str, code: str, mentions: list[PlaceMention]
                 ) -> list[tuple[PlaceMention, str | None]]:
    """A foreign name right after 从/到 that the data spells with other characters (波斯顿 for 波士顿),
    read by its pinyin."""
    position, phrases, _ = _markers(code)
    if position != "before" or (get_language(code) or get_language("en")).spec.script != "Han":
        return []
    out = []
    for i, word in enumerate(found):
        if not is_unspaced(word.text):
            continue
        for role in ("from", "to"):
            for marker in ("".join(m) for m in phrases[role] if len(m) == 1):
                for hit in regex.finditer(regex.escape(marker), word.folded):
                    start = word.start + hit.end()
                    if any(m.start <= start < m.end or m.start == start for m in mentions):
                        continue
                    places, length = han_sound_places(text[start:word.end])
                    if places:
                        mention = PlaceMention(places, start, start + length, i, i, text[start:start + length],
                                               is_code=True)
                        out.append((mention, role))
                        mentions = [*mentions, mention]
    return out


def _only_little_words(mention: PlaceMention, found: list[Word], code: str) -> bool:
    """A name made only of the language's from/to words and articles ("a la", Arrah's other name)."""
    little = {w for words in _markers(code)[1].values() for phrase in words for w in phrase} | _articles(code)
    return mention.last_word > mention.first_word and all(
        w.folded in little for w in found[mention.first_word:mention.last_word + 1])


def _names_a_day(mention: PlaceMention, when: frozenset[str]) -> bool:
    """A weekday, month or part of the day that is also a place's name ("çarşamba", "शाम"), unless
    capitalised inside a sentence or marked by a case ending it would not carry as a day."""
    if mention.is_code or mention.first_word != mention.last_word:
        return False
    return fold_name(mention.surface) in when or (_stem(mention) in when and not mention.capitalized)


def read_places(text: str, code: str, *, expecting: str | None = None, not_places: tuple[str, ...] = ()
                ) -> PlaceReading:
    """Origin and destination in `text` (language `code`); `expecting` is the slot just asked for;
    `not_places` are words already read as something else (an airline's name)."""
    found = words(text)
    when = calendar_words(code) | {w for p in airport_phrases(code) for w in p}
    not_guessed = when | {fold_name(n) for n in not_places}   # "de american": an airline, not Americana
    holidays = holiday_spans(text, code)
    candidates = [(mention, role_of(mention, found, code)) for mention in find_places(text, code)
                  if not _names_a_day(mention, when) and not _only_little_words(mention, found, code)
                  and not any(start <= mention.start and mention.end <= end for start, end in holidays)]
    taken = {i for m, _ in candidates for i in range(m.first_word, m.last_word + 1)}
    unknown, unknown_role = None, None
    for role, j, tentative in _unknown_candidates(found, taken, code):
        if j in taken:
            continue
        word = found[j]
        if word.folded in not_guessed:
            continue
        frequent = is_frequent_word(word.folded, code)
        if frequent and word.folded.isascii():
            # "to book", "de ida": words, not typos or codes; but "iz zadra" is Zadar's own case form
            close = fuzzy_place(word.folded, FUZZY_SCORE_WORD)
            places, first, last = ((close,), j, j) if close and word_zipf(word.folded, code) - expected_zipf(
                close.population, len(close.names)) < EXCESS_COMMON else ((), j, j)
        else:
            places, first, last = _guess(found, j, code, taken)
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
            unknown, unknown_role = _without_ending(word.text, code), role
    candidates += _katakana_guesses(found, text, code, [m for m, _ in candidates])
    candidates += _han_guesses(found, text, code, [m for m, _ in candidates])
    candidates.sort(key=lambda item: item[0].start)
    candidates = _route_pairs(_city_airports_joined(candidates, text), found, text, code)
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
