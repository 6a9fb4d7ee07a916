"""How many date expressions `find_date` reads right, per language, beside dateparser alone.

Cases: tests/data/understanding/dates.yaml (what people say, with the date each names when said on
the file's `today`, or null where it names none; `kind` groups them: holiday, ordinal-words ...). dateparser alone is `dateparser.search.search_dates` in that language with
future dates preferred, the library the reader falls back on. Prints per-kind rates, the time per call, and `dates_understood: X` last.
Run: python bench/dates.py [--misses]
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from languages import find_date  # noqa: E402

CASES = ROOT / "tests" / "data" / "understanding" / "dates.yaml"
_DATEPARSER_CODES = {"no": "nb", "tl": "fil"}


def dateparser_alone(text: str, code: str, today: dt.date) -> dt.date | None:
    """The first date dateparser's search finds in `text`, or None."""
    from dateparser.search import search_dates

    try:
        found = search_dates(text, languages=[_DATEPARSER_CODES.get(code, code)],
                             settings={"RELATIVE_BASE": dt.datetime.combine(today, dt.time(12)),
                                       "PREFER_DATES_FROM": "future"})
    except Exception:  # dateparser raises many kinds on odd input; count it as a miss
        return None
    return found[0][1].date() if found else None


def main() -> None:
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    today = dt.date.fromisoformat(str(data["today"]))
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # ours, dateparser, total
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    spent = 0.0
    for case in data["cases"]:
        expected = dt.date.fromisoformat(str(case["date"])) if case["date"] else None
        started = time.perf_counter()
        ours = find_date(case["text"], case["lang"], today)
        spent += time.perf_counter() - started
        baseline = dateparser_alone(case["text"], case["lang"], today) == expected
        for row in (hits[case["lang"]], kinds[case.get("kind", "basic")]):
            row[0] += ours == expected
            row[1] += baseline
            row[2] += 1
        if ours != expected:
            misses.append(f"  {case['lang']} [{case.get('kind', 'basic')}]: {case['text']!r} -> {ours} (want {expected})")
    print(f"{'lang':<6}{'cases':>6}{'find_date':>11}{'dateparser':>12}")
    for lang, (ours, baseline, total) in hits.items():
        print(f"{lang:<6}{total:>6}{ours / total:>11.2f}{baseline / total:>12.2f}")
    print(f"{'kind':<16}{'cases':>6}{'find_date':>11}{'dateparser':>12}")
    for kind, (ours, baseline, total) in sorted(kinds.items()):
        print(f"{kind:<16}{total:>6}{ours:>11}{baseline:>12}")
    total = sum(row[2] for row in hits.values())
    if "--misses" in sys.argv:
        print("misses:", *misses, sep="\n")
    print(f"cases: {total} in {len(hits)} languages, {1000 * spent / total:.2f} ms per find_date")
    print(f"dateparser_alone: {sum(row[1] for row in hits.values()) / total:.2f}")
    print(f"dates_understood: {sum(row[0] for row in hits.values()) / total:.2f}")


if __name__ == "__main__":
    main()
