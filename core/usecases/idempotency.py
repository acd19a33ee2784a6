"""Idempotent submissions: the same ``Idempotency-Key`` with the same request gives back the
same job; with a different request it is a conflict. Kept in the database, per user, so a
client retrying after a timeout (or a restart of the server) never makes a second video."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from core.errors import InputError
from core.usecases.context import WithDatabase

MAX_KEY = 255


class IdempotencyConflict(InputError):
    """The key was used before with another request (HTTP 409)."""


def request_hash(body: dict[str, Any]) -> str:
    """The same request however its JSON was spaced or ordered."""
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Idempotency(WithDatabase):
    @staticmethod
    def check_key(key: str) -> str:
        if not 1 <= len(key) <= MAX_KEY or not all(33 <= ord(c) <= 126 for c in key):
            raise InputError("api.idempotency_key")
        return key

    def claim(self, user: str, key: str, body_hash: str) -> str | None:
        """Take ``key`` for this request: None when it is new (then ``bind`` or ``release``
        it), the job id when the same request was made before; IdempotencyConflict when the
        key went with another request (or the same one is still being submitted)."""
        self.check_key(key)
        inserted = self._db.execute(
            "INSERT INTO api_idempotency (owner, idem_key, body_hash, job_id, created_at)"
            " VALUES (:owner, :key, :hash, '', :now) ON CONFLICT (owner, idem_key) DO NOTHING",
            {"owner": user, "key": key, "hash": body_hash, "now": self.clock()},
        )
        if inserted:
            return None
        row = self._db.one(
            "SELECT body_hash, job_id FROM api_idempotency"
            " WHERE owner = :owner AND idem_key = :key",
            {"owner": user, "key": key},
        )
        if row is None or row["body_hash"] != body_hash or not row["job_id"]:
            raise IdempotencyConflict("api.idempotency_conflict", key=key[:40])
        return str(row["job_id"])

    def bind(self, user: str, key: str, job_id: str) -> None:
        self._db.execute(
            "UPDATE api_idempotency SET job_id = :job WHERE owner = :owner AND idem_key = :key",
            {"job": job_id, "owner": user, "key": key},
        )

    def release(self, user: str, key: str) -> None:
        """The request failed before a job existed: the key may be used again."""
        self._db.execute(
            "DELETE FROM api_idempotency WHERE owner = :owner AND idem_key = :key AND job_id = ''",
            {"owner": user, "key": key},
        )
