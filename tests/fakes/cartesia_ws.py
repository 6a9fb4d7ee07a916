"""Cartesia's streaming WebSocket (`wss://api.cartesia.ai/tts/websocket?cartesia_version=...`), served by
`FakeCartesia` at `ws://127.0.0.1:<port>/tts/websocket` (what `livekit-plugins-cartesia` streams over).

Wire format, as Cartesia speaks it: the client sends JSON text messages, one per piece of text, each a
full request (`model_id`, `voice {mode, id}`, `output_format {container "raw", encoding, sample_rate}`,
`language`, `context_id`, `transcript`, `continue`, optional `add_timestamps`); the server answers
each piece with `{"type": "chunk", "data": <base64 PCM>, "done": false, "status_code": 206,
"step_time", "context_id"}` messages, then (with `add_timestamps`) a `{"type": "timestamps",
"word_timestamps": {"words", "start", "end"}}`, and once a message with `continue: false` arrives,
`{"type": "done", "done": true, "status_code": 200, "context_id"}`. A bad request gets
`{"type": "error", "error": <message>, "status_code": 400, "done": true, "context_id"}`; a
`{"context_id", "cancel": true}` message is recorded and ends that context silently.

Authentication: `X-API-Key: <api_key>` (or `?api_key=`) and a `cartesia_version` query parameter, else
the handshake is refused (HTTP 403). Faults, read once per connection: "server_error_500" and
"rate_limit_429" refuse the handshake; "timeout" accepts and never answers; "disconnect_mid_stream"
closes the socket (code 1011) after `disconnect_after_chunks` chunks; "malformed" sends chunk
messages that are not JSON. Audio and timestamps are the HTTP endpoints' (`FakeCartesia._chunks`).
"""
from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect

if TYPE_CHECKING:
    from .cartesia import FakeCartesia

REFUSING_FAULTS = ("server_error_500", "rate_limit_429")


class InvalidRequest(Exception):
    """A request the real API would refuse, with its message and error code."""

    def __init__(self, message: str, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.message, self.code = message, code


async def serve_websocket(fake: "FakeCartesia", websocket: WebSocket) -> None:
    """One client connection to the streaming endpoint."""
    fake.paths.append(websocket.url.path)
    fake.headers.append(dict(websocket.headers))
    key = websocket.headers.get("x-api-key") or websocket.query_params.get("api_key", "")
    fault = fake.take_fault()
    if key != fake.api_key or not websocket.query_params.get("cartesia_version") or fault in REFUSING_FAULTS:
        await websocket.close(code=1008)
        return
    await websocket.accept()
    sent = 0
    try:
        while True:
            try:
                body = json.loads(await websocket.receive_text())
            except ValueError:
                body = None
            fake.requests.append(body)
            if fault == "timeout":
                continue
            context_id = body.get("context_id") if isinstance(body, dict) else None
            if isinstance(body, dict) and body.get("cancel"):
                continue
            try:
                fake._validate(body, ("raw",))
            except InvalidRequest as exc:
                await websocket.send_text(json.dumps({"type": "error", "error": exc.message, "status_code": 400,
                                                      "done": True, "context_id": context_id}))
                continue
            if body["transcript"].strip():
                for chunk in fake._chunks(body):
                    if fault == "disconnect_mid_stream" and sent >= fake.disconnect_after_chunks:
                        await websocket.close(code=1011)
                        return
                    await fake._pace(sent, fault)
                    sent += 1
                    message = json.dumps({"type": "chunk", "data": base64.b64encode(chunk).decode(), "done": False,
                                          "status_code": 206, "step_time": 5.0, "context_id": context_id})
                    await websocket.send_text(message[: len(message) // 2] if fault == "malformed" else message)
                if body.get("add_timestamps"):
                    await websocket.send_text(json.dumps(_timestamps(fake, body, context_id)))
            if not body.get("continue", False):
                await websocket.send_text(json.dumps({"type": "done", "done": True, "status_code": 200,
                                                      "context_id": context_id}))
    except WebSocketDisconnect:
        return


def _timestamps(fake: "FakeCartesia", body: dict[str, Any], context_id: str | None) -> dict[str, Any]:
    words = body["transcript"].split()
    rate = body["output_format"]["sample_rate"]
    step = fake.expected_samples(body["transcript"], rate) / rate / max(1, len(words))
    return {"type": "timestamps", "done": False, "status_code": 206, "context_id": context_id,
            "word_timestamps": {"words": words, "start": [round(i * step, 3) for i in range(len(words))],
                                "end": [round((i + 1) * step, 3) for i in range(len(words))]}}
