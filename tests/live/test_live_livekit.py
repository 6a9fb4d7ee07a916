"""Live smoke test of the LiveKit panel's path: create a room, dispatch the agent, delete the room.

Skipped unless LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are set; run with
`pytest -m live tests/live`. It uses its own room base (`polyglot-console-livetest-<random>`), so
it never touches the rooms testers are in, and deletes what it created.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets

import jwt
import pytest

from assistant.livekit import rooms as lk

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(not all(os.environ.get(v, "").strip() for v in lk.VARIABLES),
                                 reason="needs LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET")]


@pytest.fixture()
def own_room_base(config_copy, monkeypatch):
    base = f"polyglot-console-livetest-{secrets.token_hex(3)}"
    path = config_copy / "livekit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("room_base: polyglot-console", f"room_base: {base}"),
                    encoding="utf-8")
    monkeypatch.setenv("APP_ENV", "production")
    lk.livekit_settings.cache_clear()
    yield base
    lk.livekit_settings.cache_clear()


async def test_create_room_dispatch_agent_and_delete_room(own_room_base):
    from livekit import api

    plan = await lk.prepare_room("live-test-visitor", "es", "quiet", True)
    room = f"{own_room_base}-es"
    async with api.LiveKitAPI(os.environ["LIVEKIT_URL"], os.environ["LIVEKIT_API_KEY"],
                              os.environ["LIVEKIT_API_SECRET"]) as client:
        try:
            assert plan.ready, plan.error
            assert plan.room == room
            listed = await client.room.list_rooms(api.ListRoomsRequest(names=[room]))
            assert [r.name for r in listed.rooms] == [room]
            assert json.loads(listed.rooms[0].metadata)["language"] == "es"
            dispatches = await client.agent_dispatch.list_dispatch(room)
            assert any(d.agent_name == lk.livekit_settings().agent_name for d in dispatches)
            claims = jwt.decode(plan.token, os.environ["LIVEKIT_API_SECRET"], algorithms=["HS256"])
            assert claims["video"]["room"] == room and claims["video"]["roomJoin"] is True
            assert os.environ["LIVEKIT_API_SECRET"] not in plan.join_link
        finally:
            with contextlib.suppress(api.ServerError):  # not_found when the room was never created
                await client.room.delete_room(api.DeleteRoomRequest(room=room))
        listed = await client.room.list_rooms(api.ListRoomsRequest(names=[room]))
        assert list(listed.rooms) == []
