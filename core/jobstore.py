"""Jobs in the library's database (core.db): each row is written before any work starts.

The runner (core/jobs.py) claims rows atomically, stores progress as it happens and
records how each job ended. Every method is safe to call from several threads and from
several processes (and machines, on PostgreSQL): one statement per change; claiming takes
the oldest queued row with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, under SQLite's single
writer lock otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy.engine import RowMapping

from core.db import Database, Tx
from core.errors import message_text
from core.library import Library, new_id
from core.messages import Msg
from core.models import RenderRequest

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
STATUSES = (QUEUED, RUNNING, DONE, FAILED, CANCELLED)
UNFINISHED = (QUEUED, RUNNING)


@dataclass
class Job:
    id: str
    engine: str
    request: RenderRequest
    status: str = QUEUED
    user: str = ""
    title: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0
    stage: str = ""
    fraction: float = 0.0
    message: str = ""
    error: str = ""
    video_id: str | None = None
    resume_token: str | None = None  # the engine's handle on work it started (opaque)
    attempts: int = 0
    runner: str = ""
    heartbeat_at: float = 0.0
    cancel_requested: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    error_data: dict[str, Any] | None = None  # AppError.to_data(): id + params, any language
    message_data: dict[str, Any] | None = None  # Msg.to_data() of the last progress message

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED

    def error_text(self, lang: str = "en") -> str:
        """Why the job failed, in ``lang`` (the stored English for jobs from before ids)."""
        return message_text(self.error_data, lang, self.error)

    def message_text(self, lang: str = "en") -> str:
        """The last progress message in ``lang``."""
        if not self.message_data:
            return self.message
        return message_text({"id": self.message_data}, lang, self.message)


def _request_from_json(text: str) -> RenderRequest:
    data: dict[str, Any] = json.loads(text or "{}")
    return RenderRequest.from_json(data)


def _same_request(request: RenderRequest) -> dict[str, Any]:
    return {k: v for k, v in asdict(request).items() if k not in ("job_id", "title")}


def _job(row: RowMapping) -> Job:
    return Job(
        id=row["id"],
        user=row["owner"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        status=row["status"],
        engine=row["engine"],
        title=row["title"],
        request=_request_from_json(row["request_json"]),
        stage=row["stage"],
        fraction=row["fraction"],
        message=row["message"],
        error=row["error"],
        video_id=row["video_id"],
        resume_token=row["resume_token"],
        attempts=row["attempts"],
        runner=row["runner"],
        heartbeat_at=row["heartbeat_at"],
        cancel_requested=bool(row["cancel_requested"]),
        notes=json.loads(row["notes_json"] or "{}"),
        error_data=_json_or_none(row["error_json"]),
        message_data=_json_or_none(row["message_json"]),
    )


def _json_or_none(text: str | None) -> dict[str, Any] | None:
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class JobStore:
    """``enqueue(tx, job_id)``, when given (core.taskqueue on PostgreSQL), is called inside the
    transaction of every change that makes a row ``queued`` — submit, retry, hand back,
    recovery — so the task queue's token commits with the row, or neither does."""

    def __init__(
        self,
        library: Library,
        clock: Callable[[], float],
        enqueue: Callable[[Tx, str], None] | None = None,
    ) -> None:
        self.library = library
        self.clock = clock
        self.enqueue = enqueue

    @property
    def db(self) -> Database:
        return self.library.db

    def insert(self, engine: str, request: RenderRequest, user: str = "", title: str = "") -> Job:
        job_id = "job-" + new_id()
        title = title or request.title
        request = replace(request, job_id=job_id, title=title)
        now = self.clock()
        self._queueing(
            job_id,
            "INSERT INTO jobs (id, owner, created_at, updated_at, status, engine, title,"
            " request_json, stage, message, seq) VALUES (:id, :owner, :now, :now, :queued,"
            " :engine, :title, :request, :queued, '',"
            " (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs)) RETURNING status",
            {"id": job_id, "owner": user, "now": now, "queued": QUEUED, "engine": engine,
             "title": title, "request": json.dumps(asdict(request))},
        )  # fmt: skip
        job = self.get(job_id)
        assert job is not None
        return job

    def _queueing(self, job_id: str, sql: str, params: dict[str, Any]) -> RowMapping | None:
        """One statement that may make ``job_id`` queued (it returns the row's status); with a
        task queue, the job's token is deferred in the same transaction."""
        if self.enqueue is None:
            return self.db.one(sql, params)
        with self.db.transaction() as tx:
            row = tx.one(sql, params)
            if row is not None and row["status"] == QUEUED:
                self.enqueue(tx, job_id)
            return row

    def claim(self, job_id: str, runner: str) -> Job | None:
        """Take this job if it is queued (a task queue's token for it arrived); None when it
        is not — running elsewhere, finished, cancelled or gone."""
        now = self.clock()
        row = self.db.one(
            "UPDATE jobs SET status = :running, runner = :runner, heartbeat_at = :now,"
            " updated_at = :now, attempts = attempts + 1, error = '', error_json = ''"
            " WHERE id = :id AND status = :queued RETURNING *",
            {"running": RUNNING, "runner": runner, "now": now, "id": job_id, "queued": QUEUED},
        )
        return _job(row) if row else None

    def get(self, job_id: str) -> Job | None:
        row = self.db.one("SELECT * FROM jobs WHERE id = :id", {"id": job_id})
        return _job(row) if row else None

    def list(
        self,
        user: str = "",
        statuses: Iterable[str] | None = None,
        engine: str | None = None,
        limit: int = 200,
    ) -> list[Job]:
        sql = "SELECT * FROM jobs WHERE owner = :owner"
        args: dict[str, Any] = {"owner": user, "limit": limit}
        wanted = list(statuses or [])
        if wanted:
            sql += " AND status IN :statuses"
            args["statuses"] = wanted
        if engine:
            sql += " AND engine = :engine"
            args["engine"] = engine
        sql += " ORDER BY created_at DESC, seq DESC LIMIT :limit"
        return [_job(r) for r in self.db.all(sql, args)]

    def running(self) -> list[Job]:
        rows = self.db.all("SELECT * FROM jobs WHERE status = :running", {"running": RUNNING})
        return [_job(r) for r in rows]

    def count(self, status: str) -> int:
        return int(self.db.scalar("SELECT COUNT(*) FROM jobs WHERE status = :s", {"s": status}))

    def claim_next(self, runner: str) -> Job | None:
        """Atomically take the oldest queued job; None when the queue is empty.

        On PostgreSQL the oldest row nobody else is claiming (``SKIP LOCKED``): two workers
        never take one job, and neither waits for the other."""
        now = self.clock()
        skip_locked = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgresql" else ""
        row = self.db.one(
            "UPDATE jobs SET status = :running, runner = :runner, heartbeat_at = :now,"
            " updated_at = :now, attempts = attempts + 1, error = '', error_json = ''"
            " WHERE id = (SELECT id FROM jobs WHERE status = :queued"
            f" ORDER BY created_at, seq LIMIT 1{skip_locked})"
            " AND status = :queued RETURNING *",
            {"running": RUNNING, "runner": runner, "now": now, "queued": QUEUED},
        )
        return _job(row) if row else None

    def progress(
        self, job_id: str, runner: str, stage: str, fraction: float, message: str | Msg
    ) -> bool:
        """Store progress; False if the job is no longer this runner's (cancel requested too).

        ``message`` is best a Msg (shown in the interface language); plain text is kept as is.
        """
        now = self.clock()
        data = json.dumps(message.to_data()) if isinstance(message, Msg) else ""
        text = message.render() if isinstance(message, Msg) else message
        row = self.db.one(
            "UPDATE jobs SET stage = :stage, fraction = :fraction, message = :message,"
            " message_json = :data, updated_at = :now, heartbeat_at = :now"
            " WHERE id = :id AND runner = :runner AND status = :running"
            " RETURNING cancel_requested",
            {"stage": stage, "fraction": max(0.0, min(1.0, fraction)), "message": text[:300],
             "data": data, "now": now, "id": job_id, "runner": runner, "running": RUNNING},
        )  # fmt: skip
        return row is not None and not row["cancel_requested"]

    def cancel_requested(self, job_id: str) -> bool:
        flag = self.db.scalar("SELECT cancel_requested FROM jobs WHERE id = :id", {"id": job_id})
        return bool(flag)

    def heartbeat(self, runner: str, job_ids: Iterable[str]) -> None:
        """Renew the leases of these jobs (each one only while this runner holds it)."""
        ids = list(job_ids)
        if not ids:
            return
        self.db.execute(
            "UPDATE jobs SET heartbeat_at = :now WHERE runner = :runner AND status = :running"
            " AND id IN :ids",
            {"now": self.clock(), "runner": runner, "running": RUNNING, "ids": ids},
        )

    def find_unfinished(self, engine: str, request: RenderRequest, user: str = "") -> Job | None:
        """An unfinished job of ``user`` that renders exactly ``request`` (ignoring job ids)."""
        wanted = _same_request(request)
        for job in self.list(user, UNFINISHED, engine, limit=50):
            if _same_request(job.request) == wanted:
                return job
        return None

    def retry(self, job_id: str, user: str = "") -> Job | None:
        """Queue a failed or cancelled job again; its notes and resume token are kept."""
        row = self._queueing(
            job_id,
            "UPDATE jobs SET status = :queued, stage = :queued, error = '', message = :message,"
            " fraction = 0, attempts = 0, cancel_requested = 0, runner = '', updated_at = :now"
            " WHERE id = :id AND owner = :owner AND status IN :ended RETURNING *",
            {"queued": QUEUED, "message": "Queued again", "now": self.clock(), "id": job_id,
             "owner": user, "ended": (FAILED, CANCELLED)},
        )  # fmt: skip
        return _job(row) if row else None

    def finish(
        self,
        job_id: str,
        runner: str,
        status: str,
        error: str = "",
        video_id: str | None = None,
        stage: str | None = None,
        error_data: dict[str, Any] | None = None,
    ) -> None:
        """``error`` is the English reason; ``error_data`` (AppError.to_data) renders it in
        any language."""
        now = self.clock()
        data = json.dumps(error_data) if error_data else ""
        self.db.execute(
            "UPDATE jobs SET status = :status, error = :error, error_json = :data,"
            " video_id = COALESCE(:video_id, video_id), stage = COALESCE(:stage, stage),"
            " fraction = CASE WHEN :status = 'done' THEN 1 ELSE fraction END,"
            " updated_at = :now, runner = '' WHERE id = :id AND runner = :runner"
            " AND status = :running",
            {"status": status, "error": error[:1000], "data": data, "video_id": video_id,
             "stage": stage, "now": now, "id": job_id, "runner": runner, "running": RUNNING},
        )  # fmt: skip

    def requeue(self, job_id: str, runner: str, message: str | Msg) -> None:
        """Put a job this runner was running back in the queue (shutdown)."""
        text = message.render() if isinstance(message, Msg) else message
        data = json.dumps(message.to_data()) if isinstance(message, Msg) else ""
        self._queueing(
            job_id,
            "UPDATE jobs SET status = :queued, stage = :queued, message = :message,"
            " message_json = :data, runner = '', updated_at = :now"
            " WHERE id = :id AND runner = :runner AND status = :running RETURNING status",
            {"queued": QUEUED, "message": text, "data": data, "now": self.clock(), "id": job_id,
             "runner": runner, "running": RUNNING},
        )  # fmt: skip

    def recover(self, job: Job, max_attempts: int, message: str | Msg) -> str:
        """An interrupted running job: queue it again (keeping its notes) or fail it."""
        error, error_json = "", ""
        if job.attempts >= max_attempts:
            status = FAILED
            reason = Msg("job.interrupted", {"attempts": job.attempts})
            error = reason.render()
            error_json = json.dumps({"id": reason.to_data(), "text": error, "suffixes": []})
        else:
            status = QUEUED
        queued = status == QUEUED
        text = message.render() if isinstance(message, Msg) else message
        data = json.dumps(message.to_data()) if isinstance(message, Msg) else ""
        self._queueing(
            job.id,
            "UPDATE jobs SET status = :status, error = :error, error_json = :error_json,"
            " stage = :status, message = :message, message_json = :data, runner = '',"
            " updated_at = :now WHERE id = :id AND runner = :runner AND status = :running"
            " RETURNING status",
            {"status": status, "error": error, "error_json": error_json,
             "message": text if queued else "", "data": data if queued else "",
             "now": self.clock(), "id": job.id, "runner": job.runner, "running": RUNNING},
        )  # fmt: skip
        return status

    def request_cancel(self, job_id: str) -> str | None:
        """Cancel a queued job at once, or flag a running one. Returns the resulting status."""
        now = self.clock()
        self.db.execute(
            "UPDATE jobs SET status = :cancelled, stage = :cancelled, updated_at = :now"
            " WHERE id = :id AND status = :queued",
            {"cancelled": CANCELLED, "now": now, "id": job_id, "queued": QUEUED},
        )
        self.db.execute(
            "UPDATE jobs SET cancel_requested = 1, updated_at = :now"
            " WHERE id = :id AND status = :running",
            {"now": now, "id": job_id, "running": RUNNING},
        )
        job = self.get(job_id)
        return job.status if job else None

    def delete(self, job_id: str) -> bool:
        """Forget a finished job (a running one is kept: cancel it first)."""
        deleted = self.db.execute(
            "DELETE FROM jobs WHERE id = :id AND status NOT IN :unfinished",
            {"id": job_id, "unfinished": UNFINISHED},
        )
        return deleted > 0

    # -- durable notes (the job's Journal) ---------------------------------------------------
    def get_note(self, job_id: str, name: str) -> str | None:
        job = self.get(job_id)
        return job.notes.get(name) if job else None

    def set_note(self, job_id: str, name: str, value: str) -> None:
        if self.db.dialect == "postgresql":
            notes = (
                "jsonb_set(COALESCE(NULLIF(notes_json, ''), '{}')::jsonb,"
                " ARRAY[CAST(:name AS TEXT)], to_jsonb(CAST(:value AS TEXT)))::text"
            )
        else:
            notes = "json_set(notes_json, :path, :value)"
        self.db.execute(
            f"UPDATE jobs SET notes_json = {notes}, updated_at = :now WHERE id = :id",
            {"name": name, "path": "$." + json.dumps(name), "value": value,
             "now": self.clock(), "id": job_id},
        )  # fmt: skip

    def set_resume_token(self, job_id: str, token: str | None) -> None:
        """The engine's opaque handle on work it started for this job (None: refunded)."""
        self.db.execute(
            "UPDATE jobs SET resume_token = :token, updated_at = :now WHERE id = :id",
            {"token": token, "now": self.clock(), "id": job_id},
        )


class JobJournal:
    """core.engines.base.Journal over one job's row: the engine's resume token and notes
    survive restarts (and a retry)."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        self.store = store
        self.job_id = job_id

    def get(self, name: str) -> str | None:
        return self.store.get_note(self.job_id, name)

    def set(self, name: str, value: str) -> None:
        self.store.set_note(self.job_id, name, value)

    def resume_token(self) -> str | None:
        job = self.store.get(self.job_id)
        return job.resume_token if job else None

    def save_resume_token(self, token: str) -> None:
        self.store.set_resume_token(self.job_id, token)

    def refund(self) -> None:
        self.store.set_resume_token(self.job_id, None)
