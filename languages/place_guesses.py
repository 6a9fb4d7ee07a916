"""Guessing a place the gazetteer has under no name the sentence uses, beside a from/to word: a
lower-case code, a typo, a name in a script or spelling the data lacks read by its sound
("डलास", "ワシントンへ", "波斯顿"), or a case form of a name we do not know, to name it back."""
from __future__ import annotations

import regex

from .common_words import EXCESS_COMMON, FREQUENT_ZIPF, expected_zipf, word_zipf
from .folding import fold_name, is_unspaced
from .gazetteer import Place, gazetteer
from .place_matching import (FUZZY_SCORE_WORD, SKELETON_MIN_LIKENESS, SKELETON_WORD_LIKENESS, fuzzy_place, han_sound_places,
                             transliterated_places)
from .place_roles import markers_of, past_airport_words
from .places import PlaceMention, Word
from .routing import get_language


def unknown_candidates(found: list[Word], taken: set[int], code: str) -> list[tuple[str, int, bool]]:
    """Words beside a from/to word that name no known place: after a preposition, before a
    postposition, before "to" ("bostn to chicgo"), and after "से" in postposition languages."""
    position, phrases, _ = markers_of(code)
    folded = [w.folded for w in found]
    out = []
    for role in ("from", "to"):
        for marker in phrases[role]:
            n = len(marker)
            for i in range(len(folded) - n + 1):
                if tuple(folded[i:i + n]) != marker:
                    continue
                if position != "after":
                    spots = [(role, past_airport_words(folded, i + n, +1, code), False)] + \
                            ([("from", i - 1, True)] if role == "to" else [])
                else:
                    spots = [(role, past_airport_words(folded, i, -1, code) - 1, False)] + \
                            ([("to", i + n, True)] if role == "from" else [])
                for spot_role, j, behind in spots:   # "bostn to": a word the marker does not govern is tentative
                    if 0 <= j < len(found) and j not in taken and not is_unspaced(found[j].text):
                        out.append((spot_role, j, behind))
    _, _, endings = markers_of(code)
    for j, word in enumerate(folded):   # a case ending on a name we do not know: "தூத்துக்குடி-யிலிருந்து"
        if j in taken or word.isascii():
            continue
        for role in ("from", "to"):
            if any(len(e) >= 2 and word.endswith(e) and len(word) > len(e) + 2 for e in endings[role]):
                out.append((role, j, True))   # an ending alone: "మొబైల్‌-కి" is "to my mobile" too
                break
    return out


def guess(found: list[Word], j: int, code: str, taken: set[int], *, frequent: bool = False
          ) -> tuple[tuple[Place, ...], int, int]:
    """A word beside a from/to word read as a lower-case code, a typo, or a name in another script
    (one or two words: "सैन फ्रांसिस्को"); returns the places it may be and the words it took.
    An everyday word (`frequent`) in Latin letters is no code and no typo ("to book", "de ida"),
    only a place's own case form: very close to a name and as talked about as the word ("iz zadra")."""
    word = found[j]
    if frequent and word.folded.isascii():
        close = fuzzy_place(word.folded, FUZZY_SCORE_WORD)
        if close and word_zipf(word.folded, code) - expected_zipf(close.population, len(close.names)) < EXCESS_COMMON:
            return (close,), j, j
        return (), j, j
    if len(word.text) == 3 and word.text.isascii() and word.text.isalpha():
        place = gazetteer().place(word.text)
        if place:
            return (place,), j, j
    if word.folded.isascii():
        place = fuzzy_place(word.folded)
        return ((place,) if place else ()), j, j
    position, _, endings = markers_of(code)
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


_KATAKANA = regex.compile(r"[\p{Katakana}ー・]{3,}")


def katakana_guesses(found: list[Word], text: str, code: str, mentions: list[PlaceMention]
                      ) -> list[tuple[PlaceMention, str | None]]:
    """A foreign name in katakana right before a from/to particle that names no place we know by it
    ("ワシントンへ"), read by its sound like a name in any other script the data lacks."""
    position, phrases, _ = markers_of(code)
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


def han_guesses(found: list[Word], text: str, code: str, mentions: list[PlaceMention]
                 ) -> list[tuple[PlaceMention, str | None]]:
    """A foreign name right after 从/到 that the data spells with other characters (波斯顿 for 波士顿),
    read by its pinyin."""
    position, phrases, _ = markers_of(code)
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
