"""The background job runner: persistence, bounded concurrency, cancel, restart recovery."""

from __future__ import annotations

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
from tests.conftest import FAKE_DID_KEY

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
    for _ in range(500):
        current = runner.get(job.id)
        if current.status == RUNNING and current.stage == "animation":
            break
        threading.Event().wait(0.01)
    assert current.stage == "animation" and current.message.startswith("Frame")
    fake.gate.set()
    assert runner.wait(job.id, timeout=10).status == DONE


def test_at_most_max_jobs_run_at_once_and_the_rest_wait(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners, workers=2)
    jobs = [runner.submit(request(f"Texto número {i}."), "fake") for i in range(6)]
    for _ in range(500):
        if len(fake.renders) == 2:  # both workers are inside the engine
            break
        threading.Event().wait(0.01)
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
    assert all(second.wait(j.id, timeout=20).status == DONE for j in jobs)
    assert sorted(fake.renders) == sorted(j.id for j in jobs)  # each exactly once
    assert fake.max_parallel_same_job == 1


def test_cancel_a_queued_job_and_a_running_job(services, runners, fake):
    fake.gate = threading.Event()
    runner = start(services, runners, workers=1)
    running = runner.submit(request("Uno."), "fake")
    queued = runner.submit(request("Dos."), "fake")
    for _ in range(500):
        if runner.get(running.id).status == RUNNING:
            break
        threading.Event().wait(0.01)
    assert runner.cancel(queued.id) == CANCELLED
    runner.cancel(running.id)
    assert runner.wait(running.id, timeout=10).status == CANCELLED
    assert queued.id not in fake.renders
    assert not list(services.library.media_dir.glob(".staging-*"))  # nothing half-written
    assert services.library.list_videos() == []


def test_failed_job_keeps_its_reason_without_secrets(data_dir, runners, fake):
    settings = Settings.from_sources({"APP_DATA_DIR": str(data_dir), "DID_API_KEY": FAKE_DID_KEY})
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


def test_journal_stores_talk_id_and_notes_in_the_job_row(services):
    store = JobStore(services.library, lambda: 100.0)
    job = store.insert("did", request())
    journal = JobJournal(store, job.id)
    assert journal.get("talk_id") is None
    journal.set("talk_id", "tlk_123")
    journal.set("upload", "s3://bucket/img.jpg")
    again = JobJournal(JobStore(services.library, lambda: 0), job.id)
    assert again.get("talk_id") == "tlk_123" and again.get("upload") == "s3://bucket/img.jpg"
    assert store.get(job.id).talk_id == "tlk_123"


def _orphan(services: Services, engine: str, talk_id: str | None, runner: str) -> str:
    """A job left 'running' by a process that died."""
    store = JobStore(services.library, lambda: 1000.0)
    job = store.insert(engine, request(f"Huérfano {engine}."))
    claimed = store.claim_next(runner)
    assert claimed is not None and claimed.id == job.id
    if talk_id:
        store.set_note(job.id, "talk_id", talk_id)
    return job.id


def test_restart_resumes_did_talk_and_requeues_local_render(services, runners, fake):
    dead = "some-other-host:4242:deadbeef"  # another host, silent since t=1000
    did_job = _orphan(services, "did", "tlk_stored", dead)
    local_job = _orphan(services, "fake", None, dead)
    runner = start(services, runners)  # time.time() ≫ 1000 + stale_after
    assert runner.wait(did_job, timeout=10).status == DONE
    assert runner.wait(local_job, timeout=10).status == DONE
    assert "tlk_stored" in fake.talk_ids_seen  # polled the stored talk, created none anew
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
    for _ in range(500):
        if runner.get(job.id).status == RUNNING:
            break
        threading.Event().wait(0.01)
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
