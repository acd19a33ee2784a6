"""The command line: ``python -m core <command>`` (voices, avatars, looks, render, script,
credits, serve, apikey, batch, jobs, worker, media, db).

Exit codes: 0 done; 2 wrong input; 3 configuration or account problem; 4 the provider
failed after retries or refused. Errors are one line on stderr starting ``error:``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence

from core.commands import (
    apikey,
    batch,
    catalogue,
    credits,
    db,
    jobs,
    looks,
    media,
    render,
    script,
    serve,
    worker,
)
from core.config import Settings
from core.errors import AppError
from core.usecases import Parlante

COMMANDS = (
    catalogue,
    looks,
    render,
    jobs,
    worker,
    credits,
    script,
    serve,
    apikey,
    batch,
    media,
    db,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="Parlante: scripts to talking videos.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log retries and steps")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings.from_sources(os.environ if env is None else env)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler], force=True
        )
        # keys masked in every log line from here; serve and batch run the job queue
        app = Parlante.open(settings, jobs=getattr(args, "jobs", False))
        try:
            return args.func(args, app)
        finally:
            app.close()  # a runner started here gives unfinished jobs back to the queue
    except AppError as err:
        message = settings.redact(err.message) if settings else err.message
        sys.stderr.write(f"error: {message}\n")
        return err.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
