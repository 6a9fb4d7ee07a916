"""Broken or missing configuration files fail with one line naming the file and the field."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.settings import app_settings, environment_presets
from demo.startup import validate_all
from languages import ConfigError

from ..conftest import ROOT


def test_seed_environment_presets():
    presets = environment_presets()
    assert (presets["quiet"].min_silence_s, presets["quiet"].threshold) == (0.6, 0.25)
    assert (presets["quiet"].prefix_padding_s, presets["quiet"].min_speaking_s) == (0.1, 0.1)
    assert (presets["medium"].min_silence_s, presets["medium"].threshold) == (0.8, 0.3)
    assert (presets["noisy"].min_silence_s, presets["noisy"].threshold) == (1.0, 0.4)


def test_all_shipped_configs_validate():
    validate_all()


@pytest.mark.parametrize("content, field, words", [
    ("presets:\n  quiet:\n    label: Q\n    min_silence_s: lots\n    threshold: 0.2\n"
     "    prefix_padding_s: 0.1\n    min_speaking_s: 0.1\n", "presets.quiet.min_silence_s", "number"),
    ("presets:\n  quiet:\n    label: Q\n    min_silence_s: 0.6\n    threshold: 0.2\n"
     "    prefix_padding_s: 0.1\n    min_speaking_s: 0.1\n    volume: 11\n", "presets.quiet.volume", "not permitted"),
    ("presets: [unclosed\n", "line", "not valid YAML"),
    ("", "", "empty"),
])
def test_broken_environment_file(config_copy, content, field, words):
    (config_copy / "environments.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        environment_presets()
    message = str(caught.value)
    assert "environments.yaml" in message and field in message and words in message
    assert "\n" not in message


def test_missing_file(config_copy):
    (config_copy / "app.yaml").unlink()
    with pytest.raises(ConfigError, match=r"app\.yaml: file is missing"):
        app_settings()


def test_missing_phrase_is_named(config_copy):
    path = config_copy / "languages.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('      one_moment: "One moment, please."\n', "", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"languages\.yaml: languages\[0\]\.phrases: .*missing phrase 'one_moment'"):
        validate_all()


@pytest.mark.parametrize("name, content, words", [
    ("holidays.yaml", "holidays:\n  - names: {en: [christmas]}\n", "exactly one of date"),
    ("places.yaml", "aliases: [not, a, mapping]\n", "aliases"),
])
def test_broken_holiday_and_place_files_stop_the_start_with_one_line(config_copy, name, content, words):
    (config_copy / name).write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        validate_all()
    message = str(caught.value)
    assert name in message and words in message and "\n" not in message


def test_app_refuses_to_start_with_one_line(config_copy):
    (config_copy / "app.yaml").write_text("default_language: en\nserver_port: ninety\n", encoding="utf-8")
    env = {**os.environ, "POLYGLOT_CONFIG_DIR": str(config_copy)}
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "app.yaml" in lines[0] and "configuration error" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_big_file_is_parsed_once_and_a_change_is_seen(config_copy, tmp_path, monkeypatch):
    from languages.configfile import _parsed

    monkeypatch.setenv("POLYGLOT_CACHE_DIR", str(tmp_path / "cache"))
    text = "items:\n" + "".join(f"  - {{n: {i}, no: false}}\n" for i in range(6000))
    first = _parsed(text, "big.yaml")
    assert len(list((tmp_path / "cache").glob("yaml-big-*.pickle"))) == 1
    assert _parsed(text, "big.yaml") == first and first["items"][5]["n"] == 5
    changed = _parsed(text.replace("{n: 5,", "{n: 55,"), "big.yaml")
    assert changed["items"][5]["n"] == 55
    assert len(list((tmp_path / "cache").glob("yaml-big-*.pickle"))) == 1   # the older one is gone
