"""Per-key request limits shared by every process and replica through the database.

A sliding-window counter: each key has one row per minute (``window_start``, ``hits``),
bumped with an atomic upsert. A request is let through while

    hits in the previous minute × (share of it still inside the last 60 s) + hits this minute

stays within the limit; so a key gets at most ``per_minute`` requests in any minute, in
bursts up to that, whichever API process or replica answers it. A refused request is taken
off again (clients that keep knocking are not locked out for longer), and the refusal says
how many seconds until one more request would pass (``Retry-After``).

Only portable SQL: INSERT … ON CONFLICT … DO UPDATE … RETURNING (SQLite ≥ 3.35, PostgreSQL).
"""

from __future__ import annotations

import math

from core.usecases.context import WithDatabase

WINDOW_S = 60


def wait_for(limit: int, previous: int, current: int, elapsed: float, window: float) -> float:
    """Seconds until ``current + 1`` requests fit: when the previous window's weight has
    fallen enough, or (when this window alone is full) into the next one."""
    if current + 1 <= limit:
        if previous <= 0:
            return 0.0
        at = window * (1.0 - (limit - current - 1) / previous)  # elapsed time when it fits
        return max(0.0, at - elapsed)
    into_next = window * max(0.0, 1.0 - (limit - 1) / current) if current else 0.0
    return (window - elapsed) + into_next


class RateLimits(WithDatabase):
    """Its clock is wall time: every process must agree on the windows."""

    def take(self, key_id: str, per_minute: int) -> float:
        """Count one request of ``key_id``: 0 when it may go, else the seconds to wait."""
        now = self.clock()
        window = math.floor(now / WINDOW_S) * WINDOW_S
        elapsed = now - window
        current = int(
            self._db.scalar(
                "INSERT INTO api_rate (key_id, window_start, hits) VALUES (:key, :window, 1)"
                " ON CONFLICT (key_id, window_start) DO UPDATE SET hits = api_rate.hits + 1"
                " RETURNING hits",
                {"key": key_id, "window": window},
            )  # its own transaction: committed here
        )
        if current == 1:  # a new minute for this key: forget minutes nobody needs any more
            self._db.execute(
                "DELETE FROM api_rate WHERE window_start < :before", {"before": window - WINDOW_S}
            )
        previous = int(
            self._db.scalar(
                "SELECT hits FROM api_rate WHERE key_id = :key AND window_start = :window",
                {"key": key_id, "window": window - WINDOW_S},
            )
            or 0
        )
        weight = (WINDOW_S - elapsed) / WINDOW_S
        if previous * weight + current <= per_minute:
            return 0.0
        self._db.execute(
            "UPDATE api_rate SET hits = hits - 1 WHERE key_id = :key AND window_start = :window",
            {"key": key_id, "window": window},
        )
        return max(0.001, wait_for(per_minute, previous, current - 1, elapsed, WINDOW_S))
