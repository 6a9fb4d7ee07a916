"""The microphone path in a real browser: Chromium's fake microphone plays a speech WAV over WebRTC,
the app streams it to a fake Deepgram server started by this test, and the page shows the words and
the reply."""
from __future__ import annotations

import pytest

from tests.fakes.deepgram import FakeDeepgram

from .conftest import launch_mic_browser, start_app, stop_app

pytestmark = pytest.mark.browser
REQUEST = "from Madrid to London tomorrow"


@pytest.fixture(scope="module")
def deepgram():
    with FakeDeepgram() as server:
        server.script = [REQUEST]
        server.cycle = True
        yield server


@pytest.fixture(scope="module")
def voice_app(deepgram):
    process, url = start_app({"DEEPGRAM_API_KEY": deepgram.api_key, "DEEPGRAM_BASE_URL": deepgram.url})
    yield url
    stop_app(process)


@pytest.fixture(scope="module")
def mic_browser(playwright, tmp_path_factory):
    """Chromium whose microphone plays a speech WAV."""
    browser = launch_mic_browser(playwright, tmp_path_factory.mktemp("mic"), REQUEST)
    yield browser
    browser.close()


def test_speaking_shows_the_transcript_and_the_reply(mic_browser, voice_app, deepgram):
    context = mic_browser.new_context(viewport={"width": 1400, "height": 1000}, permissions=["microphone"])
    page = context.new_page()
    page.goto(voice_app)
    page.wait_for_selector("#webrtc", timeout=30_000)
    assert "DEEPGRAM_API_KEY" not in page.inner_text("#voice_note")   # the key is set: no "type instead"
    page.locator("#webrtc").get_by_text("Click to Access Microphone").click()
    page.locator("#webrtc button", has_text="Record").click()
    chat = page.locator("#chat")
    chat.get_by_text(REQUEST).first.wait_for(timeout=30_000)
    chat.get_by_text("Here are flights from Madrid to London").wait_for(timeout=30_000)
    assert "Madrid" in page.input_value("#speech textarea")
    log = page.inner_text("#event_log")
    assert "speech_started" in log and "voice" in log and "search_flights" in log
    assert deepgram.connections >= 1 and deepgram.audio_bytes and max(deepgram.audio_bytes) > 32_000
    assert "deepgram" in page.inner_text("#status")
    context.close()
