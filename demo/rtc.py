"""WebRTC connection settings: TURN relays on a Hugging Face Space, plain loopback/host candidates elsewhere.

On a Space (`SPACE_ID` set) browsers and the server sit behind NATs, so WebRTC needs a TURN relay:
fastrtc's Cloudflare helper gives one when the Space has an `HF_TOKEN` secret. Without it, or when
the helper fails, voice may not connect from many networks; `turn_banner()` says so on the page.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache

log = logging.getLogger(__name__)
SERVER_TURN_TTL_S = 360_000      # the server's credentials are fetched once at start: make them outlive the run
STUN_ONLY = {"iceServers": [{"urls": "stun:stun.l.google.com:19302"}]}
NO_TOKEN = ("This Space has no HF_TOKEN secret, so WebRTC has no TURN relay: voice may not connect from "
            "many networks. Typing still works. Hosts: add HF_TOKEN under Settings → Secrets.")
TURN_FAILED = ("The TURN relay could not be reached ({reason}): voice may not connect from many networks. "
               "Typing still works.")


def on_space() -> bool:
    return bool(os.environ.get("SPACE_ID"))


def _has_token() -> bool:
    return bool(os.environ.get("HF_TOKEN", "").strip())


async def browser_turn_credentials() -> dict:
    """The browser's RTC configuration, fetched per connection; STUN only when the TURN helper fails."""
    from fastrtc import get_cloudflare_turn_credentials_async

    try:
        return await get_cloudflare_turn_credentials_async()
    except Exception as exc:  # noqa: BLE001 (network or token failure: connect without a relay, and say so in the log)
        log.warning("TURN credentials for the browser failed (%s); using STUN only", type(exc).__name__)
        return STUN_ONLY


def rtc_configuration():
    """The browser side: the TURN helper on a Space with HF_TOKEN; None elsewhere (host candidates work on
    loopback and LANs)."""
    return browser_turn_credentials if on_space() and _has_token() else None


@lru_cache(maxsize=1)
def server_rtc_configuration() -> tuple[dict | None, str]:
    """The server side, fetched once: (configuration or None, problem ('' when fine))."""
    if not on_space():
        return None, ""
    if not _has_token():
        return None, NO_TOKEN
    from fastrtc import get_cloudflare_turn_credentials

    try:
        return get_cloudflare_turn_credentials(ttl=SERVER_TURN_TTL_S), ""
    except Exception as exc:  # noqa: BLE001 (the page says what is wrong instead of failing to start)
        log.warning("TURN credentials for the server failed: %s", type(exc).__name__)
        return None, TURN_FAILED.format(reason=type(exc).__name__)


def turn_banner() -> str:
    """HTML for a warning banner when a Space has no working TURN relay; '' otherwise."""
    _config, problem = server_rtc_configuration()
    if not problem:
        return ""
    import html

    return f'<div class="pc-banner" role="alert">⚠ {html.escape(problem)}</div>'
