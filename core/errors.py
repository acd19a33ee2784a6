"""The typed error tree. Every message says what happened and what to do.

AppError
├── InputError        the person can fix it (exit 2)
├── ConfigError       a missing/invalid key or setting; names the variable (exit 3)
└── ProviderError     an outside service failed (exit 4 unless a subclass says otherwise)
    ├── AuthError         key rejected (exit 3)
    ├── QuotaError        no credits / quota (exit 3)
    │   └── LimitReached      this app's own daily cap for the user is reached (exit 3)
    ├── RateLimited       429, after retries (exit 4)
    ├── ProviderTimeout   timeout / connection failure after retries (exit 4)
    └── RenderRejected    the provider refused or failed the render (exit 4)
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every expected error. ``message`` is safe to show to the person."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AppError):
    """The input is wrong and the person can fix it."""

    exit_code = 2


class ConfigError(AppError):
    """A setting or key is missing or invalid; the message names the variable."""

    exit_code = 3

    def __init__(self, message: str, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


class ProviderError(AppError):
    """An outside service failed. Carries the provider, HTTP status and request id if known."""

    exit_code = 4

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status: int | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.status = status
        self.request_id = request_id
        self.retry_after = retry_after


class AuthError(ProviderError):
    exit_code = 3


class QuotaError(ProviderError):
    exit_code = 3


class LimitReached(QuotaError):
    """A daily spending cap of this app (DID_DAILY_VIDEOS, OPENAI_DAILY_TOKENS) is reached.

    A QuotaError, not an InputError: no edit of the input makes it pass; like running out
    of provider credits, it is an account limit that lifts with time (``retry_after``, the
    seconds until the next UTC day) or with a higher cap. So it is never retried, and the
    CLI exits 3. ``kind``, ``limit`` and ``used`` let the pages word it in their language.
    """

    def __init__(self, message: str, *, kind: str, limit: int, used: int, retry_after: float):
        super().__init__(message, provider="parlante", retry_after=retry_after)
        self.kind = kind
        self.limit = limit
        self.used = used


class RateLimited(ProviderError):
    exit_code = 4


class ProviderTimeout(ProviderError):
    exit_code = 4


class RenderRejected(ProviderError):
    exit_code = 4


class Cancelled(AppError):
    """A job was cancelled by the person."""

    exit_code = 130
