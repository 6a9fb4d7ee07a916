"""The page asks nothing of other origins, so a booth works with no internet at all.

Out of the box the page makes two outside requests: fastrtc's connection sound (`pop-sounds.mp3`, a
Hugging Face dataset, in `fastrtc/templates/component/index-*.js`: `new Audio("https://huggingface.co/...")`)
and Gradio's `iframeResizer.contentWindow.min.js` from a CDN (`gradio/templates/frontend/index.html`).
This ASGI middleware serves a connection sound of its own at `POP_PATH` (and points `Audio` there) and,
off a Hugging Face Space, drops the iframe resizer (it only sizes the page inside a Space's iframe).
"""
from __future__ import annotations

import io
import re
import wave
from functools import lru_cache

import numpy as np

POP_PATH = "/polyglot/pop.wav"
FASTRTC_POP = "pop-sounds.mp3"
_RESIZER = re.compile(rb"<script[^>]*iframeResizer\.contentWindow[^>]*>\s*</script>", re.S)
# Runs before fastrtc's component: its `new Audio(<dataset URL>)` gets our sound instead.
_AUDIO_SHIM = ("<script>(function(){var A=window.Audio;function P(src){return new A(typeof src==='string'&&"
               f"src.indexOf('{FASTRTC_POP}')>=0?'{POP_PATH}':src);}}P.prototype=A.prototype;window.Audio=P;}})();"
               "</script>").encode()


@lru_cache(maxsize=1)
def pop_sound() -> bytes:
    """A short soft click (WAV, 16 kHz mono), made here rather than downloaded."""
    rate = 16_000
    t = np.arange(int(rate * 0.08)) / rate
    samples = (np.sin(2 * np.pi * 660 * t) * np.exp(-t * 60) * 9000).astype(np.int16)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def rewrite_page(html: bytes, keep_resizer: bool) -> bytes:
    """The app's HTML page with the Audio shim first in <head> and (unless kept) no iframe resizer."""
    if not keep_resizer:
        html = _RESIZER.sub(b"", html)
    return html.replace(b"<head>", b"<head>" + _AUDIO_SHIM, 1) if b"<head>" in html else _AUDIO_SHIM + html


class SameOriginPage:
    """ASGI middleware: serves `POP_PATH` and rewrites the app's HTML pages (see the module docstring)."""

    def __init__(self, app, keep_resizer: bool = False) -> None:
        self.app, self.keep_resizer = app, keep_resizer

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        if scope["path"] == POP_PATH:
            body = pop_sound()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"audio/wav"), (b"content-length", str(len(body)).encode()),
                                    (b"cache-control", b"public, max-age=86400")]})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["path"] not in ("/", ""):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            kinds = {k.lower(): v for k, v in headers}
            body = b"".join(chunks)
            if kinds.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in kinds:
                body = rewrite_page(body, self.keep_resizer)
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)
