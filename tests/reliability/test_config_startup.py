"""Broken configuration, through the real start: `python app.py` refuses with one line naming the
file and the field, for every file in configs/.

tests/unit/test_config.py already checks the loaders in-process (environments.yaml's wrong type,
unknown field and bad YAML, app.yaml missing, a missing phrase) and one subprocess start (app.yaml,
wrong type). What is new here is the subprocess check across every config file.

Constraint: each start imports gradio and fastrtc (~4 s of CPU), so the normal run breaks every
file once (the kinds rotated so each kind occurs) and `--slow` runs every file x every kind. The
starts run two at a time from a module fixture: that is why the broken copies are made here with
`config_copy`'s recipe (a copy of configs/ without `_parts`, read through POLYGLOT_CONFIG_DIR)
rather than the function-scoped fixture itself.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.conftest import free_port
from tests.conftest import PROVIDER_VARIABLES, ROOT

FILES = ["app.yaml", "voice.yaml", "environments.yaml", "languages.yaml", "cities.yaml", "airlines.yaml",
         "flight_search.yaml", "scenarios.yaml"]
KINDS = ["bad_yaml", "unknown_field", "wrong_type", "missing_file"]
WRONG_TYPE = {   # file: (text in the shipped file, broken text, the field the message must name)
    "app.yaml": ("max_flights_chat: 6", "max_flights_chat: six", "max_flights_chat"),
    "voice.yaml": ("stt_keepalive_s: 4", "stt_keepalive_s: often", "stt_keepalive_s"),
    "environments.yaml": ("threshold: 0.25", "threshold: high", "presets.quiet.threshold"),
    "languages.yaml": ("tts: {cartesia: true, espeak_voice: en-us}", "tts: {cartesia: maybe, espeak_voice: en-us}",
                       "languages[0].tts.cartesia"),
    "cities.yaml": ("airports: [LHR, LGW, STN, LCY]", "airports: LHR", "cities[0].airports"),
    "airlines.yaml": ("long_haul: true", "long_haul: sometimes", "airlines[0].long_haul"),
    "flight_search.yaml": ("hedge_delay_s: 1.5", "hedge_delay_s: soon", "hedge_delay_s"),
    "scenarios.yaml": ("faults: {}", "faults: [amadeus]", "scenarios.all_healthy.faults"),
}
PHRASE_LINE = '      one_moment: "One moment, please."\n'
QUICK = [("app.yaml", "unknown_field"), ("voice.yaml", "wrong_type"), ("environments.yaml", "bad_yaml"),
         ("languages.yaml", "missing_phrase"), ("cities.yaml", "missing_file"), ("airlines.yaml", "wrong_type"),
         ("flight_search.yaml", "unknown_field"), ("scenarios.yaml", "bad_yaml")]
EVERY = [(f, k) for f in FILES for k in KINDS] + [("languages.yaml", "missing_phrase")]
TEST_NAME = "test_a_broken_config_stops_the_app_with_one_line"


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = EVERY if metafunc.config.getoption("--slow", default=False) else QUICK
        metafunc.parametrize("case", cases, ids=[f"{f}-{k}" for f, k in cases])


def expected_field(file: str, kind: str) -> str:
    """A regex for the field the message must name ('' for a missing file: there is none)."""
    return {"bad_yaml": r"line \d+", "unknown_field": "surprise_field", "missing_file": "",
            "missing_phrase": re.escape("languages[0].phrases") + ".*one_moment",
            "wrong_type": re.escape(WRONG_TYPE[file][2])}[kind]


def break_config(folder: Path, file: str, kind: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    if kind == "missing_file":
        path.unlink()
        return
    if kind == "bad_yaml":
        text += "\nbroken: [unclosed\n"
    elif kind == "unknown_field":
        text += "\nsurprise_field: 1\n"
    elif kind == "wrong_type":
        before, after, _ = WRONG_TYPE[file]
        assert before in text, f"{file} no longer has {before!r}: update WRONG_TYPE"
        text = text.replace(before, after, 1)
    elif kind == "missing_phrase":
        assert PHRASE_LINE in text
        text = text.replace(PHRASE_LINE, "", 1)
    path.write_text(text, encoding="utf-8")


def start_app(folder: Path) -> tuple[int, str]:
    """`python app.py` on the broken copy: (exit code, stdout and stderr interleaved)."""
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_VARIABLES}
    env.update(POLYGLOT_CONFIG_DIR=str(folder), GRADIO_SERVER_PORT=str(free_port()),
               GRADIO_ANALYTICS_ENABLED="False")
    try:
        done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=90, check=False)
    except subprocess.TimeoutExpired as exc:   # it started despite the broken file (and was killed)
        return -9, (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else str(exc.stdout)
    return done.returncode, done.stdout


@pytest.fixture(scope="module")
def startups(request, tmp_path_factory) -> dict[tuple[str, str], tuple[int, str]]:
    """Every selected case started once, two at a time (the machine has two shared cores)."""
    cases = [item.callspec.params["case"] for item in request.session.items
             if getattr(item, "originalname", "") == TEST_NAME and hasattr(item, "callspec")]

    def run(case: tuple[str, str]) -> tuple[int, str]:
        folder = tmp_path_factory.mktemp("broken") / "configs"
        shutil.copytree(ROOT / "configs", folder, ignore=shutil.ignore_patterns("_parts"))
        break_config(folder, *case)
        return start_app(folder)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(cases, pool.map(run, cases)))


def test_a_broken_config_stops_the_app_with_one_line(case, startups):
    file, kind = case
    code, output = startups[case]
    lines = [line for line in output.splitlines() if line.strip()]
    assert code not in (0, -9), f"the app started with a broken {file}:\n{output[-1500:]}"
    assert "Traceback" not in output, output[-3000:]
    last = lines[-1]
    assert last.startswith("Polyglot Console cannot start: configuration error in "), last
    assert re.search(rf"(^|[\s/]){re.escape(file)}: ", last), f"the file is not named: {last}"
    assert re.search(expected_field(file, kind), last), f"the field is not named: {last}"
    if kind == "missing_file":
        assert "file is missing" in last
