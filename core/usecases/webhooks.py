"""Webhooks: a video's end (``video.succeeded`` / ``video.failed``) posted to the URL its
request named, signed, retried with backoff for a day, and every delivery recorded.

Everything is in the library's database, so a restart loses nothing: a subscription is
written with the job; once the job has finished, one delivery row is made from it (once:
the subscription is marked in the same statement); a delivery is sent when it is due and
then marked delivered, or given a later ``next_at``. The waits are days long and must
outlive the process, which is why this is a schedule in a table and not core/retry.py's
in-process tenacity loop.

Signature (what a receiver checks; docs/api.md has the recipe):
``Parlante-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>``
with the ``whsec_…`` secret shown when the API key that asked for the video was created.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from core.errors import InputError
from core.jobstore import DONE, Job
from core.urls import resolves_inside, url_problem
from core.usecases.apikeys import ApiKeys, Caller
from core.usecases.context import Context, WithDatabase

SUCCEEDED, FAILED_EVENT = "video.succeeded", "video.failed"
PENDING, DELIVERED, GAVE_UP = "pending", "delivered", "failed"
GIVE_UP_AFTER_S = 24 * 3600.0
# Waits after the 1st, 2nd… failed attempt; the last one repeats until a day has passed.
BACKOFF_S = (10.0, 60.0, 300.0, 1800.0, 3600.0, 2 * 3600.0, 4 * 3600.0)
LEASE_S = 120.0  # a claimed delivery is not taken by another sender for this long
SIGNATURE_HEADER = "Parlante-Signature"
MAX_URL = 2000

# send(url, body, headers) -> HTTP status; raises OSError-like errors for no answer.
Sender = Callable[[str, bytes, dict[str, str]], int]


@dataclass(frozen=True)
class Delivery:
    id: str
    job_id: str
    event: str
    url: str
    status: str  # pending | delivered | failed
    attempts: int
    next_at: float
    last_code: int | None
    last_error: str
    created_at: float
    updated_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "url": self.url,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": self.next_at if self.status == PENDING else None,
            "last_status_code": self.last_code,
            "last_error": self.last_error,
            "created_at": self.created_at,
        }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Parlante-Signature`` header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float, tolerance_s: float = 300) -> bool:
    """The receiver's check (the documented recipe, runnable): the signature matches the raw
    body and its timestamp is within ``tolerance_s`` of ``now``."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff(attempts: int) -> float:
    return BACKOFF_S[min(attempts, len(BACKOFF_S)) - 1] if attempts > 0 else 0.0


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row["id"], job_id=row["job_id"], event=row["event"], url=row["url"],
        status=row["status"], attempts=row["attempts"], next_at=row["next_at"],
        last_code=row["last_code"], last_error=row["last_error"], created_at=row["created_at"],
        updated_at=row["updated_at"],
    )  # fmt: skip


