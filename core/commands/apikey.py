"""``apikey create|list|revoke``: the HTTP API's keys of one user (shown once, kept hashed)."""

from __future__ import annotations

import argparse
import datetime as dt

from core.commands.common import emit_json
from core.usecases import SHARED_USER, Parlante

USER_HELP = "the account's e-mail (omit: the shared workspace of password mode)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("apikey", help="create, list or revoke the HTTP API's keys of a user")
    actions = p.add_subparsers(dest="action", required=True)
    for name, text in (("create", "a new key (printed once)"), ("list", "the user's keys"),
                       ("revoke", "revoke a key at once")):  # fmt: skip
        a = actions.add_parser(name, help=text)
        a.add_argument("--user", default=SHARED_USER, help=USER_HELP)
        a.add_argument("--json", action="store_true", help="print JSON")
        if name == "create":
            a.add_argument("--name", default="", help="a label to recognise it by")
        if name == "revoke":
            a.add_argument("id", help="the key's id (from `apikey list`)")
        a.set_defaults(func=run)


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M") if ts else "never"


def run(args: argparse.Namespace, app: Parlante) -> int:
    user = args.user.strip().lower()
    if args.action == "create":
        new = app.apikeys.create(user, args.name)
        if args.json:
            emit_json(new.to_json())
        else:
            print(f"key:            {new.key}")
            print(f"webhook secret: {new.webhook_secret}")
            print(f"id: {new.info.id}. Keep both now: they are not shown again.")
        return 0
    if args.action == "revoke":
        info = app.apikeys.revoke(user, args.id)
        if args.json:
            emit_json(info.to_json())
        else:
            print(f"revoked {info.id} ({info.prefix})")
        return 0
    keys = app.apikeys.list(user)
    if args.json:
        emit_json([k.to_json() for k in keys])
    else:
        for k in keys:
            state = "revoked" if not k.active else f"last used {_when(k.last_used_at)}"
            print(f"{k.id}  {k.prefix:<14} {k.name or '-':<20} {state}")
    return 0
