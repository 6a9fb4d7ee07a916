"""Soak: memory, tasks and threads after 1,000 turns in one conversation and 200 conversations
opened and closed, through the same code the UI runs.

Part 1 runs typed turns through `demo.handlers.send_text` (the Send button's handler: the process-
wide `demo.sessions.conversations()` store, the chat view, the event log HTML, the latency plot, the
reply's voice) in one conversation, cycling through a flight search, a greeting it cannot read, a
follow-up and an airline change (its per-minute rate limits are lifted, or most turns would be
refused). Part 2 opens conversations as a page load does
(`handlers.load_visitor`), opens a live voice stream on each as the fastrtc handler does
(`VoiceChannel` start, a little real speech through the VAD, one turn ended by the STT, the output
pulled into the chat view), then closes the stream. Providers are the zero-key defaults (offline
agent, demo flight data, espeak-ng voice) except the STT, a fake that answers at once
(bench/fixed_latency.py).

RSS (/proc/self/statm) is read after a warm-up and `gc.collect()`, and again after each part.
Goals: the 1,000 turns grow RSS by <= 5 MB, the 200 visits (each leaving one idle, compacted
conversation in the store) by <= 20 MB, so `kb_per_conversation` (their growth / visits) <= 100;
no asyncio task and no thread left beyond the warm-up's baseline. Prints `kb_per_conversation`
and last `rss_growth_mb` (both parts).

    python bench/soak.py [--turns 1000] [--sessions 200]
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

for variable in ("DEEPGRAM_API_KEY", "OPENAI_API_KEY", "CARTESIA_API_KEY", "AMADEUS_CLIENT_ID",
                 "AMADEUS_CLIENT_SECRET", "DUFFEL_ACCESS_TOKEN"):
    os.environ.pop(variable, None)   # the zero-key defaults, whatever the shell has set

from fixed_latency import FixedStt, speech_frames  # noqa: E402

from assistant import EventType  # noqa: E402
from assistant.memory import pin_mmap_threshold, release_free_memory  # noqa: E402
from assistant.voice import VoiceChannel  # noqa: E402
from demo import handlers  # noqa: E402
from demo.event_log import DEFAULT_KINDS  # noqa: E402
from demo.sessions import conversations  # noqa: E402

TEXTS = ["Find me a flight from Madrid to London tomorrow", "hello", "And from Paris to Rome on Friday?",
         "with Iberia please"]
SPOKEN = "find me a flight from madrid to london tomorrow"


def rss_mb() -> float:
    gc.collect()
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def tasks() -> set[asyncio.Task]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


def lift_rate_limits(session) -> None:
    """A soak sends far more than a visitor may per minute: switch the per-session limits off (0)."""
    for limit in (getattr(session, "turn_limit", None), getattr(session, "search_limit", None)):
        if limit is not None:
            limit.limit = 0


def searched(session, turn: int) -> bool:
    """Whether `turn` ran a flight search (its tool_result is in the event log)."""
    for event in reversed(session.events):
        if event.turn != turn:
            return False
        if event.type == EventType.TOOL_RESULT:
            return True
    return False


async def typed_turns(visitor_id: str, count: int, offset: int = 0) -> int:
    """`count` turns through the Send button's handler, every update it yields consumed; how many searched."""
    session, searches = conversations().get(visitor_id).session, 0
    for index in range(offset, offset + count):
        async for _ in handlers.send_text(TEXTS[index % len(TEXTS)], visitor_id, "en", "medium", True,
                                          DEFAULT_KINDS):
            pass
        searches += searched(session, session.current_turn)
    return searches


def pcm_mb(conversation) -> float:
    """Assistant audio (PCM samples of Audio events) held in a conversation's event log."""
    return sum(e.samples.nbytes for e in conversation.session.events if e.type == EventType.AUDIO) / 1e6


async def voice_visit(mic_frames: list) -> str:
    """A page load, a live voice stream with one spoken turn, and the stream closed; the visitor id."""
    visitor_id = handlers.load_visitor(None, "en", "medium", True, DEFAULT_KINDS)[0]
    conversation = conversations().get(visitor_id)
    stt = FixedStt(final_s=0.0, text=SPOKEN)
    channel = VoiceChannel(conversation.session, stt)   # as demo/voice_stream.py start_up
    conversation.channel = channel
    await channel.start()
    while not channel.transcriber.connected:
        await asyncio.sleep(0.001)
    for frame in mic_frames:   # the VAD and the resamplers of this stream get to work
        await channel.receive(frame)
    stt.streams[-1].utter()
    while True:   # as the handler's emit: events go to the chat view, frames to the player
        item = await channel.next_output(10.0)
        if item is None:
            raise RuntimeError("the voice turn did not finish")
        if isinstance(item, tuple):
            continue
        conversation.view.apply(item)
        if item.type == EventType.TURN_METRICS:
            break
    await conversation.end_stream(channel)   # as demo/voice_stream.py shutdown: closed, then compacted
    return visitor_id


