"""Places in a sentence, in any language and script, from the world gazetteer; naming them back.

A sentence is cut into words (runs of Han, kana or Thai are scanned for names as substrings); each
run of up to `max_words` words is looked up as a folded name, also without a glued prefix
(Hebrew "ל", Arabic "ب") and, for inflected languages, without a case ending ("Berlinie",
"서울에서", "Ankara'dan"). Airport codes count when written in capitals ("JFK") or right after a
from/to word. Whether a mention is a place at all is decided by the reader (assistant/understanding).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .folding import fold_name, is_cased, is_unspaced, virama_after
from .gazetteer import KIND_WEIGHT, Place, gazetteer
from .registry import cities_file
from .routing import get_language
from .scripts import char_script

_TOKEN = regex.compile(   # zero-width (non-)joiners stay inside an Indic or Persian word ("కోల్‌కతా")
    r"[\p{Han}\p{Hiragana}\p{Katakana}ー]+|[\p{Thai}]+"
    r"|(?:(?![\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}])[\p{L}\p{M}\u200c\u200d])+(?:(?:['’]|(?<=\p{Hebrew})[\"״׳]"
    r"(?=\p{Hebrew}))(?:(?![\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}])[\p{L}\p{M}\u200c\u200d])+)*")   # נתב"ג
MAX_SUFFIX = 6


@dataclass(frozen=True)
class Word:
    """One word of a sentence: where it is, as written, and folded."""

    start: int
    end: int
    text: str
    folded: str


@dataclass(frozen=True)
class PlaceMention:
    """A name found in a sentence: the places it may mean (best first) and how it was written."""

    places: tuple[Place, ...]
    start: int                 # character offsets in the original text
    end: int
    first_word: int            # word indices (the same word for a name inside a Han/kana/Thai run)
    last_word: int
    surface: str
    prefix: str = ""           # glued prefix, folded ("ל")
    suffix: str = ""           # case ending or particle, folded ("dan", "에서")
    before: str = ""           # rest of a Han/kana/Thai run before and after the name
    after: str = ""
    is_code: bool = False      # an airport code, or a guess (a typo, a lower-case code, a name by its sound)
    tentative: bool = False    # a guess that counts only beside the route's other end ("bostn" before "to")

    @property
    def place(self) -> Place:
        return self.places[0]

    @property
    def capitalized(self) -> bool:
        return is_cased(self.surface) and self.surface[:1].isupper()


def fold_prefix(prefix: str) -> str:
    """A glued prefix folded like the word it is glued to: French "d’" stays "d'" (alone it folds to "d")."""
    return fold_name(prefix + "x")[:-1]


def words(text: str) -> list[Word]:
    """The words of `text`, each folded like the gazetteer's names."""
    return [Word(m.start(), m.end(), m.group(), fold_name(m.group())) for m in _TOKEN.finditer(text)]


def _mention(places: list[Place], text: str, first: Word, last: Word, i: int, j: int, **extra) -> PlaceMention:
    unique = tuple({p.code: p for p in reversed(places)}.values())[::-1]
    return PlaceMention(unique, first.start, last.end, i, j, text[first.start:last.end], **extra)


# Letters a name's nominative ends in that a case form replaces ("Brno" -> "z Brna", "Ρόδος" -> "Ρόδο",
# "Анталья" -> "в Анталью", "Rovaniemi" -> "Rovaniemeltä"): vowels, soft and short signs, Greek final s.
_STEM_VOWELS = "aeiouyαεηιουωσςаеёиоуыэюяйьєії"


def stem_key(folded: str) -> str:
    """A name or word without its final vowels (see `_STEM_VOWELS`): the part case forms share."""
    return folded.rstrip(_STEM_VOWELS)


@lru_cache(maxsize=1)
def _stems() -> dict[str, tuple[str, ...]]:
    """Stem keys of names (a name's final one or two vowels dropped) -> those names, for inflected
    languages; names ending in a consonant are their own key ("ниш" is Niš before Nishio's "нишио")."""
    stems: dict[str, list[str]] = {}
    for name in gazetteer().index:
        key = stem_key(name)
        if len(name) - len(key) <= 2 and len(key.rsplit(" ", 1)[-1]) >= 3 and not is_unspaced(name):
            stems.setdefault(key, []).append(name)
            if key == name and len(name) >= 5 and name[-2] in "aeo" and name[-3] not in _STEM_VOWELS:
                stems.setdefault(name[:-2] + name[-1], []).append(name)   # a fleeting vowel: Zadar, z Zadr-a
    return {key: tuple(sorted(names, key=len)) for key, names in stems.items()}


