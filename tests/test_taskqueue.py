"""The task queue on PostgreSQL (core.taskqueue, Procrastinate): a job's row and its token are
one transaction; workers in real processes run each job once, hand it back on SIGTERM, and
take over the job of a worker killed with SIGKILL — one D-ID talk, never two. The database
is a throwaway PostgreSQL (tests/pg.py); no timings are asserted."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from procrastinate.exceptions import ConnectorException

from core.db import Tx
from core.jobstore import CANCELLED, DONE, FAILED, QUEUED, JobStore
from core.library import Library
from core.messages import msg
from core.models import RenderRequest
from core.taskqueue import ProcrastinateQueue, conninfo
from tests.conftest import FAKE_DID_KEY
from tests.fakes.did_server import FakeDid
from tests.pg import PgServer
from tests.test_processes import base_env, until
from tests.test_worker import (
    TEXT,
    cli,
    finish_handed_back_talk,
    start_worker,
    stop,
    talks_per_job,
)


@pytest.fixture
def pg_url(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> str:
    url = pg_server.database()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def tokens(url: str) -> list[tuple[str, str]]:
    """(status, job id) of every Procrastinate job in the database."""
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT status::text, args->>'job_id' FROM procrastinate_jobs ORDER BY id"
        ).fetchall()
    return [(status, job_id) for status, job_id in rows]


def rows(store: JobStore) -> list[str]:
    return [str(r["id"]) for r in store.db.all("SELECT id FROM jobs")]


def pg_store(data_dir: Path, url: str, enqueue: Any = None) -> JobStore:
    queue = ProcrastinateQueue(url)
    return JobStore(Library(data_dir, url), time.time, enqueue or queue.enqueue)


def request(n: int = 0) -> RenderRequest:
    return RenderRequest(text=f"{TEXT} Parte {n}.", language="es")


# --- one transaction ---------------------------------------------------------------------------


def test_a_submitted_job_is_a_row_and_a_token_committed_together(data_dir, pg_url) -> None:
    store = pg_store(data_dir, pg_url)
    job = store.insert("did", request())
    assert rows(store) == [job.id]
    assert tokens(pg_url) == [("todo", job.id)]


def test_an_app_replica_submits_through_the_application_layer(data_dir, pg_url) -> None:
    from core.config import Settings
    from core.usecases import Parlante

    env = {"APP_DATA_DIR": str(data_dir), "DATABASE_URL": pg_url, "RUN_JOBS": "0"}
    app = Parlante.open(Settings.from_sources(env))
    try:
        job = app.renders.submit("ana@school.example", request(), "local")
        assert not app.jobs_running  # RUN_JOBS=0: submits and watches only
        assert tokens(pg_url) == [("todo", job.id)]
        assert app.renders.job("ana@school.example", job.id).status == QUEUED
    finally:
        app.close()


def test_a_failure_after_the_insert_leaves_neither_row_nor_token(data_dir, pg_url) -> None:
    queue = ProcrastinateQueue(pg_url)

    def defer_then_fail(tx: Tx, job_id: str) -> None:
        queue.enqueue(tx, job_id)  # the token is written in the transaction…
        assert tx.scalar("SELECT COUNT(*) FROM procrastinate_jobs") == 1
        raise OSError("the process dies before COMMIT")  # …which never commits

    store = pg_store(data_dir, pg_url, defer_then_fail)
    with pytest.raises(OSError):
        store.insert("did", request())
    assert rows(store) == [] and tokens(pg_url) == []


def test_a_failure_in_defer_leaves_no_row(data_dir, pg_url) -> None:
    with psycopg.connect(conninfo(pg_url), autocommit=True) as conn:  # Procrastinate breaks
        conn.execute("ALTER FUNCTION procrastinate_defer_jobs_v1 RENAME TO broken_defer")
    store = pg_store(data_dir, pg_url)
    with pytest.raises(ConnectorException):
        store.insert("did", request())
    assert rows(store) == [] and tokens(pg_url) == []


def test_every_way_back_to_the_queue_brings_a_new_token(data_dir, pg_url) -> None:
    store = pg_store(data_dir, pg_url)
    job = store.insert("did", request())
    assert store.claim(job.id, "host:1:a") is not None
    assert store.claim(job.id, "host:2:b") is None  # one runner at a time, whatever tokens say
    store.requeue(job.id, "host:1:a", msg("progress.server_restarted"))  # SIGTERM hand-back
    assert store.claim(job.id, "host:2:b") is not None
    assert store.recover(store.get(job.id), 3, msg("progress.requeued")) == QUEUED  # dead worker
    assert store.claim(job.id, "host:3:c") is not None
    store.finish(job.id, "host:3:c", FAILED, error="no")
    assert store.retry(job.id) is not None  # Retry on the page
    assert [j for _, j in tokens(pg_url)] == [job.id] * 4
    store.request_cancel(job.id)  # a cancelled job's token finds nothing to claim
    assert store.get(job.id).status == CANCELLED and store.claim(job.id, "host:4:d") is None


# --- worker processes ----------------------------------------------------------------------------


def did_env(data_dir: Path, fake: FakeDid, url: str, **extra: str) -> dict[str, str]:
    return base_env(
        data_dir, DATABASE_URL=url, DID_API_URL=fake.url, DID_API_KEY=FAKE_DID_KEY,
        DID_POLL_MIN_S="0.05", **extra,
    )  # fmt: skip


def test_workers_on_postgresql_run_every_job_once(data_dir, pg_url) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=0.3) as fake:
        env = did_env(data_dir, fake, pg_url)
        proc = start_worker(env, concurrency=2)
        try:
            store = pg_store(data_dir, pg_url)
            ids = [store.insert("did", request(n)).id for n in range(6)]
            submitted = cli(env, "render", "--engine", "did", "--text", TEXT, "--submit",
                            "--wait", "--json")  # fmt: skip
            assert submitted.returncode == 0, submitted.stderr
            assert Path(json.loads(submitted.stdout)["video"]).is_file()
            until(lambda: all(store.get(i).finished for i in ids), what="all jobs")
        finally:
            assert stop(proc) == 0
        assert [store.get(i).status for i in ids] == [DONE] * 6
        assert sorted(talks_per_job(fake).values()) == [1] * 7  # one talk per job
        assert tokens(pg_url) == []  # each token done (and deleted)


def test_sigterm_on_postgresql_hands_the_job_back_with_a_token(data_dir, pg_url) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=3600) as fake:
        env = did_env(data_dir, fake, pg_url, WORKER_GRACE_S="0.2")
        proc = start_worker(env)
        store = pg_store(data_dir, pg_url)
        job_id = store.insert("did", request()).id
        until(lambda: fake.polls() >= 2, what="polling")
        assert stop(proc) == 0
        handed_back = store.get(job_id)
        assert handed_back.status == QUEUED and handed_back.resume_token == "tlk_0001"
        assert ("todo", job_id) in tokens(pg_url)
        assert not list((data_dir / "media").glob(".staging-*"))
        done = finish_handed_back_talk(fake, env, lambda: store.get(job_id))
        assert done.status == DONE and fake.creates == 1  # resumed, not paid twice


def test_a_worker_killed_on_postgresql_loses_nothing_and_pays_once(data_dir, pg_url) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=3600) as fake:
        env = did_env(data_dir, fake, pg_url, JOB_LEASE_S="3")
        first, second = start_worker(env), start_worker(env)
        store = pg_store(data_dir, pg_url)
        job_id = store.insert("did", request()).id
        try:
            until(lambda: fake.polls() >= 2, what="polling")
            holder = store.get(job_id).runner
            victim = first if holder.split(":")[1] == str(first.pid) else second
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)
            fake.finish_in("tlk_0001", 0)
            done = until(lambda: (j := store.get(job_id)) and j.finished and j, what="takeover")
            until(lambda: not [t for t in tokens(pg_url) if t[0] == "doing"], what="stalled")
        finally:
            for proc in (first, second):
                if proc.poll() is None:
                    assert stop(proc) == 0
        assert done.status == DONE and done.attempts == 2
        assert fake.creates == 1 and talks_per_job(fake) == {job_id: 1}  # one talk
        assert [v.id for v in Library(data_dir, pg_url).list_videos()] == [done.video_id]


def test_a_queued_row_that_lost_its_token_is_given_one(data_dir, pg_url) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=0.3) as fake:
        an_hour_ago = JobStore(Library(data_dir, pg_url), lambda: time.time() - 3600)
        job_id = an_hour_ago.insert("did", request()).id  # no task queue: a row alone
        assert tokens(pg_url) == []
        proc = start_worker(did_env(data_dir, fake, pg_url, JOB_LEASE_S="2"))
        try:
            store = pg_store(data_dir, pg_url)
            done = until(lambda: (j := store.get(job_id)) and j.finished and j, what="repair")
        finally:
            assert stop(proc) == 0
        assert done.status == DONE and fake.creates == 1


def test_a_worker_on_another_machine_stores_in_s3_for_the_app_replica(
    data_dir, pg_url, bucket, s3_env, tmp_path
) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=0.3) as fake:
        media = {"MEDIA_URL": f"s3://{bucket}/p", "S3_ENDPOINT_URL": s3_env.endpoint}
        app_env = did_env(data_dir, fake, pg_url, **media)  # the app replica's machine
        proc = start_worker({**app_env, "APP_DATA_DIR": str(tmp_path / "worker-machine")})
        try:
            submitted = cli(app_env, "render", "--engine", "did", "--text", TEXT, "--submit",
                            "--json")  # fmt: skip
            job_id = json.loads(submitted.stdout)["job"]
            store = pg_store(data_dir, pg_url)
            until(lambda: store.get(job_id).finished, what="the job")
        finally:
            assert stop(proc) == 0
        shown = json.loads(cli(app_env, "jobs", "show", job_id, "--json").stdout)
        video_id = store.get(job_id).video_id
        assert shown["status"] == DONE  # its files named where they are kept, not a path here
        assert shown["result"]["video"] == f"s3://{bucket}/p/media/{video_id}/video.mp4"
        assert f"p/media/{video_id}/video.mp4" in s3_env.keys(bucket)
