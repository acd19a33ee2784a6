"""Shared fixtures. Every test gets its own APP_DATA_DIR; no test touches the real one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import Settings
from core.library import Library
from core.services import Services
from tests.fakes.s3_server import AWS_ENV, S3Server
from tests.pg import PgServer, server_bin

# Obviously fake keys: tests search output for them to prove secrets never leak.
FAKE_OPENAI_KEY = "sk-test-FAKE-openai-key-000000"
FAKE_DID_KEY = "fake-did-user:FAKE-did-secret-000000"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("APP_DATA_DIR", str(path))
    for name in (
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "DID_API_KEY", "DID_API_URL",
        "TTS_API_KEY", "TTS_BASE_URL", "TTS_MODEL", "MEDIA_URL", "S3_ENDPOINT_URL", "DATABASE_URL",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL for the whole session (tests/pg.py); skipped without the server
    binaries, except in CI (``CI`` set), where a missing PostgreSQL fails the run."""
    if not os.environ.get("PARLANTE_TEST_DATABASE_URL") and server_bin() is None:
        reason = "PostgreSQL server binaries not found (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must test PostgreSQL")
        pytest.skip(reason)
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on SQLite (no DATABASE_URL) and on PostgreSQL (a fresh database, set as
    DATABASE_URL for the test and any process it starts)."""
    if request.param == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        monkeypatch.setenv("DATABASE_URL", server.database())
    return str(request.param)


def db_env() -> dict[str, str]:
    """DATABASE_URL for Settings.from_sources when the test's backend is PostgreSQL."""
    url = os.environ.get("DATABASE_URL")
    return {"DATABASE_URL": url} if url else {}


def open_library(data_dir: Path) -> Library:
    """The library the test's backend uses (DATABASE_URL set by ``backend``, else SQLite)."""
    return Library(data_dir, database_url=os.environ.get("DATABASE_URL"))


@pytest.fixture
def settings(data_dir: Path, request: pytest.FixtureRequest) -> Settings:
    if "backend" in request.fixturenames:
        request.getfixturevalue("backend")
    env = {"APP_DATA_DIR": str(data_dir)}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return Settings.from_sources(env)


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services.from_settings(settings)


# -- a real S3-compatible server (moto over HTTP) for the media store tests ------------------------
@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_env(s3: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> S3Server:
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    s3.offset = 0.0
    return s3


@pytest.fixture
def bucket(s3_env: S3Server) -> str:
    name = f"media-{uuid.uuid4().hex[:10]}"
    s3_env.create_bucket(name)
    return name