def _stem_lookup(parts: list[str], last: str, capitalised: bool) -> tuple[list[Place], str]:
    """Places whose name's stem the last word carries with a case ending that starts with a vowel
    ("kosic", "Brn-a", "malag-y", "rovaniem-eltä", "самар-ы"), biggest first; and the ending.
    A stem of three letters only for a capitalised word with an ending, inside a sentence."""
    index = gazetteer()
    for cut in range(0, min(MAX_SUFFIX, len(last)) + 1):
        key = stem_key(last[:len(last) - cut])
        ending = last[len(key):]
        if len(key) < (3 if capitalised and ending else 4) or len(ending) > 4 or \
                (ending and ending[0] not in _STEM_VOWELS):
            continue
        names = _stems().get(" ".join([*parts, key]))
        hits = {p for name in names or () for p in index.lookup(name, own_names_only=len(last) < 4)}
        if hits:
            return sorted(hits, key=lambda p: (-p.population * KIND_WEIGHT[p.kind], p.code)), ending
    return [], ""


def _indic_stems(stem: str) -> tuple[str, ...]:
    """A stem as cut, and in Brahmic scripts also with the virama its last consonant had before a
    vowel-initial ending joined it: "கோயம்புத்தூர்" + "இலிருந்து" is written "கோயம்புத்தூரிலிருந்து"."""
    virama = virama_after(stem[-1]) if stem else None
    return (stem, stem + virama) if virama else (stem,)


def _spaced_match(found: list[Word], i: int, text: str, prefixes: tuple[str, ...], inflected: bool,
                  max_words: int, endings: tuple[str, ...] = (), marked: bool = False) -> PlaceMention | None:
    """The longest name starting at word `i`; `marked` when a from/to word comes right before it
    (then a short stem may be a name even in lower case: "z brna", "из ниша")."""
    index = gazetteer()
    for n in range(min(max_words, len(found) - i), 0, -1):
        parts = [w.folded for w in found[i:i + n]]
        if not all(parts):
            continue
        name = fold_name(" ".join(parts)) if n > 1 else parts[0]   # "st louis" -> "saint louis"
        hits = index.lookup(name)
        if hits:
            return _mention(hits, text, found[i], found[i + n - 1], i, i + n - 1)
        for prefix in prefixes:
            if parts[0].startswith(prefix) and len(parts[0]) > len(prefix) + 1:
                hits = index.lookup(" ".join([parts[0][len(prefix):], *parts[1:]]), own_names_only=True)
                if hits:
                    return _mention(hits, text, found[i], found[i + n - 1], i, i + n - 1, prefix=prefix)
        last = parts[-1]
        capitalised_inside = found[i + n - 1].text[:1].isupper() and i + n - 1 > 0
        if "'" in last:
            stem, _, ending = last.partition("'")
            hits = index.lookup(fold_name(" ".join([*parts[:-1], stem])))   # "st. louis'e" -> "saint louis"
            if hits:
                return _mention(hits, text, found[i], found[i + n - 1], i, i + n - 1, suffix="'" + ending)
        for ending in endings:   # the language's own case endings, of any length, and a glide before them
            if last.endswith(ending) and len(last) > len(ending) + 1:
                stem = last[:-len(ending)]
                # in a cased script a stem under four letters only for a capitalised word inside a sentence
                shortest = 2 if not is_cased(last) else 3 if capitalised_inside else 4
                for extra in range(0, 3):   # Tamil "சென்னை-யி-லிருந்து": a glide and a vowel sign
                    if len(stem) - extra < shortest:
                        break
                    for form in _indic_stems(stem[:len(stem) - extra]):
                        hits = index.lookup(" ".join([*parts[:-1], form]))
                        if hits:
                            return _mention(hits, text, found[i], found[i + n - 1], i, i + n - 1, suffix=ending)
        if inflected:
            hangul = char_script(last[0]) == "Hangul"   # a Hangul syllable is two or three letters
            hits, ending = ([], "") if hangul else _stem_lookup(parts[:-1], last, capitalised_inside or (marked and n == 1))
            if hits:
                return _mention(hits, text, found[i], found[i + n - 1], i, i + n - 1, suffix=ending)
            # a stem of three letters only for a capitalised word ("z Brna", "из Ниша"): "sab-ahı" is not a place
            shortest = 2 if hangul else 3 if found[i + n - 1].text[:1].isupper() else 4
            for cut in range(1, min(MAX_SUFFIX, len(last) - shortest) + 1):
                if not hangul and last[-cut] not in _STEM_VOWELS and last[-cut:] not in endings:
                    continue   # a case ending starts with a vowel unless the language lists it: not "Mari-bora"
                hits = index.lookup(" ".join([*parts[:-1], last[:-cut]]), own_names_only=not hangul and
                                    len(last) - cut < 4 and not found[i + n - 1].text[:1].isupper())
                if hits:
                    return _mention(hits, text, found[i], found[i + n - 1], i, i + n - 1, suffix=last[-cut:])
    return None


