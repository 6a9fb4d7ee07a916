"""A booth with zero keys and no internet: Chromium's fake microphone says a request, the offline
recogniser (the Whisper base test model) transcribes it, and the page shows the words, then the flights,
then plays the answer. Every request the page makes stays on the app's own origin."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest


from .conftest import launch_mic_browser, start_app, stop_app

pytestmark = pytest.mark.browser
REQUEST = "I want to fly from Madrid to London tomorrow"
# Peak level of what the page plays: a Web Audio analyser on the microphone component's <audio> stream.
LISTEN = """() => {
  const audio = document.querySelector('#webrtc audio');
  if (!audio || !audio.srcObject || window.__pcPeak !== undefined) return !!window.__pcPeak || !!audio?.srcObject;
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  context.createMediaStreamSource(audio.srcObject).connect(analyser);
  const buffer = new Float32Array(analyser.fftSize);
  window.__pcPeak = 0;
  setInterval(() => {
    analyser.getFloatTimeDomainData(buffer);
    for (const v of buffer) window.__pcPeak = Math.max(window.__pcPeak, Math.abs(v));
  }, 20);
  return true;
}"""


@pytest.fixture(scope="module")
def offline_app(whisper_model):
    process, url = start_app({"POLYGLOT_WHISPER_MODEL": str(whisper_model), "HF_HUB_OFFLINE": "1"})
    yield url
    stop_app(process)


@pytest.fixture(scope="module")
def mic_browser(playwright, tmp_path_factory):
    browser = launch_mic_browser(playwright, tmp_path_factory.mktemp("mic"), REQUEST,
                                 "--autoplay-policy=no-user-gesture-required")
    yield browser
    browser.close()


def test_zero_keys_spoken_request_gets_words_flights_and_voice_with_no_outside_request(mic_browser, offline_app):
    origin = urlsplit(offline_app).netloc
    context = mic_browser.new_context(viewport={"width": 1400, "height": 1000}, permissions=["microphone"])
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(request.url).netloc != origin else None)
    page.goto(offline_app)
    page.wait_for_selector("#webrtc", timeout=30_000)
    assert "whisper-base · offline" in page.inner_text("#status")
    assert "needs" not in page.inner_text("#voice_note")
    page.locator("#webrtc").get_by_text("Click to Access Microphone").click()
    page.locator("#webrtc button", has_text="Record").click()
    page.wait_for_function(LISTEN, timeout=20_000)

    chat = page.locator("#chat")
    chat.get_by_text("🎙️").first.wait_for(timeout=30_000)   # listening: the recogniser has the segment
    assert page.evaluate("window.__pcPeak") < 0.01, "nothing plays before the answer"
    chat.get_by_text("Madrid to London", exact=False).first.wait_for(timeout=45_000)   # the visitor's words
    chat.get_by_text("Here are flights from Madrid to London").wait_for(timeout=30_000)
    page.wait_for_function("() => window.__pcPeak > 0.02", timeout=20_000)   # the answer is heard
    log = page.inner_text("#event_log")
    assert "transcribing" in log and "search_flights" in log
    assert "whisper-base" in page.inner_text("#status")
    assert outside == [], f"requests outside the app's origin: {outside}"
    context.close()
