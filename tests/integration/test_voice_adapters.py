"""Our STT, LLM and TTS adapters, through the real SDKs, against local fakes of each wire protocol."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.voice.audio import pcm16_bytes
from assistant.providers.base import ErrorKind, ProviderError, VoiceOptions
from assistant.providers.cartesia_tts import CartesiaTTS
from assistant.providers.deepgram_stt import DeepgramSTT
from assistant.providers.openai_llm import OpenAILLM
from languages import stt_route, tts_route
from tests.speech_audio import speech

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_deepgram_stream_gives_interim_then_final_and_honours_controls(fake_deepgram):
    fake_deepgram.script = ["from Madrid to London tomorrow"]
    stt = DeepgramSTT(fake_deepgram.api_key, base_url=fake_deepgram.url)
    stream = await stt.connect(stt_route("en"), 16000)
    audio = speech("from Madrid to London tomorrow", rate=16000)
    await stream.keep_alive()
    for start in range(0, len(audio), 320):
        await stream.send(pcm16_bytes(audio[start:start + 320]))
    seen = []
    async for transcript in stream.transcripts():
        seen.append(transcript)
        if transcript.utterance_end:
            break
    await stream.close()
    finals = [t for t in seen if t.is_final and t.text]
    assert any(not t.is_final for t in seen), "interim results come first"
    assert [t.text for t in finals] == ["from Madrid to London tomorrow"]
    assert finals[0].speech_final and seen[-1].utterance_end
    params = fake_deepgram.connection_params[0]
    assert (params["model"], params["language"], params["encoding"], params["sample_rate"]) == ("nova-3", "en", "linear16", "16000")
    assert params["interim_results"] == "true" and params["endpointing"] == "300"
    assert fake_deepgram.keepalives == 1 and fake_deepgram.close_streams == 1


async def test_deepgram_spanish_route_uses_nova_2(fake_deepgram):
    stream = await DeepgramSTT(fake_deepgram.api_key, base_url=fake_deepgram.url).connect(stt_route("es"), 16000)
    await stream.close()
    assert fake_deepgram.connection_params[0]["model"] == "nova-2"


@pytest.mark.parametrize("fault, kind, retryable", [
    ("reject_401", ErrorKind.AUTH, False),
    ("server_error_500", ErrorKind.SERVER_ERROR, True),
])
async def test_deepgram_refusals_map_to_our_errors(fake_deepgram, fault, kind, retryable):
    fake_deepgram.fault = fault
    with pytest.raises(ProviderError) as caught:
        await DeepgramSTT("secret-deepgram-key-123", base_url=fake_deepgram.url).connect(stt_route("en"), 16000)
    assert caught.value.kind == kind and caught.value.retryable is retryable
    assert "secret-deepgram-key-123" not in str(caught.value)


async def test_deepgram_closed_port_is_refused_and_retryable():
    from tests.fakes.flight_apis import closed_port_url

    with pytest.raises(ProviderError) as caught:
        await DeepgramSTT("k", base_url=closed_port_url()).connect(stt_route("en"), 16000)
    assert caught.value.kind == ErrorKind.REFUSED and caught.value.retryable


async def test_openai_stream_assembles_a_tool_call_then_streams_text(closing, fake_openai):
    fake_openai.tool_call = {"origin": "MAD", "destination": "LHR", "date": "2026-11-22", "airline": None}
    llm = closing(OpenAILLM(fake_openai.api_key, model="gpt-4o-mini", base_url=fake_openai.base_url))
    tool_round = [d async for d in llm.stream([{"role": "user", "content": "Madrid to London"}],
                                              [{"type": "function", "function": {"name": "search_flights",
                                                                                 "parameters": {"type": "object"}}}])]
    tools = [d.tool for d in tool_round if d.tool]
    assert len(tools) == 1 and tools[0].name == "search_flights"
    assert tools[0].arguments == fake_openai.tool_call
    text_round = [d async for d in llm.stream([{"role": "tool", "tool_call_id": tools[0].id, "content": "{}"}], [])]
    assert "".join(d.text for d in text_round) == fake_openai.reply_text
    assert fake_openai.requests[0]["stream"] is True and fake_openai.requests[0]["model"] == "gpt-4o-mini"


@pytest.mark.parametrize("fault, kind", [
    ("rate_limit_429", ErrorKind.RATE_LIMITED),
    ("server_error_500", ErrorKind.SERVER_ERROR),
    ("malformed", ErrorKind.MALFORMED),
    ("disconnect_mid_stream", ErrorKind.REFUSED),
    ("timeout", ErrorKind.TIMEOUT),
])
async def test_openai_faults_map_to_our_errors(closing, fake_openai, fault, kind):
    fake_openai.fault = fault
    llm = closing(OpenAILLM("sk-secret-openai-sentinel", model="m", base_url=fake_openai.base_url,
                    options=VoiceOptions(timeout_s=1.0)))
    fake_openai.api_key = "sk-secret-openai-sentinel"
    with pytest.raises(ProviderError) as caught:
        [d async for d in llm.stream([{"role": "user", "content": "hi"}], [])]
    assert caught.value.kind == kind
    assert "sk-secret-openai-sentinel" not in str(caught.value)


async def test_cartesia_streams_pcm_for_the_language_route(closing, fake_cartesia):
    tts = closing(CartesiaTTS(fake_cartesia.api_key, sample_rate=24000, base_url=fake_cartesia.url))
    route = tts_route("es")
    chunks = [c async for c in tts.synthesize("Hola, ¿a dónde quieres volar?", route)]
    total = sum(len(c.samples) for c in chunks)
    assert len(chunks) > 1 and {c.sample_rate for c in chunks} == {24000}
    assert total == fake_cartesia.expected_samples("Hola, ¿a dónde quieres volar?", 24000)
    assert all(c.samples.dtype == np.int16 for c in chunks)
    body = fake_cartesia.requests[0]
    assert (body["model_id"], body["language"], body["voice"]["id"]) == (route.model, "es", route.voice)
    assert body["output_format"] == {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000}


@pytest.mark.parametrize("fault, kind", [
    ("rate_limit_429", ErrorKind.RATE_LIMITED),
    ("server_error_500", ErrorKind.SERVER_ERROR),
    ("disconnect_mid_stream", ErrorKind.SERVER_ERROR),
    ("unsupported_language", ErrorKind.BAD_REQUEST),
])
async def test_cartesia_faults_map_to_our_errors(closing, fake_cartesia, fault, kind):
    fake_cartesia.fault = fault
    tts = closing(CartesiaTTS(fake_cartesia.api_key, base_url=fake_cartesia.url))
    with pytest.raises(ProviderError) as caught:
        [c async for c in tts.synthesize("Hello there.", tts_route("en"))]
    assert caught.value.kind == kind


async def test_cartesia_slow_first_byte_is_a_timeout(closing, fake_cartesia):
    fake_cartesia.first_byte_delay_s = 2.0
    tts = closing(CartesiaTTS(fake_cartesia.api_key, base_url=fake_cartesia.url, options=VoiceOptions(timeout_s=0.5)))
    with pytest.raises(ProviderError) as caught:
        [c async for c in tts.synthesize("Hello there.", tts_route("en"))]
    assert caught.value.kind == ErrorKind.TIMEOUT and caught.value.retryable
