"""The LiveKit agent worker: one `PolyglotAgent` per dispatched room, registered under the `agent_name` of
`configs/livekit.yaml` so the console's explicit dispatch reaches it. `agent.py` runs `main()`.

Per room: the settings come from the dispatch's (else the room's) JSON metadata and the room name
(`room_config`); the plugins from the environment (`pipeline.build_pipeline`). Data messages
`environment_changed` and `interruptions` change the VAD preset and the interruption setting live; a
visitor who rejoins is welcomed back; each finished turn logs one line of the framework's metrics.
"""
from __future__ import annotations

import logging
import sys

from livekit import rtc
from livekit.agents import AgentSession, JobContext, JobProcess, WorkerOptions, cli

import flight_search
import languages
from flight_search.airports import airport
from languages import ConfigError

from .. import settings
from . import rooms
from .rooms import livekit_settings
from .pipeline import build_pipeline
from .polyglot_agent import CHAT_TOPIC, ChatPiece, PolyglotAgent
from .room_config import EnvironmentChanged, parse_data_message, room_config

log = logging.getLogger("polyglot.worker")
_TURN_FIELDS = (("stt_ms", "transcription_delay"), ("eou_ms", "end_of_turn_delay"),
                ("llm_ttft_ms", "llm_node_ttft"), ("tts_ttfb_ms", "tts_node_ttfb"), ("e2e_ms", "e2e_latency"))


def worker_agent_name() -> str:
    """The name this worker registers with: the one the console dispatches (`configs/livekit.yaml`)."""
    return livekit_settings().agent_name


def server_options() -> WorkerOptions:
    """The worker's options for `cli.run_app` (explicit dispatch by `agent_name`)."""
    return WorkerOptions(entrypoint_fnc=entrypoint, prewarm_fnc=prewarm, agent_name=worker_agent_name())


def prewarm(_proc: JobProcess | None = None) -> None:
    """Load what the first turn would otherwise load on the event loop (airports, gazetteer, date
    parser, the espeak-ng library): each job process runs this once before it takes a room."""
    from ..agents import OfflineAgent
    from ..providers.espeak_tts import speak_pcm
    from .conversation import Conversation

    step = OfflineAgent().plan(Conversation.new().session, "a flight from Madrid to London tomorrow")
    airport(getattr(step, "origin", "MAD"))
    speak_pcm("ok")


def main() -> None:
    """`python agent.py dev|start|console|...`: the framework's CLI, after the configs validate."""
    try:
        for room in (settings, languages, flight_search, rooms):  # the rooms the worker uses
            room.validate_config()
    except ConfigError as exc:   # one clear line, not a traceback
        sys.exit(f"Polyglot agent cannot start: configuration error in {exc}")
    cli.run_app(server_options())


class VisitorBook:
    """Who has been in the room: a second arrival of the same identity is a return."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def arrived(self, identity: str) -> bool:
        """Record an arrival; True when this identity was here before."""
        returning = identity in self._seen
        self._seen.add(identity)
        return returning


def turn_metrics_line(user: dict, assistant: dict) -> str:
    """One log line for a turn from the framework's `ChatMessage.metrics` (seconds -> ms); absent stages
    (no audio in text mode) are left out."""
    merged = {**user, **assistant}
    parts = [f"{name}={merged[key] * 1000:.0f}" for name, key in _TURN_FIELDS
             if isinstance(merged.get(key), (int, float))]
    return "turn metrics: " + (" ".join(parts) or "none")


def log_turn_metrics(session: AgentSession) -> None:
    """Log one metrics line per finished assistant turn."""
    last_user: dict = {}

    def on_item(event) -> None:
        nonlocal last_user
        item = event.item
        metrics = dict(getattr(item, "metrics", None) or {})
        if getattr(item, "role", None) == "user":
            last_user = metrics
        elif getattr(item, "role", None) == "assistant" and (last_user or metrics.get("llm_node_ttft")):
            log.info(turn_metrics_line(last_user, metrics))   # a said phrase (greeting) has no turn to report
            last_user = {}

    session.on("conversation_item_added", on_item)


def handle_data_message(payload: bytes | str, agent: PolyglotAgent, session: AgentSession, vad=None) -> str | None:
    """Apply one data message; returns what was applied ("environment=noisy", "interruptions=off"), or None."""
    message = parse_data_message(payload)
    if message is None:
        return None
    if isinstance(message, EnvironmentChanged):
        if not agent.apply_environment(message.environment, vad):
            log.warning("environment_changed to unknown preset %r ignored", message.environment[:40])
            return None
        log.info("environment preset now %s", message.environment)
        return f"environment={message.environment}"
    session.say(agent.set_interruptions(message.enabled))
    return f"interruptions={'on' if message.enabled else 'off'}"


def room_chat_sink(room: rtc.Room):
    """Publish chat pieces to the room as reliable data messages on `CHAT_TOPIC`."""
    async def publish(piece: ChatPiece) -> None:
        await room.local_participant.publish_data(piece.to_json().encode("utf-8"), reliable=True, topic=CHAT_TOPIC)
    return publish


async def entrypoint(ctx: JobContext) -> None:
    """One dispatched room."""
    await ctx.connect()
    settings = livekit_settings()
    config = room_config(ctx.job.metadata or ctx.room.metadata, ctx.room.name, base=settings.room_base)
    pipeline = build_pipeline(config.language, config.environment)
    # dispatched with the room's creation, the agent is often there first: it greets whoever comes
    agent = PolyglotAgent(config.language, config.environment, config.interruptions,
                          chat_sink=room_chat_sink(ctx.room), greet_on_enter=bool(ctx.room.remote_participants))
    # the agent's TTS node does the speech formatting (markdown out, numbers in words) from the raw text
    session = AgentSession(stt=pipeline.stt, llm=pipeline.llm, tts=pipeline.tts, vad=pipeline.vad,
                           tts_text_transforms=["filter_emoji"])
    log_turn_metrics(session)
    visitors = VisitorBook()
    for participant in ctx.room.remote_participants.values():
        visitors.arrived(participant.identity)

    @ctx.room.on("data_received")
    def on_data(packet: rtc.DataPacket) -> None:
        if packet.topic != CHAT_TOPIC and not (packet.topic or "").startswith("lk"):   # lk*: LiveKit's own
            handle_data_message(packet.data, agent, session, pipeline.vad)

    @ctx.room.on("participant_connected")
    def on_join(participant: rtc.RemoteParticipant) -> None:
        if visitors.arrived(participant.identity):
            agent.welcome_back()
        else:
            agent.greet()

    log.info("room %s: language=%s environment=%s interruptions=%s stt=%s llm=%s tts=%s", ctx.room.name,
             config.language, config.environment, config.interruptions,
             pipeline.stt.label if pipeline.stt else "off (typed chat only)", pipeline.llm.label,
             pipeline.tts.label if pipeline.tts else "off")
    await session.start(agent=agent, room=ctx.room)
