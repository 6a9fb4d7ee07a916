"""Models the app downloads on first use, fetched ahead of time (a booth before it goes offline).

    python -m demo.models fetch     # the offline speech model named in configs/voice.yaml
    python -m demo.models status    # where it would load from, or what is missing
"""
from __future__ import annotations

import sys

from assistant.providers import offline_stt_model
from assistant.providers.base import ProviderError
from assistant.providers.whisper_stt import fetch_model
from assistant.settings import voice_settings


def fetch() -> str:
    """Download the configured Whisper model into the Hugging Face Hub cache (or check the local directory
    POLYGLOT_WHISPER_MODEL names); returns where it is. Raises ProviderError with a one-line reason."""
    import os

    model = os.environ.get("POLYGLOT_WHISPER_MODEL", "").strip() or voice_settings().offline_stt.model
    return fetch_model(model)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "fetch":
        try:
            print(f"offline speech model ready: {fetch()}")
        except ProviderError as exc:
            print(f"error: {exc}. Connect to the internet, or set POLYGLOT_WHISPER_MODEL to a model directory.",
                  file=sys.stderr)
            return 1
        return 0
    if command == "status":
        model, label, missing = offline_stt_model()
        print(f"{label}: {model}" if model else f"{label}: {missing}")
        return 0 if model else 1
    print(f"usage: python -m demo.models fetch|status (got {command!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
