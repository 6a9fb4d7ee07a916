"""Giving freed memory back to the operating system.

A voice stream allocates megabytes (the VAD's context, resamplers, audio buffers) in many small
blocks; when it closes, Python frees them but glibc keeps the pages in its arenas, so a booth's RSS
only grows. `malloc_trim` returns them, and a pinned mmap threshold keeps large buffers (reply
audio) out of the heap in the first place. Elsewhere than glibc this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from functools import lru_cache

MIN_INTERVAL_S = 0.5   # trimming walks every arena (about a millisecond): not in a tight loop
MMAP_THRESHOLD = 128 * 1024   # glibc's default, pinned: blocks this large get pages of their own
_M_MMAP_THRESHOLD = -3        # mallopt parameter (malloc.h)
_lock = threading.Lock()
_last = 0.0


@lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


@lru_cache(maxsize=1)
def pin_mmap_threshold() -> bool:
    """Keep glibc's mmap threshold at 128 KB (the server process calls this once at start).

    glibc raises the threshold to the size of each mmapped block freed, up to 32 MB, so after the
    first reply's audio is freed every later reply buffer (100-500 KB) is carved from the heap,
    between long-lived conversation objects, and its pages stay with the process when freed.
    Pinned, such buffers are mapped and unmapped on their own. True if it was set."""
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None) if libc is not None else None
    return bool(mallopt and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


@lru_cache(maxsize=1)
def _malloc_trim():
    return getattr(_libc(), "malloc_trim", None)


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
