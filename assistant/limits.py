"""Per-session abuse limits: how many turns and flight searches a visitor may start per minute.

A booth keyboard or a public Space can be hammered; past a limit the visitor hears "slow down" in
their language and nothing is searched. Limits come from `configs/app.yaml`.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Callable

WINDOW_S = 60.0


class RateLimitExceeded(Exception):
    """A session went past one of its limits (`what` is "turns" or "searches")."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"more than {limit} {what} a minute")
        self.what, self.limit = what, limit


class SlidingWindowLimit:
    """At most `limit` events in any `window_s` seconds. `limit` 0 means no limit."""

    def __init__(self, what: str, limit: int, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.what, self.limit, self.window_s, self.clock = what, limit, window_s, clock
        self._times: deque[float] = deque()

    def take(self) -> None:
        """Count one more event, or raise `RateLimitExceeded` (the refused one is not counted)."""
        if self.limit <= 0:
            return
        now = self.clock()
        while self._times and now - self._times[0] >= self.window_s:
            self._times.popleft()
        if len(self._times) >= self.limit:
            raise RateLimitExceeded(self.what, self.limit)
        self._times.append(now)
