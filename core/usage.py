"""Per-user daily spending caps: D-ID videos and OpenAI tokens, counted in SQLite.

The caps are enforced here, in core, so the pages, the job runner and the command line
(user ``""``) obey the same numbers. A day is a UTC day.

D-ID (engines with ``metered = True``): a render that will create a talk first reserves one
video, atomically (count and insert in one transaction, so two jobs at once cannot both
take the last one). The reservation becomes the talk's row when the engine journals the
talk id, is released when the render ends before any talk was created, and a talk D-ID
failed (and refunds) is taken off again. A talk resumed after a restart is already counted;
a video served from the library costs nothing.

OpenAI: a script is refused once the day's tokens reached the cap; a written script then
adds its ``Script.usage`` (an estimate when the server did not report usage). Cached
scripts are free. So a day's last script may pass the cap by at most its own size.

Speech servers (``tts:`` voices): a render whose text would take the day's synthesised
characters past TTS_DAILY_CHARS is refused before the server is asked; characters are
added when the server has spoken. Audio from the cache is free.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from core import db
from core.config import Settings
from core.engines.base import Journal
from core.errors import LimitReached
from core.library import Library

DID_VIDEOS, OPENAI_TOKENS, TTS_CHARS = "did_videos", "openai_tokens", "tts_chars"
TALK_NOTE = "talk_id"  # the journal note in which a metered engine keeps its talk's id
_PENDING = "pending:"


@dataclass(frozen=True)
class UsageToday:
    did_videos: int
    did_limit: int
    openai_tokens: int
    openai_limit: int


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
            DID_VIDEOS: self.settings.did_daily_videos,
            OPENAI_TOKENS: self.settings.openai_daily_tokens,
            TTS_CHARS: self.settings.tts_daily_chars,
        }
        return caps[kind]

    def day(self) -> str:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC).date().isoformat()

    def _used(self, conn: sqlite3.Connection, user: str, kind: str) -> int:
        row = conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM usage WHERE user = ? AND kind = ? AND day = ?",
            (user, kind, self.day()),
        ).fetchone()
        return int(row[0])

    def used(self, user: str, kind: str) -> int:
        return self._used(self.library.conn, user, kind)

    def today(self, user: str) -> UsageToday:
        return UsageToday(
            did_videos=self.used(user, DID_VIDEOS),
            did_limit=self.limit(DID_VIDEOS),
            openai_tokens=self.used(user, OPENAI_TOKENS),
            openai_limit=self.limit(OPENAI_TOKENS),
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
        self.library.conn.execute(
            "INSERT OR IGNORE INTO usage (user, day, kind, amount, ref, created_at)"
            " VALUES (?,?,?,?,?,?)",
            (user, self.day(), kind, int(amount), ref, self.clock()),
        )

    def reserve_video(self, user: str) -> str:
        """Take one of today's D-ID videos before creating a talk; returns the reservation."""
        ref = _PENDING + uuid.uuid4().hex
        with db.transaction(self.library.conn) as conn:
            used = self._used(conn, user, DID_VIDEOS)
            if used + 1 > self.limit(DID_VIDEOS):
                raise self._refuse(DID_VIDEOS, used)
            conn.execute(
                "INSERT INTO usage (user, day, kind, amount, ref, created_at) VALUES (?,?,?,1,?,?)",
                (user, self.day(), DID_VIDEOS, ref, self.clock()),
            )
        return ref

    def talk_created(self, user: str, talk_id: str, reservation: str | None) -> None:
        """The reservation (if any) becomes the talk's row; a talk is counted once."""
        talk = "talk:" + talk_id
        with db.transaction(self.library.conn) as conn:
            known = conn.execute(
                "SELECT 1 FROM usage WHERE kind = ? AND ref = ?", (DID_VIDEOS, talk)
            ).fetchone()
            if reservation and not known:
                conn.execute("UPDATE usage SET ref = ? WHERE ref = ?", (talk, reservation))
            elif reservation:
                conn.execute("DELETE FROM usage WHERE ref = ?", (reservation,))
            elif not known:
                conn.execute(
                    "INSERT INTO usage (user, day, kind, amount, ref, created_at)"
                    " VALUES (?,?,?,1,?,?)",
                    (user, self.day(), DID_VIDEOS, talk, self.clock()),
                )

    def talk_refunded(self, talk_id: str) -> None:
        self.library.conn.execute(
            "DELETE FROM usage WHERE kind = ? AND ref = ?", (DID_VIDEOS, "talk:" + talk_id)
        )

    def release(self, reservation: str) -> None:
        self.library.conn.execute("DELETE FROM usage WHERE ref = ?", (reservation,))


class MeteredJournal:
    """Wraps a render's journal: counts the talk when the engine notes its id, takes a
    failed talk off again (the engine clears the note), and releases an unused reservation."""

    def __init__(self, inner: Journal, meter: UsageMeter, user: str) -> None:
        self.inner = inner
        self.meter = meter
        self.user = user
        self.reservation: str | None = None

    def start(self) -> MeteredJournal:
        """Reserve a video unless this render resumes a talk that is already counted."""
        if not self.get(TALK_NOTE):
            self.reservation = self.meter.reserve_video(self.user)
        return self

    def get(self, name: str) -> str | None:
        return self.inner.get(name)

    def set(self, name: str, value: str) -> None:
        previous = self.get(name) if name == TALK_NOTE else None
        self.inner.set(name, value)
        if name != TALK_NOTE:
            return
        if value:
            self.meter.talk_created(self.user, value, self.reservation)
            self.reservation = None
        elif previous:
            self.meter.talk_refunded(previous)

    def finish(self, done: bool) -> None:
        """The render ended. If it failed before a talk was created, the reservation is given
        back; a finished render keeps it (an engine that notes no talk still counts)."""
        if self.reservation and not done:
            self.meter.release(self.reservation)
            self.reservation = None
