"""``media check|count|sweep``: the media store (MEDIA_URL, or the local data folder)."""

from __future__ import annotations

import argparse

from core.commands.common import emit_json
from core.usecases import Parlante


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("media", help="check the media store, count or sweep leftover files")
    p.add_argument("action", choices=("check", "count", "sweep"),
                   help="check: write, read and remove a test object; count: files without "
                   "records and records without files; sweep: remove stored files with no "
                   "record older than MEDIA_ORPHAN_MINUTES")  # fmt: skip
    p.add_argument("--force", action="store_true",
                   help="sweep even when far more files than records have no record")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run, jobs=False)


def run(args: argparse.Namespace, app: Parlante) -> int:
    result: dict[str, object] = {"store": app.media.where}
    if args.action == "check":
        app.media.check()
        result["ok"] = True
    elif args.action == "count":
        result.update(app.media.mismatches().to_json())
    else:
        result["removed"] = app.media.sweep(force=args.force)
    if args.json:
        emit_json(result)
    else:
        print(" ".join(f"{k}={v}" for k, v in result.items()))
    return 0
