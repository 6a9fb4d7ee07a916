"""Local fake servers that speak the Amadeus and Duffel wire protocols over real HTTP.

Each `FakeApiServer` is a Starlette app served by uvicorn in a background thread on a free
port of 127.0.0.1. It serves the same bodies as the built-in simulator
(`flight_search.providers.simulated`) and has knobs for tests:

- `fault` (sticky) and `next_faults` (one-shot, used first): a fault kind for the search
  endpoint: `slow`, `timeout`, `malformed`, `empty`, or any `<words>_<status>` such as
  `rate_limit_429`, `server_error_500`, `bad_request_400`, `unauthorized_401`, `forbidden_403`.
  (`refused` cannot be acted out by a listening server: use `closed_port_url()`.)
  Two more act out a broken network while the normal answer is sent:
  `disconnect_mid_stream`: the status line, headers and the first half of the body are sent, then
  the connection is cut (httpx raises `RemoteProtocolError`);
  `slow_drip`: the body is sent in `drip_chunks` (10) pieces, `drip_delay_s` (0.1) apart, so each
  piece is on time for a per-read timeout above that while the whole answer takes longer.
- `token_requests`, `search_requests`, `seen_tokens`, `last_params`, `last_json`, `last_headers`.
- Amadeus: `client_id`, `client_secret`, `token_expires_in`, `revoke_tokens()`.
  Duffel: `access_token`. Both check the bearer token of every search (401 otherwise).
- `echo_credentials`: an adversarial server that copies received credentials into its
  error messages, to prove the adapters redact them.
- `search_body`: a dict served verbatim (200/201) instead of the generated offers.
"""
from __future__ import annotations

import asyncio
import json
import socket
import uuid
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from flight_search.providers import faults
from flight_search.providers.simulated import (
    SimResponse,
    amadeus_token_body,
    error_response,
    fault_status,
    json_response,
    query_from_request,
    search_response,
)

from .server import BackgroundServer, DeliberateDrop, FaultKnobs

NETWORK_FAULTS = ("disconnect_mid_stream", "slow_drip")   # the normal answer, delivered badly


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else ""


def _reply(sim: SimResponse) -> Response:
    return Response(sim.content, status_code=sim.status, headers=sim.headers)


class FakeApiServer(FaultKnobs, BackgroundServer):
    """One fake API ("amadeus" or "duffel") on http://127.0.0.1:<free port>.

    Lifecycle (`start`/`stop`, context manager, `url`) comes from `tests.fakes.server.BackgroundServer`.
    """

    def __init__(self, api: str) -> None:
        super().__init__()
        self.api = self.name = api
        routes = ([Route("/v1/security/oauth2/token", self._token, methods=["POST"]),
                   Route("/v2/shopping/flight-offers", self._amadeus_search, methods=["GET"])]
                  if api == "amadeus" else
                  [Route("/air/offer_requests", self._duffel_search, methods=["POST"])])
        self.app = Starlette(routes=routes)
        self.reset()

    def reset(self) -> None:
        """Forget every knob and counter (called before each test)."""
        self.fault: str | None = None
        self.next_faults: list[str] = []
        self.echo_credentials = False
        self.search_body: dict | None = None
        self.token_requests = self.search_requests = 0
        self.token_expires_in = 1799
        self.client_id, self.client_secret = "fake-client-id", "fake-client-secret"
        self.access_token = "fake-duffel-token"
        self.drip_chunks, self.drip_delay_s = 10, 0.1
        self.valid_tokens: set[str] = set()
        self.seen_tokens: list[str] = []
        self.last_params: dict[str, str] = {}
        self.last_json: Any = None
        self.last_headers: dict[str, str] = {}

    def revoke_tokens(self) -> None:
        """Invalidate every issued Amadeus token (the next search gets a 401)."""
        self.valid_tokens.clear()


    # --- handlers ------------------------------------------------------------------------
    def _error(self, status: int, credential: str, message: str | None = None) -> Response:
        if self.echo_credentials:
            message = f"{message or 'request failed'} (received credentials {credential})"
        return _reply(error_response(self.api, status, message))

    async def _token(self, request: Request) -> Response:
        self.token_requests += 1
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return _reply(json_response(400, {
                "error": "unsupported_grant_type", "code": 38187, "title": "Invalid parameters",
                "error_description": "Only client_credentials value is allowed for the body parameter grant_type"}))
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            description = "Client credentials are invalid"
            if self.echo_credentials:
                description += f" for {form.get('client_id')}:{form.get('client_secret')}"
            return _reply(json_response(401, {"error": "invalid_client", "error_description": description,
                                              "code": 38187, "title": "Invalid parameters"}))
        token = f"fake-token-{uuid.uuid4().hex}"
        self.valid_tokens.add(token)
        return _reply(json_response(200, amadeus_token_body(token, self.token_expires_in)))

    async def _amadeus_search(self, request: Request) -> Response:
        self.search_requests += 1
        token, fault = _bearer(request), self.take_fault()
        self.seen_tokens.append(token)
        self.last_params, self.last_headers = dict(request.query_params), dict(request.headers)
        if fault_status(fault) == 401 or token not in self.valid_tokens:
            return self._error(401, token)
        return await self._search(fault, token, dict(request.query_params), b"")

    async def _duffel_search(self, request: Request) -> Response:
        self.search_requests += 1
        token, fault = _bearer(request), self.take_fault()
        self.seen_tokens.append(token)
        self.last_params, self.last_headers = dict(request.query_params), dict(request.headers)
        content = await request.body()
        try:
            self.last_json = json.loads(content)
        except ValueError:
            self.last_json = None
        if request.headers.get("duffel-version") != "v2":
            return self._error(400, token, "Duffel-Version header missing or unsupported")
        if fault_status(fault) == 401 or token != self.access_token:
            return self._error(401, token)
        return await self._search(fault, token, dict(request.query_params), content)

    async def _search(self, fault: str | None, token: str, params: dict[str, str], content: bytes) -> Response:
        if fault == "slow":
            await asyncio.sleep(faults.SLOW_SECONDS)
        elif fault == "timeout":
            await self.hang(faults.HANG_SECONDS)  # ends at shutdown
        status = fault_status(fault)
        if status:
            return self._error(status, token, None)
        if self.search_body is not None:
            return self._deliver(json_response(200 if self.api == "amadeus" else 201, self.search_body), fault)
        try:
            query = query_from_request(self.api, params, content)
        except ValueError as exc:
            return self._error(400 if self.api == "amadeus" else 422, token, str(exc))
        if fault in NETWORK_FAULTS:
            return self._deliver(search_response(self.api, None, query), fault)
        return _reply(search_response(self.api, fault, query))

    def _deliver(self, sim: SimResponse, fault: str | None) -> Response:
        """`sim` as is, or streamed with a network fault (`disconnect_mid_stream`, `slow_drip`)."""
        if fault not in NETWORK_FAULTS:
            return _reply(sim)
        content, chunks, delay = sim.content, self.drip_chunks, self.drip_delay_s

        async def body():
            if fault == "disconnect_mid_stream":
                yield content[: len(content) // 2]
                raise DeliberateDrop("disconnect_mid_stream")
            step = max(1, -(-len(content) // max(1, chunks)))
            for start in range(0, len(content), step):
                await asyncio.sleep(delay)
                yield content[start:start + step]

        headers = {k: v for k, v in sim.headers.items() if k.lower() != "content-length"}
        return StreamingResponse(body(), status_code=sim.status, headers=headers)
