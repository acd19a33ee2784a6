"""``batch``: one video per row of a CSV/XLSX, as jobs in the normal queue.

Every row is checked first; any bad row (all of them are listed: row, column, what is
wrong) exits 2 before anything is queued. Rows already rendered are skipped, so running
the same batch again renders nothing new. Finished videos and results.csv go to --out-dir.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.commands.catalogue import ENGINE_CHOICES
from core.commands.common import emit_json, read_text_arg
from core.errors import InputError
from core.files import atomic_path, copy, write_bytes
from core.usecases import DONE, SHARED_USER, BatchPlan, BatchStatus, Parlante

EXIT_ROWS_FAILED = 4


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="one video per row of a CSV or XLSX spreadsheet")
    p.add_argument("sheet", help="the spreadsheet (.csv or .xlsx), one row per video")
    p.add_argument("--out-dir", help="where the videos and results.csv go")
    p.add_argument("--engine", choices=ENGINE_CHOICES, default="local",
                   help="engine for rows without an 'engine' column")  # fmt: skip
    p.add_argument("--language", default="es", help="language for rows without one")
    tpl = p.add_mutually_exclusive_group()
    tpl.add_argument("--template", help="a script with {placeholders} for rows without 'text'")
    tpl.add_argument("--template-file", help="the template script in a UTF-8 file")
    p.add_argument("--user", default=SHARED_USER, help="whose batch (default: shared workspace)")
    p.add_argument("--dry-run", action="store_true", help="check every row; render nothing")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run, jobs=True)


def _minutes(seconds: float) -> str:
    return (
        f"{int(seconds // 60)} min {int(seconds % 60)} s" if seconds >= 60 else f"{seconds:.0f} s"
    )


def _print_plan(plan: BatchPlan) -> None:
    credits = f", {plan.total_credits} credits" if plan.total_credits is not None else ""
    print(f"{plan.name}: {len(plan.rows)} videos, about {_minutes(plan.total_seconds)} of "
          f"video{credits}")  # fmt: skip
    for row in plan.preview():
        data = row.to_json()
        what = (data["text"] or data["topic"] or "")[:48].replace("\n", " ")
        print(f"  row {row.row:<4} {row.title[:24]:<24} {data['language']:<6} "
              f"~{row.seconds:>5.1f} s  {what}")  # fmt: skip
    if len(plan.rows) > len(plan.preview()):
        print(f"  … and {len(plan.rows) - len(plan.preview())} more")


def run(args: argparse.Namespace, app: Parlante) -> int:
    path = Path(args.sheet).expanduser()
    if not path.is_file():
        raise InputError("batch.missing_file", name=args.sheet)
    template = read_text_arg(args.template, args.template_file) if (
        args.template or args.template_file) else ""  # fmt: skip
    out_dir = Path(args.out_dir).expanduser() if args.out_dir else None
    user = args.user.strip().lower()
    plan = app.batches.plan(user, path.name, path.read_bytes(), args.engine, template,
                            args.language)  # fmt: skip
    if args.json and (args.dry_run or not plan.ok):
        emit_json(plan.to_json())
    elif not args.json:
        _print_plan(plan)
    for problem in plan.problems:
        sys.stderr.write(f"error: {problem.line()}\n")
    if not plan.ok:
        app.batches.start(user, plan)  # raises the summary (exit 2); nothing is queued
    app.batches.check_cap(user, plan)  # more D-ID videos than today's cap leaves: exit 2
    if args.dry_run:
        return 0
    status = app.batches.start(user, plan)
    skipped = status.count(DONE)
    if not args.json:
        print(f"{len(status.rows) - skipped} to render, {skipped} already done")
    status = _wait(app, user, status, show=not args.json)
    files = _export(app, user, status, out_dir) if out_dir else {}
    if args.json:
        emit_json({**status.to_json(), "files": {str(k): v for k, v in files.items()},
                   "zip": str(out_dir / zip_name(status)) if out_dir else None})  # fmt: skip
    else:
        print(f"{status.count(DONE)} done, {status.count('failed', 'cancelled')} failed"
              + (f" → {out_dir} ({zip_name(status)}, results.csv)" if out_dir else ""))  # fmt: skip
        for row in status.rows:
            if row.status != DONE:
                sys.stderr.write(f"error: row {row.row}: {row.error or row.status}\n")
    return 0 if status.count(DONE) == len(status.rows) else EXIT_ROWS_FAILED


def _wait(app: Parlante, user: str, status: BatchStatus, show: bool) -> BatchStatus:
    tty = show and sys.stderr.isatty()
    while not status.finished:
        time.sleep(0.2)
        status = app.batches.status(user, status.id)
        if tty:
            sys.stderr.write(f"\r\033[K{status.count(DONE)}/{len(status.rows)} videos")
            sys.stderr.flush()
    if tty:
        sys.stderr.write("\n")
    return status


def _export(app: Parlante, user: str, status: BatchStatus, out_dir: Path) -> dict[int, str]:
    """Copy the finished videos into ``out_dir`` (files already there are kept), write
    results.csv beside them and ``<sheet>.zip`` holding both (as the app's Batch page)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {}
    for row, (name, source) in app.batches.files(user, status.id).items():
        target = out_dir / name
        if not target.is_file() or target.stat().st_size != Path(source).stat().st_size:
            copy(Path(source), target)
        names[row] = name
    write_bytes(out_dir / "results.csv", app.batches.results_csv(user, status.id, names))
    with atomic_path(out_dir / zip_name(status)) as tmp, tmp.open("wb") as out:
        app.batches.write_zip(user, status.id, out)
    return names


def zip_name(status: BatchStatus) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(status.name).stem)
    return f"{stem.strip('-')[:60] or status.id}.zip"
