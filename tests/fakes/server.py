"""The shared runner of the local fake servers: an ASGI app served by uvicorn in a background thread.

`BackgroundServer` binds a free port of 127.0.0.1, runs uvicorn (with the sans-I/O `websockets`
implementation, so WebSocket routes work too) in a daemon thread and returns from `start()` once
the server accepts connections. Subclasses set `self.app` (and `self.name`) before `start()`.

- `url` (`http://127.0.0.1:<port>`) and `ws_url` (`ws://127.0.0.1:<port>`).
- `stopping`: true once `stop()` was called; `hang(seconds)` sleeps until then, the deadline, or
  (given a Starlette `Request`) the client going away, so a "timeout" fault never blocks shutdown.
- `DeliberateDrop`: raise it from a streaming body to cut the connection mid-response, the way a
  network failure would; uvicorn's "Exception in ASGI application" log line for it is filtered out.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Any, Self

import uvicorn


class DeliberateDrop(Exception):
    """Raised inside a response stream to drop the connection on purpose (a simulated failure)."""


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, DeliberateDrop):
                return False
            exc = exc.__cause__ or exc.__context__
        return True


def _install_drop_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in logger.filters):
        logger.addFilter(_DropFilter())


class FaultKnobs:
    """The fault knobs every fake shares: `fault` (sticky) and `next_faults` (one-shot, used first);
    "ok" means no fault. Subclasses set both in their `reset()`."""

    fault: str | None = None
    next_faults: list[str]

    def take_fault(self) -> str | None:
        """The fault for this request: a queued one-shot fault first, else the sticky one."""
        fault = self.next_faults.pop(0) if self.next_faults else self.fault
        return None if fault == "ok" else fault


class BackgroundServer:
    """Serves `self.app` on http://127.0.0.1:<free port> from a daemon thread."""

    name = "fake"

    def __init__(self) -> None:
        self.url = ""
        self.app: Any = None
        self.stopping = False
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def ws_url(self) -> str:
        return "ws" + self.url[len("http"):] if self.url else ""

    def start(self) -> Self:
        """Serve in a background thread; returns once the server accepts connections."""
        _install_drop_filter()
        self.stopping = False
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off",
                                ws="websockets-sansio", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"fake-{self.name}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"fake {self.name} server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit (hanging handlers end too) and wait for the thread."""
        self.stopping = True
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def hang(self, seconds: float, request: Any = None) -> None:
        """Sleep up to `seconds`, ending early at shutdown or when `request`'s client disconnects."""
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            if request is not None and await request.is_disconnected():
                return
            await asyncio.sleep(0.02)
