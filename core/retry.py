"""Retry and polling policies as values, built on tenacity, shared by every provider.

Why one module: retries stack up by accident (an SDK's retries inside ours, a poll loop
inside a retry loop) and each copy hides a different bug. Every outward call gets exactly
one ``tenacity.Retrying`` built here from a ``RetryPolicy`` value. What is worth retrying
is decided by one predicate (``is_transient``); a server's ``Retry-After`` is honoured
(capped); each retry is logged with its reason; sleep and clock are injected so tests
never really wait.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import tenacity
from tenacity import RetryCallState
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from core.errors import (
    AuthError,
    ProviderError,
    ProviderTimeout,
    QuotaError,
    RateLimited,
    RenderRejected,
)

# Statuses that say "not now" rather than "never": timeouts, not-ready, rate limits, 5xx.
TRANSIENT_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
RETRY_AFTER_CAP_S = 60.0

Sleep = Callable[[float], None]
Clock = Callable[[], float]
_log = logging.getLogger(__name__)


def parse_retry_after(
    value: str | None, *, now: float | None = None, cap: float = RETRY_AFTER_CAP_S
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    Capped so a hostile or buggy server cannot park us for an hour; None when absent or
    unreadable (the caller then falls back to its own backoff). ``now`` is Unix time.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), cap)


def should_retry_header(value: str | None) -> bool | None:
    """A server's own verdict in ``x-should-retry`` (OpenAI and compatible servers send it):
    True or False, None when absent or unreadable. It overrides the status-based guess."""
    text = (value or "").strip().lower()
    return {"true": True, "false": False}.get(text)


def waits_too_long(retry_after: float | None) -> bool:
    """A server asking for more than a minute: stop and tell when, instead of sleeping."""
    return retry_after is not None and retry_after > RETRY_AFTER_CAP_S


def try_after(seconds: float, now: float | None = None) -> dict[str, Any]:
    """Parameters for the ``retry.try_after`` message: the wait and the UTC time it ends."""
    end = (time.time() if now is None else now) + seconds
    when = datetime.fromtimestamp(end, UTC)
    at = when.strftime("%H:%M UTC" if seconds < 12 * 3600 else "%Y-%m-%d %H:%M UTC")
    return {"seconds": round(seconds), "at": at}


def is_transient(exc: BaseException) -> bool:
    """Whether trying again may succeed.

    An error class may decide for itself with a ``transient`` attribute (e.g. a reply that
    was not valid JSON); otherwise rate limits, timeouts and 408/409/425/429/5xx are
    transient, and refusals (bad key, no credits, rejected render, 4xx) are not.
    """
    if not isinstance(exc, ProviderError):
        return False
    explicit = getattr(exc, "transient", None)
    if explicit is not None:
        return bool(explicit)
    if waits_too_long(exc.retry_after):
        return False
    if isinstance(exc, RateLimited | ProviderTimeout):
        return True
    if isinstance(exc, AuthError | QuotaError | RenderRejected):
        return False
    return exc.status is not None and exc.status in TRANSIENT_STATUSES


class Backoff(wait_base):
    """Exponential from ``initial`` up to ``maximum``, minus up to ``jitter`` × itself.

    The jitter is subtracted, not added, so the cap is a true upper bound (it bounds how
    late a poll notices a finished render). A server's ``retry_after`` on the failed
    attempt wins when it asks for longer: wait = max(retry_after, backoff).
    """

    def __init__(
        self, initial: float, maximum: float, jitter: float, rng: Callable[[], float]
    ) -> None:
        self.initial, self.maximum, self.jitter, self.rng = initial, maximum, jitter, rng

    def __call__(self, retry_state: RetryCallState) -> float:
        exponent = min(retry_state.attempt_number - 1, 60)
        base = min(self.maximum, self.initial * 2**exponent)
        wait = base * (1.0 - self.jitter * self.rng())
        outcome = retry_state.outcome
        if outcome is not None and outcome.failed:
            hint = getattr(outcome.exception(), "retry_after", None)
            if hint:
                wait = max(wait, min(float(hint), RETRY_AFTER_CAP_S))
        return wait


class StopAtDeadline(stop_base):
    """Stop once the injected clock passes an absolute deadline (tests move the clock)."""

    def __init__(self, deadline: float, clock: Clock) -> None:
        self.deadline, self.clock = deadline, clock

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.clock() >= self.deadline


@dataclass(frozen=True)
class RetryPolicy:
    """How one kind of call is retried. A value: visible, comparable, tunable in tests.

    ``attempts`` bounds the tries (0: no bound); ``deadline_s`` bounds the total time
    (measured on the injected clock from when ``retrying`` is called); ``retry_on_result``
    turns the policy into a poller: a result it returns True for is tried again.
    """

    attempts: int = 5
    initial_s: float = 1.0
    max_s: float = 20.0
    jitter: float = 0.25
    deadline_s: float | None = None
    retry_on_result: Callable[[Any], bool] | None = None

    def retrying(
        self,
        what: str,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        rng: Callable[[], float] = random.random,
        logger: logging.Logger = _log,
    ) -> tenacity.Retrying:
        """A ready ``tenacity.Retrying``; ``what`` names the call in logs and messages."""
        stop: stop_base = (
            tenacity.stop_after_attempt(self.attempts) if self.attempts else tenacity.stop_never
        )
        if self.deadline_s is not None:
            stop = stop | StopAtDeadline(clock() + self.deadline_s, clock)
        retry: Any = tenacity.retry_if_exception(is_transient)
        if self.retry_on_result is not None:
            retry = retry | tenacity.retry_if_result(self.retry_on_result)
        return tenacity.Retrying(
            sleep=sleep,
            stop=stop,
            wait=Backoff(self.initial_s, self.max_s, self.jitter, rng),
            retry=retry,
            before_sleep=_log_retry(what, logger),
            retry_error_callback=_give_up(what),
        )


def _log_retry(what: str, logger: logging.Logger) -> Callable[[RetryCallState], None]:
    def log(state: RetryCallState) -> None:
        delay = state.next_action.sleep if state.next_action else 0.0
        outcome = state.outcome
        if outcome is not None and outcome.failed:
            logger.warning(
                "%s failed (attempt %d): %s — retrying in %.1f s",
                what,
                state.attempt_number,
                outcome.exception(),
                delay,
            )
        elif outcome is not None:
            logger.info("%s: %s — checking again in %.1f s", what, outcome.result(), delay)

    return log


def _give_up(what: str) -> Callable[[RetryCallState], Any]:
    """On giving up: re-raise the last typed error, saying how hard we tried; else the result.

    A poller that ran out of time gets its last (unfinished) result back and decides what
    to say about it.
    """

    def give_up(state: RetryCallState) -> Any:
        outcome = state.outcome
        assert outcome is not None
        if not outcome.failed:
            return outcome.result()
        exc = outcome.exception()
        assert exc is not None
        if isinstance(exc, ProviderError) and state.attempt_number > 1:
            exc.append("retry.gave_up", attempts=state.attempt_number)
        _log.debug("%s: giving up after %d attempts", what, state.attempt_number)
        raise exc

    return give_up
