"""The language QA matrix: its checks on hand-made runs, and real runs through the offline engine."""
from __future__ import annotations

import csv
import subprocess
import sys

import numpy as np
import pytest

from assistant.qa import checks as qa_checks
from assistant.qa import CHECKS, CheckStatus, UtteranceRun, check_language, csv_text, resolve_languages
from demo import qa as qa_cli
from languages import ConfigError, all_languages, get_language

from ..conftest import ROOT, TODAY

OFFLINE = {"assistant": "offline", "voice": "espeak", "flight_data": "demo"}


def run(speech: str = "Here are flights.", chat: str = "Here are flights from Madrid to London.", *,
        seconds: float = 2.0, providers=OFFLINE, **fields) -> UtteranceRun:
    values = {"arguments": {"origin": "MAD", "destination": "LON", "date": "2026-11-22"}, "chat_markdown": chat,
              "speech_text": speech, "sample_rate": 16000, "samples": np.zeros(int(seconds * 16000), np.int16),
              "first_audio_ms": 120.0, "providers": dict(providers)}
    return UtteranceRun("from Madrid to London tomorrow", **{**values, **fields})


def test_languages_are_chosen_by_code_or_name_in_registry_order():
    assert resolve_languages("all") == [language.code for language in all_languages()]
    assert resolve_languages("fr, ES") == ["es", "fr"]
    assert resolve_languages(["Japanese", "pt-BR"]) == ["pt", "ja"]
    with pytest.raises(ValueError, match="xx, klingon"):
        resolve_languages("es,xx,klingon")


@pytest.mark.parametrize("speech, found", [
    ("Here are **flights**.", "symbol '*'"),
    ("It costs €124.", "symbol '€'"),
    ("Leaving MAD at eight.", "raw code 'MAD'"),
    ("Iberia IB 3166 leaves at eight.", "raw code 'IB 3166'"),
    ("It leaves at 8 in the morning.", "digits '8'"),
])
def test_unclean_speech_fails_with_what_was_found(speech, found):
    status = qa_checks.check_speech_clean(get_language("en"), [run(speech)])
    assert status == (False, f"{found} in the speech text")


def test_brand_names_and_currency_names_are_not_raw_codes():
    english = get_language("en")
    assert qa_checks.check_speech_clean(english, [run("KLM flight six oh one, for five hundred UAE dirhams.")]) is None
    # digits are fine where num2words cannot spell numbers (Tagalog keeps them)
    assert qa_checks.check_speech_clean(get_language("tl"), [run("Singapore Airlines flight 4 9 3")]) is None


def test_understood_needs_origin_destination_and_a_date():
    english = get_language("en")
    assert qa_checks.check_understood(english, [run()]) is None
    no_date = run(arguments={"origin": "MAD", "destination": "LON", "date": None})
    assert "no date" in qa_checks.check_understood(english, [no_date])[1]
    same = run(arguments={"origin": "MAD", "destination": "MAD", "date": "2026-11-22"})
    assert "both MAD" in qa_checks.check_understood(english, [same])[1]
    assert "no search" in qa_checks.check_understood(english, [run(arguments=None)])[1]


def test_a_reply_in_another_language_or_script_fails():
    japanese, spanish = get_language("ja"), get_language("es")
    english_reply = run("Here are flights from Tokyo to London.")
    assert "mostly Latin" in qa_checks.check_reply_language(japanese, [english_reply])[1]
    # Latin script, but none of the Spanish phrases: the offline agent answered in English
    assert "none of the language's phrases" in qa_checks.check_reply_language(spanish, [english_reply])[1]
    spanish_reply = run("Estos son los vuelos.", chat="Estos son los vuelos de Madrid a Londres el 22 nov.")
    assert qa_checks.check_reply_language(spanish, [spanish_reply]) is None


def test_a_failed_turn_skips_the_checks_that_need_its_reply():
    broken = run(errors=["assistant: KeyError: 'start'"])
    skipped, reason = qa_checks.check_speech_clean(get_language("en"), [broken])
    assert skipped and "KeyError" in reason


def test_audio_must_be_there_and_of_plausible_length():
    english, sentence = get_language("en"), "Here are flights from Madrid to London tomorrow morning."
    assert qa_checks.check_tts_audio(english, [run(sentence, seconds=3.5)]) is None
    assert "0.10 s of audio" in qa_checks.check_tts_audio(english, [run(sentence, seconds=0.1)])[1]
    assert "/s)" in qa_checks.check_tts_audio(english, [run(sentence, seconds=60)])[1]
    silent = run(sentence, providers={**OFFLINE, "voice": "none"})
    assert qa_checks.check_tts_audio(english, [silent])[0] is True   # skipped, not failed


def test_slow_first_audio_fails_against_the_budget():
    slow = run(first_audio_ms=qa_checks.qa_settings().first_audio_budget_ms + 1)
    assert "budget" in qa_checks.check_first_audio(get_language("en"), [slow])[1]


