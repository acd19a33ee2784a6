"""MEDIA_URL: where the media lives when it is not the local data folder.

``s3://bucket/prefix`` (AWS S3, or any S3-compatible store with ``S3_ENDPOINT_URL``) or
``gs://bucket/prefix`` (Google Cloud Storage). Credentials never go in the URL: the
standard ``AWS_*`` variables and ``GOOGLE_APPLICATION_CREDENTIALS`` (or the machine's own
service account) are used. Every URL shown in a message is redacted first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from core.errors import ConfigError

SCHEMES = {"s3": "s3", "gs": "gs", "gcs": "gs"}  # as written → the store's kind
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")


def redact_url(url: str) -> str:
    """``url`` without user name, password or query string (signatures, tokens)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(unreadable URL)"
    netloc = ("***@" if parts.username or parts.password else "") + host + port
    return urlunsplit((parts.scheme, netloc, parts.path, "***" if parts.query else "", ""))


@dataclass(frozen=True)
class MediaLocation:
    """A parsed MEDIA_URL: which store, bucket and key prefix (``""`` or ``a/b``)."""

    kind: str  # "s3" | "gs"
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None  # S3-compatible stores (MinIO, moto, R2 …)

    @property
    def root(self) -> str:
        """``bucket/prefix`` — the fsspec path every media key lives under."""
        return f"{self.bucket}/{self.prefix}" if self.prefix else self.bucket

    @property
    def url(self) -> str:
        return f"{self.kind}://{self.root}"


def parse_media_url(url: str | None, endpoint_url: str | None = None) -> MediaLocation | None:
    """The store MEDIA_URL names (None: local files). Raises ConfigError saying what to fix."""
    if not url or not url.strip():
        if endpoint_url:
            raise ConfigError("config.s3_endpoint_alone", variable="S3_ENDPOINT_URL")
        return None
    shown = redact_url(url)
    try:
        parts = urlsplit(url.strip())
        has_credentials = bool(parts.username or parts.password)
    except ValueError:
        raise ConfigError("config.media_url_scheme", variable="MEDIA_URL", url=shown) from None
    kind = SCHEMES.get(parts.scheme.lower())
    if kind is None:
        raise ConfigError("config.media_url_scheme", variable="MEDIA_URL", url=shown)
    if has_credentials or parts.query:
        raise ConfigError("config.media_url_credentials", variable="MEDIA_URL", url=shown)
    bucket = (parts.hostname or "").lower() if "@" not in parts.netloc else ""
    if not bucket or not _BUCKET.match(bucket) or parts.port is not None:
        raise ConfigError("config.media_url_bucket", variable="MEDIA_URL", url=shown)
    prefix = "/".join(p for p in parts.path.split("/") if p)
    if any(p in (".", "..") for p in prefix.split("/")):
        raise ConfigError("config.media_url_bucket", variable="MEDIA_URL", url=shown)
    endpoint = (endpoint_url or "").strip().rstrip("/") or None
    if endpoint is not None:
        if kind != "s3":
            raise ConfigError("config.s3_endpoint_not_s3", variable="S3_ENDPOINT_URL")
        try:
            ok = urlsplit(endpoint).scheme in ("http", "https") and bool(
                urlsplit(endpoint).hostname
            )
        except ValueError:
            ok = False
        if not ok:
            raise ConfigError(
                "config.s3_endpoint", variable="S3_ENDPOINT_URL", url=redact_url(endpoint)
            )
    return MediaLocation(kind=kind, bucket=bucket, prefix=prefix, endpoint_url=endpoint)
