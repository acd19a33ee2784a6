"""Who is calling: ``Authorization: Bearer <key>`` → the key's owner (core.usecases.Caller),
and how often each key may call (counted in the database, shared by every process)."""

from __future__ import annotations

import math

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core.api.errors import ApiError
from core.usecases import Caller, Parlante, SignInRefused, oidc_user_id

bearer = HTTPBearer(auto_error=False, description="An API key: `pk_…`")


class RateLimiter:
    """``per_minute`` requests per key in any minute (bursts up to that), counted in the
    database so every API process and replica shares the count (core.usecases.ratelimits)."""

    def __init__(self, app: Parlante, per_minute: int) -> None:
        self.app = app
        self.capacity = per_minute

    def take(self, key: str) -> float:
        """0 when the request may go; otherwise the seconds to wait."""
        return self.app.ratelimits.take(key, self.capacity)


def allowed(user: str, emails: tuple[str, ...]) -> bool:
    """Whether the key's owner may still use the server (ALLOWED_EMAILS, as at sign-in)."""
    if not emails:
        return True
    try:
        oidc_user_id({"email": user, "email_verified": True}, emails)
    except SignInRefused:
        return False
    return True


def authenticate(
    app: Parlante, limiter: RateLimiter, credentials: HTTPAuthorizationCredentials | None
) -> Caller:
    if credentials is None or not credentials.credentials:
        raise ApiError("api.key_missing", http=401, type_="authentication_error")
    caller = app.apikeys.authenticate(credentials.credentials.strip())
    if caller is None:
        raise ApiError("api.key_invalid", http=401, type_="authentication_error")
    if not allowed(caller.user, app.settings.allowed_emails):
        raise ApiError("api.user_not_allowed", http=403, type_="permission_error", user=caller.user)
    wait = limiter.take(caller.key_id)
    if wait > 0:
        raise ApiError("api.rate_limited", http=429, type_="rate_limit_error", retry_after=wait,
            limit=limiter.capacity, wait_s=math.ceil(wait),
        )  # fmt: skip
    return caller


def client(request: Request) -> Parlante:
    return request.app.state.parlante  # type: ignore[no-any-return]
