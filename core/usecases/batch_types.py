"""The plain types of a spreadsheet batch: a planned row, the plan with every problem, and
the batch's progress row by row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from core.jobstore import CANCELLED, DONE, FAILED
from core.messages import Msg, msg
from core.models import Brief, RenderRequest

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet shows it: the header is row 1, the first video row 2
    column: str
    problem: Msg | str

    def text(self, lang: str = "en") -> str:
        return self.problem.render(lang) if isinstance(self.problem, Msg) else self.problem

    def line(self, lang: str = "en") -> str:
        return msg("batch.row_problem", row=self.row, column=self.column,
                   problem=self.text(lang)).render(lang)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "problem": self.text()}


@dataclass
class BatchRow:
    row: int
    values: dict[str, str]
    engine: str
    title: str
    request: RenderRequest | None = None  # the script is in the sheet (or a template)
    brief: Brief | None = None  # a script is written first from ``topic``
    seconds: float = 0.0
    credits: int | None = None

    @property
    def key(self) -> str:
        """Identifies what this row renders, to skip it when it was already rendered."""
        what = asdict(self.request) if self.request else {"brief": asdict(self.brief or Brief(""))}
        what = {k: v for k, v in what.items() if k not in ("job_id", "use_cache")}
        data = json.dumps({"engine": self.engine, **what}, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        request = self.request
        return {
            "row": self.row,
            "title": self.title,
            "engine": self.engine,
            "text": request.text if request else None,
            "topic": self.brief.prompt if self.brief else None,
            "language": request.language
            if request
            else (self.brief.language if self.brief else ""),
            "voice": request.voice_id if request else self.values.get("voice") or None,
            "avatar": request.avatar if request else self.values.get("avatar") or None,
            "estimated_s": self.seconds,
            "credits": self.credits,
        }


@dataclass
class BatchPlan:
    name: str
    source_hash: str
    columns: list[str]
    rows: list[BatchRow]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total_seconds(self) -> float:
        return round(sum(r.seconds for r in self.rows), 1)

    @property
    def total_credits(self) -> int | None:
        credits = [r.credits for r in self.rows if r.credits is not None]
        return sum(credits) if credits else None

    def preview(self, n: int = PREVIEW_ROWS) -> list[BatchRow]:
        return self.rows[:n]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": len(self.rows),
            "estimated_s": self.total_seconds,
            "credits": self.total_credits,
            "preview": [r.to_json() for r in self.preview()],
            "problems": [p.to_json() for p in self.problems],
        }


@dataclass(frozen=True)
class RowStatus:
    row: int
    title: str
    job_id: str | None
    status: str  # queued | running | done | failed | cancelled | skipped
    video_id: str | None = None
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BatchStatus:
    id: str
    name: str
    engine: str
    created_at: float
    rows: list[RowStatus] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r.status in statuses)

    @property
    def finished(self) -> bool:
        return self.count(DONE, FAILED, CANCELLED) == len(self.rows)

    @property
    def fraction(self) -> float:
        return self.count(DONE, FAILED, CANCELLED) / len(self.rows) if self.rows else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "engine": self.engine,
            "created_at": self.created_at, "total": len(self.rows), "done": self.count(DONE),
            "failed": self.count(FAILED, CANCELLED), "fraction": round(self.fraction, 3),
            "rows": [r.to_json() for r in self.rows],
        }  # fmt: skip
