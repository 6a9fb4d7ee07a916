"""The live audio path: frames and resampling, VAD, the live transcriber, the voice channel, the
reply voices and the conversation recording."""
from .audio import AudioInputError, FrameCutter, LevelMeter, StreamingResampler, mulaw_decode, mulaw_encode, normalize_frame
from .channel import VoiceChannel, live_voice_streams
from .recording import ConversationRecorder
from .transcriber import LiveTranscriber
from .vad import SileroVad, SpeechSegmenter
from .voices import ReplyVoice, Voices

__all__ = [
    "AudioInputError", "FrameCutter", "LevelMeter", "StreamingResampler", "mulaw_decode", "mulaw_encode", "normalize_frame",
    "VoiceChannel", "live_voice_streams", "ConversationRecorder", "LiveTranscriber", "SileroVad", "SpeechSegmenter", "ReplyVoice", "Voices",
]
