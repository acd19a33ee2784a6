"""Settings: one frozen object built once (CLI or app.py) from env vars and st.secrets.

Nothing in ``core`` reads ``os.environ`` itself; constructors receive a Settings.
Secrets are kept out of ``repr`` so they never end up in logs or tracebacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.dburl import normalize_url, url_password
from core.errors import ConfigError
from core.media_url import MediaLocation, parse_media_url
from core.redaction import mask

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"  # small, fast to first word, not a reasoning model
DEFAULT_DID_API_URL = "https://api.d-id.com"
DEFAULT_DID_DAILY_VIDEOS = 20  # D-ID talks per user per UTC day (a talk costs real credits)
DEFAULT_OPENAI_DAILY_TOKENS = 200_000  # ≈ 150 scripts of a minute each, per user per UTC day
DEFAULT_TTS_MODEL = "gpt-4o-mini-tts"
DEFAULT_TTS_DAILY_CHARS = 100_000  # ≈ 25 minutes of speech from a server, per user per UTC day
DEFAULT_MAX_AUDIO_MB = 50  # own narration uploads (10 minutes of WAV at 44.1 kHz mono ≈ 53 MB)
AUTH_REQUIRED = ("redirect_uri", "cookie_secret")
AUTH_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


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
        raise ConfigError("config.not_a_number", variable=name, raw=raw) from None
    if not lo <= value <= hi:
        raise ConfigError("config.out_of_range", variable=name, lo=lo, hi=hi, raw=raw)
    return value


def _flag(source: Mapping[str, Any], name: str) -> bool:
    return (_clean(source.get(name)) or "").lower() in {"1", "true", "yes", "on"}


def _on_unless_off(source: Mapping[str, Any], name: str) -> bool:
    """A setting that is on unless set to 0/false/no/off (anything else is refused)."""
    raw = (_clean(source.get(name)) or "1").lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError("config.not_a_flag", variable=name, raw=raw)


def _emails(source: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """A comma/space separated list of e-mail addresses and ``@domain`` entries, lowercased."""
    raw = source.get(name)
    items = raw if isinstance(raw, list | tuple) else str(raw or "").replace(",", " ").split()
    entries = tuple(str(item).strip().lower() for item in items if str(item).strip())
    for entry in entries:
        if "@" not in entry or entry.endswith("@") or " " in entry:
            raise ConfigError("config.emails", variable=name, entry=entry)
    return entries


def _oidc(secrets: Mapping[str, Any] | None) -> tuple[str | None, tuple[str, ...]]:
    """The st.login provider to use when secrets.toml has an ``[auth]`` section, and the
    section's secret values (for redaction). ``(None, ())`` without one.

    ``[auth]`` with client_id etc. at the top is the "default" provider; with only one
    ``[auth.NAME]`` subsection, that NAME. Several subsections: AUTH_PROVIDER picks one.
    """
    section = (secrets or {}).get("auth")
    if not isinstance(section, Mapping) or not section:
        return None, ()
    missing = [k for k in AUTH_REQUIRED if not _clean(section.get(k))]
    if missing:
        raise ConfigError("config.auth_missing", variable="auth", missing=" and ".join(missing))
    subsections = sorted(k for k, v in section.items() if isinstance(v, Mapping))
    if all(_clean(section.get(k)) for k in AUTH_PROVIDER_KEYS):
        provider = "default"
    elif len(subsections) == 1:
        provider = subsections[0]
    else:
        wanted = _clean((secrets or {}).get("AUTH_PROVIDER"))
        if wanted not in subsections:
            raise ConfigError("config.auth_provider", variable="auth")
        provider = wanted
    secret_values = [section.get("cookie_secret"), section.get("client_secret")]
    secret_values += [v.get("client_secret") for v in section.values() if isinstance(v, Mapping)]
    return provider, tuple(str(v) for v in secret_values if _clean(v))


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    # PostgreSQL (postgresql://user:pass@host/db) for the library and jobs; None: the SQLite
    # file under data_dir (core.db)
    database_url: str | None = field(default=None, repr=False)
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
    sign_in_provider: str | None = None  # st.login provider when secrets.toml has [auth]
    auth_secrets: tuple[str, ...] = field(default=(), repr=False)  # [auth] secrets, to redact
    allowed_emails: tuple[str, ...] = ()  # who may sign in with [auth]; empty: anyone
    container: bool = False  # PARLANTE_CONTAINER=1, set by the Dockerfile
    did_daily_videos: int = DEFAULT_DID_DAILY_VIDEOS
    openai_daily_tokens: int = DEFAULT_OPENAI_DAILY_TOKENS
    # Speech servers (OpenAI's /v1/audio/speech or a compatible one). TTS_BASE_URL and
    # TTS_API_KEY default to the OpenAI settings; see ``speech_server_configured``.
    tts_base_url: str | None = None
    tts_api_key: str | None = field(default=None, repr=False)
    tts_model: str = DEFAULT_TTS_MODEL
    tts_timeout_s: float = 60.0
    tts_daily_chars: int = DEFAULT_TTS_DAILY_CHARS
    max_audio_mb: float = DEFAULT_MAX_AUDIO_MB
    api_rate_per_min: int = 120  # HTTP API requests per key per minute (429 past it)
    api_max_body_mb: float = 16.0  # largest HTTP API request body (photos: 15 MB)
    api_webhook_insecure: bool = False  # development only: webhooks to http / private hosts
    batch_max_rows: int = 500  # rows one spreadsheet batch may have
    # RUN_JOBS=0 on app replicas: they submit and watch; `python -m core worker` runs jobs
    run_jobs: bool = True
    worker_grace_s: float = 60.0  # SIGTERM: how long a worker lets its running job finish
    job_lease_s: float = 30.0  # a running job whose runner is silent this long is taken over
    # MEDIA_URL (+ S3_ENDPOINT_URL): media in an object store; None = under data_dir
    media: MediaLocation | None = None
    media_signed_url_s: int = 900  # how long a signed media link lives (MEDIA_SIGNED_URL_S)
    media_orphan_s: float = 3600.0  # files with no record older than this are swept

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
            raise ConfigError("config.did_url", variable="DID_API_URL", url=did_url)
        base_url = _clean(merged.get("OPENAI_BASE_URL"))
        if base_url and not base_url.startswith(("http://", "https://")):
            raise ConfigError("config.openai_url", variable="OPENAI_BASE_URL", url=base_url)
        tts_url = _clean(merged.get("TTS_BASE_URL"))
        if tts_url and not tts_url.startswith(("http://", "https://")):
            raise ConfigError("config.tts_url", variable="TTS_BASE_URL", url=tts_url)
        provider, auth_secrets = _oidc(secrets)
        media = parse_media_url(
            _clean(merged.get("MEDIA_URL")), _clean(merged.get("S3_ENDPOINT_URL"))
        )
        database_url = _clean(merged.get("DATABASE_URL"))
        if database_url:
            normalize_url(database_url)  # a ConfigError naming DATABASE_URL when malformed
        return cls(
            data_dir=Path(data_dir).expanduser() if data_dir else DEFAULT_DATA_DIR,
            database_url=database_url,
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
            sign_in_provider=provider,
            auth_secrets=auth_secrets,
            allowed_emails=_emails(merged, "ALLOWED_EMAILS"),
            container=_flag(merged, "PARLANTE_CONTAINER"),
            did_daily_videos=int(
                _number(merged, "DID_DAILY_VIDEOS", DEFAULT_DID_DAILY_VIDEOS, 0, 100_000)
            ),
            openai_daily_tokens=int(
                _number(merged, "OPENAI_DAILY_TOKENS", DEFAULT_OPENAI_DAILY_TOKENS, 0, 1e10)
            ),
            tts_base_url=tts_url or base_url,
            tts_api_key=_clean(merged.get("TTS_API_KEY")) or _clean(merged.get("OPENAI_API_KEY")),
            tts_model=_clean(merged.get("TTS_MODEL")) or DEFAULT_TTS_MODEL,
            tts_timeout_s=_number(merged, "TTS_TIMEOUT_S", 60.0, 0.1, 3600.0),
            tts_daily_chars=int(
                _number(merged, "TTS_DAILY_CHARS", DEFAULT_TTS_DAILY_CHARS, 0, 1e10)
            ),
            max_audio_mb=_number(merged, "MAX_AUDIO_MB", DEFAULT_MAX_AUDIO_MB, 0.1, 2000.0),
            api_rate_per_min=int(_number(merged, "API_RATE_PER_MIN", 120, 1, 1_000_000)),
            api_max_body_mb=_number(merged, "API_MAX_BODY_MB", 16.0, 0.1, 1024.0),
            api_webhook_insecure=_flag(merged, "API_WEBHOOK_INSECURE"),
            batch_max_rows=int(_number(merged, "BATCH_MAX_ROWS", 500, 1, 100_000)),
            run_jobs=_on_unless_off(merged, "RUN_JOBS"),
            worker_grace_s=_number(merged, "WORKER_GRACE_S", 60.0, 0.0, 86_400.0),
            job_lease_s=_number(merged, "JOB_LEASE_S", 30.0, 1.0, 3600.0),
            media=media,
            media_signed_url_s=int(_number(merged, "MEDIA_SIGNED_URL_S", 900, 60, 7 * 86400)),
            media_orphan_s=_number(merged, "MEDIA_ORPHAN_MINUTES", 60, 5, 7 * 1440) * 60,
        )

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def speech_server_configured(self) -> bool:
        """Whether ``tts:`` voices can be used: a speech server URL or a key for OpenAI's."""
        return bool(self.tts_base_url or self.tts_api_key)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for redaction."""
        keys = (
            self.openai_api_key,
            self.tts_api_key,
            self.did_api_key,
            self.app_password,
            url_password(self.database_url),
            *self.auth_secrets,
        )
        return tuple(s for s in keys if s)

    def redact(self, text: str) -> str:
        return mask(text, self.secrets)
