"""Faults the app must survive, each with real processes; prints what each one cost.

    .venv/bin/python -m benchmarks.faults            # every fault (about 4 minutes)
    .venv/bin/python -m benchmarks.faults --only db-locked --outage-s 20

Each fault runs in a fresh APP_DATA_DIR with job workers in their own processes (the
worker is ``python -m tests.procs worker``, the "app" is ``python -m tests.procs app``: the
same runtime app.py opens), against the fake D-ID and OpenAI servers of tests/fakes. After
the fault, what a person would do is done (press Retry on a failed job), then it counts:

- jobs lost: jobs that did not end with their video (or script)
- duplicate talks: D-ID talks created beyond one per video asked for (paid twice)
- corrupt files: staging folders, temp files, videos with missing files or an MP4 that
  does not decode, left in the library
- jobs stuck: jobs still queued or running when everything should be over

All four must be 0; the exit status is 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from benchmarks.harness import ROOT, Tally, did_env, fake_did, python, until
from core.jobstore import DONE, FAILED, JobStore
from core.library import Library
from core.models import RenderRequest
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.procs import base_env

OPENAI_KEY = "sk-test-FAKE-openai-key-000000"
TEXT = "Hola a todos. Este vídeo se hace mientras algo falla, y tiene que terminar bien."


@dataclass
class Outcome(Tally):
    MUST_BE_ZERO = ("lost", "duplicates", "corrupt", "stuck")
    fault: str
    lost: int = 0
    duplicates: int = 0
    corrupt: int = 0
    stuck: int = 0


# --- processes -------------------------------------------------------------------------------


def spawn(kind: str, env: dict[str, str]) -> tuple[subprocess.Popen[str], list[str]]:
    """A worker or app process; returns it and the lines it printed before it was ready."""
    proc = python("-m", "tests.procs", kind, env=env)
    assert proc.stdout is not None
    lines = []
    while True:
        line = proc.stdout.readline().strip()
        if not line:
            raise RuntimeError(f"the {kind} process did not start")
        lines.append(line)
        if line.count(":") >= 2:  # the runner id (host:pid:n) comes last
            return proc, lines[:-1]


def kill9(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)


@contextlib.contextmanager
def running(kind: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proc, lines = spawn(kind, env)
    try:
        yield proc, lines
    finally:
        if proc.poll() is None:
            kill9(proc)


# --- what is counted -------------------------------------------------------------------------


def store(data_dir: Path) -> JobStore:
    return JobStore(Library(data_dir), time.time)


def wait_finished(data_dir: Path, ids: list[str], timeout: float) -> None:
    jobs = store(data_dir)
    with contextlib.suppress(TimeoutError):
        until(lambda: all(jobs.get(i) and jobs.get(i).finished for i in ids), timeout, "jobs")


def retry_failed(data_dir: Path, ids: list[str]) -> int:
    """What a person does after a failure: press Retry on each failed job."""
    jobs = store(data_dir)
    return sum(1 for i in ids if jobs.get(i).status == FAILED and jobs.retry(i) is not None)


def decodes(path: Path) -> bool:
    try:
        with av.open(str(path)) as box:
            return sum(1 for _ in box.decode(video=0)) > 0
    except Exception:
        return False


def audit(result: Outcome, data_dir: Path, ids: list[str]) -> Outcome:
    jobs = store(data_dir)
    final = [jobs.get(i) for i in ids]
    result.stuck = sum(1 for j in final if j is not None and not j.finished)
    result.lost = sum(1 for j in final if j is None or (j.finished and j.status != DONE))
    library = Library(data_dir)
    media = data_dir / "media"
    leftovers = list(media.glob(".staging-*")) + list(media.rglob("*.part"))
    broken = [v for v in library.list_videos() if not v.complete() or not decodes(v.video_path)]
    result.corrupt = len(leftovers) + len(broken)
    failed = [j.error[:90] for j in final if j is not None and j.status == FAILED]
    result.notes += [f"failed: {e}" for e in failed]
    return result


# --- the faults ------------------------------------------------------------------------------


def kill_mid_render(data_dir: Path, kind: str) -> Outcome:
    """kill -9 of the process rendering (a worker, or the app with its own runner)."""
    env = base_env(data_dir, SUBMIT="2", SUBMIT_TEXT=TEXT, STALE_AFTER_S="30")
    jobs = store(data_dir)
    first, lines = spawn(kind, env)
    ids = lines if kind == "app" else [
        jobs.insert("local", RenderRequest(text=f"{TEXT} {n}.", language="es", size=256)).id
        for n in range(2)
    ]  # fmt: skip
    try:
        until(lambda: any((j := jobs.get(i)) and j.fraction > 0.2 for i in ids), 300, "render")
    finally:
        kill9(first)
    with running(kind, {**env, "SUBMIT": "0"}):
        wait_finished(data_dir, ids, 600)
    return audit(Outcome(f"kill -9 {kind} mid-render (local)"), data_dir, ids)


def kill_did_worker(data_dir: Path) -> Outcome:
    with fake_did(render_s=3600) as fake:
        env = base_env(data_dir, **did_env(fake, poll_s=0.1))
        jobs = store(data_dir)
        ids = [jobs.insert("did", RenderRequest(text=f"{TEXT} {n}.", size=256)).id for n in (1, 2)]
        with running("worker", {**env, "WORKERS": "2"}) as (first, _):
            until(lambda: fake.creates == 2 and fake.polls() >= 4, 300, "polling")
            kill9(first)
        for talk in list(fake.talks):
            fake.finish_in(talk, 0.5)
        with running("worker", env):
            wait_finished(data_dir, ids, 300)
        result = Outcome("kill -9 worker mid-render (D-ID)", duplicates=fake.creates - len(ids))
        return audit(result, data_dir, ids)


def disk_full(data_dir: Path) -> Outcome:
    """The media folder on a tiny tmpfs: the encode hits 'No space left on device'."""
    media = data_dir / "media"
    media.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(media)],
                             capture_output=True).returncode == 0  # fmt: skip
    result = Outcome("disk full during encode")
    env = base_env(data_dir, STALE_AFTER_S="30")
    limits: dict[str, Any] = {}
    if not mounted:  # no mount allowed here: cap the worker's file size instead
        result.notes.append("tmpfs not available: RLIMIT_FSIZE on the worker instead")
        limits["preexec_fn"] = _fsize_limit
    jobs = store(data_dir)
    job = jobs.insert("local", RenderRequest(text=TEXT, language="es", size=256))
    try:
        proc = python("-m", "tests.procs", "worker", env=env, **limits)
        try:
            wait_finished(data_dir, [job.id], 300)
        finally:
            kill9(proc)
        first = jobs.get(job.id)
        result.notes.append(f"while full: {first.status} — {first.error[:100]}")
        leftovers = list(media.glob(".staging-*")) + list(media.rglob("*.part"))
        result.corrupt += len(leftovers)  # nothing half-written may stay behind
    finally:
        if mounted:
            subprocess.run(["umount", str(media)], check=False)
    retry_failed(data_dir, [job.id])  # space freed: the person presses Retry
    with running("worker", env):
        wait_finished(data_dir, [job.id], 300)
    return audit(result, data_dir, [job.id])


def _fsize_limit() -> None:  # pragma: no cover — runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def db_locked(data_dir: Path, hold_s: float = 10.0) -> Outcome:
    """Another process holds the database's write lock for ``hold_s`` mid-render."""
    env = base_env(data_dir, STALE_AFTER_S="30")
    jobs = store(data_dir)
    ids = [jobs.insert("local", RenderRequest(text=f"{TEXT} {n}.", language="es", size=256)).id
           for n in range(3)]  # fmt: skip
    with running("worker", {**env, "WORKERS": "2"}):
        until(lambda: any((j := jobs.get(i)) and j.fraction > 0.1 for i in ids), 300, "render")
        locker = sqlite3.connect(str(data_dir / "library.sqlite3"), isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        time.sleep(hold_s)
        locker.execute("ROLLBACK")
        locker.close()
        wait_finished(data_dir, ids, 600)
    return audit(Outcome(f"database locked for {hold_s:g} s"), data_dir, ids)


def did_unreachable(data_dir: Path, outage_s: float) -> Outcome:
    """D-ID drops every connection for ``outage_s``: one job is polling, one starts."""
    with fake_did(render_s=3600) as fake:
        env = base_env(data_dir, **did_env(fake, poll_s=1))
        jobs = store(data_dir)
        with running("worker", {**env, "WORKERS": "2"}):
            polling = jobs.insert("did", RenderRequest(text=f"{TEXT} 1.", size=256)).id
            until(lambda: fake.polls() >= 1, 120, "polling")
            fake.down = True
            starting = jobs.insert("did", RenderRequest(text=f"{TEXT} 2.", size=256)).id
            ids = [polling, starting]
            time.sleep(outage_s)
            fake.down = False
            for talk in list(fake.talks):
                fake.finish_in(talk, 0.5)
            wait_finished(data_dir, ids, 300)
            retried = retry_failed(data_dir, ids)  # the person presses Retry on what failed
            fake.render_s = 0.5
            wait_finished(data_dir, ids, 300)
        result = Outcome(f"D-ID unreachable for {outage_s:g} s", duplicates=fake.creates - 2)
        result.notes.append(f"retried by hand: {retried}")
        return audit(result, data_dir, ids)


def openai_storm(data_dir: Path, writers: int = 4, storm: int = 8) -> Outcome:
    """The first ``storm`` requests get 429 (Retry-After: 1); ``writers`` processes write
    scripts at once. Then a 429 asking for an hour must stop at once and say when."""
    result = Outcome(f"OpenAI 429 storm ({storm} × 429, {writers} writers)")
    with FakeOpenAI(default=Reply.ok("Hola. Este es el guion.")) as fake:
        fake.reply(*[Reply.rate_limited(retry_after="1") for _ in range(storm)])
        env = base_env(data_dir, OPENAI_API_KEY=OPENAI_KEY, OPENAI_BASE_URL=fake.base_url,
                      OPENAI_MAX_RETRIES="5")  # fmt: skip
        procs = [python("-c", _WRITE, str(n), env=env) for n in range(writers)]
        outputs = []
        for proc in procs:
            try:
                outputs.append(proc.communicate(timeout=300)[0].strip())
            except subprocess.TimeoutExpired:
                kill9(proc)
                result.stuck += 1
        result.lost = sum(1 for out in outputs if not out.startswith("ok"))
        result.notes += [o for o in outputs if not o.startswith("ok")]
        fake.reply(Reply.rate_limited(retry_after="3600"))
        late = subprocess.run([sys.executable, "-c", _WRITE, "late"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        told = "try again after" in late.stdout
        result.notes.append(f"Retry-After 3600 → {late.stdout.strip()[:150]}")
        if not told:
            result.lost += 1
    return result


_WRITE = """
import os, sys, time
from core.config import Settings
from core.errors import AppError
from core.models import Brief
from core.pipeline import write_script
from core.services import Services
services = Services.from_settings(Settings.from_sources(os.environ))
started = time.monotonic()
try:
    brief = Brief(prompt=f"Las abejas {sys.argv[1]}", language="es", duration_s=20.0)
    script = write_script(services, brief, use_cache=False)
    print("ok", script.words)
except AppError as err:
    print(f"failed after {time.monotonic() - started:.2f} s:", err.message)
"""

FAULTS: dict[str, Callable[[Path, argparse.Namespace], Outcome]] = {
    "kill-worker": lambda d, a: kill_mid_render(d, "worker"),
    "kill-app": lambda d, a: kill_mid_render(d, "app"),
    "kill-did-worker": lambda d, a: kill_did_worker(d),
    "disk-full": lambda d, a: disk_full(d),
    "db-locked": lambda d, a: db_locked(d, a.lock_s),
    "did-unreachable": lambda d, a: did_unreachable(d, a.outage_s),
    "openai-429": lambda d, a: openai_storm(d),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(FAULTS), help="faults to run")
    parser.add_argument("--outage-s", type=float, default=60.0, help="D-ID outage length")
    parser.add_argument("--lock-s", type=float, default=10.0, help="database lock length")
    args = parser.parse_args()
    results = []
    for name in args.only or list(FAULTS):
        with tempfile.TemporaryDirectory(prefix=f"parlante-fault-{name}-") as tmp:
            started = time.monotonic()
            try:
                outcome = FAULTS[name](Path(tmp) / "data", args)
            except Exception as err:  # a fault the script could not even run counts as lost
                outcome = Outcome(name, lost=1, notes=[f"{type(err).__name__}: {err}"])
            outcome.seconds = time.monotonic() - started
        results.append(outcome)
        _print(outcome)
    bad = [r.fault for r in results if not r.ok]
    print(f"\n{len(results) - len(bad)}/{len(results)} faults survived with nothing lost"
          + (f"; FAILED: {', '.join(bad)}" if bad else ""))  # fmt: skip
    return 1 if bad else 0


def _print(r: Outcome) -> None:
    mark = "ok  " if r.ok else "FAIL"
    print(
        f"{mark} {r.fault:<42} jobs lost {r.lost}  duplicate talks {r.duplicates}  "
        f"corrupt files {r.corrupt}  jobs stuck {r.stuck}  ({r.seconds:.0f} s)",
        flush=True,
    )
    for note in r.notes:
        print(f"       {note}", flush=True)


if __name__ == "__main__":
    threading.current_thread().name = "faults"
    sys.exit(main())
