"""DATABASE_URL: which schemes are accepted, and how it is shown without its password.

Kept free of SQLAlchemy so that reading the settings stays light (core.db does the rest).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.errors import ConfigError

_SCHEMES = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
}


def normalize_url(raw: str) -> str:
    """``postgres://``, ``postgresql://`` and ``postgresql+psycopg://`` become psycopg 3's
    ``postgresql+psycopg://``; ``sqlite:///path`` is kept. Anything else (another scheme, a
    bad port) is a ConfigError naming DATABASE_URL, with the password hidden."""
    text = raw.strip()
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in _SCHEMES:
        raise ConfigError("db.bad_url", variable="DATABASE_URL", url=redact_url(text))
    try:
        urlsplit("x://" + rest).port  # noqa: B018 — raises on a port that is not a number
    except ValueError:
        raise ConfigError("db.bad_url", variable="DATABASE_URL", url=redact_url(text)) from None
    return f"{_SCHEMES[scheme.lower()]}://{rest}"


def redact_url(raw: str) -> str:
    """The URL with its password (if any) replaced by ``***``."""
    head, sep, rest = raw.partition("://")
    if not sep:
        return raw
    netloc, slash, tail = rest.partition("/")
    creds, at, host = netloc.rpartition("@")
    if not at:
        return raw
    name, colon, _password = creds.partition(":")
    return f"{head}://{name}{':***' if colon else ''}@{host}{slash}{tail}"


def url_password(raw: str | None) -> str | None:
    """The password inside a database URL (for redaction), if any."""
    if not raw or "://" not in raw:
        return None
    netloc = raw.partition("://")[2].partition("/")[0]
    creds = netloc.rpartition("@")[0]
    return creds.partition(":")[2] or None
