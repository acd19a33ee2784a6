"""The typed error tree. Every message says what happened and what to do.

AppError
├── InputError        the person can fix it (exit 2)
│   └── NotFound          no such video, job or photo among the acting user's own
├── ConfigError       a missing/invalid key or setting; names the variable (exit 3)
└── ProviderError     an outside service failed (exit 4 unless a subclass says otherwise)
    ├── RequestRefused    the provider refused a request (4xx): input or request wrong (exit 2)
    ├── AuthError         key rejected (exit 3)
    │   └── PermissionDenied  the key is fine but may not do this (plan, feature) (exit 3)
    ├── QuotaError        no credits / quota (exit 3)
    │   └── LimitReached      this app's own daily cap for the user is reached (exit 3)
    ├── RateLimited       429, after retries (exit 4)
    ├── ProviderTimeout   timeout / connection failure after retries (exit 4)
    └── RenderRejected    the provider refused or failed the render (exit 4)

An error carries a message id and its parameters, not a sentence:
``raise InputError("script.too_long", chars=n, limit=m)``. The sentences, in English and
Spanish, are in core/messages/ (add yours there, in both languages). ``err.message`` is the
English rendering (the CLI, logs); ``err.text(lang)`` renders it in the interface language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.messages import DEFAULT, Msg, known


class AppError(Exception):
    """Base of every expected error. ``message`` (English) is safe to show to the person.

    ``AppError("some.id", **params)`` renders the catalogue's sentence. A first argument that
    is not a known id is kept as a literal English sentence (``message_id`` is then None):
    that only exists for code not converted yet, and a test fails when a page shows one.
    """

    exit_code = 1

    def __init__(self, message_id: str, /, **params: Any) -> None:
        if known(message_id):
            self.msg: Msg | None = Msg(message_id, params)
            self._literal = ""
        else:
            self.msg, self._literal = None, str(message_id)
        self.suffixes: list[Msg] = []
        super().__init__(self.message)

    @property
    def message_id(self) -> str | None:
        return self.msg.id if self.msg else None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.msg.params) if self.msg else {}

    def text(self, lang: str = DEFAULT) -> str:
        """The message in ``lang`` (the literal English sentence when it has no id)."""
        head = self.msg.render(lang) if self.msg else self._literal
        return " ".join([head, *(s.render(lang) for s in self.suffixes)])

    @property
    def message(self) -> str:
        return self.text(DEFAULT)

    @message.setter
    def message(self, value: str) -> None:  # legacy: a literal sentence replaces the message
        self.msg, self._literal, self.suffixes = None, value, []
        self.args = (value,)

    def append(self, message_id: str, /, **params: Any) -> None:
        """Add a sentence after the message (e.g. how hard the retry layer tried)."""
        self.suffixes.append(Msg(message_id, params))
        self.args = (self.message,)

    def map_text(self, fn: Callable[[str], str]) -> None:
        """Apply ``fn`` (e.g. secret redaction) to every text the message is made of."""
        if self.msg:
            self.msg = self.msg.map_text(fn)
        self._literal = fn(self._literal)
        self.suffixes = [s.map_text(fn) for s in self.suffixes]
        self.args = (self.message,)

    def to_data(self) -> dict[str, Any]:
        """The message as plain data (id, params, suffixes) to store and render later."""
        return {
            "id": self.msg.to_data() if self.msg else None,
            "text": self.message,
            "suffixes": [s.to_data() for s in self.suffixes],
        }

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:  # keeps id, params and attributes across processes
        return (_restore, (type(self), self.__dict__.copy()))


def _restore(cls: type[AppError], state: dict[str, Any]) -> AppError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    Exception.__init__(err, err.message)
    return err


def message_text(data: dict[str, Any] | None, lang: str = DEFAULT, fallback: str = "") -> str:
    """Render what ``AppError.to_data`` stored (``fallback`` when there is nothing usable)."""
    if not data:
        return fallback
    try:
        head = Msg.from_data(data["id"]).render(lang) if data.get("id") else data.get("text", "")
        tail = [Msg.from_data(s).render(lang) for s in data.get("suffixes") or []]
    except (KeyError, TypeError, ValueError):  # an id this version no longer knows
        return data.get("text") or fallback
    return " ".join([head or fallback, *tail])


class InputError(AppError):
    """The input is wrong and the person can fix it."""

    exit_code = 2


class NotFound(InputError):
    """The thing asked for does not exist for this user (another user's things included:
    they are never told apart from missing ones)."""


class ConfigError(AppError):
    """A setting or key is missing or invalid; the message names the variable."""

    exit_code = 3

    def __init__(self, message_id: str, /, variable: str | None = None, **params: Any) -> None:
        if variable is not None:
            params.setdefault("variable", variable)
        super().__init__(message_id, **params)
        self.variable = variable


class ProviderError(AppError):
    """An outside service failed. Carries the provider, HTTP status and request id if known.

    ``provider``, ``status`` and ``request_id`` can be used in the sentence as well.
    """

    exit_code = 4

    def __init__(
        self,
        message_id: str,
        /,
        *,
        provider: str = "",
        status: int | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        **params: Any,
    ) -> None:
        for name, value in (("provider", provider), ("status", status), ("request_id", request_id)):
            if value not in (None, ""):
                params.setdefault(name, value)
        super().__init__(message_id, **params)
        self.provider = provider
        self.status = status
        self.request_id = request_id
        self.retry_after = retry_after


class RequestRefused(ProviderError):
    """The provider refused a request as malformed (400/413/415/422). Often the person's
    input, sometimes our own request (a paging token, an upload): the message keeps the
    status and the provider's request id so either can be told apart and reported."""

    exit_code = 2


class AuthError(ProviderError):
    exit_code = 3


class PermissionDenied(AuthError):
    """403: the key was accepted but may not do this (a feature not in the plan)."""


class QuotaError(ProviderError):
    exit_code = 3


class LimitReached(QuotaError):
    """A daily spending cap of this app (DID_DAILY_VIDEOS, OPENAI_DAILY_TOKENS) is reached.

    A QuotaError, not an InputError: no edit of the input makes it pass; like running out
    of provider credits, it is an account limit that lifts with time (``retry_after``, the
    seconds until the next UTC day) or with a higher cap. So it is never retried, and the
    CLI exits 3. ``kind``, ``limit`` and ``used`` say which cap and how far it is used.
    """

    def __init__(
        self, message_id: str, /, *, kind: str, limit: int, used: int, retry_after: float,
        **params: Any,
    ) -> None:  # fmt: skip
        super().__init__(
            message_id, provider="parlante", retry_after=retry_after, limit=limit, used=used,
            **params,
        )  # fmt: skip
        self.kind = kind
        self.limit = limit
        self.used = used


class RateLimited(ProviderError):
    exit_code = 4


class ProviderTimeout(ProviderError):
    exit_code = 4


class RenderRejected(ProviderError):
    exit_code = 4


class JobFailed(AppError):
    """A queued job that was waited for ended without a video (its reason in the message)."""

    exit_code = 4


class Cancelled(AppError):
    """A job was cancelled by the person."""

    exit_code = 130
