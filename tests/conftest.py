"""Shared fixtures. Every test gets its own APP_DATA_DIR; no test touches the real one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import Settings
from core.services import Services
from tests.fakes.s3_server import AWS_ENV, S3Server

# Obviously fake keys: tests search output for them to prove secrets never leak.
FAKE_OPENAI_KEY = "sk-test-FAKE-openai-key-000000"
FAKE_DID_KEY = "fake-did-user:FAKE-did-secret-000000"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("APP_DATA_DIR", str(path))
    for name in (
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "DID_API_KEY", "DID_API_URL",
        "TTS_API_KEY", "TTS_BASE_URL", "TTS_MODEL", "MEDIA_URL", "S3_ENDPOINT_URL",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings.from_sources({"APP_DATA_DIR": str(data_dir)})


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
