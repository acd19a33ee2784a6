"""Per-user daily spending caps: videos of metered engines and script tokens, in SQLite.

The caps are enforced here, in core, so the pages, the job runner and the command line
(user ``""``) obey the same numbers. A day is a UTC day.

Metered engines (``capabilities.metered``, e.g. D-ID): a render first reserves one video,
atomically (count and insert in one transaction, so two jobs at once cannot both take the
last one). The reservation becomes the paid work's row when the engine saves its resume
token, is released when the render ends before any paid work was started, and is taken off
again when the engine calls ``refund`` (the provider failed the work and gave its cost back).
A render resumed after a restart is already counted; a video from the library costs nothing.

OpenAI: a script is refused once the day's tokens reached the cap; a written script then
adds its ``Script.usage`` (an estimate when the server did not report usage). Cached
scripts are free. So a day's last script may pass the cap by at most its own size.

Speech servers (``tts:`` voices): a render whose text would take the day's synthesised
characters past TTS_DAILY_CHARS is refused before the server is asked; characters are
added when the server has spoken. Audio from the cache is free.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from core.config import Settings
from core.db import Queries, Tx
from core.engines.base import Journal
from core.errors import LimitReached
from core.library import Library

# What is counted (stored values: "did_videos" dates from when D-ID was the one metered engine)
METERED_VIDEOS, OPENAI_TOKENS, TTS_CHARS = "did_videos", "openai_tokens", "tts_chars"
_PENDING, _RUN = "pending:", "run:"  # a reservation; paid work, by the engine's resume token


@dataclass(frozen=True)
class UsageToday:
    did_videos: int
    did_limit: int
    openai_tokens: int
    openai_limit: int
    tts_chars: int = 0
    tts_limit: int = 0


def _until_tomorrow(now: float) -> float:
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    return midnight.timestamp() - now


def wait_text(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


class UsageMeter:
    def __init__(
        self, library: Library, settings: Settings, clock: Callable[[], float] = time.time
    ) -> None:
        self.library = library
        self.settings = settings
        self.clock = clock

    # -- reading ------------------------------------------------------------------------------
    def limit(self, kind: str) -> int:
        caps = {
            METERED_VIDEOS: self.settings.did_daily_videos,
            OPENAI_TOKENS: self.settings.openai_daily_tokens,
            TTS_CHARS: self.settings.tts_daily_chars,
        }
        return caps[kind]

    def day(self) -> str:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC).date().isoformat()

    def _used(self, queries: Queries, user: str, kind: str) -> int:
        total = queries.scalar(
            "SELECT COALESCE(SUM(amount), 0) FROM usage"
            " WHERE owner = :owner AND kind = :kind AND day = :day",
            {"owner": user, "kind": kind, "day": self.day()},
        )
        return int(total or 0)

    def used(self, user: str, kind: str) -> int:
        return self._used(self.library.db, user, kind)

    def today(self, user: str) -> UsageToday:
        return UsageToday(
            did_videos=self.used(user, METERED_VIDEOS),
            did_limit=self.limit(METERED_VIDEOS),
            openai_tokens=self.used(user, OPENAI_TOKENS),
            openai_limit=self.limit(OPENAI_TOKENS),
            tts_chars=self.used(user, TTS_CHARS),
            tts_limit=self.limit(TTS_CHARS),
        )

    # -- enforcing ----------------------------------------------------------------------------
    def _refuse(self, kind: str, used: int) -> LimitReached:
        limit = self.limit(kind)
        wait = _until_tomorrow(self.clock())
        return LimitReached(
            f"limit.{kind}", kind=kind, limit=limit, used=used, retry_after=wait,
            wait=wait_text(wait),
        )  # fmt: skip

    def check(self, user: str, kind: str, amount: int = 1) -> None:
        """Raise LimitReached when ``amount`` more would pass today's cap (nothing recorded)."""
        used = self.used(user, kind)
        if used + amount > self.limit(kind):
            raise self._refuse(kind, used)

    def add(self, user: str, kind: str, amount: int, ref: str | None = None) -> None:
        """Record spending that already happened (a ``ref`` is counted once)."""
        self.library.db.execute(
            "INSERT INTO usage (owner, day, kind, amount, ref, created_at)"
            " VALUES (:owner, :day, :kind, :amount, :ref, :now) ON CONFLICT DO NOTHING",
            {"owner": user, "day": self.day(), "kind": kind, "amount": int(amount), "ref": ref,
             "now": self.clock()},
        )  # fmt: skip

    def reserve_video(self, user: str) -> str:
        """Take one of today's metered videos before paid work starts; returns the reservation."""
        ref = _PENDING + uuid.uuid4().hex
        with self.library.db.transaction() as tx:
            tx.lock(f"usage:{user}")  # PostgreSQL: two replicas never both take the last one
            used = self._used(tx, user, METERED_VIDEOS)
            if used + 1 > self.limit(METERED_VIDEOS):
                raise self._refuse(METERED_VIDEOS, used)
            self._count_one(tx, user, ref)
        return ref

    def paid_work_started(self, user: str, token: str, reservation: str | None) -> None:
        """The reservation (if any) becomes the row of the work ``token`` names; counted once."""
        run = _RUN + token
        with self.library.db.transaction() as tx:
            tx.lock(f"usage:{user}")
            known = tx.one(
                "SELECT 1 FROM usage WHERE kind = :kind AND ref = :ref",
                {"kind": METERED_VIDEOS, "ref": run},
            )
            if reservation and not known:
                tx.execute(
                    "UPDATE usage SET ref = :run WHERE ref = :reservation",
                    {"run": run, "reservation": reservation},
                )
            elif reservation:
                tx.execute("DELETE FROM usage WHERE ref = :ref", {"ref": reservation})
            elif not known:
                self._count_one(tx, user, run, " ON CONFLICT DO NOTHING")

    def _count_one(self, tx: Tx, user: str, ref: str, on_conflict: str = "") -> None:
        """One metered video for ``user`` today, recorded under ``ref``."""
        tx.execute(
            "INSERT INTO usage (owner, day, kind, amount, ref, created_at)"
            " VALUES (:owner, :day, :kind, 1, :ref, :now)" + on_conflict,
            {"owner": user, "day": self.day(), "kind": METERED_VIDEOS, "ref": ref,
             "now": self.clock()},
        )  # fmt: skip

    def refund(self, token: str) -> None:
        """The provider gave back what the work ``token`` names cost: it no longer counts."""
        self.library.db.execute(
            "DELETE FROM usage WHERE kind = :kind AND ref = :ref",
            {"kind": METERED_VIDEOS, "ref": _RUN + token},
        )

    def release(self, reservation: str) -> None:
        self.library.db.execute("DELETE FROM usage WHERE ref = :ref", {"ref": reservation})


