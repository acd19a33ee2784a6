"""``credits``: what D-ID's ``GET /credits`` reports for the configured key."""

from __future__ import annotations

import argparse

from core.commands.common import emit_json
from core.usecases import Parlante


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("credits", help="show the D-ID credits left on DID_API_KEY")
    p.add_argument("--json", action="store_true", help="print D-ID's answer as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, app: Parlante) -> int:
    data = app.account.credits_now("did")
    if args.json:
        emit_json(
            {
                "remaining": data["remaining"],
                "total": data["total"],
                "credits": data.get("credits") or [],
            }
        )
        return 0
    print(f"D-ID credits: {data['remaining']:g} remaining of {data['total']:g}")
    for grant in data.get("credits") or []:
        if isinstance(grant, dict):
            expires = grant.get("expire_at") or "no expiry"
            print(
                f"  {grant.get('remaining', '?'):>8} of {grant.get('total', '?'):<8} "
                f"expires {expires}"
            )
    return 0
