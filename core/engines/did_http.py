"""D-ID over HTTP: one session, timeouts, the auth header, and the one status → error map.

Why a separate module: the engine (did.py) speaks in talks, voices and images; this module
is the only place that knows about status codes, D-ID's two error-body shapes, headers
and streaming. ``DidHttp.call`` makes exactly one attempt; callers wrap it in one retry
policy from ``core.retry`` (compound steps such as create-or-find need their own).
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from core.errors import (
    AppError,
    AuthError,
    PermissionDenied,
    ProviderError,
    ProviderTimeout,
    QuotaError,
    RateLimited,
    RenderRejected,
    RequestRefused,
)
from core.messages import Msg, msg
from core.redaction import mask
from core.retry import RetryPolicy, Sleep, parse_retry_after, try_after, waits_too_long
from core.urls import internal_host

PROVIDER = "D-ID"
TIMEOUT = (5.0, 30.0)  # (connect, read) seconds: on every call, so nothing hangs forever
USER_AGENT = "parlante/0.1 (+https://github.com/parlante)"
MAX_REDIRECTS = 3  # a result link is pre-signed storage; a CDN may redirect once or twice
_REQUEST_ID_HEADERS = ("x-request-id", "x-amzn-requestid", "x-amz-cf-id")
_log = logging.getLogger(__name__)


class BadReply(ProviderError):
    """D-ID answered, but not what its contract promises (not JSON, a field missing).

    Usually a gateway hiccup, so worth another try; after the retries it is exit 4.
    """

    transient = True


class LinkExpired(ProviderError):
    """The pre-signed result link was refused by storage: GET the talk for a fresh one."""

    transient = True


def _body_fields(body: bytes | str) -> tuple[str, str, str]:
    """(kind, description, details) from either shape D-ID uses, or from plain text.

    D-ID's own errors are ``{kind, description, details}``; its API gateway answers
    ``{"message": ...}`` (sometimes ``{"Message": ...}``); proxies may answer HTML.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        kind = str(data.get("kind") or "")
        description = str(
            data.get("description") or data.get("message") or data.get("Message") or ""
        )
        details = data.get("details")
        detail_text = "" if details in (None, "", {}, []) else _compact(details)
        return kind, description, detail_text
    stripped = text.strip()
    if stripped and not stripped.startswith("<"):  # plain text, not an HTML error page
        return "", stripped[:200], ""
    return "", "", ""


