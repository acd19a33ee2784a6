"""``voices`` and ``avatars``: what the engines can speak and show."""

from __future__ import annotations

import argparse

from core.commands.common import emit_json
from core.errors import InputError
from core.usecases import ENGINE_IDS, SHARED_USER, Parlante

ENGINE_CHOICES = sorted(ENGINE_IDS)


def register(sub: argparse._SubParsersAction) -> None:
    voices = sub.add_parser("voices", help="list the voices of an engine")
    voices.add_argument("--engine", choices=ENGINE_CHOICES, default="local")
    voices.add_argument("--language", help="a language code such as es, es-419 or en-US")
    voices.add_argument("--json", action="store_true", help="print a JSON array")
    voices.set_defaults(func=run_voices)

    avatars = sub.add_parser("avatars", help="list the presenters (built-in and stored photos)")
    avatars.add_argument("--json", action="store_true", help="print a JSON array")
    avatars.set_defaults(func=run_avatars)


def run_voices(args: argparse.Namespace, app: Parlante) -> int:
    voices = app.voices.list(SHARED_USER, args.engine, args.language)
    if not voices and args.language:
        raise InputError("voice.cli_no_language", engine=args.engine, language=args.language)
    if args.json:
        emit_json([v.to_json() for v in voices])
    else:
        for v in voices:
            print(f"{v.id:<28} {v.language:<8} {v.gender:<7} {v.name}")
    return 0


def run_avatars(args: argparse.Namespace, app: Parlante) -> int:
    avatars = app.presenters.list(SHARED_USER)
    if args.json:
        emit_json([a.to_json() for a in avatars])
    else:
        for a in avatars:
            print(f"{a.id:<20} {a.kind:<12} {a.name}")
    return 0
