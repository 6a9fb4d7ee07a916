"""An audio output for LiveKit `AgentSession`s without a room: what the room's audio track would be."""
from __future__ import annotations

from livekit import rtc
from livekit.agents.voice.io import AudioOutput, AudioOutputCapabilities


class RecordingSpeaker(AudioOutput):
    """An audio sink for the session (what a room's audio track is): notes when each segment starts,
    and reports it played at once."""

    def __init__(self, timeline: list | None = None) -> None:
        super().__init__(label="recording-speaker", capabilities=AudioOutputCapabilities(pause=False))
        self.timeline = timeline if timeline is not None else []
        self.seconds, self._open, self._pushed = 0.0, False, 0.0

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._open:
            self._open = True
            self.timeline.append(("audio",))
        self._pushed += frame.duration
        self.seconds += frame.duration

    def flush(self) -> None:
        super().flush()
        self._open = False
        self.on_playback_finished(playback_position=self._pushed, interrupted=False)
        self._pushed = 0.0

    def clear_buffer(self) -> None:
        self.on_playback_finished(playback_position=self._pushed, interrupted=True)
        self._pushed = 0.0