class MeteredJournal:
    """Wraps a render's journal: counts the paid work when the engine saves its resume token,
    takes it off again on an explicit ``refund``, and releases an unused reservation."""

    def __init__(self, inner: Journal, meter: UsageMeter, user: str) -> None:
        self.inner = inner
        self.meter = meter
        self.user = user
        self.reservation: str | None = None

    def start(self) -> MeteredJournal:
        """Reserve a video unless this render resumes paid work that is already counted."""
        if not self.resume_token():
            self.reservation = self.meter.reserve_video(self.user)
        return self

    def get(self, name: str) -> str | None:
        return self.inner.get(name)

    def set(self, name: str, value: str) -> None:
        self.inner.set(name, value)

    def resume_token(self) -> str | None:
        return self.inner.resume_token()

    def save_resume_token(self, token: str) -> None:
        self.inner.save_resume_token(token)
        self.meter.paid_work_started(self.user, token, self.reservation)
        self.reservation = None

    def refund(self) -> None:
        token = self.inner.resume_token()
        self.inner.refund()
        if token:
            self.meter.refund(token)

    def finish(self, done: bool) -> None:
        """The render ended. If it failed before paid work was started, the reservation is
        given back; a finished render keeps it (an engine that saves no token still counts)."""
        if self.reservation and not done:
            self.meter.release(self.reservation)
            self.reservation = None
