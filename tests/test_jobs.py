"""The background job runner: persistence, bounded concurrency, cancel, restart recovery."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Iterator

import pytest

from core import avatars
from core.config import Settings
from core.errors import QuotaError
from core.jobs import CANCELLED, DONE, FAILED, QUEUED, RUNNING, JobRunner, RunnerOptions
from core.jobstore import JobJournal, JobStore
from core.models import Avatar, RenderRequest
from core.services import Services
from tests import fake_engine
from tests.conftest import FAKE_DID_KEY, db_env

pytestmark = pytest.mark.usefixtures("backend")  # on SQLite and on PostgreSQL

FAST = RunnerOptions(workers=2, poll_s=0.02, heartbeat_s=0.05, stale_after_s=30.0)


@pytest.fixture(autouse=True)
def fake(monkeypatch: pytest.MonkeyPatch) -> fake_engine.FakeControl:
    monkeypatch.setattr(avatars, "builtin_avatars", lambda: [Avatar("ana", "Ana", "illustrated")])
    return fake_engine.install(monkeypatch, "fake", "did")


@pytest.fixture
def runners() -> Iterator[list[JobRunner]]:
    started: list[JobRunner] = []
    yield started
    for runner in started:
        runner.stop()


def start(services: Services, runners: list[JobRunner], **kw: object) -> JobRunner:
    runner = JobRunner(services, RunnerOptions(**{**FAST.__dict__, **kw})).start()
    runners.append(runner)
    return runner


def request(text: str = "Hola a todos.") -> RenderRequest:
    return RenderRequest(text=text, language="es")


def test_job_is_written_before_work_and_ends_with_its_video(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners)
    job = runner.submit(request(), "fake", title="Saludo")
    stored = JobStore(services.library, lambda: 0).get(job.id)
    assert stored is not None and stored.status in (QUEUED, RUNNING)
    assert stored.request.job_id == job.id  # identifies the job to D-ID (user_data)
    fake.gate.set()
    done = runner.wait(job.id, timeout=10)
    assert done.status == DONE and done.fraction == 1.0
    video = services.library.get_video(done.video_id)
    assert video is not None and video.complete() and video.script == "Hola a todos."


def test_progress_is_stored_while_the_render_runs(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners)
    job = runner.submit(request(), "fake")
    fake.wait_until(lambda c: c.waiting == 1)
    current = runner.get(job.id)
    assert current.status == RUNNING and current.stage == "animation"
    assert current.message.startswith("Frame")
    fake.gate.set()
    assert runner.wait(job.id, timeout=10).status == DONE


def test_at_most_max_jobs_run_at_once_and_the_rest_wait(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners, workers=2)
    jobs = [runner.submit(request(f"Texto número {i}."), "fake") for i in range(6)]
    fake.wait_until(lambda c: c.waiting == 2)  # both workers are inside the engine
    statuses = sorted(j.status for j in runner.jobs())
    assert statuses == [QUEUED] * 4 + [RUNNING] * 2
    fake.gate.set()
    assert all(runner.wait(j.id, timeout=10).status == DONE for j in jobs)
    assert fake.max_parallel == 2
    ids = [j.id for j in jobs]
    assert set(fake.renders[:2]) == set(ids[:2]), (fake.renders, ids)  # first come, first served


def test_two_runners_never_run_one_job_twice(services, runners, fake):
    fake.steps = 20
    first = start(services, runners, workers=3)
    second = start(Services.from_settings(services.settings), runners, workers=3)
    jobs = [first.submit(request(f"Guion {i}."), "fake") for i in range(12)]
    assert all(second.wait(j.id, timeout=120).status == DONE for j in jobs)  # a loaded machine
    assert sorted(fake.renders) == sorted(j.id for j in jobs)  # each exactly once
    assert fake.max_parallel_same_job == 1


def test_cancel_a_queued_job_and_a_running_job(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners, workers=1)
    running = runner.submit(request("Uno."), "fake")
    queued = runner.submit(request("Dos."), "fake")
    fake.wait_until(lambda c: c.waiting == 1)
    assert runner.cancel(queued.id) == CANCELLED
    runner.cancel(running.id)
    assert runner.wait(running.id, timeout=10).status == CANCELLED
    assert queued.id not in fake.renders
    assert not list(services.library.media_dir.glob(".staging-*"))  # nothing half-written
    assert services.library.list_videos() == []


def test_failed_job_keeps_its_reason_without_secrets(data_dir, runners, fake):
    settings = Settings.from_sources(
        {**db_env(), "APP_DATA_DIR": str(data_dir), "DID_API_KEY": FAKE_DID_KEY}
    )
    services = Services.from_settings(settings)
    fake.fail_with = QuotaError(f"Not enough D-ID credits for key {FAKE_DID_KEY}.", provider="d-id")
    runner = start(services, runners)
    job = runner.wait(runner.submit(request(), "did").id, timeout=10)
    assert job.status == FAILED
    assert "Not enough D-ID credits" in job.error and FAKE_DID_KEY not in job.error


def test_unexpected_exception_is_a_failed_job_with_a_reason(services, runners, fake):
    fake.fail_with = RuntimeError("boom")
    runner = start(services, runners)
    job = runner.wait(runner.submit(request(), "fake").id, timeout=10)
    assert job.status == FAILED and "boom" in job.error and "Try again" in job.error


def test_journal_stores_the_resume_token_and_notes_in_the_job_row(services):
    store = JobStore(services.library, lambda: 100.0)
    job = store.insert("did", request())
    journal = JobJournal(store, job.id)
    assert journal.resume_token() is None
    journal.save_resume_token("tlk_123")
    journal.set("upload", "s3://bucket/img.jpg")
    again = JobJournal(JobStore(services.library, lambda: 0), job.id)
    assert again.resume_token() == "tlk_123" and again.get("upload") == "s3://bucket/img.jpg"
    assert store.get(job.id).resume_token == "tlk_123"
    journal.refund()
    assert store.get(job.id).resume_token is None and again.get("upload")


def _orphan(services: Services, engine: str, token: str | None, runner: str) -> str:
    """A job left 'running' by a process that died."""
    store = JobStore(services.library, lambda: 1000.0)
    job = store.insert(engine, request(f"Huérfano {engine}."))
    claimed = store.claim_next(runner)
    assert claimed is not None and claimed.id == job.id
    if token:
        store.set_resume_token(job.id, token)
    return job.id


def test_restart_resumes_did_talk_and_requeues_local_render(services, runners, fake):
    dead = "some-other-host:4242:deadbeef"  # another host, silent since t=1000
    did_job = _orphan(services, "did", "tlk_stored", dead)
    local_job = _orphan(services, "fake", None, dead)
    runner = start(services, runners)  # time.time() ≫ 1000 + stale_after
    assert runner.wait(did_job, timeout=10).status == DONE
    assert runner.wait(local_job, timeout=10).status == DONE
    assert "tlk_stored" in fake.tokens_seen  # polled the stored talk, created none anew
    assert fake.renders.count(did_job) == 1 and fake.renders.count(local_job) == 1


def test_a_live_runner_s_job_is_not_taken_over(services, runners, fake):
    store = JobStore(services.library, lambda: 10**12)  # heartbeat in the future: fresh
    job = store.insert("fake", request())
    store.claim_next("some-other-host:1:alive")
    runner = start(services, runners)
    assert runner.recover() == []
    assert runner.get(job.id).status == RUNNING and job.id not in fake.renders


def test_job_interrupted_too_often_fails_with_a_reason(services, runners, fake):
    store = JobStore(services.library, lambda: 1000.0)
    job = store.insert("fake", request())
    for _ in range(3):
        store.claim_next("gone-host:1:x")
        store.recover(store.get(job.id), max_attempts=99, message="again")
    store.claim_next("gone-host:1:x")
    start(services, runners, max_attempts=3)
    final = store.get(job.id)
    assert final.status == FAILED and "interrupted" in final.error


def test_stopping_puts_the_running_job_back_in_the_queue(services, runners, fake):
    fake.gate = threading.Event()
    runner = JobRunner(services, FAST).start()
    job = runner.submit(request(), "fake")
    fake.wait_until(lambda c: c.waiting == 1)
    runner.stop()
    assert runner.get(job.id).status == QUEUED
    fake.gate.set()
    successor = start(services, runners)
    assert successor.wait(job.id, timeout=10).status == DONE


def test_forget_removes_only_finished_jobs(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners, workers=1)
    job = runner.submit(request(), "fake")
    assert runner.forget(job.id) is False
    fake.gate.set()
    runner.wait(job.id, timeout=10)
    assert runner.forget(job.id) is True and runner.get(job.id) is None


def test_identical_render_is_served_from_the_cache(services, runners, fake):
    runner = start(services, runners)
    first = runner.wait(runner.submit(request(), "fake").id, timeout=10)
    second = runner.wait(runner.submit(request(), "fake").id, timeout=10)
    assert first.video_id == second.video_id and len(fake.renders) == 1


# --- leases, stalls, a worker that must not die ---------------------------------------------


class Clock:
    """Wall time for the runner, moved by the test."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_failing_finish_does_not_kill_the_worker(services, runners, fake, monkeypatch):
    runner = start(services, runners, workers=1)
    real_finish = runner.store.finish
    failures = [sqlite3.OperationalError("database is locked")] * 2

    def flaky_finish(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(runner.store, "finish", flaky_finish)
    monkeypatch.setattr("core.jobs.FINISH_TRIES", 5)
    first = runner.submit(request("Uno."), "fake")
    assert runner.wait(first.id, timeout=20).status == DONE  # stored on the third try
    second = runner.submit(request("Dos."), "fake")  # the one worker is still alive
    assert runner.wait(second.id, timeout=20).status == DONE


def test_a_stale_lease_is_recovered_even_if_its_process_lives(services, runners, fake):
    clock = Clock()
    store = JobStore(services.library, clock)
    job = store.insert("fake", request())
    parent = f"{socket.gethostname()}:{os.getppid()}:stuck"  # a live process of this host
    store.claim_next(parent)
    runner = JobRunner(services, FAST, clock=clock)
    assert runner.recover() == []  # its lease is fresh
    clock.now += FAST.stale_after_s + 1  # ...and then nobody renews it
    assert runner.recover() == [job.id]
    assert store.get(job.id).status == QUEUED


def test_leases_are_renewed_per_job_only_while_it_progresses(services, runners, fake):
    fake.gate = threading.Event()
    clock = Clock()
    runner = JobRunner(services, RunnerOptions(workers=1, poll_s=0.02, heartbeat_s=3600),
                       clock=clock).start()  # fmt: skip
    runners.append(runner)
    live = runner.submit(request("Vivo."), "fake")
    fake.wait_until(lambda c: c.waiting == 1)
    store = JobStore(services.library, clock)
    ghost = store.insert("fake", request("Fantasma."))  # a job of ours whose worker is gone
    store.db.execute(
        "UPDATE jobs SET status = 'running', runner = :runner, heartbeat_at = :now WHERE id = :id",
        {"runner": runner.id, "now": clock.now, "id": ghost.id},
    )
    clock.now += FAST.stale_after_s - 1
    runner.check()
    assert store.get(live.id).heartbeat_at == clock.now  # renewed: its render progresses
    assert store.get(ghost.id).heartbeat_at < clock.now  # not renewed: nobody renders it
    clock.now += 2
    assert runner.check() == [ghost.id]
    fake.gate.set()
    assert runner.wait(live.id, timeout=20).status == DONE
    assert runner.wait(ghost.id, timeout=20).status == DONE


def test_a_hung_render_fails_with_its_reason_and_frees_its_worker(services, runners, fake):
    clock = Clock()
    hang = threading.Event()
    release = threading.Event()

    def render(services, request, engine, on_progress, journal, user=""):
        if request.text == "Se cuelga.":
            on_progress("speech", 0.1, "Synthesising")
            hang.set()
            release.wait(30)  # no progress at all
            on_progress("speech", 0.2, "")  # woken long after: must not go on
        from core.pipeline import render_video

        return render_video(services, request, engine, on_progress, journal, user)

    options = RunnerOptions(workers=1, poll_s=0.02, heartbeat_s=3600, stall_after_s=300)
    runner = JobRunner(services, options, render=render, clock=clock).start()
    runners.append(runner)
    hung = runner.submit(request("Se cuelga."), "fake")
    assert hang.wait(20)
    clock.now += 299
    runner.check()
    assert runner.get(hung.id).status == RUNNING
    clock.now += 2
    runner.check()
    failed = runner.get(hung.id)
    assert failed.status == FAILED and "stopped making progress for 301 s" in failed.error
    assert "'speech'" in failed.error
    after = runner.submit(request("Sigue."), "fake")  # a new worker took the slot
    assert runner.wait(after.id, timeout=20).status == DONE
    release.set()
    assert runner.get(hung.id).status == FAILED  # the woken render stopped; nothing stored


def test_submitting_the_same_request_twice_while_it_runs_gives_one_job(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners, workers=1)
    first = runner.submit(request(), "fake")
    assert runner.submit(request(), "fake").id == first.id
    fake.gate.set()
    runner.wait(first.id, timeout=20)
    assert fake.renders == [first.id]


def test_retry_queues_a_failed_job_again_with_its_notes(services, runners, fake):
    fake.fail_with = RuntimeError("boom")
    runner = start(services, runners, workers=1)
    job = runner.wait(runner.submit(request(), "did").id, timeout=20)
    assert job.status == FAILED and job.resume_token == f"tlk_{job.id}"
    assert runner.retry(job.id, user="someone-else") is None  # only the owner's
    fake.fail_with = None
    assert runner.retry(job.id).status == QUEUED
    done = runner.wait(job.id, timeout=20)
    assert done.status == DONE and fake.tokens_seen[-1] == f"tlk_{job.id}"  # same talk
    assert runner.retry(job.id) is None  # a finished video is not rendered again


def test_a_full_disk_fails_the_job_with_what_to_do_and_leaves_nothing(services, runners, fake):
    import errno

    fake.fail_with = OSError(errno.ENOSPC, "No space left on device")
    runner = start(services, runners, workers=1)
    job = runner.wait(runner.submit(request(), "fake").id, timeout=20)
    assert job.status == FAILED and "no room left on the disk" in job.error
    assert "Libere espacio" in job.error_text("es")
    assert not list(services.library.media_dir.glob(".staging-*"))
    fake.fail_with = None
    assert runner.retry(job.id) is not None
    assert runner.wait(job.id, timeout=20).status == DONE
