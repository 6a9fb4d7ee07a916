"""The offline recogniser (faster-whisper on the Whisper base test model) on real speech made offline by
espeak-ng: the provider and its guards, then the voice channel with zero keys."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest

from assistant import EventType, Session
from assistant.providers.base import AudioChunk, ErrorKind, ProviderError
from assistant.providers.espeak_tts import EspeakTTS
from assistant.voice import VoiceChannel
from assistant.voice.voices import Voices
from languages import phrase
from tests.conftest import TODAY
from tests.speech_audio import speech

from .test_voice_engine import collect, events_of, feed

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
REQUEST = "I want to fly from Madrid to London tomorrow"


def segment(text: str, voice: str = "en-us") -> AudioChunk:
    return AudioChunk(16000, speech(text, voice, 16000, lead_s=0.2, tail_s=0.3))


async def test_english_speech_is_transcribed_in_the_given_language(whisper_stt):
    result = await whisper_stt.transcribe(segment(REQUEST), "en")
    assert result.accepted, result
    words = result.text.lower()
    assert "madrid" in words and "london" in words and "tomorrow" in words
    assert result.language == "en" and result.audio_s > 2


async def test_silence_and_noise_give_no_text(whisper_stt):
    quiet = await whisper_stt.transcribe(AudioChunk(16000, np.zeros(16000, np.int16)), "en")
    noise = (np.random.default_rng(7).normal(0, 800, 24000)).astype(np.int16)
    noisy = await whisper_stt.transcribe(AudioChunk(16000, noise), "en")
    assert quiet.text == "" and quiet.rejected
    assert noisy.text == "" and noisy.rejected


async def test_a_segment_the_vad_found_almost_no_speech_in_is_not_transcribed(whisper_stt):
    result = await whisper_stt.transcribe(segment(REQUEST), "en", speech_s=0.1)
    assert (result.rejected, result.text, result.elapsed_s) == ("silence", "", 0.0)


async def test_a_full_queue_refuses_more_segments(whisper_stt):
    audio = AudioChunk(16000, np.zeros(8000, np.int16))
    jobs = [asyncio.create_task(whisper_stt.transcribe(audio, "en")) for _ in range(whisper_stt.whisper.max_pending + 1)]
    await asyncio.sleep(0)   # each job has taken its place in the queue, or been refused
    refused = jobs[-1].exception()
    assert isinstance(refused, ProviderError) and refused.kind == ErrorKind.RATE_LIMITED and refused.retryable
    for job in jobs[:-1]:   # the waiting ones never run
        job.cancel()
    results = await asyncio.gather(*jobs[:-1], return_exceptions=True)
    assert sum(isinstance(r, asyncio.CancelledError) for r in results) >= len(results) - 1


async def drain(channel: VoiceChannel):
    """What is left in the channel's output (frames as tuples)."""
    while (item := await channel.next_output(0.3)) is not None:
        yield item


def offline_session(language: str = "en") -> Session:
    return Session(language, today=TODAY, llm=None, voices=Voices(None, EspeakTTS()))


async def test_zero_keys_a_spoken_request_runs_the_turn_through_the_offline_recogniser(whisper_stt):
    channel = VoiceChannel(offline_session(), None, offline_stt=whisper_stt)
    await channel.start()
    await feed(channel, speech(REQUEST, tail_s=1.5))
    items = await collect(channel, EventType.TURN_METRICS, timeout=30)
    await channel.close()

    states = [e.state for e in events_of(items, EventType.STATE)]
    assert "transcribing" in states and "transcribed" in states
    assert states.index("transcribing") < states.index("transcribed")
    final = [e for e in events_of(items, EventType.USER_TRANSCRIPT) if e.final]
    assert final and "madrid" in final[0].text.lower() and final[0].source == "voice"
    call = events_of(items, EventType.TOOL_CALL)[0]
    assert (call.arguments["origin"], call.arguments["destination"]) == ("MAD", "LON")
    metrics = events_of(items, EventType.TURN_METRICS)[-1]
    assert metrics.providers["speech_to_text"] == whisper_stt.name and "stt_final" in metrics.stages_ms
    assert not events_of(items, EventType.NOTICE), "no 'needs a key' notice when the offline model is there"


async def test_noise_is_answered_with_didnt_catch_that_in_the_visitors_language(whisper_stt, config_copy):
    text = (config_copy / "languages.yaml").read_text()
    (config_copy / "languages.yaml").write_text(text.replace("    num2words: es\n    offline_stt: false",
                                                             "    num2words: es\n    offline_stt: true", 1))
    channel = VoiceChannel(offline_session("es"), None, offline_stt=whisper_stt)
    await channel.start()
    await feed(channel, speech("eh, eh, eh", "es", tail_s=1.5))   # hesitations, nothing to answer
    items = await collect(channel, EventType.PRE_SPEECH_TEXT, timeout=30)
    items += [item async for item in drain(channel)]
    await channel.close()
    rejected = [e for e in events_of(items, EventType.STATE) if e.state == "stt_rejected"]
    said = events_of(items, EventType.PRE_SPEECH_TEXT)
    assert rejected and said and said[0].speech_text == phrase("es", "did_not_catch")
    assert not events_of(items, EventType.TOOL_CALL)
    assert any(isinstance(item, tuple) for item in items), "said aloud, not only shown"


