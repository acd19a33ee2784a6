"""OpenAI SDK exceptions → Parlante's typed errors, in one function.

Why here and not in the writer: the mapping is the part people read when something goes
wrong, and it is easier to check against the error tree when it stands alone. Each
message says what happened and what to do; none ever includes the key (for a 401 not
even the server's own text, which echoes a masked key).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx2
import openai

from core.errors import (
    AppError,
    AuthError,
    ConfigError,
    ProviderError,
    ProviderTimeout,
    QuotaError,
    RateLimited,
)
from core.retry import RETRY_AFTER_CAP_S, parse_retry_after

PROVIDER = "openai"
DEFAULT_BASE_URL = "https://api.openai.com/v1"

# error.code / error.type values that mean "no money left", not "slow down" (429 either way).
QUOTA_CODES = frozenset(
    {
        "insufficient_quota",
        "billing_hard_limit_reached",
        "billing_not_active",
        "credit_balance_exhausted",
        "organization_spend_limit_exceeded",
        "project_spend_limit_exceeded",
    }
)


def public_url(url: str) -> str:
    """``url`` without user info, query or fragment: safe to show and to hash."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class Server:
    """Who we talk to, for messages: the public URL, the model and the timeout."""

    base_url: str | None  # None: OpenAI itself
    model: str
    timeout_s: float

    @property
    def local(self) -> bool:
        return self.base_url is not None

    @property
    def name(self) -> str:
        return f"the server at {public_url(self.base_url)}" if self.base_url else "OpenAI"

    @property
    def subject(self) -> str:
        """``name`` at the start of a sentence."""
        return self.name[0].upper() + self.name[1:]


def retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms`` (OpenAI's), else ``retry-after``."""
    millis = parse_retry_after(headers.get("retry-after-ms"), cap=RETRY_AFTER_CAP_S * 1000)
    if millis is not None:
        return millis / 1000
    return parse_retry_after(headers.get("retry-after"))


def is_quota(err: openai.APIStatusError) -> bool:
    return err.code in QUOTA_CODES or err.type in QUOTA_CODES


def _detail(err: openai.APIError) -> str:
    """The server's own short message, if it sent one."""
    body = err.body
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        message = body if isinstance(body, str) and body.strip() else ""
    message = " ".join(message.split())
    return message[:200] + ("…" if len(message) > 200 else "")


def _with_detail(text: str, err: openai.APIError) -> str:
    detail = _detail(err)
    return f"{text}: {detail}" if detail else text


def map_openai_error(err: BaseException, server: Server) -> AppError:
    """The typed error for anything the SDK (or the HTTP stream under it) raised."""
    if isinstance(err, openai.APITimeoutError | httpx2.TimeoutException):
        timeout = ProviderTimeout(
            f"{server.subject} did not answer within {server.timeout_s:g} s. Try again, or raise "
            f"OPENAI_TIMEOUT_S{' (local models can be slow)' if server.local else ''}.",
            provider=PROVIDER,
        )
        # Not retried: the timeout is already the person's patience, and a local server
        # would only queue a second generation behind the first one.
        timeout.transient = False  # type: ignore[attr-defined]
        return timeout
    if isinstance(err, openai.APIConnectionError):
        hint = (
            "check that it is running and that OPENAI_BASE_URL is right"
            if server.local
            else "check the internet connection"
        )
        return ProviderTimeout(f"Could not connect to {server.name}; {hint}.", provider=PROVIDER)
    if isinstance(err, httpx2.TransportError):
        return ProviderTimeout(
            f"The connection to {server.name} broke while the script was being written. Try again.",
            provider=PROVIDER,
        )
    if isinstance(err, openai.APIStatusError):
        return _map_status(err, server)
    if isinstance(err, openai.APIError):  # an error event inside a stream
        return ProviderError(
            _with_detail(f"{server.subject} reported an error while writing the script", err)
            + ". Try again.",
            provider=PROVIDER,
        )
    return ProviderError(f"{server.subject} failed: {type(err).__name__}.", provider=PROVIDER)


def _map_status(err: openai.APIStatusError, server: Server) -> AppError:
    status, request_id = err.status_code, err.request_id
    common = {"provider": PROVIDER, "status": status, "request_id": request_id}
    if status == 401:
        where = (
            "Set the key that server expects (any placeholder if it needs none)."
            if server.local
            else "Check the key, or create one at https://platform.openai.com/api-keys."
        )
        return AuthError(
            f"{server.subject} rejected OPENAI_API_KEY (401 Unauthorized). {where}", **common
        )
    if status == 403:
        return AuthError(
            _with_detail(f"{server.subject} refused access with OPENAI_API_KEY (403)", err)
            + f". Check that the key's project may use the model '{server.model}'.",
            **common,
        )
    if status == 404:
        hint = " and OPENAI_BASE_URL (it usually ends in /v1)" if server.local else ""
        return ConfigError(
            f"{server.subject} has no model '{server.model}' (404 Not Found). "
            f"Check OPENAI_MODEL{hint}.",
            variable="OPENAI_MODEL",
        )
    if status == 429 and is_quota(err):
        return QuotaError(
            "The OpenAI account behind OPENAI_API_KEY has no quota left (insufficient_quota). "
            "Add credit at https://platform.openai.com/settings/organization/billing or use "
            "another key; you can still type the script yourself.",
            **common,
        )
    if status == 429:
        return RateLimited(
            f"{server.subject} is rate limiting requests (429 Too Many Requests). "
            "Wait a minute and try again.",
            retry_after=retry_after(err.response.headers),
            **common,
        )
    if status in (400, 422):
        return ProviderError(
            _with_detail(f"{server.subject} refused the request ({status})", err)
            + f". Check OPENAI_MODEL ('{server.model}').",
            **common,
        )
    return ProviderError(
        _with_detail(f"{server.subject} failed ({status})", err) + ". Try again in a moment.",
        **common,
    )
