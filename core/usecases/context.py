"""What every use case works with: the services, the job runner and the credits monitor.

One ``Context`` per process (the app holds it in its runtime; the command line builds one
per run). Use cases receive it; front doors never reach into it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from core.config import Settings
from core.db import Database
from core.errors import NotFound
from core.jobs import JobRunner, RunnerOptions
from core.jobstore import Job
from core.library import VideoRecord
from core.services import Services
from core.status import CreditsMonitor
from core.voicelist import VoiceCatalogue


@dataclass
class Context:
    settings: Settings
    services: Services
    runner: JobRunner
    credits: CreditsMonitor
    voices: VoiceCatalogue = None  # type: ignore[assignment] — built from services if not given

    def __post_init__(self) -> None:
        if self.voices is None:
            self.voices = VoiceCatalogue(self.services)  # provider voice lists, in the background

    @classmethod
    def build(cls, settings: Settings) -> Context:
        services = Services.from_settings(settings)
        return cls(
            settings=settings,
            services=services,
            runner=JobRunner(services, RunnerOptions.from_settings(settings)),
            credits=CreditsMonitor(services),
        )

    # -- authorization: a user only ever reaches their own things ----------------------------
    def own_job(self, user: str, job_id: str) -> Job:
        """The job, if it is ``user``'s; NotFound otherwise (another's looks like a missing one)."""
        job = self.runner.get(job_id) if job_id else None
        if job is None or job.user != user:
            raise NotFound("library.job_not_found")
        return job

    def own_video(self, user: str, video_id: str) -> VideoRecord:
        """The video, if it is ``user``'s; NotFound otherwise."""
        record = self.services.library.get_video(video_id) if video_id else None
        if record is None or record.user != user:
            raise NotFound("library.video_not_found")
        return record


class WithDatabase:
    """The base of a use case that keeps its own rows in the library's database (API keys,
    rate limits, idempotency keys, uploads, batches, webhooks), stamped by a wall clock that
    every process agrees on (a test passes its own)."""

    def __init__(self, ctx: Context, clock: Callable[[], float] = time.time) -> None:
        self.ctx = ctx
        self.clock = clock

    @property
    def _db(self) -> Database:
        return self.ctx.services.library.db