def _compact(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."


def error_for_status(
    status: int,
    body: bytes | str,
    headers: Mapping[str, str],
    where: str | Msg,
    *,
    now: float | None = None,
) -> AppError:
    """THE mapping from a D-ID HTTP status to a typed error; every message says what to do.

    ``where`` names the call ("POST /talks"); ``now`` (Unix time) is for HTTP-date
    ``Retry-After`` values in tests.
    """
    kind, description, details = _body_fields(body)
    said = ": ".join(p for p in (kind, description) if p)
    request_id = next((headers[h] for h in _REQUEST_ID_HEADERS if h in headers), None)
    ref = msg("did.request_ref", request_id=request_id) if request_id else ""
    # every D-ID error keeps the status and D-ID's request id, in its text and its fields
    reason = msg("did.reason", status=status, said=f": {said}" if said else "", ref=ref)
    info: dict[str, Any] = {"provider": PROVIDER, "status": status, "request_id": request_id}
    extra = msg("did.details", details=details) if details else ""
    if status in (400, 413, 415, 422):
        return RequestRefused(
            "did.refused_input", where=where, reason=reason, details=extra, **info
        )
    if status == 401:
        return AuthError("did.key_rejected", reason=reason, **info)
    if status == 403:
        return PermissionDenied("did.forbidden", where=where, reason=reason, **info)
    if status == 402:
        return QuotaError("did.no_credits", reason=reason, **info)
    if status == 404:
        return ProviderError("did.not_found", where=where, reason=reason, **info)
    if status == 429:
        wait = parse_retry_after(headers.get("Retry-After"), now=now, cap=math.inf)
        if waits_too_long(wait):  # not slept through (never retried): say when to try again
            assert wait is not None
            return RateLimited(
                "did.rate_limited_later", where=where, reason=reason, retry_after=wait,
                **try_after(wait, now), **info,
            )  # fmt: skip
        hint = msg("did.wait_hint", seconds=float(wait)) if wait is not None else ""
        return RateLimited(
            "did.rate_limited", where=where, reason=reason, hint=hint, retry_after=wait, **info
        )
    if status == 451:
        return RenderRejected("did.moderation", where=where, reason=reason, **info)
    if status >= 500:
        return ProviderError("did.server", where=where, reason=reason, **info)
    return ProviderError("did.unexpected_status", where=where, reason=reason, **info)


def error_for_exception(
    exc: requests.RequestException, where: str | Msg, base_url: str
) -> AppError:
    """A transport failure (no HTTP status) as a typed, retryable error."""
    if isinstance(exc, requests.Timeout):
        return ProviderTimeout(
            "did.timeout", where=where, kind=type(exc).__name__, provider=PROVIDER
        )
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return ProviderTimeout("did.unreachable", url=base_url, where=where, provider=PROVIDER)
    return ProviderError("did.call_failed", where=where, kind=type(exc).__name__, provider=PROVIDER)


def require(data: Any, name: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``data[name]`` checked for type; a missing or wrong field is a (retryable) BadReply."""
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, kind) or value == "":
        raise BadReply("did.bad_field", where=where, name=name, provider=PROVIDER)
    return value


@dataclass
class DidHttp:
    """A D-ID API client: one ``requests`` session, the key sent only to the API host."""

    base_url: str
    api_key: str = field(repr=False)
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: Callable[[], float] = random.random

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")

    @property
    def allow_http(self) -> bool:
        """Plain-http result links are accepted only when the API itself is http (a fake)."""
        return self.base_url.startswith("http://")

    def redact(self, text: str) -> str:
        return mask(text, (self.api_key,))

    def retrying(self, what: str, policy: RetryPolicy | None = None) -> Any:
        """The one retry layer for a step, with this client's injected time."""
        return (policy or self.policy).retrying(
            what, sleep=self.sleep, clock=self.clock, rng=self.rng, logger=_log
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Any = None,
        data: Any = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        """One attempt at an API call; returns the parsed JSON or raises a typed error."""
        where = f"{method} {path.split('?')[0]}"
        headers = {
            "Authorization": f"Basic {self.api_key}",  # exactly as D-ID issues it
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        try:
            resp = self.session.request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                files=files,
                data=data,
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,  # never replay the key to wherever a redirect points
            )
        except requests.RequestException as exc:
            raise self._clean(error_for_exception(exc, where, self.base_url)) from None
        if resp.status_code not in expect:
            raise self._clean(error_for_status(resp.status_code, resp.content, resp.headers, where))
        try:
            return json.loads(resp.content)
        except ValueError:
            raise BadReply(
                "did.not_json", where=where, provider=PROVIDER, status=resp.status_code
            ) from None

    def check_link(self, url: str) -> str:
        """Refuse result links that are not https (plain http only against a local fake),
        and, against the real API, links to this machine or its private network."""
        secure = url.startswith("https://") or (self.allow_http and url.startswith("http://"))
        if not secure:
            raise ProviderError("did.link_not_https", url=url.split("?")[0][:80], provider=PROVIDER)
        if not self.allow_http and internal_host(urlsplit(url).hostname or ""):
            raise ProviderError("did.link_private", url=url.split("?")[0][:80], provider=PROVIDER)
        return url

    def download(self, url: str, dest: Path, *, max_bytes: int) -> int:
        """Stream ``url`` into ``dest`` (a temp file the caller renames), up to ``max_bytes``.

        No auth header: the link is pre-signed storage, not the API. A 403/400 from storage
        means the signature expired → LinkExpired (the caller fetches a fresh link).
        """
        where = msg("did.where_download")
        try:
            with self._get_link(url) as resp:
                if resp.status_code in (400, 403):
                    raise LinkExpired(
                        "did.link_expired", provider=PROVIDER, status=resp.status_code
                    )
                if resp.status_code != 200:
                    raise self._clean(
                        error_for_status(resp.status_code, resp.content, resp.headers, where)
                    )
                declared = int(resp.headers.get("Content-Length") or 0)
                if declared > max_bytes:
                    raise self._too_big(declared, max_bytes)
                written = 0
                with dest.open("wb") as fh:
                    for chunk in resp.iter_content(chunk_size=1 << 16):
                        written += len(chunk)
                        if written > max_bytes:
                            raise self._too_big(written, max_bytes)
                        fh.write(chunk)
        except requests.RequestException as exc:
            raise self._clean(error_for_exception(exc, where, "storage")) from None
        if declared and written != declared:
            raise ProviderTimeout(
                "did.download_short", written=written, declared=declared, provider=PROVIDER
            )
        return written

    def _get_link(self, url: str) -> requests.Response:
        """GET a result link, following at most MAX_REDIRECTS redirects, each checked with
        ``check_link`` *before* it is followed (requests would follow http:// ones too)."""
        for _ in range(MAX_REDIRECTS + 1):
            resp = self.session.get(
                self.check_link(url), stream=True, timeout=TIMEOUT, allow_redirects=False,
                headers={"User-Agent": USER_AGENT},
            )  # fmt: skip
            if not resp.is_redirect:
                return resp
            url = urljoin(url, resp.headers.get("Location", ""))
            resp.close()
        raise ProviderError("did.too_many_redirects", max=MAX_REDIRECTS, provider=PROVIDER)

    def _too_big(self, size: int, cap: int) -> ProviderError:
        return ProviderError(
            "did.video_too_big", cap_mb=cap // (1 << 20), size_mb=size // (1 << 20),
            provider=PROVIDER,
        )  # fmt: skip

    def _clean(self, err: AppError) -> AppError:
        """Defence in depth: the key never survives into a message, whatever D-ID echoed."""
        err.map_text(self.redact)
        return err
