"""Real processes sharing one APP_DATA_DIR: the library, the job queue, a killed worker."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.jobstore import JobStore
from core.models import RenderRequest
from tests import procs
from tests.conftest import FAKE_DID_KEY, open_library
from tests.fakes.did_server import FakeDid
from tests.procs import ROOT, base_env

TEXT = "Hola a todos. Bienvenidos al curso de hoy, vamos a aprender algo nuevo."

SPAWN = multiprocessing.get_context("spawn")


def test_many_processes_open_a_fresh_library_at_once(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six processes migrate one new database at once (SQLite: BEGIN IMMEDIATE; PostgreSQL:
    an advisory lock): one applies the revisions, the others find them done."""
    for trial in range(3 if backend == "sqlite" else 1):  # 3 tries nearly always hit a race
        data_dir = tmp_path / f"fresh-{trial}"
        if backend == "postgresql":  # an empty database, no schema yet
            monkeypatch.setenv("DATABASE_URL", request.getfixturevalue("pg_server").database(False))
        n = 6
        barrier, results = SPAWN.Barrier(n), SPAWN.Queue()
        children = [
            SPAWN.Process(target=procs.open_library, args=(str(data_dir), barrier, results))
            for _ in range(n)
        ]
        for child in children:
            child.start()
        answers = [results.get(timeout=120) for _ in children]
        for child in children:
            child.join(30)
        assert answers == ["ok"] * n
        library = open_library(data_dir)
        assert library.db.scalar("SELECT COUNT(*) FROM prefs") == n
        if backend == "sqlite":
            assert library.db.scalar("PRAGMA journal_mode") == "wal"


# --- the job queue shared by real processes --------------------------------------------------


def worker(env: dict[str, str]) -> subprocess.Popen[str]:
    """A JobRunner in its own process; returns once it is taking jobs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.procs", "worker"], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().strip(), "the worker did not start"
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)  # reaped, as the app's supervisor would


def until(predicate: Callable[[], Any], timeout: float = 120.0, what: str = "") -> Any:
    """Wait for another process to get somewhere (read from the shared database)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        threading.Event().wait(0.05)


def store(data_dir: Path) -> JobStore:
    return JobStore(open_library(data_dir), time.time)


@pytest.mark.usefixtures("backend")
def test_two_runners_in_two_processes_share_one_queue(data_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "renders.log"
    env = base_env(data_dir, ENGINE_LOG=str(log), WORKERS="2")
    workers = [worker(env), worker(env)]
    try:
        jobs = store(data_dir)
        ids = [jobs.insert("logged", RenderRequest(text=f"Guion {i}.")).id for i in range(12)]
        until(lambda: all(jobs.get(i).finished for i in ids), what="all jobs")
    finally:
        for proc in workers:
            kill(proc)
    assert [jobs.get(i).status for i in ids] == ["done"] * 12
    started = [line.split() for line in log.read_text().splitlines()]
    assert sorted(job for _, job in started) == sorted(ids)  # each rendered exactly once
    assert len({pid for pid, _ in started}) == 2  # both processes took jobs
    assert len(open_library(data_dir).list_videos()) == 12


@pytest.mark.usefixtures("backend")
def test_a_local_render_killed_mid_way_is_finished_once_by_the_next_worker(
    data_dir: Path,
) -> None:
    env = base_env(data_dir)
    first = worker(env)
    jobs = store(data_dir)
    text = "Hola a todos. Este vídeo se interrumpe a medias y otro proceso lo termina."
    job = jobs.insert("local", RenderRequest(text=text, language="es", size=256))
    try:
        until(lambda: (j := jobs.get(job.id)) and j.fraction > 0.2, what="mid-render")
    finally:
        kill(first)
    assert jobs.get(job.id).status == "running"  # left behind by the dead process
    second = worker(env)
    try:
        done = until(lambda: (j := jobs.get(job.id)) and j.finished and j, what="the end")
    finally:
        kill(second)
    assert done.status == "done" and done.attempts == 2
    videos = open_library(data_dir).list_videos()
    assert [v.id for v in videos] == [done.video_id] and videos[0].complete()
    assert not list((data_dir / "media").glob(".staging-*"))  # the dead render's leftovers


@pytest.mark.usefixtures("backend")
def test_a_d_id_render_killed_while_polling_resumes_the_same_talk(data_dir: Path) -> None:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.0, render_s=3600) as fake:
        env = base_env(data_dir, DID_API_URL=fake.url, DID_API_KEY=FAKE_DID_KEY,
                       DID_POLL_MIN_S="0.05")  # fmt: skip
        first = worker(env)
        jobs = store(data_dir)
        job = jobs.insert("did", RenderRequest(text=TEXT, language="es", size=256))
        try:
            until(lambda: fake.polls() >= 2, what="polling")
        finally:
            kill(first)
        assert jobs.get(job.id).resume_token == "tlk_0001"
        fake.finish_in("tlk_0001", 0)
        second = worker(env)
        try:
            done = until(lambda: (j := jobs.get(job.id)) and j.finished and j, what="the end")
        finally:
            kill(second)
        assert done.status == "done" and fake.creates == 1  # resumed, never paid twice
        assert [v.id for v in open_library(data_dir).list_videos()] == [done.video_id]
