"""Targets for the multi-process tests (spawned processes import this module by name)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment for a child process: without the real providers' keys
    (DID_*, OPENAI_*), with ``data_dir`` as its APP_DATA_DIR and the repository importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DID_", "OPENAI_"))}
    return {**env, "APP_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **extra}


def open_library(data_dir: str, barrier: Any, results: Any) -> None:
    """Open a (fresh) library the moment every sibling process is ready, and use it."""
    from core.library import Library

    barrier.wait()
    try:
        library = Library(Path(data_dir), database_url=os.environ.get("DATABASE_URL"))
        library.db.scalar("SELECT COUNT(*) FROM jobs")
        library.set_pref(f"opened-by-{os.getpid()}", True)
        results.put("ok")
    except Exception as err:  # reported to the test, which shows it
        results.put(f"{type(err).__name__}: {err}")


def take_requests(
    data_dir: str, key_id: str, per_minute: int, now: float, n: int, barrier: Any, results: Any
) -> None:
    """Count ``n`` requests of one API key at the same (given) moment, as an API process
    does for each call; report how many were let through."""
    from core.config import Settings
    from core.usecases import Parlante, RateLimits

    try:
        env = {"APP_DATA_DIR": data_dir, "DATABASE_URL": os.environ.get("DATABASE_URL", "")}
        app = Parlante.open(Settings.from_sources(env), jobs=False)
        limits = RateLimits(app.ctx, clock=lambda: now)
        app.ctx.services.library.db.scalar("SELECT 1")  # connected and migrated before the race
        barrier.wait()
        results.put(sum(1 for _ in range(n) if limits.take(key_id, per_minute) == 0))
    except Exception as err:  # reported to the test, which shows it
        results.put(f"{type(err).__name__}: {err}")


# --- a job worker in its own process ---------------------------------------------------------
#
#   python -m tests.procs worker      (environment: APP_DATA_DIR, DID_*, ENGINE_LOG, ...)
#
# It runs a JobRunner until it is killed, like the app or a worker container would. With
# ENGINE_LOG set it registers "logged": an instant engine that appends "<pid> <job>" to that
# file for every render it starts (so a test can count renders across processes).


class LoggedEngine:
    """The tests' FakeEngine, slowed a little and logging each render start to a file."""

    def __new__(cls, *args: Any) -> Any:
        from tests.fake_engine import FakeEngine

        class _Logged(FakeEngine):
            id = "logged"

            def render(self, plan, workdir, on_progress, journal):  # type: ignore[no-untyped-def]
                import time

                with open(os.environ["ENGINE_LOG"], "a", encoding="utf-8") as log:
                    log.write(f"{os.getpid()} {plan.request.job_id}\n")
                for step in range(5):
                    on_progress("animation", step / 5, "")
                    time.sleep(0.05)  # long enough for the other process to claim others
                return super().render(plan, workdir, on_progress, journal)

        return _Logged(*args)


def worker_main() -> None:
    import signal
    import time

    from core.config import Settings
    from core.engines import registry
    from core.jobs import JobRunner, RunnerOptions
    from core.services import Services

    if os.environ.get("ENGINE_LOG"):
        registry.ENGINES["logged"] = LoggedEngine  # type: ignore[assignment]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk is an OSError, not a kill
    settings = Settings.from_sources(os.environ)
    options = RunnerOptions(
        workers=int(os.environ.get("WORKERS", "1")),
        poll_s=0.05,
        heartbeat_s=float(os.environ.get("HEARTBEAT_S", "0.2")),
        stale_after_s=float(os.environ.get("STALE_AFTER_S", "5")),
    )
    runner = JobRunner(Services.from_settings(settings), options).start()
    print(runner.id, flush=True)  # "taking jobs": the parent reads this line
    while True:
        time.sleep(3600)


def app_main() -> None:
    """The app's process without a browser: the same runtime (one runner per process) that
    app.py opens, submitting SUBMIT jobs of SUBMIT_ENGINE the way the Create page does."""
    import time

    from core.models import RenderRequest
    from ui.runtime import build_settings, open_runtime

    runtime = open_runtime(build_settings())
    for n in range(int(os.environ.get("SUBMIT", "0"))):
        text = f"{os.environ.get('SUBMIT_TEXT', 'Hola a todos.')} Video {n}."
        request = RenderRequest(text=text, language="es", size=256)
        print(runtime.app.ctx.runner.submit(request, os.environ.get("SUBMIT_ENGINE", "local")).id)
    print(runtime.app.ctx.runner.id, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":  # pragma: no cover — started by tests and benchmarks/faults.py
    import sys

    if sys.argv[1:] == ["worker"]:
        worker_main()
    elif sys.argv[1:] == ["app"]:
        app_main()
