"""`prepare_room` with the real livekit-api client against the local fake LiveKit Twirp server."""
from __future__ import annotations

import json
import time
import urllib.parse

import aiohttp
import jwt
import pytest
from livekit import api

from assistant.livekit import rooms as lk

METADATA = {"language": "es", "environment": "noisy", "interruptions": False}


pytestmark = pytest.mark.usefixtures("fresh_livekit_settings")


@pytest.fixture()
def keys(monkeypatch, fake_livekit):  # noqa: F811 (the imported fixture)
    monkeypatch.setenv("LIVEKIT_URL", fake_livekit.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", fake_livekit.api_key)
    monkeypatch.setenv("LIVEKIT_API_SECRET", fake_livekit.api_secret)
    monkeypatch.setenv("APP_ENV", "production")
    return fake_livekit


def assert_no_credentials(plan: lk.LiveKitPlan, fake) -> None:
    shown = " ".join([plan.error, plan.join_link, plan.server_url, plan.app_env_note]
                     + [f"{s.name} {s.status} {s.detail}" for s in plan.steps])
    assert fake.api_key not in shown and fake.api_secret not in shown


async def test_production_creates_the_language_room_with_metadata_and_dispatches_the_agent(keys):
    fake = keys
    plan = await lk.prepare_room("visitor-0123456789abcdef", "es-MX", "noisy", False)
    assert plan.ready and not plan.error, plan
    assert plan.room == "polyglot-console-es"
    room = fake.rooms["polyglot-console-es"]
    assert json.loads(room.metadata) == METADATA and room.empty_timeout == 600 and room.sid.startswith("RM_")
    [dispatch] = fake.dispatches
    assert dispatch.room == "polyglot-console-es" and dispatch.agent_name == "polyglot-flight-agent"
    assert json.loads(dispatch.metadata) == METADATA
    assert [(c.service, c.method, c.status) for c in fake.requests] == [
        ("RoomService", "CreateRoom", 200), ("AgentDispatchService", "CreateDispatch", 200)]
    assert [c.content_type for c in fake.requests] == ["application/protobuf"] * 2
    assert fake.requests[0].body == {"name": "polyglot-console-es", "metadata": room.metadata, "emptyTimeout": 600}
    assert [(s.name, s.status) for s in plan.steps] == [("create_room", "ok"), ("dispatch_agent", "ok"), ("token", "ok")]
    assert room.sid in plan.steps[0].detail and dispatch.id in plan.steps[1].detail
    assert_no_credentials(plan, fake)


async def test_admin_calls_are_signed_with_the_grants_livekit_checks(keys):
    fake = keys
    await lk.prepare_room("visitor-1", "ja", "quiet", True)
    create, dispatch = fake.requests
    admin = ("roomCreate", "roomAdmin", "roomList", "room")
    assert create.claims["iss"] == fake.api_key
    assert {k: v for k, v in create.claims["video"].items() if k in admin} == {"roomCreate": True}
    assert {k: v for k, v in dispatch.claims["video"].items() if k in admin} == {
        "roomAdmin": True, "room": "polyglot-console-ja"}


async def test_the_visitor_token_joins_that_room_only_and_the_link_carries_it(keys):
    fake = keys
    before = time.time()
    plan = await lk.prepare_room("visitor-0123456789abcdef", "fr", "medium", True)
    claims = jwt.decode(plan.token, fake.api_secret, algorithms=["HS256"], issuer=fake.api_key)
    assert claims["sub"] == plan.identity == lk.visitor_identity("visitor-0123456789abcdef")
    assert claims["video"]["roomJoin"] is True and claims["video"]["room"] == "polyglot-console-fr"
    assert not {"roomCreate", "roomAdmin", "roomList", "recorder"} & set(claims["video"])
    assert abs(claims["exp"] - (before + 900)) <= 3 and plan.expires_at.timestamp() == claims["exp"]
    link = urllib.parse.urlsplit(plan.join_link)
    query = urllib.parse.parse_qs(link.query)
    assert link.netloc == "agents-playground.livekit.io" and query["token"] == [plan.token]
    assert query["url"] == [plan.server_url] == ["ws://" + fake.url.removeprefix("http://")]
    assert_no_credentials(plan, fake)


async def test_development_shares_one_room_for_every_language(keys, monkeypatch):
    fake = keys
    monkeypatch.setenv("APP_ENV", "development")
    first = await lk.prepare_room("visitor-a", "es", "quiet", True)
    second = await lk.prepare_room("visitor-b", "ja", "noisy", False)
    assert first.room == second.room == "polyglot-console" and list(fake.rooms) == ["polyglot-console"]
    assert first.identity != second.identity
    assert [d.room for d in fake.dispatches] == ["polyglot-console"] * 2
    assert json.loads(fake.dispatches[1].metadata)["language"] == "ja", "each dispatch carries its own settings"
    assert first.ready and second.ready


async def test_production_rooms_differ_per_language(keys):
    fake = keys
    for language in ("en", "de", "ko"):
        assert (await lk.prepare_room("visitor-a", language, "medium", True)).ready
    assert sorted(fake.rooms) == ["polyglot-console-de", "polyglot-console-en", "polyglot-console-ko"]
    assert sorted(d.room for d in fake.dispatches) == sorted(fake.rooms)


async def test_an_unknown_app_env_uses_the_config_default_and_says_so(keys, monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert plan.ready and plan.room == "polyglot-console" and "'staging'" in plan.app_env_note


async def test_without_keys_nothing_is_called_and_the_missing_variables_are_named(fake_livekit, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LIVEKIT_URL", fake_livekit.url)
    monkeypatch.setenv("APP_ENV", "production")
    plan = await lk.prepare_room("visitor-a", "it", "medium", True)
    assert plan.missing == ("LIVEKIT_API_KEY", "LIVEKIT_API_SECRET") and not plan.ready
    assert plan.room == "polyglot-console-it" and not plan.token and not plan.join_link
    assert {s.status for s in plan.steps} == {"skipped"} and "LIVEKIT_API_KEY" in plan.steps[0].detail
    assert fake_livekit.requests == []


@pytest.mark.parametrize("fault, words", [
    ("unauthorized", "HTTP 401 unauthenticated"),
    ("server_error_500", "HTTP 500 internal"),
    ("malformed", "could not be read"),
    ("leaky_error", "HTTP 401 unauthenticated"),
])
async def test_faults_give_a_clear_redacted_message(keys, fault, words):
    fake = keys
    fake.fault = fault
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert not plan.ready and words in plan.error, plan.error
    assert [(s.name, s.status) for s in plan.steps] == [("create_room", "failed"), ("dispatch_agent", "skipped"),
                                                        ("token", "skipped")]
    assert not plan.token and not plan.join_link and fake.dispatches == []
    assert_no_credentials(plan, fake)
    assert "eyJ" not in plan.error, "no bearer token in the message"


async def test_a_wrong_secret_is_refused_by_signature_and_reported_without_it(keys, monkeypatch):
    fake = keys
    wrong = "wrong-secret-" + "z" * 32
    monkeypatch.setenv("LIVEKIT_API_SECRET", wrong)
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert "HTTP 401" in plan.error and "LIVEKIT_API_SECRET" in plan.error and wrong not in plan.error
    assert fake.requests[0].status == 401 and fake.rooms == {}


async def test_a_wrong_key_is_refused(keys, monkeypatch):
    monkeypatch.setenv("LIVEKIT_API_KEY", "APIsomeOtherKey99")
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert "HTTP 401" in plan.error and "invalid API key" in plan.error and "APIsomeOtherKey99" not in plan.error


async def test_a_failed_dispatch_keeps_the_room_and_says_which_step_failed(keys):
    fake = keys
    fake.next_faults = ["ok", "server_error_500"]
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert [(s.name, s.status) for s in plan.steps] == [("create_room", "ok"), ("dispatch_agent", "failed"),
                                                        ("token", "skipped")]
    assert "HTTP 500" in plan.error and "polyglot-console-es" in fake.rooms and not plan.token


async def test_a_hung_server_times_out(keys, config_copy):
    fake = keys
    path = config_copy / "livekit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("request_timeout_s: 8", "request_timeout_s: 0.5"),
                    encoding="utf-8")
    lk.livekit_settings.cache_clear()
    fake.fault = "timeout"
    started = time.monotonic()
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert time.monotonic() - started < 3
    assert "no answer in time" in plan.error and plan.steps[0].status == "failed"
    assert_no_credentials(plan, fake)


async def test_an_unreachable_server_or_a_bad_url_is_named(keys, monkeypatch):
    monkeypatch.setenv("LIVEKIT_URL", "http://127.0.0.1:9")
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert "could not connect to LIVEKIT_URL" in plan.error
    monkeypatch.setenv("LIVEKIT_URL", "livekit.example.com")
    plan = await lk.prepare_room("visitor-a", "es", "medium", True)
    assert "LIVEKIT_URL must start with" in plan.error and plan.steps == ()


async def test_the_fake_speaks_twirp_json_too(keys):
    """The fake answers JSON requests in proto3 JSON (camelCase), as LiveKit's Twirp server does."""
    fake = keys
    token = api.AccessToken(fake.api_key, fake.api_secret).with_grants(api.VideoGrants(room_create=True)).to_jwt()
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{fake.url}/twirp/livekit.RoomService/CreateRoom",
                             json={"name": "json-room", "empty_timeout": 30, "metadata": "{}"},
                             headers={"Authorization": f"Bearer {token}"}) as response:
            body = await response.json()
        assert response.status == 200 and body["name"] == "json-room" and body["emptyTimeout"] == 30
        assert body["sid"].startswith("RM_") and isinstance(body["creationTime"], str)
        async with http.post(f"{fake.url}/twirp/livekit.RoomService/DeleteRoom", json={"room": "json-room"},
                             headers={"Authorization": "Bearer not-a-jwt"}) as response:
            assert response.status == 401 and (await response.json())["code"] == "unauthenticated"
        async with http.post(f"{fake.url}/twirp/livekit.RoomService/Nope", json={},
                             headers={"Authorization": f"Bearer {token}"}) as response:
            assert response.status == 404 and (await response.json())["code"] == "bad_route"


async def test_the_fake_checks_the_dispatch_grant_is_for_that_room(keys):
    fake = keys
    other_room = api.VideoGrants(room_admin=True, room="another-room")
    token = api.AccessToken(fake.api_key, fake.api_secret).with_grants(other_room).to_jwt()
    async with api.LiveKitAPI.with_token(token, fake.url) as client:
        with pytest.raises(api.ServerError) as caught:
            await client.agent_dispatch.create_dispatch(
                api.CreateAgentDispatchRequest(agent_name="a", room="polyglot-console-es"))
    assert caught.value.status == 401 and caught.value.message == "permissions denied"
    async with api.LiveKitAPI(fake.url, fake.api_key, fake.api_secret) as client:
        await client.room.create_room(api.CreateRoomRequest(name="r1"))
        await client.room.delete_room(api.DeleteRoomRequest(room="r1"))
        with pytest.raises(api.ServerError) as caught:
            await client.room.delete_room(api.DeleteRoomRequest(room="r1"))
    assert caught.value.code == "not_found" and fake.rooms == {}
