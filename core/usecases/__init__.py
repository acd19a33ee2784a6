"""The application layer: every use case of Parlante, each taking the acting user.

The pages, the command line and (later) the HTTP API call this — ``Parlante`` and the plain
types re-exported here — together with ``core.models``, ``core.errors``, ``core.config`` and
the message ids; nothing deeper. Authorization lives here: a user only ever sees and acts on
their own videos, jobs, photos, presets and choices, whichever door they came in by (another
user's things raise NotFound, like missing ones).

    app = Parlante.open(settings)            # starts the job runner (the pages)
    app = Parlante.open(settings, jobs=False)  # the command line renders in-process
    job = app.renders.submit_script(user, text, title)
    app.videos.history(user, search="abejas")

One module per concept: ``scripts``, ``renders`` (estimate, submit, retry, cancel, forget),
``videos`` (history, files, delete, use again), ``presenters`` (photos, stills), ``voices``
(engines, voices, previews), ``preferences`` (choices, presets, interface language),
``account`` (readiness, credits, daily usage), ``looks`` (formats, layouts, themes, uploads,
slides, preview), ``apikeys`` (the HTTP API's keys), ``ratelimits`` (its per-key limits),
``webhooks`` (video events posted to the caller), ``batches`` (videos from a spreadsheet),
``uploads`` (files sent for a video through the API).
"""

from __future__ import annotations

import threading
from dataclasses import replace

from core import languages
from core.audio.decode import AUDIO_EXTENSIONS
from core.auth import (
    OIDC,
    OPEN,
    PASSWORD,
    REFUSED,
    SHARED_USER,
    SignInRefused,
    Throttle,
    client_address,
    oidc_user_id,
    password_stamp,
    shared_throttle,
    sign_in_mode,
    try_password,
)
from core.avatars import MAX_PHOTO_BYTES
from core.choices import ENGINE_IDS, Choices, Estimate, video_title
from core.config import Settings
from core.engines.base import Capabilities
from core.history import HistoryItem
from core.jobstore import CANCELLED, DONE, FAILED, QUEUED, RUNNING, STATUSES, Job
from core.library import VideoRecord
from core.redaction import protect_logs
from core.status import Credits, Readiness
from core.usage import UsageToday, wait_text
from core.usecases.account import Account
from core.usecases.apikeys import ApiKey, ApiKeys, Caller, NewKey
from core.usecases.batches import Batches, BatchPlan, BatchStatus, RowProblem
from core.usecases.context import Context
from core.usecases.idempotency import Idempotency, IdempotencyConflict, request_hash
from core.usecases.looks import Looks, Theme, hex_colour, join_scenes, scene_parts
from core.usecases.media import Media
from core.usecases.preferences import Preferences
from core.usecases.presenters import Presenters
from core.usecases.ratelimits import RateLimits
from core.usecases.renders import Queue, Renders
from core.usecases.scripts import Scripts
from core.usecases.uploads import Upload, Uploads
from core.usecases.videos import Reuse, Videos, is_link
from core.usecases.voices import Voices
from core.usecases.webhooks import Delivery, Webhooks
from core.writers.prompt import LANGUAGES, TONES
from core.writers.timing import MAX_DURATION_S, MIN_DURATION_S


