"""Giving freed memory back to the operating system.

A voice stream allocates megabytes (the VAD's context, resamplers, audio buffers) in many small
blocks; when it closes, Python frees them but glibc keeps the pages in its arenas, so a booth's RSS
only grows. `malloc_trim` returns them. Elsewhere than glibc this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from functools import lru_cache

MIN_INTERVAL_S = 0.5   # trimming walks every arena (about a millisecond): not in a tight loop
_lock = threading.Lock()
_last = 0.0


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_free_memory(force: bool = False) -> bool:
    """Ask glibc to return freed memory (at most every `MIN_INTERVAL_S` unless `force`); True if it ran."""
    global _last
    trim = _malloc_trim()
    if trim is None:
        return False
    with _lock:
        now = time.monotonic()
        if not force and now - _last < MIN_INTERVAL_S:
            return False
        _last = now
    trim(0)
    return True
