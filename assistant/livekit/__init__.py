"""LiveKit: room names, access tokens and room preparation (`rooms`)."""
from .rooms import LiveKitPlan, livekit_settings, mint_token, prepare_room, preview, room_name

__all__ = ["LiveKitPlan", "livekit_settings", "mint_token", "prepare_room", "preview", "room_name"]
