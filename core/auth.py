"""Sign-in logic that is not UI: which mode, the password check, a throttle for wrong
tries, and who the signed-in person is (the ``user`` every library call is scoped by).

Modes (decided from Settings, in this order):

- ``oidc``: secrets.toml has ``[auth]`` → ``st.login``; the user id is the verified e-mail,
  lowercased, so each person has their own history, presets, photos, jobs and daily caps.
- ``password``: APP_PASSWORD is set → one shared team workspace (user id ``""``, the same
  as the command line's): everyone who knows the password sees the same library and shares
  the daily caps. There is no name field on purpose: a name anyone can type is not an
  identity, and would let one person read another's history.
- ``open``: neither, on a laptop → no sign-in, the same shared workspace.
- ``refused``: neither, in the container, without ALLOW_ANONYMOUS=1 → the app does not start.

Nothing here imports Streamlit; ``ui/auth.py`` draws the screens.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from core.config import Settings
from core.db import Database
from core.errors import InputError

OIDC, PASSWORD, OPEN, REFUSED = "oidc", "password", "open", "refused"
SHARED_USER = ""  # the one workspace of password and open modes (and of the CLI)


def sign_in_mode(settings: Settings) -> str:
    if settings.sign_in_provider:
        return OIDC
    if settings.app_password:
        return PASSWORD
    if settings.container and not settings.allow_anonymous:
        return REFUSED
    return OPEN


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (of digests, so not even the length leaks through timing)."""
    return hmac.compare_digest(_digest(given), _digest(expected))


def password_stamp(expected: str) -> str:
    """What a session keeps to prove it signed in with the *current* password: a session
    signed in before the password was changed is signed out on its next run."""
    return hmac.new(b"parlante-session", _digest(expected), hashlib.sha256).hexdigest()


class SignInRefused(InputError):
    """The identity provider signed the person in, but this app does not accept them.

    ``reason`` is "no_email", "unverified" or "not_allowed" (the message id's last part)."""

    def __init__(self, message_id: str, email: str = "") -> None:
        super().__init__(message_id, email=email)
        self.reason = message_id.rsplit(".", 1)[-1]
        self.email = email


def oidc_user_id(claims: Mapping[str, Any], allowed: Iterable[str] = ()) -> str:
    """The user id for an OIDC identity: its e-mail, lowercased, if verified and allowed.

    ``allowed`` holds addresses (``ana@example.org``) and domains (``@example.org``);
    empty means every account the provider signs in.
    """
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email.strip():
        raise SignInRefused("signin.no_email")
    if claims.get("email_verified") in (False, "false", "False", 0):
        raise SignInRefused("signin.unverified", email=email.strip())
    email = email.strip().lower()
    rules = tuple(allowed)
    if rules and not any(email == r or (r.startswith("@") and email.endswith(r)) for r in rules):
        raise SignInRefused("signin.not_allowed", email=email)
    return email


def _is_proxy(ip: str | None) -> bool:
    if ip is None:  # Streamlit reports loopback as None
        return True
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def client_address(peer_ip: str | None, forwarded_for: str | None) -> str:
    """Who is trying, for the throttle: the peer address, or, when the peer is a proxy on
    this host or network (Caddy in front), the address that proxy appended last to
    X-Forwarded-For. A client on the internet cannot choose its key by sending the header."""
    if _is_proxy(peer_ip) and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer_ip or "local"


@dataclass(frozen=True)
class ThrottlePolicy:
    free_tries: int = 3  # wrong tries allowed back to back (typos happen)
    base_s: float = 1.0  # then wait 1, 2, 4, 8 … seconds after each further wrong try
    max_s: float = 300.0
    forget_after_s: float = 3600.0  # an address quiet this long starts afresh

    def delay(self, failures: int) -> float:
        extra = failures - self.free_tries
        return 0.0 if extra < 0 else min(self.max_s, self.base_s * 2.0**extra)


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


class FailureStore(Protocol):
    """Where the throttle keeps its counts: one process's memory, or the database."""

    def records(self, keys: tuple[str, ...]) -> list[_Record]: ...
    def add(self, keys: tuple[str, ...], now: float) -> None: ...
    def clear(self, keys: tuple[str, ...]) -> None: ...
    def forget_before(self, when: float) -> None: ...


