"""Browser tests: the real app in a subprocess, driven by Debian's Chromium through Playwright."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..conftest import PROVIDER_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_mic_browser(playwright, folder: Path, words: str, *extra_flags: str):
    """Chromium whose fake microphone plays `words` spoken by espeak-ng (a WAV written to `folder`)."""
    from tests.speech_audio import speech_wav

    wav = folder / "request.wav"
    speech_wav(wav, words)
    flags = CHROMIUM_FLAGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-audio-capture={wav}", *extra_flags]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=flags)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(extra_env: dict[str, str] | None = None, timeout_s: float = 60.0):
    """Start `python app.py` on a free port and wait for HTTP 200; returns (process, url)."""
    port = free_port()
    # Provider keys from the developer's shell stay out: the app is offline unless a test passes keys.
    inherited = {k: v for k, v in os.environ.items() if k not in PROVIDER_VARIABLES}
    env = {**inherited, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False", **(extra_env or {})}
    log = open(ROOT / f".pytest_cache/app-{port}.log", "w") if (ROOT / ".pytest_cache").is_dir() else subprocess.DEVNULL
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("app did not answer within the timeout")


def stop_app(process: subprocess.Popen) -> None:
    """Stop an app started by `start_app` (kill it if it does not stop within 10 s)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def app_url():
    process, url = start_app()
    yield url
    stop_app(process)


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver per test run (the sync API allows only one at a time)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture()
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#text_input textarea", timeout=30_000)
    yield page
    context.close()
