"""``db upgrade``: bring the database's schema to the newest revision (a deployment step).

The app, the workers and the CLI also upgrade on first use (safely, even many at once);
running it explicitly before rolling out new replicas keeps that off their start-up.
"""

from __future__ import annotations

import argparse

from core.commands.common import emit_json
from core.messages import render
from core.usecases import Parlante


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="the database (DATABASE_URL, else SQLite under APP_DATA_DIR)")
    actions = p.add_subparsers(dest="db_command", required=True)
    upgrade = actions.add_parser("upgrade", help="apply the schema's pending revisions")
    upgrade.add_argument("--json", action="store_true", help='print {"database", "revision"}')
    upgrade.set_defaults(func=run_upgrade)


def run_upgrade(args: argparse.Namespace, app: Parlante) -> int:
    shown, revision = app.upgrade_database()
    if args.json:
        emit_json({"database": shown, "revision": revision})
    else:
        print(render("db.upgraded", url=shown, revision=revision))
    return 0
