"""fastrtc wiring of the Voice tab: one stream handler per WebRTC connection, feeding the engine.

The handler is thin: frames go to `assistant.voice.VoiceChannel`; what comes back is either a
20 ms frame to play or an event, which updates the conversation's chat view and is pushed to the
page as `AdditionalOutputs` (text always before the audio it belongs to).

Past `max_voice_streams` live streams a new stream is refused: the visitor's chat gets the
localised `voice_full` notice, then the stream is closed with the same words (fastrtc shows them
as a warning on the page). fastrtc's own connection limit is set above ours (demo/ui.py), so that
this message, not fastrtc's English one, is what a visitor sees.
"""
from __future__ import annotations

import asyncio
import logging

from fastrtc import AdditionalOutputs, AsyncStreamHandler, CloseStream

from assistant import Event, EventType, Notice, app_settings, voice_settings
from assistant.providers import default_offline_stt, default_stt
from assistant.voice import VoiceChannel, live_voice_streams
from languages import phrase

from .sessions import Conversation, conversations

log = logging.getLogger(__name__)


class ConsoleStreamHandler(AsyncStreamHandler):
    """Audio in from the browser's microphone, the assistant's voice out, events to the page."""

    def __init__(self) -> None:
        rate = voice_settings().webrtc_sample_rate
        super().__init__(expected_layout="mono", output_sample_rate=rate, input_sample_rate=rate,
                         output_frame_size=round(rate * voice_settings().stream_frame_ms / 1000))
        self.voice: VoiceChannel | None = None
        self.conversation: Conversation | None = None
        self.refusal: Event | None = None   # the voice_full notice, when this stream was refused
        self._refusal_shown = False
        self._ready = asyncio.Event()

    def copy(self) -> "ConsoleStreamHandler":
        return ConsoleStreamHandler()

    async def start_up(self) -> None:
        await self.wait_for_args()
        visitor_id = self.latest_args[-1] if isinstance(self.latest_args[-1], str) else ""  # the last input
        conversation = conversations().get(visitor_id)
        if conversation is None:   # the page opened a stream before loading: start a conversation
            conversation = conversations().start(visitor_id or None, "en", "medium", True)
        if isinstance(conversation.channel, VoiceChannel):   # one live stream per conversation
            await conversation.channel.close()
        self.conversation = conversation
        if live_voice_streams() >= app_settings().max_voice_streams:
            self.refusal = conversation.session.note(Notice, kind="voice_full",
                                                     text=phrase(conversation.session.language, "voice_full"))
            self._ready.set()
            return
        self.voice = VoiceChannel(conversation.session, default_stt(), offline_stt=default_offline_stt(),
                                  on_interrupt=self._clear_playback)
        conversation.channel = self.voice
        await self.voice.start()
        self._ready.set()

    def _clear_playback(self) -> None:
        try:
            self.clear_queue()   # fastrtc's own queue of frames waiting to be played
        except (TypeError, AttributeError):   # not attached to a connection (tests)
            pass

    async def receive(self, frame) -> None:
        if self.voice is not None:
            await self.voice.receive(frame)

    async def emit(self):
        if not self._ready.is_set():
            try:
                await asyncio.wait_for(self._ready.wait(), 0.5)
            except asyncio.TimeoutError:
                return None
        if self.refusal is not None:
            return self._refuse()
        assert self.voice is not None and self.conversation is not None
        item = await self.voice.next_output(0.5)
        if item is None or isinstance(item, tuple):
            return item
        if self.conversation.view.apply(item) or item.type in (EventType.VAD, EventType.STATE):
            return AdditionalOutputs(self.conversation.visitor_id, item.type.value)
        return None

    def _refuse(self) -> AdditionalOutputs | CloseStream:
        """First the notice in the chat pane, then the stream closed with the same words."""
        assert self.conversation is not None and self.refusal is not None
        if not self._refusal_shown:
            self._refusal_shown = True
            self.conversation.view.apply(self.refusal)
            return AdditionalOutputs(self.conversation.visitor_id, self.refusal.type.value)
        return CloseStream(self.refusal.text)

    def shutdown(self) -> None:
        channel, self.voice = self.voice, None
        conversation = self.conversation
        if channel is None or conversation is None:
            return
        if conversation.channel is channel:
            conversation.channel = None
        try:
            asyncio.get_running_loop().create_task(conversation.end_stream(channel))
        except RuntimeError:   # called outside the event loop: nothing is running to close
            log.debug("stream shut down outside the event loop")
