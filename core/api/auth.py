"""Who is calling: ``Authorization: Bearer <key>`` → the key's owner (core.usecases.Caller),
and how often each key may call (a token bucket per key, in this process)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core.api.errors import ApiError
from core.usecases import Caller, Parlante, SignInRefused, oidc_user_id

bearer = HTTPBearer(auto_error=False, description="An API key: `pk_…`")


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """``per_minute`` requests per key, refilled continuously; bursts up to ``per_minute``."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go; otherwise the seconds to wait."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key) or _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            self._buckets[key] = bucket
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate


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
            limit=int(limiter.capacity), wait_s=math.ceil(wait),
        )  # fmt: skip
    return caller


def client(request: Request) -> Parlante:
    return request.app.state.parlante  # type: ignore[no-any-return]
