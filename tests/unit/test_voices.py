"""assistant.voice.voices: the cloud voice when it can, the offline voice when it cannot, silence as a last resort."""
from __future__ import annotations

from typing import AsyncIterator

import numpy as np
import pytest

from assistant.providers.base import AudioChunk, ErrorKind, ProviderError, TextToSpeech
from assistant.voice.voices import ReplyVoice, Voices
from languages import TtsRoute, all_languages, tts_route

CLOUD_MARK, OFFLINE_MARK = 1, 2


class FakeVoice(TextToSpeech):
    """Yields `chunks` chunks per sentence, each filled with `mark`; fails on request.

    `fail_before` / `fail_after_first` name an ErrorKind to raise before the first chunk or after it;
    `fail_on` limits the failure to the sentences listed (all sentences when empty).
    """

    def __init__(self, name: str, mark: int, *, chunks: int = 3, fail_before: ErrorKind | None = None,
                 fail_after_first: ErrorKind | None = None, fail_on: tuple[str, ...] = ()) -> None:
        self.name, self.mark, self.chunks = name, mark, chunks
        self.fail_before, self.fail_after_first, self.fail_on = fail_before, fail_after_first, fail_on
        self.calls: list[tuple[str, TtsRoute]] = []

    def _fails(self, text: str) -> bool:
        return not self.fail_on or text in self.fail_on

    async def synthesize(self, text: str, route: TtsRoute) -> AsyncIterator[AudioChunk]:
        self.calls.append((text, route))
        if self.fail_before is not None and self._fails(text):
            raise ProviderError(self.fail_before, f"{self.name} said no", provider=self.name)
        for index in range(self.chunks):
            if index == 1 and self.fail_after_first is not None and self._fails(text):
                raise ProviderError(self.fail_after_first, f"{self.name} dropped", provider=self.name)
            yield AudioChunk(16000, np.full(160, self.mark, np.int16))

    @property
    def sentences(self) -> list[str]:
        return [text for text, _route in self.calls]


async def speak(voice: ReplyVoice, sentence: str) -> list[int]:
    """The marks of the chunks spoken for one sentence (who spoke each chunk)."""
    return [int(chunk.samples[0]) async for chunk in voice.speak(sentence)]


def espeak_language() -> str | None:
    return next((lang.code for lang in all_languages() if lang.tts.provider == "espeak"), None)


@pytest.fixture()
def espeak_code() -> str:
    code = espeak_language()
    if code is None:
        pytest.skip("no language is routed to espeak-ng")
    return code


def test_routes_used_by_these_tests():
    assert tts_route("en").provider == "cartesia"


# -- choosing the voice --------------------------------------------------------------------------------

async def test_cloud_voice_for_a_cartesia_route():
    cloud, offline = FakeVoice("cartesia", CLOUD_MARK), FakeVoice("espeak", OFFLINE_MARK)
    voice = Voices(cloud, offline).for_reply("en")
    assert voice.route == tts_route("en")
    assert voice.provider == "cartesia" and voice.fallback_reason == ""
    assert await speak(voice, "Hello there.") == [CLOUD_MARK] * 3
    assert cloud.calls == [("Hello there.", tts_route("en"))]
    assert offline.calls == []


async def test_offline_voice_without_a_cloud_voice():
    offline = FakeVoice("espeak", OFFLINE_MARK)
    voice = Voices(None, offline).for_reply("en")
    assert voice.provider == "espeak"
    assert await speak(voice, "Hello.") == [OFFLINE_MARK] * 3
    assert voice.fallback_reason == ""


async def test_offline_voice_for_an_espeak_route_even_with_a_cloud_voice(espeak_code):
    cloud, offline = FakeVoice("cartesia", CLOUD_MARK), FakeVoice("espeak", OFFLINE_MARK)
    voice = Voices(cloud, offline).for_reply(espeak_code)
    assert voice.route.provider == "espeak"
    assert voice.provider == "espeak"
    assert await speak(voice, "Hola.") == [OFFLINE_MARK] * 3
    assert cloud.calls == [] and offline.calls == [("Hola.", tts_route(espeak_code))]


async def test_no_voice_at_all_is_silent():
    voice = Voices(None, None).for_reply("en")
    assert voice.provider == "none"
    assert await speak(voice, "Hello.") == []


async def test_cloud_only_on_an_espeak_route_is_silent(espeak_code):
    cloud = FakeVoice("cartesia", CLOUD_MARK)
    voice = Voices(cloud, None).for_reply(espeak_code)
    assert voice.provider == "none"
    assert await speak(voice, "Hola.") == [] and cloud.calls == []


# -- the cloud voice fails -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(ErrorKind), ids=lambda k: k.value)
async def test_cloud_failure_before_audio_switches_to_the_offline_voice(kind):
    cloud = FakeVoice("cartesia", CLOUD_MARK, fail_before=kind)
    offline = FakeVoice("espeak", OFFLINE_MARK)
    voice = ReplyVoice(tts_route("en"), cloud, offline)
    assert await speak(voice, "First sentence.") == [OFFLINE_MARK] * 3
    assert voice.provider == "espeak"
    assert kind.value in voice.fallback_reason and "cartesia" in voice.fallback_reason
    assert offline.sentences == ["First sentence."]


