"""A local fake of LiveKit's server API: Twirp over HTTP (`POST /twirp/livekit.<Service>/<Method>`).

Point the real SDK at it with `livekit.api.LiveKitAPI(fake.url, fake.api_key, fake.api_secret)`
(or set `LIVEKIT_URL`, `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET` to those values).

Wire format, as Twirp serves it: the body is protobuf (`Content-Type: application/protobuf`, what
livekit-api sends) or JSON (`application/json`; snake_case or camelCase keys), and the reply uses the
request's format (JSON replies in proto3 JSON, camelCase, int64 as strings, defaults omitted).
Errors are always Twirp JSON `{"code": "...", "msg": "..."}` with the matching HTTP status.

Methods: `RoomService` CreateRoom (returns the existing room when the name is taken), DeleteRoom,
ListRooms; `AgentDispatchService` CreateDispatch, ListDispatch. Another path: 404 `bad_route`.

Authentication, like livekit-server: `Authorization: Bearer <jwt>` signed HS256 with `api_secret`,
`iss` equal to `api_key`, not expired; else 401 `unauthenticated`. Grants: CreateRoom and
DeleteRoom need `video.roomCreate`, ListRooms `video.roomList`, the dispatch methods `video.roomAdmin`
with `video.room` equal to the request's room (what livekit-api signs); else 401 "permissions denied".

Faults: `fault` (sticky) and `next_faults` (one-shot, used first; "ok" means no fault), applied
after the request is recorded and authenticated:
- "timeout": hangs (until the client gives up or the server stops).
- "server_error_500": 500 `internal`.
- "unauthorized": 401 `unauthenticated` whatever the token.
- "malformed": 200 whose body is an HTML page, not protobuf or JSON.
- "leaky_error": 401 whose message quotes the API key, the secret and a bearer token (a server
  that echoes credentials: the client must redact them).

Agent workers: `GET /agent` upgrades to LiveKit's worker WebSocket (what `livekit-agents` connects
to): the same bearer JWT, which must carry `video.agent`, else the socket is closed with code 4401.
The first binary message must be a `WorkerMessage` with `register`; the fake answers a
`ServerMessage` with `register` (`worker_id` "AW_..."), then reads (and records) the worker's further
messages until it disconnects. It never assigns a job: a job needs a real room (WebRTC).

Recorded: `requests` (one `TwirpCall` per request, including refused ones), `rooms` (name -> Room),
`dispatches` (AgentDispatch, in order), `workers` (each `RegisterWorkerRequest`, in order),
`worker_messages` (the names of the later `WorkerMessage` fields, e.g. "update_worker").
Fixture: `fake_livekit` (tests/fakes/fixtures.py).
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from livekit import api
from livekit.protocol import agent as agent_proto
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from .server import BackgroundServer, FaultKnobs

HANG_SECONDS = 3600.0
PROTOBUF, JSON = "application/protobuf", "application/json"

# (service, method) -> (request type, required grant)
METHODS: dict[tuple[str, str], tuple[type[Message], str]] = {
    ("RoomService", "CreateRoom"): (api.CreateRoomRequest, "roomCreate"),
    ("RoomService", "DeleteRoom"): (api.DeleteRoomRequest, "roomCreate"),
    ("RoomService", "ListRooms"): (api.ListRoomsRequest, "roomList"),
    ("AgentDispatchService", "CreateDispatch"): (api.CreateAgentDispatchRequest, "roomAdmin"),
    ("AgentDispatchService", "ListDispatch"): (api.ListAgentDispatchRequest, "roomAdmin"),
}


@dataclass
class TwirpCall:
    """One recorded request: route, content type, decoded body (camelCase dict), token claims, status."""

    service: str
    method: str
    content_type: str
    body: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] | None = None
    status: int = 0


def _twirp_error(status: int, code: str, msg: str) -> Response:
    return JSONResponse({"code": code, "msg": msg}, status_code=status)


def _sid(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


class FakeLiveKit(FaultKnobs, BackgroundServer):
    """LiveKit's Twirp RoomService and AgentDispatchService on http://127.0.0.1:<free port>."""

    name = "livekit"

    def __init__(self) -> None:
        super().__init__()
        self.app = Starlette(routes=[Route("/twirp/livekit.{service}/{method}", self._handle, methods=["POST"]),
                                     WebSocketRoute("/agent", self._worker)])
        self.reset()

    def reset(self) -> None:
        """Forget every knob, room, dispatch and recording (called before each test)."""
        self.api_key = "APIfakeLiveKit7x"
        self.api_secret = "fake-livekit-secret-" + "q7Zk2Lw9Xv4Pn8Rt3Ys6Bm1C"
        self.fault: str | None = None
        self.next_faults: list[str] = []
        self.requests: list[TwirpCall] = []
        self.rooms: dict[str, api.Room] = {}
        self.dispatches: list[api.AgentDispatch] = []
        self.workers: list[agent_proto.RegisterWorkerRequest] = []
        self.worker_messages: list[str] = []

    def calls(self, method: str) -> list[TwirpCall]:
        """The recorded requests of one method (e.g. "CreateRoom")."""
        return [call for call in self.requests if call.method == method]

    # --- handler -----------------------------------------------------------------------------
    async def _handle(self, request: Request) -> Response:
        service, method = request.path_params["service"], request.path_params["method"]
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        call = TwirpCall(service, method, content_type)
        self.requests.append(call)
        response = await self._answer(request, call)
        call.status = response.status_code
        return response

    async def _answer(self, request: Request, call: TwirpCall) -> Response:
        spec = METHODS.get((call.service, call.method))
        if spec is None:
            return _twirp_error(404, "bad_route", f"no handler for path {request.url.path!r}")
        if call.content_type not in (PROTOBUF, JSON):
            return _twirp_error(404, "bad_route", f"unexpected Content-Type: {call.content_type!r}")
        request_type, grant = spec
        raw = await request.body()
        try:
            message = (request_type.FromString(raw) if call.content_type == PROTOBUF
                       else json_format.Parse(raw or b"{}", request_type()))
        except (DecodeError, json_format.ParseError):
            return _twirp_error(400, "malformed", "the request body could not be decoded")
        call.body = json_format.MessageToDict(message)

        claims, problem = self._verify(request.headers.get("authorization", ""))
        call.claims = claims
        if problem:
            return _twirp_error(401, "unauthenticated", problem)
        fault = self.take_fault()
        if fault == "timeout":
            await self.hang(HANG_SECONDS, request)
            return _twirp_error(504, "deadline_exceeded", "timeout")
        if fault == "server_error_500":
            return _twirp_error(500, "internal", "internal error")
        if fault == "unauthorized":
            return _twirp_error(401, "unauthenticated", "invalid token")
        if fault == "leaky_error":
            return _twirp_error(401, "unauthenticated", f"api key {self.api_key} with secret {self.api_secret} "
                                f"rejected; Authorization: Bearer {request.headers.get('authorization', '')[7:]}")
        if fault == "malformed":
            return Response(b"<html><body>502 upstream hiccup</body></html>", media_type=call.content_type)

        video = (claims or {}).get("video") or {}
        room_scope = getattr(message, "room", None) if grant == "roomAdmin" else None
        if not video.get(grant) or (room_scope is not None and video.get("room") != room_scope):
            return _twirp_error(401, "unauthenticated", "permissions denied")
        try:
            reply = getattr(self, "_" + call.method)(message)
        except LookupError as exc:
            return _twirp_error(404, "not_found", str(exc.args[0]))
        except ValueError as exc:
            return _twirp_error(400, "invalid_argument", str(exc))
        if call.content_type == PROTOBUF:
            return Response(reply.SerializeToString(), media_type=PROTOBUF)
        return Response(json.dumps(json_format.MessageToDict(reply)), media_type=JSON)

    async def _worker(self, websocket: WebSocket) -> None:
        """LiveKit's agent-worker socket: registration, then the worker's status messages."""
        claims, problem = self._verify(websocket.headers.get("authorization", ""))
        if problem or not ((claims or {}).get("video") or {}).get("agent"):
            await websocket.close(code=4401)
            return
        await websocket.accept()
        try:
            first = agent_proto.WorkerMessage.FromString(await websocket.receive_bytes())
            if first.WhichOneof("message") != "register":
                await websocket.close(code=4400)
                return
            self.workers.append(first.register)
            reply = agent_proto.ServerMessage()
            reply.register.worker_id = _sid("AW_")
            await websocket.send_bytes(reply.SerializeToString())
            while not self.stopping:
                message = agent_proto.WorkerMessage.FromString(await websocket.receive_bytes())
                self.worker_messages.append(message.WhichOneof("message") or "")
        except (WebSocketDisconnect, DecodeError, RuntimeError):
            return

    def _verify(self, authorization: str) -> tuple[dict[str, Any] | None, str]:
        """(claims, "") for a valid token of this key and secret, else (None or claims, the problem)."""
        if not authorization.lower().startswith("bearer "):
            return None, "authorization header is missing"
        token = authorization[7:].strip()
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None, "invalid token: not a JWT"
        if unverified.get("iss") != self.api_key:
            return unverified, "invalid API key"
        try:
            return jwt.decode(token, self.api_secret, algorithms=["HS256"], issuer=self.api_key,
                              leeway=60, options={"require": ["exp", "iss"]}), ""
        except jwt.PyJWTError as exc:
            return unverified, f"invalid token: {type(exc).__name__}"

    # --- methods -----------------------------------------------------------------------------
    def _CreateRoom(self, req: api.CreateRoomRequest) -> api.Room:
        if not req.name:
            raise ValueError("name: a room name is required")
        if req.name in self.rooms:
            return self.rooms[req.name]
        now = time.time()
        room = api.Room(sid=_sid("RM_"), name=req.name, empty_timeout=req.empty_timeout or 300,
                        departure_timeout=req.departure_timeout or 20, max_participants=req.max_participants,
                        creation_time=int(now), creation_time_ms=int(now * 1000), metadata=req.metadata,
                        turn_password=secrets.token_hex(8),
                        enabled_codecs=[api.Codec(mime=m) for m in ("audio/opus", "audio/red", "video/VP8",
                                                                   "video/H264", "video/VP9", "video/AV1")])
        self.rooms[req.name] = room
        return room

    def _DeleteRoom(self, req: api.DeleteRoomRequest) -> api.DeleteRoomResponse:
        if self.rooms.pop(req.room, None) is None:
            raise LookupError("requested room does not exist")
        self.dispatches = [d for d in self.dispatches if d.room != req.room]
        return api.DeleteRoomResponse()

    def _ListRooms(self, req: api.ListRoomsRequest) -> api.ListRoomsResponse:
        names = set(req.names)
        return api.ListRoomsResponse(rooms=[r for n, r in self.rooms.items() if not names or n in names])

    def _CreateDispatch(self, req: api.CreateAgentDispatchRequest) -> api.AgentDispatch:
        if not req.room:
            raise ValueError("room: a room name is required")
        dispatch = api.AgentDispatch(id=_sid("AD_"), agent_name=req.agent_name, room=req.room,
                                     metadata=req.metadata,
                                     state=api.AgentDispatchState(created_at=time.time_ns()))
        self.dispatches.append(dispatch)
        return dispatch

    def _ListDispatch(self, req: api.ListAgentDispatchRequest) -> api.ListAgentDispatchResponse:
        found = [d for d in self.dispatches if d.room == req.room and (not req.dispatch_id or d.id == req.dispatch_id)]
        return api.ListAgentDispatchResponse(agent_dispatches=found)
