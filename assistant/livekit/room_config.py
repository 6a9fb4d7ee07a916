"""What a room asks of its agent: the console's JSON metadata (`language`, `environment`,
`interruptions`), the room name (`<base>-<language>` in production), and the two data messages
(`environment_changed`, `interruptions`). Outside input: bad values get defaults and a log line.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError

from languages import get_language

from ..settings import app_settings, environment_presets

log = logging.getLogger(__name__)
MAX_METADATA_BYTES = 4096
_SHOWN = 60


@dataclass(frozen=True)
class RoomConfig:
    """The settings an agent starts a room with; `notes` says what was defaulted and why."""

    language: str
    environment: str
    interruptions: bool
    notes: tuple[str, ...] = ()


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _metadata_fields(metadata: str | bytes | None, notes: list[str]) -> dict:
    if not metadata:
        return {}
    if len(metadata) > MAX_METADATA_BYTES:
        notes.append(f"room metadata is longer than {MAX_METADATA_BYTES} bytes: ignored")
        return {}
    try:
        fields = json.loads(metadata)
    except (ValueError, UnicodeDecodeError):
        notes.append(f"room metadata is not JSON ({_shown(metadata)}): ignored")
        return {}
    if not isinstance(fields, dict):
        notes.append(f"room metadata is not a JSON object ({_shown(fields)}): ignored")
        return {}
    return fields


def _language_from_room(room_name: str, base: str) -> str | None:
    prefix = f"{base}-"
    if base and room_name.startswith(prefix) and get_language(room_name[len(prefix):]):
        return room_name[len(prefix):]
    return None


def room_config(metadata: str | bytes | None, room_name: str = "", *, base: str = "") -> RoomConfig:
    """The room's settings from its metadata, else its name, else `configs/app.yaml`; never raises."""
    notes: list[str] = []
    settings = app_settings()
    fields = _metadata_fields(metadata, notes)

    language = fields.get("language")
    resolved = get_language(language) if isinstance(language, str) else None
    if resolved is None:
        if language is not None:
            notes.append(f"unknown language {_shown(language)} in room metadata")
        from_name = _language_from_room(room_name, base)
        resolved = get_language(from_name or settings.default_language)
    environment = fields.get("environment")
    if not isinstance(environment, str) or environment not in environment_presets():
        if environment is not None:
            notes.append(f"unknown environment {_shown(environment)}: using {settings.default_environment}")
        environment = settings.default_environment
    interruptions = fields.get("interruptions", True)
    if not isinstance(interruptions, bool):
        notes.append(f"interruptions must be true or false, not {_shown(interruptions)}: using true")
        interruptions = True
    config = RoomConfig(resolved.code if resolved else "en", environment, interruptions, tuple(notes))
    for note in notes:
        log.warning("room %s: %s", room_name or "?", note)
    return config


class EnvironmentChanged(BaseModel):
    """`{"type": "environment_changed", "environment": "noisy"}`: another VAD preset, live."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    type: Literal["environment_changed"]
    environment: str = Field(min_length=1, max_length=40)


class InterruptionsToggled(BaseModel):
    """`{"type": "interruptions", "enabled": false}`: interruptions on or off, said in the room's language."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    type: Literal["interruptions"]
    enabled: StrictBool


DataMessage = Annotated[EnvironmentChanged | InterruptionsToggled, Field(discriminator="type")]
_MESSAGE = TypeAdapter(DataMessage)


def parse_data_message(payload: bytes | str) -> EnvironmentChanged | InterruptionsToggled | None:
    """A data message the agent acts on, or None (logged) for anything else."""
    if len(payload) > MAX_METADATA_BYTES:
        log.warning("data message of %d bytes ignored", len(payload))
        return None
    try:
        return _MESSAGE.validate_json(payload)
    except ValidationError as exc:
        log.warning("data message ignored (%s): %s", exc.errors()[0].get("msg", "invalid"), _shown(payload))
        return None
