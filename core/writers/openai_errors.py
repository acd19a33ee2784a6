"""OpenAI SDK exceptions → Parlante's typed errors, in one function.

Why here and not in the writer: the mapping is the part people read when something goes
wrong, and it is easier to check against the error tree when it stands alone. Each
message says what happened and what to do; none ever includes the key (for a 401 not
even the server's own text, which echoes a masked key).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
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
from core.messages import Msg, msg
from core.retry import parse_retry_after, should_retry_header, try_after, waits_too_long

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

    def who(self) -> dict[str, Msg]:
        """The server for a message, in any language: ``{who}`` and ``{Who}``."""
        if not self.base_url:
            return {"who": msg("openai.who"), "Who": msg("openai.who_start")}
        url = public_url(self.base_url)
        return {
            "who": msg("openai.who_local", url=url),
            "Who": msg("openai.who_local_start", url=url),
        }

    def variant(self, message_id: str) -> str:
        """``message_id`` or its ``_local`` variant for a server at OPENAI_BASE_URL."""
        return f"{message_id}_local" if self.local else message_id


def retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms`` (OpenAI's), else ``retry-after``.

    Not capped: a wait longer than a minute is not slept through but reported (when to try
    again), see ``map_openai_error``."""
    millis = parse_retry_after(headers.get("retry-after-ms"), cap=math.inf)
    if millis is not None:
        return millis / 1000
    return parse_retry_after(headers.get("retry-after"), cap=math.inf)


def refuses_stream_options(err: BaseException) -> bool:
    """Whether a failed request was refused *because of* ``stream_options`` (some OpenAI-
    compatible servers do not know it, with a 400, a 422 or even a 500). Any other refusal
    is reported as it is: a 400 about the prompt must not silently turn usage off."""
    cause = err.__cause__ if isinstance(err, AppError) else err
    if not isinstance(cause, openai.APIStatusError) or cause.status_code in (401, 403, 404, 429):
        return False
    said = f"{cause.message} {cause.body!r}".lower()
    return "stream_options" in said or "include_usage" in said


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


def _with_detail(err: openai.APIError) -> Msg | str:
    """``{detail}`` for a message: ": <the server's words>", or nothing."""
    detail = _detail(err)
    return msg("openai.detail", detail=detail) if detail else ""


def map_openai_error(err: BaseException, server: Server) -> AppError:
    """The typed error for anything the SDK (or the HTTP stream under it) raised."""
    if isinstance(err, openai.APITimeoutError | httpx2.TimeoutException):
        timeout = ProviderTimeout(
            server.variant("openai.timeout"), seconds=server.timeout_s, provider=PROVIDER,
            **server.who(),
        )  # fmt: skip
        # Not retried: the timeout is already the person's patience, and a local server
        # would only queue a second generation behind the first one.
        timeout.transient = False  # type: ignore[attr-defined]
        return timeout
    if isinstance(err, openai.APIConnectionError):
        return ProviderTimeout(
            server.variant("openai.no_connection"), provider=PROVIDER, **server.who()
        )
    if isinstance(err, httpx2.TransportError):
        return ProviderTimeout("openai.connection_broke", provider=PROVIDER, **server.who())
    if isinstance(err, openai.APIStatusError):
        mapped = _server_advice(_map_status(err, server), err.response.headers)
        if refuses_stream_options(err):
            mapped.transient = False  # type: ignore[attr-defined] — asked again without it
        return mapped
    if isinstance(err, openai.APIError):  # an error event inside a stream
        return ProviderError(
            "openai.stream_error", detail=_with_detail(err), provider=PROVIDER, **server.who()
        )
    return ProviderError(
        "openai.failed", kind=type(err).__name__, provider=PROVIDER, **server.who()
    )


def _server_advice(error: AppError, headers: httpx2.Headers, now: float | None = None) -> AppError:
    """The server's own say on retrying: ``x-should-retry`` decides; a ``Retry-After`` of
    more than a minute stops the retries and tells when to try again."""
    if not isinstance(error, ProviderError):
        return error
    verdict = should_retry_header(headers.get("x-should-retry"))
    if verdict is not None:
        error.transient = verdict  # type: ignore[attr-defined]
    if waits_too_long(error.retry_after):
        assert error.retry_after is not None
        error.transient = False  # type: ignore[attr-defined]
        if error.message_id != "openai.rate_limited_later":  # that one says when already
            error.append("retry.try_after", **try_after(error.retry_after, now))
    return error


def _map_status(err: openai.APIStatusError, server: Server) -> AppError:
    status, request_id = err.status_code, err.request_id
    common: dict[str, Any] = {"provider": PROVIDER, "status": status, "request_id": request_id}
    common.update(server.who())
    if status == 401:
        return AuthError(server.variant("openai.unauthorized"), **common)
    if status == 403:
        return AuthError("openai.forbidden", detail=_with_detail(err), model=server.model, **common)
    if status == 404:
        return ConfigError(
            server.variant("openai.no_model"), variable="OPENAI_MODEL", model=server.model,
            **server.who(),
        )  # fmt: skip
    if status == 429 and is_quota(err):
        return QuotaError("openai.no_quota", **common)
    if status == 429:
        wait = retry_after(err.response.headers)
        if waits_too_long(wait):  # not slept through: say when to try again
            assert wait is not None
            return RateLimited(
                "openai.rate_limited_later", retry_after=wait, **try_after(wait), **common
            )
        return RateLimited("openai.rate_limited", retry_after=wait, **common)
    if status in (400, 422):
        return ProviderError(
            "openai.refused", detail=_with_detail(err), model=server.model, **common
        )
    return ProviderError("openai.server_failed", detail=_with_detail(err), **common)
