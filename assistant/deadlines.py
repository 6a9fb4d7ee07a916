"""Deadlines for streamed provider replies: a stall between chunks, and the whole reply taking too long.

A provider that drips chunks each just in time would pass a per-chunk timeout forever; the total
deadline catches it.
"""
from __future__ import annotations

import asyncio
import time
from typing import AsyncIterator, TypeVar

T = TypeVar("T")


async def within_deadline(stream: AsyncIterator[T], *, gap_s: float, total_s: float) -> AsyncIterator[T]:
    """The items of `stream`; TimeoutError when the next one takes longer than `gap_s`, or all of them
    longer than `total_s`. The stream is closed either way."""
    iterator = stream.__aiter__()
    deadline = time.monotonic() + total_s
    try:
        while True:
            wait = min(gap_s, deadline - time.monotonic())
            if wait <= 0:
                raise TimeoutError(f"the whole reply took longer than {total_s:g} s")
            try:
                item = await asyncio.wait_for(iterator.__anext__(), wait)
            except StopAsyncIteration:
                return
            yield item
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
