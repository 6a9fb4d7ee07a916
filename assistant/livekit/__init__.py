"""LiveKit: room names, access tokens and room preparation for the console's panel (`rooms`, which also
loads `configs/livekit.yaml`), and the agent worker that answers the dispatch (`worker`, run by `agent.py`)."""
from .rooms import LiveKitPlan, clear_caches, livekit_settings, mint_token, prepare_room, preview, room_name, validate_config

__all__ = ["LiveKitPlan", "clear_caches", "livekit_settings", "mint_token", "prepare_room", "preview", "room_name",
           "validate_config"]