def _unspaced_matches(word: Word, i: int, text: str) -> list[PlaceMention]:
    index = gazetteer()
    folded, found, position = word.folded, [], 0
    while position < len(folded):
        for length in index.unspaced_lengths:
            name = folded[position:position + length]
            if len(name) == length and (length > 1) and (hits := index.lookup(name)):
                start = word.start + position
                found.append(PlaceMention(
                    tuple({p.code: p for p in reversed(hits)}.values())[::-1], start, start + length, i, i,
                    text[start:start + length], before=folded[:position], after=folded[position + length:]))
                position += length
                break
        else:
            position += 1
    return found


def _code_match(word: Word, i: int, text: str, *, shouting: bool) -> PlaceMention | None:
    raw = word.text
    if len(raw) != 3 or not raw.isascii() or not raw.isalpha() or (shouting or not raw.isupper()):
        return None
    place = gazetteer().place(raw)
    return PlaceMention((place,), word.start, word.end, i, i, raw, is_code=True) if place else None


@lru_cache(maxsize=64)
def _marker_words(code: str) -> tuple[frozenset[str], frozenset[str]]:
    """The language's one-word from/to words and articles, folded (what may stand right before a
    name); and every word of its from/to phrases and articles (the little words no name is made of)."""
    markers = (get_language(code) or get_language("en")).spec.markers
    folded = [fold_name(w) for w in (*markers.from_.words, *markers.to.words, *markers.articles)]
    return (frozenset(f for f in folded if f and " " not in f),
            frozenset(part for f in folded for part in f.split()))


@lru_cache(maxsize=64)
def _affixes(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The language's glued prefixes and case endings (two letters or more), folded, longest first."""
    spec = (get_language(code) or get_language("en")).spec
    prefixes = {fold_prefix(p) for p in spec.matching.attached_prefixes} - {""}
    endings = {fold_name(e).lstrip("'") for e in (*spec.markers.from_.suffixes, *spec.markers.to.suffixes)}
    return (tuple(sorted(prefixes, key=len, reverse=True)),
            tuple(sorted((e for e in endings if len(e) > 1), key=len, reverse=True)))


def find_places(text: str, code: str) -> list[PlaceMention]:
    """Every name of a place in `text` (language `code` decides prefixes and case endings), in order."""
    language = get_language(code) or get_language("en")
    spec = language.spec
    prefixes, endings = _affixes(language.code)
    found = words(text)
    marker_words, little_words = _marker_words(language.code)
    letters = [ch for ch in text if ch.isalpha() and is_cased(ch)]
    shouting = len(letters) > 8 and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)
    mentions: list[PlaceMention] = []
    max_words = gazetteer().max_words
    i = 0
    while i < len(found):
        word = found[i]
        if word.start >= 2 and text[word.start - 1] in "'’" and text[word.start - 2].isdigit():
            i += 1   # a case ending on a number: "20'sinde"
            continue
        if is_unspaced(word.text):
            mentions += _unspaced_matches(word, i, text)
            i += 1
            continue
        mention = _code_match(word, i, text, shouting=shouting) or _spaced_match(
            found, i, text, prefixes, spec.matching.inflected, max_words, endings,
            marked=i > 0 and found[i - 1].folded in marker_words)
        if mention and mention.last_word > i and all(w.folded in little_words for w in found[i:mention.last_word + 1]):
            mention = None   # "a la" (Arrah's other name) is two little words: "a La Paz" is La Paz
        if mention:
            mentions.append(mention)
            i = mention.last_word + 1
        else:
            i += 1
    return mentions


