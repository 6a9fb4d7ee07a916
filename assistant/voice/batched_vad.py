"""Silero VAD v5 as ONNX, and one batched inference per tick for every live voice stream.

Constraints:
- One `SileroOnnx` session per process: the graph takes a batch dimension, so 50 streams cost one
  2-3 ms call per 32 ms window instead of 50 calls. onnxruntime releases the GIL while it runs:
  `BatchedVad` runs it in a worker thread of its own, never on the event loop.
- The model is recurrent: every stream owns a row (slot) of the batch's state [2, rows, 128] and of
  its 64-sample context; a row is zeroed when a stream takes it, and a stream that leaves while its
  window is being inferred never gets that result or writes that row again.
- A stream's windows are inferred and delivered in order. Windows of one stream depend on each
  other's state, so a stream with several waiting (frames that came late, all at once) has them run
  in consecutive model calls of the same worker hop: a backlog is gone after one tick.
- A batch runs when every open stream has a window waiting, or `max_wait_s` after the oldest
  waiting window, whichever comes first; with one stream every window runs at once.
- Everything but the inference runs on the event loop's thread; `submit` must be called there.
"""
from __future__ import annotations

import asyncio
import importlib.util
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

__all__ = [
    "CONTEXT",
    "SAMPLE_RATE",
    "WINDOW",
    "BatchedVad",
    "SileroOnnx",
    "VadSlot",
    "VadStats",
    "default_model_path",
    "shared_batched_vad",
    "shared_model",
]

SAMPLE_RATE = 16_000
WINDOW = 512                       # samples per Silero v5 window at 16 kHz (32 ms)
WINDOW_S = WINDOW / SAMPLE_RATE
CONTEXT = 64                       # samples of the previous window the v5 graph reads before each window
STATE_ROWS, STATE_WIDTH = 2, 128   # the graph's `state` is [2, batch, 128]
MODEL_PACKAGE = "livekit.plugins.silero"
_SCALE = 1 / 32768


