"""The background job runner: renders queued videos, a bounded number at once.

How it works
- ``submit`` validates nothing (call ``pipeline.plan_render`` first) and writes the job to
  SQLite as ``queued`` before any work starts; the queue *is* the jobs table.
- ``max_jobs`` worker threads each claim the oldest queued job with one atomic UPDATE, so a
  job never runs twice at once, even with several processes on one APP_DATA_DIR.
- Progress reported by the pipeline is stored in the job's row as it happens (throttled);
  pages read it from there. Cancel is a flag the progress callback checks.
- Each running job holds a lease: its row's ``heartbeat_at``, renewed every few seconds by
  this runner's supervisor *for that job only*, and only while its render keeps reporting
  progress. A job whose lease runs out (its process died or hung, or its worker thread is
  gone) is queued again by any runner, even if the process that held it is still alive: a
  job whose engine saved a resume token in its row then resumes the provider's work; any
  other render restarts. A render that stops reporting progress for ``stall_after_s`` is failed with
  that reason (its notes are kept, so Retry resumes the provider's work) and its worker replaced.
- A worker thread never dies of an error: storing a job's end is retried, and whatever
  still fails leaves the job to lease expiry, which queues it again.
- A job that fails keeps its reason (the typed error's message, with secrets redacted).
  ``retry`` queues a failed or cancelled job again with its notes and resume token: the
  provider's work is resumed, not paid for twice.

Nothing here imports Streamlit; the app holds one runner per process (st.cache_resource).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.config import Settings
from core.errors import AppError, Cancelled
from core.jobstore import (
    CANCELLED,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Job,
    JobJournal,
    JobStore,
)
from core.messages import Msg, msg
from core.models import RenderRequest, Video
from core.pipeline import render_video
from core.services import Services
from core.sweep import sweep
from core.taskqueue import task_queue

log = logging.getLogger(__name__)

RenderFn = Callable[..., Video]

# Runner ids alive in this process (a runner that was stopped leaves its jobs to recovery).
_LIVE: set[str] = set()


class _Shutdown(Exception):
    """Raised inside a render when the runner stops: the job goes back to the queue."""


@dataclass
class _Active:
    """A job this runner's worker is rendering right now."""

    job_id: str
    cancel: threading.Event
    stopping: threading.Event  # the generation of workers the job runs in
    last_progress: float  # runner clock
    should_stop: Callable[[], bool] | None = None  # the task queue's "shutting down" question
    polled: bool = True  # claimed by one of this runner's worker threads (not a token)


FINISH_TRIES = 5  # storing a job's end: tries before leaving the job to lease expiry


@dataclass(frozen=True)
class RunnerOptions:
    workers: int = 2
    poll_s: float = 0.5  # how often idle workers look at the queue (submit wakes them at once)
    heartbeat_s: float = 5.0  # how often leases are renewed and orphans looked for
    stale_after_s: float = 30.0  # a running job whose lease is this old is orphaned
    stall_after_s: float = 600.0  # a render with no progress this long is stopped (failed)
    max_attempts: int = 3  # interrupted this many times → failed
    progress_every_s: float = 0.2  # at most this often a progress write (stage changes: always)

    @classmethod
    def from_settings(cls, settings: Settings, workers: int | None = None) -> RunnerOptions:
        """MAX_JOBS workers (or ``workers``); leases of JOB_LEASE_S, renewed 6 times in one."""
        lease = settings.job_lease_s
        return cls(
            workers=settings.max_jobs if workers is None else workers,
            heartbeat_s=min(5.0, lease / 6),
            stale_after_s=lease,
        )