async def test_later_sentences_of_the_reply_stay_offline():
    cloud = FakeVoice("cartesia", CLOUD_MARK, fail_before=ErrorKind.RATE_LIMITED, fail_on=("Two.",))
    offline = FakeVoice("espeak", OFFLINE_MARK)
    voice = ReplyVoice(tts_route("en"), cloud, offline)
    assert await speak(voice, "One.") == [CLOUD_MARK] * 3
    assert await speak(voice, "Two.") == [OFFLINE_MARK] * 3
    assert await speak(voice, "Three.") == [OFFLINE_MARK] * 3       # the cloud would work again, unused
    assert await speak(voice, "Four.") == [OFFLINE_MARK] * 3
    assert cloud.sentences == ["One.", "Two."]
    assert offline.sentences == ["Two.", "Three.", "Four."]
    assert "rate_limited" in voice.fallback_reason


async def test_a_mid_sentence_failure_repeats_the_sentence_offline():
    cloud = FakeVoice("cartesia", CLOUD_MARK, fail_after_first=ErrorKind.SERVER_ERROR)
    offline = FakeVoice("espeak", OFFLINE_MARK)
    voice = ReplyVoice(tts_route("en"), cloud, offline)
    # one cloud chunk got out before the failure; then the whole sentence again, offline
    assert await speak(voice, "Iberia leaves at nine.") == [CLOUD_MARK] + [OFFLINE_MARK] * 3
    assert offline.sentences == ["Iberia leaves at nine."]
    assert "server_error" in voice.fallback_reason and voice.provider == "espeak"
    assert await speak(voice, "Next.") == [OFFLINE_MARK] * 3
    assert cloud.sentences == ["Iberia leaves at nine."]


async def test_each_reply_tries_the_cloud_voice_again():
    cloud = FakeVoice("cartesia", CLOUD_MARK, fail_before=ErrorKind.TIMEOUT, fail_on=("bad",))
    offline = FakeVoice("espeak", OFFLINE_MARK)
    voices = Voices(cloud, offline)
    first = voices.for_reply("en")
    assert await speak(first, "bad") == [OFFLINE_MARK] * 3
    second = voices.for_reply("en")
    assert second.provider == "cartesia" and second.fallback_reason == ""
    assert await speak(second, "good") == [CLOUD_MARK] * 3


# -- the offline voice fails ---------------------------------------------------------------------------

async def test_an_offline_failure_leaves_the_reply_silent(espeak_code):
    offline = FakeVoice("espeak", OFFLINE_MARK, fail_before=ErrorKind.SERVER_ERROR)
    voice = Voices(FakeVoice("cartesia", CLOUD_MARK), offline).for_reply(espeak_code)
    assert await speak(voice, "Hola.") == []                 # no exception
    assert voice.provider == "none" and "espeak" in voice.fallback_reason
    assert await speak(voice, "Adiós.") == []
    assert offline.sentences == ["Hola."]                    # not tried again in this reply


async def test_cloud_then_offline_failure_is_silent_without_raising():
    cloud = FakeVoice("cartesia", CLOUD_MARK, fail_before=ErrorKind.AUTH)
    offline = FakeVoice("espeak", OFFLINE_MARK, fail_before=ErrorKind.SERVER_ERROR)
    voice = ReplyVoice(tts_route("en"), cloud, offline)
    assert await speak(voice, "Hello.") == []
    assert voice.provider == "none"
    assert "auth" in voice.fallback_reason                    # the first reason is kept
    assert await speak(voice, "Again.") == []
    assert cloud.sentences == ["Hello."] and offline.sentences == ["Hello."]


async def test_cloud_failure_without_an_offline_voice_is_silent():
    cloud = FakeVoice("cartesia", CLOUD_MARK, fail_before=ErrorKind.REFUSED)
    voice = ReplyVoice(tts_route("en"), cloud, None)
    assert await speak(voice, "Hello.") == []
    assert voice.provider == "none" and voice.fallback_reason
    assert await speak(voice, "Again.") == [] and cloud.sentences == ["Hello."]


async def test_an_offline_failure_mid_sentence_keeps_what_was_said():
    offline = FakeVoice("espeak", OFFLINE_MARK, fail_after_first=ErrorKind.MALFORMED)
    voice = ReplyVoice(tts_route("en"), None, offline)
    assert await speak(voice, "Hello.") == [OFFLINE_MARK]
    assert voice.provider == "none"
    assert await speak(voice, "More.") == []


def test_a_language_without_an_offline_voice_is_text_only_offline():
    from assistant.providers.espeak_tts import EspeakTTS

    voice = Voices(None, EspeakTTS()).for_reply("tl")   # Cartesia speaks Tagalog, espeak-ng does not
    assert voice.provider == "none" and voice.offline is None
    assert Voices(None, EspeakTTS()).for_reply("es").provider == "espeak"
