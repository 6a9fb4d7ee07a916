"""LiveKit rooms for testing the production agent per language (`configs/livekit.yaml`).

Room naming by `APP_ENV`: development joins `<room_base>`, production `<room_base>-<language>`.
`prepare_room` mints a visitor's participant token and, when `LIVEKIT_URL`, `LIVEKIT_API_KEY` and
`LIVEKIT_API_SECRET` are all set, creates the room (JSON metadata: language, environment,
interruptions) and dispatches the agent through LiveKit's Twirp API (`livekit-api`).

Constraints:
- The API key and secret never leave this module: a `LiveKitPlan` carries the server URL and the
  participant token only, and every error message is redacted with both.
- A participant token grants `room_join` to one room (publish, subscribe, data) and nothing else:
  no roomCreate / roomAdmin / roomList / recorder. Its lifetime is capped by `max_token_ttl_minutes`.
- The identity is derived from the visitor id by hashing, so no part of the id (the key of the
  visitor's conversation) reaches LiveKit or the page.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flight_search.providers.http import redact, short
from languages import load_config, normalize_code

from ..providers.errors import env_key, provider_error

VARIABLES = ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")
APP_ENVS = ("development", "production")
_URL_SCHEMES = ("wss://", "ws://", "https://", "http://")


class LiveKitSettings(BaseModel):
    """The validated `configs/livekit.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    room_base: str = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
    app_env: Literal["development", "production"]
    token_ttl_minutes: int = Field(ge=1)
    max_token_ttl_minutes: int = Field(ge=1, le=60)
    agent_name: str = Field(min_length=1, max_length=128)
    playground_url: str = Field(pattern=r"^https://")
    request_timeout_s: float = Field(gt=0, le=60)
    empty_timeout_s: int = Field(ge=0, le=86_400)

    @model_validator(mode="after")
    def _consistent(self) -> LiveKitSettings:
        if self.token_ttl_minutes > self.max_token_ttl_minutes:
            raise ValueError("token_ttl_minutes must not exceed max_token_ttl_minutes")
        fields = set(re.findall(r"{(\w*)}", self.playground_url))
        if fields != {"url", "token"}:
            raise ValueError("playground_url must contain {url} and {token} and no other placeholder")
        return self


@lru_cache(maxsize=1)
def livekit_settings() -> LiveKitSettings:
    """The validated `configs/livekit.yaml` (raises ConfigError)."""
    return load_config("livekit.yaml", LiveKitSettings)


def validate_config() -> None:
    """Load and check `configs/livekit.yaml` (raises ConfigError naming file and field)."""
    livekit_settings()


def clear_caches() -> None:
    """Forget the loaded `livekit.yaml` (tests that change it or point `POLYGLOT_CONFIG_DIR` elsewhere)."""
    livekit_settings.cache_clear()


@dataclass(frozen=True)
class AppEnv:
    """Which naming applies: `name` is development or production; `note` says why when APP_ENV was ignored."""

    name: str
    note: str = ""


def app_env() -> AppEnv:
    """`APP_ENV` (case-insensitive); unset or unknown -> the config default, with a note saying so."""
    default = livekit_settings().app_env
    raw = os.environ.get("APP_ENV", "").strip()
    if not raw:
        return AppEnv(default, f"APP_ENV is not set: using {default}")
    if raw.lower() in APP_ENVS:
        return AppEnv(raw.lower())
    shown = raw if len(raw) <= 24 else raw[:24] + "…"
    return AppEnv(default, f"APP_ENV={shown!r} is neither development nor production: using {default}")


def language_slug(language: str) -> str:
    """The registry code of `language` (`es-MX` -> `es`), else its letters, digits and dashes."""
    resolved = normalize_code(language or "").language
    if resolved is not None:
        return resolved.code.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", (language or "").lower()).strip("-")[:24]
    return slug or "multi"


def room_name(base: str, language: str, app_env: str) -> str:
    """`base` in development, `base-<language>` in production (ValueError for another app_env)."""
    if app_env == "development":
        return base
    if app_env == "production":
        return f"{base}-{language_slug(language)}"
    raise ValueError(f"app_env must be one of {', '.join(APP_ENVS)}, not {app_env!r}")


def missing_variables() -> list[str]:
    """The LiveKit environment variables that are unset or blank, in a fixed order."""
    return [name for name in VARIABLES if not env_key(name)]


def visitor_identity(visitor_id: str) -> str:
    """`visitor-<8 hex>`: stable per visitor id, and reveals nothing of the id."""
    digest = hashlib.sha256((visitor_id or "anonymous").encode("utf-8")).hexdigest()
    return f"visitor-{digest[:8]}"


def mint_token(identity: str, room: str, ttl_minutes: float | None = None) -> str:
    """A participant JWT for `identity`: room_join to `room` only, publish/subscribe, lifetime
    `ttl_minutes` (default `token_ttl_minutes`) capped at `max_token_ttl_minutes`.

    Raises ValueError when the key or secret is missing, or for an empty identity or room, or a
    lifetime that is not positive."""
    from livekit import api

    settings = livekit_settings()
    key, secret = env_key("LIVEKIT_API_KEY"), env_key("LIVEKIT_API_SECRET")
    if not key or not secret:
        raise ValueError("LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set to mint a token")
    if not identity or not room:
        raise ValueError("a token needs an identity and a room")
    minutes = settings.token_ttl_minutes if ttl_minutes is None else ttl_minutes
    if minutes <= 0:
        raise ValueError("the token lifetime must be positive")
    minutes = min(minutes, settings.max_token_ttl_minutes)
    grants = api.VideoGrants(room_join=True, room=room, can_publish=True, can_subscribe=True,
                             can_publish_data=True)
    return (api.AccessToken(key, secret).with_identity(identity).with_name(identity)
            .with_grants(grants).with_ttl(dt.timedelta(minutes=minutes)).to_jwt())


@dataclass(frozen=True)
class Step:
    """One step of `prepare_room`: `status` is ok, skipped or failed."""

    name: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class LiveKitPlan:
    """What the panel shows: where the visitor goes, and what was done to get there."""

    app_env: str
    app_env_note: str
    room: str
    identity: str
    agent_name: str
    metadata: str                      # the room's and the dispatch's JSON metadata
    missing: tuple[str, ...] = ()
    server_url: str = ""               # ws(s):// URL for the client; never the API key or secret
    token: str = ""
    join_link: str = ""
    expires_at: dt.datetime | None = None
    steps: tuple[Step, ...] = ()
    error: str = ""

    @property
    def ready(self) -> bool:
        """True when the room exists, the agent was dispatched and the join link is set."""
        return bool(self.join_link) and not self.error and not self.missing


def client_url(url: str) -> str:
    """The server URL as a client connects to it: http(s) becomes ws(s)."""
    url = url.strip().rstrip("/")
    return "ws" + url[4:] if url.startswith("http") else url


def room_metadata(language: str, environment: str, interruptions: bool) -> str:
    """The JSON metadata of a room and its dispatch: language, environment preset, interruptions."""
    return json.dumps({"language": language, "environment": environment, "interruptions": bool(interruptions)},
                      ensure_ascii=False, sort_keys=True)


def preview(visitor_id: str, language: str, environment: str = "", interruptions: bool = True) -> LiveKitPlan:
    """The plan without any network call or token: room name, identity, missing variables."""
    settings, env = livekit_settings(), app_env()
    return LiveKitPlan(app_env=env.name, app_env_note=env.note,
                       room=room_name(settings.room_base, language, env.name),
                       identity=visitor_identity(visitor_id), agent_name=settings.agent_name,
                       metadata=room_metadata(language_slug(language), environment, interruptions),
                       missing=tuple(missing_variables()))


def describe_error(exc: BaseException, secrets: tuple[str, ...] = ()) -> str:
    """A short, redacted message for a failure of the LiveKit API or its transport."""
    import aiohttp
    from google.protobuf.message import DecodeError
    from livekit import api

    server_error = getattr(api, "ServerError", None) or api.TwirpError  # older livekit-api releases name it TwirpError
    if isinstance(exc, server_error):
        status = getattr(exc, "status", None)
        hint = " (check LIVEKIT_API_KEY and LIVEKIT_API_SECRET)" if status in (401, 403) else ""
        text = f"LiveKit answered HTTP {status} {exc.code}: {exc.message}".rstrip(": ") + hint
    elif isinstance(exc, DecodeError):
        text = "LiveKit's reply could not be read (not a LiveKit API response)"
    elif isinstance(exc, aiohttp.InvalidURL):
        text = "LIVEKIT_URL is not a valid URL"
    elif isinstance(exc, aiohttp.ClientConnectionError) and not isinstance(exc, TimeoutError):
        text = f"could not connect to LIVEKIT_URL ({type(exc).__name__})"
    else:
        text = f"LiveKit: {provider_error(exc, 'livekit', secrets)}"
    return short(redact(text, secrets), 160)


async def prepare_room(visitor_id: str, language: str, environment: str, interruptions: bool) -> LiveKitPlan:
    """Create the visitor's room (with metadata) and dispatch the agent, then mint the join token.

    Without the three variables nothing is called: the plan names what is missing and still has the
    room name. A failure gives a plan with `error` set (redacted) and no token."""
    plan = preview(visitor_id, language, environment, interruptions)
    if plan.missing:
        need = f"needs {', '.join(plan.missing)}"
        return replace(plan, steps=tuple(Step(n, "skipped", need) for n in ("create_room", "dispatch_agent", "token")))
    settings = livekit_settings()
    url, key, secret = env_key("LIVEKIT_URL"), env_key("LIVEKIT_API_KEY"), env_key("LIVEKIT_API_SECRET")
    secrets = (key, secret)
    if not url.startswith(_URL_SCHEMES):
        return replace(plan, error="LIVEKIT_URL must start with wss://, ws://, https:// or http://")

    import aiohttp
    from livekit import api

    steps: list[Step] = []
    client = api.LiveKitAPI(url, key, secret, timeout=aiohttp.ClientTimeout(total=settings.request_timeout_s))
    try:
        async with asyncio.timeout(2 * settings.request_timeout_s):
            room = await client.room.create_room(api.CreateRoomRequest(
                name=plan.room, metadata=plan.metadata, empty_timeout=settings.empty_timeout_s))
            steps.append(Step("create_room", "ok", f"room {room.name} ({room.sid})"))
            dispatch = await client.agent_dispatch.create_dispatch(api.CreateAgentDispatchRequest(
                agent_name=plan.agent_name, room=plan.room, metadata=plan.metadata))
            steps.append(Step("dispatch_agent", "ok", f"agent {dispatch.agent_name} ({dispatch.id})"))
    except Exception as exc:  # noqa: BLE001 (mapped to a redacted message at this edge)
        failed = "create_room" if not steps else "dispatch_agent"
        message = describe_error(exc, secrets)
        steps.append(Step(failed, "failed", message))
        steps += [Step(n, "skipped", f"{failed} failed") for n in ("dispatch_agent", "token") if n != failed]
        return replace(plan, steps=tuple(steps), error=message)
    finally:
        await client.aclose()

    token = mint_token(plan.identity, plan.room)
    expires = token_expiry(token)
    server = client_url(url)
    link = settings.playground_url.format(url=quote(server, safe=""), token=quote(token, safe=""))
    steps.append(Step("token", "ok", f"room_join for {plan.identity}, expires {expires:%H:%M} UTC"))
    return replace(plan, server_url=server, token=token, join_link=link, expires_at=expires, steps=tuple(steps))


def token_expiry(token: str) -> dt.datetime:
    """The `exp` claim of a JWT as an aware UTC datetime (read without verifying the signature)."""
    import jwt

    claims = jwt.decode(token, options={"verify_signature": False})
    return dt.datetime.fromtimestamp(int(claims["exp"]), tz=dt.UTC)
