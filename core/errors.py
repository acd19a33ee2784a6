"""The typed error tree. Every message says what happened and what to do.

AppError
├── InputError        the person can fix it (exit 2)
├── ConfigError       a missing/invalid key or setting; names the variable (exit 3)
└── ProviderError     an outside service failed (exit 4 unless a subclass says otherwise)
    ├── AuthError         key rejected (exit 3)
    ├── QuotaError        no credits / quota (exit 3)
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


class RateLimited(ProviderError):
    exit_code = 4


class ProviderTimeout(ProviderError):
    exit_code = 4


class RenderRejected(ProviderError):
    exit_code = 4


class Cancelled(AppError):
    """A job was cancelled by the person."""

    exit_code = 130
