"""The LiveKit tab in a real browser: the app (a subprocess) talks to the fake LiveKit Twirp server
running in this test process; a second app without keys names what is missing."""
from __future__ import annotations

import json
import re
import urllib.parse

import jwt
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_app, stop_app
from tests.fakes.livekit import FakeLiveKit

pytestmark = pytest.mark.browser
NO_KEYS = {"LIVEKIT_URL": "", "LIVEKIT_API_KEY": "", "LIVEKIT_API_SECRET": "", "APP_ENV": "staging"}


@pytest.fixture(scope="module")
def livekit_app(browser):
    """(app url, fake): the app in production naming, with keys for the fake LiveKit."""
    with FakeLiveKit() as fake:
        process, url = start_app({"LIVEKIT_URL": fake.url, "LIVEKIT_API_KEY": fake.api_key,
                                  "LIVEKIT_API_SECRET": fake.api_secret, "APP_ENV": "production"})
        try:
            yield url, fake
        finally:
            stop_app(process)


@pytest.fixture(scope="module")
def keyless_app_url(browser):
    process, url = start_app(NO_KEYS)
    yield url
    stop_app(process)


def open_tab(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#text_input textarea", timeout=30_000)
    return context, page


def test_create_room_shows_the_room_and_a_playground_link_and_never_the_secret(browser, livekit_app):
    url, fake = livekit_app
    context, page = open_tab(browser, url)
    page.locator("#language input").click()
    page.get_by_role("option", name=re.compile("Español")).click()
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Hola')")
    page.get_by_role("tab", name="LiveKit").click()
    status = page.locator("#livekit_status")
    expect(status).to_contain_text("keys set")
    expect(status).to_contain_text("polyglot-console-es")
    expect(status).to_contain_text("production")

    page.click("#livekit_join")
    result = page.locator("#livekit_result")
    expect(result).to_contain_text("Room ready", timeout=30_000)
    expect(result).to_contain_text("polyglot-console-es")
    expect(result).to_contain_text("polyglot-flight-agent")
    link = page.locator("#livekit_playground_link")
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    href = urllib.parse.urlsplit(link.get_attribute("href"))
    assert href.scheme == "https" and href.netloc == "agents-playground.livekit.io"

    token = page.input_value("#livekit_token textarea")
    assert urllib.parse.parse_qs(href.query)["token"] == [token]
    claims = jwt.decode(token, fake.api_secret, algorithms=["HS256"], issuer=fake.api_key)
    assert claims["video"]["room"] == "polyglot-console-es" and claims["video"]["roomJoin"] is True
    assert claims["sub"] in page.inner_text("#livekit_result")
    assert json.loads(fake.rooms["polyglot-console-es"].metadata) == {
        "language": "es", "environment": "medium", "interruptions": True}
    assert [d.room for d in fake.dispatches] == ["polyglot-console-es"]

    content = page.content()
    assert fake.api_secret not in content and fake.api_key not in content
    context.close()


def test_without_keys_the_panel_names_the_missing_variables(browser, keyless_app_url):
    context, page = open_tab(browser, keyless_app_url)
    page.get_by_role("tab", name="LiveKit").click()
    status = page.locator("#livekit_status")
    expect(status).to_contain_text("missing LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET")
    expect(status).to_contain_text("'staging' is neither development nor production")
    expect(status).to_contain_text("polyglot-console")
    page.click("#livekit_join")
    result = page.locator("#livekit_result")
    expect(result).to_contain_text("Not created: set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET",
                                   timeout=30_000)
    expect(page.locator("#livekit_token")).to_be_hidden()
    assert page.locator("#livekit_playground_link").count() == 0
    context.close()
