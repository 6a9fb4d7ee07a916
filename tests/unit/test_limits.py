"""Abuse limits: turns and searches a minute per conversation, with a "slow down" in the visitor's language."""
from __future__ import annotations

import pytest

from assistant import EventType, Session
from assistant.limits import RateLimitExceeded, SlidingWindowLimit
from languages import phrase


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_sliding_window_refuses_past_the_limit_and_forgets_after_a_minute():
    clock = Clock()
    limit = SlidingWindowLimit("turns", 3, clock=clock)
    for _ in range(3):
        limit.take()
        clock.now += 1
    with pytest.raises(RateLimitExceeded, match="more than 3 turns a minute"):
        limit.take()
    clock.now = 60.0            # the first turn (at 0 s) has left the window
    limit.take()
    with pytest.raises(RateLimitExceeded):
        limit.take()


def test_zero_means_no_limit():
    limit = SlidingWindowLimit("searches", 0)
    for _ in range(1000):
        limit.take()


def set_limits(config_copy, **values) -> None:
    from demo.startup import clear_caches

    path = config_copy / "app.yaml"
    text = path.read_text()
    for name, value in values.items():
        text = "\n".join(f"{name}: {value}" if line.startswith(f"{name}:") else line for line in text.splitlines())
    path.write_text(text + "\n")
    clear_caches()


async def test_too_many_turns_get_a_slow_down_and_keep_the_words(config_copy, today):
    set_limits(config_copy, turns_per_minute=2)
    session = Session("es", today=today, llm=None, voices=None)
    for _ in range(2):
        events = [e async for e in session.handle_text("de Madrid a Londres mañana")]
        assert any(e.type == EventType.TOOL_CALL for e in events)
    events = [e async for e in session.handle_text("de Madrid a París mañana")]
    kinds = [e.type for e in events]
    assert events[0].type == EventType.USER_TRANSCRIPT and events[0].text == "de Madrid a París mañana"
    assert EventType.TOOL_CALL not in kinds and EventType.THINKING not in kinds
    notice = next(e for e in events if e.type == EventType.NOTICE)
    assert notice.kind == "rate_limited" and phrase("es", "slow_down") in notice.text
    reply = next(e for e in events if e.type == EventType.PRE_SPEECH_TEXT)
    assert reply.chat_markdown == phrase("es", "slow_down") and events[-1].type == EventType.TURN_METRICS


async def test_too_many_searches_are_refused_even_within_the_turn_limit(config_copy, today):
    set_limits(config_copy, searches_per_minute=1)
    session = Session("en", today=today, llm=None, voices=None)
    first = [e async for e in session.handle_text("from Madrid to London tomorrow")]
    second = [e async for e in session.handle_text("from Paris to Rome tomorrow")]
    assert sum(e.type == EventType.TOOL_CALL for e in first + second) == 1
    assert any(e.type == EventType.NOTICE and e.kind == "rate_limited" and "searches" in e.text for e in second)
