"""Cold start: `python app.py` until its first HTTP 200, vs a bare Gradio + fastrtc app launched the same way.

The bare app (written to a temporary file) is a `gr.Blocks` with one fastrtc `WebRTC` audio
component (with a do-nothing stream handler) and a textbox, launched with `demo.queue().launch(...)`.
Both get a free port through GRADIO_SERVER_PORT and GRADIO_ANALYTICS_ENABLED=False, run from the
project folder, and are timed from process start to the first 200 on `/`. Runs alternate between
the two. Prints both medians and last `ratio: X` (console / bare, goal <= 1.5).

    python bench/cold_start.py [runs]
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE_APP = '''
import os

import gradio as gr
from fastrtc import AsyncStreamHandler, WebRTC


class Silent(AsyncStreamHandler):
    def copy(self):
        return Silent()

    async def receive(self, frame):
        pass

    async def emit(self):
        return None


with gr.Blocks() as demo:
    audio = WebRTC(modality="audio", mode="send-receive", label="Microphone")
    text = gr.Textbox()
    audio.stream(Silent(), inputs=[audio], outputs=[audio])

demo.queue().launch(server_name="127.0.0.1", server_port=int(os.environ["GRADIO_SERVER_PORT"]))
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_to_200(script: Path, timeout_s: float = 180.0) -> tuple[float, float]:
    """Seconds from starting `python script` to the first HTTP 200 on its port, and the CPU seconds
    the process used by then (less sensitive to other work on the machine than the wall time)."""
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False",
           "GRADIO_SERVER_NAME": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while time.perf_counter() - began < timeout_s:
            if process.poll() is not None:
                raise RuntimeError(f"{script.name} exited with {process.returncode}: "
                                   f"{process.stderr.read().decode()[-800:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - began, cpu_s(process.pid)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{script.name}: no HTTP 200 within {timeout_s} s")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "bare_app.py"
        bare.write_text(BARE_APP)
        console, baseline, console_cpu, baseline_cpu = [], [], [], []
        for _ in range(runs):   # alternate, so both see the same machine
            for script, walls, cpus in ((ROOT / "app.py", console, console_cpu), (bare, baseline, baseline_cpu)):
                wall, cpu = time_to_200(script)
                walls.append(wall)
                cpus.append(cpu)
    print(f"{'app':<24}{'median s':>9}{'min s':>7}{'max s':>7}{'CPU s':>7}   runs (wall s)")
    for name, values, cpus in (("python app.py", console, console_cpu),
                               ("bare Gradio + fastrtc", baseline, baseline_cpu)):
        print(f"{name:<24}{statistics.median(values):>9.2f}{min(values):>7.2f}{max(values):>7.2f}"
              f"{statistics.median(cpus):>7.2f}   " + " ".join(f"{v:.2f}" for v in values))
    print(f"cpu_ratio: {statistics.median(console_cpu) / statistics.median(baseline_cpu):.2f}")
    print(f"console_median_s: {statistics.median(console):.2f}")
    print(f"bare_median_s: {statistics.median(baseline):.2f}")
    print(f"ratio: {statistics.median(console) / statistics.median(baseline):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=5, help="starts of each app (default 5)")
    main(parser.parse_args().runs)
