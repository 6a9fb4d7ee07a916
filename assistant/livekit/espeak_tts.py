"""The offline voice as a LiveKit `tts.TTS`: the bundled espeak-ng of `assistant.providers.espeak_tts`
(the same voices the console uses), one chunk of raw PCM per sentence."""
from __future__ import annotations

from livekit.agents import APIError, tts, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

from languages import tts_route

from ..providers.base import ProviderError
from ..providers.espeak_tts import EspeakTTS as EngineVoice

ESPEAK_SAMPLE_RATE = 22050   # what espeak_Initialize reports for the bundled library


class EspeakTTS(tts.TTS):
    """espeak-ng speaking `language` (its voice from `languages.tts_route`)."""

    def __init__(self, language: str = "en") -> None:
        super().__init__(capabilities=tts.TTSCapabilities(streaming=False), sample_rate=ESPEAK_SAMPLE_RATE,
                         num_channels=1)
        self.route = tts_route(language)
        self._voice = EngineVoice()

    @property
    def model(self) -> str:
        return f"espeak-ng/{self.route.offline_voice or self.route.language}"

    @property
    def provider(self) -> str:
        return "espeak-ng"

    def synthesize(self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS) -> "EspeakStream":
        return EspeakStream(tts=self, input_text=text, conn_options=conn_options)


class EspeakStream(tts.ChunkedStream):
    """One sentence through espeak-ng (a few ms, in a worker thread)."""

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        voice: EspeakTTS = self._tts   # type: ignore[assignment]
        output_emitter.initialize(request_id=utils.shortuuid(), sample_rate=ESPEAK_SAMPLE_RATE, num_channels=1,
                                  mime_type="audio/pcm")
        try:
            async for chunk in voice._voice.synthesize(self._input_text, voice.route):
                if chunk.sample_rate != ESPEAK_SAMPLE_RATE:
                    raise APIError(f"espeak-ng produced {chunk.sample_rate} Hz, expected {ESPEAK_SAMPLE_RATE}",
                                   retryable=False)
                output_emitter.push(chunk.samples.astype("<i2").tobytes())
        except ProviderError as exc:
            raise APIError(f"espeak-ng: {exc}", retryable=exc.retryable) from None
        output_emitter.flush()