class Webhooks(WithDatabase):
    def __init__(
        self,
        ctx: Context,
        keys: ApiKeys,
        clock: Callable[[], float] = time.time,
        inside: Callable[[str], bool] = resolves_inside,
    ) -> None:
        super().__init__(ctx, clock)
        self.keys = keys
        self.inside = inside  # whether a host name resolves into a private network (DNS)

    @property
    def insecure(self) -> bool:
        return self.ctx.settings.api_webhook_insecure

    # -- at submit ------------------------------------------------------------------------------
    def check_url(self, url: str) -> str:
        """The URL if webhooks may go there: https, a public host (as for D-ID's links)."""
        shown = url.split("?")[0][:80]
        problem = url_problem(url, allow_insecure=self.insecure) if len(url) <= MAX_URL else "host"
        if problem == "scheme":
            raise InputError("webhook.not_https", url=shown)
        if problem == "private":
            raise InputError("webhook.private", url=shown)
        if problem:
            raise InputError("webhook.bad_url", url=shown)
        return url

    def subscribe(self, caller: Caller, job_id: str, url: str) -> None:
        self._db.execute(
            "INSERT INTO webhooks (job_id, owner, key_id, url, created_at)"
            " VALUES (:job, :owner, :key, :url, :now) ON CONFLICT (job_id) DO NOTHING",
            {"job": job_id, "owner": caller.user, "key": caller.key_id,
             "url": self.check_url(url), "now": self.clock()},
        )  # fmt: skip

    def url_for(self, user: str, job_id: str) -> str | None:
        row = self._db.one(
            "SELECT url FROM webhooks WHERE job_id = :job AND owner = :owner",
            {"job": job_id, "owner": user},
        )
        return row["url"] if row else None

    def deliveries(self, user: str, job_id: str) -> list[Delivery]:
        rows = self._db.all(
            "SELECT * FROM webhook_deliveries WHERE job_id = :job AND owner = :owner"
            " ORDER BY created_at",
            {"job": job_id, "owner": user},
        )
        return [_delivery(r) for r in rows]

    # -- the dispatcher -------------------------------------------------------------------------
    def collect(self, describe: Callable[[Job], dict[str, Any]]) -> int:
        """Make one delivery for each subscribed job that has finished. Returns how many."""
        rows = self._db.all(
            "SELECT job_id, owner, key_id, url FROM webhooks WHERE notified = 0"
            " ORDER BY created_at LIMIT 200"
        )
        made = 0
        for row in rows:
            job = self.ctx.runner.get(row["job_id"])
            if job is not None and not job.finished:
                continue
            claimed = self._db.execute(
                "UPDATE webhooks SET notified = 1 WHERE job_id = :job AND notified = 0",
                {"job": row["job_id"]},
            )
            if not claimed or job is None:
                continue  # another dispatcher took it, or the job was deleted
            event = SUCCEEDED if job.status == DONE else FAILED_EVENT
            now = self.clock()
            delivery_id = "whd_" + uuid.uuid4().hex[:16]
            body = json.dumps(
                {"id": delivery_id, "type": event, "created": int(now), "data": describe(job)},
                ensure_ascii=False, separators=(",", ":"),
            )  # fmt: skip
            self._db.execute(
                "INSERT INTO webhook_deliveries (id, job_id, owner, key_id, event, url, body,"
                " status, next_at, created_at, updated_at) VALUES (:id, :job, :owner, :key,"
                " :event, :url, :body, :pending, :now, :now, :now)",
                {"id": delivery_id, "job": job.id, "owner": row["owner"], "key": row["key_id"],
                 "event": event, "url": row["url"], "body": body, "pending": PENDING,
                 "now": now},
            )  # fmt: skip
            made += 1
        return made

    def send_due(self, send: Sender, limit: int = 20) -> int:
        """Send the deliveries that are due; returns how many were attempted."""
        now = self.clock()
        rows = self._db.all(
            "SELECT * FROM webhook_deliveries WHERE status = :pending AND next_at <= :now"
            " ORDER BY next_at LIMIT :limit",
            {"pending": PENDING, "now": now, "limit": limit},
        )
        sent = 0
        for row in rows:
            claimed = self._db.execute(
                "UPDATE webhook_deliveries SET next_at = :lease WHERE id = :id"
                " AND next_at = :next_at AND status = :pending",
                {"lease": now + LEASE_S, "id": row["id"], "next_at": row["next_at"],
                 "pending": PENDING},
            )  # fmt: skip
            if claimed:
                self._attempt(row, send)
                sent += 1
        return sent

    def _attempt(self, row: Any, send: Sender) -> None:
        body = row["body"].encode("utf-8")
        secret = self.keys.webhook_secret(row["key_id"]) or ""
        now = self.clock()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Parlante-Webhooks/1",
            "Parlante-Event": row["event"],
            "Parlante-Delivery": row["id"],
            SIGNATURE_HEADER: sign(secret, int(now), body),
        }
        code: int | None = None
        error = ""
        host = urlsplit(row["url"]).hostname or ""
        if not self.insecure and self.inside(host):
            error = "the address resolves to a private network"  # DNS changed since submit
        else:
            try:
                code = int(send(row["url"], body, headers))
            except Exception as err:  # no answer: timeout, refused, TLS… (retried)
                error = type(err).__name__
        attempts = row["attempts"] + 1
        if code is not None and 200 <= code < 300:
            status, next_at = DELIVERED, now
        elif now + backoff(attempts) - row["created_at"] > GIVE_UP_AFTER_S:
            status, next_at = GAVE_UP, now
        else:
            status, next_at = PENDING, now + backoff(attempts)
        if code is not None and not 200 <= code < 300:
            error = f"HTTP {code}"
        self._db.execute(
            "UPDATE webhook_deliveries SET status = :status, attempts = :attempts,"
            " next_at = :next_at, last_code = :code, last_error = :error, updated_at = :now"
            " WHERE id = :id",
            {"status": status, "attempts": attempts, "next_at": next_at, "code": code,
             "error": error, "now": now, "id": row["id"]},
        )  # fmt: skip
