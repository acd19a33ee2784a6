"""Which engines and writers are ready, for the app's sidebar. No network except credits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.config import Settings
from core.errors import AppError, ConfigError, ProviderError
from core.services import Services


@dataclass(frozen=True)
class Readiness:
    openai: bool  # a key or an OpenAI-compatible server is configured
    openai_local_server: bool  # OPENAI_BASE_URL is set
    did: bool  # DID_API_KEY is set


@dataclass(frozen=True)
class Credits:
    remaining: float | None = None
    total: float | None = None
    error: str = ""  # why they could not be read, in English (safe to show)
    problem: AppError | None = None  # the same as an error with a message id, for the pages

    @classmethod
    def failed(cls, problem: AppError) -> Credits:
        return cls(error=problem.message, problem=problem)


def readiness(settings: Settings) -> Readiness:
    return Readiness(
        openai=bool(settings.openai_api_key or settings.openai_base_url),
        openai_local_server=bool(settings.openai_base_url),
        did=bool(settings.did_api_key),
    )


def did_credits(services: Services) -> Credits:
    """What D-ID's ``GET /credits`` reports; an error message instead of raising."""
    if not services.settings.did_api_key:
        return Credits.failed(ConfigError("did.key_not_set", variable="DID_API_KEY"))
    try:
        engine = services.engine("did")
        if not engine.capabilities.credits:
            return Credits.failed(ConfigError("did.no_credits_report"))
        data = engine.credits()
        return Credits(remaining=data.get("remaining"), total=data.get("total"))
    except AppError as err:
        err.map_text(services.settings.redact)
        return Credits.failed(err)
    except Exception as err:  # the sidebar must never break the page
        problem = ProviderError("did.credits_unreadable", detail=str(err), provider="D-ID")
        problem.map_text(services.settings.redact)
        return Credits.failed(problem)


class CreditsMonitor:
    """D-ID credits, refreshed in the background at most once per ``ttl`` seconds.

    ``current()`` never waits for the network: it returns the last answer (None before
    the first one arrives) and starts a refresh when that answer is stale.
    """

    def __init__(
        self,
        services: Services,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.services = services
        self.ttl = ttl
        self.clock = clock
        self._value: Credits | None = None
        self._fetched_at: float | None = None
        self._refreshing = False
        self._lock = threading.Lock()

    def current(self) -> Credits | None:
        with self._lock:
            stale = self._fetched_at is None or self.clock() - self._fetched_at >= self.ttl
            if stale and not self._refreshing and self.services.settings.did_api_key:
                self._refreshing = True
                threading.Thread(target=self._refresh, name="parlante-credits", daemon=True).start()
            return self._value

    def _refresh(self) -> None:
        value = did_credits(self.services)
        with self._lock:
            self._value, self._fetched_at, self._refreshing = value, self.clock(), False

    def wait(self, timeout: float = 10.0) -> Credits | None:
        """Block until a first answer is there (tests, CLI)."""
        deadline = time.monotonic() + timeout
        while self.current() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self._value
