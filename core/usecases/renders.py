"""Making videos: estimate, submit (validated and within the daily cap before anything is
queued), follow, cancel, retry and forget jobs — each only the acting user's own."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from core.audio.narration import store_narration
from core.choices import Estimate
from core.errors import InputError, NotFound
from core.jobstore import CANCELLED, FAILED, QUEUED, RUNNING, Job
from core.library import VideoRecord
from core.models import Look, ProgressFn, RenderRequest, Video, no_progress
from core.pipeline import check_quota, plan_render, render_video
from core.usecases.context import Context
from core.usecases.preferences import Preferences
from core.writers.timing import count_words, estimate_seconds

RETRYABLE = (FAILED, CANCELLED)


@dataclass(frozen=True)
class Queue:
    """How busy the job runner is (all users together: only counts, nothing of anyone's)."""

    running: int
    queued: int


class Renders:
    def __init__(self, ctx: Context, preferences: Preferences) -> None:
        self.ctx = ctx
        self.preferences = preferences

    # -- before a job ----------------------------------------------------------------------------
    def estimate(self, user: str, text: str) -> Estimate:
        """Words, speaking time at the chosen rate, and the credits the engine would bill."""
        choices = self.preferences.load(user)
        words = count_words(text)
        seconds = round(estimate_seconds(text, choices.language) / max(choices.rate, 0.1), 1)
        block = self.ctx.services.engine(choices.engine).capabilities.seconds_per_credit
        credits = (math.ceil(seconds / block) if words else 0) if block > 0 else None
        return Estimate(words=words, seconds=seconds, credits=credits)

    def check(self, user: str, request: RenderRequest, engine: str) -> None:
        """Everything a render needs, before any slow work: InputError for bad input,
        LimitReached when today's metered videos are used up. Nothing is recorded."""
        plan_render(self.ctx.services, request, engine, user)
        check_quota(self.ctx.services, engine, user)

    # -- jobs ------------------------------------------------------------------------------------
    def submit(self, user: str, request: RenderRequest, engine: str, title: str = "") -> Job:
        """Queue a render for ``user`` once ``check`` passed (bad input never becomes a job)."""
        self.check(user, request, engine)
        return self.ctx.runner.submit(request, engine, user=user, title=title)

    def submit_script(
        self,
        user: str,
        text: str,
        title: str = "",
        look: Look | None = None,
        audio: str | None = None,
        keep_unaligned: bool = False,
    ) -> Job:
        """Queue ``text`` with the user's current choices (engine, voice, presenter, rate,
        look — or ``look`` as given), spoken by the narration ``audio`` when given."""
        choices = self.preferences.load(user)
        request = choices.request(text, title=title, look=look)
        if audio:
            request = replace(request, audio=audio, keep_unaligned=keep_unaligned)
        return self.submit(user, request, choices.engine, title)

    def keep_narration(self, user: str, data: bytes, name: str) -> Path:
        """Check and keep the person's own narration (an upload or a recording); its path
        for ``submit_script(audio=…)``. InputError when it is not usable audio or too big."""
        settings = self.ctx.settings
        path = store_narration(settings.data_dir, data, name, settings.max_audio_mb)
        self.ctx.services.library.kept.share(path)  # object store: the workers find it there
        return path

    def job(self, user: str, job_id: str) -> Job:
        return self.ctx.own_job(user, job_id)

    def find(self, user: str, job_id: str) -> Job | None:
        """The user's job, or None (gone, or not theirs)."""
        try:
            return self.ctx.own_job(user, job_id)
        except NotFound:
            return None

    def jobs(self, user: str, statuses: tuple[str, ...] = (), limit: int = 200) -> list[Job]:
        """The user's latest jobs (newest first), only those in ``statuses`` when given."""
        return self.ctx.runner.jobs(user, statuses, limit=limit)

    def wait(self, user: str, job_id: str, timeout_s: float) -> Job:
        """Block until the user's job has finished (or ``timeout_s`` passed: then it is
        returned unfinished) — whichever runner or worker renders it."""
        job = self.ctx.own_job(user, job_id)
        return self.ctx.runner.wait(job.id, timeout=timeout_s, poll_s=0.5)

    def busy(self, user: str) -> bool:
        """Whether ``user`` has a job queued or running."""
        return bool(self.ctx.runner.jobs(user, (QUEUED, RUNNING)))

    def cancel(self, user: str, job_id: str) -> str | None:
        """Cancel a queued job at once, a running one at its next progress report."""
        return self.ctx.runner.cancel(self.ctx.own_job(user, job_id).id)

    def retry(self, user: str, job_id: str) -> Job:
        """Queue a failed or cancelled job again, keeping what it already has (a paid render
        the provider started is resumed, not paid for twice)."""
        job = self.ctx.own_job(user, job_id)
        again = self.ctx.runner.retry(job.id, user) if job.status in RETRYABLE else None
        if again is None:
            raise InputError("job.not_retryable")
        return again

    def forget(self, user: str, job_id: str) -> bool:
        """Remove a finished job from the list (its video, if any, stays in the library)."""
        return self.ctx.runner.forget(self.ctx.own_job(user, job_id).id)

    def video(self, user: str, job: Job) -> VideoRecord | None:
        """The finished job's video with all its files, or None (deleted, or not done)."""
        if not job.video_id:
            return None
        record = self.ctx.services.library.get_video(job.video_id)
        if record is None or record.user != user or not record.complete():
            return None
        return record

    def files_here(self, user: str, record: VideoRecord) -> VideoRecord:
        """The user's video with its files on this machine (with an object store, fetched
        once into this machine's copies), for the command line's --out and --subtitles."""
        if record.user != user:
            raise NotFound("library.video_not_found")
        try:
            return self.ctx.services.library.local_copy(record)
        except FileNotFoundError:
            raise NotFound("library.video_files_missing") from None

    def queue(self) -> Queue:
        store = self.ctx.runner.store
        return Queue(running=store.count(RUNNING), queued=store.count(QUEUED))

    # -- at once (the command line) ----------------------------------------------------------------
    def render_now(
        self,
        user: str,
        request: RenderRequest,
        engine: str,
        on_progress: ProgressFn = no_progress,
    ) -> Video:
        """Render in this process and wait (the command line; the pages queue jobs). The
        video's files are on this machine when it returns (copied from the object store when
        it came from the library)."""
        services = self.ctx.services
        video = render_video(services, request, engine, on_progress=on_progress, user=user)
        record = services.library.get_video(video.id) if video.cached else None
        if record is not None:
            services.library.local_copy(record)
        return video
