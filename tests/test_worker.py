"""``python -m core worker``, ``render --submit`` and ``jobs``: real processes over one
APP_DATA_DIR (embedded mode), against the fake D-ID server. No timings are asserted: the
deadlines below only bound how long a test may hang."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from core.jobstore import JobStore
from core.library import Library
from core.models import RenderRequest
from core.usecases import DONE, QUEUED, Parlante
from tests.api_process import run_core
from tests.conftest import FAKE_DID_KEY
from tests.fakes.did_server import FakeDid
from tests.test_processes import ROOT, base_env, store, until

TEXT = "Hola a todos. Bienvenidos al curso de hoy, vamos a aprender algo nuevo."


def start_worker(env: dict[str, str], concurrency: int = 1) -> subprocess.Popen[str]:
    """``python -m core worker``; returns once each of its processes is taking jobs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", "worker", "--concurrency", str(concurrency)],
        cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    for _ in range(concurrency):
        line = proc.stdout.readline()
        assert line.startswith("worker "), f"the worker did not start: {line!r}"
    return proc


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_core(env, *args, timeout=300)


def did_env(data_dir: Path, fake: FakeDid, **extra: str) -> dict[str, str]:
    return base_env(
        data_dir, DID_API_URL=fake.url, DID_API_KEY=FAKE_DID_KEY, DID_POLL_MIN_S="0.05", **extra
    )


def talks_per_job(fake: FakeDid) -> Counter[str]:
    with fake.lock:
        return Counter(
            (talk.user_data or "").removeprefix("parlante:") for talk in fake.talks.values()
        )


def did_job(jobs: JobStore, n: int = 0) -> str:
    return jobs.insert("did", RenderRequest(text=f"{TEXT} Parte {n}.", language="es")).id


def finish_handed_back_talk(fake: Any, env: dict[str, str], job: Callable[[], Any]) -> Any:
    """D-ID finishes the talk a stopped worker handed back; a new worker takes the job again
    and runs it to its end. Returns the finished job."""
    fake.finish_in("tlk_0001", 0)
    again = start_worker(env)
    try:
        return until(lambda: (j := job()) and j.finished and j, what="the end")
    finally:
        stop(again)


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    return proc.wait(120)


def test_worker_processes_run_the_queue_each_job_once(data_dir: Path) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=0.2) as fake:
        env = did_env(data_dir, fake)
        proc = start_worker(env, concurrency=2)
        try:
            jobs = store(data_dir)
            ids = [did_job(jobs, n) for n in range(6)]
            until(lambda: all(jobs.get(i).finished for i in ids), what="all jobs")
        finally:
            code = stop(proc)
        assert code == 0
        assert [jobs.get(i).status for i in ids] == [DONE] * 6
        assert sorted(talks_per_job(fake).values()) == [1] * 6  # one talk per job
        assert len(Library(data_dir).list_videos()) == 6


def test_sigterm_lets_the_running_job_finish_within_the_grace_period(data_dir: Path) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=3600) as fake:
        proc = start_worker(did_env(data_dir, fake, WORKER_GRACE_S="600"))
        jobs = store(data_dir)
        job_id = did_job(jobs)
        waiting = did_job(jobs, 1)
        until(lambda: fake.polls() >= 2, what="polling")
        proc.send_signal(signal.SIGTERM)
        fake.finish_in("tlk_0001", 0.5)  # the talk ends during the grace period
        assert proc.wait(120) == 0
    assert jobs.get(job_id).status == DONE
    assert jobs.get(waiting).status == QUEUED and fake.creates == 1  # not taken after SIGTERM


def test_sigterm_past_the_grace_period_hands_the_job_back_cleanly(data_dir: Path) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=3600) as fake:
        env = did_env(data_dir, fake, WORKER_GRACE_S="0.2")
        proc = start_worker(env)
        jobs = store(data_dir)
        job_id = did_job(jobs)
        until(lambda: fake.polls() >= 2, what="polling")
        assert stop(proc) == 0
        handed_back = jobs.get(job_id)
        assert handed_back.status == QUEUED and handed_back.resume_token == "tlk_0001"
        assert not list((data_dir / "media").glob(".staging-*"))  # nothing half-written
        done = finish_handed_back_talk(fake, env, lambda: jobs.get(job_id))
        assert done.status == DONE and fake.creates == 1  # the same talk, resumed