class Parlante:
    """The application: one per process, shared by every session and request."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.preferences = Preferences(ctx)
        self.scripts = Scripts(ctx)
        self.renders = Renders(ctx, self.preferences)
        self.videos = Videos(ctx, self.preferences)
        self.presenters = Presenters(ctx, self.preferences)
        self.voices = Voices(ctx)
        self.account = Account(ctx)
        self.apikeys = ApiKeys(ctx)
        self.idempotency = Idempotency(ctx)
        self.ratelimits = RateLimits(ctx)
        self.webhooks = Webhooks(ctx, self.apikeys)
        self.batches = Batches(ctx, self.renders, self.scripts)
        self.looks = Looks(ctx)
        self.uploads = Uploads(ctx)
        self.media = Media(ctx)

    @classmethod
    def open(cls, settings: Settings, *, jobs: bool = True) -> Parlante:
        """The application over ``settings``; with ``jobs`` its background runner starts
        (and recovers jobs a previous process left unfinished) — unless the settings say
        RUN_JOBS=0: then jobs are only submitted and watched here, workers
        (``python -m core worker``) run them."""
        protect_logs(settings.secrets)
        ctx = Context.build(settings)
        if jobs and settings.run_jobs:
            ctx.runner.start()
        return cls(ctx)

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def jobs_running(self) -> bool:
        """Whether this application's job runner is taking jobs."""
        return self.ctx.runner.alive

    def start_jobs(self) -> None:
        """Start (again) taking jobs, recovering those a stopped runner left (never with
        RUN_JOBS=0: workers take the jobs)."""
        if self.settings.run_jobs:
            self.ctx.runner.start()

    def work(self, stop: threading.Event, grace_s: float | None = None) -> None:
        """Be a worker (``python -m core worker``): run queued jobs in this process, one at a
        time, until ``stop`` is set; then let the running job finish for up to ``grace_s``
        (WORKER_GRACE_S) and hand it back to the queue if it has not (queued again, nothing
        half-written kept).

        On PostgreSQL the task queue (Procrastinate, core.taskqueue) hands this process the
        jobs; on SQLite it claims them from the jobs table. Either way this runner's
        supervisor renews its job's lease and takes over jobs of workers that died."""
        grace = self.settings.worker_grace_s if grace_s is None else grace_s
        runner = self.ctx.runner
        if not runner.queue.uses_tokens:
            runner.options = replace(runner.options, workers=1)
            runner.start()
            stop.wait()
            runner.drain(grace)
            return
        runner.options = replace(runner.options, workers=0)  # tokens bring the jobs
        runner.start()
        try:
            runner.queue.work(runner.run_token, stop, grace, self.settings.job_lease_s)
        finally:
            runner.stop()

    @property
    def runner_id(self) -> str:
        """This process's job runner (as recorded in the jobs it runs)."""
        return self.ctx.runner.id

    def close(self, timeout: float = 10.0) -> None:
        """Stop the job runner; running jobs go back to the queue."""
        self.ctx.runner.stop(timeout=timeout)

    def upgrade_database(self) -> tuple[str, str]:
        """Apply the schema's pending revisions now (a deployment step; the app and workers
        also do it on first use). Returns the database (password hidden) and its revision."""
        database = self.ctx.services.library.db
        return database.shown_url, database.upgrade()


__all__ = [
    "AUDIO_EXTENSIONS",
    "CANCELLED",
    "DONE",
    "ENGINE_IDS",
    "FAILED",
    "LANGUAGES",
    "MAX_DURATION_S",
    "MAX_PHOTO_BYTES",
    "MIN_DURATION_S",
    "OIDC",
    "OPEN",
    "PASSWORD",
    "QUEUED",
    "REFUSED",
    "RUNNING",
    "SHARED_USER",
    "STATUSES",
    "TONES",
    "ApiKey",
    "ApiKeys",
    "BatchPlan",
    "BatchStatus",
    "Batches",
    "Caller",
    "Capabilities",
    "Choices",
    "Credits",
    "Delivery",
    "Estimate",
    "HistoryItem",
    "Idempotency",
    "IdempotencyConflict",
    "Job",
    "NewKey",
    "Parlante",
    "Queue",
    "RateLimits",
    "Readiness",
    "Reuse",
    "RowProblem",
    "SignInRefused",
    "Theme",
    "Throttle",
    "Upload",
    "Uploads",
    "UsageToday",
    "VideoRecord",
    "Webhooks",
    "client_address",
    "hex_colour",
    "is_link",
    "join_scenes",
    "languages",
    "oidc_user_id",
    "password_stamp",
    "protect_logs",
    "request_hash",
    "scene_parts",
    "shared_throttle",
    "sign_in_mode",
    "try_password",
    "video_title",
    "wait_text",
]
