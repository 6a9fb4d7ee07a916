"""A local fake of OpenAI's Chat Completions API (`POST https://api.openai.com/v1/chat/completions`).

URL layout: `http://127.0.0.1:<port>/v1/chat/completions`; point the real SDK at it with
`AsyncOpenAI(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)` (`base_url` is
`<url>/v1`). Authentication: `Authorization: Bearer <api_key>`, else HTTP 401 with OpenAI's error
JSON (`invalid_api_key`; the SDK raises `openai.AuthenticationError`). A body without `model` or
`messages` gets a 400 (`openai.BadRequestError`).

Behaviour, per request:
- `responder` (None): a callable `responder(body) -> str | ToolCall | list[ToolCall]` that scripts
  the answer from the request body (a dict). Without it, the simple knobs decide:
- `tool_call` (None): a dict of arguments. When it is set, the request offers `tools`, and the last
  message has role "user", the answer is a call of `tool_name` ("search_flights") with those
  arguments (finish_reason "tool_calls"). Otherwise (e.g. the last message has role "tool") the
  answer is `reply_text`.
- `stream: true` answers Server-Sent Events exactly like OpenAI: `data: <chat.completion.chunk>`
  lines then `data: [DONE]`. Text: a first chunk with `delta {"role": "assistant", "content": ""}`,
  then word-ish pieces (`" word"`, leading spaces kept, joined they equal the text), then an empty
  delta with finish_reason "stop". A tool call: a first chunk with `delta.tool_calls[0] = {index 0,
  id "call_...", type "function", function {name, arguments ""}}`, then the arguments JSON in
  several pieces (`{index 0, function {arguments piece}}`), then an empty delta with finish_reason
  "tool_calls". `stream_options: {"include_usage": true}` adds `usage: null` to every chunk and a
  last chunk with `choices: []` and the usage. Every chunk has id, object, created, model (echoed
  from the request), system_fingerprint, service_tier, choices[0]{index, delta, logprobs, finish_reason}.
- Without `stream`, a normal `chat.completion` JSON (message.content or message.tool_calls, usage).

Timing knobs: `first_token_delay_s` (0: before the first chunk, after the headers), `chunk_delay_s`
(0: between chunks), `slow_drip_delay_s` (2.0: per chunk under the "slow_drip" fault).

Faults: `fault` (sticky) and `next_faults` (one-shot, used first; "ok" means no fault):
- "timeout": hangs before sending headers (until the client gives up or the server stops).
- "rate_limit_429": 429 with OpenAI's `rate_limit_exceeded` error JSON and `retry-after:
  <retry_after_s>` (1) plus `x-ratelimit-*` headers (`openai.RateLimitError`; note the SDK
  retries 429 by itself unless `max_retries=0`).
- "server_error_500": 500 with OpenAI's `server_error` JSON (`openai.InternalServerError`).
- "malformed": SSE data that is not JSON (the SDK raises `json.JSONDecodeError` while iterating);
  non-streaming: a 200 body that is not JSON.
- "disconnect_mid_stream": the connection is cut after `disconnect_after_chunks` (3) chunks
  (`openai.APIConnectionError` while iterating).
- "slow_drip": every chunk comes `slow_drip_delay_s` late (a short client timeout gives
  `openai.APITimeoutError`).

Recorded: `requests` (the JSON bodies), `headers` (one dict per request, lower-case names).

Fixture: `fake_openai` (tests/fakes/fixtures.py, imported by tests/integration/conftest.py): one
server per session, `reset()` around each test.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .server import BackgroundServer, DeliberateDrop, FaultKnobs

HANG_SECONDS = 3600.0


@dataclass
class ToolCall:
    """A scripted function call: `name` and its `arguments` (a dict, sent as JSON)."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: "call_" + uuid.uuid4().hex[:24])


