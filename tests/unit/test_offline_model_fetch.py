"""`python -m demo.models`: fetching the offline speech model ahead of time, and saying what is missing."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from tests.conftest import ROOT


def refused_url() -> str:
    """A loopback address nothing listens on: the Hub download fails at once, and nothing leaves the machine."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def run(tmp_path, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "POLYGLOT_WHISPER_MODEL"}
    environment.update(HF_HOME=str(tmp_path / "hf"), HF_ENDPOINT=refused_url(), **env)
    return subprocess.run([sys.executable, "-m", "demo.models", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_fetch_without_network_fails_with_one_clear_line(tmp_path):
    done = run(tmp_path, "fetch")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not download whisper base" in lines[0]
    assert "POLYGLOT_WHISPER_MODEL" in lines[0] and "Traceback" not in done.stderr


def test_status_says_what_to_do_when_the_model_is_missing(tmp_path):
    done = run(tmp_path, "status")
    assert done.returncode == 1 and "python -m demo.models fetch" in done.stdout


def test_a_local_model_directory_is_checked_not_downloaded(tmp_path):
    done = run(tmp_path, "fetch", POLYGLOT_WHISPER_MODEL=str(tmp_path))
    assert done.returncode == 1 and "has no model.bin" in done.stderr
    (tmp_path / "model.bin").write_bytes(b"")
    assert run(tmp_path, "fetch", POLYGLOT_WHISPER_MODEL=str(tmp_path)).returncode == 0
