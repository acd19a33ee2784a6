from __future__ import annotations

from pathlib import Path

import pytest

from core.config import DEFAULT_DATA_DIR, Settings
from core.errors import ConfigError
from tests.conftest import FAKE_DID_KEY, FAKE_OPENAI_KEY


def test_defaults_without_any_variable() -> None:
    s = Settings.from_sources({})
    assert s.data_dir == DEFAULT_DATA_DIR
    assert s.did_api_url == "https://api.d-id.com"
    assert s.openai_api_key is None and s.did_api_key is None


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "FAKE-cookie-secret-000000",
    "client_id": "client-id",
    "client_secret": "FAKE-client-secret-000000",
    "server_metadata_url": "https://accounts.example/.well-known/openid-configuration",
}


def test_secrets_override_env_and_never_show_in_repr(tmp_path: Path) -> None:
    s = Settings.from_sources(
        {"APP_DATA_DIR": str(tmp_path), "OPENAI_API_KEY": "env-key"},
        {"OPENAI_API_KEY": FAKE_OPENAI_KEY, "DID_API_KEY": FAKE_DID_KEY, "auth": AUTH},
    )
    assert s.openai_api_key == FAKE_OPENAI_KEY and s.did_api_key == FAKE_DID_KEY
    assert FAKE_OPENAI_KEY not in repr(s) and FAKE_DID_KEY not in repr(s)
    assert s.redact(f"bad key {FAKE_DID_KEY}!") == "bad key ***!"


def test_blank_values_count_as_missing() -> None:
    s = Settings.from_sources({"OPENAI_API_KEY": "  ", "DID_API_URL": ""})
    assert s.openai_api_key is None and s.did_api_url == "https://api.d-id.com"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DID_API_URL": "ftp://x"}, "DID_API_URL"),
        ({"OPENAI_BASE_URL": "localhost:11434"}, "OPENAI_BASE_URL"),
        ({"MAX_JOBS": "lots"}, "MAX_JOBS"),
        ({"MAX_JOBS": "0"}, "MAX_JOBS"),
    ],
)
def test_invalid_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_sources(env)
    assert info.value.variable == variable and variable in info.value.message
