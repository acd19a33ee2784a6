"""``worker``: run queued jobs in N processes until SIGTERM (app replicas use RUN_JOBS=0).

Each process renders one job at a time. SIGTERM (or Ctrl+C) stops taking jobs and lets the
running one finish for WORKER_GRACE_S; a job still running then goes back to the queue,
with nothing half-written kept. A worker killed outright (SIGKILL, a lost machine) loses
nothing either: its jobs' leases run out and another worker takes them over.

With ``--concurrency N`` above 1 this process only supervises: it starts N worker
processes (``worker --concurrency 1``), restarts one that dies, and passes SIGTERM on.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
from types import FrameType

from core.errors import InputError
from core.usecases import Parlante

MAX_CONCURRENCY = 64
log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run queued jobs (renders) until stopped with SIGTERM")
    p.add_argument("--concurrency", type=int, default=1,
                   help="job processes, each rendering one job at a time (default 1)")  # fmt: skip
    p.set_defaults(func=run)


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


def run(args: argparse.Namespace, app: Parlante) -> int:
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        raise InputError("jobs.bad_concurrency", concurrency=args.concurrency, most=MAX_CONCURRENCY)
    stop = threading.Event()
    _stop_on_signals(stop)
    if args.concurrency == 1:
        # One write of the whole line: with PYTHONUNBUFFERED, print() writes the text and the
        # newline separately, and sibling workers sharing the pipe interleave them.
        sys.stdout.write(f"worker {app.runner_id} taking jobs\n")
        sys.stdout.flush()
        app.work(stop)
        return 0
    return _supervise(args, stop, app.settings.worker_grace_s)


def _child(verbose: bool) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "core", *(["-v"] if verbose else []), "worker"]
    return subprocess.Popen(argv, env=os.environ.copy())


def _supervise(args: argparse.Namespace, stop: threading.Event, grace_s: float) -> int:
    """Keep ``args.concurrency`` worker processes running until ``stop``; then SIGTERM them
    and wait for each to finish or hand back its job."""
    children = [_child(args.verbose) for _ in range(args.concurrency)]
    try:
        while not stop.wait(1.0):
            for n, child in enumerate(children):
                code = child.poll()
                if code is None:
                    continue
                if code in (2, 3):  # wrong input or configuration: restarting will not help
                    stop.set()
                    return code
                log.warning("worker process %d exited with %s; starting another", child.pid, code)
                children[n] = _child(args.verbose)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(grace_s + 30.0)  # handing a job back takes a progress report
            except subprocess.TimeoutExpired:
                log.error("worker process %d did not stop; killing it", child.pid)
                child.kill()  # its job's lease runs out; another worker takes it over
                child.wait()
    return 0
