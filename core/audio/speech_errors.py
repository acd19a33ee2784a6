"""Speech-server failures → Parlante's typed errors: the script writer's contract, with the
speech settings' names (TTS_API_KEY, TTS_MODEL, TTS_BASE_URL) in every message.

Which failures are retried is decided by ``core.retry.is_transient`` on the typed error,
the same predicate as every other provider; ``Retry-After`` (and OpenAI's
``retry-after-ms``) is read by the writer's helper, and quota codes by its ``is_quota``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from core.writers.openai_errors import is_quota, retry_after

if TYPE_CHECKING:
    from core.audio.speech_server import SpeechServer

PROVIDER = "speech"


def missing_server() -> ConfigError:
    return ConfigError("tts.no_server", variable="TTS_API_KEY")


def _detail(err: openai.APIError) -> str:
    body = err.body
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        message = body if isinstance(body, str) else ""
    message = " ".join(message.split())
    return f": {message[:200]}" if message else ""


def map_speech_error(err: BaseException, server: SpeechServer) -> AppError:
    where = server.where
    if isinstance(err, openai.APITimeoutError | httpx2.TimeoutException):
        return ProviderTimeout(
            "tts.timeout", provider=PROVIDER, where=where, seconds=server.settings.tts_timeout_s
        )
    if isinstance(err, openai.APIConnectionError | httpx2.TransportError):
        return ProviderTimeout(
            "tts.unreachable" if server.is_openai else "tts.unreachable_local",
            provider=PROVIDER,
            where=where,
        )
    if not isinstance(err, openai.APIStatusError):
        return ProviderError(
            "tts.failed_other", provider=PROVIDER, where=where, reason=type(err).__name__
        )
    status = err.status_code
    common = {"provider": PROVIDER, "status": status, "request_id": err.request_id}
    if status in (401, 403):
        return AuthError("tts.auth", where=where, **common)
    if status == 404:
        return ConfigError("tts.no_model", variable="TTS_MODEL", where=where, model=server.model)
    if status == 429 and is_quota(err):
        return QuotaError("tts.quota", where=where, **common)
    if status == 429:
        return RateLimited(
            "tts.rate_limited", where=where, retry_after=retry_after(err.response.headers), **common
        )
    if status in (400, 422):
        return ProviderError(
            "tts.refused", where=where, detail=_detail(err), model=server.model, **common
        )
    return ProviderError("tts.failed", where=where, detail=_detail(err), **common)