def _error(status: int, message: str, type_: str, code: str | None, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": {"message": message, "type": type_, "param": None, "code": code}},
                        status_code=status, headers=headers)


def text_pieces(text: str) -> list[str]:
    """Word-ish pieces the way OpenAI streams them: leading whitespace kept, joined they equal `text`."""
    pieces = re.findall(r"\s*\S+", text)
    if pieces and len("".join(pieces)) < len(text):
        pieces[-1] += text[len("".join(pieces)):]  # trailing whitespace
    return pieces or ([text] if text else [])


def argument_pieces(arguments: str, size: int = 6) -> list[str]:
    """The arguments JSON in several small pieces, as OpenAI streams them."""
    return [arguments[i:i + size] for i in range(0, len(arguments), size)] or [""]


class FakeOpenAIChat(FaultKnobs, BackgroundServer):
    """OpenAI's `/v1/chat/completions` on http://127.0.0.1:<free port>."""

    name = "openai"

    def __init__(self) -> None:
        super().__init__()
        self.app = Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])
        self.reset()

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def reset(self) -> None:
        """Forget every knob and counter (called before each test)."""
        self.api_key = "fake-openai-key"
        self.responder: Callable[[dict[str, Any]], str | ToolCall | list[ToolCall]] | None = None
        self.tool_call: dict[str, Any] | None = None
        self.tool_name = "search_flights"
        self.reply_text = "I found three flights for you."
        self.first_token_delay_s = 0.0
        self.chunk_delay_s = 0.0
        self.slow_drip_delay_s = 2.0
        self.disconnect_after_chunks = 3
        self.retry_after_s = 1
        self.fault: str | None = None
        self.next_faults: list[str] = []
        self.requests: list[Any] = []
        self.headers: list[dict[str, str]] = []


    def answer_for(self, body: dict[str, Any]) -> str | list[ToolCall]:
        """What the scripted model says to this request: a text, or tool calls."""
        if self.responder is not None:
            answer = self.responder(body)
        elif (self.tool_call is not None and body.get("tools")
              and (body.get("messages") or [{}])[-1].get("role") == "user"):
            answer = ToolCall(self.tool_name, dict(self.tool_call))
        else:
            answer = self.reply_text
        return [answer] if isinstance(answer, ToolCall) else answer

    # --- handler -----------------------------------------------------------------------------
    async def _completions(self, request: Request) -> Response:
        self.headers.append(dict(request.headers))
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        self.requests.append(body)
        fault = self.take_fault()
        auth = request.headers.get("authorization", "")
        key = auth[7:] if auth.lower().startswith("bearer ") else ""
        if key != self.api_key:
            shown = f"{key[:3]}***{key[-2:]}" if len(key) > 5 else "***"
            return _error(401, f"Incorrect API key provided: {shown}. You can find your API key at "
                          "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
        if not isinstance(body, dict):
            return _error(400, "We could not parse the JSON body of your request.", "invalid_request_error", None)
        for name in ("model", "messages"):
            if name not in body:
                return _error(400, f"Missing required parameter: '{name}'.", "invalid_request_error",
                              "missing_required_parameter")
        if fault == "timeout":
            await self.hang(HANG_SECONDS, request)
            return _error(504, "timeout", "server_error", None)
        if fault == "rate_limit_429":
            return _error(429, f"Rate limit reached for {body['model']} on requests per min (RPM): Limit 3, "
                          "Used 3, Requested 1. Please try again in 20s.", "requests", "rate_limit_exceeded",
                          headers={"retry-after": str(self.retry_after_s), "x-ratelimit-limit-requests": "3",
                                   "x-ratelimit-remaining-requests": "0",
                                   "x-ratelimit-reset-requests": f"{self.retry_after_s}s"})
        if fault == "server_error_500":
            return _error(500, "The server had an error while processing your request. Sorry about that!",
                          "server_error", None)

        answer = self.answer_for(body)
        completion_id = "chatcmpl-" + uuid.uuid4().hex[:29]
        headers = {"x-request-id": "req_" + uuid.uuid4().hex, "openai-processing-ms": "12",
                   "openai-version": "2020-10-01"}
        if not body.get("stream"):
            if fault == "malformed":
                return Response(b'{"id": "chatcmpl-broken", "choices": [', media_type="application/json",
                                headers=headers)
            return JSONResponse(self._completion(completion_id, body, answer), headers=headers)
        chunks = self._chunks(completion_id, body, answer)
        return StreamingResponse(self._sse(chunks, fault), media_type="text/event-stream; charset=utf-8",
                                 headers=headers)

    async def _sse(self, chunks: list[dict[str, Any]], fault: str | None) -> AsyncIterator[bytes]:
        for i, chunk in enumerate(chunks):
            if fault == "disconnect_mid_stream" and i >= self.disconnect_after_chunks:
                raise DeliberateDrop("disconnect_mid_stream")
            delay = self.first_token_delay_s if i == 0 else self.chunk_delay_s
            if fault == "slow_drip":
                delay = self.slow_drip_delay_s
            await asyncio.sleep(delay)   # sleep(0) too: lets a client that went away be noticed
            data = json.dumps(chunk, separators=(",", ":"))
            if fault == "malformed":
                data = "{chat.completion.chunk " + data[: len(data) // 3]
            yield f"data: {data}\n\n".encode()
        yield b"data: [DONE]\n\n"

    # --- bodies ------------------------------------------------------------------------------
    @staticmethod
    def _usage(body: dict[str, Any], answer: str | list[ToolCall]) -> dict[str, Any]:
        prompt = sum(len(str(m.get("content") or "").split()) for m in body.get("messages", [])) + 8
        completion = (len(answer.split()) if isinstance(answer, str)
                      else sum(len(json.dumps(c.arguments)) // 4 + 5 for c in answer))
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}

    def _completion(self, completion_id: str, body: dict[str, Any], answer: str | list[ToolCall]) -> dict[str, Any]:
        if isinstance(answer, str):
            message: dict[str, Any] = {"role": "assistant", "content": answer, "refusal": None, "annotations": []}
            finish = "stop"
        else:
            message = {"role": "assistant", "content": None, "refusal": None, "annotations": [],
                       "tool_calls": [{"id": c.id, "type": "function",
                                       "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
                                      for c in answer]}
            finish = "tool_calls"
        return {"id": completion_id, "object": "chat.completion", "created": int(time.time()),
                "model": body["model"], "choices": [{"index": 0, "message": message, "logprobs": None,
                                                     "finish_reason": finish}],
                "usage": self._usage(body, answer), "service_tier": "default", "system_fingerprint": "fp_fake0001"}

    def _chunks(self, completion_id: str, body: dict[str, Any], answer: str | list[ToolCall]) -> list[dict[str, Any]]:
        created = int(time.time())
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            out = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                   "model": body["model"], "service_tier": "default", "system_fingerprint": "fp_fake0001",
                   "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if include_usage:
                out["usage"] = None
            return out

        if isinstance(answer, str):
            chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
            chunks += [chunk({"content": piece}) for piece in text_pieces(answer)]
            chunks.append(chunk({}, "stop"))
        else:
            chunks = []
            for index, call in enumerate(answer):
                head = {"index": index, "id": call.id, "type": "function",
                        "function": {"name": call.name, "arguments": ""}}
                first = {"role": "assistant", "content": None, "tool_calls": [head], "refusal": None}
                chunks.append(chunk(first if index == 0 else {"tool_calls": [head]}))
                chunks += [chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
                           for piece in argument_pieces(json.dumps(call.arguments))]
            chunks.append(chunk({}, "tool_calls"))
        if include_usage:
            last = chunk({})
            last["choices"], last["usage"] = [], self._usage(body, answer)
            chunks.append(last)
        return chunks
