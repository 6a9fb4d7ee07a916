"""The language QA matrix from the command line (CI, night runs).

    python -m demo.qa --languages all --csv out.csv
    python -m demo.qa --languages es,fr

One CSV row per language; a summary table on stdout; exit code 1 when any check fails, 2 when the
arguments or the configuration are wrong. Providers come from the environment, as in the app.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from assistant.qa import CHECKS, CheckStatus, LanguageResult, resolve_languages, run_matrix, write_csv
from assistant.qa.checks import qa_settings
from languages import ConfigError

from .startup import validate_all

MARKS = {CheckStatus.PASS: "ok", CheckStatus.FAIL: "FAIL", CheckStatus.SKIPPED: "skip"}
HEADINGS = {"route": "route", "greeting_script": "greet", "understood": "parse", "reply_language": "lang",
            "speech_clean": "clean", "language_lint": "lint", "tts_audio": "tts", "first_audio": "1st",
            "voice_round_trip": "trip"}


def summary_line(result: LanguageResult) -> str:
    """One line per language: code, each check's mark, the slowest first audio, the first failure."""
    marks = " ".join(f"{MARKS[result.checks[name].status]:>5}" for name in CHECKS)
    first_audio = "-" if result.first_audio_ms is None else f"{result.first_audio_ms:.0f}"
    failures = [f"{name}: {check.reason}" for name, check in result.checks.items() if check.status == CheckStatus.FAIL]
    return f"{result.code:<6}{marks} {first_audio:>7}  {failures[0] if failures else ''}"


async def _run(codes: list[str], csv_path: Path | None) -> int:
    print(f"{'code':<6}" + " ".join(f"{HEADINGS[name]:>5}" for name in CHECKS) + f" {'ms':>7}")
    results = []
    async for result in run_matrix(codes, keep_audio=False):
        results.append(result)
        print(summary_line(result), flush=True)
    failed = [r.code for r in results if not r.passed]
    if csv_path is not None:
        write_csv(results, csv_path)
        print(f"wrote {csv_path}")
    print(f"{len(results) - len(failed)} of {len(results)} languages passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.qa", description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", default="all", help="'all' or codes separated by commas (es,fr,ja)")
    parser.add_argument("--csv", type=Path, help="write one row per language to this CSV file")
    args = parser.parse_args(argv)
    try:
        validate_all()
        qa_settings()
        codes = resolve_languages(args.languages)
    except (ValueError, ConfigError) as exc:
        print(f"demo.qa: {exc}", file=sys.stderr)
        return 2
    if not codes:
        print("demo.qa: no languages selected", file=sys.stderr)
        return 2
    return asyncio.run(_run(codes, args.csv))


if __name__ == "__main__":
    sys.exit(main())