def city_code_for(code: str) -> str | None:
    """The gazetteer city for a city or airport code (LHR -> LON), or None if not listed."""
    place = gazetteer().place(code)
    if place is None:
        return None
    if place.kind == "airport":
        host = _host_city(place.airports[0])
        return host.code if host else place.code
    return place.code


@lru_cache(maxsize=1)
def _hosts() -> dict[str, Place]:
    index = gazetteer()
    hosts: dict[str, Place] = {}
    for place in index.places:
        if place.kind == "city":
            for airport in place.airports:
                current = hosts.get(airport)
                if current is None or (current.code != airport and place.code == airport):
                    hosts[airport] = place
    for city in cities_file().cities:  # curated metros group their airports first
        for airport in city.airports:
            curated = index.place(city.code)
            if curated:
                hosts[airport] = curated
    return hosts


def _host_city(airport: str) -> Place | None:
    return _hosts().get(airport.upper())


def same_place(found: str | None, expected: str | None) -> bool:
    """Whether two codes name the same place: equal, or a city code and one of its airports (NYC, JFK)."""
    if found is None or expected is None:
        return found == expected
    if found.upper() == expected.upper():
        return True
    city = city_code_for(found)
    if city is not None and city == city_code_for(expected):
        return True
    return bool(set(city_airports(found)) & set(city_airports(expected)))


def city_airports(code: str) -> list[str]:
    """Airports of a city code, main one first; a plain airport code returns itself."""
    place = gazetteer().place(code)
    if place is None or place.kind == "airport":
        return [code.upper()]
    return list(place.airports)


def _name_in_script(place: Place, script: str, language_code: str) -> str | None:
    """The place's name in `script` that the language uses most (wordfreq), then the one that sounds
    most like its own name: GeoNames lists Belarusian "Бостан" beside Russian "Бостон" untagged."""
    from anyascii import anyascii
    from rapidfuzz import fuzz

    from .common_words import word_zipf

    allowed = {"Japanese", "Han"} if script == "Japanese" else {script}
    own = fold_name(place.name)
    best = None
    for rank, name in enumerate(place.names):
        scripts = {char_script(ch) for ch in name if ch.isalpha()}
        if not scripts or not scripts <= allowed or "," in name or len(name) > 30:
            continue
        kana_first = 0 if "Japanese" in scripts or script != "Japanese" else 1
        score = (kana_first, -word_zipf(fold_name(name), language_code),
                 -fuzz.ratio(fold_name(anyascii(name)), own), rank)
        if best is None or score < best[0]:
            best = (score, name)
    return best[1] if best else None


def city_name(code: str, language_code: str) -> str | None:
    """The name of the place of a city or airport code in a language ("LHR", "es" -> "Londres")."""
    place = gazetteer().place(code)
    if place is None:
        return None
    host = _host_city(code) if place.kind == "airport" else place
    language = get_language(language_code)
    if language and host is not None:
        curated = language.spec.city_names.get(host.code)
        if curated:
            return curated[0]
    if place.kind == "airport" and host is not None and host.code != place.code:
        place = host
    if language and language.spec.script != "Latin":
        local = _name_in_script(place, language.spec.script, language.code)
        if local:
            return local
    return place.name


def place_label(code: str, language_code: str, *, beside: str | None = None) -> str:
    """A place's name with what tells it apart from `beside` (another code of the same name):
    its region when both are in one country ("Portland, Maine"), else its country ("San José, Costa Rica")."""
    name = city_name(code, language_code) or code
    place, other = gazetteer().place(code), gazetteer().place(beside) if beside else None
    if place is None:
        return name
    if other is not None and other.country == place.country and place.subdivision:
        return f"{name}, {place.subdivision}"
    from babel import Locale, UnknownLocaleError

    try:
        country = Locale.parse(language_code.replace("-", "_")).territories.get(place.country, place.country)
    except (UnknownLocaleError, ValueError):
        country = place.country
    return f"{name}, {country}"


def prepare() -> None:
    """Build the stem index and the airport hosts ahead of the first sentence."""
    _stems()
    _hosts()


def clear_caches() -> None:
    """Forget the gazetteer and the airport hosts read from it (tests point the configs elsewhere)."""
    from . import gazetteer as gazetteer_module

    _stems.cache_clear()
    _marker_words.cache_clear()
    _affixes.cache_clear()
    gazetteer_module.gazetteer.cache_clear()
    gazetteer_module.places_file.cache_clear()
    _hosts.cache_clear()
