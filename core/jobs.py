"""The background job runner: renders queued videos, a bounded number at once.

How it works
- ``submit`` validates nothing (call ``pipeline.plan_render`` first) and writes the job to
  SQLite as ``queued`` before any work starts; the queue *is* the jobs table.
- ``max_jobs`` worker threads each claim the oldest queued job with one atomic UPDATE, so a
  job never runs twice at once, even with several processes on one APP_DATA_DIR.
- Progress reported by the pipeline is stored in the job's row as it happens (throttled);
  pages read it from there. Cancel is a flag the progress callback checks.
- A supervisor thread refreshes the heartbeat of this runner's jobs. At start-up (and every
  few seconds) jobs left ``running`` by a dead runner are queued again: a D-ID job then
  resumes polling the talk whose id its journal stored in the row; a local render restarts.
- A job that fails keeps its reason (the typed error's message, with secrets redacted).

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

log = logging.getLogger(__name__)

RenderFn = Callable[..., Video]

# Runner ids alive in this process (a runner that was stopped leaves its jobs to recovery).
_LIVE: set[str] = set()


class _Shutdown(Exception):
    """Raised inside a render when the runner stops: the job goes back to the queue."""


@dataclass(frozen=True)
class RunnerOptions:
    workers: int = 2
    poll_s: float = 0.5  # how often idle workers look at the queue (submit wakes them at once)
    heartbeat_s: float = 5.0
    stale_after_s: float = 30.0  # a running job whose runner is silent this long is orphaned
    max_attempts: int = 3  # interrupted this many times → failed
    progress_every_s: float = 0.2  # at most this often a progress write (stage changes: always)


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
        self.store = JobStore(services.library, clock)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = threading.Condition()
        self._stopping = threading.Event()
        self._cancel: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> JobRunner:
        if self._threads:
            return self
        _LIVE.add(self.id)
        self.services.library.clean_staging()
        self.recover()
        for n in range(self.options.workers):
            self._spawn(self._work, f"parlante-job-{n}")
        self._spawn(self._supervise, "parlante-jobs-supervisor")
        return self

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking jobs; running ones go back to the queue at their next progress report."""
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        _LIVE.discard(self.id)
        self._threads.clear()

    # -- what the pages call ----------------------------------------------------------------
    def submit(self, request: RenderRequest, engine: str, user: str = "", title: str = "") -> Job:
        job = self.store.insert(engine, request, user=user, title=title)
        with self._wake:
            self._wake.notify()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def jobs(
        self, user: str = "", statuses: tuple[str, ...] = (), engine: str | None = None
    ) -> list[Job]:
        return self.store.list(user, statuses or None, engine)

    def cancel(self, job_id: str) -> str | None:
        """Cancel a job: a queued one at once, a running one at its next progress report."""
        status = self.store.request_cancel(job_id)
        with self._lock:
            event = self._cancel.get(job_id)
        if event is not None:
            event.set()
        return status

    def forget(self, job_id: str) -> bool:
        """Remove a finished job from the list (its video, if any, stays in the library)."""
        return self.store.delete(job_id)

    def wait(self, job_id: str, timeout: float = 60.0, poll_s: float = 0.05) -> Job:
        """Block until the job has finished (for the CLI, tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.store.get(job_id)
            if job is None:
                raise KeyError(job_id)
            if job.finished or time.monotonic() >= deadline:
                return job
            time.sleep(poll_s)

    # -- recovery ---------------------------------------------------------------------------
    def recover(self) -> list[str]:
        """Queue again (or fail) jobs left running by a runner that is gone. Returns their ids."""
        now = self.clock()
        recovered = []
        for job in self.store.running():
            if job.runner == self.id:
                continue
            alive = _pid_alive(job.runner)
            stale = now - job.heartbeat_at > self.options.stale_after_s
            if alive is False or (alive is None and stale) or not job.runner:
                message = msg("progress.resume_talk" if job.talk_id else "progress.requeued")
                status = self.store.recover(job, self.options.max_attempts, message)
                log.info("job %s was interrupted; now %s", job.id, status)
                recovered.append(job.id)
        if recovered:
            with self._wake:
                self._wake.notify_all()
        return recovered

    # -- threads ----------------------------------------------------------------------------
    def _supervise(self) -> None:
        while not self._stopping.wait(self.options.heartbeat_s):
            try:
                self.store.heartbeat(self.id)
                self.recover()
            except Exception:
                log.exception("job supervisor failed; retrying")

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self.store.claim_next(self.id)
            except Exception:
                log.exception("could not read the job queue; retrying")
                job = None
            if job is None:
                with self._wake:
                    self._wake.wait(self.options.poll_s)
                continue
            self._run(job)

    def _run(self, job: Job) -> None:
        event = threading.Event()
        with self._lock:
            self._cancel[job.id] = event
        progress = _Progress(self, job.id, event)
        try:
            video = self.render(
                self.services,
                job.request,
                job.engine,
                on_progress=progress,
                journal=JobJournal(self.store, job.id),
                user=job.user,
            )
            self.store.finish(job.id, self.id, DONE, video_id=video.id, stage=DONE)
        except Cancelled:
            self.store.finish(job.id, self.id, CANCELLED, stage=CANCELLED)
        except _Shutdown:
            self.store.requeue(job.id, self.id, msg("progress.server_restarted"))
        except AppError as err:
            self._fail(job, err)
        except Exception as err:  # a bug or an unexpected library error: keep a reason
            log.exception("job %s failed unexpectedly", job.id)
            self._fail(job, AppError("job.unexpected", detail=f"{type(err).__name__}: {err}"))
        finally:
            with self._lock:
                self._cancel.pop(job.id, None)

    def _fail(self, job: Job, err: AppError) -> None:
        """Keep why the job failed: English text plus id + parameters, secrets redacted."""
        err.map_text(self.services.settings.redact)
        self.store.finish(
            job.id, self.id, FAILED, error=err.message, stage=FAILED, error_data=err.to_data()
        )


class _Progress:
    """The on_progress callback for one job: stores progress, raises on cancel or shutdown."""

    def __init__(self, runner: JobRunner, job_id: str, cancel: threading.Event) -> None:
        self.runner = runner
        self.job_id = job_id
        self.cancel = cancel
        self.last_stage = ""
        self.last_write = -1e9

    def __call__(self, stage: str, fraction: float, message: str | Msg = "") -> None:
        runner = self.runner
        if self.cancel.is_set():
            raise Cancelled("job.cancelled")
        if runner._stopping.is_set():
            raise _Shutdown()
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