class MemoryFailures:
    """One process's counts (tests, and a throttle used without a database)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    def records(self, keys: tuple[str, ...]) -> list[_Record]:
        with self._lock:
            return [_Record(r.failures, r.last) for k in keys if (r := self._records.get(k))]

    def add(self, keys: tuple[str, ...], now: float) -> None:
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                record.last = now

    def clear(self, keys: tuple[str, ...]) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def forget_before(self, when: float) -> None:
        with self._lock:
            for key in [k for k, r in self._records.items() if r.last < when]:
                del self._records[key]


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()  # no addresses kept in clear


class DatabaseFailures:
    """The counts in the library's database (core.db): every app replica and process sees
    the same wrong tries, so a guesser cannot spread them over replicas. Keys are stored
    hashed."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def records(self, keys: tuple[str, ...]) -> list[_Record]:
        rows = self.db.all(
            "SELECT failures, last_at FROM sign_in_failures WHERE key_hash IN :keys",
            {"keys": [_key_hash(k) for k in keys]},
        )
        return [_Record(int(r["failures"]), float(r["last_at"])) for r in rows]

    def add(self, keys: tuple[str, ...], now: float) -> None:
        with self.db.transaction() as tx:
            for key in keys:
                tx.execute(
                    "INSERT INTO sign_in_failures (key_hash, failures, last_at)"
                    " VALUES (:key, 1, :now) ON CONFLICT (key_hash) DO UPDATE SET"
                    " failures = sign_in_failures.failures + 1, last_at = excluded.last_at",
                    {"key": _key_hash(key), "now": now},
                )

    def clear(self, keys: tuple[str, ...]) -> None:
        self.db.execute(
            "DELETE FROM sign_in_failures WHERE key_hash IN :keys",
            {"keys": [_key_hash(k) for k in keys]},
        )

    def forget_before(self, when: float) -> None:
        self.db.execute("DELETE FROM sign_in_failures WHERE last_at < :when", {"when": when})


class Throttle:
    """Counts wrong tries per key (client address, browser session) in a FailureStore:
    the database (shared by every replica, :func:`shared_throttle`) or this process's
    memory. While a key must wait, its tries are refused without being checked, so guessing
    is held to the policy's pace; nothing ever sleeps in a server thread."""

    def __init__(
        self,
        policy: ThrottlePolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        store: FailureStore | None = None,
    ) -> None:
        self.policy = policy or ThrottlePolicy()
        self.clock = clock
        self.store: FailureStore = store or MemoryFailures()

    def wait_s(self, keys: Iterable[str]) -> float:
        """Seconds before a try from any of ``keys`` is looked at again (0: now)."""
        now = self.clock()
        records = self.store.records(tuple(keys))
        waits = [self.policy.delay(r.failures) - (now - r.last) for r in records]
        return max([0.0, *waits])

    def failed(self, keys: Iterable[str]) -> float:
        """Count a wrong try; returns the wait before the next one."""
        now = self.clock()
        keys = tuple(keys)
        self.store.forget_before(now - (self.policy.max_s + self.policy.forget_after_s))
        self.store.add(keys, now)
        return self.wait_s(keys)

    def succeeded(self, keys: Iterable[str]) -> None:
        self.store.clear(tuple(keys))


def shared_throttle(settings: Settings, clock: Callable[[], float] = time.time) -> Throttle:
    """The sign-in throttle every app replica shares: counts in the database the settings
    name (DATABASE_URL, else the SQLite library under APP_DATA_DIR), on the wall clock
    (a monotonic clock means nothing to another machine)."""
    database = Database.for_data_dir(settings.data_dir, settings.database_url)
    return Throttle(clock=clock, store=DatabaseFailures(database))


@dataclass(frozen=True)
class Attempt:
    ok: bool
    wait_s: float = 0.0  # > 0: the next try must wait this long
    checked: bool = True  # False: refused unchecked, the keys were still waiting


def try_password(throttle: Throttle, keys: Iterable[str], given: str, expected: str) -> Attempt:
    keys = tuple(keys)
    waiting = throttle.wait_s(keys)
    if waiting > 0:
        return Attempt(ok=False, wait_s=waiting, checked=False)
    if password_matches(given, expected):
        throttle.succeeded(keys)
        return Attempt(ok=True)
    return Attempt(ok=False, wait_s=throttle.failed(keys))
