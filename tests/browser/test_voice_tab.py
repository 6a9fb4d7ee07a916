"""The Voice tab in a real browser: typed turns in English and Spanish, both panes, badges."""
from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.browser
MARKDOWN_CHARS = re.compile(r"[*_#`|\[\]<>]")


def send(page, text: str) -> None:
    page.fill("#text_input textarea", text)
    page.click("#send")


def wait_for_speech(page, timeout_ms: int = 30_000) -> str:
    page.wait_for_function("() => document.querySelector('#speech textarea').value.length > 0",
                           timeout=timeout_ms)
    return page.input_value("#speech textarea")


def test_page_has_every_contract_element(page):
    for element_id in ("language", "environment", "interruptions", "text_input", "send", "chat",
                       "speech", "status", "webrtc", "event_log", "latency_plot", "event_filter", "voice_audio"):
        assert page.locator(f"#{element_id}").count() == 1, element_id
    status = page.inner_text("#status")
    for stage in ("Speech-to-text", "Assistant", "Voice", "Flight data"):
        assert stage in status
    assert "offline" in status


def test_english_request_fills_both_panes(page):
    send(page, "Find me a flight from Madrid to London tomorrow")
    speech = wait_for_speech(page)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    chat = page.inner_text("#chat")
    assert "MAD" in chat and re.search(r"\b(LHR|LGW|STN|LCY)\b", chat)
    assert "Madrid" in chat and "London" in chat
    assert tomorrow.strftime("%b") in chat and str(tomorrow.day) in chat
    assert "Madrid" in speech and "London" in speech and "flight" in speech
    assert not MARKDOWN_CHARS.search(speech), speech
    assert not re.search(r"\d", speech), "numbers and times are spoken as words in English"
    assert "demo data" in page.inner_text("#status")


def test_spanish_request_answers_in_spanish(page):
    page.locator("#language input").click()
    page.get_by_role("option", name=re.compile("Español")).click()
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Hola')")
    send(page, "Quiero un vuelo de Madrid a Londres mañana")
    speech = wait_for_speech(page)
    assert "Londres" in speech and "Vuelo" in speech
    assert not MARKDOWN_CHARS.search(speech)
    chat = page.inner_text("#chat")
    assert "Estos son los vuelos de Madrid a Londres" in chat
    assert "MAD" in chat


def test_unparseable_message_gets_help_not_an_error(page):
    send(page, "what's the weather")
    speech = wait_for_speech(page)
    assert "I can search flights" in speech
    assert "⚠" not in page.inner_text("#chat")


def test_html_in_input_is_shown_not_rendered(page):
    send(page, "<img src=x onerror=alert(1)> <b>bold</b>")
    wait_for_speech(page)
    assert page.locator("#chat img[src='x']").count() == 0
    assert page.locator("#chat b:text('bold')").count() == 0
    assert "<b>bold</b>" in page.inner_text("#chat")


def test_route_card_and_language_lock(page):
    send(page, "hello")
    wait_for_speech(page)
    page.locator("#language input").click()
    page.get_by_role("option", name=re.compile("日本語")).click()
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('New conversation')")
    page.get_by_text("Route card").click()
    card = page.inner_text("#route_card")
    assert "nova-2" in card and "ja" in card and "こんにちは" in card
    chat = page.inner_text("#chat")
    assert "hello" not in chat and "こんにちは" in chat
    send(page, "明日の東京からロンドンまでのフライトを探してください")
    speech = wait_for_speech(page)
    assert "ロンドン" in speech


def test_typed_turn_fills_the_event_log_plot_and_voice(page):
    send(page, "from Madrid to London tomorrow")
    wait_for_speech(page)
    page.wait_for_function("() => document.querySelector('#event_log').innerText.includes('turn_metrics')",
                           timeout=30_000)
    log = page.inner_text("#event_log")
    assert "search_flights(origin=MAD, destination=LON" in log and "flights from demo" in log
    assert "turn_metrics" in page.locator("#event_log tbody tr").first.inner_text(), "newest first"
    page.locator("#latency_plot img").wait_for(timeout=30_000)
    page.locator("#voice_audio audio[src]").first.wait_for(state="attached", timeout=30_000)
    page.locator("#event_filter").get_by_text("tool_call", exact=True).click()
    page.wait_for_function("() => !document.querySelector('#event_log').innerText.includes('search_flights(')")
    assert "turn_metrics" in page.inner_text("#event_log")


def test_a_returning_visitor_gets_the_conversation_back(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#text_input textarea", timeout=30_000)
    page.locator("#language input").click()
    page.get_by_role("option", name=re.compile("Español")).click()
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Hola')")
    send(page, "de Madrid a Londres mañana")
    wait_for_speech(page)
    page.wait_for_function("() => document.querySelector('#event_log').innerText.includes('turn_metrics')")
    page.reload()
    page.wait_for_selector("#chat", timeout=30_000)
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('de nuevo')", timeout=30_000)
    chat = page.inner_text("#chat")
    assert "de Madrid a Londres mañana" in chat and "Estos son los vuelos" in chat
    assert "Español" in page.input_value("#language input")
    context.close()

    stranger = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = stranger.new_page()
    other.goto(app_url)
    other.wait_for_selector("#text_input textarea", timeout=30_000)
    other.wait_for_function("() => document.querySelector('#chat').innerText.includes('Hi!')", timeout=30_000)
    assert "de Madrid a Londres" not in other.inner_text("#chat")
    stranger.close()


def test_a_typed_conversation_exports_as_stereo_wav_and_json(page, tmp_path):
    import json
    import urllib.request
    import wave

    send(page, "Find me a flight from Madrid to London tomorrow")
    wait_for_speech(page)
    page.wait_for_selector("#voice_audio audio, #voice_audio [data-testid='waveform-x']", state="attached", timeout=30_000)
    page.get_by_role("button", name="Recording ▼").click()
    page.click("#recording_export")
    links = page.locator("#recording_files a")
    links.nth(1).wait_for(timeout=30_000)
    hrefs = [link.get_attribute("href") for link in links.all()]
    base = page.url.rstrip("/")
    wav_file, json_file = tmp_path / "c.wav", tmp_path / "c.json"
    for suffix, target in ((".wav", wav_file), (".json", json_file)):
        href = next(h for h in hrefs if h.split("?")[0].endswith(suffix))
        urllib.request.urlretrieve(href if href.startswith("http") else base + href, target)
    with wave.open(str(wav_file)) as wav:
        assert (wav.getnchannels(), wav.getframerate()) == (2, 48000) and wav.getnframes() > 48000
    events = json.loads(json_file.read_text(encoding="utf-8"))["events"]
    assert events[0]["type"] == "user_transcript" and "Madrid" in events[0]["text"]
