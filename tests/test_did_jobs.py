"""Never pay twice, in the app too: D-ID jobs through the real DidEngine and the job runner,
against the fake D-ID server. A job that fails after its talk exists is retried (the same
job) or generated again (a new job for the same request), and both resume the same talk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core import avatars
from core.cache import Cache
from core.config import Settings
from core.engines.did import DidEngine
from core.jobs import DONE, FAILED, JobRunner, RunnerOptions
from core.models import Avatar, RenderRequest
from core.services import Services
from core.usage import METERED_VIDEOS as DID_VIDEOS
from tests.conftest import FAKE_DID_KEY
from tests.fakes.did_server import FakeDid
from tests.test_did_http import FakeTime

TEXT = "Hola a todos. Bienvenidos al curso de hoy, vamos a aprender algo nuevo."
USER = "ana@example.org"


@pytest.fixture
def fake() -> Iterator[FakeDid]:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=3600) as server:  # never done alone
        yield server


@pytest.fixture
def services(fake: FakeDid, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setattr(avatars, "builtin_avatars", lambda: [Avatar("ana", "Ana", "illustrated")])
    settings = Settings.from_sources(
        {
            "APP_DATA_DIR": str(data_dir),
            "DID_API_URL": fake.url,
            "DID_API_KEY": FAKE_DID_KEY,
            "DID_POLL_DEADLINE_S": "60",
        }
    )
    services = Services.from_settings(settings)
    time_ = FakeTime()  # the engine's waits only move this clock: nothing really sleeps
    services._engines["did"] = DidEngine(
        settings, Cache(data_dir / "cache"), sleep=time_.sleep, clock=time_.clock,
        rng=lambda: 0.0, still_image=_still,
    )  # fmt: skip
    return services


def _still(avatar: Avatar, width: int, height: int) -> tuple[np.ndarray, tuple[int, ...]]:
    return np.full((height, width, 3), 90, np.uint8), (
        width // 3,
        height // 5,
        width // 3,
        height // 2,
    )


@pytest.fixture
def runner(services: Services) -> Iterator[JobRunner]:
    runner = JobRunner(services, RunnerOptions(workers=1, poll_s=0.05)).start()
    yield runner
    runner.stop()


def request() -> RenderRequest:
    return RenderRequest(text=TEXT, language="es", size=256)


def failed_at_the_poll_deadline(runner: JobRunner, fake: FakeDid) -> str:
    job = runner.wait(runner.submit(request(), "did", user=USER).id, timeout=60)
    assert job.status == FAILED, job
    assert "did not finish talk tlk_0001" in job.error and "is kept" in job.error
    assert fake.creates == 1 and job.resume_token == "tlk_0001"
    fake.finish_in("tlk_0001", 0)  # D-ID finishes it meanwhile
    return job.id


def test_retrying_a_failed_d_id_job_resumes_its_talk(runner, fake, services) -> None:
    job_id = failed_at_the_poll_deadline(runner, fake)
    assert runner.retry(job_id, user=USER) is not None
    done = runner.wait(job_id, timeout=60)
    assert done.status == DONE and fake.creates == 1  # the same talk, paid once
    video = services.library.get_video(done.video_id)
    assert video is not None and video.complete()
    assert services.usage.used(USER, DID_VIDEOS) == 1


def test_generating_the_same_video_again_reuses_the_talk(runner, fake, services) -> None:
    first = failed_at_the_poll_deadline(runner, fake)
    again = runner.wait(runner.submit(request(), "did", user=USER).id, timeout=60)
    assert again.id != first and again.status == DONE
    assert fake.creates == 1 and again.resume_token == "tlk_0001"
    assert services.usage.used(USER, DID_VIDEOS) == 1
    third = runner.wait(runner.submit(request(), "did", user=USER).id, timeout=60)
    assert third.status == DONE and third.video_id == again.video_id  # from the library


def test_another_user_asking_the_same_gets_their_own_talk(runner, fake) -> None:
    failed_at_the_poll_deadline(runner, fake)
    fake.render_s = 0
    other = runner.wait(runner.submit(request(), "did", user="leo").id, timeout=60)
    assert other.status == DONE and other.resume_token != "tlk_0001" and fake.creates == 2


def test_a_download_that_keeps_failing_keeps_the_talk_for_the_retry(runner, fake) -> None:
    fake.render_s = 0
    fake.expire_links = 1000  # every link "expired"
    job = runner.wait(runner.submit(request(), "did", user=USER).id, timeout=60)
    assert job.status == FAILED and "is kept" in job.error and fake.creates == 1
    fake.expire_links = 0
    assert runner.retry(job.id, user=USER) is not None
    assert runner.wait(job.id, timeout=60).status == DONE and fake.creates == 1


def test_a_failed_talk_is_refunded_and_the_retry_pays_for_a_new_one(runner, fake, services):
    fake.render_s, fake.outcome = 0, "error"  # D-ID failed the talk (and refunds it)
    job = runner.wait(runner.submit(request(), "did", user=USER).id, timeout=60)
    assert job.status == FAILED and "is kept" not in job.error
    assert services.usage.used(USER, DID_VIDEOS) == 0
    fake.outcome = "done"
    runner.retry(job.id, user=USER)
    assert runner.wait(job.id, timeout=60).status == DONE and fake.creates == 2


def test_a_presenter_without_a_face_fails_before_any_talk(runner, fake, services) -> None:
    fake.faces = 0
    job = runner.wait(runner.submit(request(), "did", user=USER).id, timeout=60)
    assert job.status == FAILED and "D-ID found no face" in job.error
    assert fake.creates == 0 and fake.face_checks == 1
    assert services.usage.used(USER, DID_VIDEOS) == 0
