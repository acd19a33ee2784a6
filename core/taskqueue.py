"""The task queue: which process runs a queued job, and how it learns there is one.

Embedded (SQLite, no DATABASE_URL): the ``jobs`` table *is* the queue; runners poll it and
claim rows (core/jobs.py). Nothing else is needed, and ``EmbeddedQueue`` does nothing.

PostgreSQL (DATABASE_URL): Procrastinate, in the same database (its tables beside ours,
created by the Alembic revision 0004). A queued job has, besides its row, a Procrastinate job
``parlante.run_job(job_id)`` — a *token* that wakes one worker (LISTEN/NOTIFY, or its poll):

- **One transaction.** The row and its token are written in the same transaction: Procrastinate
  defers on the psycopg connection of core.db's transaction (``Task.configure(connection=…)``),
  so both commit or neither does. Every change that makes a row ``queued`` again (a retry, a
  job handed back on SIGTERM, a job recovered from a dead worker) defers a new token the same
  way.
- **The row is the truth, the token only a wake-up.** A worker that gets a token claims the row
  with one UPDATE (``queued`` → ``running``, with its lease); a token whose row is not queued
  (running elsewhere, finished, cancelled, forgotten) does nothing. So a job never runs twice at
  once, whatever happens to tokens, and a spare token costs one UPDATE.
- **Nothing is lost.** A worker killed outright leaves its row ``running`` with a lease nobody
  renews: any worker's supervisor queues it again (JOB_LEASE_S; at once on the same machine)
  with a new token. Its Procrastinate job, left ``doing`` by a worker that stopped sending
  heartbeats, is retried by Procrastinate's stalled-job mechanism (``get_stalled_jobs`` +
  ``retry_job``); it then finds the row taken or queued — which also covers a worker that died
  between fetching the token and claiming the row.
- **SIGTERM.** The worker stops fetching tokens; the running job may finish for
  WORKER_GRACE_S (``shutdown_graceful_timeout``); then Procrastinate asks it to abort, the
  render stops at its next progress report, and the row is queued again with a new token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine.url import make_url

from core.db import Tx
from core.dburl import normalize_url
from core.errors import AppError

log = logging.getLogger(__name__)

TASK = "parlante.run_job"
QUEUE = "renders"

# queued rows, untouched for a lease, that no token will run (procrastinate_jobs.args holds
# the job id); the rows' clock is time.time() like the database's extract(epoch …)
UNTOKENED = """
SELECT j.id FROM jobs j
 WHERE j.status = 'queued' AND j.updated_at < extract(epoch FROM now()) - %(age)s
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs p WHERE p.task_name = 'parlante.run_job'
                   AND p.status IN ('todo', 'doing') AND p.args->>'job_id' = j.id)
 LIMIT 100