@pytest.mark.parametrize("fault", ["reject_401", "server_error_500"])
async def test_deepgram_failing_for_good_hands_the_conversation_to_the_offline_recogniser(
        fake_deepgram, whisper_stt, fault):
    from assistant.providers.deepgram_stt import DeepgramSTT
    from assistant.settings import voice_settings

    fake_deepgram.fault = fault
    channel = VoiceChannel(offline_session(), DeepgramSTT(fake_deepgram.api_key, base_url=fake_deepgram.url),
                           offline_stt=whisper_stt)
    await channel.start()
    items = await collect(channel, EventType.PROVIDER_FALLBACK, timeout=20)
    fallback = events_of(items, EventType.PROVIDER_FALLBACK)[0]
    assert (fallback.stage, fallback.failed, fallback.used) == ("speech_to_text", "deepgram", whisper_stt.name)
    assert "stt_failed" in [e.state for e in events_of(items, EventType.STATE)]
    expected = 1 if fault == "reject_401" else voice_settings().offline_stt.reconnect_failures
    assert fake_deepgram.connections == expected

    if fault != "reject_401":
        await channel.close()
        return
    await feed(channel, speech(REQUEST, tail_s=1.5))
    items = await collect(channel, EventType.TURN_METRICS, timeout=30)
    await channel.close()
    assert events_of(items, EventType.TOOL_CALL)[0].arguments["destination"] == "LON"
    assert events_of(items, EventType.TURN_METRICS)[-1].providers["speech_to_text"] == whisper_stt.name


async def test_closing_the_stream_cancels_segments_not_transcribed_yet(whisper_stt):
    from assistant.voice.segment_transcriber import SegmentTranscriber

    heard: list[str] = []

    async def on_utterance(text, _at):
        heard.append(text)

    async def on_not_caught(_why):
        heard.append("?")

    transcriber = SegmentTranscriber(whisper_stt, "en", on_utterance=on_utterance,
                                     on_state=lambda *_: None, on_not_caught=on_not_caught)
    for _ in range(3):
        transcriber.submit(segment(REQUEST), speech_s=2.5, ended_at=0.0)
    assert transcriber.pending == 3
    await asyncio.sleep(0)
    await transcriber.close()
    assert transcriber.pending == 0 and heard == [] and len(transcriber.results) <= 1


async def test_the_qa_voice_round_trip_passes_for_english_and_lands_in_the_csv(whisper_stt):
    import csv

    from assistant.qa import CheckStatus, check_language, csv_text

    result = await check_language("en", today=TODAY, llm=None, voices=Voices(None, EspeakTTS()), recogniser=whisper_stt)
    check = result.checks["voice_round_trip"]
    assert check.status == CheckStatus.PASS, check.reason
    trips = [run.round_trip for run in result.runs]
    assert all(t.heard and t.cer is not None and t.cer <= 0.2 for t in trips)
    assert all(t.arguments["destination"] == run.arguments["destination"] for t, run in zip(trips, result.runs))
    row = next(csv.DictReader(csv_text([result]).splitlines()))
    assert row["voice_round_trip"] == "pass" and float(row["round_trip_cer"]) == result.round_trip_cer



async def test_a_model_that_cannot_be_loaded_turns_voice_input_off_with_the_reason(tmp_path):
    from assistant.providers import offline_stt_for

    (tmp_path / "model.bin").write_bytes(b"not a model")
    broken = offline_stt_for(str(tmp_path))
    channel = VoiceChannel(offline_session(), None, offline_stt=broken)
    await channel.start()
    items = await collect(channel, EventType.NOTICE, timeout=20)
    await channel.close()
    broken.close()
    notice = events_of(items, EventType.NOTICE)[0]
    assert notice.kind == "voice_needs_key" and "could not be loaded" in notice.text and channel.segments is None


async def test_the_streaming_interface_transcribes_what_was_sent_at_finalize(whisper_stt):
    from languages import stt_route

    stream = await whisper_stt.connect(stt_route("en"), 16000)
    await stream.send(speech(REQUEST, rate=16000, lead_s=0.2, tail_s=0.3).tobytes())
    await stream.finalize()
    await stream.close()
    results = [t async for t in stream.transcripts()]
    assert len(results) == 1 and results[0].is_final and "london" in results[0].text.lower()
    with pytest.raises(ProviderError):
        await whisper_stt.connect({"language": "multi"}, 16000)