async def main(args) -> None:
    pin_mmap_threshold()   # as app.py does at start
    mic_frames = speech_frames(SPOKEN, lead_s=0.1, tail_s=0.0)[:15]   # 300 ms of speech
    began = time.perf_counter()
    visitor_id = handlers.load_visitor(None, "en", "medium", True, DEFAULT_KINDS)[0]
    lift_rate_limits(conversations().get(visitor_id).session)
    await typed_turns(visitor_id, args.warmup_turns)
    for _ in range(args.warmup_sessions):
        await voice_visit(mic_frames)
    await asyncio.sleep(0.1)
    base_rss, base_tasks, base_threads, base_fds = rss_mb(), tasks(), set(threading.enumerate()), open_fds()
    conversation = conversations().get(visitor_id)
    messages_before, pcm_before = len(conversation.view.messages), pcm_mb(conversation)

    part1 = time.perf_counter()
    searches = await typed_turns(visitor_id, args.turns, args.warmup_turns)
    await asyncio.sleep(0.1)
    after_turns, turn_s = rss_mb(), time.perf_counter() - part1
    turn_tasks = tasks() - base_tasks
    turn_threads = {t for t in set(threading.enumerate()) - base_threads if not t.name.startswith("asyncio_")}

    part2 = time.perf_counter()
    visitors = [await voice_visit(mic_frames) for _ in range(args.sessions)]
    await asyncio.sleep(0.1)
    after_sessions, session_s = rss_mb(), time.perf_counter() - part2
    leaked_tasks = tasks() - base_tasks
    new_threads = set(threading.enumerate()) - base_threads
    pool = {t for t in new_threads if t.name.startswith("asyncio_")}   # the loop's default executor (espeak-ng)
    leaked_threads = new_threads - pool
    fds_after = open_fds()
    store = conversations()
    visit_pcm = sum(pcm_mb(store.get(v)) for v in visitors if store.get(v) is not None)
    long_pcm = pcm_mb(conversation)
    kept, limit = len(store), store.limit
    store.limit = 1   # as a full store does: the least recently used conversations are dropped (and closed)
    store.get(None)
    store.limit = limit
    after_drop, fds_dropped = rss_mb(), open_fds()
    trimmed = release_free_memory(force=True)
    after_trim = rss_mb()

    print(f"baseline after warm-up ({args.warmup_turns} turns, {args.warmup_sessions} voice visits): "
          f"{base_rss:.1f} MB RSS, {len(base_tasks)} other tasks, {len(base_threads)} threads")
    print(f"part 1: {args.turns} typed turns in one conversation in {turn_s:.1f} s "
          f"({1000 * turn_s / args.turns:.1f} ms/turn): RSS {after_turns:.1f} MB "
          f"({after_turns - base_rss:+.1f}), {len(turn_tasks)} new tasks, {len(turn_threads)} new threads; "
          f"{searches} turns searched flights (per-session rate limits lifted for this conversation)")
    print(f"chat pane of that conversation: {messages_before} -> {len(conversation.view.messages)} messages; "
          f"event log {len(conversation.session.events)} events")
    print(f"part 2: {args.sessions} voice visits opened and closed in {session_s:.1f} s: RSS {after_sessions:.1f} MB "
          f"({after_sessions - after_turns:+.1f}); {kept} conversations kept by the store (limit {limit}), "
          f"{(after_sessions - after_turns) / args.sessions:.2f} MB each")
    print(f"assistant audio (PCM) held in event logs: {long_pcm:.1f} MB in the long conversation "
          f"({pcm_before:.1f} MB at the baseline), "
          f"{visit_pcm:.1f} MB in the {args.sessions} visits' ({visit_pcm / max(args.sessions, 1):.2f} MB each)")
    print(f"open files: {base_fds} at the baseline, {fds_after} after part 2, {fds_dropped} once the store dropped them")
    print(f"after the store dropped all but one conversation: RSS {after_drop:.1f} MB ({after_drop - base_rss:+.1f} "
          f"from the baseline)" + (f"; after malloc_trim {after_trim:.1f} MB ({after_trim - base_rss:+.1f})"
                                    if trimmed or after_trim != after_drop else ""))
    print(f"leaked_tasks: {len(leaked_tasks)}" + "".join(f"\n  {task!r}"[:200] for task in leaked_tasks))
    print(f"new worker threads of the loop's default executor (a bounded pool, not a leak): {len(pool)}")
    print(f"leaked_threads: {len(leaked_threads)}" + "".join(f"\n  {thread!r}" for thread in leaked_threads))
    print(f"runtime_s: {time.perf_counter() - began:.1f}")
    print(f"turns_rss_growth_mb: {after_turns - base_rss:.1f} ({args.turns} turns in one conversation; goal <= 5)")
    print(f"visits_rss_growth_mb: {after_sessions - after_turns:.1f} ({args.sessions} voice visits; goal <= 20)")
    print(f"kb_per_conversation: {1000 * (after_sessions - after_turns) / args.sessions:.0f}")
    print(f"rss_growth_mb: {after_sessions - base_rss:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1000, help="typed turns in one conversation (default 1000)")
    parser.add_argument("--sessions", type=int, default=200, help="voice visits opened and closed (default 200)")
    parser.add_argument("--warmup-turns", type=int, default=250,
                        help="turns before the baseline (default 250: the process's first ~200 latency figures "
                             "raise the heap's high-water mark once, see bench/README.md)")
    parser.add_argument("--warmup-sessions", type=int, default=10, help="visits before the baseline (default 10)")
    asyncio.run(main(parser.parse_args()))
