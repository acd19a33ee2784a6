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
    return ConfigError(
        "tts: voices need a speech server: set TTS_API_KEY (or OPENAI_API_KEY) for OpenAI's "
        "voices, or TTS_BASE_URL for an OpenAI-compatible server (Kokoro-FastAPI, Speaches, "
        "LocalAI). Or choose an offline voice.",
        variable="TTS_API_KEY",
    )


def _detail(err: openai.APIError) -> str:
    body = err.body
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        message = body if isinstance(body, str) else ""
    message = " ".join(message.split())
    return f": {message[:200]}" if message else ""


def map_speech_error(err: BaseException, server: SpeechServer) -> AppError:
    who = server.where[0].upper() + server.where[1:]
    if isinstance(err, openai.APITimeoutError | httpx2.TimeoutException):
        return ProviderTimeout(
            f"{who} did not answer within {server.settings.tts_timeout_s:g} s. Try again, or "
            "raise TTS_TIMEOUT_S.",
            provider=PROVIDER,
        )
    if isinstance(err, openai.APIConnectionError | httpx2.TransportError):
        hint = "check the internet connection" if server.is_openai else (
            "check that it is running and that TTS_BASE_URL is right"
        )  # fmt: skip
        return ProviderTimeout(
            f"The connection to {server.where} failed or broke off; {hint}.", provider=PROVIDER
        )
    if not isinstance(err, openai.APIStatusError):
        return ProviderError(f"{who} failed: {type(err).__name__}.", provider=PROVIDER)
    status = err.status_code
    common = {"provider": PROVIDER, "status": status, "request_id": err.request_id}
    if status in (401, 403):
        return AuthError(
            f"{who} rejected TTS_API_KEY ({status}). Check the key (TTS_API_KEY, or "
            "OPENAI_API_KEY when TTS_API_KEY is not set), or choose an offline voice.",
            **common,
        )
    if status == 404:
        return ConfigError(
            f"{who} has no speech model '{server.model}' or no /audio/speech endpoint (404). "
            "Check TTS_MODEL and TTS_BASE_URL (it usually ends in /v1).",
            variable="TTS_MODEL",
        )
    if status == 429 and is_quota(err):
        return QuotaError(
            f"The account behind TTS_API_KEY has no quota left at {server.where} "
            "(insufficient_quota). Add credit or use another key; offline voices still work.",
            **common,
        )
    if status == 429:
        return RateLimited(
            f"{who} is rate limiting speech requests (429). Wait a minute and try again.",
            retry_after=retry_after(err.response.headers),
            **common,
        )
    if status in (400, 422):
        return ProviderError(
            f"{who} refused the speech request ({status}){_detail(err)}. Check TTS_MODEL "
            f"('{server.model}') and the voice.",
            **common,
        )
    return ProviderError(f"{who} failed ({status}){_detail(err)}. Try again in a moment.", **common)