def default_model_path() -> Path:
    """`silero_vad.onnx` inside the installed `livekit-plugins-silero` wheel, found without importing
    the plugin (its package imports livekit-agents)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "resources" / "silero_vad.onnx"
        if path.is_file():
            return path
    raise RuntimeError("The Silero VAD model was not found: pip install 'livekit-plugins-silero~=1.8.9'")


class SileroOnnx:
    """One onnxruntime session of Silero VAD v5, any batch size; created on the first `run`
    (tens of ms), not at import. One intra-op thread and no spinning. Safe to call from several
    threads at once."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        self.model_path = Path(model_path) if model_path else None
        self._session = None
        self._lock = threading.Lock()
        self._rate = np.array(SAMPLE_RATE, np.int64)

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = options.inter_op_num_threads = 1
                options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                options.add_session_config_entry("session.inter_op.allow_spinning", "0")
                self._session = onnxruntime.InferenceSession(
                    str(self.model_path or default_model_path()), sess_options=options,
                    providers=["CPUExecutionProvider"])
        return self._session

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> None:
        """Create the session now (a worker thread's job: it takes tens of milliseconds)."""
        if self._session is None:
            self._load()

    def run(self, inputs: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Speech probabilities [batch] and the next state [2, batch, 128] of `inputs` [batch, 576]
        (float32 in -1..1: each stream's 64 context samples, then its 512-sample window) from
        `state` [2, batch, 128]."""
        session = self._session or self._load()
        probs, next_state = session.run(None, {"input": inputs, "state": state, "sr": self._rate})
        return probs[:, 0], next_state


@lru_cache(maxsize=1)
def shared_model() -> SileroOnnx:
    """The process-wide Silero session (loaded on first use)."""
    return SileroOnnx()


@dataclass(frozen=True)
class VadStats:
    """What a `BatchedVad` did so far: windows inferred, batches run, CPU seconds of the worker
    thread (inference) and of the loop's thread (gathering a batch and delivering its results)."""

    windows: int = 0
    batches: int = 0
    worker_cpu_s: float = 0.0
    loop_cpu_s: float = 0.0


class VadSlot:
    """One live stream's row in the batch. `submit` 512-sample int16 windows in order; each comes
    back with its probability through `on_result(window, probability)` on the event loop."""

    def __init__(self, scheduler: BatchedVad, row: int, on_result: Callable[[np.ndarray, float], None]) -> None:
        self.row, self.on_result = row, on_result
        self.pending: deque[tuple[np.ndarray, float]] = deque()   # (window, when submitted)
        self.in_flight = 0
        self.closed = False
        self.loop: asyncio.AbstractEventLoop | None = None   # the event loop of its first window
        self._scheduler = scheduler
        self._idle: asyncio.Event | None = None

    def submit(self, window: np.ndarray) -> None:
        """Queue the stream's next window (on the event loop)."""
        if self.closed:
            return
        if len(window) != WINDOW:
            raise ValueError(f"a VAD window is {WINDOW} samples at 16 kHz, got {len(window)}")
        self._scheduler._submit(self, window)

    @property
    def backlog(self) -> int:
        """Windows submitted whose results were not delivered yet."""
        return len(self.pending) + self.in_flight

    @property
    def busy(self) -> bool:
        return self.backlog > 0

    async def settled(self) -> None:
        """Wait until every window submitted so far has been delivered (or the slot closed)."""
        while self.busy and not self.closed:
            self._idle = self._idle or asyncio.Event()
            self._idle.clear()
            await self._idle.wait()

    def _wake_waiters(self) -> None:
        if self._idle is not None and (not self.busy or self.closed):
            self._idle.set()

    def close(self) -> None:
        """Leave the batch: waiting windows are dropped, a window being inferred is not delivered."""
        if not self.closed:
            self._scheduler._close(self)
            self._wake_waiters()


class BatchedVad:
    """The streams' scheduler: one Silero inference per tick for every stream with a window waiting."""

    def __init__(self, model: SileroOnnx | None = None, *, max_wait_s: float = WINDOW_S) -> None:
        self.model = model or shared_model()
        self.max_wait_s = max_wait_s
        self._slots: list[VadSlot | None] = []
        self._free: list[int] = []
        self._state = np.zeros((STATE_ROWS, 0, STATE_WIDTH), np.float32)
        self._context = np.zeros((0, CONTEXT), np.float32)
        self._waiting = 0            # open slots with at least one window pending
        self._open = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: asyncio.Task | None = None
        self._tick: asyncio.Future | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._windows = self._batches = 0
        self._worker_cpu = self._loop_cpu = 0.0

    @property
    def open_streams(self) -> int:
        return self._open

    def stats(self) -> VadStats:
        return VadStats(self._windows, self._batches, self._worker_cpu, self._loop_cpu)

    async def warm(self) -> None:
        """Load the model in the worker thread, off the event loop (the first stream calls this)."""
        if not self.model.loaded:
            await asyncio.get_running_loop().run_in_executor(self._worker(), self.model.load)

    def open(self, on_result: Callable[[np.ndarray, float], None]) -> VadSlot:
        """A row of its own (zeroed state) for a new stream."""
        if not self._free:
            self._grow()
        row = self._free.pop()
        self._state[:, row] = 0
        self._context[row] = 0
        slot = VadSlot(self, row, on_result)
        self._slots[row] = slot
        self._open += 1
        return slot

    def _grow(self) -> None:
        old = len(self._slots)
        new = max(8, 2 * old)
        state = np.zeros((STATE_ROWS, new, STATE_WIDTH), np.float32)
        state[:, :old] = self._state
        context = np.zeros((new, CONTEXT), np.float32)
        context[:old] = self._context
        self._state, self._context = state, context
        self._slots += [None] * (new - old)
        self._free += range(new - 1, old - 1, -1)

    def _close(self, slot: VadSlot) -> None:
        slot.closed = True
        if slot.pending:
            self._waiting -= 1
            slot.pending.clear()
        if self._slots[slot.row] is slot:
            self._slots[slot.row] = None
            self._free.append(slot.row)
        self._open -= 1

    def _submit(self, slot: VadSlot, window: np.ndarray) -> None:
        loop = asyncio.get_running_loop()
        slot.loop = slot.loop or loop
        if self._loop is not loop:
            self._rebind(loop)
        if slot.closed or slot.loop is not loop:
            return
        if not slot.pending:
            self._waiting += 1
        slot.pending.append((window, loop.time()))
        if self._runner is None or self._runner.done():
            self._runner = loop.create_task(self._run())
        elif self._waiting >= self._open and self._tick is not None and not self._tick.done():
            self._tick.set_result(None)   # every stream has a window: no reason to wait longer

    def _rebind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve a new event loop (a test runs one per test): streams of the previous loop are gone
        with it, and its runner task never resumes."""
        for other in [s for s in self._slots if s is not None and s.loop is not None and s.loop is not loop]:
            self._close(other)
        self._loop, self._runner, self._tick = loop, None, None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            oldest = min((s.pending[0][1] for s in self._slots if s is not None and s.pending), default=None)
            if oldest is None:   # never expected: the count and the queues disagree; trust the queues
                self._waiting = 0
                break
            delay = oldest + self.max_wait_s - loop.time()
            if self._waiting < self._open and delay > 0:
                self._tick = loop.create_future()
                timer = loop.call_later(delay, _resolve, self._tick)
                await self._tick
                timer.cancel()
                self._tick = None
            began = time.thread_time()
            batch = [s for s in self._slots if s is not None and s.pending]
            if not batch:
                continue
            windows = []
            for slot in batch:
                windows.append([window for window, _ in slot.pending])
                slot.pending.clear()
                slot.in_flight += len(windows[-1])
            self._waiting -= len(batch)
            rows = np.fromiter((s.row for s in batch), np.intp, len(batch))
            self._loop_cpu += time.thread_time() - began
            try:
                probs, state, context = await loop.run_in_executor(
                    self._worker(), self._infer, windows, rows, self._context, self._state)
            except Exception:   # one failed batch must not stop every stream's VAD
                log.exception("batched VAD inference failed; %d windows taken as silence", sum(map(len, windows)))
                probs, state, context = [np.zeros(len(w), np.float32) for w in windows], None, None
            began = time.thread_time()
            for index, slot in enumerate(batch):
                slot.in_flight -= len(windows[index])
                if slot.closed:
                    continue
                if state is not None:
                    self._state[:, slot.row] = state[:, index]
                    self._context[slot.row] = context[index]
                for window, probability in zip(windows[index], probs[index].tolist()):
                    try:
                        slot.on_result(window, probability)
                    except Exception:   # a stream's handler bug stays in that stream
                        log.exception("a VAD result handler failed")
                slot._wake_waiters()
            self._batches += 1
            self._windows += sum(map(len, windows))
            self._loop_cpu += time.thread_time() - began

    def _infer(self, windows: list[list[np.ndarray]], rows: np.ndarray, context: np.ndarray, state: np.ndarray):
        """The worker thread's part: one model call per round, round k holding the k-th waiting window
        of every stream that has one (a stream's windows depend on each other's state)."""
        began = time.thread_time()
        context, state = context[rows], state[:, rows]   # copies: the loop owns the shared rows
        probs = [np.empty(len(w), np.float32) for w in windows]
        for depth in range(max(map(len, windows))):
            members = [j for j, w in enumerate(windows) if len(w) > depth]
            if len(members) == len(windows):
                index = slice(None)
            else:
                index = np.array(members, np.intp)
            inputs = np.empty((len(members), CONTEXT + WINDOW), np.float32)
            inputs[:, :CONTEXT] = context[index]
            np.multiply(np.stack([windows[j][depth] for j in members]), _SCALE, out=inputs[:, CONTEXT:],
                        casting="unsafe")
            round_probs, state[:, index] = self.model.run(inputs, np.ascontiguousarray(state[:, index]))
            context[index] = inputs[:, -CONTEXT:]
            for k, j in enumerate(members):
                probs[j][depth] = round_probs[k]
        self._worker_cpu += time.thread_time() - began
        return probs, state, context

    def _worker(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="silero-vad")
        return self._executor


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


@lru_cache(maxsize=1)
def shared_batched_vad() -> BatchedVad:
    """The process-wide scheduler every live voice stream joins."""
    return BatchedVad()
