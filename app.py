"""Polyglot Console: `python app.py` serves the console on http://127.0.0.1:7860."""
from __future__ import annotations

import os
import sys

from assistant.memory import pin_mmap_threshold
from languages import ConfigError

pin_mmap_threshold()   # reply audio buffers get pages of their own, returned when freed (assistant/memory.py)
try:
    from demo.ui import build_demo

    demo = build_demo()
except ConfigError as exc:  # one clear line, not a traceback
    sys.exit(f"Polyglot Console cannot start: configuration error in {exc}")

if __name__ == "__main__":
    from assistant import app_settings

    settings = app_settings()
    demo.queue(default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", settings.server_name),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", settings.server_port)),
    )
