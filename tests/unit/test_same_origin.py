"""demo.same_origin: the page makes no request to another origin (fastrtc's sound, Gradio's iframe resizer)."""
from __future__ import annotations

from pathlib import Path

import gradio
import fastrtc
import httpx
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from demo.same_origin import FASTRTC_POP, POP_PATH, SameOriginPage, rewrite_page

GRADIO_PAGE = Path(gradio.__file__).parent / "templates/frontend/index.html"


def test_the_installed_packages_still_reference_what_is_rewritten():
    assert "iframeResizer.contentWindow" in GRADIO_PAGE.read_text()
    component = Path(fastrtc.__file__).parent / "templates/component"
    assert any(FASTRTC_POP in path.read_text(errors="ignore") for path in component.glob("index-*.js"))


def test_gradios_page_loses_the_cdn_script_and_gets_the_sound_shim():
    page = GRADIO_PAGE.read_bytes()
    rewritten = rewrite_page(page, keep_resizer=False)
    assert b"cdnjs" not in rewritten and b"iframeResizer.contentWindow.min.js" not in rewritten
    assert POP_PATH.encode() in rewritten and rewritten.index(POP_PATH.encode()) < rewritten.index(b"gradio_config")
    assert b"cdnjs" in rewrite_page(page, keep_resizer=True)   # a Space's iframe still gets sized


def app(keep_resizer=False):
    async def home(_request):
        return HTMLResponse(GRADIO_PAGE.read_text())

    async def other(_request):
        return HTMLResponse("<head></head>iframeResizer.contentWindow")

    return SameOriginPage(Starlette(routes=[Route("/", home), Route("/other", other)]), keep_resizer=keep_resizer)


async def test_the_middleware_serves_its_own_connection_sound_and_rewrites_only_the_page():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app()), base_url="http://app") as client:
        sound = await client.get(POP_PATH)
        assert sound.status_code == 200 and sound.headers["content-type"] == "audio/wav" and sound.content[:4] == b"RIFF"
        home = await client.get("/")
        assert "cdnjs" not in home.text and int(home.headers["content-length"]) == len(home.content)
        assert "iframeResizer" in (await client.get("/other")).text
