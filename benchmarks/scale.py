"""Scale: app replicas submit, worker processes run the jobs — on PostgreSQL and Procrastinate.

    flock /tmp/bench.lock .venv/bin/python -m benchmarks.scale            # about 6 minutes
    .venv/bin/python -m benchmarks.scale --jobs 20 --talk-s 3             # a quicker look

It starts a throwaway PostgreSQL (tests/pg.py), the fake D-ID server (tests/fakes) whose talks
take ``--talk-s`` seconds each — so the run measures orchestration, not this machine's cores —
and then, for 1 and then 3 worker processes (``python -m core worker``, one job each at a
time), submits ``--jobs`` D-ID videos from ``--users`` people plus ``--local`` offline
renders through the application layer, as an app replica with RUN_JOBS=0 does. In the run
with 3 workers one worker is killed with SIGKILL while it holds a D-ID job mid-talk.

It prints, per run: throughput (jobs per minute, first submit to last job done), p95 time from
submit to start (the job's row seen running; sampled every 50 ms) for the burst — mostly time
in the queue — and for ``--pickups`` jobs submitted one at a time afterwards (how soon an idle
worker starts a job: LISTEN/NOTIFY), and then what must be 0:
jobs lost (not done at the end), jobs run twice (a job whose render produced more than one
video, or ran again without having been interrupted), duplicate talks (D-ID talks beyond one
per job), files without records (video folders or staging leftovers no record points to)
and records without files (video records missing a file). Exit status 1 if any is not 0.

Media: by default in an S3 store (moto in server mode, MEDIA_URL + S3_ENDPOINT_URL), the app
replica and the workers each with a data folder of their own, as on separate machines; files
without records and records without files are counted in the store (core.sweep.mismatches)
plus staging leftovers on the workers' machine. ``--media local``: one shared data folder.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import Tally, did_env, fake_did, python, until
from core.config import Settings
from core.jobstore import DONE, RUNNING, JobStore
from core.models import RenderRequest
from core.usecases import Parlante
from tests.fakes.did_server import FakeDid
from tests.pg import PgServer
from tests.procs import base_env

TEXTS = (
    "Hola a todos. Hoy aprendemos {n} cosas nuevas sobre las abejas y las flores.",
    "Buenos días, clase. La lección {n} trata de los volcanes y de la tierra.",
)


@dataclass
class Run(Tally):
    MUST_BE_ZERO = ("lost", "twice", "duplicate_talks", "orphan_files", "missing_files")
    workers: int
    jobs: list[str] = field(default_factory=list)
    submitted: dict[str, float] = field(default_factory=dict)  # job -> wall clock
    started: dict[str, float] = field(default_factory=dict)  # first seen running
    pickups: list[str] = field(default_factory=list)  # submitted one at a time, workers idle
    killed_job: str = ""
    lost: int = 0
    twice: int = 0
    duplicate_talks: int = 0
    orphan_files: int = 0
    missing_files: int = 0

    @property
    def per_minute(self) -> float:
        return 60.0 * len(self.jobs) / self.seconds if self.seconds else 0.0

    def p95(self, ids: list[str]) -> float:
        waits = sorted(self.started[j] - self.submitted[j] for j in ids if j in self.started)
        return waits[max(0, math.ceil(0.95 * len(waits)) - 1)] if waits else float("nan")


def env_for(
    data_dir: Path, database_url: str, fake: FakeDid, lease_s: float, media: dict[str, str]
) -> dict[str, str]:
    return base_env(
        data_dir, DATABASE_URL=database_url, **did_env(fake, poll_s=0.2),
        JOB_LEASE_S=str(lease_s), WORKER_GRACE_S="30", DID_DAILY_VIDEOS="1000", RUN_JOBS="0",
        **media,
    )  # fmt: skip


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """moto's S3 over HTTP (tests/fakes/s3_server.py) in a process of its own; its URL."""
    code = (
        "from tests.fakes.s3_server import S3Server\n"
        "import sys, time\n"
        "print(S3Server().start().endpoint, flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = python("-c", code, env=None, stdin=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdin is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        proc.terminate()
        proc.wait(30)


def media_env(endpoint: str, bucket: str, tmp: Path) -> dict[str, str]:
    import boto3

    from tests.fakes.s3_server import AWS_ENV, FAKE_KEY_ID, FAKE_SECRET, REGION

    boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=FAKE_KEY_ID,
        aws_secret_access_key=FAKE_SECRET,
    ).create_bucket(Bucket=bucket)  # fmt: skip
    aws = {
        **AWS_ENV, "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
    }  # fmt: skip
    os.environ.update(aws)  # this process is an app replica too: boto reads its environment
    return {**aws, "MEDIA_URL": f"s3://{bucket}/parlante", "S3_ENDPOINT_URL": endpoint}


