"""Settings: one frozen object built once (CLI or app.py) from env vars and st.secrets.

Nothing in ``core`` reads ``os.environ`` itself; constructors receive a Settings.
Secrets are kept out of ``repr`` so they never end up in logs or tracebacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.errors import ConfigError

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"  # small, fast to first word, not a reasoning model
DEFAULT_DID_API_URL = "https://api.d-id.com"


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(source: Mapping[str, Any], name: str, default: float, lo: float, hi: float) -> float:
    raw = _clean(source.get(name))
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number (got {raw!r}).", variable=name) from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo:g} and {hi:g} (got {raw}).", variable=name)
    return value


def _flag(source: Mapping[str, Any], name: str) -> bool:
    return (_clean(source.get(name)) or "").lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    openai_api_key: str | None = field(default=None, repr=False)
    openai_base_url: str | None = None
    openai_model: str = DEFAULT_OPENAI_MODEL
    openai_timeout_s: float = 60.0  # per request (between bytes when streaming)
    openai_max_retries: int = 2  # retries of 429/5xx/connection errors (core.retry, not the SDK)
    did_api_key: str | None = field(default=None, repr=False)
    did_api_url: str = DEFAULT_DID_API_URL
    did_poll_deadline_s: float = 600.0
    did_poll_min_s: float = 1.0  # first wait between D-ID polls/retries; poll cap 4.5x this
    max_text_chars: int = 5000
    max_jobs: int = 2
    app_password: str | None = field(default=None, repr=False)
    allow_anonymous: bool = False

    @classmethod
    def from_sources(
        cls, env: Mapping[str, str], secrets: Mapping[str, Any] | None = None
    ) -> Settings:
        """Build from env vars; values in ``secrets`` (st.secrets) win over env."""
        merged: dict[str, Any] = dict(env)
        if secrets:
            merged.update({k: v for k, v in secrets.items() if not isinstance(v, Mapping)})
        data_dir = _clean(merged.get("APP_DATA_DIR"))
        did_url = (_clean(merged.get("DID_API_URL")) or DEFAULT_DID_API_URL).rstrip("/")
        if not did_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"DID_API_URL must start with https:// (got {did_url!r}).", variable="DID_API_URL"
            )
        base_url = _clean(merged.get("OPENAI_BASE_URL"))
        if base_url and not base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"OPENAI_BASE_URL must start with http:// or https:// (got {base_url!r}).",
                variable="OPENAI_BASE_URL",
            )
        return cls(
            data_dir=Path(data_dir).expanduser() if data_dir else DEFAULT_DATA_DIR,
            openai_api_key=_clean(merged.get("OPENAI_API_KEY")),
            openai_base_url=base_url,
            openai_model=_clean(merged.get("OPENAI_MODEL")) or DEFAULT_OPENAI_MODEL,
            openai_timeout_s=_number(merged, "OPENAI_TIMEOUT_S", 60.0, 0.1, 3600.0),
            openai_max_retries=int(_number(merged, "OPENAI_MAX_RETRIES", 2, 0, 10)),
            did_api_key=_clean(merged.get("DID_API_KEY")),
            did_api_url=did_url,
            did_poll_deadline_s=_number(merged, "DID_POLL_DEADLINE_S", 600.0, 1.0, 7200.0),
            did_poll_min_s=_number(merged, "DID_POLL_MIN_S", 1.0, 0.01, 10.0),
            max_text_chars=int(_number(merged, "MAX_TEXT_CHARS", 5000, 10, 40000)),
            max_jobs=int(_number(merged, "MAX_JOBS", 2, 1, 16)),
            app_password=_clean(merged.get("APP_PASSWORD")),
            allow_anonymous=_flag(merged, "ALLOW_ANONYMOUS"),
        )

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for redaction."""
        return tuple(s for s in (self.openai_api_key, self.did_api_key, self.app_password) if s)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text
