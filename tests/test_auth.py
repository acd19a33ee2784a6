"""core.auth: sign-in modes, the constant-time password check, the throttle, user ids."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core import auth
from core.auth import (
    OIDC,
    OPEN,
    PASSWORD,
    REFUSED,
    DatabaseFailures,
    FailureStore,
    MemoryFailures,
    SignInRefused,
    Throttle,
    ThrottlePolicy,
    client_address,
    oidc_user_id,
    password_matches,
    password_stamp,
    shared_throttle,
    sign_in_mode,
    try_password,
)
from core.config import Settings
from core.db import Database
from core.errors import ConfigError
from tests.conftest import db_env
from tests.test_config import AUTH


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- modes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "secrets", "mode"),
    [
        ({}, {}, OPEN),
        ({"ALLOW_ANONYMOUS": "1"}, {}, OPEN),
        ({"PARLANTE_CONTAINER": "1"}, {}, REFUSED),
        ({"PARLANTE_CONTAINER": "1", "ALLOW_ANONYMOUS": "0"}, {}, REFUSED),
        ({"PARLANTE_CONTAINER": "1", "ALLOW_ANONYMOUS": "1"}, {}, OPEN),
        ({"PARLANTE_CONTAINER": "1", "APP_PASSWORD": "pw"}, {}, PASSWORD),
        ({"APP_PASSWORD": "pw"}, {}, PASSWORD),
        ({}, {"APP_PASSWORD": "pw"}, PASSWORD),
        ({"APP_PASSWORD": "pw"}, {"auth": AUTH}, OIDC),  # [auth] wins over the password
        ({"PARLANTE_CONTAINER": "1"}, {"auth": AUTH}, OIDC),
    ],
)
def test_sign_in_mode(env: dict[str, str], secrets: dict[str, object], mode: str) -> None:
    assert sign_in_mode(Settings.from_sources(env, secrets)) == mode


def test_auth_section_picks_the_provider_and_its_secrets_are_redacted() -> None:
    s = Settings.from_sources({}, {"auth": AUTH})
    assert s.sign_in_provider == "default"
    for secret in (AUTH["cookie_secret"], AUTH["client_secret"]):
        assert secret not in repr(s)
        assert s.redact(f"oops {secret}") == "oops ***"
    google = {
        "redirect_uri": AUTH["redirect_uri"],
        "cookie_secret": AUTH["cookie_secret"],
        "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
    }
    assert Settings.from_sources({}, {"auth": google}).sign_in_provider == "google"
    two = {**google, "okta": dict(google["google"])}
    with pytest.raises(ConfigError, match="AUTH_PROVIDER"):
        Settings.from_sources({}, {"auth": two})
    picked = Settings.from_sources({}, {"auth": two, "AUTH_PROVIDER": "okta"})
    assert picked.sign_in_provider == "okta"


def test_an_incomplete_auth_section_is_an_error_not_an_open_app() -> None:
    with pytest.raises(ConfigError, match="cookie_secret") as info:
        Settings.from_sources({}, {"auth": {**AUTH, "cookie_secret": ""}})
    assert info.value.variable == "auth"


def test_allowed_emails_and_limits_are_validated() -> None:
    s = Settings.from_sources(
        {"ALLOWED_EMAILS": "Ana@Example.org, @team.example", "DID_DAILY_VIDEOS": "5"}
    )
    assert s.allowed_emails == ("ana@example.org", "@team.example")
    assert s.did_daily_videos == 5 and s.openai_daily_tokens == 200_000
    for env, variable in (
        ({"ALLOWED_EMAILS": "example.org"}, "ALLOWED_EMAILS"),
        ({"DID_DAILY_VIDEOS": "-1"}, "DID_DAILY_VIDEOS"),
        ({"DID_DAILY_VIDEOS": "many"}, "DID_DAILY_VIDEOS"),
        ({"OPENAI_DAILY_TOKENS": "-5"}, "OPENAI_DAILY_TOKENS"),
    ):
        with pytest.raises(ConfigError) as info:
            Settings.from_sources(env)
        assert info.value.variable == variable


# --- password ------------------------------------------------------------------------------


def test_password_check_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, bytes]] = []
    real = auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert password_matches("correct horse", "correct horse")
    assert not password_matches("correct hors", "correct horse")
    assert not password_matches("", "correct horse")
    assert len(seen) == 3 and all(len(a) == len(b) == 32 for a, b in seen)  # digests


def test_a_session_stamp_changes_with_the_password() -> None:
    assert password_stamp("one") == password_stamp("one") != password_stamp("two")
    assert "one" not in password_stamp("one")


# --- throttle ------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FailureStore:
    """The throttle's counts in one process's memory, or in the database every app replica
    shares (SQLite under APP_DATA_DIR, or PostgreSQL)."""
    if request.param == "memory":
        return MemoryFailures()
    url = request.getfixturevalue("pg_server").database() if request.param == "postgresql" else None
    return DatabaseFailures(Database.for_data_dir(tmp_path, url))


def test_wrong_tries_wait_longer_and_longer_up_to_the_cap(store: FailureStore) -> None:
    clock = Clock()
    throttle = Throttle(ThrottlePolicy(free_tries=3, base_s=1.0, max_s=8.0), clock, store)
    keys = ("ip:1.2.3.4", "session:a")
    waits = [throttle.failed(keys) for _ in range(8)]
    assert waits == [0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    clock.now += 5
    assert throttle.wait_s(keys) == pytest.approx(3.0)
    assert throttle.wait_s(["ip:5.6.7.8"]) == 0.0  # another client is not slowed
    assert throttle.wait_s(["session:a"]) == pytest.approx(3.0)  # nor can it hide behind one
    throttle.succeeded(keys)
    assert throttle.wait_s(keys) == 0.0


def test_a_waiting_client_is_refused_unchecked_even_with_the_right_password(
    store: FailureStore,
) -> None:
    clock = Clock()
    throttle = Throttle(ThrottlePolicy(free_tries=1, base_s=2.0), clock, store)
    keys = ("ip:1.2.3.4", "session:x")
    first = try_password(throttle, keys, "nope", "secret")
    assert not first.ok and first.checked and first.wait_s == 2.0
    early = try_password(throttle, keys, "secret", "secret")
    assert not early.ok and not early.checked and early.wait_s == pytest.approx(2.0)
    clock.now += 2.01
    assert try_password(throttle, keys, "secret", "secret").ok
    assert throttle.wait_s(keys) == 0.0


def test_a_new_session_from_the_same_address_is_still_slowed(store: FailureStore) -> None:
    clock = Clock()
    throttle = Throttle(ThrottlePolicy(free_tries=2), clock, store)
    for n in range(4):
        try_password(throttle, ("ip:9.9.9.9", f"session:{n}"), "guess", "secret")
        clock.now += 0.001
    attempt = try_password(throttle, ("ip:9.9.9.9", "session:fresh"), "secret", "secret")
    assert not attempt.ok and not attempt.checked


def test_old_records_are_forgotten(store: FailureStore) -> None:
    clock = Clock()
    throttle = Throttle(ThrottlePolicy(free_tries=0, max_s=10.0, forget_after_s=60.0), clock, store)
    throttle.failed(["ip:old"])
    clock.now += 71
    throttle.failed(["ip:new"])
    assert store.records(("ip:old",)) == [] and len(store.records(("ip:new",))) == 1


def test_the_throttle_counts_every_try_from_many_threads(store: FailureStore) -> None:
    throttle = Throttle(ThrottlePolicy(free_tries=10_000), Clock(), store)
    threads = [
        threading.Thread(target=lambda: [throttle.failed(["ip:x"]) for _ in range(200)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.failures for r in store.records(("ip:x",))] == [1600]


def test_two_replicas_share_one_throttle(data_dir: Path, backend: str) -> None:
    """Two app replicas (each its own database pool) count the same guesser's tries."""
    settings = Settings.from_sources({**db_env(), "APP_DATA_DIR": str(data_dir)})
    clock = Clock()
    one = shared_throttle(settings, clock)
    url = one.store.db.url  # type: ignore[attr-defined]
    two = Throttle(clock=clock, store=DatabaseFailures(Database(url)))  # another replica
    keys = ("ip:1.2.3.4", "session:a")
    for replica in (one, two, one):
        replica.failed(keys)
    assert two.wait_s(keys) == one.wait_s(keys) == 1.0  # the 4th try must wait, anywhere
    two.succeeded(keys)
    assert one.wait_s(keys) == 0.0
    raw = one.store.db.all("SELECT key_hash FROM sign_in_failures")  # type: ignore[attr-defined]
    assert raw == [] and "1.2.3.4" not in str(raw)


