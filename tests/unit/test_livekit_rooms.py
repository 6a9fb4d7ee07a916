"""LiveKit rooms: naming per APP_ENV, missing variables, participant tokens, configs/livekit.yaml."""
from __future__ import annotations

import datetime as dt
import time

import jwt
import pytest
from livekit import api

from assistant.livekit import rooms as lk
from languages import ConfigError

KEY = "APIunitTestKey01"
SECRET = "unit-test-secret-" + "x" * 32


pytestmark = pytest.mark.usefixtures("fresh_livekit_settings")


@pytest.fixture()
def keys(monkeypatch):
    monkeypatch.setenv("LIVEKIT_URL", "wss://example.livekit.cloud")
    monkeypatch.setenv("LIVEKIT_API_KEY", KEY)
    monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET)


def decode(token: str) -> dict:
    return jwt.decode(token, SECRET, algorithms=["HS256"], issuer=KEY)


# --- room names --------------------------------------------------------------------------------
def test_development_shares_one_room_and_production_has_one_per_language():
    assert lk.room_name("polyglot-console", "es", "development") == "polyglot-console"
    assert lk.room_name("polyglot-console", "ja", "development") == "polyglot-console"
    assert lk.room_name("polyglot-console", "es", "production") == "polyglot-console-es"
    assert lk.room_name("polyglot-console", "ja", "production") == "polyglot-console-ja"


def test_production_room_uses_the_registry_code_for_any_spelling():
    assert lk.room_name("b", "es-MX", "production") == "b-es"
    assert lk.room_name("b", "pt_BR", "production") == "b-pt"
    assert lk.room_name("b", "EN", "production") == "b-en"
    assert lk.room_name("b", "Klingon tlh!", "production") == "b-klingon-tlh"
    assert lk.room_name("b", "", "production") == "b-multi"


def test_unknown_app_env_is_rejected_by_room_name():
    with pytest.raises(ValueError, match="development, production"):
        lk.room_name("b", "en", "staging")


@pytest.mark.parametrize("raw, expected", [("production", "production"), ("PRODUCTION ", "production"),
                                           ("development", "development")])
def test_app_env_is_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("APP_ENV", raw)
    assert lk.app_env() == lk.AppEnv(expected, "")


