"""How well the offline agent understands real requests: origin, destination and date, per language.

Each request of `tests/data/understanding/requests.yaml` goes through a fresh `Session` (offline
agent, no voice, `today` from the file) as typed text; what the turn searched for (its `tool_call`)
or, when it asked for more, what it kept, is compared with the expected codes and date. A city code
and any of its airports count as the same place (NYC and JFK both answer "New York"). Then every
sentence of `no_places.yaml` (none names a place) goes through the same reader; any place found
there is a false place. Prints per-language rates, the misses (with --misses), and last
`understood: 0.XX` and `false_places: N`. `--set holdout` reads `holdout.yaml` and
`holdout_no_places.yaml` instead (same formats).
Run: python bench/understanding.py [--set requests|holdout] [--misses] [--lang es,fr]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Session, understand  # noqa: E402
from assistant.events import ToolCall  # noqa: E402
from languages import same_place  # noqa: E402

DATA = ROOT / "tests" / "data" / "understanding"


async def searched(entry: dict, today: dt.date) -> tuple[str | None, str | None, dt.date | None]:
    """What one request made the assistant search for (or keep, when it asked for more)."""
    session = Session(entry["lang"], llm=None, voices=None, today=today)
    async for event in session.handle_text(entry["text"]):
        if isinstance(event, ToolCall):
            args = event.arguments
            return args["origin"], args["destination"], dt.date.fromisoformat(args["date"])
    pending = session.pending
    return pending.origin, pending.destination, pending.date


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="print every request not understood")
    parser.add_argument("--lang", default="", help="only these languages (comma-separated)")
    parser.add_argument("--set", default="requests", choices=["requests", "holdout"],
                        help="which request file of tests/data/understanding/ to run")
    options = parser.parse_args()
    wanted = {c for c in options.lang.split(",") if c}
    data = yaml.safe_load((DATA / f"{options.set}.yaml").read_text(encoding="utf-8"))
    today = data["today"]
    totals, right = defaultdict(int), defaultdict(int)
    began = time.perf_counter()
    for entry in data["requests"]:
        if wanted and entry["lang"] not in wanted:
            continue
        origin, destination, date = await searched(entry, today)
        ok = (same_place(origin, entry["origin"]) and same_place(destination, entry["destination"])
              and date == entry.get("date"))
        totals[entry["lang"]] += 1
        right[entry["lang"]] += ok
        if not ok and options.misses:
            print(f"MISS [{entry['lang']}] {entry['text']!r}: got {origin} {destination} {date}, "
                  f"want {entry['origin']} {entry['destination']} {entry.get('date')}")
    elapsed = time.perf_counter() - began
    false_places = 0
    no_places = "holdout_no_places.yaml" if options.set == "holdout" else "no_places.yaml"
    sentences = yaml.safe_load((DATA / no_places).read_text(encoding="utf-8"))["sentences"]
    for entry in sentences:
        if wanted and entry["lang"] not in wanted:
            continue
        slots = understand(entry["text"], entry["lang"], today)
        if slots.origin or slots.destination or slots.ambiguous:
            false_places += 1
            if options.misses:
                print(f"FALSE [{entry['lang']}] {entry['text']!r}: {slots.origin} {slots.destination} {slots.ambiguous}")
    print(f"{'lang':6} {'n':>4} {'rate':>6}")
    for lang in sorted(totals, key=lambda c: (-totals[c], c)):
        print(f"{lang:6} {totals[lang]:4d} {right[lang] / totals[lang]:6.2f}")
    count = sum(totals.values())
    print(f"requests: {count}, languages: {len(totals)}, {1000 * elapsed / max(count, 1):.1f} ms per turn")
    print(f"no-place sentences: {len(sentences)}")
    print(f"understood: {sum(right.values()) / max(count, 1):.2f}")
    print(f"false_places: {false_places}")


if __name__ == "__main__":
    asyncio.run(main())