def start_workers(env: dict[str, str], n: int) -> subprocess.Popen[str]:
    """``python -m core worker --concurrency n``: a supervisor and its n worker processes."""
    proc = python("-m", "core", "worker", "--concurrency", str(n), env=env)
    assert proc.stdout is not None
    for _ in range(n):
        if not proc.stdout.readline().startswith("worker "):
            raise RuntimeError("a worker did not start")
    return proc


def watch(store: JobStore, run: Run, done: threading.Event) -> None:
    """Note when each job is first seen running (the benchmark's own connection)."""
    while not done.is_set():
        now = time.time()
        for row in store.db.all("SELECT id, status FROM jobs WHERE status != 'queued'"):
            if row["id"] not in run.started and row["id"] in run.submitted:
                run.started[row["id"]] = now
        done.wait(0.05)


def one_run(workers: int, args: argparse.Namespace, pg: PgServer, tmp: Path, s3: str | None) -> Run:
    run = Run(workers)
    data_dir = tmp / f"app-{workers}"  # the app replica's machine
    # the workers' machine: its own folder when media are in the object store
    worker_dir = tmp / f"workers-{workers}" if s3 else data_dir
    database_url = pg.database()
    media = media_env(s3, f"scale-{workers}", tmp) if s3 else {}
    with fake_did(render_s=args.talk_s) as fake:
        assert fake._server is not None
        fake._server.handle_error = lambda *a: None  # type: ignore[method-assign] # a killed worker
        env = env_for(data_dir, database_url, fake, args.lease_s, media)
        app = Parlante.open(Settings.from_sources(env))  # an app replica: submits, watches
        store = app.ctx.runner.store
        supervisor = start_workers({**env, "APP_DATA_DIR": str(worker_dir)}, workers)
        done = threading.Event()
        watcher = threading.Thread(target=watch, args=(store, run, done), daemon=True)
        watcher.start()
        try:
            first = time.time()
            for n in range(args.jobs + args.local):
                user = f"teacher{n % args.users}@school.example"
                engine = "did" if n < args.jobs else "local"
                text = TEXTS[n % 2].format(n=n + workers * 1000)
                request = RenderRequest(text=text, language="es", size=256)
                job = app.renders.submit(user, request, engine)
                run.submitted[job.id] = time.time()
                run.jobs.append(job.id)
            if workers > 1 and args.kill:
                run.killed_job = kill_one(store, fake, run)
            with contextlib.suppress(TimeoutError):
                until(lambda: all((j := store.get(i)) and j.finished for i in run.jobs),
                      args.timeout, "jobs", every=0.2)  # fmt: skip
            jobs = [store.get(j) for j in run.jobs]
            last = max((j.updated_at for j in jobs if j is not None), default=first)
            run.seconds = last - first
            fake.render_s = 0.5  # then a few jobs one at a time: how soon an idle worker starts
            for n in range(args.pickups):
                text = TEXTS[n % 2].format(n=n + workers * 1000 + 500)
                request = RenderRequest(text=text, language="es", size=256)
                job = app.renders.submit("teacher0@school.example", request, "did")
                run.submitted[job.id] = time.time()
                run.pickups.append(job.id)
                app.renders.wait("teacher0@school.example", job.id, 120)
        finally:
            done.set()
            supervisor.send_signal(signal.SIGTERM)  # passed on to its worker processes
            supervisor.wait(180)
            count(run, app, fake, worker_dir)
            app.close()
    return run


