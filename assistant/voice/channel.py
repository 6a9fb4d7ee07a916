"""A live voice stream of a session: audio in -> VAD + streaming STT -> turns; the reply's audio out.

The same engine as typed text runs the turns (`Session.handle_voice`). Everything the UI needs
comes out of `next_output()` in order: events (transcripts, thinking, the reply's text) and 20 ms
audio frames, so a reply's text always leaves before its audio.
"""
from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from languages import get_language, offline_stt_language, phrase, stt_route

from .audio import AudioInputError, FrameCutter, LevelMeter, StreamingResampler, normalize_frame, pcm16_bytes
from ..events import (Audio, ErrorEvent, Event, EventType, Notice, ProviderFallback, StateChange, TurnMetrics,
                      UserTranscript, VadActivity)
from ..memory import release_free_memory
from ..providers.base import SpeechToText
from ..providers.whisper_stt import WhisperSTT
from ..settings import environment_presets, voice_settings
from .segment_transcriber import SegmentTranscriber
from .transcriber import LiveTranscriber
from .vad import SpeechSegmenter, VadEvent, VadEventKind
from .batched_vad import VadSlot, shared_batched_vad

if TYPE_CHECKING:
    from ..session import Session

log = logging.getLogger(__name__)
NO_STT_MESSAGE = ("Voice input needs DEEPGRAM_API_KEY or the offline speech model (`python -m demo.models fetch`, "
                  "or POLYGLOT_WHISPER_MODEL) — type instead. The VAD still shows when you speak.")
NO_OFFLINE_LANGUAGE = ("Offline voice input is not good enough in {language} yet: type instead "
                       "(or set DEEPGRAM_API_KEY). The VAD still shows when you speak.")
LATE_FINAL_S = 10.0  # a final this late after its interim words were answered is not answered again
MAX_CHUNK_S = 2.0   # a microphone sends 10-100 ms frames; a longer chunk is a broken or hostile client
MAX_VAD_BACKLOG = 4  # windows (128 ms): audio coming faster than real time waits for the VAD, which
                     # must not fall behind what the STT has heard


_live: weakref.WeakSet[VoiceChannel] = weakref.WeakSet()


def live_voice_streams() -> int:
    """Voice streams of this process that were started and not closed yet."""
    return len(_live)


@dataclass(frozen=True)
class OutFrame:
    """20 ms of the assistant's voice at the output rate, tagged with its turn."""

    turn: int
    samples: np.ndarray