@pytest.mark.parametrize(
    ("peer", "forwarded", "key"),
    [
        ("93.184.216.34", None, "93.184.216.34"),
        ("93.184.216.34", "1.1.1.1", "93.184.216.34"),  # a client on the internet can't pick a key
        (None, "81.2.69.160", "81.2.69.160"),  # Caddy on this host appended the client
        ("172.18.0.1", "6.6.6.6, 81.2.69.160", "81.2.69.160"),  # the proxy's entry is last
        (None, None, "local"),
        ("10.0.0.5", None, "10.0.0.5"),
    ],
)
def test_client_address(peer: str | None, forwarded: str | None, key: str) -> None:
    assert client_address(peer, forwarded) == key


# --- OIDC identities -----------------------------------------------------------------------


def test_the_user_id_is_the_verified_email_lowercased() -> None:
    assert oidc_user_id({"email": " Ana@Example.ORG ", "email_verified": True}) == "ana@example.org"
    assert oidc_user_id({"email": "leo@example.org"}) == "leo@example.org"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"name": "Ana"}, "no_email"),
        ({"email": ""}, "no_email"),
        ({"email": "not-an-address"}, "no_email"),
        ({"email": "ana@example.org", "email_verified": False}, "unverified"),
    ],
)
def test_identities_without_a_verified_email_are_refused(
    claims: dict[str, object], reason: str
) -> None:
    with pytest.raises(SignInRefused) as info:
        oidc_user_id(claims)
    assert info.value.reason == reason
    assert info.value.exit_code == 2


def test_allowed_emails_take_addresses_and_whole_domains() -> None:
    allowed = ("boss@corp.example", "@team.example")
    assert oidc_user_id({"email": "Boss@corp.example"}, allowed) == "boss@corp.example"
    assert oidc_user_id({"email": "ana@team.example"}, allowed) == "ana@team.example"
    for outsider in ("eve@corp.example", "eve@team.example.evil", "eve@subteam.example"):
        with pytest.raises(SignInRefused) as info:
            oidc_user_id({"email": outsider}, allowed)
        assert info.value.reason == "not_allowed" and info.value.email == outsider