async def test_a_language_runs_through_the_engine_and_passes():
    result = await check_language("es", today=TODAY, llm=None, recogniser=None)
    assert [c.status for c in result.checks.values()] == [CheckStatus.PASS] * (len(CHECKS) - 1) + [CheckStatus.SKIPPED]
    assert "no offline speech model" in result.checks["voice_round_trip"].reason
    assert len(result.runs) == 3 and all(r.arguments["date"] for r in result.runs)
    assert result.runs[0].audio_s > 1.0 and "Londres" in result.runs[0].chat_markdown
    assert "assistant=offline" in result.providers and result.passed
    rows = list(csv.DictReader(csv_text([result]).splitlines()))
    assert rows[0]["code"] == "es" and rows[0]["passed"] == "yes" and rows[0]["understood"] == "pass"


async def test_without_a_voice_the_audio_checks_are_skipped_with_a_reason():
    result = await check_language("fr", today=TODAY, llm=None, voices=None)
    assert result.checks["tts_audio"].status == CheckStatus.SKIPPED
    assert result.checks["first_audio"].reason == "no audio" and result.passed


def test_the_command_line_writes_one_row_per_language(tmp_path, capsys):
    out = tmp_path / "qa.csv"
    assert qa_cli.main(["--languages", "es,ja", "--csv", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["code"] for r in rows] == ["es", "ja"] and "2 of 2 languages passed" in capsys.readouterr().out
    assert qa_cli.main(["--languages", "es,xx"]) == 2 and "unknown language code(s): xx" in capsys.readouterr().err


def test_the_command_line_exits_1_when_a_check_fails(config_copy, tmp_path, capsys):
    qa_file = config_copy / "qa.yaml"
    qa_file.write_text(qa_file.read_text().replace("first_audio_budget_ms: 3000", "first_audio_budget_ms: 0.001"))
    assert qa_cli.main(["--languages", "de", "--csv", str(tmp_path / "qa.csv")]) == 1
    printed = capsys.readouterr().out
    assert "first_audio: " in printed and "failed: de" in printed


def test_a_broken_qa_config_names_the_file_and_field(config_copy, capsys):
    (config_copy / "qa.yaml").write_text("script_tolerance: lots\n")
    with pytest.raises(ConfigError, match="qa.yaml: script_tolerance"):
        qa_checks.qa_settings()
    assert qa_cli.main(["--languages", "es"]) == 2 and "qa.yaml" in capsys.readouterr().err


def test_python_dash_m_demo_qa_runs(tmp_path):
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "demo.qa", "--languages", "fr", "--csv", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").count("\n") == 2 and "1 of 1 languages passed" in done.stdout


@pytest.mark.parametrize("code", [language.code for language in all_languages()])
def test_the_language_lint_finds_nothing_in_every_language(code):
    total, findings = qa_checks.lint_findings(get_language(code), [])
    assert total >= 20
    assert findings == []


def test_the_lint_column_fails_with_the_rule_and_the_offending_text():
    bad = run(speech="Voici les vols pour le deux décembre.", chat="**Voici les vols pour le mer. 2 déc..**")
    status = qa_checks.check_language_lint(get_language("fr"), [bad])
    assert status is not None and status[0] is False
    assert status[1].startswith("1 of 25 replies; 'from Madrid to London tomorrow': doubled_punctuation (chat): ")
    assert "déc.." in status[1]
    assert "language_lint" in CHECKS

def test_character_error_rate_ignores_case_and_punctuation():
    assert qa_checks.character_error_rate("From Madrid to London!", "from madrid, to london") == 0.0
    assert qa_checks.character_error_rate("abcd", "abxd") == 0.25
    assert qa_checks.character_error_rate("abc", "") == 1.0 and qa_checks.character_error_rate("", "") == 0.0


def test_the_round_trip_fails_when_the_words_lead_to_another_search():
    from assistant.qa import RoundTrip

    typed = run(arguments={"origin": "MAD", "destination": "LON", "date": "2026-11-22"})
    typed.round_trip = RoundTrip(heard="from Madrid to Lisbon tomorrow", cer=0.05,
                                 arguments={"origin": "MAD", "destination": "LIS", "date": "2026-11-22"})
    skipped, reason = qa_checks.check_voice_round_trip(get_language("en"), [typed])
    assert not skipped and "LIS" in reason
    typed.round_trip.arguments = dict(typed.arguments)
    assert qa_checks.check_voice_round_trip(get_language("en"), [typed]) is None


def test_the_drill_down_shows_what_the_offline_recogniser_heard():
    from assistant.qa import CheckResult, LanguageResult, RoundTrip
    from demo.tabs.language_qa import detail_markdown

    heard, missed = run(), run()
    heard.round_trip = RoundTrip(heard="from Madrid to London tomorrow", cer=0.0, arguments=dict(heard.arguments))
    missed.round_trip = RoundTrip(heard="", cer=1.0, rejected="loop")
    checks = {name: CheckResult(name, CheckStatus.PASS) for name in CHECKS}
    text = detail_markdown(LanguageResult("en", "English", checks, [heard, missed], "", 1.0))
    assert "heard by the offline recogniser: “from Madrid to London tomorrow”, CER 0.00" in text
    assert "nothing (loop), CER 1.00" in text