def test_unknown_or_missing_app_env_falls_back_to_the_config_and_says_so(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    env = lk.app_env()
    assert env.name == "development" and "'staging'" in env.note and "using development" in env.note
    monkeypatch.delenv("APP_ENV")
    env = lk.app_env()
    assert env.name == "development" and "not set" in env.note


def test_preview_names_the_room_per_environment_without_calling_anything(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    plan = lk.preview("visitor-id-1234567890", "fr", "noisy", False)
    assert plan.room == "polyglot-console-fr" and plan.app_env == "production"
    assert plan.missing == ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")
    assert plan.metadata == '{"environment": "noisy", "interruptions": false, "language": "fr"}'
    assert not plan.token and not plan.join_link and not plan.ready


# --- variables and identity --------------------------------------------------------------------
def test_missing_variables_are_named_in_order(monkeypatch):
    assert lk.missing_variables() == ["LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]
    monkeypatch.setenv("LIVEKIT_API_KEY", KEY)
    monkeypatch.setenv("LIVEKIT_URL", "   ")
    assert lk.missing_variables() == ["LIVEKIT_URL", "LIVEKIT_API_SECRET"]
    monkeypatch.setenv("LIVEKIT_URL", "wss://x.livekit.cloud")
    monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET)
    assert lk.missing_variables() == []


def test_identity_is_stable_short_and_reveals_nothing_of_the_visitor_id():
    visitor = "Zq3kP9xLm2Vt8RwC"
    identity = lk.visitor_identity(visitor)
    assert identity == lk.visitor_identity(visitor) and identity.startswith("visitor-") and len(identity) == 16
    assert visitor[:4] not in identity and identity != lk.visitor_identity("another-visitor")
    assert lk.visitor_identity("").startswith("visitor-")


# --- tokens ------------------------------------------------------------------------------------
def test_token_joins_one_room_with_no_admin_grant(keys):
    token = lk.mint_token("visitor-abcd1234", "polyglot-console-es")
    claims = decode(token)
    video = claims["video"]
    assert claims["sub"] == "visitor-abcd1234" and claims["iss"] == KEY
    assert video["roomJoin"] is True and video["room"] == "polyglot-console-es"
    assert video["canPublish"] is True and video["canSubscribe"] is True
    for admin in ("roomCreate", "roomAdmin", "roomList", "roomRecord", "recorder", "ingressAdmin", "agent",
                  "hidden", "destinationRoom"):
        assert admin not in video, admin
    assert not {"sip", "agent", "inference", "observability", "roomConfig"} & set(claims)
    verified = api.TokenVerifier(KEY, SECRET).verify(token)
    assert verified.identity == "visitor-abcd1234" and verified.video.room_join and not verified.video.room_admin


def test_token_expires_in_15_minutes_by_default(keys):
    before = time.time()
    claims = decode(lk.mint_token("visitor-1", "room-a"))
    assert abs(claims["exp"] - (before + 15 * 60)) <= 2
    assert claims["exp"] - claims["nbf"] == 15 * 60


@pytest.mark.parametrize("asked, granted", [(5, 5), (60, 60), (61, 60), (24 * 60, 60)])
def test_token_lifetime_is_capped_at_an_hour(keys, asked, granted):
    claims = decode(lk.mint_token("visitor-1", "room-a", ttl_minutes=asked))
    assert claims["exp"] - claims["nbf"] == granted * 60


def test_token_expiry_reads_the_exp_claim(keys):
    token = lk.mint_token("visitor-1", "room-a")
    assert lk.token_expiry(token) == dt.datetime.fromtimestamp(decode(token)["exp"], tz=dt.UTC)


def test_token_is_signed_with_the_secret(keys):
    token = lk.mint_token("visitor-1", "room-a")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-" + "y" * 32, algorithms=["HS256"])


def test_token_needs_keys_identity_room_and_a_positive_lifetime(monkeypatch, keys):
    with pytest.raises(ValueError, match="identity and a room"):
        lk.mint_token("", "room-a")
    with pytest.raises(ValueError, match="positive"):
        lk.mint_token("visitor-1", "room-a", ttl_minutes=0)
    monkeypatch.delenv("LIVEKIT_API_SECRET")
    with pytest.raises(ValueError, match="LIVEKIT_API_SECRET"):
        lk.mint_token("visitor-1", "room-a")


def test_client_url_and_metadata():
    assert lk.client_url("https://x.livekit.cloud/") == "wss://x.livekit.cloud"
    assert lk.client_url("http://127.0.0.1:7880") == "ws://127.0.0.1:7880"
    assert lk.client_url("wss://x.livekit.cloud") == "wss://x.livekit.cloud"
    assert lk.room_metadata("ja", "quiet", True) == '{"environment": "quiet", "interruptions": true, "language": "ja"}'


# --- configs/livekit.yaml ----------------------------------------------------------------------
def test_shipped_config_is_valid():
    settings = lk.livekit_settings()
    assert settings.token_ttl_minutes == 15 and settings.max_token_ttl_minutes == 60
    assert settings.app_env == "development" and settings.room_base == "polyglot-console"
    assert "{url}" in settings.playground_url and "{token}" in settings.playground_url


def _write(config_copy, replace: tuple[str, str] | None = None, append: str = "") -> None:
    path = config_copy / "livekit.yaml"
    text = path.read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    path.write_text(text + append, encoding="utf-8")
    lk.livekit_settings.cache_clear()


@pytest.mark.parametrize("replace, append, field, words", [
    (("max_token_ttl_minutes: 60", "max_token_ttl_minutes: 120"), "", "max_token_ttl_minutes", "less than or equal to 60"),
    (("token_ttl_minutes: 15", "token_ttl_minutes: 90"), "", "", "must not exceed max_token_ttl_minutes"),
    (("app_env: development", "app_env: staging"), "", "app_env", "'development' or 'production'"),
    (("room_base: polyglot-console", "room_base: Polyglot Console"), "", "room_base", "pattern"),
    (None, "admin_grants: true\n", "admin_grants", "Extra inputs are not permitted"),
    (("?url={url}&token={token}", "?token={token}"), "", "", "must contain {url} and {token}"),
    (("https://agents-playground", "http://agents-playground"), "", "playground_url", "pattern"),
    (("request_timeout_s: 8", "request_timeout_s: soon"), "", "request_timeout_s", "valid number"),
])
def test_config_errors_name_the_file_and_field(config_copy, replace, append, field, words):
    _write(config_copy, replace, append)
    with pytest.raises(ConfigError) as caught:
        lk.livekit_settings()
    message = str(caught.value)
    assert "livekit.yaml" in message and field in message and words in message, message


def test_missing_config_file_is_reported(config_copy):
    (config_copy / "livekit.yaml").unlink()
    lk.livekit_settings.cache_clear()
    with pytest.raises(ConfigError, match=r"livekit\.yaml: file is missing"):
        lk.livekit_settings()