def test_a_worker_killed_mid_job_loses_nothing_and_pays_once(data_dir: Path) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=3600) as fake:
        env = did_env(data_dir, fake, JOB_LEASE_S="3")
        first, second = start_worker(env), start_worker(env)
        jobs = store(data_dir)
        job_id = did_job(jobs)
        try:
            until(lambda: fake.polls() >= 2, what="polling")
            holder = jobs.get(job_id).runner
            victim = first if holder.split(":")[1] == str(first.pid) else second
            survivor = second if victim is first else first
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)
            fake.finish_in("tlk_0001", 0)
            done = until(lambda: (j := jobs.get(job_id)) and j.finished and j, what="takeover")
        finally:
            for proc in (first, second):
                if proc.poll() is None:
                    stop(proc)
        assert survivor.returncode == 0
        assert done.status == DONE and done.attempts == 2
        assert fake.creates == 1 and talks_per_job(fake) == Counter({job_id: 1})  # one talk
        assert [v.id for v in Library(data_dir).list_videos()] == [done.video_id]


def test_render_submit_queues_and_jobs_show_and_list_follow_it(data_dir: Path) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=0.2) as fake:
        env = did_env(data_dir, fake)
        submitted = cli(env, "render", "--engine", "did", "--text", TEXT, "--submit", "--json")
        assert submitted.returncode == 0, submitted.stderr
        job_id = json.loads(submitted.stdout)["job"]
        shown = json.loads(cli(env, "jobs", "show", job_id, "--json").stdout)
        assert shown["status"] == QUEUED and shown["result"] is None  # nobody runs jobs yet
        listed = json.loads(cli(env, "jobs", "list", "--status", "queued", "--json").stdout)
        assert [j["job"] for j in listed] == [job_id]
        proc = start_worker(env)
        try:
            waited = cli(env, "render", "--engine", "did", "--text", TEXT + " Dos.",
                         "--submit", "--wait", "--json")  # fmt: skip
            assert waited.returncode == 0, waited.stderr
            result = json.loads(waited.stdout)
            assert Path(result["video"]).is_file() and result["engine"] == "did"
            until(lambda: store(data_dir).get(job_id).finished, what="the first job")
        finally:
            stop(proc)
        shown = json.loads(cli(env, "jobs", "show", job_id, "--json").stdout)
        assert shown["status"] == DONE and Path(shown["result"]["video"]).is_file()
        assert shown["progress"]["fraction"] == 1.0 and shown["error"] is None
        done = json.loads(cli(env, "jobs", "list", "--status", "done", "--json").stdout)
        assert len(done) == 2 and fake.creates == 2


def test_a_failed_job_shows_its_reason(data_dir: Path) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=0.2, outcome="rejected") as fake:
        env = did_env(data_dir, fake)
        proc = start_worker(env)
        try:
            waited = cli(env, "render", "--engine", "did", "--text", TEXT,
                         "--submit", "--wait", "--json")  # fmt: skip
        finally:
            stop(proc)
        assert waited.returncode == 4 and waited.stderr.startswith("error: Job job-")
        job_id = json.loads(cli(env, "jobs", "list", "--json").stdout)[0]["job"]
        shown = json.loads(cli(env, "jobs", "show", job_id, "--json").stdout)
        assert shown["status"] == "failed" and shown["error"]["message"]
        assert shown["error"]["reason"] and "." in shown["error"]["reason"]  # a message id


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["jobs", "show", "job-nope", "--json"], "error: "),
        (["jobs", "list", "--status", "later"], "error: Unknown job status 'later'"),
        (["jobs", "list", "--limit", "0"], "error: --limit must be between 1"),
        (["render", "--text", "Hola.", "--wait"], "error: --wait and --timeout go with --submit"),
        (["render", "--text", "Hola.", "--submit", "--out", "x.mp4"], "error: --out and"),
        (["render", "--text", "", "--submit"], "error: "),
        (["worker", "--concurrency", "0"], "error: --concurrency must be between 1"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(data_dir: Path, args: list[str], expected: str) -> None:
    done = cli(base_env(data_dir), *args)
    assert done.returncode == 2 and done.stderr.startswith(expected), done.stderr
    assert "Traceback" not in done.stderr
    assert not store(data_dir).list("", None)  # nothing was queued


def test_run_jobs_0_only_submits_and_watches(data_dir: Path) -> None:
    settings = Settings.from_sources({"APP_DATA_DIR": str(data_dir), "RUN_JOBS": "0"})
    assert not settings.run_jobs
    app = Parlante.open(settings)
    try:
        assert not app.jobs_running
        app.start_jobs()  # the app asks again when its settings come back: still not
        assert not app.jobs_running
    finally:
        app.close()
    assert Settings.from_sources({}).run_jobs  # the default: the app runs its jobs


@pytest.mark.parametrize("raw", ["maybe", "2"])
def test_run_jobs_must_be_on_or_off(raw: str) -> None:
    from core.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        Settings.from_sources({"RUN_JOBS": raw})
    assert "RUN_JOBS" in caught.value.message and "RUN_JOBS" in caught.value.text("es")
