"""``jobs show ID`` and ``jobs list``: follow queued renders from the command line.

Jobs are the shared workspace's (like ``render``). A finished job shows the usual render
result (the video's files); a failed one its reason, as text and as a message id.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.commands.common import emit_json
from core.errors import InputError
from core.usecases import DONE, FAILED, SHARED_USER, STATUSES, Job, Parlante

MAX_LIMIT = 1000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("jobs", help="follow queued renders (render --submit queues one)")
    jobs_sub = p.add_subparsers(dest="jobs_command", required=True, parser_class=type(p))
    show = jobs_sub.add_parser("show", help="one job: status, progress, error, result")
    show.add_argument("job_id", help="the job's id (job-…)")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(func=run_show)
    ls = jobs_sub.add_parser("list", help="the latest jobs, newest first")
    ls.add_argument(
        "--status", action="append", default=[],
        help=f"only jobs in this state ({', '.join(STATUSES)}); repeat for several",
    )  # fmt: skip
    ls.add_argument("--limit", type=int, default=50, help=f"at most this many (1–{MAX_LIMIT})")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(func=run_list)


def describe(app: Parlante, job: Job) -> dict[str, Any]:
    """A job as the command line prints it: the render result once it is done."""
    error = None
    if job.status == FAILED:
        data = (job.error_data or {}).get("id")
        reason = data.get("id") if isinstance(data, dict) else None
        error = {"message": job.error_text("en") or "failed", "reason": reason}
    video = app.renders.video(job.user, job) if job.status == DONE else None
    return {
        "job": job.id,
        "status": job.status,
        "engine": job.engine,
        "title": job.title,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "attempts": job.attempts,
        "progress": {
            "stage": job.stage,
            "fraction": round(max(0.0, min(1.0, job.fraction)), 4),
            "message": job.message_text("en"),
        },
        "error": error,
        "result": app.videos.result(job.user, video) if video is not None else None,
    }


def _line(info: dict[str, Any]) -> str:
    progress = info["progress"]
    text = f"{info['job']}  {info['status']:<9} {progress['fraction'] * 100:5.1f}%  "
    text += f"{info['engine']:<6} {info['title'][:40]}"
    if info["error"]:
        text += f"\n    error: {info['error']['message']}"
    if info["result"]:
        text += f"\n    video: {info['result']['video']}"
    return text


def run_show(args: argparse.Namespace, app: Parlante) -> int:
    info = describe(app, app.renders.job(SHARED_USER, args.job_id))
    if args.json:
        emit_json(info)
    else:
        print(_line(info))
    return 0


def run_list(args: argparse.Namespace, app: Parlante) -> int:
    wrong = [s for s in args.status if s not in STATUSES]
    if wrong:
        raise InputError("jobs.unknown_status", status=wrong[0], known=", ".join(STATUSES))
    if not 1 <= args.limit <= MAX_LIMIT:
        raise InputError("jobs.bad_limit", limit=args.limit, most=MAX_LIMIT)
    jobs = app.renders.jobs(SHARED_USER, tuple(args.status), limit=args.limit)
    infos = [describe(app, job) for job in jobs]
    if args.json:
        emit_json(infos)
    else:
        for info in infos:
            print(_line(info))
    return 0
