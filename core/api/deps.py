"""What every route depends on: the application, the authenticated caller, the error
responses every route may give (declared so /openapi.json documents them)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from core.api.auth import authenticate, bearer
from core.api.schemas import ErrorResponse
from core.usecases import Caller, Parlante


def _parlante(request: Request) -> Parlante:
    return request.app.state.parlante  # type: ignore[no-any-return]


def _caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    return authenticate(request.app.state.parlante, request.app.state.limiter, credentials)


ParlanteDep = Annotated[Parlante, Depends(_parlante)]
CallerDep = Annotated[Caller, Depends(_caller)]

_ERR = {"model": ErrorResponse}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {**_ERR, "description": "The body is not valid JSON"},
    401: {**_ERR, "description": "No API key, or not a valid one"},
    403: {**_ERR, "description": "The key's account may no longer use the server"},
    404: {**_ERR, "description": "Not found among your things"},
    409: {
        **_ERR,
        "description": "Idempotency-Key reused with another body; not ready; an "
        "upload still needed by an unfinished video",
    },
    413: {**_ERR, "description": "The body or upload is too large"},
    422: {**_ERR, "description": "The request is wrong: the message says what to fix"},
    429: {**_ERR, "description": "Too many requests, or today's cap reached (see Retry-After)"},
    500: {**_ERR, "description": "A bug: the message holds a reference for the log"},
    502: {**_ERR, "description": "The provider failed"},
    503: {**_ERR, "description": "The service is not configured, or the provider is busy"},
    504: {**_ERR, "description": "The provider did not answer in time"},
}
