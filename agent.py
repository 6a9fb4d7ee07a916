"""The LiveKit agent worker: `python agent.py dev` (development, against LIVEKIT_URL), `start`
(production), `console` (talk to it in the terminal). The code lives in `assistant/livekit/`."""
from assistant.livekit.offline_llm import offline_llm
from assistant.livekit.polyglot_agent import PolyglotAgent
from assistant.livekit.worker import main

__all__ = ["PolyglotAgent", "offline_llm", "main"]

if __name__ == "__main__":
    main()
