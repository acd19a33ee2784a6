"""``serve``: the HTTP API (uvicorn), with the job runner and the webhook dispatcher."""

from __future__ import annotations

import argparse

from core.usecases import Parlante


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the HTTP API (docs at /docs, schema at /openapi.json)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: all)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-jobs", action="store_true",
                   help="queue jobs only; another process (the app) renders them")  # fmt: skip
    p.set_defaults(func=run, jobs=True)


def run(args: argparse.Namespace, app: Parlante) -> int:
    import uvicorn

    from core.api import create_app

    if args.no_jobs:
        app.close()
    config = uvicorn.Config(
        create_app(app), host=args.host, port=args.port, log_level="info",
        proxy_headers=True, server_header=False,
    )  # fmt: skip
    try:
        uvicorn.Server(config).run()
    finally:
        app.close()
    return 0