def _pid_alive(runner: str) -> bool | None:
    """True/False for a runner of this host, None when it cannot be told (other host)."""
    host, _, rest = runner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return runner in _LIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobRunner:
    def __init__(
        self,
        services: Services,
        options: RunnerOptions | None = None,
        *,
        render: RenderFn = render_video,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.services = services
        self.options = options or RunnerOptions(workers=services.settings.max_jobs)
        self.render = render
        self.clock = clock
        self.queue = task_queue(services.settings.database_url)
        self.store = JobStore(
            services.library, clock, self.queue.enqueue if self.queue.uses_tokens else None
        )
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = threading.Condition()
        self._finished = threading.Condition()  # notified when a job of this process ends
        self._stopping = threading.Event()  # replaced by each start(): one per generation
        self._draining = threading.Event()  # set by drain(): take no new jobs
        self._active: dict[str, _Active] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> JobRunner:
        if self._threads and not self._stopping.is_set():
            return self
        self._stopping = threading.Event()  # threads of a stopped generation keep theirs
        self._draining.clear()
        self._threads = []
        _LIVE.add(self.id)
        self.services.library.clean_staging()
        self._sweep_media()
        self.recover()
        for n in range(self.options.workers):
            self._spawn_worker(n)
        stopping = self._stopping
        self._spawn(lambda: self._supervise(stopping), "parlante-jobs-supervisor")
        return self

    def _sweep_media(self) -> None:
        """Remove stored files a crashed upload left with no record (old enough not to be
        an upload still under way; core.sweep)."""
        try:
            sweep(self.services.library, self.services.settings.media_orphan_s)
        except AppError as err:  # the store is down: renders will say so; start anyway
            log.warning("media sweep skipped: %s", err.message)

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _spawn_worker(self, n: int) -> None:
        stopping = self._stopping
        self._spawn(lambda: self._work(stopping), f"parlante-job-{n}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking jobs; running ones go back to the queue at their next progress report."""
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        _LIVE.discard(self.id)

    def drain(self, grace_s: float) -> bool:
        """Stop taking jobs and let the running ones finish for up to ``grace_s`` seconds;
        then stop, handing any still running back to the queue (a worker's SIGTERM).
        True when every running job finished within the grace period."""
        self._draining.set()
        deadline = time.monotonic() + grace_s
        with self._finished:
            while self._active and (left := deadline - time.monotonic()) > 0:
                self._finished.wait(min(0.5, left))
        finished = not self._active
        self.stop()
        return finished

    @property
    def busy(self) -> int:
        """How many jobs this runner is rendering now."""
        with self._lock:
            return len(self._active)

    @property
    def alive(self) -> bool:
        return bool(self._threads) and not self._stopping.is_set()

    # -- what the pages call ----------------------------------------------------------------
    def submit(self, request: RenderRequest, engine: str, user: str = "", title: str = "") -> Job:
        """Queue a render. The same request while an equal one is still unfinished returns
        that job instead of a second one (two clicks never pay twice)."""
        same = self.store.find_unfinished(engine, request, user=user)
        if same is not None:
            return same
        job = self.store.insert(engine, request, user=user, title=title)
        with self._wake:
            self._wake.notify()
        return job

    def retry(self, job_id: str, user: str = "") -> Job | None:
        """Queue a failed or cancelled job of ``user`` again, with its notes (an engine
        resumes the work it started instead of paying for more). None when it cannot be retried."""
        job = self.store.retry(job_id, user)
        if job is not None:
            with self._wake:
                self._wake.notify()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def jobs(
        self,
        user: str = "",
        statuses: tuple[str, ...] = (),
        engine: str | None = None,
        limit: int = 200,
    ) -> list[Job]:
        return self.store.list(user, statuses or None, engine, limit=limit)

    def cancel(self, job_id: str) -> str | None:
        """Cancel a job: a queued one at once, a running one at its next progress report."""
        status = self.store.request_cancel(job_id)
        with self._lock:
            active = self._active.get(job_id)
        if active is not None:
            active.cancel.set()
        return status

    def forget(self, job_id: str) -> bool:
        """Remove a finished job from the list (its video, if any, stays in the library)."""
        return self.store.delete(job_id)

    def wait(self, job_id: str, timeout: float = 60.0, poll_s: float = 0.2) -> Job:
        """Block until the job has finished (for the CLI, tests and benchmarks). Woken at once
        by a job this process finishes; a job of another process is seen within ``poll_s``."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.store.get(job_id)
            if job is None:
                raise KeyError(job_id)
            left = deadline - time.monotonic()
            if job.finished or left <= 0:
                return job
            with self._finished:
                self._finished.wait(min(poll_s, left))

    # -- leases and recovery ----------------------------------------------------------------
    def check(self) -> list[str]:
        """One supervisor round: renew the leases of renders that progress, stop renders that
        stalled, queue again jobs whose lease ran out. Returns the ids recovered."""
        now = self.clock()
        with self._lock:
            active = list(self._active.values())
        fresh = [a.job_id for a in active if now - a.last_progress <= self.options.stall_after_s]
        for stalled in (a for a in active if a.job_id not in fresh):
            self._stalled(stalled, now)
        if fresh:
            self.store.heartbeat(self.id, fresh)
        return self.recover()

    def _stalled(self, active: _Active, now: float) -> None:
        """A render that stopped reporting progress: fail it with the reason, release its
        worker slot (a new worker takes over), and stop the render if it ever wakes up."""
        waited = now - active.last_progress
        job = self.store.get(active.job_id)
        stage = job.stage if job else ""
        reason = AppError("job.stalled", seconds=round(waited), stage=stage)
        log.error("job %s stalled for %.0f s at %s; failing it", active.job_id, waited, stage)
        self.store.finish(active.job_id, self.id, FAILED, **self._failure(reason))
        active.cancel.set()
        with self._lock:
            self._active.pop(active.job_id, None)
        if active.polled and not active.stopping.is_set() and active.stopping is self._stopping:
            self._spawn_worker(len(self._threads))  # the hung thread retires when it returns

    def recover(self) -> list[str]:
        """Queue again (or fail) jobs whose runner is gone or whose lease ran out."""
        now = self.clock()
        recovered = []
        with self._lock:
            mine = set(self._active)
        for job in self.store.running():
            if job.id in mine:
                continue
            alive = _pid_alive(job.runner) if job.runner else False
            stale = now - job.heartbeat_at > self.options.stale_after_s
            if alive is False or stale:
                message = msg("progress.resumed" if job.resume_token else "progress.requeued")
                status = self.store.recover(job, self.options.max_attempts, message)
                log.info("job %s was interrupted; now %s", job.id, status)
                recovered.append(job.id)
        if recovered:
            with contextlib.suppress(OSError):  # a dead render's half-written folder
                self.services.library.clean_staging()
            with self._wake:
                self._wake.notify_all()
        return recovered

    # -- threads ----------------------------------------------------------------------------
    def _supervise(self, stopping: threading.Event) -> None:
        while not stopping.wait(self.options.heartbeat_s):
            try:
                self.check()
            except Exception:
                log.exception("job supervisor failed; retrying")

    def _work(self, stopping: threading.Event) -> None:
        me = threading.current_thread()
        while not stopping.is_set():
            if self._draining.is_set():
                stopping.wait(self.options.poll_s)
                continue
            try:
                job = self.store.claim_next(self.id)
            except Exception:
                log.exception("could not read the job queue; retrying")
                job = None
            if job is None:
                with self._wake:
                    self._wake.wait(self.options.poll_s)
                continue
            try:
                retired = self._run(job, stopping)
            except Exception:  # never let a worker die: the job's lease will run out
                log.exception("worker failed around job %s; its lease will expire", job.id)
                retired = False
            if retired:
                log.warning("worker %s was replaced while its render hung; exiting", me.name)
                return

    def run_token(self, job_id: str, should_stop: Callable[[], bool]) -> None:
        """The task queue's token for ``job_id`` arrived (a worker on PostgreSQL): run the job
        if it is still queued — a token for a job that runs elsewhere or ended does nothing.
        ``should_stop()`` turning True (the worker shuts down) hands the job back."""
        job = self.store.claim(job_id, self.id)
        if job is None:
            log.info("job %s is not queued any more; nothing to do", job_id)
            return
        self._run(job, self._stopping, should_stop)

    def _run(
        self,
        job: Job,
        stopping: threading.Event,
        should_stop: Callable[[], bool] | None = None,
    ) -> bool:
        """Render one claimed job and store how it ended. True if this worker was replaced
        meanwhile (its render stalled), so it must exit."""
        event = threading.Event()
        active = _Active(job.id, event, stopping, self.clock(), should_stop, should_stop is None)
        with self._lock:
            self._active[job.id] = active
        progress = _Progress(self, active)
        outcome: tuple[str, dict[str, Any]]
        try:
            video = self.render(
                self.services,
                job.request,
                job.engine,
                on_progress=progress,
                journal=JobJournal(self.store, job.id),
                user=job.user,
            )
            outcome = (DONE, {"video_id": video.id, "stage": DONE})
        except Cancelled:
            outcome = (CANCELLED, {"stage": CANCELLED})
        except _Shutdown:
            outcome = (QUEUED, {})
        except AppError as err:
            outcome = (FAILED, self._failure(err))
        except Exception as err:  # a bug or an unexpected library error: keep a reason
            log.exception("job %s failed unexpectedly", job.id)
            unexpected = AppError("job.unexpected", detail=f"{type(err).__name__}: {err}")
            outcome = (FAILED, self._failure(unexpected))
        with self._lock:
            retired = self._active.get(job.id) is not active  # failed as stalled meanwhile
            if not retired:
                del self._active[job.id]
        if not retired:
            self._store_end(job.id, *outcome)
        with self._finished:
            self._finished.notify_all()
        return retired

    def _failure(self, err: AppError) -> dict[str, Any]:
        """Why a job failed: English text plus id + parameters, secrets redacted."""
        err.map_text(self.services.settings.redact)
        return {"error": err.message, "stage": FAILED, "error_data": err.to_data()}

    def _store_end(self, job_id: str, status: str, fields: dict[str, Any]) -> None:
        """Record how a job ended, retrying a busy or full disk a few times. If it still
        fails, the job's lease is no longer renewed and recovery queues it again."""
        for attempt in range(FINISH_TRIES):
            try:
                if status == QUEUED:
                    self.store.requeue(job_id, self.id, msg("progress.server_restarted"))
                else:
                    self.store.finish(job_id, self.id, status, **fields)
                return
            except Exception:
                log.exception("could not store the end of job %s (try %d)", job_id, attempt + 1)
                if self._stopping.wait(min(5.0, 0.2 * 2**attempt)):
                    return


class _Progress:
    """The on_progress callback for one job: stores progress, raises on cancel or shutdown."""

    def __init__(self, runner: JobRunner, active: _Active) -> None:
        self.runner = runner
        self.active = active
        self.job_id = active.job_id
        self.last_stage = ""
        self.last_write = -1e9

    def __call__(self, stage: str, fraction: float, message: str | Msg = "") -> None:
        runner = self.runner
        if self.active.cancel.is_set():
            raise Cancelled("job.cancelled")
        if self.active.stopping.is_set():
            raise _Shutdown()
        if self.active.should_stop is not None and self.active.should_stop():
            raise _Shutdown()  # the worker is shutting down: the job goes back to the queue
        self.active.last_progress = runner.clock()
        now = time.monotonic()
        if stage == self.last_stage and now - self.last_write < runner.options.progress_every_s:
            return
        self.last_stage, self.last_write = stage, now
        still_ours = True
        with contextlib.suppress(Exception):  # progress is best effort; never kill the render
            still_ours = runner.store.progress(
                self.job_id, runner.id, stage, fraction, _redacted(message, runner.services)
            )
        if not still_ours:
            if runner.store.cancel_requested(self.job_id):
                raise Cancelled("job.cancelled")
            raise _Shutdown()  # another runner took the job over: stop, do not run it twice


def _redacted(message: str | Msg, services: Services) -> str | Msg:
    redact = services.settings.redact
    return message.map_text(redact) if isinstance(message, Msg) else redact(message)


__all__ = [
    "CANCELLED",
    "DONE",
    "FAILED",
    "QUEUED",
    "RUNNING",
    "Job",
    "JobJournal",
    "JobRunner",
    "RunnerOptions",
]
