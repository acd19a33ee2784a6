"""Batches: one video per row of a spreadsheet (CSV or XLSX), through the normal job queue.

    plan = app.batches.plan(user, "lista.csv", data, engine="local", template="Hola {nombre}…")
    plan.problems          # every bad row at once: row number as the spreadsheet shows it,
                           # column, what is wrong (nothing is queued while there is one)
    batch = app.batches.start(user, plan)   # rows become jobs; rows already done are skipped
    app.batches.status(user, batch.id)      # progress, and each row's video or error

Columns (case-insensitive; Spanish names accepted): ``text`` (the script) or ``topic`` (a
script is written for the row), ``language``, ``voice``, ``avatar``, ``title``, ``engine``,
``rate``, ``size``, ``duration`` (seconds, for ``topic``). Any other column is a value for a
``{placeholder}`` in the script or in the template given with the batch. A row whose
request is the same as one already rendered for this user is not rendered again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from typing import Any, BinaryIO

from core.choices import ENGINE_IDS
from core.errors import AppError, InputError, LimitReached, NotFound
from core.jobstore import CANCELLED, DONE, FAILED, Job
from core.library import new_id
from core.messages import Msg, msg
from core.models import VIDEO_FILE, Brief, RenderRequest
from core.pipeline import is_metered
from core.previews import find_avatar
from core.usage import METERED_VIDEOS, wait_text
from core.usecases.batch_types import BatchPlan, BatchRow, BatchStatus, RowProblem, RowStatus
from core.usecases.context import Context, WithDatabase
from core.usecases.renders import Renders
from core.usecases.scripts import Scripts
from core.usecases.sheets import fill, read_sheet
from core.writers.base import check_brief
from core.writers.timing import count_words, estimate_seconds

KNOWN = ("text", "topic", "language", "voice", "avatar", "title", "engine", "rate", "size",
         "duration")  # fmt: skip
UNFINISHED_OK = ("queued", "running")


def _column_of(err: AppError) -> str:
    """Which column an error from the render checks is about."""
    mid = err.message_id or ""
    if mid in ("voice.no_language", "brief.unknown_language"):
        return "language"
    for prefix, column in (
        ("voice.", "voice"),
        ("avatar.", "avatar"),
        ("photo.", "avatar"),
        ("script.size", "size"),
        ("script.rate", "rate"),
        ("script.pitch", "pitch"),
        ("brief.duration", "duration"),
        ("brief.", "topic"),
        ("engine.", "engine"),
        ("limit.", "engine"),
    ):
        if mid.startswith(prefix):
            return column
    return "text"


class Batches(WithDatabase):
    def __init__(
        self, ctx: Context, renders: Renders, scripts: Scripts,
        clock: Callable[[], float] = time.time,
    ) -> None:  # fmt: skip
        super().__init__(ctx, clock)
        self.renders = renders
        self.scripts = scripts

    # -- planning: every row checked, nothing queued --------------------------------------------
    def plan(
        self, user: str, name: str, data: bytes, engine: str = "local", template: str = "",
        language: str = "es",
    ) -> BatchPlan:  # fmt: skip
        """Read and check every row; ``plan.problems`` lists all that is wrong at once."""
        rows = read_sheet(name, data)
        limit = self.ctx.settings.batch_max_rows
        if len(rows) > limit:
            raise InputError("batch.too_many_rows", name=name, rows=len(rows), limit=limit)
        columns = sorted({c for _, values in rows for c in values})
        if "text" not in columns and "topic" not in columns and not template.strip():
            raise InputError("batch.no_text_column")
        source = hashlib.sha256(
            data + b"\0" + template.encode() + b"\0" + engine.encode() + language.encode()
        ).hexdigest()
        plan = BatchPlan(name=name, source_hash=source, columns=columns, rows=[], problems=[])
        for number, values in rows:
            row, problems = self._plan_row(user, number, values, engine, template, language)
            plan.problems += problems
            if row is not None:
                plan.rows.append(row)
        return plan

    def _plan_row(
        self, user: str, number: int, values: dict[str, str], default_engine: str,
        template: str, default_language: str,
    ) -> tuple[BatchRow | None, list[RowProblem]]:  # fmt: skip
        problems: list[RowProblem] = []

        def bad(column: str, problem: Msg | str) -> None:
            found = RowProblem(number, column, problem)
            if found not in problems:  # e.g. one empty {nombre} used by the script and title
                problems.append(found)

        engine = values.get("engine") or default_engine
        if engine not in ENGINE_IDS:
            bad("engine", msg("batch.bad_engine", value=engine))
            engine = default_engine
        numbers: dict[str, float] = {}
        for column, default in (("rate", 1.0), ("size", 512.0), ("duration", 30.0)):
            raw = values.get(column, "").replace(",", ".")
            try:
                numbers[column] = float(raw) if raw else default
                if not math.isfinite(numbers[column]):
                    raise ValueError(raw)
            except ValueError:
                bad(column, msg("batch.bad_number", value=values.get(column, "")))
                numbers[column] = default
        language = values.get("language") or default_language
        text, topic = values.get("text", ""), values.get("topic", "")
        source_column = "text" if text else ("topic" if topic else "text")
        source = text or topic or template
        if not source.strip():
            bad("text", msg("batch.row_no_text"))
            return None, problems
        filled, fill_problems = fill(source, values)
        for column, problem in fill_problems:
            bad(column if column != "text" else source_column, problem)
        title_source = values.get("title", "")
        title, title_problems = fill(title_source, values) if title_source else ("", [])
        for column, problem in title_problems:
            bad("title" if column == "text" else column, problem)
        row = BatchRow(row=number, values=values, engine=engine, title=title[:120])
        if topic and not text:
            if not self.scripts.can_write():
                bad("topic", msg("batch.topic_needs_writer"))
            try:
                row.brief = check_brief(Brief(prompt=filled, language=language,
                                              duration_s=numbers["duration"]))  # fmt: skip
            except InputError as err:
                bad(_column_of(err), err.msg or err.message)
            row.seconds = round(numbers["duration"] / max(numbers["rate"], 0.1), 1)
        else:
            request = RenderRequest(
                text=filled, language=language, voice_id=values.get("voice") or None,
                avatar=values.get("avatar") or None,
                size=int(numbers["size"]) if values.get("size") else None,
                rate=numbers["rate"], title=row.title,
            )  # fmt: skip
            row.request = request
            if not fill_problems:
                self._check_request(user, request, engine, bad)
            seconds = estimate_seconds(filled, language) / max(numbers["rate"], 0.1)
            row.seconds = round(seconds, 1) if count_words(filled) else 0.0
        block = self.renders_block(engine)
        row.credits = math.ceil(row.seconds / block) if block and row.seconds else None
        if block and row.credits is None:
            row.credits = 0
        return (None if problems else row), problems

    def renders_block(self, engine: str) -> float:
        return self.ctx.services.engine(engine).capabilities.seconds_per_credit

    def _check_request(
        self, user: str, request: RenderRequest, engine: str, bad: Callable[[str, Any], None]
    ) -> None:
        """The same checks as any render; each problem attributed to its column."""
        library = self.ctx.services.library
        if request.avatar and find_avatar(library, request.avatar, user) is None:
            bad("avatar", msg("batch.unknown_avatar", avatar=request.avatar))
            request = replace(request, avatar=None)
        try:
            self.renders.check(user, request, engine)
        except LimitReached:
            pass  # the daily cap is checked for the whole batch (check_cap), with its numbers
        except AppError as err:
            bad(_column_of(err), err.msg or err.message)

    # -- the daily cap: the whole batch, before anything runs -------------------------------------
    def to_render(self, user: str, plan: BatchPlan) -> list[BatchRow]:
        """The rows a start would render: those not already done (or on their way)."""
        batch_id = self._batch_id(user, plan)
        return [
            item for item in plan.rows
            if not (batch_id and self._usable_job(user, self._row_job(batch_id, item.row)))
            and self._done_before(user, item.key) is None
        ]  # fmt: skip

    def check_cap(self, user: str, plan: BatchPlan) -> None:
        """InputError, with the numbers, when the rows still to render on a metered engine
        (D-ID) are more videos than ``user`` has left today (DID_DAILY_VIDEOS)."""
        services = self.ctx.services
        paid = [r for r in self.to_render(user, plan) if is_metered(services, r.engine)]
        if not paid:
            return
        usage = services.usage
        used, limit = usage.used(user, METERED_VIDEOS), usage.limit(METERED_VIDEOS)
        left = max(0, limit - used)
        if len(paid) > left:
            wait = 86_400 - (self.clock() % 86_400)  # until 00:00 UTC, when the cap resets
            raise InputError(
                "batch.over_daily_cap", videos=len(paid), left=left, limit=limit, used=used,
                credits=sum(r.credits or 0 for r in paid), over=len(paid) - left,
                wait=wait_text(wait),
            )  # fmt: skip

    # -- running --------------------------------------------------------------------------------
    def _batch_id(self, user: str, plan: BatchPlan) -> str | None:
        row = self._db.one(
            "SELECT id FROM batches WHERE owner = :owner AND source_hash = :hash",
            {"owner": user, "hash": plan.source_hash},
        )
        return str(row["id"]) if row else None

    def start(self, user: str, plan: BatchPlan) -> BatchStatus:
        """Queue every row not already done (InputError listing the count if any row is bad,
        or when the rows would pass today's D-ID cap). Running the same sheet again reuses
        its batch and queues only what is missing."""
        if not plan.ok:
            bad_rows = len({p.row for p in plan.problems})
            raise InputError("batch.bad_rows", count=bad_rows, total=len(plan.rows) + bad_rows)
        self.check_cap(user, plan)
        batch_id = self._batch_id(user, plan)
        engine = plan.rows[0].engine if plan.rows else "local"
        if batch_id is None:
            batch_id = "b_" + new_id()
            self._db.execute(
                "INSERT INTO batches (id, owner, name, source_hash, engine, total, created_at)"
                " VALUES (:id, :owner, :name, :hash, :engine, :total, :now)",
                {"id": batch_id, "owner": user, "name": plan.name[:120],
                 "hash": plan.source_hash, "engine": engine, "total": len(plan.rows),
                 "now": self.clock()},
            )  # fmt: skip
        for item in plan.rows:
            if self._usable_job(user, self._row_job(batch_id, item.row)) is not None:
                continue
            job_id = self._done_before(user, item.key)
            if job_id is None:
                job_id = self._submit(user, item).id
            self._db.execute(
                "INSERT INTO batch_rows (batch_id, row_number, row_hash, title, job_id)"
                " VALUES (:batch, :row, :hash, :title, :job)"
                " ON CONFLICT (batch_id, row_number) DO UPDATE SET"
                " row_hash = excluded.row_hash, title = excluded.title, job_id = excluded.job_id",
                {"batch": batch_id, "row": item.row, "hash": item.key, "title": item.title,
                 "job": job_id},
            )  # fmt: skip
        return self.status(user, batch_id)

    def _submit(self, user: str, item: BatchRow) -> Job:
        request = item.request
        if request is None:  # a topic: write the script now, then queue its video
            assert item.brief is not None
            script = self.scripts.write(user, item.brief)
            request = RenderRequest(
                text=script.text, language=item.brief.language,
                voice_id=item.values.get("voice") or None,
                avatar=item.values.get("avatar") or None, title=item.title,
            )  # fmt: skip
        return self.renders.submit(user, request, item.engine, item.title)

    def _row_job(self, batch_id: str, number: int) -> str | None:
        row = self._db.one(
            "SELECT job_id FROM batch_rows WHERE batch_id = :batch AND row_number = :row",
            {"batch": batch_id, "row": number},
        )
        return row["job_id"] if row else None

    def _usable_job(self, user: str, job_id: str | None) -> Job | None:
        """The row's job if it is done (video still there) or still on its way."""
        job = self.ctx.runner.get(job_id) if job_id else None
        if job is None or job.user != user:
            return None
        if job.status in UNFINISHED_OK:
            return job
        if job.status == DONE and self.renders.video(user, job) is not None:
            return job
        return None

    def _done_before(self, user: str, key: str) -> str | None:
        """A job of any of the user's batches that already rendered exactly this row."""
        rows = self._db.all(
            "SELECT r.job_id FROM batch_rows r JOIN batches b ON b.id = r.batch_id"
            " WHERE b.owner = :owner AND r.row_hash = :hash AND r.job_id IS NOT NULL",
            {"owner": user, "hash": key},
        )
        for row in rows:
            if self._usable_job(user, row["job_id"]) is not None:
                return row["job_id"]
        return None

    # -- following ------------------------------------------------------------------------------
    def list(self, user: str, limit: int = 20) -> list[BatchStatus]:
        rows = self._db.all(
            "SELECT id FROM batches WHERE owner = :owner ORDER BY created_at DESC LIMIT :limit",
            {"owner": user, "limit": limit},
        )
        return [self.status(user, r["id"]) for r in rows]

    def status(self, user: str, batch_id: str) -> BatchStatus:
        batch = self._db.one(
            "SELECT * FROM batches WHERE id = :id AND owner = :owner",
            {"id": batch_id, "owner": user},
        )
        if batch is None:
            raise NotFound("batch.not_found", id=batch_id)
        status = BatchStatus(id=batch["id"], name=batch["name"], engine=batch["engine"],
                             created_at=batch["created_at"])  # fmt: skip
        rows = self._db.all(
            "SELECT * FROM batch_rows WHERE batch_id = :batch ORDER BY row_number",
            {"batch": batch_id},
        )
        for row in rows:
            job = self.ctx.runner.get(row["job_id"]) if row["job_id"] else None
            if job is None or job.user != user:
                status.rows.append(RowStatus(row["row_number"], row["title"], row["job_id"],
                                             FAILED, error="the job was removed"))  # fmt: skip
                continue
            video = self.renders.video(user, job) if job.status == DONE else None
            state = job.status if job.status != DONE or video else FAILED
            error = job.error_text() if job.status in (FAILED, CANCELLED) else ""
            if job.status == DONE and video is None:
                error = "the video was deleted"
            status.rows.append(RowStatus(row["row_number"], row["title"] or job.title, job.id,
                                         state, video.id if video else None, error))  # fmt: skip
        return status

    def results_csv(self, user: str, batch_id: str, files: dict[int, str] | None = None) -> bytes:
        """row → video id, status, error (and the file name in the ZIP / folder)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", "title", "video_id", "status", "error", "file"])
        for row in self.status(user, batch_id).rows:
            writer.writerow([row.row, row.title, row.video_id or "", row.status, row.error,
                             (files or {}).get(row.row, "")])  # fmt: skip
        return out.getvalue().encode("utf-8")

    def files(self, user: str, batch_id: str) -> dict[int, tuple[str, Any]]:
        """The finished videos: row → (file name, path)."""
        found = {}
        for row in self.status(user, batch_id).rows:
            if row.status == DONE and row.video_id:
                record = self.ctx.own_video(user, row.video_id)
                record = self.ctx.services.library.local_copy(record, (VIDEO_FILE,))
                found[row.row] = (f"row-{row.row:04d}{_slug(row.title)}.mp4", record.video_path)
        return found

    def write_zip(self, user: str, batch_id: str, out: BinaryIO) -> dict[int, str]:
        """Write a ZIP of the finished videos and results.csv to ``out``; row → file name."""
        files = self.files(user, batch_id)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # MP4 does not shrink
            for name, path in files.values():
                archive.write(path, name)
            names = {row: name for row, (name, _) in files.items()}
            archive.writestr("results.csv", self.results_csv(user, batch_id, names))
        return names

    def zip_bytes(self, user: str, batch_id: str) -> bytes:
        """A ZIP of the finished videos and results.csv."""
        buf = io.BytesIO()
        self.write_zip(user, batch_id, buf)
        return buf.getvalue()


def _slug(title: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in title.lower())
    slug = "-".join(part for part in keep.split("-") if part)[:40]
    return f"-{slug}" if slug else ""
