"""LiveKit: room names, access tokens and room preparation (`rooms`, which also loads `configs/livekit.yaml`)."""
from .rooms import LiveKitPlan, clear_caches, livekit_settings, mint_token, prepare_room, preview, room_name, validate_config

__all__ = ["LiveKitPlan", "clear_caches", "livekit_settings", "mint_token", "prepare_room", "preview", "room_name",
           "validate_config"]
