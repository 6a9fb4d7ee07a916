"""Hugging Face Space readiness: the README front matter agrees with the code, TURN on a Space, secrets."""
from __future__ import annotations

import ast
import asyncio
import re
import sys

import pytest
import yaml

from demo import rtc

from ..conftest import PROVIDER_VARIABLES, ROOT


def front_matter() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert match, "README.md must start with a --- front matter block"
    return yaml.safe_load(match.group(1))


def pinned(package: str) -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if m := re.match(rf"^{package}==([\w.]+)", line.strip()):
            return m.group(1)
    raise AssertionError(f"{package} is not pinned with == in requirements.txt")


def test_front_matter_agrees_with_requirements_and_app_py():
    meta = front_matter()
    assert meta["sdk"] == "gradio" and meta["sdk_version"] == pinned("gradio")
    app_file = ROOT / meta["app_file"]
    assert app_file.is_file()
    tree = ast.parse(app_file.read_text())
    assigned = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign) for t in node.targets
                if isinstance(t, ast.Name)}
    assert "demo" in assigned, "Spaces (and gradio reload) look for a module-level `demo`"
    assert any(isinstance(n, ast.Attribute) and n.attr == "queue" for n in ast.walk(tree)), "demo.queue(...) sets limits"
    major, minor = (int(x) for x in str(meta["python_version"]).split("."))
    assert (major, minor) >= (3, 11) and (major, minor) <= sys.version_info[:2], "the code needs 3.11 (asyncio.timeout)"
    assert meta["title"] and meta["emoji"] and len(meta["short_description"]) <= 60
    # Only PyICU's build needs apt (espeak-ng and the VAD come in wheels).
    assert (ROOT / "packages.txt").read_text().split() == ["libicu-dev", "pkg-config"]


def test_every_secret_the_app_reads_is_listed_for_hosts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Hosting on a Hugging Face Space"):]
    keys = [name for name in PROVIDER_VARIABLES if not name.endswith("_BASE_URL")]
    for name in [*keys, "HF_TOKEN", "POLYGLOT_BROWSER_SECRET"]:   # the last as "not a secret"
        assert f"`{name}`" in section, name
    assert "Duplicate this Space" in section


def test_locally_there_is_no_turn_and_no_banner(monkeypatch):
    monkeypatch.delenv("SPACE_ID", raising=False)
    rtc.server_rtc_configuration.cache_clear()
    assert rtc.rtc_configuration() is None and rtc.server_rtc_configuration() == (None, "") and rtc.turn_banner() == ""


def test_a_space_without_hf_token_shows_a_banner(monkeypatch):
    monkeypatch.setenv("SPACE_ID", "team/polyglot-console")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    rtc.server_rtc_configuration.cache_clear()
    assert rtc.rtc_configuration() is None
    assert "HF_TOKEN" in rtc.turn_banner() and 'role="alert"' in rtc.turn_banner()
    rtc.server_rtc_configuration.cache_clear()


def test_a_space_whose_turn_helper_fails_connects_without_a_relay_and_says_so(monkeypatch):
    # No machine here reaches Cloudflare or Hugging Face: the real helper fails, as on a Space with a bad token
    monkeypatch.setenv("SPACE_ID", "team/polyglot-console")
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    rtc.server_rtc_configuration.cache_clear()
    assert rtc.rtc_configuration() is rtc.browser_turn_credentials
    assert asyncio.run(rtc.browser_turn_credentials()) == rtc.STUN_ONLY
    config, problem = rtc.server_rtc_configuration()
    assert config is None and "TURN relay could not be reached" in problem
    assert "hf_not_a_real_token" not in rtc.turn_banner()
    rtc.server_rtc_configuration.cache_clear()


@pytest.mark.parametrize("field", ["queue_concurrency", "queue_max_size", "max_voice_streams"])
def test_queue_limits_come_from_app_yaml(field):
    from assistant import app_settings

    assert getattr(app_settings(), field) >= 1
