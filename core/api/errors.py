"""One JSON shape for every error: ``{"error": {"type", "message", "param", "code"}}``.

The typed errors of core.errors are mapped to HTTP statuses here, in one function; nothing
else in the API picks a status for an error. Never a traceback, never a secret: messages
are the errors' own English sentences with the server's secrets masked, and an unexpected
exception becomes a 500 with a reference to find it in the log.
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.config import Settings
from core.errors import (
    AppError,
    AuthError,
    ConfigError,
    InputError,
    LimitReached,
    NotFound,
    ProviderError,
    ProviderTimeout,
    QuotaError,
    RateLimited,
)
from core.messages import msg
from core.usecases import IdempotencyConflict

log = logging.getLogger("core.api")


class ApiError(AppError):
    """An error of the HTTP layer itself (auth, limits, routing) with its status."""

    def __init__(
        self, message_id: str, /, *, http: int, type_: str, param: str | None = None,
        retry_after: float | None = None, **params: object,
    ) -> None:  # fmt: skip
        super().__init__(message_id, **params)
        self.status = http
        self.type = type_
        self.param = param
        self.retry_after = retry_after


def engine_unavailable(engine: str) -> ApiError:
    return ApiError("api.engine_unavailable", http=422, type_="invalid_request", param="engine",
                    engine=engine)  # fmt: skip


@dataclass(frozen=True)
class Mapped:
    status: int
    type: str
    retry_after: float | None = None


# Which request field an input error is about, by its message id's first part(s).
_PARAMS = (
    ("script.size", "size"), ("script.rate", "rate"), ("script.pitch", "pitch"),
    ("script.", "text"), ("voice.no_language", "language"), ("voice.", "voice"),
    ("avatar.", "avatar"), ("api.unknown_avatar", "avatar"), ("photo.", "file"),
    ("brief.duration", "script.duration_s"),
    ("brief.unknown_language", "language"), ("brief.unknown_tone", "tone"),
    ("brief.audience", "audience"), ("brief.", "prompt"), ("webhook.", "webhook_url"),
    ("engine.", "engine"), ("api.idempotency", "Idempotency-Key"), ("look.", "look"),
)  # fmt: skip


def with_param(err: AppError, param: str) -> AppError:
    """``err``, telling the caller which request field it is about."""
    err.api_param = param  # type: ignore[attr-defined]
    return err


def param_of(err: AppError) -> str | None:
    if isinstance(err, ApiError):
        return err.param
    if getattr(err, "api_param", None):
        return str(err.api_param)  # type: ignore[attr-defined]
    mid = err.message_id or ""
    return next((param for prefix, param in _PARAMS if mid.startswith(prefix)), None)


def status_of(err: AppError) -> Mapped:
    """HTTP status and error type for a typed error (the one place this is decided)."""
    if isinstance(err, ApiError):
        return Mapped(err.status, err.type, err.retry_after)
    if isinstance(err, IdempotencyConflict):
        return Mapped(409, "idempotency_conflict")
    if isinstance(err, NotFound):
        return Mapped(404, "not_found")
    if err.message_id == "upload.in_use":
        return Mapped(409, "conflict")
    if isinstance(err, InputError):
        if err.message_id in ("photo.upload_too_big", "upload.too_big"):
            return Mapped(413, "payload_too_large")
        return Mapped(422, "invalid_request")
    if isinstance(err, LimitReached):
        return Mapped(429, "daily_limit_reached", err.retry_after)
    if isinstance(err, ConfigError):
        return Mapped(503, "service_unavailable")
    if isinstance(err, RateLimited):
        return Mapped(503, "provider_busy", err.retry_after or 30.0)
    if isinstance(err, AuthError | QuotaError):
        return Mapped(503, "service_unavailable")
    if isinstance(err, ProviderTimeout):
        return Mapped(504, "provider_timeout")
    if isinstance(err, ProviderError):
        return Mapped(502, "provider_error")
    return Mapped(500, "api_error")


def error_response(
    status: int, type_: str, message: str, *, param: str | None = None,
    code: str | None = None, retry_after: float | None = None,
) -> JSONResponse:  # fmt: skip
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    body = {"error": {"type": type_, "message": message, "param": param, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def app_error_response(err: AppError, settings: Settings) -> JSONResponse:
    mapped = status_of(err)
    return error_response(
        mapped.status, mapped.type, settings.redact(err.message), param=param_of(err),
        code=err.message_id, retry_after=mapped.retry_after,
    )  # fmt: skip


def _field(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install(app: FastAPI, settings: Settings) -> None:
    """Every error the app can raise, answered in the one shape."""

    @app.exception_handler(AppError)
    async def _app_error(_request: Request, err: AppError) -> JSONResponse:
        return app_error_response(err, settings)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, err: RequestValidationError) -> JSONResponse:
        problems = err.errors()
        first = problems[0] if problems else {"loc": ("body",), "msg": "invalid"}
        if first.get("type") == "json_invalid":
            return error_response(400, "invalid_json", msg("api.invalid_json").render(),
                                  code="api.invalid_json")  # fmt: skip
        where = _field(tuple(first.get("loc", ())))
        text = "; ".join(
            msg("api.invalid_field", field=_field(tuple(p.get("loc", ()))),
                problem=str(p.get("msg", "invalid"))).render()
            for p in problems[:5]
        )  # fmt: skip
        return error_response(422, "invalid_request", settings.redact(text), param=where,
                              code="api.invalid_field")  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> JSONResponse:
        if err.status_code == 404:
            text = msg("api.no_route", method=request.method, path=request.url.path[:200])
            return error_response(404, "not_found", text.render(), code="api.no_route")
        if err.status_code == 405:
            text = msg("api.no_route", method=request.method, path=request.url.path[:200])
            return error_response(405, "method_not_allowed", text.render(), code="api.no_route")
        return error_response(err.status_code, "http_error", str(err.detail)[:200])

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, err: Exception) -> JSONResponse:
        ref = uuid.uuid4().hex[:12]
        log.error("unexpected error %s: %s", ref, settings.redact(repr(err)), exc_info=err)
        text = msg("api.unexpected", ref=ref).render()
        return error_response(500, "api_error", text, code="api.unexpected")
