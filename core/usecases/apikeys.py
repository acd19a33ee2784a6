"""API keys: created and revoked by their owner, stored hashed, shown once.

A key looks like ``pk_<id>_<secret>``; only the SHA-256 of the whole key is kept, so a
stolen database gives no working key. Each key also has a webhook signing secret
(``whsec_…``), shown once with the key: the server signs the webhooks of videos that key
asked for with it (it must be kept in clear to sign, like any HMAC secret).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from core.errors import InputError, NotFound
from core.usecases.context import WithDatabase

KEY_PREFIX = "pk_"
SECRET_PREFIX = "whsec_"
MAX_NAME = 60
USED_EVERY_S = 60.0  # "last used" is kept to the minute


@dataclass(frozen=True)
class ApiKey:
    """What is shown about a key after it was created (never the key itself)."""

    id: str
    user: str
    name: str
    prefix: str  # the first characters, to recognise it: "pk_3f9a1c2b…"
    created_at: float
    last_used_at: float | None = None
    revoked_at: float | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "created_at": self.created_at,
            "last_used_at": self.last_used_at,
            "revoked": not self.active,
        }


@dataclass(frozen=True)
class NewKey:
    """A key just created: ``key`` and ``webhook_secret`` are shown this once."""

    info: ApiKey
    key: str
    webhook_secret: str

    def to_json(self) -> dict[str, object]:
        return {"id": self.info.id, "key": self.key, "webhook_secret": self.webhook_secret}


@dataclass(frozen=True)
class Caller:
    """Who an API request acts for: the key's owner and the key's id."""

    user: str
    key_id: str


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _row(row: object) -> ApiKey:
    return ApiKey(
        id=row["id"], user=row["owner"], name=row["name"], prefix=row["prefix"],  # type: ignore[index]
        created_at=row["created_at"], last_used_at=row["last_used_at"],  # type: ignore[index]
        revoked_at=row["revoked_at"],  # type: ignore[index]
    )  # fmt: skip


class ApiKeys(WithDatabase):
    def create(self, user: str, name: str = "") -> NewKey:
        """A new key for ``user``; the returned key and secret are never shown again."""
        name = name.strip()
        if len(name) > MAX_NAME:
            raise InputError("apikey.name_too_long", limit=MAX_NAME)
        key_id = secrets.token_hex(6)
        key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(30)}"
        secret = SECRET_PREFIX + secrets.token_urlsafe(30)
        info = ApiKey(
            id=key_id, user=user, name=name, prefix=key[: len(KEY_PREFIX) + 8] + "…",
            created_at=self.clock(),
        )  # fmt: skip
        self._db.execute(
            "INSERT INTO api_keys (id, owner, name, prefix, key_hash, webhook_secret, created_at)"
            " VALUES (:id, :owner, :name, :prefix, :hash, :secret, :now)",
            {"id": info.id, "owner": user, "name": name, "prefix": info.prefix,
             "hash": key_hash(key), "secret": secret, "now": info.created_at},
        )  # fmt: skip
        return NewKey(info=info, key=key, webhook_secret=secret)

    def list(self, user: str) -> list[ApiKey]:
        """The user's keys, newest first (revoked ones too, marked)."""
        rows = self._db.all(
            "SELECT * FROM api_keys WHERE owner = :owner ORDER BY created_at DESC", {"owner": user}
        )
        return [_row(r) for r in rows]

    def revoke(self, user: str, key_id: str) -> ApiKey:
        """Revoke one of the user's keys at once (NotFound: not theirs, or no such key)."""
        self._db.execute(
            "UPDATE api_keys SET revoked_at = :now WHERE id = :id AND owner = :owner"
            " AND revoked_at IS NULL",
            {"now": self.clock(), "id": key_id, "owner": user},
        )
        row = self._db.one(
            "SELECT * FROM api_keys WHERE id = :id AND owner = :owner",
            {"id": key_id, "owner": user},
        )
        if row is None:
            raise NotFound("apikey.not_found", id=key_id)
        return _row(row)

    def authenticate(self, key: str) -> Caller | None:
        """The caller a presented key stands for; None for an unknown or revoked key."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        digest = key_hash(key)
        row = self._db.one(
            "SELECT id, owner, key_hash, last_used_at FROM api_keys"
            " WHERE key_hash = :hash AND revoked_at IS NULL",
            {"hash": digest},
        )
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            return None
        now = self.clock()
        if now - (row["last_used_at"] or 0.0) > USED_EVERY_S:  # not a write per request
            self._db.execute(
                "UPDATE api_keys SET last_used_at = :now WHERE id = :id",
                {"now": now, "id": row["id"]},
            )
        return Caller(user=row["owner"], key_id=row["id"])

    def webhook_secret(self, key_id: str) -> str | None:
        """The signing secret of a key (revoked keys keep signing their videos' webhooks)."""
        row = self._db.one("SELECT webhook_secret FROM api_keys WHERE id = :id", {"id": key_id})
        return row["webhook_secret"] if row else None