class VoiceChannel:
    """One WebRTC stream. `receive` takes microphone frames; `next_output` hands out what to show or play."""

    def __init__(self, session: Session, stt: SpeechToText | None, *, offline_stt: WhisperSTT | None = None,
                 on_interrupt: Callable[[], None] | None = None, clock: Callable[[], float] = time.perf_counter) -> None:
        settings = voice_settings()
        self.session, self.stt, self.offline_stt = session, stt, offline_stt
        self.on_interrupt = on_interrupt or (lambda: None)
        self.clock = clock
        self.out_rate = settings.webrtc_sample_rate
        self.frame_s = settings.stream_frame_ms / 1000
        self.outbox: asyncio.Queue[Event | OutFrame] = asyncio.Queue()
        self.meter = LevelMeter()
        self.level = 0.0
        self.discarded_s = 0.0
        self.segmenter = SpeechSegmenter(self._preset)
        self._vad_slot: VadSlot | None = None          # this stream's row in the batched VAD, from its first window
        self._vad_task: asyncio.Task | None = None     # handles the VAD's events in order
        self.transcriber: LiveTranscriber | None = None
        self.segments: SegmentTranscriber | None = None   # the offline recogniser, when it hears this stream
        self._switching: asyncio.Task | None = None        # Deepgram failed for good: the switch to it
        self._to_stt: StreamingResampler | None = None
        self._turn_task: asyncio.Task | None = None
        self._playing_until = 0.0
        self._speech_ended_at: float | None = None
        self._queued_frames = 0                        # frames in the outbox, not yet handed out
        self._origins: dict[int, float] = {}           # turn -> its origin, until its first frame leaves
        self._first_audio_out: dict[int, float] = {}   # turn -> ms from origin to its first frame
        self._bad_input_reported: set[str] = set()
        self._last_interim = ""
        self._final_watch: asyncio.Task | None = None   # waits for the transcript after the end of speech
        self._late_final_until = 0.0                    # a final arriving before this was already answered

    def _preset(self):
        presets = environment_presets()
        return presets.get(self.session.environment) or next(iter(presets.values()))

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the persistent STT connection, or start the offline recogniser (or say why voice input is off)."""
        _live.add(self)   # before any await: a capacity check and this start cannot interleave
        self._note(StateChange, state="stream_open", detail=f"environment {self.session.environment}")
        await shared_batched_vad().warm()
        if self.stt is None:
            await self._start_offline()
            return
        settings = voice_settings()
        self.transcriber = LiveTranscriber(
            self.stt, stt_route(self.session.language), settings.stt_sample_rate,
            on_interim=self._on_interim, on_utterance=self._on_utterance,
            on_state=lambda state, detail: self._note(StateChange, state=state, detail=detail),
            backoff_s=settings.stt_reconnect_backoff_s, keepalive_s=settings.stt_keepalive_s,
            on_failed=self._on_stt_failed if self.offline_stt is not None else None,
            max_failures=settings.offline_stt.reconnect_failures if self.offline_stt is not None else 0)
        await self.transcriber.start()

    async def _start_offline(self) -> bool:
        """Voice input by the offline recogniser, if there is one and it is good enough in this language."""
        if self.offline_stt is None:
            self._note(Notice, kind="voice_needs_key", text=NO_STT_MESSAGE)
            return False
        language = offline_stt_language(self.session.language)
        if language is None or not self.offline_stt.supports(language):
            name = get_language(self.session.language)
            self._note(Notice, kind="voice_offline_unsupported",
                       text=NO_OFFLINE_LANGUAGE.format(language=name.name if name else self.session.language))
            return False
        self.segments = SegmentTranscriber(
            self.offline_stt, language, on_utterance=self._on_offline_utterance,
            on_state=lambda state, detail: self._note(StateChange, state=state, detail=detail),
            on_not_caught=self._not_caught, on_failed=self._offline_failed)
        return await self.segments.start()

    def _offline_failed(self, reason: str) -> None:
        """The offline model could not be loaded: voice input is off for this stream, and the panel says why."""
        self.segments = None
        self._note(Notice, kind="voice_needs_key", text=f"{NO_STT_MESSAGE} ({reason})")

    async def _on_stt_failed(self, reason: str) -> None:
        """Deepgram failed for good (auth error, repeated reconnect failure): the offline recogniser takes over."""
        self._switching = asyncio.get_running_loop().create_task(self._switch_to_offline(reason))

    async def _switch_to_offline(self, reason: str) -> None:
        transcriber, self.transcriber = self.transcriber, None
        if transcriber is not None:
            await transcriber.close()
        if await self._start_offline():
            self._note(ProviderFallback, stage="speech_to_text", failed=self.stt.name if self.stt else "deepgram",
                       used=self.offline_stt.name, reason=reason[:160])

    async def _on_offline_utterance(self, text: str, ended_at: float) -> None:
        self._speech_ended_at = ended_at
        await self._on_utterance(text)

    async def _not_caught(self, _reason: str) -> None:
        """Say "I didn't catch that" in the session's language instead of answering noise."""
        previous = self._turn_task
        self._turn_task = asyncio.create_task(self._after(previous, self.session.speak("did_not_catch")))

    async def close(self) -> None:
        _live.discard(self)
        if self._vad_slot is not None:
            self._vad_slot.close()
        if self._vad_task is not None:
            self._vad_task.cancel()
            await asyncio.gather(self._vad_task, return_exceptions=True)
        if self._final_watch is not None:
            self._final_watch.cancel()
        await self._cancel_turn()
        if self._switching is not None and not self._switching.done():
            self._switching.cancel()
            await asyncio.gather(self._switching, return_exceptions=True)
        if self.segments is not None:
            await self.segments.close()
        if self.transcriber is not None:
            await self.transcriber.close()
        self._note(StateChange, state="stream_closed")
        release_free_memory()   # a closed stream's buffers go back to the OS, not just to malloc

    # -- input -------------------------------------------------------------------------------------

    @property
    def assistant_busy(self) -> bool:
        """The assistant is answering: a turn is running or its audio is still playing."""
        running = self._turn_task is not None and not self._turn_task.done()
        return running or self._queued_frames > 0 or self.clock() < self._playing_until

    async def receive(self, frame) -> None:
        """One microphone frame `(sample_rate, samples)`; any shape or dtype a browser may send."""
        try:
            chunk = normalize_frame(frame)
        except AudioInputError as exc:
            self._report_bad_input(str(exc))
            return
        if not len(chunk.samples):
            return
        if chunk.seconds > MAX_CHUNK_S:   # VAD over minutes of audio would block every other visitor
            self._report_bad_input(f"An audio chunk of {chunk.seconds:.1f} s is longer than {MAX_CHUNK_S:g} s; "
                                   "microphone frames are short. It was ignored.")
            return
        if self.session.recorder is not None:
            self.session.recorder.add_audio("visitor", chunk.samples, chunk.sample_rate)
        self.level = self.meter.update(chunk.samples, chunk.sample_rate)
        if self.assistant_busy and not self.session.interruptions:
            self.discarded_s += chunk.seconds   # interruptions off: the user waits for the answer
            return
        windows = self.segmenter.windows(chunk)
        if windows and self._vad_slot is None:
            self._vad_slot = shared_batched_vad().open(self._on_vad_result)
        for window in windows:   # their events come back within a batch tick (<= 32 ms)
            self._vad_slot.submit(window)
        if self._vad_slot is not None and self._vad_slot.backlog > MAX_VAD_BACKLOG:
            await self._vad_slot.settled()
        if self.transcriber is not None:
            if self._to_stt is None or self._to_stt.in_rate != chunk.sample_rate:
                self._to_stt = StreamingResampler(chunk.sample_rate, voice_settings().stt_sample_rate)
            await self.transcriber.send(pcm16_bytes(self._to_stt.process(chunk.samples)))

    def _report_bad_input(self, message: str) -> None:
        if message not in self._bad_input_reported:   # once per kind of problem, not 50 times a second
            self._bad_input_reported.add(message)
            self._note(ErrorEvent, message="The microphone sent audio we could not use.", stage="input",
                       detail=message[:160])

    def _on_vad_result(self, window, probability: float) -> None:
        """The batched VAD's result for one of this stream's windows (in order, on the loop)."""
        events = self.segmenter.step(window, probability)
        if events:
            previous = self._vad_task
            self._vad_task = asyncio.get_running_loop().create_task(self._handle_vad(previous, events))

    async def _handle_vad(self, previous: asyncio.Task | None, events: list[VadEvent]) -> None:
        if previous is not None and not previous.done():
            await asyncio.gather(previous, return_exceptions=True)
        for event in events:
            await self._on_vad(event)

    async def vad_settled(self) -> None:
        """Wait until every frame received so far has been through the VAD and its events handled."""
        if self._vad_slot is not None:
            await self._vad_slot.settled()
        while self._vad_task is not None and not self._vad_task.done():
            await asyncio.gather(self._vad_task, return_exceptions=True)

    async def _on_vad(self, event: VadEvent) -> None:
        if event.kind == VadEventKind.SPEECH_STARTED:
            self._note(VadActivity, kind=event.kind.value, at_s=round(event.at_s, 3),
                       environment=self.session.environment)
            if self.assistant_busy and self.session.interruptions:
                await self.interrupt()
        else:
            self._speech_ended_at = self.clock()
            self._note(VadActivity, kind=event.kind.value, at_s=round(event.at_s, 3),
                       duration_s=round(event.duration_s, 3), environment=self.session.environment)
            if self.transcriber is not None:
                await self.transcriber.finalize()
                self._watch_for_final()
            elif self.segments is not None:
                self.segments.submit(self.segmenter.utterance_audio(), event.duration_s, self._speech_ended_at)

    def _watch_for_final(self) -> None:
        if self._final_watch is not None:
            self._final_watch.cancel()
        self._final_watch = asyncio.create_task(self._expect_final(voice_settings().stt_final_wait_s))

    async def _expect_final(self, wait_s: float) -> None:
        """No final transcript `wait_s` after the end of speech: answer the last interim words, or say
        nothing was caught, rather than losing the utterance silently."""
        await asyncio.sleep(wait_s)
        self._final_watch = None
        heard, self._last_interim = self._last_interim, ""
        if heard:
            self._note(StateChange, state="stt_final_missing", detail=f"no final within {wait_s:g} s: using the interim words")
            await self._on_utterance(heard)
            self._late_final_until = self.clock() + LATE_FINAL_S
        else:
            self._note(StateChange, state="stt_no_transcript", detail=f"nothing transcribed within {wait_s:g} s")
            self._note(Notice, kind="no_transcript", text=phrase(self.session.language, "did_not_understand"))

    def _on_interim(self, text: str) -> None:
        self._last_interim = text
        self._note(UserTranscript, text=text, final=False, source="voice")

    async def _on_utterance(self, text: str) -> None:
        """A whole utterance was transcribed: run it as a turn (after the one in flight, if any)."""
        self._last_interim = ""
        watch, self._final_watch = self._final_watch, None
        if watch is not None and watch is not asyncio.current_task():
            watch.cancel()
        now = self.clock()
        if now < self._late_final_until:   # its interim words were answered already
            self._late_final_until = 0.0
            self._note(StateChange, state="stt_late_final", detail="a late final transcript was not answered twice")
            return
        origin = self._speech_ended_at if self._speech_ended_at is not None and self._speech_ended_at <= now else now
        self._speech_ended_at = None
        stages = {"stt_final": round((now - origin) * 1000, 1)}
        stt = self.offline_stt.name if self.segments is not None and self.offline_stt is not None else (
            self.stt.name if self.stt is not None else "deepgram")
        events = self.session.handle_voice(text, origin=origin, stages_ms=stages, stt=stt)
        self._turn_task = asyncio.create_task(self._after(self._turn_task, events, origin))

    # -- turns and output --------------------------------------------------------------------------


    async def _pump(self, events, origin: float) -> None:
        """Move a turn's events to the outbox in order, its audio cut into frames at the output rate."""
        resampler: StreamingResampler | None = None
        cutter = FrameCutter(round(self.out_rate * self.frame_s))

        def flush(turn: int) -> None:
            tail = resampler.flush() if resampler is not None else np.zeros(0, np.int16)
            for samples in cutter.push(tail) + cutter.flush(pad=True):
                self._queue_frame(turn, samples)

        turn, started = self.session.current_turn, None
        async for event in events:
            turn = event.turn
            if started != turn:   # the turn's first event: its first frame will be timed from `origin`
                started = turn
                self._origins[turn] = origin
            if isinstance(event, Audio):
                if resampler is None or resampler.in_rate != event.sample_rate:
                    resampler = StreamingResampler(event.sample_rate, self.out_rate)
                for samples in cutter.push(resampler.process(event.samples)):
                    self._queue_frame(turn, samples)
                continue
            if event.type == EventType.TURN_METRICS:
                flush(turn)
            self.outbox.put_nowait(event)
        flush(turn)

    async def next_output(self, timeout: float = 0.5) -> Event | tuple[int, np.ndarray] | None:
        """The next event to show or frame to play, in order; None when nothing came within `timeout`."""
        try:
            item = await asyncio.wait_for(self.outbox.get(), timeout)
        except asyncio.TimeoutError:
            return None
        if isinstance(item, OutFrame):
            self._queued_frames -= 1
            now = self.clock()
            self._playing_until = max(self._playing_until, now) + self.frame_s
            origin = self._origins.pop(item.turn, None)
            if origin is not None:   # the turn's first frame
                self._first_audio_out[item.turn] = round((now - origin) * 1000, 1)
            if self.session.recorder is not None:
                self.session.recorder.add_audio("assistant", item.samples, self.out_rate)
            return self.out_rate, item.samples
        if isinstance(item, TurnMetrics):
            self._origins.pop(item.turn, None)
            first_out = self._first_audio_out.pop(item.turn, None)
            if first_out is not None:
                item.stages_ms["first_audio_out"] = first_out
        return item

    async def interrupt(self) -> None:
        """Stop the assistant now: drop queued audio, cancel the turn's model and voice work."""
        turn = self.session.current_turn
        await self._cancel_turn()
        dropped = 0
        keep: list[Event] = []
        while not self.outbox.empty():
            item = self.outbox.get_nowait()
            if isinstance(item, OutFrame):
                dropped += 1
                continue
            if isinstance(item, TurnMetrics) and item.turn == turn:
                item.interrupted = True
            keep.append(item)
        for item in keep:
            self.outbox.put_nowait(item)
        self._queued_frames = 0
        self._playing_until = 0.0
        self.on_interrupt()
        self._note(StateChange, state="interrupted", detail=f"turn {turn}; {dropped * self.frame_s:.2f} s of audio dropped")

    async def _cancel_turn(self) -> None:
        task, self._turn_task = self._turn_task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def set_interruptions(self, enabled: bool) -> None:
        """Switch barge-in on or off, and say so in the session's language once the current answer is done."""
        self.session.interruptions = bool(enabled)
        key = "interruptions_on" if enabled else "interruptions_off"
        self._note(StateChange, state=key, detail=phrase(self.session.language, key))
        previous = self._turn_task
        self._turn_task = asyncio.create_task(self._after(previous, self.session.speak(key)))

    async def _after(self, previous: asyncio.Task | None, events, origin: float | None = None) -> None:
        """Run a turn's events once the turn before it (if any) has finished."""
        if previous is not None and not previous.done():
            await asyncio.gather(previous, return_exceptions=True)
        await self._pump(events, self.clock() if origin is None else origin)

    def _queue_frame(self, turn: int, samples: np.ndarray) -> None:
        self._queued_frames += 1
        self.outbox.put_nowait(OutFrame(turn, samples))

    def _note(self, event_type: type[Event], **fields) -> None:
        self.outbox.put_nowait(self.session.note(event_type, **fields))