"""

# handler(job_id, should_stop): run the job if its row can be claimed; should_stop() turns
# True when the worker is shutting down and the job must be handed back.
Handler = Callable[[str, Callable[[], bool]], None]


class EmbeddedQueue:
    """SQLite: the jobs table is the queue; runners poll it."""

    uses_tokens = False

    def enqueue(self, tx: Tx, job_id: str) -> None:
        """Nothing to add: the queued row is all a runner needs."""

    def work(self, handler: Handler, stop: threading.Event, grace_s: float, lease_s: float) -> None:
        raise NotImplementedError  # embedded workers poll the table (JobRunner's own threads)


def conninfo(database_url: str) -> str:
    """A libpq connection string from a SQLAlchemy URL (driver name dropped)."""
    url = make_url(normalize_url(database_url))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateQueue:
    """PostgreSQL: a Procrastinate token beside each queued row (see the module docstring)."""

    uses_tokens = True

    def __init__(self, database_url: str) -> None:
        import procrastinate

        self._conninfo = conninfo(database_url)
        # the worker's app (asyncio, its own small pool), opened only by ``work``
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=self._conninfo, min_size=1, max_size=4
            ),
        )
        # deferring: a synchronous connector that only ever uses the connection it is given
        # (the open transaction's), never a pool of its own
        self._deferrer = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())
        self._handler: Handler | None = None

        # a token whose run raised (the database failed before the row was claimed) is tried
        # again; a job's own failure is stored in its row and never raises here
        retry = procrastinate.RetryStrategy(max_attempts=30, wait=2, linear_wait=2)

        @self.app.task(name=TASK, queue=QUEUE, pass_context=True, retry=retry)
        def run_job(context: Any, job_id: str) -> None:
            if self._handler is None:  # pragma: no cover — only workers fetch tokens
                raise RuntimeError("no job handler in this process")
            self._handler(job_id, context.should_abort)

        self.task = run_job

    def enqueue(self, tx: Tx, job_id: str) -> None:
        """Defer the token on the transaction's own connection: it commits with the row."""
        task = self._deferrer.configure_task(TASK, queue=QUEUE, connection=tx.driver_connection)
        task.defer(job_id=job_id)

    # -- a worker process ---------------------------------------------------------------------
    def work(self, handler: Handler, stop: threading.Event, grace_s: float, lease_s: float) -> None:
        """Run tokens, one at a time, until ``stop`` is set; then finish or hand back.
        A queue that stops on its own (the database went away) is an AppError: the process
        exits non-zero and its supervisor starts another."""
        self._handler = handler
        try:
            asyncio.run(self._work(stop, grace_s, lease_s))
        except Exception as err:
            log.exception("the task queue stopped")
            raise AppError("jobs.queue_failed", reason=f"{type(err).__name__}: {err}") from None

    async def _work(self, stop: threading.Event, grace_s: float, lease_s: float) -> None:
        async with self.app.open_async():
            worker = asyncio.create_task(
                self.app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=1,
                    name=f"parlante-{threading.get_native_id()}",
                    install_signal_handlers=False,
                    shutdown_graceful_timeout=grace_s,
                    delete_jobs="successful",
                    update_heartbeat_interval=max(0.5, lease_s / 3),
                    stalled_worker_timeout=lease_s,
                    fetch_job_polling_interval=max(0.5, min(5.0, lease_s / 6)),
                    abort_job_polling_interval=max(0.5, min(5.0, lease_s / 6)),
                )
            )
            repair = asyncio.create_task(self._repair(lease_s))
            stopped = asyncio.create_task(asyncio.to_thread(stop.wait))
            await asyncio.wait({worker, stopped}, return_when=asyncio.FIRST_COMPLETED)
            ended_alone = worker.done() and not stop.is_set()
            repair.cancel()
            worker.cancel()  # graceful: no new tokens; the running one gets grace_s
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            with contextlib.suppress(asyncio.CancelledError):
                await repair
            if not stopped.done():
                stop.set()
                await stopped
            if ended_alone:
                worker.result()  # its error, if it had one
                raise RuntimeError("the Procrastinate worker stopped by itself")

    async def _repair(self, lease_s: float) -> None:
        """Every half lease: tokens left ``doing`` by workers that stopped sending heartbeats go
        back to ``todo`` (Procrastinate's stalled-job mechanism), and a row queued for a whole
        lease with no live token (its token failed for good) gets a new one."""
        from procrastinate import exceptions

        manager = self.app.job_manager
        while True:
            await asyncio.sleep(max(0.5, lease_s / 2))
            try:
                for job in await manager.get_stalled_jobs(seconds_since_heartbeat=lease_s):
                    with contextlib.suppress(exceptions.ConnectorException):  # another did
                        await manager.retry_job(job)
                        log.info("job %s: its worker died; token retried", job.task_kwargs)
                rows = await self.app.connector.execute_query_all_async(UNTOKENED, age=lease_s)
                for row in rows:
                    await self.app.configure_task(TASK, queue=QUEUE).defer_async(job_id=row["id"])
                    log.warning("job %s was queued without a token; deferred one", row["id"])
            except Exception:
                log.exception("could not repair the task queue; trying again")


def task_queue(database_url: str | None) -> EmbeddedQueue | ProcrastinateQueue:
    """Procrastinate on PostgreSQL, the jobs table alone on SQLite."""
    if database_url and make_url(normalize_url(database_url)).drivername.startswith("postgresql"):
        return ProcrastinateQueue(database_url)
    return EmbeddedQueue()