def kill_one(store: JobStore, fake: FakeDid, run: Run) -> str:
    """SIGKILL the worker process holding a D-ID job whose talk is under way (its supervisor
    starts another, as a container's restart policy would); the job's id."""

    def kill_one_talking() -> str:
        with fake.lock:
            talking = {(t.user_data or "").removeprefix("parlante:") for t in fake.talks.values()}
        for job_id in run.jobs:
            job = store.get(job_id)
            if job is None or job.status != RUNNING or job_id not in talking:
                continue
            pid = job.runner.split(":")[1] if job.runner.count(":") >= 2 else ""
            if pid.isdigit():
                os.kill(int(pid), signal.SIGKILL)
                run.notes.append(f"killed worker process {pid} holding {job_id} mid-talk")
                return job_id
        return ""

    with contextlib.suppress(TimeoutError):
        return until(kill_one_talking, 120, "a worker mid-talk")
    run.notes.append("no worker was caught mid-talk; none killed")
    return ""


def count(run: Run, app: Parlante, fake: FakeDid, worker_dir: Path) -> None:
    store = app.ctx.runner.store
    jobs = {j: store.get(j) for j in run.jobs + run.pickups}
    run.lost = sum(1 for j in jobs.values() if j is None or j.status != DONE)
    with fake.lock:
        talks = Counter((t.user_data or "").removeprefix("parlante:") for t in fake.talks.values())
    run.duplicate_talks = sum(n - 1 for n in talks.values() if n > 1)
    library = store.library
    ids = [str(row["id"]) for row in store.db.all("SELECT id FROM videos")]
    mine = [r for r in (library.get_video(i) for i in ids) if r is not None]
    run.twice = max(0, len(mine) - sum(1 for j in jobs.values() if j and j.status == DONE))
    run.twice += sum(
        1 for job_id, j in jobs.items() if j and j.attempts > 1 and job_id != run.killed_job
    )
    found = app.media.mismatches()  # the store's video folders against the records
    run.orphan_files = len(found.files_without_records)
    run.missing_files = len(found.records_without_files)
    run.orphan_files += len(list((worker_dir / "media").glob(".staging-*")))  # half-written
    if run.killed_job:
        job = jobs.get(run.killed_job)
        run.notes.append(
            f"the killed worker's job: {job.status if job else 'gone'}, attempts "
            f"{job.attempts if job else 0}, talks {talks.get(run.killed_job, 0)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=40, help="D-ID videos per run")
    parser.add_argument("--users", type=int, default=10, help="people submitting them")
    parser.add_argument("--local", type=int, default=3, help="offline renders per run")
    parser.add_argument("--talk-s", type=float, default=4.0, help="how long D-ID takes a talk")
    parser.add_argument("--lease-s", type=float, default=10.0, help="JOB_LEASE_S of workers")
    parser.add_argument("--timeout", type=float, default=1200.0, help="per run")
    parser.add_argument("--pickups", type=int, default=8, help="jobs submitted one at a time")
    parser.add_argument("--no-kill", dest="kill", action="store_false")
    parser.add_argument("--media", choices=("s3", "local"), default="s3",
                        help="s3: an S3 server (moto), workers on their own folder; local: "
                        "one shared data folder")  # fmt: skip
    args = parser.parse_args()
    pg = PgServer().start()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="parlante-scale-") as tmp,
            s3_server() if args.media == "s3" else contextlib.nullcontext() as s3,
        ):
            runs = [one_run(n, args, pg, Path(tmp), s3) for n in (1, 3)]
    finally:
        pg.stop()
    where = "media in S3 (moto server)" if args.media == "s3" else "local media"
    print(
        f"\n{args.jobs} D-ID jobs (talks of {args.talk_s:g} s) from {args.users} people + "
        f"{args.local} offline renders per run; PostgreSQL + Procrastinate; {where}"
    )
    for r in runs:
        print(
            f"{r.workers} worker{'s' if r.workers > 1 else ' '}: {r.per_minute:6.1f} jobs/min "
            f"({len(r.jobs)} in {r.seconds:.1f} s)  p95 submit→start: burst "
            f"{r.p95(r.jobs):5.1f} s, one at a time {r.p95(r.pickups):4.2f} s  "
            f"lost {r.lost}  run twice {r.twice}  duplicate talks {r.duplicate_talks}  "
            f"files without records {r.orphan_files}  records without files {r.missing_files}"
        )
        for note in r.notes:
            print(f"           {note}")
    speedup = runs[1].per_minute / runs[0].per_minute if runs[0].per_minute else 0.0
    print(f"speed-up with 3 workers: {speedup:.2f}x (goal: at least 2.5x)")
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
