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
    from starlette.middleware import Middleware

    from assistant import app_settings
    from demo.rtc import on_space
    from demo.same_origin import SameOriginPage

    settings = app_settings()
    demo.queue(default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", settings.server_name),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", settings.server_port)),
        # nothing from other origins: a booth may have no internet (a Space keeps Gradio's iframe resizer)
        app_kwargs={"middleware": [Middleware(SameOriginPage, keep_resizer=on_space())]},
    )
