"""``script``: a prompt to a speakable script, through the same pipeline as the app.

What the person sees: without ``--json`` the script appears on stdout as the model
writes it, already cleaned (no "Sure, here is…", markdown or cues) and cut to the
budget, because the live view and the final script come from the same clean-up
(``core.writers.cleanup.LiveCleaner``). So stdout holds exactly the script and can be
redirected to a file. In the rare case a late part of the reply changes text already
shown, a note goes to stderr and the final script is printed again in full. Notes
(cut to fit, cached) and a one-line summary go to stderr. With ``--json``, nothing is
streamed and stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import sys

from core.commands.common import emit_json, read_text_arg
from core.errors import AppError, InputError
from core.models import Brief, Script
from core.usecases import (
    LANGUAGES,
    MAX_DURATION_S,
    MIN_DURATION_S,
    SHARED_USER,
    TONES,
    Parlante,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "script", help="write a script for the presenter from a prompt, or translate one"
    )
    p.add_argument("--prompt", help="what the script is about")
    p.add_argument(
        "--translate-to",
        metavar="LANG",
        help="translate the script given with --text/--text-file into LANG (es, en, …), "
        "faithfully and speakably, instead of writing one",
    )
    p.add_argument("--text", help="with --translate-to: the script to translate")
    p.add_argument("--text-file", help="with --translate-to: a UTF-8 file ('-' for stdin)")
    p.add_argument(
        "--language",
        default="es",
        help=f"language of the script: {', '.join(LANGUAGES)}, optionally with a region "
        "(es-419, en-US); default es",
    )
    p.add_argument(
        "--duration",
        type=float,
        default=30.0,
        help=f"target speaking time in seconds, {MIN_DURATION_S:g}–{MAX_DURATION_S:g} (default 30)",
    )
    p.add_argument("--tone", default="informative", help=f"one of: {', '.join(TONES)}")
    p.add_argument("--audience", default="", help="who is watching (optional)")
    p.add_argument("--no-cache", action="store_true", help="ask the model again even if cached")
    p.add_argument("--json", action="store_true", help="print one JSON object, no streaming")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, app: Parlante) -> int:
    if args.translate_to:
        return _translate(args, app)
    if args.prompt is None:
        raise InputError("script.no_prompt")
    brief = Brief(
        prompt=args.prompt,
        language=args.language,
        tone=args.tone,
        audience=args.audience,
        duration_s=args.duration,
    )
    if args.json:
        emit_json(app.scripts.write(SHARED_USER, brief, use_cache=not args.no_cache).to_json())
        return 0
    shown: list[str] = []

    def show(piece: str) -> None:
        shown.append(piece)
        sys.stdout.write(piece)
        sys.stdout.flush()

    try:
        script = app.scripts.write(SHARED_USER, brief, use_cache=not args.no_cache, on_delta=show)
    except AppError:
        if shown:  # end the half-written line before the error message
            sys.stdout.write("\n")
            sys.stdout.flush()
        raise
    if "".join(shown) != script.text:
        sys.stderr.write(
            "\nnote: the final clean-up changed text shown above; the script is:\n" if shown else ""
        )
        sys.stdout.write(("\n\n" if shown else "") + script.text)
    sys.stdout.write("\n")
    sys.stdout.flush()
    _notes(script)
    return 0


def _translate(args: argparse.Namespace, app: Parlante) -> int:
    if args.text is None and args.text_file is None:
        raise InputError("script.no_text_to_translate")
    text = read_text_arg(args.text, args.text_file)
    script = app.scripts.translate(SHARED_USER, text, args.translate_to, not args.no_cache)
    voice = app.voices.default_voice_id(script.language)
    if args.json:
        emit_json({**script.to_json(), "language": script.language, "voice": voice})
        return 0
    sys.stdout.write(script.text + "\n")
    sys.stdout.flush()
    sys.stderr.write(f"voice for {script.language}: {voice}\n")
    _notes(script)
    return 0


def _notes(script: Script) -> None:
    if script.truncated:
        sys.stderr.write(
            f"note: the model's text did not fit the budget of {script.budget_words} words; "
            "it was cut at a sentence boundary.\n"
        )
    tokens = f" · {script.usage.total_tokens} tokens" if script.usage else ""
    origin = " · from the cache" if script.cached else ""
    sys.stderr.write(
        f"≈ {script.estimated_s:.1f} s · {script.words} words · {script.model}{tokens}{origin}\n"
    )
