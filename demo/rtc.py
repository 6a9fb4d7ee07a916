"""WebRTC connection settings: TURN relays on a Hugging Face Space, plain loopback/STUN elsewhere."""
from __future__ import annotations

import os


def on_space() -> bool:
    return bool(os.environ.get("SPACE_ID"))


def rtc_configuration():
    """The browser's RTC configuration. On a Space with an HF_TOKEN secret, fastrtc's Cloudflare TURN
    helper (called per connection); elsewhere None (host candidates work on loopback and LANs)."""
    if on_space() and os.environ.get("HF_TOKEN"):
        from fastrtc import get_cloudflare_turn_credentials_async

        return get_cloudflare_turn_credentials_async
    return None
