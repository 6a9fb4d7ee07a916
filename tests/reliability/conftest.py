"""Shared helpers of the reliability suite: the `--slow` switch, the local fake servers, running a
turn through the chat view, and what "shown verbatim" means for the chat pane.

Constraints: every test here runs in the normal `python -m pytest` (the whole directory under ~90 s
on two shared cores); `--slow` only raises counts. Fakes are the real wire protocols from
`tests/fakes/`, driven through the project's own SDK adapters.
"""
from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterable

import pytest

from assistant import Event, EventType, Session
from demo.chat_view import ChatView
from flight_search import FlightQuery, SearchOutcome, search_flights
from flight_search.providers.base import FlightProvider
from tests.conftest import TODAY
from tests.fakes.fixtures import (  # noqa: F401  (fixtures, see tests/fakes/fixtures.py)
    _running_amadeus,
    _running_cartesia,
    _running_deepgram,
    _running_duffel,
    _running_openai,
    amadeus_server,
    closing,
    duffel_server,
    fake_cartesia,
    fake_deepgram,
    fake_openai,
)

FUZZ_EXAMPLES, FUZZ_EXAMPLES_SLOW = 2_000, 10_000
REQUEST = "from Madrid to London tomorrow"
# What a browser would parse as markup: "<" followed by a tag name, "/", "!" or "?".
MARKUP = re.compile(r"<[A-Za-z/!?]")
_BACKSLASHED = re.compile(r"\\(.)", re.DOTALL)


# --- the --slow switch -------------------------------------------------------------------------
@pytest.fixture(scope="session")
def slow(request) -> bool:
    """True with `--slow` (the option is declared in tests/conftest.py)."""
    return bool(request.config.getoption("--slow", default=False))


@pytest.fixture(scope="session")
def fuzz_examples(slow) -> int:
    """Hypothesis examples per fuzz test: 2,000 in the normal run, 10,000 with --slow."""
    return FUZZ_EXAMPLES_SLOW if slow else FUZZ_EXAMPLES


class TieredSession(Session):
    """A session whose flight tool runs the fallback chain over the given tiers (real adapters
    pointed at local fakes), without the process-wide circuit breaker, so no state leaks between tests."""

    def __init__(self, *args, tiers: list[FlightProvider], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tiers = tiers

    async def search(self, query: FlightQuery) -> SearchOutcome:
        return await search_flights(query, providers=list(self.tiers))


# --- turns and what the chat pane receives ---------------------------------------------------------
def silent_session(language: str = "en", **kwargs) -> Session:
    """The fast session of most tests: offline agent, no voice, a fixed 'today'."""
    return Session(language, today=kwargs.pop("today", TODAY), llm=None, voices=None, **kwargs)


async def run_turn(session: Session, text: object, view: ChatView | None = None) -> list[Event]:
    """Every event of one typed turn, each applied to `view` (when given) as the UI would."""
    events = []
    async for event in session.handle_text(text):
        events.append(event)
        if view is not None:
            view.apply(event)
    return events


def of_type(events: Iterable[Event], kind: EventType) -> list[Event]:
    return [e for e in events if not isinstance(e, tuple) and e.type == kind]


def shown_text(markdown: str) -> str:
    """The text a reader sees for user content escaped by `demo.chat_view.escape_user_text`:
    markdown backslash escapes removed, then HTML entities decoded."""
    return html.unescape(_BACKSLASHED.sub(r"\1", markdown))


def user_messages(view: ChatView) -> list[str]:
    return [m["content"] for m in view.messages if m["role"] == "user"]


def assert_words_kept(events: list[Event], view: ChatView, text: str) -> None:
    """The user's words survive a failing turn: first event, and the chat pane's user message."""
    said = of_type(events, EventType.USER_TRANSCRIPT)
    assert said and said[0].text == text and events[0] is said[0]
    assert [shown_text(m) for m in user_messages(view)] == [text]


# --- voice channels ---------------------------------------------------------------------------------
async def feed(channel, samples, rate: int = 48000) -> None:
    """Speech into a channel as fastrtc hands it over: 20 ms (1, n) frames."""
    from tests.speech_audio import frames

    for frame in frames(samples, rate):
        await channel.receive(frame)
        await asyncio.sleep(0)


async def outputs_until(channel, done, timeout: float = 10.0) -> list:
    """`channel.next_output()` items (events, and ("frame", samples) for audio) until `done(item)`."""
    loop = asyncio.get_running_loop()
    items, deadline = [], loop.time() + timeout
    while loop.time() < deadline:
        item = await channel.next_output(0.1)
        if item is None:
            continue
        items.append(("frame", item[1]) if isinstance(item, tuple) else item)
        if not isinstance(item, tuple) and done(item):
            return items
    raise AssertionError(f"nothing matched within {timeout} s; got {[getattr(i, 'type', 'frame') for i in items]}")
