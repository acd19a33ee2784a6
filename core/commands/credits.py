"""``credits``: what D-ID's ``GET /credits`` reports for the configured key."""

from __future__ import annotations

import argparse

from core.commands.common import emit_json
from core.errors import ConfigError
from core.services import Services


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("credits", help="show the D-ID credits left on DID_API_KEY")
    p.add_argument("--json", action="store_true", help="print D-ID's answer as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, services: Services) -> int:
    engine = services.engine("did")
    if not engine.capabilities.credits:  # the registry maps "did" to something else
        raise ConfigError("did.no_credits_report")
    data = engine.credits()
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
